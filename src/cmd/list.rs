//! `workbench list`: the exercises and their last verdicts (kept in the progress database).
use anyhow::Result;

use super::Context;

pub async fn run(ctx: &Context, json: bool) -> Result<u8> {
    let content = ctx.content.get();
    let progress = ctx.progress();
    let mut rows = vec![];
    for ex in &content.exercises {
        let last = progress.as_ref().and_then(|p| p.last_verdict(&ex.spec.id).ok().flatten());
        rows.push(serde_json::json!({
            "id": ex.spec.id,
            "title": ex.title(ctx.lang),
            "image": ex.spec.image.tag,
            "folder": crate::workspace::exercise_dir(&ctx.workspace, &ex.spec.id),
            "passed": last.as_ref().map(|l| l.passed),
            "checked_at": last.as_ref().map(|l| l.at),
        }));
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        for r in &rows {
            let mark = match r["passed"].as_bool() {
                Some(true) => "✓",
                Some(false) => "✗",
                None => "·",
            };
            println!("{mark} {:<16} {:<28} {}", r["id"].as_str().unwrap_or(""), r["image"].as_str().unwrap_or(""), r["title"].as_str().unwrap_or(""));
        }
    }
    Ok(0)
}
