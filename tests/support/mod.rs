//! Shared helpers for the black-box tests: run the built binary, build images with the real
//! docker CLI (classic builder and BuildKit), and make fixture workspaces.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, MutexGuard, OnceLock};

pub const BIN: &str = env!("CARGO_BIN_EXE_workbench");
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Tests that build under the chapter's fixed tags run one at a time.
pub fn daemon_lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// The docker CLI the tests build with. Debian's 20.10 client has BuildKit built in; a newer
/// client first on PATH would need buildx for it.
pub fn docker_cli() -> String {
    std::env::var("DOCKER_CLI").unwrap_or_else(|_| if Path::new("/usr/bin/docker").exists() { "/usr/bin/docker".into() } else { "docker".into() })
}

pub fn docker(args: &[&str]) -> Output {
    Command::new(docker_cli()).args(args).output().expect("the docker CLI runs")
}

/// Builds the stand-ins for the official images once per test binary.
pub fn stand_ins() {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        let out = Command::new(format!("{ROOT}/tests/fixtures/stand-ins/build.sh")).output().expect("build.sh runs");
        assert!(
            out.status.success(),
            "stand-ins failed to build — is a Docker daemon running (scripts/test.sh starts one)?\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    });
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Builder {
    Classic,
    BuildKit,
}

/// `docker build -t TAG DIR` with the given builder and a timeout; returns (success, output).
pub fn build(dir: &Path, tag: &str, builder: Builder) -> (bool, String) {
    let out = Command::new("timeout")
        .arg("180")
        .arg(docker_cli())
        .args(["build", "-t", tag, "."])
        .current_dir(dir)
        .env("DOCKER_BUILDKIT", if builder == Builder::BuildKit { "1" } else { "0" })
        .output()
        .expect("docker build runs");
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

/// The id of the image `reference` names (empty when there is none).
pub fn image_id(reference: &str) -> String {
    String::from_utf8_lossy(&docker(&["image", "inspect", "--format", "{{.Id}}", reference]).stdout).trim().to_string()
}

pub fn remove_images(tags: &[&str]) {
    let mut args = vec!["rmi", "-f"];
    args.extend_from_slice(tags);
    let _ = docker(&args);
}

/// A workspace with one folder per exercise, each holding `files`.
pub struct Workspace {
    pub dir: tempfile::TempDir,
    pub data: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Workspace {
        Workspace { dir: tempfile::tempdir().unwrap(), data: tempfile::tempdir().unwrap() }
    }

    pub fn path(&self, exercise: &str) -> PathBuf {
        self.dir.path().join(exercise)
    }

    /// Fills an exercise folder from the exercise's reference solution.
    pub fn solution(&self, exercise: &str) -> PathBuf {
        let dst = self.path(exercise);
        copy_dir(&Path::new(ROOT).join("exercises").join(exercise).join("solution"), &dst);
        dst
    }

    pub fn starter(&self, exercise: &str) -> PathBuf {
        let dst = self.path(exercise);
        copy_dir(&Path::new(ROOT).join("exercises").join(exercise).join("starter"), &dst);
        dst
    }

    /// The reference solution with some files replaced.
    pub fn with(&self, exercise: &str, files: &[(&str, &str)]) -> PathBuf {
        let dst = self.solution(exercise);
        for (name, text) in files {
            std::fs::write(dst.join(name), text).unwrap();
        }
        dst
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_env(args, &[])
    }

    /// `run` with extra environment (`DOCKER_HOST` of a test daemon, `WORKBENCH_MIRROR`, …).
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new(BIN);
        cmd.arg("--workspace").arg(self.dir.path()).arg("--data").arg(self.data.path()).arg("--lang").arg("en").args(args);
        cmd.envs(env.iter().copied());
        Run::of(cmd)
    }
}

/// A program a test starts beside the daemon (a registry, a Podman service) with a scratch
/// folder of its own; stopped when dropped.
pub struct Background {
    child: std::process::Child,
    pub dir: tempfile::TempDir,
}

impl Background {
    /// Whether `program` is installed; when not, a note says which tests are skipped.
    pub fn installed(program: &str, skipped: &str) -> bool {
        let there = Command::new(program).arg("--version").output().is_ok();
        if !there {
            eprintln!("{program} is not installed: {skipped} skipped (scripts/test.sh installs it)");
        }
        there
    }

    /// Starts `cmd` (its output discarded) and waits, at most 20 s, until `ready` holds.
    pub fn start(mut cmd: Command, dir: tempfile::TempDir, ready: impl Fn() -> bool) -> Background {
        let child = cmd.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().expect("the program starts");
        let started = std::time::Instant::now();
        while !ready() {
            assert!(started.elapsed() < std::time::Duration::from_secs(20), "{cmd:?} did not get ready");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Background { child, dir }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn copy_dir(src: &Path, dst: &Path) {
    let _ = std::fs::remove_dir_all(dst);
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), to).unwrap();
        }
    }
}

/// A finished run of the binary, printing everything when an assertion about it fails.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn of(mut cmd: Command) -> Run {
        let out = cmd.output().expect("the workbench binary runs");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{self}"))
    }

    pub fn code(&self, want: i32) -> &Self {
        assert_eq!(self.code, want, "unexpected exit code\n{self}");
        self
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {}\n--- stdout\n{}\n--- stderr\n{}", self.code, self.stdout, self.stderr)
    }
}

/// The check with `id` in a verdict, or a panic that shows the verdict.
pub fn check<'a>(verdict: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    verdict["checks"].as_array().and_then(|c| c.iter().find(|c| c["id"] == id)).unwrap_or_else(|| panic!("no check `{id}` in\n{verdict:#}"))
}

/// Managed containers still in the daemon after a few seconds: a probed app container is
/// stopped by the checker and removed by the daemon (AutoRemove) just after the verdict.
pub fn managed_containers() -> Vec<String> {
    let started = std::time::Instant::now();
    loop {
        let out = docker(&["ps", "-aq", "--filter", "label=workbench.managed=true"]);
        let ids: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect();
        if ids.is_empty() || started.elapsed() > std::time::Duration::from_secs(5) {
            return ids;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}
