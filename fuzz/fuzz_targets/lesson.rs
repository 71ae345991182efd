//! A lesson file as an instructor might write it: front matter split, YAML, Markdown render and
//! sanitising must never panic, and the output must never carry a script tag.
#![no_main]
use libfuzzer_sys::fuzz_target;
use workbench::content::{frontmatter, markdown};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let body = match frontmatter::split(text) {
        Ok((_, body, _)) => body,
        Err(_) => text,
    };
    let html = markdown::render(body, &Default::default()).html;
    assert!(!html.to_ascii_lowercase().contains("<script"), "script survived sanitising");
});
