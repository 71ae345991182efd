//! workbench: teaches the chapter "official images → golden images" and checks the learner's
//! work on a real Docker daemon. `main.rs` only calls [`cli::run`].
pub mod checks;
pub mod cli;
pub mod cmd;
pub mod content;
pub mod engine;
pub mod i18n;
pub mod progress;
pub mod web;
pub mod workspace;
