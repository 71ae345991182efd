//! `workbench doctor`: is this machine ready for the exercises? Each problem comes with its fix;
//! the exit code is non-zero when something blocks the exercises.
use anyhow::Result;

use super::Context;
use crate::engine::{Engine, EngineError};

/// Below this much free space where Docker keeps images, builds are likely to fail: 5 GiB, or
/// `WORKBENCH_LOW_DISK_GIB` (an instructor may know their lab images need more).
/// The warning when `free` bytes where Docker keeps images (`root`) is below the threshold
/// (`WORKBENCH_LOW_DISK_GIB`, default 5). `doctor` lists it; `build` prints it.
pub fn low_disk(root: &str, free: u64) -> Option<String> {
    (free < low_disk_bytes()).then(|| format!("only {} free where Docker keeps images ({root})", gib(free)))
}

fn low_disk_bytes() -> u64 {
    std::env::var("WORKBENCH_LOW_DISK_GIB").ok().and_then(|v| v.parse::<u64>().ok()).unwrap_or(5) << 30
}

struct Finding {
    ok: bool,
    blocking: bool,
    what: String,
    fix: String,
}

pub async fn run(ctx: &Context, json: bool) -> Result<u8> {
    let mut findings = vec![];
    let host = std::env::var("DOCKER_HOST").unwrap_or_else(|_| "unix:///var/run/docker.sock".into());
    match Engine::connect().await {
        Err(e) => findings.push(Finding { ok: false, blocking: true, what: e.to_string(), fix: unreachable_fix(&e, &host) }),
        Ok(engine) => {
            let i = &engine.info;
            findings.push(Finding {
                ok: true,
                blocking: false,
                what: format!("{} {} (API {}) answers at {}", i.product, i.version, i.api_version, i.host),
                fix: String::new(),
            });
            if let Some((root, free)) = engine.free_disk().await {
                findings.push(match low_disk(&root, free) {
                    Some(warning) => Finding { ok: false, blocking: false, what: warning, fix: LOW_DISK_FIX.into() },
                    None => Finding { ok: true, blocking: false, what: format!("{} free for images ({root})", gib(free)), fix: String::new() },
                });
            }
            let content = ctx.content.get();
            let mut bases: Vec<&str> = content.exercises.iter().filter_map(|e| e.spec.base.image.as_deref()).collect();
            bases.dedup();
            for b in bases {
                match engine.image(b).await {
                    Ok(Some(_)) => findings.push(Finding { ok: true, blocking: false, what: format!("base image {b} is present"), fix: String::new() }),
                    Ok(None) => findings.push(Finding { ok: false, blocking: true, what: format!("base image {b} is missing"), fix: "With internet access: `workbench images pull` (or `--mirror REGISTRY` for your school's registry). Offline: `workbench images load FILE` with the bundle your instructor made by `workbench images save FILE`.".into() }),
                    Err(e) => findings.push(Finding { ok: false, blocking: true, what: e.to_string(), fix: e.advice().into() }),
                }
            }
        }
    }
    let blocked = findings.iter().any(|f| !f.ok && f.blocking);
    if json {
        let items: Vec<_> = findings.iter().map(|f| serde_json::json!({"ok": f.ok, "blocking": f.blocking, "what": f.what, "fix": f.fix})).collect();
        println!("{}", serde_json::to_string_pretty(&serde_json::json!({"ready": !blocked, "findings": items}))?);
    } else {
        for f in &findings {
            println!(
                "{} {}",
                if f.ok {
                    "✓"
                } else if f.blocking {
                    "✗"
                } else {
                    "!"
                },
                f.what
            );
            if !f.fix.is_empty() {
                println!("    → {}", f.fix);
            }
        }
        println!("{}", if blocked { "Not ready: fix the ✗ lines above." } else { "Ready for the exercises." });
    }
    Ok(if blocked { 1 } else { 0 })
}

fn unreachable_fix(e: &EngineError, host: &str) -> String {
    let socket = host.strip_prefix("unix://").unwrap_or(host);
    let exists = std::path::Path::new(socket).exists();
    let mut fix = String::new();
    if !exists {
        fix.push_str(&format!("Nothing listens at {socket}. Start Docker: Docker Desktop, or `sudo systemctl start docker`. "));
        let uid = rustix::process::getuid().as_raw();
        let rootless = format!("/run/user/{uid}/docker.sock");
        if std::path::Path::new(&rootless).exists() {
            fix.push_str(&format!("A rootless Docker socket exists: `export DOCKER_HOST=unix://{rootless}`. "));
        }
        let podman = format!("/run/user/{uid}/podman/podman.sock");
        if std::path::Path::new(&podman).exists() || std::path::Path::new("/run/podman/podman.sock").exists() {
            fix.push_str("A Podman socket exists: `export DOCKER_HOST=unix:///run/podman/podman.sock` (or the /run/user one). ");
        } else {
            fix.push_str("With Podman: `podman system service --time=0 &` and set DOCKER_HOST to its socket. ");
        }
    } else if e.to_string().to_lowercase().contains("permission denied") {
        fix.push_str("You may not use the socket: `sudo usermod -aG docker $USER`, then log out and in again.");
    } else {
        fix.push_str(e.advice());
    }
    fix.trim().to_string()
}

pub const LOW_DISK_FIX: &str =
    "Free disk space: `docker system df` shows what Docker uses, `docker image prune` and `docker builder prune` remove what is unused.";

fn gib(b: u64) -> String {
    format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64)
}
