//! `exercises/<id>/exercise.yaml`: what an exercise asks for, as data. The checker turns each
//! expectation into one check with a stable id; nothing here names a fixture or a Dockerfile line.
use std::collections::BTreeMap;

use serde::Deserialize;

use crate::i18n::Text;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExerciseSpec {
    /// Stable id: the workspace folder name, the URL, and the key of progress records.
    pub id: String,
    pub order: u32,
    pub title: Text,
    /// The lesson whose text the hint ladder points to.
    pub lesson: String,
    pub image: ImageSpec,
    pub base: BaseSpec,
    #[serde(default)]
    pub labels: Vec<LabelSpec>,
    #[serde(default)]
    pub workdir: Option<String>,
    /// Ports the image must declare, as `80/tcp`.
    #[serde(default)]
    pub exposes: Vec<String>,
    #[serde(default)]
    pub files: Vec<FileSpec>,
    /// Exercises whose own layers (those not in this image's base) must not be in this image —
    /// an app image must not ship the SDK it was built with.
    #[serde(default)]
    pub excludes_layers_of: Vec<String>,
    /// Check that the file the image's command runs exists.
    #[serde(default)]
    pub cmd_target: bool,
    #[serde(default)]
    pub run: Option<RunSpec>,
    /// Per check id (or check-id prefix such as `label`): a first nudge.
    #[serde(default)]
    pub hints: BTreeMap<String, Text>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageSpec {
    pub tag: String,
    /// Other spellings that are accepted but reported (the book's `golden/dotnetcore-sdk:3.0`).
    #[serde(default)]
    pub also_accept: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaseSpec {
    /// Built FROM this image reference…
    #[serde(default)]
    pub image: Option<String>,
    /// …or FROM the image another exercise produces.
    #[serde(default)]
    pub exercise: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelSpec {
    pub key: String,
    #[serde(default)]
    pub equals: Option<String>,
    /// Any e-mail address.
    #[serde(default)]
    pub email: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSpec {
    pub path: String,
    /// The file must be JSON and have a non-empty string at this JSON pointer (`/sdk/version`).
    #[serde(default)]
    pub json_pointer: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSpec {
    /// The container port the app listens on, as `80/tcp`.
    pub port: String,
    #[serde(default = "default_path")]
    pub path: String,
    #[serde(default = "default_ready")]
    pub ready_timeout_secs: u64,
}

fn default_path() -> String {
    "/".into()
}
fn default_ready() -> u64 {
    20
}

impl ExerciseSpec {
    /// Tags under which the learner's image is looked for, the expected one first.
    pub fn accepted_tags(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.image.tag.as_str()).chain(self.image.also_accept.iter().map(String::as_str))
    }

    /// The nudge for a check: its exact id, else its prefix (`label.owner` → `label`,
    /// `file:/src/global.json` → `file`).
    pub fn hint(&self, check_id: &str) -> Option<&Text> {
        self.hints.get(check_id).or_else(|| check_id.split(['.', ':']).next().and_then(|p| self.hints.get(p)))
    }
}
