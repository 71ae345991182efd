//! The build context: the exercise's workspace folder and nothing else. The workbench makes the
//! tar itself so it can refuse what `docker build` would happily send: symlinks that point out of
//! the folder (the `tar` crate follows links by default; here they are stored as links, never
//! followed), contexts too large to be an exercise, and a `# syntax=` line that would make a
//! BuildKit daemon fetch a remote frontend.
use std::path::{Component, Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};

/// The largest context sent, in bytes, and the most files.
pub const MAX_CONTEXT_BYTES: u64 = 256 << 20;
pub const MAX_CONTEXT_FILES: usize = 20_000;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ContextError {
    #[error("{0} does not exist or is not a folder")]
    NoFolder(PathBuf),
    #[error("there is no Dockerfile in {0}")]
    NoDockerfile(PathBuf),
    #[error("`{entry}` is a symbolic link to `{target}`, outside the exercise folder; the build context may only contain the folder's own files")]
    LinkOutside { entry: String, target: String },
    #[error("the build context is larger than {} MiB; is a large file or folder in the exercise folder by mistake? Add it to .dockerignore", MAX_CONTEXT_BYTES >> 20)]
    TooLarge,
    #[error("the build context has more than {MAX_CONTEXT_FILES} files; add what the build does not need to .dockerignore")]
    TooManyFiles,
    #[error(
        "line {line} of the Dockerfile is `{text}`: the workbench does not build with remote BuildKit frontends; remove the line (the classic builder ignores it anyway)"
    )]
    RemoteFrontend { line: usize, text: String },
    #[error("could not read {path}: {reason}")]
    Io { path: String, reason: String },
}

/// `.dockerignore`: patterns relative to the context root, `!` re-includes, the last match wins,
/// and a pattern that matches a folder excludes what is inside it.
pub struct DockerIgnore {
    rules: Vec<(GlobMatcher, bool)>,
    /// The `!` patterns as written (cleaned), to know which excluded folders to look into.
    exceptions: Vec<String>,
}

impl DockerIgnore {
    pub fn parse(text: &str) -> DockerIgnore {
        let mut rules = vec![];
        let mut exceptions = vec![];
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (pattern, include) = match line.strip_prefix('!') {
                Some(p) => (p.trim(), true),
                None => (line, false),
            };
            let pattern = pattern.trim_start_matches("./").trim_start_matches('/').trim_end_matches('/');
            // As Go's filepath.Match, which Docker uses: `*` does not cross a `/`.
            if let Ok(glob) = GlobBuilder::new(pattern).literal_separator(true).build().map(|g| g.compile_matcher()) {
                rules.push((glob, include));
                if include {
                    exceptions.push(pattern.to_string());
                }
            }
        }
        DockerIgnore { rules, exceptions }
    }

    /// Whether a `!` pattern could bring back something inside the excluded folder `dir`. As in
    /// Docker, only a pattern that spells out a path under it counts (`!bin/keep.txt` for `bin`),
    /// so one `!README.md` does not send the walk through every excluded `.git` or `obj`.
    pub fn may_reinclude_under(&self, dir: &str) -> bool {
        let dir = format!("{dir}/");
        self.exceptions.iter().any(|p| format!("{p}/").starts_with(&dir))
    }

    pub fn is_excluded(&self, rel: &str) -> bool {
        let mut excluded = false;
        // A path is excluded when it or one of its parent folders matches.
        let parts: Vec<&str> = rel.split('/').collect();
        for (glob, include) in &self.rules {
            let hit = (1..=parts.len()).any(|n| glob.is_match(parts[..n].join("/")));
            if hit {
                excluded = !include;
            }
        }
        excluded
    }
}

/// Refuses a Dockerfile whose parser directive names a frontend image.
pub fn check_dockerfile(text: &str) -> Result<(), ContextError> {
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if !t.starts_with('#') {
            break;
        }
        let directive = t.trim_start_matches('#').trim();
        if let Some((key, _)) = directive.split_once('=')
            && key.trim().eq_ignore_ascii_case("syntax")
        {
            return Err(ContextError::RemoteFrontend { line: i + 1, text: t.to_string() });
        }
    }
    Ok(())
}

/// Tars `dir` into memory: regular files, folders, and links whose target stays inside.
pub fn make_tar(dir: &Path) -> Result<Vec<u8>, ContextError> {
    make_tar_capped(dir, MAX_CONTEXT_BYTES, MAX_CONTEXT_FILES)
}

fn make_tar_capped(dir: &Path, max_bytes: u64, max_files: usize) -> Result<Vec<u8>, ContextError> {
    if !dir.is_dir() {
        return Err(ContextError::NoFolder(dir.to_path_buf()));
    }
    let dockerfile = dir.join("Dockerfile");
    let text = std::fs::read_to_string(&dockerfile).map_err(|_| ContextError::NoDockerfile(dir.to_path_buf()))?;
    check_dockerfile(&text)?;
    let ignore = DockerIgnore::parse(&std::fs::read_to_string(dir.join(".dockerignore")).unwrap_or_default());
    let mut builder = tar::Builder::new(Vec::new());
    builder.follow_symlinks(false);
    let mut total = 0u64;
    let mut count = 0usize;
    // Folders to read, each with whether .dockerignore excludes it (then only `!` rules bring
    // anything inside back, and a folder that cannot be read is skipped, not an error).
    let mut stack = vec![(PathBuf::new(), false)];
    while let Some((rel_dir, excluded_dir)) = stack.pop() {
        let abs = dir.join(&rel_dir);
        let listing = match std::fs::read_dir(&abs) {
            Ok(l) => l,
            Err(_) if excluded_dir => continue,
            Err(e) => return Err(io(&abs, e)),
        };
        let mut entries: Vec<_> = listing.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let rel = rel_dir.join(entry.file_name());
            let rel_str = rel.to_string_lossy().replace('\\', "/");
            // The Dockerfile and .dockerignore are always sent: the daemon needs them.
            if rel_str != "Dockerfile" && rel_str != ".dockerignore" && ignore.is_excluded(&rel_str) {
                // As Docker does, an excluded folder is still looked into when a `!` rule could
                // bring something inside it back (`bin` then `!bin/keep.txt`).
                if entry.file_type().is_ok_and(|t| t.is_dir()) && ignore.may_reinclude_under(&rel_str) {
                    stack.push((rel, true));
                }
                continue;
            }
            let path = entry.path();
            let meta = path.symlink_metadata().map_err(|e| io(&path, e))?;
            count += 1;
            if count > max_files {
                return Err(ContextError::TooManyFiles);
            }
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&path).map_err(|e| io(&path, e))?;
                if !stays_inside(&rel, &target) {
                    return Err(ContextError::LinkOutside { entry: rel_str, target: target.to_string_lossy().into_owned() });
                }
                builder.append_path_with_name(&path, &rel).map_err(|e| io(&path, e))?;
            } else if meta.is_dir() {
                builder.append_dir(&rel, &path).map_err(|e| io(&path, e))?;
                stack.push((rel, false));
            } else if meta.is_file() {
                total += meta.len();
                if total > max_bytes {
                    return Err(ContextError::TooLarge);
                }
                let mut file = std::fs::File::open(&path).map_err(|e| io(&path, e))?;
                builder.append_file(&rel, &mut file).map_err(|e| io(&path, e))?;
            }
            // Sockets, FIFOs and devices are not build input; they are left out.
        }
    }
    builder.into_inner().map_err(|e| io(dir, e))
}

/// Whether a link at `rel` (relative to the context) pointing at `target` resolves inside it.
fn stays_inside(rel: &Path, target: &Path) -> bool {
    if target.is_absolute() {
        return false;
    }
    let mut depth: i64 = rel.components().count() as i64 - 1;
    for c in target.components() {
        match c {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            _ => return false,
        }
        if depth < 0 {
            return false;
        }
    }
    true
}

fn io(path: &Path, e: std::io::Error) -> ContextError {
    ContextError::Io { path: path.display().to_string(), reason: e.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerignore_rules() {
        let ig = DockerIgnore::parse("# comment\nbin/\nobj\n*.log\n!keep.log\n**/secret.txt\n");
        assert!(ig.is_excluded("bin/Debug/app.dll"));
        assert!(ig.is_excluded("obj"));
        assert!(ig.is_excluded("x.log"));
        assert!(!ig.is_excluded("keep.log"));
        assert!(ig.is_excluded("a/b/secret.txt"));
        assert!(!ig.is_excluded("Program.cs"));
        assert!(!ig.is_excluded("sub/x.log"), "`*` does not cross a folder, as in Docker");
        // Only a `!` rule that names a path inside an excluded folder makes it worth reading.
        let ig = DockerIgnore::parse("bin\nobj\n!bin/deep/keep.txt\n!README.md\n");
        assert!(ig.may_reinclude_under("bin") && ig.may_reinclude_under("bin/deep"));
        assert!(!ig.may_reinclude_under("obj") && !ig.may_reinclude_under("bin/other") && !ig.may_reinclude_under("bi"));
    }

    fn names(tar_bytes: &[u8]) -> Vec<String> {
        let mut names: Vec<String> =
            tar::Archive::new(tar_bytes).entries().unwrap().map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    #[test]
    fn links_must_stay_inside() {
        assert!(stays_inside(Path::new("a"), Path::new("b")));
        assert!(stays_inside(Path::new("d/a"), Path::new("../b")));
        assert!(!stays_inside(Path::new("a"), Path::new("../b")));
        assert!(!stays_inside(Path::new("a"), Path::new("/etc/passwd")));
        assert!(!stays_inside(Path::new("d/a"), Path::new("../../x")));
    }

    #[test]
    fn syntax_directive_is_refused() {
        assert!(matches!(check_dockerfile("# syntax=docker/dockerfile:1\nFROM x\n"), Err(ContextError::RemoteFrontend { line: 1, .. })));
        assert!(check_dockerfile("# a comment\nFROM x\n# syntax=late is just a comment\n").is_ok());
    }

    #[test]
    fn context_contains_files_and_refuses_escaping_links() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Dockerfile"), "FROM scratch\n").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/a.txt"), "a").unwrap();
        std::fs::write(dir.path().join("skip.log"), "x").unwrap();
        std::fs::write(dir.path().join(".dockerignore"), "*.log\n").unwrap();
        std::os::unix::fs::symlink("sub/a.txt", dir.path().join("inside")).unwrap();
        assert_eq!(names(&make_tar(dir.path()).unwrap()), [".dockerignore", "Dockerfile", "inside", "sub", "sub/a.txt"]);
        // A `!` rule brings a file back out of an excluded folder; the rest of the folder stays out.
        std::fs::create_dir_all(dir.path().join("bin/deep")).unwrap();
        std::fs::write(dir.path().join("bin/app.dll"), "x").unwrap();
        std::fs::write(dir.path().join("bin/deep/keep.txt"), "k").unwrap();
        std::fs::write(dir.path().join(".dockerignore"), "*.log\nbin\n!bin/deep/keep.txt\n").unwrap();
        assert_eq!(names(&make_tar(dir.path()).unwrap()), [".dockerignore", "Dockerfile", "bin/deep/keep.txt", "inside", "sub", "sub/a.txt"]);
        std::os::unix::fs::symlink("/etc/passwd", dir.path().join("canary")).unwrap();
        assert!(matches!(make_tar(dir.path()), Err(ContextError::LinkOutside { .. })));
    }

    #[test]
    fn size_and_file_count_are_capped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Dockerfile"), "FROM scratch\n").unwrap();
        std::fs::write(dir.path().join("big.bin"), vec![0u8; 4096]).unwrap();
        for i in 0..5 {
            std::fs::write(dir.path().join(format!("f{i}")), "x").unwrap();
        }
        assert_eq!(make_tar_capped(dir.path(), 1024, 100), Err(ContextError::TooLarge));
        assert_eq!(make_tar_capped(dir.path(), 1 << 20, 3), Err(ContextError::TooManyFiles));
        assert!(make_tar_capped(dir.path(), 1 << 20, 100).is_ok());
        // What .dockerignore leaves out does not count.
        std::fs::write(dir.path().join(".dockerignore"), "big.bin\n").unwrap();
        assert!(make_tar_capped(dir.path(), 1024, 100).is_ok());
    }
}
