//! The checker: judges what is in the daemon — whoever built it — against an exercise's
//! expectations (`exercises/<id>/exercise.yaml`). Each expectation becomes one check with a stable
//! id, a verdict, a message naming the offending thing, and a hint. The Dockerfile is read only
//! to explain a missing image, never to decide a verdict.
pub mod config;
pub mod diagnose;
pub mod files;
pub mod lineage;
pub mod run;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tokio::sync::OnceCell;

use crate::content::{Content, Exercise};
use crate::engine::{Engine, EngineError, ImageFacts};
use crate::i18n::{Lang, Text};

#[derive(Debug, Clone)]
pub struct Check {
    pub id: String,
    pub passed: bool,
    pub message: Text,
    pub hint: Text,
}

#[derive(Debug, Clone)]
pub struct Verdict {
    pub exercise: String,
    /// The tag the image was found under, if any.
    pub image: Option<String>,
    pub checks: Vec<Check>,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|c| c.passed)
    }

    pub fn to_json(&self, lang: Lang) -> VerdictJson {
        VerdictJson {
            exercise: self.exercise.clone(),
            passed: self.passed(),
            image: self.image.clone(),
            checks: self
                .checks
                .iter()
                .map(|c| CheckJson { id: c.id.clone(), passed: c.passed, message: c.message.get(lang).to_string(), hint: c.hint.get(lang).to_string() })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct VerdictJson {
    pub exercise: String,
    pub passed: bool,
    pub image: Option<String>,
    pub checks: Vec<CheckJson>,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct CheckJson {
    pub id: String,
    pub passed: bool,
    pub message: String,
    pub hint: String,
}

/// Why the checker could not judge. Not the learner's failure: no verdict is recorded.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("unknown exercise `{0}`")]
    UnknownExercise(String),
    #[error(
        "the base image {image} is not in the Docker daemon, so nothing built on it can be checked. Load it (`workbench images load FILE` with the instructor's bundle, or `workbench images pull` with internet access or a mirror), then try again."
    )]
    MissingOfficialImage { image: String },
}

/// Image facts fetched at most once per checker run, shared by concurrent checks (the app's
/// checks need the golden images the other exercises inspect too).
/// One image's facts, looked up once however many checks ask at the same time (`None`: no such image).
type FactsCell = Arc<OnceCell<Option<Arc<ImageFacts>>>>;

pub struct Facts {
    engine: Engine,
    cache: Mutex<HashMap<String, FactsCell>>,
}

impl Facts {
    pub fn new(engine: Engine) -> Facts {
        Facts { engine, cache: Mutex::new(HashMap::new()) }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub async fn get(&self, reference: &str) -> Result<Option<Arc<ImageFacts>>, EngineError> {
        let cell = self.cache.lock().expect("facts cache").entry(reference.to_string()).or_default().clone();
        cell.get_or_try_init(|| async { Ok(self.engine.image(reference).await?.map(Arc::new)) }).await.cloned()
    }

    /// The exercise's image under the first accepted tag that exists.
    pub async fn exercise_image(&self, ex: &Exercise) -> Result<Option<(String, Arc<ImageFacts>)>, EngineError> {
        let tags: Vec<&str> = ex.spec.accepted_tags().collect();
        let found = futures_util::future::try_join_all(tags.iter().map(|t| self.get(t))).await?;
        Ok(tags.into_iter().zip(found).find_map(|(t, f)| f.map(|f| (t.to_string(), f))))
    }
}

/// Checks one exercise. `workspace` is the exercise's folder, read only to explain a missing image.
pub async fn check_exercise(facts: &Facts, content: &Content, ex: &Exercise, workspace: &Path) -> Result<Verdict, CheckError> {
    let mut verdict = Verdict { exercise: ex.spec.id.clone(), image: None, checks: vec![] };
    let hint = |id: &str| ex.spec.hint(id).cloned().unwrap_or_default();
    let push = |v: &mut Verdict, id: String, passed: bool, message: Text| {
        let h = if passed { Text::default() } else { hint(&id) };
        v.checks.push(Check { id, passed, message, hint: h });
    };

    let Some((tag, image)) = facts.exercise_image(ex).await? else {
        let message = diagnose::missing_image(facts, ex, workspace).await?;
        push(&mut verdict, "image".into(), false, message);
        return Ok(verdict);
    };
    verdict.image = Some(tag.clone());
    push(&mut verdict, "image".into(), true, messages::image_found(&tag, &ex.spec.image.tag));

    // Lineage (several inspections) and the in-container checks (create, read, run) do not
    // depend on each other: run them at once; the verdict lists them in a fixed order.
    let lineage_checks = async {
        let base = lineage::check_base(facts, content, ex, &image).await?;
        let mut out = vec![("base".to_string(), base.passed, base.message)];
        for other in &ex.spec.excludes_layers_of {
            let (passed, message) = lineage::check_excludes(facts, content, other, &image).await?;
            out.push((format!("excludes.{other}"), passed, message));
        }
        Ok::<_, CheckError>((out, base.on_golden))
    };
    let needs_container = !ex.spec.files.is_empty() || ex.spec.cmd_target || ex.spec.run.is_some();
    let container_checks =
        async { if needs_container { files::check_in_container(facts.engine(), &ex.spec, &image).await.map_err(CheckError::from) } else { Ok(vec![]) } };
    let (lineage_results, container_results) = tokio::join!(lineage_checks, container_checks);
    // On the current golden image, a label that differs from the golden one was set again by
    // this image's own Dockerfile; the label checks say so.
    let (lineage_results, on_golden) = lineage_results?;
    for (id, passed, message) in lineage_results {
        push(&mut verdict, id, passed, message);
    }
    for (id, passed, message) in config::check_config(&ex.spec, &image, on_golden.as_deref()) {
        push(&mut verdict, id, passed, message);
    }
    for (id, passed, message) in container_results? {
        push(&mut verdict, id, passed, message);
    }
    Ok(verdict)
}

/// Checks several exercises at once; independent inspections run concurrently.
pub async fn check_many(facts: &Facts, content: &Content, exercises: &[&Exercise], workspace_root: &Path) -> Vec<Result<Verdict, CheckError>> {
    let dirs: Vec<_> = exercises.iter().map(|ex| crate::workspace::exercise_dir(workspace_root, &ex.spec.id)).collect();
    let futures = exercises.iter().zip(&dirs).map(|(ex, dir)| check_exercise(facts, content, ex, dir));
    futures_util::future::join_all(futures).await
}

pub mod messages;
