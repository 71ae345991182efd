//! One module per subcommand; this file holds what they share and the dispatch.
pub mod build;
pub mod check;
pub mod content;
pub mod doctor;
pub mod images;
pub mod list;
pub mod progress;
pub mod reset;
pub mod serve;

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Result;

use crate::cli::{Cli, Command};
use crate::content::{ContentStore, Source};
use crate::i18n::Lang;

pub struct Context {
    pub content: Arc<ContentStore>,
    pub workspace: PathBuf,
    pub data: PathBuf,
    pub lang: Lang,
}

impl Context {
    pub fn new(cli: &Cli) -> Context {
        let source = match &cli.content {
            Some(dir) => Source::Dir(dir.clone()),
            None => Source::Embedded,
        };
        let content = Arc::new(ContentStore::new(source));
        crate::trace("content loaded");
        Context {
            content,
            workspace: cli.workspace.clone().unwrap_or_else(crate::workspace::default_root),
            data: cli.data.clone().unwrap_or_else(crate::progress::default_dir),
            lang: cli.lang.unwrap_or_else(Lang::from_env),
        }
    }

    /// The progress store; a failure to open it is reported but does not stop a check.
    pub fn progress(&self) -> Option<crate::progress::Progress> {
        match crate::progress::Progress::open(&self.data) {
            Ok(p) => Some(p),
            Err(e) => {
                eprintln!("warning: progress will not be saved: {e:#}");
                None
            }
        }
    }
}

pub async fn dispatch(ctx: Context, command: Command) -> Result<u8> {
    match command {
        Command::Serve(args) => serve::run(ctx, args).await,
        Command::List { json } => list::run(&ctx, json).await,
        Command::Check { exercise, all, build, json, build_timeout } => check::run(&ctx, exercise, all, build, json, build_timeout).await,
        Command::Build { exercise, build_timeout, no_cache } => build::run(&ctx, &exercise, build_timeout, no_cache).await,
        Command::Reset { exercise } => reset::run(&ctx, &exercise),
        Command::Doctor { json } => doctor::run(&ctx, json).await,
        Command::Images { action } => images::run(&ctx, action).await,
        Command::Progress { action } => progress::run(&ctx, action),
        Command::Content { action } => content::run(&ctx, action),
    }
}

/// Prints an environment error the way every subcommand does: what failed, and what to do.
pub fn environment_error(e: &crate::engine::EngineError) {
    eprintln!("environment error: {e}\n  {}", e.advice());
}
