//! Builds an exercise folder through the Engine API with the classic builder (which Engine 20.10
//! / API 1.41 and current Docker both offer), streaming the daemon's output as it comes.
use std::path::Path;
use std::time::{Duration, Instant};

use bollard::query_parameters::{BuildImageOptionsBuilder, BuilderVersion};
use futures_util::StreamExt;

use super::context::{self, ContextError};
use super::{Engine, EngineError};

/// A learner's build may take this long by default (`--build-timeout` changes it).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);
/// Memory for each build step's container (memory + swap).
const BUILD_MEMORY: i32 = 1 << 30;

#[derive(Debug)]
pub enum BuildOutcome {
    Built {
        image_id: Option<String>,
        took: Duration,
    },
    /// The Dockerfile or a step failed: the learner's to fix. `message` is the daemon's error.
    Failed {
        message: String,
    },
    /// The build ran past its timeout and was cancelled.
    TimedOut {
        after: Duration,
    },
}

impl BuildOutcome {
    /// Whether the image was built, and the sentence the learner sees — on the terminal and on
    /// the exercise page alike.
    pub fn summary(&self, tag: &str) -> (bool, String) {
        match self {
            BuildOutcome::Built { took, .. } => (true, format!("built {tag} in {:.1} s", took.as_secs_f64())),
            BuildOutcome::Failed { message } => (false, format!("the build of {tag} failed:\n  {}", message.trim().replace('\n', "\n  "))),
            BuildOutcome::TimedOut { after } => {
                (false, format!("the build of {tag} was cancelled after {} s (the build timeout). Does a RUN step wait forever?", after.as_secs()))
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Context(#[from] ContextError),
    #[error(transparent)]
    Engine(#[from] EngineError),
}

pub struct BuildRequest<'a> {
    pub dir: &'a Path,
    pub tag: &'a str,
    pub timeout: Duration,
    pub no_cache: bool,
}

impl Engine {
    /// Builds `req.dir` as `req.tag`; every line the daemon prints goes to `on_line` at once.
    /// Dropping the response stream on timeout closes the connection, which makes the daemon
    /// cancel the build; `forcerm` removes its intermediate containers, even on failure.
    pub async fn build(&self, req: &BuildRequest<'_>, mut on_line: impl FnMut(&str)) -> Result<BuildOutcome, BuildError> {
        // Reading up to the size cap is blocking work: off the async workers.
        let dir = req.dir.to_path_buf();
        let tar = tokio::task::spawn_blocking(move || context::make_tar(&dir))
            .await
            .map_err(|e| ContextError::Io { path: req.dir.display().to_string(), reason: e.to_string() })??;
        let options = BuildImageOptionsBuilder::new()
            .dockerfile("Dockerfile")
            .t(req.tag)
            .rm(true)
            .forcerm(true)
            .nocache(req.no_cache)
            .memory(BUILD_MEMORY)
            .memswap(BUILD_MEMORY)
            .version(BuilderVersion::BuilderV1)
            .build();
        let started = Instant::now();
        let mut stream = Box::pin(self.docker().build_image(options, None, Some(bollard::body_full(tar.into()))));
        let deadline = tokio::time::Instant::now() + req.timeout;
        let mut image_id = None;
        loop {
            let item = match tokio::time::timeout_at(deadline, stream.next()).await {
                Err(_) => {
                    drop(stream);
                    return Ok(BuildOutcome::TimedOut { after: started.elapsed() });
                }
                Ok(None) => break,
                Ok(Some(item)) => item,
            };
            match item {
                Ok(info) => {
                    if let Some(detail) = info.error_detail.as_ref().and_then(|d| d.message.clone()) {
                        return Ok(BuildOutcome::Failed { message: detail });
                    }
                    if let Some(text) = info.stream.as_deref() {
                        for line in text.lines() {
                            on_line(line);
                        }
                    }
                    if let Some(status) = info.status.as_deref() {
                        on_line(status);
                    }
                    if let Some(id) = info.aux.as_ref().and_then(|a| a.id.clone()) {
                        image_id = Some(id);
                    }
                }
                Err(bollard::errors::Error::DockerStreamError { error }) => return Ok(BuildOutcome::Failed { message: error }),
                Err(bollard::errors::Error::DockerResponseServerError { status_code, message }) if status_code < 500 => {
                    return Ok(BuildOutcome::Failed { message });
                }
                Err(e) => return Err(BuildError::Engine(super::api_error("build the image", e))),
            }
        }
        Ok(BuildOutcome::Built { image_id, took: started.elapsed() })
    }
}
