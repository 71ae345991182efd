//! Containers the workbench creates from the learner's images: never-started ones to read files
//! out of an image, and a short-lived, hardened one to run the app and probe it.
use std::collections::HashMap;
use std::io::Read;
use std::time::{Duration, Instant};

use bollard::models::{ContainerCreateBody, HostConfig, HostConfigLogConfig, PortBinding};
use bollard::query_parameters::{CreateContainerOptionsBuilder, DownloadFromContainerOptionsBuilder, LogsOptionsBuilder, RemoveContainerOptionsBuilder};
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
        port_bindings: publish.map(|port| {
            HashMap::from([(port.to_string(), Some(vec![PortBinding { host_ip: Some("127.0.0.1".into()), host_port: Some(String::new()) }]))])
        }),
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
}

#[derive(Debug, Clone)]
pub enum RunOutcome {
    Answered { status: u16, host_port: u16, after: Duration, answer: ProbeAnswer },
    Exited { code: i64, logs: Vec<String> },
    NoAnswer { waited: Duration, logs: Vec<String> },
}

impl Engine {
    /// Creates a container from `image` without starting it (or, with `publish`, ready to start).
    pub async fn create(&self, image: &str, publish: Option<&str>) -> Result<Held<'_>, EngineError> {
        let body = ContainerCreateBody {
            image: Some(image.to_string()),
            labels: Some(self.labels()),
            exposed_ports: publish.map(|p| vec![p.to_string()]),
            host_config: Some(hardened(publish)),
            // An image without CMD cannot be created; the command only matters if started.
            cmd: if publish.is_none() { Some(vec!["/workbench-never-started".into()]) } else { None },
            entrypoint: if publish.is_none() { Some(vec![]) } else { None },
            ..Default::default()
        };
        let name = format!("workbench-{}-{}", std::process::id(), unique_suffix());
        let options = CreateContainerOptionsBuilder::new().name(&name).build();
        let created = within(&format!("create a container from {image}"), CALL_TIMEOUT, self.docker().create_container(Some(options), body)).await?;
        Ok(Held { engine: self, id: created.id })
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

    /// The bytes of one regular file, `None` when it does not exist or is not a regular file.
    pub async fn read_file(&self, path: &str, max: usize) -> Result<Option<Vec<u8>>, EngineError> {
        let Some(tar_bytes) = self.archive(path).await? else { return Ok(None) };
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
    /// container exits, or `ready` passes.
    pub async fn start_and_probe(&self, port: &str, path: &str, ready: Duration) -> Result<RunOutcome, EngineError> {
        let docker = self.engine.docker();
        let started = Instant::now();
        within("start the app container", CALL_TIMEOUT, docker.start_container(&self.id, None::<bollard::query_parameters::StartContainerOptions>)).await?;
        let inspect = within("inspect the app container", CALL_TIMEOUT, docker.inspect_container(&self.id, None::<bollard::query_parameters::InspectContainerOptions>)).await?;
        let state = inspect.state.clone().unwrap_or_default();
        let host_port = inspect
            .network_settings
            .and_then(|n| n.ports)
            .and_then(|p| p.get(port).cloned().flatten())
            .and_then(|b| b.into_iter().find_map(|b| b.host_port.and_then(|p| p.parse::<u16>().ok())));
        let Some(host_port) = host_port else {
            // A container that exits at once loses its port bindings before we look.
            if state.running != Some(true) {
                let code = self.exit_code().await.or(state.exit_code).unwrap_or(-1);
                return Ok(RunOutcome::Exited { code, logs: self.logs().await });
            }
            return Err(EngineError::Api { what: "publish the app's port".into(), status: None, message: format!("no host port was bound for {port}") });
        };
        let mut exited = Box::pin(docker.wait_container(&self.id, None::<bollard::query_parameters::WaitContainerOptions>));
        let probe_loop = async {
            let mut delay = Duration::from_millis(5);
            loop {
                if let Ok(Some(answer)) = probe::get_once(host_port, path, Duration::from_secs(2)).await {
                    return answer;
                }
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_millis(50));
            }
        };
        tokio::select! {
            answer = probe_loop => Ok(RunOutcome::Answered { status: answer.status, host_port, after: started.elapsed(), answer }),
            status = exited.next() => {
                let code = match status {
                    Some(Ok(r)) => r.status_code,
                    Some(Err(bollard::errors::Error::DockerContainerWaitError { code, .. })) => code,
                    _ => -1,
                };
                Ok(RunOutcome::Exited { code, logs: self.logs().await })
            }
            _ = tokio::time::sleep(ready) => Ok(RunOutcome::NoAnswer { waited: ready, logs: self.logs().await }),
        }
    }

    /// The exit code of a container that has stopped.
    async fn exit_code(&self) -> Option<i64> {
        let mut wait = Box::pin(self.engine.docker().wait_container(&self.id, None::<bollard::query_parameters::WaitContainerOptions>));
        match tokio::time::timeout(Duration::from_secs(5), wait.next()).await {
            Ok(Some(Ok(r))) => Some(r.status_code),
            Ok(Some(Err(bollard::errors::Error::DockerContainerWaitError { code, .. }))) => Some(code),
            _ => None,
        }
    }

    /// The last lines the container printed.
    pub async fn logs(&self) -> Vec<String> {
        let options = LogsOptionsBuilder::new().stdout(true).stderr(true).tail("20").build();
        let mut stream = self.engine.docker().logs(&self.id, Some(options));
        let mut lines = vec![];
        let deadline = Instant::now() + Duration::from_secs(3);
        while let Ok(Some(Ok(chunk))) = tokio::time::timeout_at(deadline.into(), stream.next()).await {
            lines.extend(String::from_utf8_lossy(&chunk.into_bytes()).lines().map(|l| l.chars().take(300).collect::<String>()));
        }
        let skip = lines.len().saturating_sub(20);
        lines.split_off(skip)
    }

    pub async fn remove(self) {
        let options = RemoveContainerOptionsBuilder::new().force(true).v(true).build();
        let _ = within("remove a container", CALL_TIMEOUT, self.engine.docker().remove_container(&self.id, Some(options))).await;
    }
}

fn unique_suffix() -> String {
    let mut b = [0u8; 4];
    let _ = getrandom::fill(&mut b);
    hex::encode(b)
}
