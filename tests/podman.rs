//! The checker against Podman's Docker-compatible API (`podman system service`). On the test
//! machines Podman answers API 1.41 and builds, but cannot start containers (setrlimit EPERM with
//! runc and crun), so the build-and-inspect checks are tested here, and the run-and-probe check
//! must come back as an environment error, never as the learner's failure. Skipped (with a note)
//! where podman is not installed; scripts/test.sh installs it.
mod support;

use std::process::Command;

use support::*;

struct Service {
    host: String,
    _process: Background,
}

fn podman_service() -> Option<Service> {
    if !Background::installed("podman", "the Podman tests are") {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("podman.sock");
    let host = format!("unix://{}", sock.display());
    let mut cmd = Command::new("podman");
    cmd.args(["system", "service", "--time=0", &host]);
    let process = Background::start(cmd, dir, || sock.exists());
    Some(Service { host, _process: process })
}

fn with_host(ws: &Workspace, host: &str, args: &[&str]) -> Run {
    ws.run_env(args, &[("DOCKER_HOST", host)])
}

#[test]
fn build_and_inspect_checks_work_on_podman() {
    let Some(service) = podman_service() else { return };
    let host = service.host.as_str();
    let out = Command::new(format!("{ROOT}/tests/fixtures/stand-ins/build.sh")).env("DOCKER_HOST", host).output().unwrap();
    assert!(out.status.success(), "stand-ins on podman: {}", String::from_utf8_lossy(&out.stderr));
    let ws = Workspace::new();
    ws.solution("golden-sdk");
    ws.solution("golden-runtime");
    with_host(&ws, host, &["build", "golden-sdk"]).code(0);
    with_host(&ws, host, &["build", "golden-runtime"]).code(0);
    let run = with_host(&ws, host, &["doctor"]);
    assert!(run.stdout.contains("Podman"), "{run}");
    for ex in ["golden-sdk", "golden-runtime"] {
        let run = with_host(&ws, host, &["check", ex, "--json"]);
        run.code(0);
    }
    // A wrong answer fails the right check on Podman too.
    ws.with(
        "golden-runtime",
        &[(
            "Dockerfile",
            "FROM mcr.microsoft.com/dotnet/core/aspnet:3.0\nLABEL framework=dotnet version=3.0 description=\".NET Core 3.0 Runtime\" owner=a@b.io\n",
        )],
    );
    with_host(&ws, host, &["build", "golden-runtime"]).code(0);
    let run = with_host(&ws, host, &["check", "golden-runtime", "--json"]);
    run.code(1);
    assert_eq!(check(&run.json(), "expose.80/tcp")["passed"], false);

    // The app cannot be started here: an environment error, and no verdict recorded.
    ws.solution("golden-runtime");
    with_host(&ws, host, &["build", "golden-runtime"]).code(0);
    ws.solution("golden-app");
    with_host(&ws, host, &["build", "golden-app"]).code(0);
    let run = with_host(&ws, host, &["check", "golden-app"]);
    if run.code == 0 {
        return; // a Podman that can start containers: everything passes.
    }
    run.code(2);
    // Podman refuses at attach or at start, depending on the version: either way it is the
    // engine's refusal, reported as such.
    assert!(run.stderr.contains("environment error") && run.stderr.contains("the app container"), "{run}");
    for tag in ["golden-app:1.0", "golden/aspnet-core:3.0", "golden/dotnet-core-sdk:3.0"] {
        let _ = Command::new("podman").args(["rmi", "-f", tag]).output();
    }
}
