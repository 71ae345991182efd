//! The terminal side for learners and instructors: doctor, the offline image bundle, reset, and
//! the progress export — the real binary against the real daemon.
mod support;

use std::process::Command;

use support::*;

#[test]
fn doctor_reports_the_daemon_and_the_base_images() {
    let _l = daemon_lock();
    stand_ins();
    let ws = Workspace::new();
    let run = ws.run(&["doctor", "--json"]);
    run.code(0);
    let v = run.json();
    assert_eq!(v["ready"], true, "{run}");
    let text = v["findings"].to_string();
    assert!(text.contains("Docker Engine") && text.contains("API 1."), "{text}");
    assert!(text.contains("mcr.microsoft.com/dotnet/core/sdk:3.0.100 is present"), "{text}");

    // No daemon: not ready, exit 1, the socket it tried and the fix.
    let mut cmd = Command::new(BIN);
    cmd.args(["doctor"]).env("DOCKER_HOST", "unix:///nonexistent/docker.sock");
    let run = Run::of(cmd);
    run.code(1);
    assert!(
        run.stdout.contains("/nonexistent/docker.sock") && run.stdout.contains("systemctl start docker") && run.stdout.contains("podman system service"),
        "{run}"
    );
}

#[test]
fn an_offline_bundle_saves_and_loads_the_base_images() {
    let _l = daemon_lock();
    stand_ins();
    let ws = Workspace::new();
    let bundle = ws.data.path().join("bases.tar");
    ws.run(&["images", "status"]).code(0);
    ws.run(&["images", "save", bundle.to_str().unwrap()]).code(0);
    assert!(std::fs::metadata(&bundle).unwrap().len() > 1_000_000);
    remove_images(&["mcr.microsoft.com/dotnet/core/sdk:3.0.100", "mcr.microsoft.com/dotnet/core/aspnet:3.0"]);
    let run = ws.run(&["images", "status", "--json"]);
    run.code(1);
    assert!(run.json().as_array().unwrap().iter().all(|i| i["present"] == false), "{run}");
    ws.run(&["doctor"]).code(1);
    let run = ws.run(&["images", "load", bundle.to_str().unwrap()]);
    run.code(0);
    let run = ws.run(&["images", "status", "--json"]);
    run.code(0);
    assert!(run.json().as_array().unwrap().iter().all(|i| i["present"] == true), "{run}");
}

/// Debian's `docker-registry` (the CNCF distribution registry) on a free loopback port, with its
/// storage in a temporary folder; stopped when dropped.
struct Registry {
    addr: String,
    _process: Background,
}

fn registry() -> Option<Registry> {
    if !Background::installed("docker-registry", "the mirror test is") {
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.yml");
    let storage = dir.path().join("storage");
    std::fs::write(
        &config,
        format!("version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\n", storage.display()),
    )
    .unwrap();
    let mut cmd = Command::new("docker-registry");
    cmd.arg("serve").arg(&config);
    let addr = format!("127.0.0.1:{port}");
    let process = Background::start(cmd, dir, || std::net::TcpStream::connect(&addr).is_ok());
    Some(Registry { addr, _process: process })
}

#[test]
fn images_pull_from_a_mirror_takes_the_official_names() {
    let _l = daemon_lock();
    stand_ins();
    let Some(mirror) = registry() else { return };
    const BASES: [(&str, &str); 2] =
        [("mcr.microsoft.com/dotnet/core/sdk:3.0.100", "dotnet/core/sdk:3.0.100"), ("mcr.microsoft.com/dotnet/core/aspnet:3.0", "dotnet/core/aspnet:3.0")];
    let mut ids = vec![];
    for (official, path) in BASES {
        ids.push(image_id(official));
        let copy = format!("{}/{path}", mirror.addr);
        assert!(docker(&["tag", official, &copy]).status.success());
        let push = docker(&["push", &copy]);
        assert!(push.status.success(), "push to the test registry: {}", String::from_utf8_lossy(&push.stderr));
        remove_images(&[&copy]);
    }
    remove_images(&BASES.map(|(official, _)| official));

    let ws = Workspace::new();
    let run = ws.run(&["images", "pull", "--mirror", &mirror.addr]);
    run.code(0);
    for ((official, path), id) in BASES.iter().zip(&ids) {
        assert!(run.stdout.contains(&format!("pulling {official} from {}/{path}", mirror.addr)) && run.stdout.contains(&format!("✓ {official}")), "{run}");
        assert_eq!(&image_id(official), id, "the mirror's copy is the same image, under the official name");
    }
    let left = String::from_utf8_lossy(&docker(&["images", "--format", "{{.Repository}}"]).stdout).into_owned();
    assert!(!left.contains(&mirror.addr), "the mirror's own tags are dropped again:\n{left}");
    ws.run(&["images", "status"]).code(0);

    // A mirror without the images (set for the lab machine by WORKBENCH_MIRROR): exit 1, and the
    // error names what was asked of which mirror.
    let elsewhere = format!("{}/elsewhere", mirror.addr);
    let run = ws.run_env(&["images", "pull"], &[("WORKBENCH_MIRROR", &elsewhere)]);
    run.code(1);
    assert!(
        run.stderr.contains(&format!("could not pull {elsewhere}/dotnet/core/sdk:3.0.100"))
            && run.stderr.contains(&format!("Check that the mirror {elsewhere} holds dotnet/core/sdk:3.0.100")),
        "{run}"
    );
    ws.run(&["images", "status"]).code(0);
}

#[test]
fn reset_restores_the_starter_keeps_a_backup_and_forgets_verdicts() {
    let _l = daemon_lock();
    stand_ins();
    remove_images(&["golden/dotnet-core-sdk:3.0"]);
    let ws = Workspace::new();
    let dir = ws.solution("golden-sdk");
    assert!(build(&dir, "golden/dotnet-core-sdk:3.0", Builder::Classic).0);
    ws.run(&["check", "golden-sdk"]).code(0);
    assert_eq!(ws.run(&["list", "--json"]).json()[0]["passed"], true);
    let export = ws.run(&["progress", "export"]).json();
    assert_eq!(export["verdicts"][0]["exercise"], "golden-sdk");
    assert_eq!(export["verdicts"][0]["source"], "cli");

    let run = ws.run(&["reset", "golden-sdk"]);
    run.code(0);
    let starter = std::fs::read_to_string(std::path::Path::new(ROOT).join("exercises/golden-sdk/starter/Dockerfile")).unwrap();
    assert_eq!(std::fs::read_to_string(dir.join("Dockerfile")).unwrap(), starter);
    let backups: Vec<_> = std::fs::read_dir(ws.dir.path().join(".backup")).unwrap().flatten().collect();
    assert_eq!(backups.len(), 1);
    assert!(std::fs::read_to_string(backups[0].path().join("Dockerfile")).unwrap().contains("WORKDIR /src"), "the learner's version is kept");
    assert!(ws.run(&["list", "--json"]).json()[0]["passed"].is_null(), "the verdict is forgotten");
    remove_images(&["golden/dotnet-core-sdk:3.0"]);
}
