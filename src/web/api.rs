//! JSON and server-sent-event endpoints. One error type for this boundary: what the learner can
//! act on goes into the body; internal details go to the terminal.
use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use super::pages::lang_of;
use crate::checks::{self, CheckError, Facts};
use crate::content::quiz::Answer;
use crate::engine::EngineError;
use crate::engine::build::{BuildError, BuildRequest};

/// Request bodies above this size are refused (a Dockerfile, a quiz answer).
pub const MAX_BODY: usize = 512 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("not found: {0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("environment error: {0}")]
    Environment(String, &'static str),
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match &self {
            ApiError::NotFound(what) => (StatusCode::NOT_FOUND, json!({"error": format!("not found: {what}")})),
            ApiError::BadRequest(why) => (StatusCode::BAD_REQUEST, json!({"error": why})),
            ApiError::Environment(why, advice) => (StatusCode::SERVICE_UNAVAILABLE, json!({"error": format!("environment error: {why}"), "advice": advice})),
            ApiError::Internal(e) => {
                eprintln!("internal error: {e:#}");
                (StatusCode::INTERNAL_SERVER_ERROR, json!({"error": "internal error; see the terminal"}))
            }
        };
        (status, Json(body)).into_response()
    }
}

impl From<EngineError> for ApiError {
    fn from(e: EngineError) -> Self {
        ApiError::Environment(e.to_string(), e.advice())
    }
}

pub async fn status(State(state): State<AppState>) -> Json<serde_json::Value> {
    match state.engine().await {
        Ok(e) => Json(json!({"reachable": true, "engine": e.info})),
        Err(err) => Json(json!({"reachable": false, "error": err.to_string(), "advice": err.advice()})),
    }
}

pub async fn exercises(State(state): State<AppState>, headers: HeaderMap) -> Json<serde_json::Value> {
    let lang = lang_of(&headers);
    let content = state.content.get();
    let list: Vec<_> = content
        .exercises
        .iter()
        .map(|e| {
            let last = state.progress.as_ref().and_then(|p| p.last_verdict(&e.spec.id).ok().flatten());
            json!({"id": e.spec.id, "title": e.title(lang), "image": e.spec.image.tag, "folder": crate::workspace::exercise_dir(&state.workspace, &e.spec.id), "passed": last.map(|l| l.passed)})
        })
        .collect();
    Json(json!(list))
}

/// A check in flight, shared by every request for the same exercise that arrives meanwhile.
pub type SharedCheck = futures_util::future::Shared<futures_util::future::BoxFuture<'static, Result<checks::Verdict, (String, &'static str)>>>;

/// The exercise a route names, or 404.
fn exercise<'c>(content: &'c crate::content::Content, id: &str) -> Result<&'c crate::content::Exercise, ApiError> {
    content.exercise(id).ok_or_else(|| ApiError::NotFound(format!("exercise {id}")))
}

pub async fn check(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> Result<Json<serde_json::Value>, ApiError> {
    use futures_util::FutureExt;
    let lang = lang_of(&headers);
    exercise(&state.content.get(), &id)?;
    // Concurrent checks of one exercise coalesce: they get the verdict of the one in flight
    // instead of starting duplicate containers.
    let shared = {
        let mut in_flight = state.checks.lock().expect("checks in flight");
        match in_flight.get(&id) {
            Some(f) => f.clone(),
            None => {
                // Its own task: it finishes (and removes its container, and releases the lock)
                // even when every request waiting for it has gone away, and takes itself out of
                // the map when it ends, so no later request is handed a verdict already given.
                // It is spawned while the map is locked: its removal comes after this insert.
                let (s, key) = (state.clone(), id.clone());
                let task = tokio::spawn(async move {
                    let _done = Done(s.clone(), key.clone());
                    run_check(s, key, lang).await
                });
                let f = async move { task.await.unwrap_or_else(|e| Err((format!("the check stopped: {e}"), ""))) }.boxed().shared();
                in_flight.insert(id.clone(), f.clone());
                f
            }
        }
    };
    match shared.await {
        Ok(v) => Ok(Json(serde_json::to_value(v.to_json(lang)).map_err(anyhow::Error::from)?)),
        Err((why, advice)) => Err(ApiError::Environment(why, advice)),
    }
}

/// Takes a check out of the map of checks in flight when its task ends, however it ends.
struct Done(AppState, String);

impl Drop for Done {
    fn drop(&mut self) {
        self.0.checks.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(&self.1);
    }
}

async fn run_check(state: AppState, id: String, lang: crate::i18n::Lang) -> Result<checks::Verdict, (String, &'static str)> {
    let content = state.content.get();
    let ex = content.exercise(&id).ok_or_else(|| (format!("unknown exercise {id}"), ""))?;
    let engine = state.engine().await.map_err(|e| (e.to_string(), e.advice()))?;
    let lock = state.exercise_lock(&id);
    let _queued = lock.lock().await;
    let facts = Facts::new(engine);
    let dir = crate::workspace::exercise_dir(&state.workspace, &id);
    match checks::check_exercise(&facts, &content, ex, &dir).await {
        Ok(v) => {
            if let Some(p) = &state.progress {
                // Recorded in the language of the request that started the check.
                if let Ok(value) = serde_json::to_value(v.to_json(lang)) {
                    let _ = p.verdict(&id, v.passed(), &value, "web");
                }
            }
            Ok(v)
        }
        Err(CheckError::Engine(e)) => {
            state.forget_engine().await;
            Err((e.to_string(), e.advice()))
        }
        Err(e) => Err((e.to_string(), "")),
    }
}

#[derive(Deserialize, Default)]
pub struct BuildBody {
    #[serde(default)]
    pub no_cache: bool,
}

/// Streams the build as server-sent events: `line` for each line of output, then one `done`
/// with `{"ok": bool, "message": …}`. Closing the stream (the page's Cancel button) drops the
/// build, which cancels it in the daemon.
pub async fn build(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Json(body): Json<BuildBody>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let content = state.content.get();
    let ex = exercise(&content, &id)?.clone();
    let engine = state.engine().await?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Event>(256);
    let timeout = state.build_timeout;
    let workspace = state.workspace.clone();
    let lock = state.exercise_lock(&id);
    tokio::spawn(async move {
        let _queued = lock.lock().await;
        let dir = match crate::workspace::scaffold(&workspace, &ex) {
            Ok(d) => d,
            Err(e) => {
                let _ = tx.send(done(false, &format!("{e:#}"))).await;
                return;
            }
        };
        let req = BuildRequest { dir: &dir, tag: &ex.spec.image.tag, timeout, no_cache: body.no_cache };
        let tx_lines = tx.clone();
        let build = engine.build(&req, move |line| {
            // A full channel means the page is not reading; dropping a line beats stalling.
            let _ = tx_lines.try_send(Event::default().event("line").data(line));
        });
        // If the page goes away, stop the build rather than let it run on unseen.
        let outcome = tokio::select! {
            o = build => Some(o),
            _ = tx.closed() => None,
        };
        let event = match outcome {
            None => return,
            Some(Ok(outcome)) => {
                let (built, summary) = outcome.summary(&ex.spec.image.tag);
                done(built, &summary)
            }
            Some(Err(BuildError::Context(e))) => done(false, &e.to_string()),
            Some(Err(BuildError::Engine(e))) => done(false, &format!("environment error: {e}. {}", e.advice())),
        };
        let _ = tx.send(event).await;
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|e| (Ok(e), rx)) });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(10))))
}

/// Server-sent events of image changes in the daemon (`{"action", "name"}`), so an exercise page
/// re-checks when its image is (re)built — by the page, the CLI or the learner's own `docker build`.
pub async fn events(State(state): State<AppState>) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    use futures_util::StreamExt;
    let engine = state.engine().await?;
    let stream = engine.image_events().map(|(action, name)| Ok(Event::default().event("image").data(json!({"action": action, "name": name}).to_string())));
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

fn done(ok: bool, message: &str) -> Event {
    Event::default().event("done").data(json!({"ok": ok, "message": message}).to_string())
}

pub async fn files(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<serde_json::Value>, ApiError> {
    let content = state.content.get();
    let ex = exercise(&content, &id)?;
    let dir = crate::workspace::scaffold(&state.workspace, ex)?;
    let files: Vec<_> = crate::workspace::list_files(&dir)
        .into_iter()
        .filter_map(|name| {
            let text = std::fs::read_to_string(dir.join(&name)).ok()?;
            Some(json!({"name": name, "content": text}))
        })
        .collect();
    Ok(Json(json!({"folder": dir, "files": files})))
}

#[derive(Deserialize)]
pub struct SaveBody {
    pub content: String,
}

pub async fn save_file(
    State(state): State<AppState>,
    Path((id, name)): Path<(String, String)>,
    Json(body): Json<SaveBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let content = state.content.get();
    let ex = exercise(&content, &id)?;
    if !crate::workspace::safe_name(&name) {
        return Err(ApiError::BadRequest(format!("`{name}` is not a file name in the exercise folder")));
    }
    if body.content.len() as u64 > crate::workspace::MAX_EDITABLE {
        return Err(ApiError::BadRequest("the file is too large for the editor".into()));
    }
    let dir = crate::workspace::scaffold(&state.workspace, ex)?;
    let path = dir.join(&name);
    if path.symlink_metadata().map(|m| m.file_type().is_symlink()).unwrap_or(false) {
        return Err(ApiError::BadRequest(format!("`{name}` is a symbolic link; edit it in your own editor")));
    }
    std::fs::write(&path, body.content.as_bytes()).map_err(|e| anyhow::anyhow!("Failed to write {}: {e}", path.display()))?;
    Ok(Json(json!({"saved": name})))
}

pub async fn reset(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<serde_json::Value>, ApiError> {
    let content = state.content.get();
    let ex = exercise(&content, &id)?;
    let backup = crate::workspace::reset(&state.workspace, ex)?;
    if let Some(p) = &state.progress {
        p.reset_exercise(&id)?;
    }
    Ok(Json(json!({"reset": id, "backup": backup})))
}

#[derive(Deserialize)]
pub struct HintBody {
    pub check: String,
    pub level: u8,
}

/// The hint ladder for one failing check: 1 the nudge, 2 the lesson to re-read, 3 the difference
/// between the learner's Dockerfile and the reference, 4 the reference solution itself.
pub async fn hint(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(body): Json<HintBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let lang = lang_of(&headers);
    let content = state.content.get();
    let ex = exercise(&content, &id)?;
    let level = body.level.clamp(1, 4);
    if let Some(p) = &state.progress {
        p.hint_used(&id, &body.check, level as i64)?;
    }
    let solution = ex.solution.iter().find(|(n, _)| n == "Dockerfile").map(|(_, b)| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
    let reply = match level {
        1 => json!({"level": 1, "text": ex.spec.hint(&body.check).map(|t| t.get(lang).to_string()).unwrap_or_default()}),
        2 => {
            let lesson = content.lesson(&ex.spec.lesson).and_then(|l| l.page(lang));
            json!({"level": 2, "lesson": ex.spec.lesson, "title": lesson.map(|p| p.title.clone())})
        }
        3 => {
            let mine = std::fs::read_to_string(crate::workspace::exercise_dir(&state.workspace, &id).join("Dockerfile")).unwrap_or_default();
            json!({"level": 3, "diff": line_diff(&mine, &solution)})
        }
        _ => json!({"level": 4, "solution": solution}),
    };
    Ok(Json(reply))
}

/// A minimal line diff (longest common subsequence) between the learner's file and the reference.
fn line_diff(mine: &str, reference: &str) -> Vec<serde_json::Value> {
    let a: Vec<&str> = mine.lines().collect();
    let b: Vec<&str> = reference.lines().collect();
    let (n, m) = (a.len().min(400), b.len().min(400));
    let mut lcs = vec![vec![0u16; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i].trim() == b[j].trim() { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, vec![]);
    while i < n || j < m {
        if i < n && j < m && a[i].trim() == b[j].trim() {
            out.push(json!({"op": " ", "line": a[i]}));
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push(json!({"op": "+", "line": b[j]}));
            j += 1;
        } else {
            out.push(json!({"op": "-", "line": a[i]}));
            i += 1;
        }
    }
    out
}

/// The three images of the chapter as layers, for the lineage picture.
pub async fn lineage(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    let content = state.content.get();
    let engine = state.engine().await?;
    let facts = Facts::new(engine);
    // Columns: each official base, then the images built on it (golden SDK; golden runtime, app).
    let mut chain: Vec<(String, Option<String>)> = vec![];
    let mut found: std::collections::HashMap<&str, String> = Default::default();
    for e in &content.exercises {
        let tag = match facts.exercise_image(e).await? {
            Some((tag, _)) => tag,
            None => e.spec.image.tag.clone(),
        };
        let base = match (&e.spec.base.image, &e.spec.base.exercise) {
            (Some(image), _) => Some(image.clone()),
            (None, Some(other)) => found.get(other.as_str()).cloned(),
            _ => None,
        };
        if let Some(image) = &e.spec.base.image
            && !chain.iter().any(|(n, _)| n == image)
        {
            chain.push((image.clone(), None));
        }
        found.insert(&e.spec.id, tag.clone());
        chain.push((tag, base));
    }
    let mut images = vec![];
    for (name, from) in chain {
        let f = facts.get(&name).await?;
        images.push(match f {
            None => json!({"name": name, "from": from, "present": false}),
            Some(f) => json!({"name": name, "from": from, "present": true, "layers": f.layers, "labels": f.labels, "size": f.size}),
        });
    }
    Ok(Json(json!({"images": images})))
}

#[derive(Deserialize)]
pub struct AnswerBody {
    pub answer: serde_json::Value,
}

pub async fn answer(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(body): Json<AnswerBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let lang = lang_of(&headers);
    let content = state.content.get();
    let q = content.question(&id).ok_or_else(|| ApiError::NotFound(format!("question {id}")))?;
    let answer: Answer = serde_json::from_value(body.answer.clone())
        .map_err(|_| ApiError::BadRequest("the answer must be a text, true/false, or a list of choice ids".into()))?;
    let j = q.judge(&answer, lang).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    if let Some(p) = &state.progress {
        p.quiz_attempt(&id, &body.answer, j.score, j.correct)?;
    }
    Ok(Json(serde_json::to_value(j).map_err(anyhow::Error::from)?))
}

pub async fn lesson_read(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<serde_json::Value>, ApiError> {
    let content = state.content.get();
    content.lesson(&id).ok_or_else(|| ApiError::NotFound(format!("lesson {id}")))?;
    if let Some(p) = &state.progress {
        p.lesson_read(&id)?;
    }
    Ok(Json(json!({"read": id})))
}
