//! The only place that talks to Docker. A fixed, typed set of Engine API calls — nothing passes a
//! caller's request through to the daemon — each with a deadline, and every container the
//! workbench creates is labelled so it can be cleaned up even after a crash.
pub mod build;
pub mod cleanup;
pub mod container;
pub mod context;
pub mod probe;

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use bollard::Docker;
use bollard::models::ImageInspect;

/// Label on everything the workbench creates in the daemon.
pub const MANAGED_LABEL: &str = "workbench.managed";
/// The creating process, as `PID@START`, so leftovers of dead processes can be told apart from
/// the work of a live one (and a reused PID is not mistaken for its predecessor).
pub const OWNER_LABEL: &str = "workbench.owner";

/// Deadline for a single short Engine call (inspect, create, remove, …).
pub const CALL_TIMEOUT: Duration = Duration::from_secs(15);

/// Why the workbench could not get an answer from the daemon. Never the learner's fault: these
/// are reported as "environment error" and no verdict is recorded.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("no Docker daemon answers at {host}: {reason}")]
    Unreachable { host: String, reason: String },
    #[error("the Docker daemon did not answer in time ({what})")]
    Timeout { what: String },
    #[error("the Docker daemon failed to {what}: {message}")]
    Api { what: String, status: Option<u16>, message: String },
}

impl EngineError {
    /// What the learner can do about it.
    pub fn advice(&self) -> &'static str {
        match self {
            EngineError::Unreachable { .. } => ADVICE_UNREACHABLE,
            EngineError::Timeout { .. } => ADVICE_TIMEOUT,
            EngineError::Api { .. } => ADVICE_API,
        }
    }
}

fn api_error(what: &str, e: bollard::errors::Error) -> EngineError {
    let status = match &e {
        bollard::errors::Error::DockerResponseServerError { status_code, .. } => Some(*status_code),
        _ => None,
    };
    let message = match e {
        bollard::errors::Error::DockerResponseServerError { message, .. } => message,
        other => other.to_string(),
    };
    EngineError::Api { what: what.to_string(), status, message }
}

/// Runs one Engine call with a deadline.
pub async fn within<T>(what: &str, limit: Duration, fut: impl Future<Output = Result<T, bollard::errors::Error>>) -> Result<T, EngineError> {
    match tokio::time::timeout(limit, fut).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(api_error(what, e)),
        Err(_) => Err(EngineError::Timeout { what: what.to_string() }),
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct EngineInfo {
    /// `DOCKER_HOST` or the default socket that answered.
    pub host: String,
    pub version: String,
    pub api_version: String,
    /// "Docker Engine" or "Podman".
    pub product: String,
    pub os: String,
}

#[derive(Clone)]
pub struct Engine {
    docker: Docker,
    owner: String,
    pub info: EngineInfo,
}

/// An image as the checker sees it: config, layers, and history (oldest first).
#[derive(Debug, Clone)]
pub struct ImageFacts {
    pub reference: String,
    pub id: String,
    pub layers: Vec<String>,
    pub history: Vec<HistoryEntry>,
    pub labels: HashMap<String, String>,
    pub working_dir: String,
    pub exposed_ports: Vec<String>,
    pub entrypoint: Vec<String>,
    pub cmd: Vec<String>,
    pub size: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub created: i64,
    pub created_by: String,
    pub comment: String,
    pub size: i64,
}

impl Engine {
    /// Connects to `DOCKER_HOST` (or the platform's default socket) and agrees on an API version
    /// both sides speak, so Engine 20.10 (API 1.41) and current Docker both work.
    pub async fn connect() -> Result<Engine, EngineError> {
        let host = std::env::var("DOCKER_HOST").unwrap_or_else(|_| "unix:///var/run/docker.sock".to_string());
        let unreachable = |reason: String| EngineError::Unreachable { host: host.clone(), reason };
        let docker = Docker::connect_with_defaults().map_err(|e| unreachable(e.to_string()))?;
        // One /version call does both jobs — the engine's facts and the API version to speak —
        // because dockerd answers it slowly (it asks containerd and runc for theirs).
        let v = match tokio::time::timeout(Duration::from_secs(5), docker.version()).await {
            Ok(Ok(v)) => v,
            Ok(Err(e)) => return Err(unreachable(short(&e.to_string()))),
            Err(_) => return Err(EngineError::Timeout { what: format!("connect to {host}") }),
        };
        let docker = speak_version(docker, &host, v.api_version.as_deref()).await.map_err(|e| unreachable(short(&e.to_string())))?;
        let product = match v.components.as_ref().and_then(|c| c.iter().find(|c| c.name.to_lowercase().contains("podman"))) {
            Some(_) => "Podman".to_string(),
            None if v.platform.as_ref().is_some_and(|p| p.name.to_lowercase().contains("podman")) => "Podman".to_string(),
            None => "Docker Engine".to_string(),
        };
        let info = EngineInfo {
            host: host.clone(),
            version: v.version.unwrap_or_default(),
            api_version: v.api_version.unwrap_or_default(),
            product,
            os: v.os.unwrap_or_default(),
        };
        crate::trace("connected");
        Ok(Engine { docker, owner: cleanup::owner_id(), info })
    }

    pub fn docker(&self) -> &Docker {
        &self.docker
    }

    /// Labels for a container this process creates.
    pub fn labels(&self) -> HashMap<String, String> {
        HashMap::from([(MANAGED_LABEL.to_string(), "true".to_string()), (OWNER_LABEL.to_string(), self.owner.clone())])
    }

    /// The image under `reference`, or `None` when the daemon has no such image.
    pub async fn image(&self, reference: &str) -> Result<Option<ImageFacts>, EngineError> {
        let (what_inspect, what_history) = (format!("inspect image {reference}"), format!("read the history of {reference}"));
        let inspect = within(&what_inspect, CALL_TIMEOUT, self.docker.inspect_image(reference));
        let history = within(&what_history, CALL_TIMEOUT, self.docker.image_history(reference));
        let (inspect, history) = tokio::join!(inspect, history);
        let inspect = match inspect {
            Ok(i) => i,
            Err(EngineError::Api { status: Some(404), .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        let history = match history {
            Ok(h) => h,
            Err(EngineError::Api { status: Some(404), .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        Ok(Some(facts(reference, inspect, history)))
    }

    /// Image events (tag, untag, delete, …) as `(action, image name)`, as they happen: what the
    /// exercise page's watch mode re-checks on.
    pub fn image_events(&self) -> impl futures_util::Stream<Item = (String, String)> + use<> {
        use futures_util::StreamExt;
        let filters = HashMap::from([("type", vec!["image"])]);
        let options = bollard::query_parameters::EventsOptionsBuilder::new().filters(&filters).build();
        self.docker.events(Some(options)).filter_map(|e| async move {
            let e = e.ok()?;
            let name = e.actor.and_then(|a| a.attributes).and_then(|mut a| a.remove("name"))?;
            Some((e.action.unwrap_or_default(), name))
        })
    }

    /// Free bytes where the daemon keeps images, when that folder is on this machine.
    pub async fn free_disk(&self) -> Option<(String, u64)> {
        let info = within("report its state", CALL_TIMEOUT, self.docker.info()).await.ok()?;
        let root = info.docker_root_dir?;
        let s = rustix::fs::statvfs(root.as_str()).ok()?;
        Some((root, s.f_bavail * s.f_frsize))
    }

    /// Every `repo:tag` in the daemon.
    pub async fn tags(&self) -> Result<Vec<String>, EngineError> {
        let list = within("list images", CALL_TIMEOUT, self.docker.list_images(None::<bollard::query_parameters::ListImagesOptions>)).await?;
        let mut tags: Vec<String> = list.into_iter().flat_map(|i| i.repo_tags).filter(|t| t != "<none>:<none>").collect();
        tags.sort();
        tags.dedup();
        Ok(tags)
    }
}

fn facts(reference: &str, inspect: ImageInspect, history: Vec<bollard::models::ImageHistoryResponseItem>) -> ImageFacts {
    let config = inspect.config.unwrap_or_default();
    // The history endpoint lists the newest entry first.
    let history = history.into_iter().rev().map(|h| HistoryEntry { created: h.created, created_by: h.created_by, comment: h.comment, size: h.size }).collect();
    let mut exposed_ports = config.exposed_ports.unwrap_or_default();
    exposed_ports.sort();
    ImageFacts {
        reference: reference.to_string(),
        id: inspect.id.unwrap_or_default(),
        layers: inspect.root_fs.and_then(|r| r.layers).unwrap_or_default(),
        history,
        labels: config.labels.unwrap_or_default(),
        working_dir: config.working_dir.unwrap_or_default(),
        exposed_ports,
        entrypoint: config.entrypoint.unwrap_or_default(),
        cmd: config.cmd.unwrap_or_default(),
        size: inspect.size.unwrap_or_default(),
    }
}

/// The client that speaks the lower of the daemon's API version and bollard's own, made without
/// a second round trip where the transport allows it.
async fn speak_version(docker: Docker, host: &str, server: Option<&str>) -> Result<Docker, bollard::errors::Error> {
    let parsed = server
        .and_then(|s| s.split_once('.'))
        .and_then(|(a, b)| Some(bollard::ClientVersion { major_version: a.parse().ok()?, minor_version: b.parse().ok()? }));
    let Some(server) = parsed else { return docker.negotiate_version().await };
    let ours = bollard::API_DEFAULT_VERSION;
    if (server.major_version, server.minor_version) >= (ours.major_version, ours.minor_version) {
        return Ok(docker);
    }
    const TIMEOUT_SECS: u64 = 120;
    if host.starts_with("unix://") {
        Docker::connect_with_unix(host, TIMEOUT_SECS, &server)
    } else if host.starts_with("tcp://") || host.starts_with("http://") {
        Docker::connect_with_http(host, TIMEOUT_SECS, &server)
    } else {
        docker.negotiate_version().await
    }
}

fn short(s: &str) -> String {
    s.lines().next().unwrap_or(s).chars().take(300).collect()
}

const ADVICE_UNREACHABLE: &str = "Start Docker (Docker Desktop, or `sudo systemctl start docker`; for Podman `podman system service`), check that your user may use it (`sudo usermod -aG docker $USER`, then log in again), or point DOCKER_HOST at the right socket. `workbench doctor` says more.";
const ADVICE_TIMEOUT: &str = "The daemon is busy or stuck. Wait a moment and try again; if it keeps happening, restart Docker. `workbench doctor` says more.";
const ADVICE_API: &str = "The daemon refused a request the workbench needs. Try again; if it persists, restart Docker and run `workbench doctor`.";
