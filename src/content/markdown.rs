//! Markdown → safe HTML. One function decides the pulldown-cmark options (as mdBook does), gives
//! headings stable, de-duplicated ids, rewrites links between lesson files to routes, and passes
//! the result through ammonia so raw HTML in a lesson (an instructor's `--content` copy included)
//! cannot run script in the learner's browser.
use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// The options every renderer uses. Metadata blocks stay off: see `frontmatter`.
pub fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS | Options::ENABLE_FOOTNOTES | Options::ENABLE_GFM
}

#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    /// Every link target as written, for the content checker.
    pub links: Vec<String>,
}

/// Renders `body`; `link_map` turns a lesson file name (`04-golden-images.md`) into its route.
pub fn render(body: &str, link_map: &HashMap<String, String>) -> Rendered {
    let events: Vec<Event> = Parser::new_ext(body, options()).collect();
    let mut out = Rendered::default();
    let mut used = HashSet::new();
    let mut rewritten = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        match &events[i] {
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                let end = events[i..].iter().position(|e| matches!(e, Event::End(TagEnd::Heading(_)))).map_or(events.len(), |p| i + p);
                let text = plain_text(&events[i + 1..end]);
                let slug = match id {
                    Some(explicit) => explicit.to_string(),
                    None => unique(slugify(&text), &mut used),
                };
                out.headings.push(Heading { level: level_number(*level), id: slug.clone(), text });
                rewritten.push(Event::Start(Tag::Heading { level: *level, id: Some(CowStr::from(slug)), classes: classes.clone(), attrs: attrs.clone() }));
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                out.links.push(dest_url.to_string());
                let dest = rewrite_link(dest_url, link_map);
                rewritten.push(Event::Start(Tag::Link { link_type: *link_type, dest_url: CowStr::from(dest), title: title.clone(), id: id.clone() }));
            }
            other => rewritten.push(other.clone()),
        }
        i += 1;
    }
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, rewritten.into_iter());
    out.html = sanitize(&html);
    out
}

fn level_number(level: HeadingLevel) -> u8 {
    level as u8
}

fn plain_text(events: &[Event]) -> String {
    let mut s = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s.trim().to_string()
}

/// GitHub-style anchors: lowercase, spaces to `-`, punctuation other than `-`/`_` dropped,
/// letters of every script (Hangul included) kept — so a Korean heading keeps a readable anchor.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            slug.extend(c.to_lowercase());
        } else if c.is_whitespace() {
            slug.push('-');
        }
    }
    if slug.is_empty() { "section".to_string() } else { slug }
}

fn unique(slug: String, used: &mut HashSet<String>) -> String {
    if used.insert(slug.clone()) {
        return slug;
    }
    (1..).map(|n| format!("{slug}-{n}")).find(|candidate| used.insert(candidate.clone())).expect("an unused suffix exists")
}

fn rewrite_link(dest: &str, link_map: &HashMap<String, String>) -> String {
    let (file, fragment) = match dest.split_once('#') {
        Some((f, frag)) => (f, Some(frag)),
        None => (dest, None),
    };
    let file = file.strip_prefix("./").unwrap_or(file);
    match link_map.get(file) {
        Some(route) => match fragment {
            Some(frag) => format!("{route}#{frag}"),
            None => route.clone(),
        },
        None => dest.to_string(),
    }
}

fn sanitize(html: &str) -> String {
    use std::sync::OnceLock;
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    let cleaner = CLEANER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_tag_attributes("h1", ["id"])
            .add_tag_attributes("h2", ["id"])
            .add_tag_attributes("h3", ["id"])
            .add_tag_attributes("h4", ["id"])
            .add_tag_attributes("h5", ["id"])
            .add_tag_attributes("h6", ["id"])
            .add_tag_attributes("code", ["class"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tags(["input"])
            // Links to other sites are not expected (classrooms may be offline) but stay inert.
            .link_rel(Some("noopener noreferrer"));
        b
    });
    cleaner.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(md: &str) -> String {
        render(md, &HashMap::new()).html
    }

    #[test]
    fn heading_ids_are_stable_and_unique() {
        let r = render("# 골든 이미지란?\n\n## Step 1\n\n## Step 1\n\n## `FROM` 줄\n", &HashMap::new());
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["골든-이미지란", "step-1", "step-1-1", "from-줄"]);
        assert!(r.html.contains(r#"<h1 id="골든-이미지란">"#), "{}", r.html);
    }

    #[test]
    fn slug_table() {
        for (text, slug) in [
            ("Hello, World!", "hello-world"),
            ("공식 이미지와 골든 이미지의 차이점", "공식-이미지와-골든-이미지의-차이점"),
            ("a_b-c", "a_b-c"),
            ("!!!", "section"),
        ] {
            assert_eq!(slugify(text), slug, "{text}");
        }
    }

    #[test]
    fn script_and_event_handlers_render_inert() {
        let out = html("hi <script>alert(1)</script>\n\n<img src=x onerror=\"alert(2)\">\n\n[x](javascript:alert(3))\n");
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("onerror"), "{out}");
        assert!(!out.contains("javascript:"), "{out}");
    }

    #[test]
    fn lesson_file_links_become_routes() {
        let map = HashMap::from([("04-golden-images.md".to_string(), "/lessons/golden-images".to_string())]);
        let r = render("[a](04-golden-images.md#x) [b](./04-golden-images.md) [c](/quiz)", &map);
        assert!(r.html.contains(r#"href="/lessons/golden-images#x""#), "{}", r.html);
        assert!(r.html.contains(r#"href="/lessons/golden-images""#));
        assert!(r.html.contains(r#"href="/quiz""#));
        assert_eq!(r.links, ["04-golden-images.md#x", "./04-golden-images.md", "/quiz"]);
    }

    #[test]
    fn tables_and_code_classes_survive() {
        let out = html("| a | b |\n|---|---|\n| 1 | 2 |\n\n```dockerfile\nFROM x\n```\n");
        assert!(out.contains("<table>"));
        assert!(out.contains(r#"class="language-dockerfile""#), "{out}");
    }
}
