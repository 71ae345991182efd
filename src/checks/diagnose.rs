//! When the exercise's image is missing, the learner's Dockerfile explains why: a `FROM` naming a
//! tag that does not exist here (with the nearest tag that does), no Dockerfile at all, or simply
//! "not built yet". Parsing uses the `dockerfile-parser` crate; the verdict never depends on it.
use std::path::Path;

use dockerfile_parser::{Dockerfile, ImageRef, StageParent};

use super::{Facts, messages};
use crate::content::Exercise;
use crate::engine::EngineError;
use crate::i18n::Text;

/// Dockerfiles larger than this are not read for a diagnosis.
const MAX_DOCKERFILE: u64 = 256 * 1024;

pub async fn missing_image(facts: &Facts, ex: &Exercise, dir: &Path) -> Result<Text, EngineError> {
    let tag = &ex.spec.image.tag;
    let file = dir.join("Dockerfile");
    let too_big = std::fs::metadata(&file).map(|m| m.len() > MAX_DOCKERFILE).unwrap_or(false);
    let text = match std::fs::read_to_string(&file) {
        Ok(_) if too_big => return Ok(messages::not_built(tag, dir)),
        Ok(t) => t,
        Err(_) => return Ok(messages::no_dockerfile(tag, dir)),
    };
    let bases = match base_images(&text) {
        Ok(b) => b,
        Err(e) => return Ok(messages::dockerfile_unparsable(tag, dir, &e)),
    };
    let mut missing = vec![];
    for (line, name) in bases {
        if name == "scratch" {
            continue;
        }
        // `FROM ${BASE}` with no default for BASE is no image name at all; the daemon would
        // refuse to look it up (400), and that is the learner's to fix, not the daemon's.
        if name.contains('$') {
            missing.push((line, name));
            continue;
        }
        match facts.get(&name).await {
            Ok(Some(_)) => {}
            Ok(None) | Err(EngineError::Api { status: Some(400), .. }) => missing.push((line, name)),
            Err(e) => return Err(e),
        }
    }
    if missing.is_empty() {
        return Ok(messages::not_built(tag, dir));
    }
    let tags = facts.engine().tags().await?;
    let explained: Vec<(usize, String, Option<String>)> = missing
        .into_iter()
        .map(|(line, name)| {
            let near = nearest(&name, &tags);
            (line, name, near)
        })
        .collect();
    Ok(messages::from_missing(tag, &explained))
}

/// The images a Dockerfile's stages start FROM (not earlier stages), with their line numbers and
/// `ARG` defaults substituted. Pure, so it can be fuzzed (`fuzz/fuzz_targets/dockerfile.rs`).
pub fn base_images(text: &str) -> Result<Vec<(usize, String)>, String> {
    let parsed = Dockerfile::parse(text).map_err(|e| crate::content::frontmatter::first_line(&e.to_string()))?;
    let mut out = vec![];
    for stage in parsed.stages().iter() {
        let StageParent::Image(image) = &stage.parent else { continue };
        let resolved = image.resolve_vars(&parsed).unwrap_or_else(|| (*image).clone());
        let line = line_of(text, stage.instructions.first().map(|i| i.span().start).unwrap_or(0));
        out.push((line, reference(&resolved)));
    }
    Ok(out)
}

fn reference(r: &ImageRef) -> String {
    let mut s = String::new();
    if let Some(reg) = &r.registry {
        s.push_str(reg);
        s.push('/');
    }
    s.push_str(&r.image);
    match (&r.tag, &r.hash) {
        (_, Some(hash)) => {
            s.push('@');
            s.push_str(hash);
        }
        (Some(tag), None) => {
            s.push(':');
            s.push_str(tag);
        }
        (None, None) => s.push_str(":latest"),
    }
    s
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The local tag closest to `name` by edit distance, if it is close enough to be a typo.
pub fn nearest(name: &str, tags: &[String]) -> Option<String> {
    tags.iter().map(|t| (strsim::levenshtein(name, t), t)).filter(|(d, t)| *d > 0 && *d <= 3.max(t.len() / 6)).min_by_key(|(d, _)| *d).map(|(_, t)| t.clone())
}

#[cfg(test)]
mod tests {
    #[test]
    fn base_images_skip_stages_and_substitute_args() {
        let text = "ARG V=3.0\nFROM golden/dotnetcore-sdk:${V} AS builder\nRUN x\n\nFROM builder AS again\nFROM golden/aspnet-core:3.0\nCOPY --from=builder /out /app\n";
        assert_eq!(super::base_images(text).unwrap(), [(2, "golden/dotnetcore-sdk:3.0".to_string()), (6, "golden/aspnet-core:3.0".to_string())]);
        assert!(super::base_images("FROM\n").is_err() || super::base_images("FROM\n").unwrap().is_empty());
    }

    #[test]
    fn nearest_tag_catches_the_books_typo() {
        let tags = vec!["golden/dotnet-core-sdk:3.0".to_string(), "golden/aspnet-core:3.0".to_string(), "busybox:latest".to_string()];
        assert_eq!(super::nearest("golden/dotnetcore-sdk:3.0", &tags).as_deref(), Some("golden/dotnet-core-sdk:3.0"));
        assert_eq!(super::nearest("nginx:1.27", &tags), None);
    }
}
