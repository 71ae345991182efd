//! "Built FROM X": X's layers are a prefix of the image's layers **and** X's history (the config's
//! entries, empty-layer ones from LABEL/EXPOSE/ENV/WORKDIR/CMD included) is a prefix of its
//! history. Layers alone cannot tell an app built on the golden runtime from one built on the
//! official runtime: the golden runtime adds only LABEL and EXPOSE, so it has exactly the official
//! image's layers. The `Parent` field is not used — only the classic builder sets it.
use std::collections::HashSet;

use super::{CheckError, Facts, messages};
use crate::content::{Content, Exercise};
use crate::engine::{EngineError, HistoryEntry, ImageFacts};
use crate::i18n::Text;

/// The diff id of a layer with no files: an empty tar's sha256.
const EMPTY_LAYER: &str = "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef";

pub fn is_built_on(child: &ImageFacts, base: &ImageFacts) -> bool {
    child.layers.len() >= base.layers.len()
        && child.layers[..base.layers.len()] == base.layers[..]
        && child.history.len() >= base.history.len()
        && child.history[..base.history.len()].iter().zip(&base.history).all(|(c, b)| same_entry(c, b))
}

/// History entries are copied verbatim from the base into every image built on it. The history
/// endpoint reports sizes that can differ between engines for the same entry, so size is not
/// compared.
fn same_entry(a: &HistoryEntry, b: &HistoryEntry) -> bool {
    a.created == b.created && a.created_by == b.created_by && a.comment == b.comment
}

/// The image reference an exercise's base names: an image, or the image another exercise makes.
pub fn base_reference<'c>(content: &'c Content, ex: &'c Exercise) -> Option<(&'c str, Option<&'c Exercise>)> {
    if let Some(image) = &ex.spec.base.image {
        return Some((image.as_str(), None));
    }
    let other = content.exercise(ex.spec.base.exercise.as_deref()?)?;
    Some((other.spec.image.tag.as_str(), Some(other)))
}

/// Every image the chapter knows by name — exercises' tags (all accepted spellings) and their
/// bases — that is present, most specific (longest history) first.
async fn known_images(facts: &Facts, content: &Content) -> Result<Vec<(String, std::sync::Arc<ImageFacts>)>, EngineError> {
    let mut names: Vec<String> = vec![];
    for ex in &content.exercises {
        names.extend(ex.spec.accepted_tags().map(str::to_string));
        if let Some(b) = &ex.spec.base.image {
            names.push(b.clone());
        }
    }
    names.sort();
    names.dedup();
    let found = futures_util::future::try_join_all(names.iter().map(|n| facts.get(n))).await?;
    let mut out: Vec<_> = names.into_iter().zip(found).filter_map(|(n, f)| f.map(|f| (n, f))).collect();
    out.sort_by_key(|(_, f)| std::cmp::Reverse(f.history.len()));
    Ok(out)
}

/// The `base` check; when it passes and the base is another exercise's (golden) image, that
/// image too, whose labels this one inherits.
pub struct BaseCheck {
    pub passed: bool,
    pub message: Text,
    pub on_golden: Option<std::sync::Arc<ImageFacts>>,
}

fn failed(message: Text) -> BaseCheck {
    BaseCheck { passed: false, message, on_golden: None }
}

pub async fn check_base(facts: &Facts, content: &Content, ex: &Exercise, image: &ImageFacts) -> Result<BaseCheck, CheckError> {
    let Some((base_ref, base_ex)) = base_reference(content, ex) else {
        return Ok(failed(messages::base_unknown()));
    };
    let base = match base_ex {
        Some(other) => facts.exercise_image(other).await?.map(|(_, f)| f),
        None => facts.get(base_ref).await?,
    };
    let Some(base) = base else {
        return match base_ex {
            Some(other) => Ok(failed(messages::base_exercise_missing(base_ref, &other.spec.id))),
            None => Err(CheckError::MissingOfficialImage { image: base_ref.to_string() }),
        };
    };
    if is_built_on(image, &base) {
        let on_golden = base_ex.map(|_| base.clone());
        return Ok(BaseCheck { passed: true, message: messages::built_on(&image.reference, base_ref), on_golden });
    }
    // Not on the expected base. An exercise's image rebuilt after this one was built is the
    // usual reason: this image is then still on the earlier build, whose labels it carries.
    if let Some(golden) = base_ex
        && on_earlier_build(facts, golden, image).await?
    {
        return Ok(failed(messages::on_earlier_build(&image.reference, base_ref)));
    }
    // Otherwise say what it is built on instead, if the chapter knows it.
    let known = known_images(facts, content).await?;
    let actual = known.iter().find(|(name, f)| name != &image.reference && f.id != image.id && is_built_on(image, f));
    let skipped = match (base_ex, actual) {
        (Some(golden), Some((name, _))) => golden.spec.base.image.as_deref() == Some(name.as_str()),
        _ => false,
    };
    Ok(failed(messages::not_built_on(&image.reference, base_ref, actual.map(|(n, _)| n.as_str()), skipped)))
}

/// Whether `image`, not on the current build of `golden`'s image, is on an earlier one: it is
/// built on the golden image's own (official) base and carries a label under every key the
/// golden exercise asks for that the official base lacks — labels it can only have inherited
/// from a golden build, or copied into its own Dockerfile (the one shape this cannot tell apart;
/// build times cannot either, since a cached build keeps the times of the first). An untagged
/// earlier build is not looked for in the daemon: the classic builder hides it as an
/// intermediate image, and BuildKit lets it be pruned.
async fn on_earlier_build(facts: &Facts, golden: &Exercise, image: &ImageFacts) -> Result<bool, CheckError> {
    let Some(official) = &golden.spec.base.image else { return Ok(false) };
    let Some(official) = facts.get(official).await? else { return Ok(false) };
    let keys: Vec<&str> = golden.spec.labels.iter().map(|l| l.key.as_str()).filter(|k| !official.labels.contains_key(*k)).collect();
    Ok(!keys.is_empty() && is_built_on(image, &official) && keys.iter().all(|k| image.labels.contains_key(*k)))
}

/// The layers `other` exercise's image added on top of its own base must not be in `image`.
pub async fn check_excludes(facts: &Facts, content: &Content, other_id: &str, image: &ImageFacts) -> Result<(bool, Text), CheckError> {
    let Some(other) = content.exercise(other_id) else {
        return Ok((false, messages::base_unknown()));
    };
    let Some((other_tag, other_img)) = facts.exercise_image(other).await? else {
        return Ok((false, messages::excluded_not_built(&other.spec.image.tag, other_id)));
    };
    let other_base = match base_reference(content, other) {
        Some((r, None)) => facts.get(r).await?,
        _ => None,
    };
    let own = own_layers(&other_img, other_base.as_deref());
    let shipped = image.layers.iter().filter(|l| own.contains(l)).count();
    if shipped == 0 { Ok((true, messages::excludes_ok(&other_tag))) } else { Ok((false, messages::ships_layers_of(&image.reference, &other_tag, shipped))) }
}

/// The layers `image` added on top of `base`. An empty layer (a RUN that changed nothing, which
/// some builders still commit) has the same id wherever it is made, so it is nobody's own.
fn own_layers<'i>(image: &'i ImageFacts, base: Option<&ImageFacts>) -> HashSet<&'i String> {
    let base_layers: HashSet<&String> = base.iter().flat_map(|b| b.layers.iter()).collect();
    image.layers.iter().filter(|l| !base_layers.contains(l) && l.as_str() != EMPTY_LAYER).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn img(layers: &[&str], history: &[&str]) -> ImageFacts {
        ImageFacts {
            reference: "x".into(),
            id: layers.join("+") + &history.join("+"),
            layers: layers.iter().map(|s| s.to_string()).collect(),
            history: history.iter().map(|h| HistoryEntry { created: 1, created_by: h.to_string(), comment: String::new(), size: 0 }).collect(),
            labels: Default::default(),
            working_dir: String::new(),
            exposed_ports: vec![],
            entrypoint: vec![],
            cmd: vec![],
            size: 0,
        }
    }

    #[test]
    fn layers_and_history_must_both_be_prefixes() {
        let official = img(&["a", "b"], &["ADD a", "ADD b", "ENV x"]);
        let golden = img(&["a", "b"], &["ADD a", "ADD b", "ENV x", "LABEL o", "EXPOSE 80"]);
        let app_on_golden = img(&["a", "b", "c"], &["ADD a", "ADD b", "ENV x", "LABEL o", "EXPOSE 80", "COPY c", "CMD"]);
        let app_on_official = img(&["a", "b", "c"], &["ADD a", "ADD b", "ENV x", "COPY c", "CMD"]);
        assert!(is_built_on(&golden, &official));
        assert!(is_built_on(&app_on_golden, &golden));
        assert!(is_built_on(&app_on_golden, &official));
        // Same layers as the golden runtime's base, but without the golden history.
        assert!(!is_built_on(&app_on_official, &golden));
        assert!(is_built_on(&app_on_official, &official));
        assert!(!is_built_on(&official, &golden));
        assert!(!is_built_on(&img(&["z", "b"], &["ADD a", "ADD b", "ENV x"]), &official));
    }

    #[test]
    fn an_empty_layer_is_nobodys_own() {
        let official = img(&["a", "b"], &["ADD a", "ADD b"]);
        let sdk = img(&["a", "b", EMPTY_LAYER, "s"], &["ADD a", "ADD b", "RUN true", "COPY s"]);
        let own: Vec<&String> = own_layers(&sdk, Some(&official)).into_iter().collect();
        assert_eq!(own, ["s"]);
    }
}
