//! The promises of the security model that need a real process or a real daemon: hardened learner
//! containers, cleanup after kill -9 (and never of a live owner's work), a misbehaving daemon
//! reported as an environment error, a daemon without events still judging the app, and
//! progress that survives SIGKILL at random moments.
mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::*;

#[test]
fn learner_containers_are_hardened() {
    let _l = daemon_lock();
    stand_ins();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let engine = workbench::engine::Engine::connect().await.unwrap();
        // The same call the app probe makes.
        let held = engine.create("mcr.microsoft.com/dotnet/core/sdk:3.0.100", Some("80/tcp")).await.unwrap();
        let id = held.id.clone();
        let inspect = engine.docker().inspect_container(&id, None::<bollard::query_parameters::InspectContainerOptions>).await.unwrap();
        held.remove().await;
        let hc = inspect.host_config.unwrap();
        assert_eq!(hc.privileged, Some(false));
        assert_eq!(hc.cap_drop.as_deref(), Some(&["ALL".to_string()][..]));
        assert_eq!(hc.cap_add.as_deref(), Some(&["NET_BIND_SERVICE".to_string()][..]));
        assert!(hc.security_opt.unwrap_or_default().iter().any(|o| o.starts_with("no-new-privileges")));
        assert_eq!(hc.memory, Some(workbench::engine::container::MEMORY_BYTES));
        assert_eq!(hc.memory_swap, hc.memory, "swap is not extra memory");
        assert_eq!(hc.pids_limit, Some(workbench::engine::container::PIDS_LIMIT));
        assert!(hc.cpu_shares.unwrap_or(0) > 0);
        assert_eq!(hc.log_config.and_then(|l| l.config).and_then(|c| c.get("max-size").cloned()).as_deref(), Some("1m"));
        assert!(hc.binds.unwrap_or_default().is_empty() && hc.mounts.unwrap_or_default().is_empty() && hc.devices.unwrap_or_default().is_empty());
        assert!(hc.network_mode.as_deref().is_none_or(|m| m != "host"));
        assert!(hc.pid_mode.as_deref().is_none_or(|m| m.is_empty()) && hc.ipc_mode.as_deref().is_none_or(|m| m != "host"));
        for bindings in hc.port_bindings.unwrap().values().flatten() {
            for b in bindings {
                assert_eq!(b.host_ip.as_deref(), Some("127.0.0.1"), "published beyond loopback");
            }
        }
        let labels = inspect.config.unwrap().labels.unwrap();
        assert_eq!(labels.get("workbench.managed").map(String::as_str), Some("true"));
        assert!(labels.contains_key("workbench.owner"));
    });
}

#[test]
fn kill_9_mid_check_leaves_nothing_after_the_next_run() {
    let _l = daemon_lock();
    stand_ins();
    remove_images(&["golden/dotnet-core-sdk:3.0", "golden/aspnet-core:3.0", "golden-app:1.0"]);
    let ws = Workspace::new();
    for (ex, tag) in [("golden-sdk", "golden/dotnet-core-sdk:3.0"), ("golden-runtime", "golden/aspnet-core:3.0")] {
        assert!(build(&ws.solution(ex), tag, Builder::Classic).0);
    }
    // An app that never answers on port 80, so the check is mid-probe for a long while.
    let dir = ws.with("golden-app", &[("Dockerfile", "FROM golden/dotnet-core-sdk:3.0 AS b\nCOPY . .\nRUN dotnet publish -o /out app.csproj\nFROM golden/aspnet-core:3.0\nENV ASPNETCORE_URLS=http://+:5000\nCOPY --from=b /out /app\nCMD [\"dotnet\", \"/app/app.dll\"]\n")]);
    assert!(build(&dir, "golden-app:1.0", Builder::Classic).0);

    // A container owned by a live process (this test) must survive every cleanup.
    let live_owner = workbench::engine::cleanup::owner_id();
    let out = docker(&[
        "create",
        "--label",
        "workbench.managed=true",
        "--label",
        &format!("workbench.owner={live_owner}"),
        "mcr.microsoft.com/dotnet/core/aspnet:3.0",
        "true",
    ]);
    let live = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(!live.is_empty());
    let unlabelled = String::from_utf8_lossy(&docker(&["create", "mcr.microsoft.com/dotnet/core/aspnet:3.0", "true"]).stdout).trim().to_string();

    let mut child = Command::new(BIN)
        .arg("--workspace")
        .arg(ws.dir.path())
        .arg("--data")
        .arg(ws.data.path())
        .args(["check", "golden-app"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let pid_label = format!("workbench.owner={}@", child.id());
    loop {
        let out = docker(&["ps", "-a", "--filter", "label=workbench.managed=true", "--format", "{{.Labels}}"]);
        if String::from_utf8_lossy(&out.stdout).contains(&pid_label) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "the check never created its container");
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let leftovers = || {
        let out = docker(&["ps", "-a", "--filter", "label=workbench.managed=true", "--format", "{{.ID}} {{.Labels}}"]);
        String::from_utf8_lossy(&out.stdout).lines().filter(|l| l.contains(&pid_label)).count()
    };
    assert!(leftovers() > 0, "the killed process left nothing to clean up — the test proves nothing");

    ws.run(&["check", "golden-sdk"]);
    assert_eq!(leftovers(), 0, "the next run did not remove the dead process's containers");
    let still = docker(&["inspect", "--format", "{{.Id}}", &live, &unlabelled]);
    assert!(still.status.success(), "cleanup touched a live owner's or an unlabelled container");
    docker(&["rm", "-f", &live, &unlabelled]);
    remove_images(&["golden/dotnet-core-sdk:3.0", "golden/aspnet-core:3.0", "golden-app:1.0"]);
}

/// A stand-in daemon on a Unix socket that answers ping and version, then fails in `mode`.
fn broken_daemon(mode: &'static str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("docker.sock");
    let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve_broken(stream, mode));
        }
    });
    (dir, format!("unix://{}", path.display()))
}

fn serve_broken(mut s: std::os::unix::net::UnixStream, mode: &str) {
    let mut reader = BufReader::new(s.try_clone().unwrap());
    loop {
        let mut request = String::new();
        if reader.read_line(&mut request).unwrap_or(0) == 0 {
            return;
        }
        let mut len = 0;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                break;
            }
            if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; len];
        let _ = reader.read_exact(&mut body);
        let path = request.split_whitespace().nth(1).unwrap_or("");
        let (status, body) = if path.ends_with("/_ping") {
            ("200 OK", "OK".to_string())
        } else if path.ends_with("/version") {
            ("200 OK", r#"{"Version":"20.10.24","ApiVersion":"1.41","MinAPIVersion":"1.12","Os":"linux"}"#.to_string())
        } else if path.contains("/build") && mode == "cut" {
            // A build stream that stops mid-build, as when the daemon restarts.
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            let chunk = "{\"stream\":\"Step 1/3 : FROM mcr.microsoft.com/dotnet/core/aspnet:3.0\\n\"}\r\n";
            let _ = write!(s, "{:x}\r\n{chunk}\r\n", chunk.len());
            let _ = s.write_all(b"2b\r\n{\"stream\":\"Step 2/3 : LABEL fram");
            return;
        } else if mode == "hang" {
            std::thread::sleep(Duration::from_secs(60));
            return;
        } else if mode == "cut" {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"Id\": \"sha256:ab");
            return;
        } else {
            ("500 Internal Server Error", r#"{"message":"something broke inside the daemon"}"#.to_string())
        };
        let _ = write!(s, "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len());
    }
}

#[test]
fn a_misbehaving_daemon_is_an_environment_error_not_a_verdict() {
    for mode in ["500", "cut", "hang"] {
        let (_dir, host) = broken_daemon(mode);
        let ws = Workspace::new();
        let started = Instant::now();
        let run = ws.run_env(&["check", "golden-sdk", "--json"], &[("DOCKER_HOST", &host)]);
        run.code(2);
        assert!(run.stderr.contains("environment error"), "{mode}: {run}");
        assert!(run.stdout.is_empty(), "{mode}: a verdict was printed: {run}");
        assert!(started.elapsed() < Duration::from_secs(40), "{mode}: took {:?}", started.elapsed());
        let list = ws.run(&["list", "--json"]);
        assert!(list.json().as_array().unwrap().iter().all(|e| e["passed"].is_null()), "{mode}: a verdict was recorded\n{list}");
    }
    // A build whose stream is cut mid-build is an environment error too, not a failed build.
    let (_dir, host) = broken_daemon("cut");
    let ws = Workspace::new();
    ws.solution("golden-runtime");
    let run = ws.run_env(&["build", "golden-runtime"], &[("DOCKER_HOST", &host)]);
    run.code(2);
    assert!(run.stderr.contains("environment error"), "{run}");
}

/// The real daemon behind a proxy that refuses `/events` (as a socket proxy with a deny list, or
/// Podman without an event log, would). One request per connection, so each is seen.
fn daemon_without_events() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("docker.sock");
    let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || pass_all_but_events(stream));
        }
    });
    (dir, format!("unix://{}", path.display()))
}

fn pass_all_but_events(client: std::os::unix::net::UnixStream) {
    let mut reader = BufReader::new(client.try_clone().unwrap());
    let mut head = String::new();
    let (mut len, mut upgrade) = (0, false);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
        upgrade |= lower.starts_with("upgrade:");
        // Each request on a connection of its own: the daemon closes it after answering.
        if lower.starts_with("connection:") && !upgrade {
            continue;
        }
        if line == "\r\n" {
            if !upgrade {
                head.push_str("Connection: close\r\n");
            }
            head.push_str(&line);
            break;
        }
        head.push_str(&line);
    }
    let mut client = client;
    if head.split_whitespace().nth(1).unwrap_or("").contains("/events") {
        let body = r#"{"message":"events are not served here"}"#;
        let _ = write!(
            client,
            "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        return;
    }
    let mut body = vec![0; len];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let Ok(mut upstream) = std::os::unix::net::UnixStream::connect("/var/run/docker.sock") else { return };
    if upstream.write_all(head.as_bytes()).and_then(|_| upstream.write_all(&body)).is_err() {
        return;
    }
    // Both ways until either side closes (an attach stays open while the app runs).
    let (mut up_read, mut client_write) = (upstream.try_clone().unwrap(), client.try_clone().unwrap());
    let down = std::thread::spawn(move || {
        let _ = std::io::copy(&mut up_read, &mut client_write);
        let _ = client_write.shutdown(std::net::Shutdown::Both);
    });
    let _ = std::io::copy(&mut reader, &mut upstream);
    let _ = upstream.shutdown(std::net::Shutdown::Write);
    let _ = down.join();
}

#[test]
fn without_the_events_endpoint_the_app_is_still_judged() {
    let _l = daemon_lock();
    stand_ins();
    let (_dir, host) = daemon_without_events();
    let ws = Workspace::new();
    for (ex, tag) in [("golden-sdk", "golden/dotnet-core-sdk:3.0"), ("golden-runtime", "golden/aspnet-core:3.0"), ("golden-app", "golden-app:1.0")] {
        assert!(build(&ws.solution(ex), tag, Builder::Classic).0);
    }
    let check = |ws: &Workspace| ws.run_env(&["check", "golden-app", "--json"], &[("DOCKER_HOST", &host)]);
    // An app that answers passes as it does on a full daemon.
    let run = check(&ws);
    run.code(0);
    // One that crashes at start is seen to stop — with its output, and without a made-up code.
    let dir = ws.with("golden-app", &[("Dockerfile", "FROM golden/dotnet-core-sdk:3.0 AS b\nCOPY . .\nRUN dotnet publish -o /out app.csproj\nFROM golden/aspnet-core:3.0\nENV ASPNETCORE_URLS=http://+:eighty\nCOPY --from=b /out /app\nCMD [\"dotnet\", \"/app/app.dll\"]\n")]);
    assert!(build(&dir, "golden-app:1.0", Builder::Classic).0);
    let run = check(&ws);
    run.code(1);
    let v = run.json();
    let said = check_of(&v, "responds");
    assert!(said.contains("stopped (its exit code could not be read)") && said.contains("not a valid URL") && !said.contains("-1"), "{said}");
    assert!(managed_containers().is_empty(), "a probe container was left behind");
    remove_images(&["golden/dotnet-core-sdk:3.0", "golden/aspnet-core:3.0", "golden-app:1.0"]);
}

fn check_of(verdict: &serde_json::Value, id: &str) -> String {
    check(verdict, id)["message"].as_str().unwrap_or_default().to_string()
}

#[test]
fn doctor_and_build_warn_when_disk_for_images_is_low() {
    let _l = daemon_lock();
    stand_ins();
    let ws = Workspace::new();
    let run = ws.run_env(&["doctor"], &[("WORKBENCH_LOW_DISK_GIB", "1000000")]);
    run.code(0); // a warning, not a blocker
    assert!(run.stdout.contains("free where Docker keeps images") && run.stdout.contains("docker system df"), "{run}");
    // A build long enough for the disk check to come back warns as well.
    ws.with("golden-runtime", &[("Dockerfile", "FROM mcr.microsoft.com/dotnet/core/aspnet:3.0\nRUN sleep 2\n")]);
    let run = ws.run_env(&["build", "golden-runtime"], &[("WORKBENCH_LOW_DISK_GIB", "1000000")]);
    run.code(0);
    assert!(run.stderr.contains("warning: only") && run.stderr.contains("free where Docker keeps images"), "{run}");
    remove_images(&["golden/aspnet-core:3.0"]);
}

/// A tiny deterministic generator, so a failing run can be repeated with its seed.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[test]
fn acknowledged_answers_survive_sigkill_at_random_moments() {
    let data = tempfile::tempdir().unwrap();
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    let mut rng = Lcg(seed);
    let mut acknowledged: Vec<String> = vec![];
    let deadline = Instant::now() + Duration::from_secs(150);
    let mut kills = 0;
    while kills < 200 && Instant::now() < deadline {
        let mut child = Command::new(BIN)
            .arg("--data")
            .arg(data.path())
            .arg("--workspace")
            .arg(data.path().join("ws"))
            .args(["serve", "--no-open", "--port", "0"])
            .env("WORKBENCH_TOKEN", "tok")
            .env("DOCKER_HOST", "unix:///nonexistent.sock")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
        let port: u16 = line.trim().rsplit(':').next().unwrap().split('/').next().unwrap().parse().unwrap();
        // Kill after a random delay while answers are being written.
        let pid = child.id();
        let delay = Duration::from_millis(rng.next(40));
        let killer = std::thread::spawn(move || {
            std::thread::sleep(delay);
            unsafe_kill(pid);
        });
        for i in 0..1000 {
            let text = format!("answer {kills}-{i}");
            match post_answer(port, &text) {
                Some(200) => acknowledged.push(text),
                _ => break,
            }
        }
        killer.join().unwrap();
        let _ = child.wait();
        kills += 1;
    }
    assert!(kills >= 200, "only {kills} kills in the time allowed (seed {seed})");
    // Integrity is checked at open; export reads every attempt.
    let mut cmd = Command::new(BIN);
    cmd.arg("--data").arg(data.path()).args(["progress", "export"]);
    let run = Run::of(cmd);
    run.code(0);
    assert!(!run.stderr.contains("moved"), "the database was found broken (seed {seed}): {run}");
    let export = run.json();
    let stored: std::collections::HashSet<&str> = export["quiz_attempts"].as_array().unwrap().iter().filter_map(|a| a["answer"].as_str()).collect();
    let lost: Vec<&String> = acknowledged.iter().filter(|a| !stored.contains(a.as_str())).collect();
    assert!(lost.is_empty(), "{} of {} acknowledged answers were lost, e.g. {:?} (seed {seed})", lost.len(), acknowledged.len(), &lost[..lost.len().min(3)]);
    assert!(!acknowledged.is_empty());
    let integrity =
        rusqlite::Connection::open(data.path().join("progress.db")).unwrap().query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0)).unwrap();
    assert_eq!(integrity, "ok");
}

fn unsafe_kill(pid: u32) {
    let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
}

fn post_answer(port: u16, text: &str) -> Option<u16> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let body = format!(r#"{{"answer": "{text}"}}"#);
    let req = format!(
        "POST /api/quiz/official-image-trust HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer tok\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut head = [0u8; 12];
    s.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

/// `POST /api/exercises/{exercise}/check` with the token; the raw response, or the sent request's
/// stream dropped at once when `wait` is false.
fn post_check(port: u16, exercise: &str, wait: bool) -> String {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let req = format!(
        "POST /api/exercises/{exercise}/check HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer tok\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
    );
    s.write_all(req.as_bytes()).unwrap();
    let mut out = String::new();
    if wait {
        s.read_to_string(&mut out).unwrap();
    }
    out
}

#[test]
fn a_check_nobody_waited_for_is_not_handed_to_the_next_request() {
    let _l = daemon_lock();
    stand_ins();
    let ws = Workspace::new();
    assert!(build(&ws.solution("golden-sdk"), "golden/dotnet-core-sdk:3.0", Builder::Classic).0);
    let mut child = Command::new(BIN)
        .arg("--data")
        .arg(ws.data.path())
        .arg("--workspace")
        .arg(ws.dir.path())
        .args(["--lang", "en", "serve", "--no-open", "--port", "0"])
        .env("WORKBENCH_TOKEN", "tok")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    let port: u16 = line.trim().rsplit(':').next().unwrap().split('/').next().unwrap().parse().unwrap();

    // Concurrent checks share one verdict.
    let together: Vec<_> = (0..4).map(|_| std::thread::spawn(move || post_check(port, "golden-sdk", true))).collect();
    for t in together {
        let answer = t.join().unwrap();
        assert!(answer.starts_with("HTTP/1.1 200") && answer.contains(r#""passed":true"#), "{answer}");
    }
    // A check whose only request went away still runs to its end...
    post_check(port, "golden-sdk", false);
    std::thread::sleep(Duration::from_secs(3));
    // ...and the image changed since is judged afresh, not by that finished check's verdict.
    let dir = ws.with("golden-sdk", &[("Dockerfile", "FROM mcr.microsoft.com/dotnet/core/sdk:3.0.100\nLABEL framework=dotnet version=3.0 description=\".NET Core 3.0 SDK\"\nWORKDIR /src\nCOPY global.json .\n")]);
    assert!(build(&dir, "golden/dotnet-core-sdk:3.0", Builder::Classic).0);
    let answer = post_check(port, "golden-sdk", true);
    assert!(answer.contains(r#""passed":false"#) && answer.contains("label.owner"), "{answer}");
    let _ = child.kill();
    let _ = child.wait();
    remove_images(&["golden/dotnet-core-sdk:3.0"]);
}
