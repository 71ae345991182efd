//! The checker against a real Docker daemon: reference solutions pass with both builders, the
//! starters fail, wrong answers fail with the right check and a message naming the offending
//! thing, and right answers in other shapes pass. Images are built with the docker CLI, as a
//! learner would; the base images are the offline stand-ins (tests/fixtures/stand-ins).
mod support;

use support::*;

const SDK: &str = "golden/dotnet-core-sdk:3.0";
const RUNTIME: &str = "golden/aspnet-core:3.0";
const APP: &str = "golden-app:1.0";
const ALL_TAGS: &[&str] = &[SDK, RUNTIME, APP, "golden/dotnetcore-sdk:3.0"];

/// The daemon to ourselves, with the stand-ins and without any image of the chapter's tags.
fn clean_daemon() -> std::sync::MutexGuard<'static, ()> {
    let lock = daemon_lock();
    stand_ins();
    remove_images(ALL_TAGS);
    lock
}

/// No container of the checker is left, and the chapter's tags are gone again.
fn leave_clean() {
    assert!(managed_containers().is_empty(), "the checker left containers behind");
    remove_images(ALL_TAGS);
}

/// `docker build` that must succeed; the build log is shown when it does not.
fn must_build(dir: &std::path::Path, tag: &str, builder: Builder) {
    let (ok, log) = build(dir, tag, builder);
    assert!(ok, "building {tag} failed:\n{log}");
}

fn verdict(ws: &Workspace, exercise: &str) -> (i32, serde_json::Value) {
    let run = ws.run(&["check", exercise, "--json"]);
    assert!(run.code == 0 || run.code == 1, "check could not judge\n{run}");
    let v = run.json();
    assert_eq!(v["passed"].as_bool(), Some(run.code == 0), "exit code and verdict disagree\n{run}");
    (run.code, v)
}

fn assert_failed(v: &serde_json::Value, id: &str, needles: &[&str]) {
    let c = check(v, id);
    assert_eq!(c["passed"], false, "check {id} should fail:\n{v:#}");
    let msg = c["message"].as_str().unwrap();
    for n in needles {
        assert!(msg.contains(n), "message of {id} should name `{n}`: {msg}");
    }
    assert!(!c["hint"].as_str().unwrap_or("").is_empty(), "failing check {id} has no hint");
}

fn all_pass(v: &serde_json::Value) {
    let failing: Vec<_> = v["checks"].as_array().unwrap().iter().filter(|c| c["passed"] == false).collect();
    assert!(failing.is_empty(), "expected every check to pass:\n{v:#}");
}

/// Builds the two golden images from the reference solutions.
fn golden_bases(ws: &Workspace, builder: Builder) {
    for (ex, tag) in [("golden-sdk", SDK), ("golden-runtime", RUNTIME)] {
        must_build(&ws.solution(ex), tag, builder);
    }
}

#[test]
fn reference_solutions_pass_with_both_builders() {
    let _l = daemon_lock();
    stand_ins();
    for builder in [Builder::Classic, Builder::BuildKit] {
        remove_images(ALL_TAGS);
        let ws = Workspace::new();
        golden_bases(&ws, builder);
        must_build(&ws.solution("golden-app"), APP, builder);
        let run = ws.run(&["check", "--all", "--json"]);
        run.code(0);
        let v = run.json();
        assert_eq!(v["passed"], true, "{builder:?}: {v:#}");
        for ex in v["exercises"].as_array().unwrap() {
            all_pass(ex);
        }
        // The verdicts are kept: `list --json` shows them.
        let list = ws.run(&["list", "--json"]);
        assert!(list.json().as_array().unwrap().iter().all(|e| e["passed"] == true), "{list}");
    }
    leave_clean();
}

#[test]
fn starters_fail() {
    let _l = clean_daemon();
    let ws = Workspace::new();
    must_build(&ws.starter("golden-sdk"), SDK, Builder::Classic);
    let (code, v) = verdict(&ws, "golden-sdk");
    assert_eq!(code, 1);
    assert_failed(&v, "label.framework", &["framework"]);
    assert_failed(&v, "workdir", &["/src"]);
    assert_failed(&v, "file:/src/global.json", &["/src/global.json"]);
    assert_eq!(check(&v, "base")["passed"], true, "the starter is on the right base: {v:#}");

    must_build(&ws.starter("golden-runtime"), RUNTIME, Builder::Classic);
    let (_, v) = verdict(&ws, "golden-runtime");
    assert_failed(&v, "expose.80/tcp", &["80/tcp"]);
    assert_failed(&v, "label.description", &["description"]);

    // The app starter has no instructions yet: nothing builds, and the checker says so.
    ws.starter("golden-app");
    let (code, v) = verdict(&ws, "golden-app");
    assert_eq!(code, 1);
    assert_failed(&v, "image", &[APP, "docker image build -t golden-app:1.0 ."]);
    remove_images(ALL_TAGS);
}

/// (name, Dockerfile, failing check, words its message must contain); `None` = must pass.
type Case = (&'static str, &'static str, Option<(&'static str, &'static [&'static str])>);

/// Builds each case's Dockerfile (over the reference solution's other files) as `tag` from a
/// clean daemon, and checks the verdict.
fn run_cases(exercise: &str, tag: &str, builder: Builder, cases: &[Case]) {
    for (name, dockerfile, expect) in cases {
        remove_images(ALL_TAGS);
        let ws = Workspace::new();
        let dir = ws.with(exercise, &[("Dockerfile", dockerfile)]);
        let (ok, log) = build(&dir, tag, builder);
        assert!(ok, "{name}: {log}");
        let (_, v) = verdict(&ws, exercise);
        match expect {
            None => all_pass(&v),
            Some((id, needles)) => assert_failed(&v, id, needles),
        }
    }
}

const SDK_CASES: &[Case] = &[
    (
        "separate LABEL lines, relative WORKDIR as in the book",
        "FROM mcr.microsoft.com/dotnet/core/sdk:3.0.100\nLABEL framework=\"dotnet\"\nLABEL version=\"3.0\"\nLABEL description=\".NET Core 3.0 SDK\"\nLABEL owner=\"golden-images@example.org\"\nWORKDIR src\nCOPY global.json .\n",
        None,
    ),
    (
        "COPY to an absolute folder, extra harmless lines",
        "FROM mcr.microsoft.com/dotnet/core/sdk:3.0.100\nENV DOTNET_CLI_TELEMETRY_OPTOUT=1\nLABEL owner=ops@example.com description=\".NET Core 3.0 SDK\" version=3.0 framework=dotnet team=platform\nWORKDIR /src\nCOPY global.json /src/\nRUN true\n",
        None,
    ),
    (
        "owner label missing",
        "FROM mcr.microsoft.com/dotnet/core/sdk:3.0.100\nLABEL framework=dotnet version=3.0 description=\".NET Core 3.0 SDK\"\nWORKDIR /src\nCOPY global.json .\n",
        Some(("label.owner", &["owner", "missing"])),
    ),
    (
        "owner is not an e-mail address",
        "FROM mcr.microsoft.com/dotnet/core/sdk:3.0.100\nLABEL framework=dotnet version=3.0 description=\".NET Core 3.0 SDK\" owner=\"platform team\"\nWORKDIR /src\nCOPY global.json .\n",
        Some(("label.owner", &["platform team", "e-mail"])),
    ),
    (
        "wrong description",
        "FROM mcr.microsoft.com/dotnet/core/sdk:3.0.100\nLABEL framework=dotnet version=3.0 description=\".NET Core 3.0 Runtime\" owner=a@b.io\nWORKDIR /src\nCOPY global.json .\n",
        Some(("label.description", &[".NET Core 3.0 SDK", ".NET Core 3.0 Runtime"])),
    ),
    (
        "wrong version",
        "FROM mcr.microsoft.com/dotnet/core/sdk:3.0.100\nLABEL framework=dotnet version=3 description=\".NET Core 3.0 SDK\" owner=a@b.io\nWORKDIR /src\nCOPY global.json .\n",
        Some(("label.version", &["\"3.0\"", "\"3\""])),
    ),
    (
        "no WORKDIR",
        "FROM mcr.microsoft.com/dotnet/core/sdk:3.0.100\nLABEL framework=dotnet version=3.0 description=\".NET Core 3.0 SDK\" owner=a@b.io\nCOPY global.json /src/\n",
        Some(("workdir", &["/src"])),
    ),
    (
        "global.json not copied",
        "FROM mcr.microsoft.com/dotnet/core/sdk:3.0.100\nLABEL framework=dotnet version=3.0 description=\".NET Core 3.0 SDK\" owner=a@b.io\nWORKDIR /src\n",
        Some(("file:/src/global.json", &["/src/global.json"])),
    ),
    (
        "global.json copied to the wrong folder",
        "FROM mcr.microsoft.com/dotnet/core/sdk:3.0.100\nLABEL framework=dotnet version=3.0 description=\".NET Core 3.0 SDK\" owner=a@b.io\nWORKDIR /src\nCOPY global.json /\n",
        Some(("file:/src/global.json", &["/src/global.json"])),
    ),
    (
        "built on the runtime instead of the SDK",
        "FROM mcr.microsoft.com/dotnet/core/aspnet:3.0\nLABEL framework=dotnet version=3.0 description=\".NET Core 3.0 SDK\" owner=a@b.io\nWORKDIR /src\nCOPY global.json .\n",
        Some(("base", &["mcr.microsoft.com/dotnet/core/aspnet:3.0", "mcr.microsoft.com/dotnet/core/sdk:3.0.100"])),
    ),
];

#[test]
fn golden_sdk_answers() {
    let _l = daemon_lock();
    stand_ins();
    run_cases("golden-sdk", SDK, Builder::Classic, SDK_CASES);
    // A global.json that is not JSON.
    let ws = Workspace::new();
    let dir = ws.with("golden-sdk", &[("global.json", "{ sdk: 3.0.100 ")]);
    assert!(build(&dir, SDK, Builder::Classic).0);
    let (_, v) = verdict(&ws, "golden-sdk");
    assert_failed(&v, "file:/src/global.json", &["not valid JSON"]);
    // The book's preview pin is still a valid global.json naming a version.
    let dir = ws.with("golden-sdk", &[("global.json", "{\n  \"sdk\": { \"version\": \"3.0.100-preview6-012264\" }\n}\n")]);
    assert!(build(&dir, SDK, Builder::Classic).0);
    all_pass(&verdict(&ws, "golden-sdk").1);
    // Saved with a byte-order mark, as some Windows editors do: the .NET host reads it, so do we.
    let dir = ws.with("golden-sdk", &[("global.json", "\u{feff}{ \"sdk\": { \"version\": \"3.0.100\" } }\n")]);
    assert!(build(&dir, SDK, Builder::Classic).0);
    all_pass(&verdict(&ws, "golden-sdk").1);
    remove_images(ALL_TAGS);
}

#[test]
fn the_books_sdk_spelling_is_accepted_and_reported() {
    let _l = clean_daemon();
    let ws = Workspace::new();
    assert!(build(&ws.solution("golden-sdk"), "golden/dotnetcore-sdk:3.0", Builder::Classic).0);
    let (code, v) = verdict(&ws, "golden-sdk");
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["image"], "golden/dotnetcore-sdk:3.0");
    let msg = check(&v, "image")["message"].as_str().unwrap();
    assert!(msg.contains("book's spelling") && msg.contains(SDK), "{msg}");
    remove_images(ALL_TAGS);
}

const RUNTIME_CASES: &[Case] = &[
    (
        "no EXPOSE",
        "FROM mcr.microsoft.com/dotnet/core/aspnet:3.0\nLABEL framework=dotnet version=3.0 description=\".NET Core 3.0 Runtime\" owner=a@b.io\n",
        Some(("expose.80/tcp", &["80/tcp"])),
    ),
    (
        "EXPOSE of another port",
        "FROM mcr.microsoft.com/dotnet/core/aspnet:3.0\nLABEL framework=dotnet version=3.0 description=\".NET Core 3.0 Runtime\" owner=a@b.io\nEXPOSE 8080\n",
        Some(("expose.80/tcp", &["80/tcp", "8080/tcp"])),
    ),
    (
        "built on the SDK",
        "FROM mcr.microsoft.com/dotnet/core/sdk:3.0.100\nLABEL framework=dotnet version=3.0 description=\".NET Core 3.0 Runtime\" owner=a@b.io\nEXPOSE 80\n",
        Some(("base", &["mcr.microsoft.com/dotnet/core/sdk:3.0.100"])),
    ),
    (
        "EXPOSE 80/tcp spelled out, labels one per line",
        "FROM mcr.microsoft.com/dotnet/core/aspnet:3.0\nLABEL framework=\"dotnet\"\nLABEL version=\"3.0\"\nLABEL description=\".NET Core 3.0 Runtime\"\nLABEL owner=\"golden-images@example.org\"\nEXPOSE 80/tcp\n",
        None,
    ),
];

#[test]
fn golden_runtime_answers() {
    let _l = daemon_lock();
    stand_ins();
    run_cases("golden-runtime", RUNTIME, Builder::BuildKit, RUNTIME_CASES);
    remove_images(ALL_TAGS);
}

const APP_CASES: &[Case] = &[
    (
        "numbered stage, publish to /out/app and copy that folder",
        "FROM golden/dotnet-core-sdk:3.0\nCOPY . .\nRUN dotnet publish -c Release -o /out/app app.csproj\n\nFROM golden/aspnet-core:3.0\nCOPY --from=0 /out/app /app\nCMD [\"dotnet\", \"/app/app.dll\"]\n",
        None,
    ),
    (
        "relative CMD path from WORKDIR, extra labels",
        "FROM golden/dotnet-core-sdk:3.0 AS build\nWORKDIR /work\nCOPY app.csproj Program.cs Startup.cs ./\nRUN dotnet publish -o /published\n\nFROM golden/aspnet-core:3.0 AS final\nLABEL app=golden-app\nWORKDIR /app\nCOPY --from=build /published/ ./\nENTRYPOINT [\"dotnet\"]\nCMD [\"app.dll\"]\n",
        None,
    ),
    (
        "shell-form CMD, relative to the WORKDIR",
        "FROM golden/dotnet-core-sdk:3.0 AS builder\nCOPY . .\nRUN dotnet publish -o /out app.csproj\n\nFROM golden/aspnet-core:3.0\nWORKDIR /app\nCOPY --from=builder /out .\nCMD dotnet app.dll\n",
        None,
    ),
    (
        "the apphost publish writes, as the ENTRYPOINT",
        "FROM golden/dotnet-core-sdk:3.0 AS builder\nCOPY . .\nRUN dotnet publish -c Release -o /out app.csproj\n\nFROM golden/aspnet-core:3.0\nWORKDIR /app\nCOPY --from=builder /out .\nENTRYPOINT [\"./app\"]\n",
        None,
    ),
    (
        "the app sets its own version over the golden label",
        "FROM golden/dotnet-core-sdk:3.0 AS builder\nCOPY . .\nRUN dotnet publish -o /out app.csproj\n\nFROM golden/aspnet-core:3.0\nLABEL version=\"1.0\"\nCOPY --from=builder /out /app\nCMD [\"dotnet\", \"/app/app.dll\"]\n",
        Some(("label.version", &["golden/aspnet-core:3.0 gives the label version=\"3.0\"", "overwrites it with version=\"1.0\"", "app.version"])),
    ),
    (
        "the book's /out trap: the dll lands at /app/app/app.dll",
        "FROM golden/dotnet-core-sdk:3.0 AS builder\nCOPY . .\nRUN dotnet publish -o /out/app app.csproj\n\nFROM golden/aspnet-core:3.0\nCOPY --from=builder /out /app\nCMD [\"dotnet\", \"/app/app.dll\"]\n",
        Some(("cmd-target", &["/app/app.dll", "/app/app/app.dll"])),
    ),
    (
        "wrong CMD file",
        "FROM golden/dotnet-core-sdk:3.0 AS builder\nCOPY . .\nRUN dotnet publish -o /out app.csproj\n\nFROM golden/aspnet-core:3.0\nCOPY --from=builder /out /app\nCMD [\"dotnet\", \"/app/App.dll\"]\n",
        Some(("cmd-target", &["/app/App.dll"])),
    ),
    (
        "the app runs on the SDK",
        "FROM golden/dotnet-core-sdk:3.0\nCOPY . .\nRUN dotnet publish -o /app app.csproj\nCMD [\"dotnet\", \"/app/app.dll\"]\n",
        Some(("excludes.golden-sdk", &["golden/dotnet-core-sdk:3.0"])),
    ),
    (
        "final stage on the official runtime, skipping the golden one",
        "FROM golden/dotnet-core-sdk:3.0 AS builder\nCOPY . .\nRUN dotnet publish -o /out app.csproj\n\nFROM mcr.microsoft.com/dotnet/core/aspnet:3.0\nCOPY --from=builder /out /app\nCMD [\"dotnet\", \"/app/app.dll\"]\n",
        Some(("base", &["mcr.microsoft.com/dotnet/core/aspnet:3.0", "skipping", "golden/aspnet-core:3.0"])),
    ),
    (
        "no CMD at all",
        "FROM golden/dotnet-core-sdk:3.0 AS builder\nCOPY . .\nRUN dotnet publish -o /out app.csproj\n\nFROM golden/aspnet-core:3.0\nCOPY --from=builder /out /app\n",
        Some(("cmd-target", &["does not run a .dll"])),
    ),
    (
        "the app dies the moment it starts, with its own exit code",
        "FROM golden/dotnet-core-sdk:3.0 AS builder\nCOPY . .\nRUN dotnet publish -o /out app.csproj\n\nFROM golden/aspnet-core:3.0\nCOPY --from=builder /out /app\nENTRYPOINT [\"sh\", \"-c\", \"exit 3\", \"--\"]\nCMD [\"dotnet\", \"/app/app.dll\"]\n",
        Some(("responds", &["exited with code 3"])),
    ),
    (
        "the app crashes at start",
        "FROM golden/dotnet-core-sdk:3.0 AS builder\nCOPY . .\nRUN dotnet publish -o /out app.csproj\n\nFROM golden/aspnet-core:3.0\nENV ASPNETCORE_URLS=http://+:eighty\nCOPY --from=builder /out /app\nCMD [\"dotnet\", \"/app/app.dll\"]\n",
        Some(("responds", &["exited with code 134", "not a valid URL"])),
    ),
];

#[test]
fn golden_app_answers() {
    let _l = clean_daemon();
    let bases = Workspace::new();
    golden_bases(&bases, Builder::Classic);
    for (name, dockerfile, expect) in APP_CASES {
        remove_images(&[APP]);
        let ws = Workspace::new();
        let dir = ws.with("golden-app", &[("Dockerfile", dockerfile)]);
        let (ok, log) = build(&dir, APP, Builder::BuildKit);
        assert!(ok, "{name}: {log}");
        let (_, v) = verdict(&ws, "golden-app");
        match expect {
            None => all_pass(&v),
            Some((id, needles)) => assert_failed(&v, id, needles),
        }
        if name.contains("SDK") {
            assert_failed(&v, "base", &["golden/dotnet-core-sdk:3.0"]);
        }
        if name.contains("official runtime") {
            assert_failed(&v, "label.owner", &["owner"]);
        }
        // An app that runs but fails is judged by its run alone: the command was followed to its file.
        if matches!(expect, Some(("responds", _))) {
            assert_eq!(check(&v, "cmd-target")["passed"], true, "{name}: {v:#}");
        }
    }
    leave_clean();
}

#[test]
fn the_books_tag_typo_is_diagnosed_from_the_dockerfile() {
    let _l = clean_daemon();
    let ws = Workspace::new();
    golden_bases(&ws, Builder::Classic);
    let listing = "FROM golden/dotnetcore-sdk:3.0 AS builder\nCOPY . .\nRUN dotnet publish -o /out/app app.csproj\n\nFROM golden/aspnet-core:3.0\nCOPY --from=builder /out /app\nCMD [\"dotnet\", \"/app/app.dll\"]\n";
    let dir = ws.with("golden-app", &[("Dockerfile", listing)]);
    let (ok, _) = build(&dir, APP, Builder::Classic);
    assert!(!ok, "the book's listing cannot build here");
    let (code, v) = verdict(&ws, "golden-app");
    assert_eq!(code, 1);
    assert_failed(&v, "image", &["line 1", "golden/dotnetcore-sdk:3.0", "did you mean golden/dotnet-core-sdk:3.0"]);
    // A FROM that names a build argument without a default is explained, not an engine error.
    ws.with("golden-app", &[("Dockerfile", "ARG BASE\nFROM ${BASE} AS builder\nCOPY . .\n")]);
    let (code, v) = verdict(&ws, "golden-app");
    assert_eq!(code, 1);
    assert_failed(&v, "image", &["line 2", "FROM ${BASE}", "a build argument with no default"]);
    // And when the Dockerfile is fine but nothing was built yet:
    let dir = ws.solution("golden-app");
    let (_, v) = verdict(&ws, "golden-app");
    assert_failed(&v, "image", &["not built yet", &dir.display().to_string()]);
    remove_images(ALL_TAGS);
}

#[test]
fn a_rebuilt_golden_runtime_asks_for_the_app_to_be_rebuilt() {
    let _l = clean_daemon();
    for builder in [Builder::Classic, Builder::BuildKit] {
        remove_images(ALL_TAGS);
        let ws = Workspace::new();
        golden_bases(&ws, builder);
        must_build(&ws.solution("golden-app"), APP, builder);
        let old = image_id(RUNTIME);
        // The organisation changes its golden runtime (a new owner); the app is now out of date.
        let dir = ws.with("golden-runtime", &[("Dockerfile", "FROM mcr.microsoft.com/dotnet/core/aspnet:3.0\nLABEL framework=\"dotnet\" version=\"3.0\" description=\".NET Core 3.0 Runtime\" owner=\"new-team@example.com\"\nEXPOSE 80\n")]);
        must_build(&dir, RUNTIME, builder);
        let (_, v) = verdict(&ws, "golden-app");
        assert_failed(&v, "base", &["carries golden/aspnet-core:3.0's labels", "rebuilt after golden-app:1.0 was built", "Rebuild golden-app:1.0"]);
        let said = check(&v, "base")["message"].as_str().unwrap().to_string();
        assert!(!said.contains("skipping"), "{builder:?}: the golden image was not skipped: {said}");
        // With BuildKit nothing keeps the earlier build alive; pruned, it is judged the same.
        if builder == Builder::BuildKit {
            assert!(docker(&["image", "rm", &old]).status.success());
            let (_, v) = verdict(&ws, "golden-app");
            assert_failed(&v, "base", &["rebuilt after golden-app:1.0 was built"]);
        }
        // Rebuilt, the app passes again.
        must_build(&ws.solution("golden-app"), APP, builder);
        let (_, v) = verdict(&ws, "golden-app");
        assert_eq!(check(&v, "base")["passed"], true, "{v:#}");
    }
    remove_images(ALL_TAGS);
}

#[test]
fn exit_codes_separate_failure_from_cannot_judge() {
    let _l = daemon_lock();
    let ws = Workspace::new();
    ws.run(&["check", "no-such-exercise"]).code(2);
    let run = ws.run_env(&["check", "golden-sdk", "--json"], &[("DOCKER_HOST", "unix:///nonexistent/docker.sock")]);
    run.code(2);
    assert!(run.stderr.contains("environment error") && run.stderr.contains("/nonexistent/docker.sock"), "{run}");
    // No verdict was recorded for the environment error.
    let list = ws.run(&["list", "--json"]);
    assert!(list.json().as_array().unwrap().iter().all(|e| e["passed"].is_null()), "{list}");
}

#[test]
fn workbench_build_builds_and_times_out() {
    let _l = clean_daemon();
    let ws = Workspace::new();
    // `workbench build` scaffolds the starter on first use and builds it through the Engine API.
    let run = ws.run(&["build", "golden-sdk"]);
    run.code(0);
    assert!(ws.path("golden-sdk").join("Dockerfile").exists());
    ws.solution("golden-sdk");
    ws.run(&["check", "golden-sdk", "--build"]).code(0);

    // A runaway RUN is cancelled at the timeout and leaves no container behind.
    ws.with("golden-runtime", &[("Dockerfile", "FROM mcr.microsoft.com/dotnet/core/aspnet:3.0\nRUN sleep 600\n")]);
    let started = std::time::Instant::now();
    let run = ws.run(&["build", "golden-runtime", "--build-timeout", "5"]);
    run.code(1);
    assert!(run.stdout.contains("cancelled after"), "{run}");
    assert!(started.elapsed().as_secs() < 30, "took {:?}", started.elapsed());
    std::thread::sleep(std::time::Duration::from_secs(2));
    let left = docker(&["ps", "-aq", "--filter", "ancestor=mcr.microsoft.com/dotnet/core/aspnet:3.0"]);
    assert!(String::from_utf8_lossy(&left.stdout).trim().is_empty(), "a build container survived the timeout");

    // A failing step prints the daemon's error.
    ws.with("golden-runtime", &[("Dockerfile", "FROM mcr.microsoft.com/dotnet/core/aspnet:3.0\nRUN exit 7\n")]);
    let run = ws.run(&["build", "golden-runtime"]);
    run.code(1);
    assert!(run.stdout.contains("returned a non-zero code: 7"), "{run}");

    // A symlink pointing out of the folder is refused before anything reaches the daemon.
    let dir = ws.solution("golden-runtime");
    std::os::unix::fs::symlink("/etc/passwd", dir.join("canary")).unwrap();
    let run = ws.run(&["build", "golden-runtime"]);
    run.code(1);
    assert!(run.stdout.contains("canary") && run.stdout.contains("outside the exercise folder"), "{run}");
    remove_images(ALL_TAGS);
}
