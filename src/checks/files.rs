//! Checks that look inside the image: expected files (read through the Engine API from a
//! container that is created but never started), the file the command runs, and — last — running
//! the app. One container serves all of them.
use std::time::Duration;

use super::{messages, run};
use crate::content::ExerciseSpec;
use crate::engine::{Engine, EngineError, ImageFacts};
use crate::i18n::Text;

/// Files read from an image are small config files; larger ones are cut here.
const MAX_FILE: usize = 1 << 20;

pub async fn check_in_container(engine: &Engine, spec: &ExerciseSpec, image: &ImageFacts) -> Result<Vec<(String, bool, Text)>, EngineError> {
    // An image without a command cannot even be created to run; that is the learner's to fix,
    // and the checks say so rather than report the daemon's refusal.
    let runnable = !image.entrypoint.is_empty() || !image.cmd.is_empty();
    let publish = spec.run.as_ref().filter(|_| runnable).map(|r| r.port.as_str());
    let held = engine.create(&image.id, publish).await?;
    let result = checks_with(&held, spec, image, runnable).await;
    held.remove().await;
    result
}

async fn checks_with(
    held: &crate::engine::container::Held<'_>,
    spec: &ExerciseSpec,
    image: &ImageFacts,
    runnable: bool,
) -> Result<Vec<(String, bool, Text)>, EngineError> {
    let mut out = vec![];
    for file in &spec.files {
        let path = absolute(&file.path, "/");
        let id = format!("file:{path}");
        let Some(bytes) = held.read_file(&path, MAX_FILE).await? else {
            let near = near_paths(held, &path).await?;
            out.push((id, false, messages::file_missing(&path, &near)));
            continue;
        };
        let Some(pointer) = &file.json_pointer else {
            out.push((id, true, messages::file_ok(&path)));
            continue;
        };
        // A byte-order mark (what some Windows editors save) is skipped, as the .NET host does.
        let json = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let verdict = match serde_json::from_slice::<serde_json::Value>(json) {
            Err(e) => (false, messages::file_not_json(&path, &e.to_string())),
            Ok(v) => match v.pointer(pointer).and_then(|x| x.as_str()).filter(|s| !s.trim().is_empty()) {
                Some(value) => (true, messages::json_value_ok(&path, pointer, value)),
                None => (false, messages::json_value_missing(&path, pointer)),
            },
        };
        out.push((id, verdict.0, verdict.1));
    }

    // The file the command runs is looked for first, with a stat (quick), and searched for only
    // when missing: a run that fails removes its container (AutoRemove), and with it the files.
    let target_check = async {
        if !spec.cmd_target {
            return Ok(None);
        }
        let command: Vec<&String> = image.entrypoint.iter().chain(&image.cmd).collect();
        let Some(target) = target_of(&command) else {
            return Ok(Some((false, messages::no_dll_in_command(&command))));
        };
        let path = absolute(target, if image.working_dir.is_empty() { "/" } else { &image.working_dir });
        if held.is_file(&path).await? {
            return Ok(Some((true, messages::cmd_target_ok(&path))));
        }
        let found = find_by_name(held, &path, &image.working_dir).await?;
        Ok::<_, EngineError>(Some((false, messages::cmd_target_missing(&path, &found))))
    };
    let run_check = async {
        let Some(run) = &spec.run else { return Ok(None) };
        if !runnable {
            return Ok(Some((false, messages::not_run_because_target())));
        }
        let outcome = held.start_and_probe(&run.port, &run.path, Duration::from_secs(run.ready_timeout_secs)).await?;
        Ok::<_, EngineError>(Some(run::judge(&outcome, &run.port, &run.path)))
    };
    // In this order, and an engine error stops here: the app is not run for nothing.
    if let Some((passed, message)) = target_check.await? {
        out.push(("cmd-target".into(), passed, message));
    }
    if let Some((passed, message)) = run_check.await? {
        out.push(("responds".into(), passed, message));
    }
    Ok(out)
}

/// The file the image's command runs: the `.dll` a `dotnet` command is given
/// (`dotnet /app/app.dll` → `/app/app.dll`), or else the program itself when it is named by a
/// path (`./app`, the apphost `dotnet publish` writes beside the dll). A shell form
/// (`/bin/sh -c "dotnet app.dll"`, what `CMD dotnet app.dll` becomes) is looked into word by
/// word. `None` when neither is there (`dotnet` alone, `bash`).
fn target_of<'a>(command: &[&'a String]) -> Option<&'a str> {
    let words: Vec<&'a str> = match command {
        // The script's words, then the arguments after it (`sh -c 'exec "$@"' -- dotnet app.dll`).
        [shell, flag, script, rest @ ..] if is_shell(shell) && flag.as_str() == "-c" => script
            .split(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | ')'))
            .map(|w| w.trim_matches(['"', '\'']))
            .chain(rest.iter().map(|a| a.as_str()))
            .filter(|w| !w.is_empty() && !matches!(*w, "exec" | "env" | "--" | "$@" | "\"$@\""))
            .collect(),
        _ => command.iter().map(|a| a.as_str()).collect(),
    };
    if let Some(dll) = words.iter().find(|w| w.ends_with(".dll")) {
        return Some(dll);
    }
    // The program: the first word that is not a variable assignment (`ASPNETCORE_URLS=… ./app`).
    let program = words.iter().copied().find(|w| !is_assignment(w))?;
    (program.contains('/') && !is_shell(program)).then_some(program)
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

fn is_shell(program: &str) -> bool {
    matches!(program.rsplit('/').next(), Some("sh" | "bash" | "ash" | "dash"))
}

fn absolute(path: &str, workdir: &str) -> String {
    if path.starts_with('/') { normalize(path) } else { normalize(&format!("{}/{path}", workdir.trim_end_matches('/'))) }
}

fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = vec![];
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Where a file with the same name as `path` really is: searched under the path's top folder
/// (`/app` for `/app/app.dll`) and the working directory.
async fn find_by_name(held: &crate::engine::container::Held<'_>, path: &str, workdir: &str) -> Result<Vec<String>, EngineError> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let mut roots = vec![];
    if let Some(top) = path.trim_start_matches('/').split('/').next().filter(|t| !t.is_empty() && *t != name) {
        roots.push(format!("/{top}"));
    }
    if !workdir.is_empty() && workdir != "/" && !roots.iter().any(|r| workdir.starts_with(r.as_str())) {
        roots.push(workdir.to_string());
    }
    let mut found = vec![];
    for root in roots {
        for entry in held.list(&root).await? {
            if entry.rsplit('/').next() == Some(name) && !found.contains(&entry) {
                found.push(entry);
            }
        }
    }
    Ok(found)
}

/// What is in the folder a missing file was expected in, to tell a typo from a missing COPY.
async fn near_paths(held: &crate::engine::container::Held<'_>, path: &str) -> Result<Vec<String>, EngineError> {
    let parent = path.rsplit_once('/').map(|(p, _)| if p.is_empty() { "/" } else { p }).unwrap_or("/");
    if parent == "/" {
        return Ok(vec![]);
    }
    let mut entries = held.list(parent).await?;
    entries.retain(|e| e != parent && e.matches('/').count() == parent.matches('/').count() + 1);
    entries.truncate(10);
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(absolute("app.dll", "/app"), "/app/app.dll");
        assert_eq!(absolute("./out/../app.dll", "/app/"), "/app/app.dll");
        assert_eq!(absolute("/app/app.dll", "/x"), "/app/app.dll");
        assert_eq!(absolute("global.json", ""), "/global.json");
    }

    fn target(command: &[&str]) -> Option<String> {
        let owned: Vec<String> = command.iter().map(|s| s.to_string()).collect();
        let refs: Vec<&String> = owned.iter().collect();
        target_of(&refs).map(str::to_string)
    }

    #[test]
    fn the_command_target_in_every_form() {
        assert_eq!(target(&["dotnet", "/app/app.dll"]).as_deref(), Some("/app/app.dll"));
        assert_eq!(target(&["dotnet", "app.dll", "--urls", "http://+:80"]).as_deref(), Some("app.dll"));
        // `CMD dotnet app.dll` (shell form), with and without exec, quotes or a chain.
        assert_eq!(target(&["/bin/sh", "-c", "dotnet app.dll"]).as_deref(), Some("app.dll"));
        assert_eq!(target(&["/bin/sh", "-c", "exec dotnet \"/app/app.dll\" --urls http://+:80"]).as_deref(), Some("/app/app.dll"));
        assert_eq!(target(&["sh", "-c", "cd /app && dotnet app.dll"]).as_deref(), Some("app.dll"));
        // An entrypoint script that execs its arguments.
        assert_eq!(target(&["sh", "-c", "exec \"$@\"", "--", "dotnet", "/app/app.dll"]).as_deref(), Some("/app/app.dll"));
        // The apphost, in exec and in shell form, with a variable set before it.
        assert_eq!(target(&["./app"]).as_deref(), Some("./app"));
        assert_eq!(target(&["/bin/sh", "-c", "/app/app"]).as_deref(), Some("/app/app"));
        assert_eq!(target(&["/bin/sh", "-c", "ASPNETCORE_URLS=http://+:80 ./app"]).as_deref(), Some("./app"));
        assert_eq!(target(&["/bin/sh", "-c", "env ASPNETCORE_URLS=http://+:80 /app/app"]).as_deref(), Some("/app/app"));
        // Nothing the check can follow.
        assert_eq!(target(&["dotnet"]), None);
        assert_eq!(target(&["nginx"]), None);
        assert_eq!(target(&["/bin/sh", "-c", "sleep 10"]), None);
        assert_eq!(target(&[]), None);
    }
}
