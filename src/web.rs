//! The local web server: axum, one `Clone` state of `Arc`s, `app(state)` so tests can drive the
//! router in-process and the binary tests over real HTTP.
pub mod api;
pub mod assets;
pub mod door;
pub mod pages;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use tokio::sync::Mutex;

use crate::content::ContentStore;
use crate::engine::{Engine, EngineError};
use crate::i18n::Lang;
use crate::progress::Progress;

/// What every handler shares, behind one `Arc`: extracting the state for a request is one
/// reference-count increment, not a copy of each field.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub content: Arc<ContentStore>,
    pub workspace: PathBuf,
    pub progress: Option<Arc<Progress>>,
    pub door: Arc<door::Door>,
    pub build_timeout: Duration,
    engine: Mutex<Option<Engine>>,
    /// One lock per exercise: concurrent checks or builds of the same exercise queue instead of
    /// starting duplicate containers.
    locks: std::sync::Mutex<HashMap<String, Arc<Mutex<()>>>>,
    /// Rendered lesson pages by language and lesson, with the content generation they are of.
    pages: std::sync::RwLock<HashMap<Lang, HashMap<String, CachedPage>>>,
    /// Checks in flight, by exercise: a request that arrives while one runs shares its verdict.
    pub(crate) checks: std::sync::Mutex<HashMap<String, api::SharedCheck>>,
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// A lesson page as sent: the HTML and its ETag, made once per content generation.
#[derive(Clone)]
pub struct CachedPage {
    pub generation: u64,
    pub html: bytes::Bytes,
    pub etag: Option<axum::http::HeaderValue>,
}

impl AppState {
    pub fn new(content: Arc<ContentStore>, workspace: PathBuf, progress: Option<Arc<Progress>>, door: door::Door, build_timeout: Duration) -> AppState {
        AppState(Arc::new(Shared {
            content,
            workspace,
            progress,
            door: Arc::new(door),
            build_timeout,
            engine: Mutex::new(None),
            locks: Default::default(),
            pages: Default::default(),
            checks: Default::default(),
        }))
    }

    /// The daemon connection, made on first use and made again after a failure, so the page keeps
    /// working when Docker is started after the workbench.
    pub async fn engine(&self) -> Result<Engine, EngineError> {
        let mut slot = self.engine.lock().await;
        if let Some(e) = slot.as_ref() {
            return Ok(e.clone());
        }
        let engine = Engine::connect().await?;
        let sweeper = engine.clone();
        tokio::spawn(async move { crate::engine::cleanup::remove_stale(&sweeper).await });
        *slot = Some(engine.clone());
        Ok(engine)
    }

    pub async fn forget_engine(&self) {
        *self.engine.lock().await = None;
    }

    pub fn cached_page(&self, id: &str, lang: Lang, generation: u64) -> Option<CachedPage> {
        let pages = self.pages.read().expect("page cache");
        pages.get(&lang)?.get(id).filter(|p| p.generation == generation).cloned()
    }

    pub fn cache_page(&self, id: &str, lang: Lang, page: CachedPage) {
        self.pages.write().expect("page cache").entry(lang).or_default().insert(id.to_string(), page);
    }

    pub fn exercise_lock(&self, id: &str) -> Arc<Mutex<()>> {
        self.locks.lock().expect("locks").entry(id.to_string()).or_default().clone()
    }
}

pub fn app(state: AppState) -> Router {
    // Requests that carry a body (every one a JSON POST) are capped; the pages and the other
    // GETs read none, so the cap is not wrapped around them.
    let with_bodies = Router::new()
        .route("/api/exercises/{id}/check", post(api::check))
        .route("/api/exercises/{id}/build", post(api::build))
        .route("/api/exercises/{id}/files/{name}", post(api::save_file))
        .route("/api/exercises/{id}/reset", post(api::reset))
        .route("/api/exercises/{id}/hint", post(api::hint))
        .route("/api/quiz/{id}", post(api::answer))
        .route("/api/lessons/{id}/read", post(api::lesson_read))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(api::MAX_BODY));
    let routes = Router::new()
        .route("/", get(pages::home))
        .route("/lessons/{id}", get(pages::lesson))
        .route("/quiz", get(pages::quiz))
        .route("/exercises/{id}", get(pages::exercise))
        .route("/api/status", get(api::status))
        .route("/api/exercises", get(api::exercises))
        .route("/api/exercises/{id}/files", get(api::files))
        .route("/api/lineage", get(api::lineage))
        .route("/api/events", get(api::events))
        .route("/static/{*path}", get(assets::serve_static))
        .merge(with_bodies)
        .fallback(pages::not_found)
        .with_state(state.clone());
    routes.layer(door::DoorLayer(state.door.clone()))
}
