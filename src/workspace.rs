//! The learner's workspace: one folder per exercise, named by the exercise id, filled from the
//! exercise's starter files the first time it is used. Default `~/workbench`; `--workspace DIR`
//! or `WORKBENCH_WORKSPACE` choose another.
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::content::Exercise;

pub fn default_root() -> PathBuf {
    dirs::home_dir().unwrap_or_else(|| PathBuf::from(".")).join("workbench")
}

pub fn exercise_dir(root: &Path, id: &str) -> PathBuf {
    root.join(id)
}

/// Creates the exercise folder from its starter files unless it already has files. Returns the
/// folder. Existing learner files are never overwritten.
pub fn scaffold(root: &Path, ex: &Exercise) -> Result<PathBuf> {
    let dir = exercise_dir(root, &ex.spec.id);
    let has_files = std::fs::read_dir(&dir).map(|mut d| d.next().is_some()).unwrap_or(false);
    if has_files {
        return Ok(dir);
    }
    write_files(&dir, &ex.starter)?;
    Ok(dir)
}

pub fn write_files(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<()> {
    for (rel, bytes) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("Failed to create the folder {}", parent.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("Failed to write {}", path.display()))?;
    }
    Ok(())
}

/// Moves the learner's folder to `ROOT/.backup/ID-TIMESTAMP` and scaffolds it afresh. Returns the
/// backup's path, if there was anything to keep.
pub fn reset(root: &Path, ex: &Exercise) -> Result<Option<PathBuf>> {
    let dir = exercise_dir(root, &ex.spec.id);
    let mut backup = None;
    if dir.exists() {
        let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let target = root.join(".backup").join(format!("{}-{stamp}", ex.spec.id));
        std::fs::create_dir_all(target.parent().expect("backup has a parent")).context("Failed to create the backup folder")?;
        std::fs::rename(&dir, &target).with_context(|| format!("Failed to move {} to {}", dir.display(), target.display()))?;
        backup = Some(target);
    }
    write_files(&dir, &ex.starter)?;
    Ok(backup)
}

/// The text files of an exercise folder an editor may show (no subfolders of build output).
pub fn list_files(dir: &Path) -> Vec<String> {
    let mut out = vec![];
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for e in entries.flatten() {
        let Ok(meta) = e.path().symlink_metadata() else { continue };
        if meta.is_file() && meta.len() <= MAX_EDITABLE {
            out.push(e.file_name().to_string_lossy().into_owned());
        }
    }
    out.sort_by_key(|n| (n != "Dockerfile", n.clone()));
    out
}

pub const MAX_EDITABLE: u64 = 256 * 1024;

/// A file name the editor may write: a plain name in the exercise folder, no path.
pub fn safe_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 100 && !name.contains(['/', '\\', '\0']) && name != "." && name != ".."
}
