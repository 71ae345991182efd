//! `workbench reset EXERCISE`: starter files back, the learner's version kept, verdicts forgotten.
use anyhow::Result;

use super::Context;

pub fn run(ctx: &Context, id: &str) -> Result<u8> {
    let content = ctx.content.get();
    let Some(ex) = content.exercise(id) else {
        eprintln!("error: unknown exercise `{id}`");
        return Ok(2);
    };
    let backup = crate::workspace::reset(&ctx.workspace, ex)?;
    if let Some(p) = ctx.progress() {
        p.reset_exercise(id)?;
    }
    match backup {
        Some(b) => println!("reset {id}: starter files restored; your version is in {}", b.display()),
        None => println!("reset {id}: starter files written"),
    }
    Ok(0)
}
