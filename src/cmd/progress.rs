//! `workbench progress export`: the learner's progress as JSON, for an instructor.
use anyhow::{Context as _, Result};

use super::Context;
use crate::cli::ProgressAction;

pub fn run(ctx: &Context, action: ProgressAction) -> Result<u8> {
    let ProgressAction::Export { file } = action;
    let progress = crate::progress::Progress::open(&ctx.data)?;
    let text = serde_json::to_string_pretty(&progress.export()?)?;
    match file {
        Some(f) => std::fs::write(&f, text + "\n").with_context(|| format!("Failed to write {}", f.display()))?,
        None => println!("{text}"),
    }
    Ok(0)
}
