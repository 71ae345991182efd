//! `workbench check`: exit 0 when the work passes, 1 when it fails a check, 2 when it cannot be
//! judged (no daemon, unknown exercise) — an environment error is never the learner's failure.
use std::time::Duration;

use anyhow::Result;

use super::Context;
use crate::checks::{self, CheckError, Facts, Verdict};
use crate::engine::Engine;
use crate::i18n::Lang;

pub async fn run(ctx: &Context, exercise: Option<String>, all: bool, build: bool, json: bool, build_timeout: u64) -> Result<u8> {
    let content = ctx.content.get();
    let selected: Vec<_> = match (&exercise, all) {
        (Some(id), _) => match content.exercise(id) {
            Some(ex) => vec![ex],
            None => {
                eprintln!("error: {}", CheckError::UnknownExercise(id.clone()));
                eprintln!("  exercises: {}", content.exercises.iter().map(|e| e.spec.id.as_str()).collect::<Vec<_>>().join(", "));
                return Ok(2);
            }
        },
        (None, true) => content.exercises.iter().collect(),
        (None, false) => {
            eprintln!("error: name an exercise ({}) or pass --all", content.exercises.iter().map(|e| e.spec.id.as_str()).collect::<Vec<_>>().join(", "));
            return Ok(2);
        }
    };
    let engine = match Engine::connect().await {
        Ok(e) => e,
        Err(e) => {
            super::environment_error(&e);
            return Ok(2);
        }
    };
    // Leftovers of dead workbench processes go while this check runs: they never share a
    // container with it.
    let stale = {
        let engine = engine.clone();
        tokio::spawn(async move { crate::engine::cleanup::remove_stale(&engine).await })
    };
    if build {
        for ex in &selected {
            let code = super::build::build_one(ctx, &engine, ex, Duration::from_secs(build_timeout), false).await?;
            if code == 2 {
                return Ok(2);
            }
        }
    }
    for ex in &selected {
        let _ = crate::workspace::scaffold(&ctx.workspace, ex);
    }
    let facts = Facts::new(engine);
    crate::trace("checking");
    let results = checks::check_many(&facts, &content, &selected, &ctx.workspace).await;
    crate::trace("checked");
    let _ = stale.await;
    // An exercise that cannot be judged does not hide the verdicts of the others; it makes the
    // exit code 2, and no verdict is recorded for it.
    let mut verdicts = vec![];
    let mut cannot_judge = false;
    for (ex, r) in selected.iter().zip(results) {
        match r {
            Ok(v) => verdicts.push(v),
            Err(CheckError::Engine(e)) => {
                eprint!("{}: ", ex.spec.id);
                super::environment_error(&e);
                cannot_judge = true;
            }
            Err(e) => {
                eprintln!("{}: environment error: {e}", ex.spec.id);
                cannot_judge = true;
            }
        }
    }
    if let Some(progress) = ctx.progress() {
        for v in &verdicts {
            let _ = progress.verdict(&v.exercise, v.passed(), &serde_json::to_value(v.to_json(ctx.lang))?, "cli");
        }
    }
    let passed = verdicts.iter().all(Verdict::passed);
    if json {
        let items: Vec<_> = verdicts.iter().map(|v| v.to_json(ctx.lang)).collect();
        if all {
            println!("{}", serde_json::to_string_pretty(&serde_json::json!({"passed": passed && !cannot_judge, "exercises": items}))?);
        } else if let Some(one) = items.first() {
            println!("{}", serde_json::to_string_pretty(one)?);
        }
    } else {
        for v in &verdicts {
            print_verdict(v, ctx.lang);
        }
    }
    Ok(if cannot_judge {
        2
    } else if passed {
        0
    } else {
        1
    })
}

pub fn print_verdict(v: &Verdict, lang: Lang) {
    let mark = if v.passed() { "✓" } else { "✗" };
    let image = v.image.as_deref().map(|i| format!("  ({i})")).unwrap_or_default();
    println!("{mark} {}{image}", v.exercise);
    for c in &v.checks {
        let m = if c.passed { "✓" } else { "✗" };
        let msg = c.message.get(lang).replace('\n', "\n      ");
        println!("  {m} {:<22} {msg}", c.id);
        let hint = c.hint.get(lang);
        if !c.passed && !hint.is_empty() {
            println!("      {} {hint}", if lang == Lang::Ko { "힌트:" } else { "hint:" });
        }
    }
}
