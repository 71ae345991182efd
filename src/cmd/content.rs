//! `workbench content check`: the content checker for authors and instructors.
use anyhow::Result;

use super::Context;
use crate::cli::ContentAction;

pub fn run(ctx: &Context, action: ContentAction) -> Result<u8> {
    let ContentAction::Check = action;
    let content = ctx.content.get();
    let problems = crate::content::validate::validate(&content);
    for p in &problems {
        println!("{p}");
    }
    println!("{} lessons, {} questions, {} exercises: {} problem(s)", content.lessons.len(), content.quiz.len(), content.exercises.len(), problems.len());
    Ok(if problems.is_empty() { 0 } else { 1 })
}
