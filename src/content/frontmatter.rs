//! Splits a lesson file into its YAML front matter and its Markdown body.
//!
//! Only a block that opens on the very first line counts as front matter. pulldown-cmark's own
//! metadata-block extension would also swallow a later `---` … `---` block anywhere in the text,
//! silently dropping lesson prose, so the renderer runs with that extension off and this module
//! does the split itself.
use serde::Deserialize;

/// The seed's keys plus the two workbench adds (`id`, `order`); unknown keys are accepted so an
/// instructor's file from another tool still loads.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct FrontMatter {
    pub title: String,
    #[serde(default)]
    pub category_path: Vec<String>,
    #[serde(default)]
    pub author_nick: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub update_mode: Option<String>,
    /// Stable id used in URLs and progress records; defaults to the file name's slug.
    #[serde(default)]
    pub id: Option<String>,
    /// Position in the chapter; defaults to the file name's number prefix.
    #[serde(default)]
    pub order: Option<u32>,
}

#[derive(Debug, PartialEq)]
pub struct SplitError {
    /// 1-based line in the whole file.
    pub line: usize,
    pub message: String,
}

/// Returns the front matter and the body, plus the body's first line number in the file.
pub fn split(text: &str) -> Result<(FrontMatter, &str, usize), SplitError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n")) else {
        return Err(SplitError { line: 1, message: MISSING_OPENING.into() });
    };
    let mut offset = 0;
    // The first line after the opening `---` is line 2.
    for (line, raw) in (2..).zip(rest.split_inclusive('\n')) {
        if raw.trim_end_matches(['\n', '\r']) == "---" {
            let yaml = &rest[..offset];
            let body = &rest[offset + raw.len()..];
            let front = parse_yaml(yaml)?;
            return Ok((front, body, line + 1));
        }
        offset += raw.len();
    }
    Err(SplitError { line: 1, message: MISSING_CLOSING.into() })
}

fn parse_yaml(yaml: &str) -> Result<FrontMatter, SplitError> {
    serde_saphyr::from_str::<FrontMatter>(yaml).map_err(|e| SplitError {
        // +1: the opening `---` line precedes the YAML.
        line: e.location().map(|l| l.line() as usize + 1).unwrap_or(2),
        message: first_line(&e.to_string()),
    })
}

pub(crate) fn first_line(s: &str) -> String {
    s.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string()
}

const MISSING_OPENING: &str = "the file must start with a front matter block: a line `---`, YAML keys (at least `title`), and a closing `---`";
const MISSING_CLOSING: &str = "the front matter block opened on line 1 is never closed by a line `---`";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_format_loads() {
        let text = "---\ntitle: '공식 이미지에서 골든 이미지로 전환하기'\ncategoryPath:\n  - 'Docker'\n  - '5장'\nauthorNick: '관리자'\ncreatedAt: '2025-08-27'\nupdateMode: 'upsert'\n---\n\n# 제목\n";
        let (fm, body, line) = split(text).unwrap();
        assert_eq!(fm.title, "공식 이미지에서 골든 이미지로 전환하기");
        assert_eq!(fm.category_path, ["Docker", "5장"]);
        assert_eq!(fm.author_nick.as_deref(), Some("관리자"));
        assert_eq!(body, "\n# 제목\n");
        assert_eq!(line, 10);
    }

    #[test]
    fn a_later_dashed_block_stays_in_the_body() {
        let text = "---\ntitle: t\n---\nintro\n\n---\nnot: metadata\n---\n\nmore text\n";
        let (_, body, _) = split(text).unwrap();
        assert!(body.contains("not: metadata"));
        assert!(body.contains("more text"));
    }

    #[test]
    fn unknown_keys_are_accepted() {
        let (fm, _, _) = split("---\ntitle: t\nsomethingElse: 3\n---\n").unwrap();
        assert_eq!(fm.title, "t");
    }

    #[test]
    fn errors_name_a_line() {
        assert_eq!(split("# no front matter").unwrap_err().line, 1);
        let err = split("---\ntitle: ok\norder: [unclosed\n---\n").unwrap_err();
        assert!(err.line >= 3, "{err:?}");
        let err = split("---\nauthorNick: x\n---\n").unwrap_err();
        assert!(err.message.contains("title"), "{err:?}");
    }
}
