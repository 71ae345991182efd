//! Server-rendered pages (minijinja templates in `web/templates/`, auto-escaped). Lesson HTML is
//! rendered and sanitised once when content loads; a page view only fills a template.
use std::sync::OnceLock;

use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use minijinja::{Environment, Value, context};

use super::assets::WebAssets;
use super::{AppState, CachedPage};
use crate::content::Content;
use crate::content::quiz::Kind;
use crate::i18n::{self, Lang};

pub const LANG_COOKIE: &str = "workbench_lang";

pub fn lang_of(headers: &HeaderMap) -> Lang {
    super::door::cookie_values(headers, LANG_COOKIE).find_map(Lang::parse).unwrap_or(Lang::Ko)
}

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        for name in WebAssets::iter().filter(|n| n.starts_with("templates/")) {
            let file = WebAssets::get(&name).expect("listed asset exists");
            let source = String::from_utf8(file.data.into_owned()).expect("templates are UTF-8");
            env.add_template_owned(name.trim_start_matches("templates/").to_string(), source).expect("embedded templates parse");
        }
        env
    })
}

fn render(name: &str, lang: Lang, content: &Content, ctx: Value) -> Response {
    match render_html(name, lang, content, ctx) {
        Some(html) => Html(html).into_response(),
        None => render_failed(),
    }
}

/// A template that failed to render (the reason is printed in the terminal).
fn render_failed() -> Response {
    (StatusCode::INTERNAL_SERVER_ERROR, "The page could not be rendered; see the terminal.").into_response()
}

fn render_html(name: &str, lang: Lang, content: &Content, ctx: Value) -> Option<String> {
    let nav: Vec<Value> =
        content.lessons.iter().map(|l| context! { id => l.id, title => l.page(lang).map(|p| p.title.clone()).unwrap_or_else(|| l.id.clone()) }).collect();
    let exercises: Vec<Value> = content.exercises.iter().map(|e| context! { id => e.spec.id, title => e.title(lang) }).collect();
    let base = context! { lang => lang.code(), t => i18n::ui(lang), nav => nav, nav_exercises => exercises, problems => content.problems.iter().map(|p| p.to_string()).collect::<Vec<_>>() };
    match env().get_template(name).and_then(|t| t.render(context! { ..ctx, ..base })) {
        Ok(html) => Some(html),
        Err(e) => {
            eprintln!("template {name} failed: {e:#}");
            None
        }
    }
}

pub async fn home(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let lang = lang_of(&headers);
    let content = state.content.get();
    let read: Vec<String> = state.progress.as_ref().and_then(|p| p.lessons_read().ok()).unwrap_or_default();
    let quiz = state.progress.as_ref().and_then(|p| p.quiz_latest().ok()).unwrap_or_default();
    let lessons: Vec<Value> = content
        .lessons
        .iter()
        .map(|l| {
            let page = l.page(lang);
            context! { id => l.id, title => page.map(|p| p.title.clone()), read => read.contains(&l.id), broken => page.is_none() }
        })
        .collect();
    let exercises: Vec<Value> = content
        .exercises
        .iter()
        .map(|e| {
            let last = state.progress.as_ref().and_then(|p| p.last_verdict(&e.spec.id).ok().flatten());
            context! { id => e.spec.id, title => e.title(lang), tag => e.spec.image.tag, passed => last.map(|l| l.passed) }
        })
        .collect();
    let next_lesson = content.lessons.iter().find(|l| !read.contains(&l.id)).map(|l| l.id.clone());
    let correct = quiz.iter().filter(|q| q.correct).count();
    let category = content.lessons.first().and_then(|l| l.page(lang)).map(|p| p.category_path.clone()).unwrap_or_default();
    render(
        "home.html",
        lang,
        &content,
        context! { lessons => lessons, exercises => exercises, read_count => read.len(), lesson_count => content.lessons.len(), quiz_answered => quiz.len(), quiz_correct => correct, quiz_total => content.quiz.len(), next_lesson => next_lesson, category => category },
    )
}

pub async fn lesson(State(state): State<AppState>, Path(id): Path<String>, req: Request) -> Response {
    let headers = req.headers();
    let lang = lang_of(headers);
    let content = state.content.get();
    // A lesson page depends only on the content and the language: rendered once per content
    // generation, then served from memory with its ETag.
    if let Some(page) = state.cached_page(&id, lang, content.generation) {
        return send_page(headers, page);
    }
    let Some(pos) = content.lessons.iter().position(|l| l.id == id) else {
        return not_found_page(&content, lang);
    };
    let lesson = &content.lessons[pos];
    // A broken file in this language shows its problem (file and line) instead of silently
    // falling back to the other language's page.
    let folder = format!("lessons/{}/", lang.code());
    let problems: Vec<String> = content
        .problems
        .iter()
        .filter(|p| p.file.starts_with(&folder) && (p.file.ends_with(&format!("-{id}.md")) || p.file.ends_with(&format!("/{id}.md"))))
        .map(|p| p.to_string())
        .collect();
    let page = match lesson.page(lang) {
        Some(page) if problems.is_empty() => page,
        _ => return render("error.html", lang, &content, context! { title => id, details => problems }),
    };
    let prev = pos.checked_sub(1).and_then(|i| content.lessons.get(i)).map(|l| context! { id => l.id, title => l.page(lang).map(|p| p.title.clone()) });
    let next = content.lessons.get(pos + 1).map(|l| context! { id => l.id, title => l.page(lang).map(|p| p.title.clone()) });
    let toc: Vec<Value> = page.headings.iter().filter(|h| h.level == 2).map(|h| context! { id => h.id, text => h.text }).collect();
    let Some(html) = render_html(
        "lesson.html",
        lang,
        &content,
        context! { id => lesson.id, title => page.title, category => page.category_path, body => Value::from_safe_string(page.html.clone()), prev => prev, next => next, toc => toc, position => pos + 1, count => content.lessons.len() },
    ) else {
        return render_failed();
    };
    // The version is part of the tag: an upgraded workbench renders the same lesson differently.
    let etag = HeaderValue::try_from(format!("\"{}-{:x}-{}-{id}\"", env!("CARGO_PKG_VERSION"), content.generation, lang.code())).ok();
    let page = CachedPage { generation: content.generation, html: bytes::Bytes::from(html), etag };
    state.cache_page(&id, lang, page.clone());
    send_page(headers, page)
}

fn send_page(headers: &HeaderMap, page: CachedPage) -> Response {
    let html = HeaderValue::from_static("text/html; charset=utf-8");
    match page.etag {
        Some(etag) if headers.get(header::IF_NONE_MATCH) == Some(&etag) => (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response(),
        Some(etag) => ([(header::CONTENT_TYPE, html), (header::ETAG, etag)], page.html).into_response(),
        // A lesson id that cannot be part of a header (an instructor's odd front matter).
        None => ([(header::CONTENT_TYPE, html)], page.html).into_response(),
    }
}

pub async fn quiz(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let lang = lang_of(&headers);
    let content = state.content.get();
    if let Some(p) = content.problems.iter().find(|p| p.file.ends_with("quiz.yaml")) {
        return render("error.html", lang, &content, context! { title => "quiz.yaml", details => vec![p.to_string()] });
    }
    let latest = state.progress.as_ref().and_then(|p| p.quiz_latest().ok()).unwrap_or_default();
    let questions: Vec<Value> = content
        .quiz
        .iter()
        .map(|q| {
            let mut shown = q.shown_choices();
            // An answered ordering question comes back in the learner's order, not shuffled again.
            if let (Kind::Order { .. }, Some(saved)) = (&q.kind, latest.iter().find(|r| r.question == q.id).and_then(|r| r.answer.as_array())) {
                let pos = |id: &str| saved.iter().position(|v| v.as_str() == Some(id)).unwrap_or(usize::MAX);
                shown.sort_by_key(|c| pos(&c.id));
            }
            let choices: Vec<Value> = shown.iter().map(|c| context! { id => c.id, text => c.text.get(lang) }).collect();
            // A previous answer is judged again here, so its result shows in the current language;
            // the answer key reaches the page only for questions already answered.
            let previous = latest.iter().find(|r| r.question == q.id).and_then(|r| {
                let answer: crate::content::quiz::Answer = serde_json::from_value(r.answer.clone()).ok()?;
                let j = q.judge(&answer, lang).ok()?;
                Some(context! { answer => r.answer, judgement => Value::from_serialize(&j), attempts => r.attempts })
            });
            let lesson_title = content.lesson(&q.lesson).and_then(|l| l.page(lang)).map(|p| p.title.clone());
            context! { id => q.id, kind => q.kind.name(), prompt => q.prompt.get(lang), choices => choices, previous => previous, lesson => q.lesson, lesson_title => lesson_title, is_open => matches!(q.kind, Kind::Open { .. }) }
        })
        .collect();
    render("quiz.html", lang, &content, context! { questions => questions })
}

pub async fn exercise(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let lang = lang_of(&headers);
    let content = state.content.get();
    let Some(ex) = content.exercise(&id) else {
        return not_found_page(&content, lang);
    };
    let dir = crate::workspace::scaffold(&state.workspace, ex).unwrap_or_else(|_| crate::workspace::exercise_dir(&state.workspace, &id));
    let last = state.progress.as_ref().and_then(|p| p.last_verdict(&id).ok().flatten());
    let pos = content.exercises.iter().position(|e| e.spec.id == id).unwrap_or(0);
    let next = content.exercises.get(pos + 1).map(|e| context! { id => e.spec.id, title => e.title(lang) });
    render(
        "exercise.html",
        lang,
        &content,
        context! { id => id, title => ex.title(lang), readme => Value::from_safe_string(ex.readme(lang).to_string()), folder => dir.display().to_string(), tag => ex.spec.image.tag, last => last.map(|l| l.detail), next => next, lesson => ex.spec.lesson },
    )
}

pub async fn not_found(State(state): State<AppState>, headers: HeaderMap) -> Response {
    not_found_page(&state.content.get(), lang_of(&headers))
}

fn not_found_page(content: &Content, lang: Lang) -> Response {
    let mut r = render("error.html", lang, content, context! { title => i18n::t(lang, "not_found"), details => Vec::<String>::new() });
    *r.status_mut() = StatusCode::NOT_FOUND;
    r
}
