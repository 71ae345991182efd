//! Where content comes from: the copy embedded in the binary, or an instructor's folder.
use std::path::{Path, PathBuf};

use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "lessons/"]
struct EmbeddedLessons;

#[derive(RustEmbed)]
#[folder = "exercises/"]
struct EmbeddedExercises;

#[derive(Debug, Clone)]
pub enum Source {
    Embedded,
    /// `--content DIR`: `DIR/lessons` and `DIR/exercises`; a part the folder lacks comes from the
    /// embedded copy, so an instructor can override only the lessons.
    Dir(PathBuf),
}

/// Files larger than this in a content folder are skipped: content is text and small images.
const MAX_FILE: u64 = 4 << 20;

impl Source {
    pub fn is_dir(&self) -> bool {
        matches!(self, Source::Dir(_))
    }

    /// Every file under `part` (`lessons` or `exercises`), as (path relative to it, bytes),
    /// sorted by path.
    pub fn files(&self, part: &str) -> Vec<(String, Vec<u8>)> {
        let mut out = match self {
            Source::Dir(root) if root.join(part).is_dir() => read_tree(&root.join(part)),
            _ => embedded(part),
        };
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// A cheap fingerprint of the folder (paths, sizes, modification times).
    pub fn stamp(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let Source::Dir(root) = self else { return 0 };
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for part in ["lessons", "exercises"] {
            walk(&root.join(part), &mut |p, meta| {
                p.hash(&mut h);
                meta.len().hash(&mut h);
                meta.modified().ok().hash(&mut h);
            });
        }
        h.finish()
    }
}

fn embedded(part: &str) -> Vec<(String, Vec<u8>)> {
    let get = |name: &str| -> Option<Vec<u8>> {
        match part {
            "lessons" => EmbeddedLessons::get(name).map(|f| f.data.into_owned()),
            _ => EmbeddedExercises::get(name).map(|f| f.data.into_owned()),
        }
    };
    let names: Vec<String> = match part {
        "lessons" => EmbeddedLessons::iter().map(|n| n.into_owned()).collect(),
        _ => EmbeddedExercises::iter().map(|n| n.into_owned()).collect(),
    };
    names.into_iter().filter_map(|n| get(&n).map(|b| (n, b))).collect()
}

fn read_tree(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = vec![];
    walk(root, &mut |p, meta| {
        if meta.len() <= MAX_FILE
            && let (Ok(rel), Ok(bytes)) = (p.strip_prefix(root), std::fs::read(p))
        {
            out.push((rel.to_string_lossy().replace('\\', "/"), bytes));
        }
    });
    out
}

/// Regular files only; symlinks are not followed, so a content folder cannot pull in files from
/// elsewhere on the machine.
fn walk(dir: &Path, f: &mut dyn FnMut(&Path, &std::fs::Metadata)) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let Ok(meta) = e.path().symlink_metadata() else { continue };
        if meta.is_dir() {
            walk(&e.path(), f);
        } else if meta.is_file() {
            f(&e.path(), &meta);
        }
    }
}
