//! `workbench build EXERCISE`: builds the exercise folder through the Engine API, streaming the
//! daemon's output.
use std::time::Duration;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};

use super::Context;
use crate::content::Exercise;
use crate::engine::Engine;
use crate::engine::build::{BuildError, BuildRequest};

pub async fn run(ctx: &Context, id: &str, timeout: u64, no_cache: bool) -> Result<u8> {
    let content = ctx.content.get();
    let Some(ex) = content.exercise(id) else {
        eprintln!("error: unknown exercise `{id}`");
        return Ok(2);
    };
    let engine = match Engine::connect().await {
        Ok(e) => e,
        Err(e) => {
            super::environment_error(&e);
            return Ok(2);
        }
    };
    build_one(ctx, &engine, ex, Duration::from_secs(timeout), no_cache).await
}

/// 0 built, 1 the build failed (the learner's to fix), 2 environment error.
pub async fn build_one(ctx: &Context, engine: &Engine, ex: &Exercise, timeout: Duration, no_cache: bool) -> Result<u8> {
    let dir = crate::workspace::scaffold(&ctx.workspace, ex)?;
    let tag = &ex.spec.image.tag;
    // The disk check (`docker info` is slow) runs beside the build, not before it; a build that
    // ends first is not held up for it (a long build, the kind that fills disks, sees it).
    let disk = {
        let engine = engine.clone();
        tokio::spawn(async move {
            if let Some((root, free)) = engine.free_disk().await
                && let Some(warning) = super::doctor::low_disk(&root, free)
            {
                eprintln!("warning: {warning}. {}", super::doctor::LOW_DISK_FIX);
            }
        })
    };
    let bar = ProgressBar::new_spinner();
    bar.set_style(ProgressStyle::with_template("{spinner} {elapsed:>4} {msg}").expect("valid template"));
    bar.enable_steady_tick(Duration::from_millis(120));
    bar.set_message(format!("building {tag} from {}", dir.display()));
    let req = BuildRequest { dir: &dir, tag, timeout, no_cache };
    let outcome = engine
        .build(&req, |line| {
            if line.starts_with("Step ") {
                bar.set_message(line.to_string());
            }
            bar.println(line);
        })
        .await;
    bar.finish_and_clear();
    disk.abort();
    match outcome {
        Ok(outcome) => {
            let (built, summary) = outcome.summary(tag);
            println!("{} {summary}", if built { "✓" } else { "✗" });
            Ok(if built { 0 } else { 1 })
        }
        Err(BuildError::Context(e)) => {
            println!("✗ {e}");
            Ok(1)
        }
        Err(BuildError::Engine(e)) => {
            super::environment_error(&e);
            Ok(2)
        }
    }
}
