//! The command line (clap derive; the doc comments are the `--help` text) and its dispatch.
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::i18n::Lang;

/// Teaches "official images → golden images" and checks your work on the machine's Docker daemon.
#[derive(Parser, Debug)]
#[command(name = "workbench", version, about, long_about = None)]
pub struct Cli {
    /// The folder with one sub-folder per exercise [default: ~/workbench]
    #[arg(long, global = true, env = "WORKBENCH_WORKSPACE", value_name = "DIR")]
    pub workspace: Option<PathBuf>,
    /// Where progress is kept [default: the per-user data folder, e.g. ~/.local/share/workbench]
    #[arg(long, global = true, env = "WORKBENCH_DATA", value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Serve an instructor's copy of lessons/ and exercises/ from DIR instead of the built-in one
    #[arg(long, global = true, env = "WORKBENCH_CONTENT", value_name = "DIR")]
    pub content: Option<PathBuf>,
    /// Language of terminal messages [default: from WORKBENCH_LANG or LANG]
    #[arg(long, global = true, value_enum)]
    pub lang: Option<Lang>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Start the local web page (lessons, quiz, exercises) and open it in the browser
    Serve(ServeArgs),
    /// List the exercises and their last verdicts
    List {
        #[arg(long)]
        json: bool,
    },
    /// Check an exercise's image in the Docker daemon (exit 0 pass, 1 fail, 2 cannot judge)
    Check {
        /// The exercise id (golden-sdk, golden-runtime, golden-app)
        exercise: Option<String>,
        /// Check every exercise
        #[arg(long, conflicts_with = "exercise")]
        all: bool,
        /// Build the exercise folder first
        #[arg(long)]
        build: bool,
        /// Print the verdict as JSON
        #[arg(long)]
        json: bool,
        /// Seconds a build may take before it is cancelled
        #[arg(long, default_value_t = 300, value_name = "SECS")]
        build_timeout: u64,
    },
    /// Build an exercise folder into its image through the Docker daemon
    Build {
        exercise: String,
        /// Seconds the build may take before it is cancelled
        #[arg(long, default_value_t = 300, value_name = "SECS")]
        build_timeout: u64,
        /// Do not use the build cache
        #[arg(long)]
        no_cache: bool,
    },
    /// Put an exercise folder back to its starter files (your version is kept in .backup/) and forget its verdicts
    Reset { exercise: String },
    /// Check that this machine is ready for the exercises
    Doctor {
        #[arg(long)]
        json: bool,
    },
    /// The base images the exercises need: status, pull, or save/load an offline bundle
    Images {
        #[command(subcommand)]
        action: ImagesAction,
    },
    /// Progress records
    Progress {
        #[command(subcommand)]
        action: ProgressAction,
    },
    /// For content authors: check lessons, quiz and exercises (of --content DIR or the built-in copy)
    Content {
        #[command(subcommand)]
        action: ContentAction,
    },
}

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Port to listen on (0 picks a free one)
    #[arg(long, default_value_t = 8765)]
    pub port: u16,
    /// Address to listen on; anything but loopback needs --allow-remote
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Allow listening on a non-loopback address (the token is still required)
    #[arg(long)]
    pub allow_remote: bool,
    /// The host name remote browsers use, with --allow-remote (checked against the Host header)
    #[arg(long, value_name = "NAME")]
    pub public_host: Option<String>,
    /// Do not open a browser
    #[arg(long)]
    pub no_open: bool,
    /// Seconds a build started from the page may take
    #[arg(long, default_value_t = 300, value_name = "SECS")]
    pub build_timeout: u64,
}

#[derive(Subcommand, Debug)]
pub enum ImagesAction {
    /// Which base images the exercises need and whether they are present
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Pull the base images (needs access to their registry, or a mirror of it)
    Pull {
        /// Pull from this registry instead, e.g. `registry.school.example:5000` or
        /// `harbor.example/mcr-proxy`: `mcr.microsoft.com/dotnet/core/sdk:3.0.100` is then pulled
        /// as `MIRROR/dotnet/core/sdk:3.0.100` and tagged with its official name.
        #[arg(long, env = "WORKBENCH_MIRROR", value_name = "MIRROR")]
        mirror: Option<String>,
    },
    /// Save the base images to one tar file, for machines without internet
    Save { file: PathBuf },
    /// Load a tar file made by `images save`
    Load { file: PathBuf },
}

#[derive(Subcommand, Debug)]
pub enum ProgressAction {
    /// Write all progress as JSON (to stdout, or to FILE)
    Export { file: Option<PathBuf> },
}

#[derive(Subcommand, Debug)]
pub enum ContentAction {
    /// Check that every lesson and quiz parses and every link and id resolves
    Check,
}

pub fn run() -> ExitCode {
    crate::trace("start");
    let cli = Cli::parse();
    let ctx = crate::cmd::Context::new(&cli);
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: Failed to start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let result = runtime.block_on(crate::cmd::dispatch(ctx, cli.command));
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
