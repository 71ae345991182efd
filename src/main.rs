//! `workbench` — command-line entry point. Parsing and dispatch only; the work lives in the library.
use std::process::ExitCode;

fn main() -> ExitCode {
    workbench::cli::run()
}
