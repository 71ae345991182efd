//! Property tests on stable (`cargo test`): the parsers that read untrusted text — lesson files,
//! front matter, quiz answers, `.dockerignore`, the Dockerfile diagnosis — never panic, and
//! rendered Markdown never carries script. `fuzz/` has cargo-fuzz targets for longer runs.
use proptest::prelude::*;

use workbench::content::{frontmatter, markdown};

fn content() -> &'static workbench::content::Content {
    static C: std::sync::OnceLock<workbench::content::Content> = std::sync::OnceLock::new();
    C.get_or_init(|| workbench::content::Content::load(&workbench::content::Source::Embedded))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn front_matter_split_never_panics(text in "(---\n)?[ -~\n가-힣]{0,300}(\n---\n)?[ -~\n]{0,100}") {
        let _ = frontmatter::split(&text);
    }

    #[test]
    fn rendered_markdown_never_carries_script(
        before in "[ -~\n]{0,80}",
        tag in prop::sample::select(vec!["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<a href=\"javascript:alert(1)\">x</a>", "<svg onload=alert(1)>", "<iframe src=//x>", "[x](javascript:alert(1))", "<style>*{}</style>", "<object data=x>"]),
        after in "[ -~\n]{0,80}",
    ) {
        let html = markdown::render(&format!("{before}{tag}{after}"), &Default::default()).html.to_ascii_lowercase();
        // Escaped text (`&lt;script&gt;`) is inert; what matters is every real tag.
        for real_tag in html.split('<').skip(1).map(|t| t.split('>').next().unwrap_or("")) {
            let mut words = real_tag.trim_start_matches('/').split_whitespace();
            let name = words.next().unwrap_or("");
            prop_assert!(!["script", "iframe", "style", "object", "svg", "embed"].contains(&name), "<{real_tag}> survived in {html}");
            for attr in words {
                let (key, value) = attr.split_once('=').unwrap_or((attr, ""));
                prop_assert!(!key.starts_with("on"), "an event handler survived: <{real_tag}> in {html}");
                prop_assert!(!value.trim_matches('"').starts_with("javascript:"), "a javascript: URL survived: <{real_tag}>");
            }
        }
    }

    #[test]
    fn dockerignore_and_syntax_check_never_panic(patterns in "[ -~\n]{0,200}", path in "[a-z/.*]{0,40}") {
        let ig = workbench::engine::context::DockerIgnore::parse(&patterns);
        let _ = ig.is_excluded(&path);
        let _ = workbench::engine::context::check_dockerfile(&patterns);
    }

    #[test]
    fn dockerfile_parser_used_by_the_diagnosis_never_panics(text in "((FROM|RUN|COPY|LABEL|ARG|ENV|CMD|WORKDIR|EXPOSE) [ -~]{0,40}\n){0,12}") {
        let _ = dockerfile_parser::Dockerfile::parse(&text).map(|d| d.stages().iter().count());
    }

    #[test]
    fn quiz_answers_of_any_shape_get_an_answer_not_a_panic(answer in prop_oneof![
        any::<bool>().prop_map(serde_json::Value::from),
        "[ -~가-힣]{0,5000}".prop_map(serde_json::Value::from),
        prop::collection::vec("[a-z]{0,3}", 0..6).prop_map(|v| serde_json::json!(v)),
        any::<f64>().prop_map(|f| serde_json::json!(f)),
    ]) {
        for q in &content().quiz {
            if let Ok(a) = serde_json::from_value::<workbench::content::quiz::Answer>(answer.clone()) {
                let _ = q.judge(&a, workbench::i18n::Lang::En);
            }
        }
    }
}
