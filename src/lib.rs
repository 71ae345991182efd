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

/// `WORKBENCH_TRACE=1` prints each step's time since the process started, to stderr: how the
/// benchmark's figures were profiled, and what to send when the workbench feels slow.
pub fn trace(step: &str) {
    use std::sync::OnceLock;
    use std::time::Instant;
    static START: OnceLock<(bool, Instant)> = OnceLock::new();
    let (on, start) = START.get_or_init(|| (std::env::var_os("WORKBENCH_TRACE").is_some_and(|v| v == "1"), Instant::now()));
    if *on {
        eprintln!("[{:>7.1} ms] {step}", start.elapsed().as_secs_f64() * 1000.0);
    }
}
