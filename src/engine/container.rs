//! Containers the workbench creates from the learner's images: never-started ones to read files
//! out of an image, and a short-lived, hardened one to run the app and probe it.
use std::collections::{HashMap, VecDeque};
use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bollard::models::{ContainerCreateBody, HostConfig, HostConfigLogConfig, PortBinding};
use bollard::query_parameters::{
    AttachContainerOptionsBuilder, CreateContainerOptionsBuilder, DownloadFromContainerOptionsBuilder, EventsOptionsBuilder, KillContainerOptionsBuilder,
    RemoveContainerOptionsBuilder,
};
use futures_util::StreamExt;

use super::probe::{self, ProbeAnswer};
use super::{CALL_TIMEOUT, Engine, EngineError, within};

/// Limits for a learner's container: enough for a small web app, not enough to hurt the machine.
pub const MEMORY_BYTES: i64 = 512 << 20;
pub const PIDS_LIMIT: i64 = 256;
pub const CPU_SHARES: i64 = 512;
/// Bytes of an archive read at most (a file, or a folder's listing).
pub const MAX_ARCHIVE: usize = 64 << 20;

/// The host configuration every learner container gets: unprivileged, all capabilities dropped
/// but the one binding port 80 needs, no privilege escalation, bounded memory (swap included),
/// processes and log size, no mounts or devices, host namespaces untouched, and published ports on
/// the loopback interface only.
pub fn hardened(publish: Option<&str>) -> HostConfig {
    HostConfig {
        privileged: Some(false),
        cap_drop: Some(vec!["ALL".into()]),
        cap_add: Some(vec!["NET_BIND_SERVICE".into()]),
        security_opt: Some(vec!["no-new-privileges".into()]),
        memory: Some(MEMORY_BYTES),
        memory_swap: Some(MEMORY_BYTES),
        pids_limit: Some(PIDS_LIMIT),
        cpu_shares: Some(CPU_SHARES),
        log_config: Some(HostConfigLogConfig {
            typ: Some("json-file".into()),
            config: Some(HashMap::from([("max-size".into(), "1m".into()), ("max-file".into(), "1".into())])),
        }),
        port_bindings: publish
            .map(|port| HashMap::from([(port.to_string(), Some(vec![PortBinding { host_ip: Some("127.0.0.1".into()), host_port: Some(String::new()) }]))])),
        binds: None,
        mounts: None,
        devices: None,
        ..Default::default()
    }
}

/// A container created by this process; [`Held::remove`] must be called (leftovers of a crashed
/// process are collected by `cleanup::remove_stale`).
pub struct Held<'e> {
    engine: &'e Engine,
    pub id: String,
    started: AtomicBool,
}

/// Lines a running container printed, the last [`LOG_LINES`] kept.
type Output = Arc<Mutex<VecDeque<String>>>;
const LOG_LINES: usize = 20;
/// How long `remove` waits for the daemon's answer to a kill before moving on.
const KILL_GRACE: Duration = Duration::from_millis(15);

#[derive(Debug, Clone)]
pub enum RunOutcome {
    Answered {
        status: u16,
        host_port: u16,
        after: Duration,
        answer: ProbeAnswer,
    },
    /// `code` is `None` when the container stopped but its exit code could not be read.
    Exited {
        code: Option<i64>,
        logs: Vec<String>,
    },
    NoAnswer {
        waited: Duration,
        logs: Vec<String>,
    },
}

/// The exit code from `id`'s die event (replayed from up to five minutes back, so a container
/// already gone is still seen). `None` when the events cannot be read. Docker calls the event
/// `die` with `exitCode`; Podman's compatible API, in versions that ignore the event filter,
/// `died` with `containerExitCode` — so only the container is filtered on, and both names read.
async fn die_event(docker: bollard::Docker, id: String) -> Option<i64> {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()).saturating_sub(300).to_string();
    let filters = HashMap::from([("type", vec!["container"]), ("container", vec![id.as_str()])]);
    let options = EventsOptionsBuilder::new().since(&since).filters(&filters).build();
    let mut events = Box::pin(docker.events(Some(options)));
    while let Some(Ok(event)) = events.next().await {
        if matches!(event.action.as_deref(), Some("die" | "died")) {
            let attributes = event.actor.and_then(|a| a.attributes).unwrap_or_default();
            return ["exitCode", "containerExitCode"].iter().find_map(|k| attributes.get(*k)?.parse::<i64>().ok());
        }
    }
    None
}

impl Engine {
    /// Creates a container from `image` without starting it (or, with `publish`, ready to start).
    pub async fn create(&self, image: &str, publish: Option<&str>) -> Result<Held<'_>, EngineError> {
        let body = ContainerCreateBody {
            image: Some(image.to_string()),
            labels: Some(self.labels()),
            exposed_ports: publish.map(|p| vec![p.to_string()]),
            // A container that runs removes itself once it stops: ending the probe is one
            // SIGKILL, and the daemon does the slow teardown after the verdict is out.
            host_config: Some(HostConfig { auto_remove: publish.map(|_| true), ..hardened(publish) }),
            // An image without CMD cannot be created; the command only matters if started.
            cmd: if publish.is_none() { Some(vec!["/workbench-never-started".into()]) } else { None },
            entrypoint: if publish.is_none() { Some(vec![]) } else { None },
            ..Default::default()
        };
        let name = format!("workbench-{}-{}", std::process::id(), unique_suffix());
        let options = CreateContainerOptionsBuilder::new().name(&name).build();
        let created = within(&format!("create a container from {image}"), CALL_TIMEOUT, self.docker().create_container(Some(options), body)).await?;
        crate::trace(&format!("created a container from {image}"));
        Ok(Held { engine: self, id: created.id, started: AtomicBool::new(false) })
    }
}

impl Held<'_> {
    /// The archive of `path` as the daemon sends it, capped; `None` when the path does not exist.
    async fn archive(&self, path: &str) -> Result<Option<Vec<u8>>, EngineError> {
        let options = DownloadFromContainerOptionsBuilder::new().path(path).build();
        let mut stream = self.engine.docker().download_from_container(&self.id, Some(options));
        let mut out = Vec::new();
        let deadline = Instant::now() + CALL_TIMEOUT;
        loop {
            let next = tokio::time::timeout_at(deadline.into(), stream.next()).await;
            match next {
                Err(_) => return Err(EngineError::Timeout { what: format!("read {path} from the image") }),
                Ok(None) => break,
                Ok(Some(Ok(chunk))) => {
                    out.extend_from_slice(&chunk);
                    if out.len() > MAX_ARCHIVE {
                        break;
                    }
                }
                Ok(Some(Err(bollard::errors::Error::DockerResponseServerError { status_code: 404, .. }))) => return Ok(None),
                Ok(Some(Err(e))) => return Err(super::api_error(&format!("read {path} from the image"), e)),
            }
        }
        Ok(Some(out))
    }

    /// Whether `path` is a file (anything but a folder) in the container — a stat, without
    /// reading the file out: about five times faster than an archive download here.
    pub async fn is_file(&self, path: &str) -> Result<bool, EngineError> {
        let options = bollard::query_parameters::ContainerArchiveInfoOptionsBuilder::new().path(path).build();
        match within(&format!("look for {path} in the image"), CALL_TIMEOUT, self.engine.docker().get_container_archive_info(&self.id, Some(options))).await {
            // Go's os.ModeDir is the top bit of the mode.
            Ok(stat) => Ok(stat.file_mode & (1 << 31) == 0),
            Err(EngineError::Api { status: Some(404), .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The bytes of one regular file, `None` when it does not exist or is not a regular file.
    pub async fn read_file(&self, path: &str, max: usize) -> Result<Option<Vec<u8>>, EngineError> {
        let archive = self.archive(path).await;
        crate::trace(&format!("read {path}"));
        let Some(tar_bytes) = archive? else { return Ok(None) };
        let mut archive = tar::Archive::new(tar_bytes.as_slice());
        let Ok(mut entries) = archive.entries() else { return Ok(None) };
        let Some(Ok(mut entry)) = entries.next() else { return Ok(None) };
        if !entry.header().entry_type().is_file() {
            return Ok(None);
        }
        let mut data = Vec::new();
        let _ = entry.by_ref().take(max as u64).read_to_end(&mut data);
        Ok(Some(data))
    }

    /// Absolute paths of everything under `dir` (bounded by [`MAX_ARCHIVE`]).
    pub async fn list(&self, dir: &str) -> Result<Vec<String>, EngineError> {
        let Some(tar_bytes) = self.archive(dir).await? else { return Ok(vec![]) };
        let parent = match dir.trim_end_matches('/').rsplit_once('/') {
            Some((p, _)) => p.to_string(),
            None => String::new(),
        };
        let mut archive = tar::Archive::new(tar_bytes.as_slice());
        let mut out = vec![];
        if let Ok(entries) = archive.entries() {
            for entry in entries.flatten() {
                if let Ok(p) = entry.path() {
                    out.push(format!("{parent}/{}", p.to_string_lossy().trim_end_matches('/')));
                }
            }
        }
        Ok(out)
    }

    /// Starts the container and waits until `GET path` on the published `port` answers, the
    /// container exits, or `ready` passes. Output is captured from the start (attach), because a
    /// container that exits removes itself and its logs with it.
    pub async fn start_and_probe(&self, port: &str, path: &str, ready: Duration) -> Result<RunOutcome, EngineError> {
        let docker = self.engine.docker().clone();
        let started = Instant::now();
        let attach_opts = AttachContainerOptionsBuilder::new().stdout(true).stderr(true).stream(true).logs(true).build();
        let attached = within("attach to the app container", CALL_TIMEOUT, docker.attach_container(&self.id, Some(attach_opts))).await?;
        let output: Output = Arc::default();
        let sink = output.clone();
        // The output stream ends when the container stops: the fallback sign of an exit.
        let (ended_tx, mut ended) = tokio::sync::oneshot::channel::<()>();
        let reader = tokio::spawn(async move {
            let mut stream = attached.output;
            while let Some(Ok(chunk)) = stream.next().await {
                let mut lines = sink.lock().expect("output lock");
                for line in String::from_utf8_lossy(&chunk.into_bytes()).lines() {
                    lines.push_back(line.chars().take(300).collect());
                    if lines.len() > LOG_LINES {
                        lines.pop_front();
                    }
                }
            }
            let _ = ended_tx.send(());
        });
        // The exit code comes from the container's die event. Asked with `since` a time before
        // the container existed, the daemon replays that event even when the container died (and
        // removed itself) before this request reached it; a wait request sent beside the start
        // could arrive too late and find nothing to wait for.
        let mut died = tokio::spawn(die_event(docker.clone(), self.id.clone()));
        let stop_listening = died.abort_handle();
        // The container's exit, with its code when the event gave it. Where events cannot be
        // read (a proxy that blocks them, Podman without an event log), the end of the output
        // stream still says the app stopped — never an exit invented from a failed request.
        let exit = async move {
            tokio::select! {
                code = &mut died => match code.ok().flatten() {
                    Some(code) => Some(code),
                    None => {
                        let _ = (&mut ended).await;
                        None
                    }
                },
                _ = &mut ended => tokio::time::timeout(Duration::from_secs(1), &mut died).await.ok().and_then(Result::ok).flatten(),
            }
        };
        tokio::pin!(exit);
        crate::trace("attached");
        if let Err(e) =
            within("start the app container", CALL_TIMEOUT, docker.start_container(&self.id, None::<bollard::query_parameters::StartContainerOptions>)).await
        {
            reader.abort();
            stop_listening.abort();
            return Err(e);
        }
        self.started.store(true, Ordering::SeqCst);
        crate::trace("started");
        let inspect =
            within("inspect the app container", CALL_TIMEOUT, docker.inspect_container(&self.id, None::<bollard::query_parameters::InspectContainerOptions>))
                .await;
        let host_port = inspect
            .ok()
            .and_then(|i| i.network_settings)
            .and_then(|n| n.ports)
            .and_then(|p| p.get(port).cloned().flatten())
            .and_then(|b| b.into_iter().find_map(|b| b.host_port.and_then(|p| p.parse::<u16>().ok())));
        let finish = |reader: tokio::task::JoinHandle<()>, output: Output| async move {
            // The output stream ends when the container stops; give it a moment to drain.
            let _ = tokio::time::timeout(Duration::from_millis(500), reader).await;
            output.lock().expect("output lock").iter().cloned().collect::<Vec<_>>()
        };
        let outcome = match host_port {
            // A container that exits at once loses its port bindings (and itself) before we look.
            None => {
                let code = tokio::time::timeout(Duration::from_secs(5), &mut exit).await.ok().flatten();
                RunOutcome::Exited { code, logs: finish(reader, output).await }
            }
            Some(host_port) => {
                let probe_loop = async {
                    let mut delay = Duration::from_millis(2);
                    loop {
                        if let Ok(Some(answer)) = probe::get_once(host_port, path, Duration::from_secs(2)).await {
                            return answer;
                        }
                        tokio::time::sleep(delay).await;
                        delay = (delay * 2).min(Duration::from_millis(25));
                    }
                };
                tokio::select! {
                    answer = probe_loop => {
                        crate::trace("the app answered");
                        reader.abort();
                        RunOutcome::Answered { status: answer.status, host_port, after: started.elapsed(), answer }
                    }
                    code = &mut exit => RunOutcome::Exited { code, logs: finish(reader, output).await },
                    _ = tokio::time::sleep(ready) => {
                        let logs = output.lock().expect("output lock").iter().cloned().collect();
                        reader.abort();
                        RunOutcome::NoAnswer { waited: ready, logs }
                    }
                }
            }
        };
        // The events request stays open until the die event; the verdict does not wait for it.
        stop_listening.abort();
        Ok(outcome)
    }

    /// Stops and removes the container: a running one gets SIGKILL and removes itself
    /// (AutoRemove); one never started is removed here.
    pub async fn remove(self) {
        crate::trace("removing a container");
        if self.started.load(Ordering::SeqCst) {
            // The daemon sends SIGKILL as soon as the request arrives and only then waits for the
            // process to be reaped (~0.2 s here) before answering; AutoRemove then deletes the
            // container. That wait is not the learner's: it is left off the verdict's path, with
            // a short grace so the request is surely on the wire before a CLI process exits. If
            // the kill were lost anyway, the container carries our owner label and the next
            // workbench start removes it (`cleanup::remove_stale`).
            let docker = self.engine.docker().clone();
            let id = self.id.clone();
            let kill = tokio::spawn(async move {
                let options = KillContainerOptionsBuilder::new().signal("KILL").build();
                within("stop the app container", CALL_TIMEOUT, docker.kill_container(&id, Some(options))).await
            });
            match tokio::time::timeout(KILL_GRACE, kill).await {
                // Sent, or answered in time and done; or already gone / stopping.
                Err(_) | Ok(Ok(Ok(()))) | Ok(Ok(Err(EngineError::Api { status: Some(404 | 409), .. }))) => return,
                // The kill itself failed: fall back to removing by force.
                Ok(_) => {}
            }
        }
        let options = RemoveContainerOptionsBuilder::new().force(true).v(true).build();
        let _ = within("remove a container", CALL_TIMEOUT, self.engine.docker().remove_container(&self.id, Some(options))).await;
        crate::trace("removed a container");
    }
}

fn unique_suffix() -> String {
    let mut b = [0u8; 4];
    let _ = getrandom::fill(&mut b);
    hex::encode(b)
}
