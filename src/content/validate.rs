//! The content checker (in the spirit of rustlings' `dev check`): everything an author can get
//! wrong in `lessons/` and `exercises/` that loading alone does not catch.
use std::collections::HashSet;

use super::quiz::Kind;
use super::{Content, Problem};
use crate::i18n::Lang;

pub fn validate(content: &Content) -> Vec<Problem> {
    let mut problems = content.problems.clone();
    let mut push = |file: &str, message: String| problems.push(Problem { file: file.to_string(), line: 1, message });

    let lesson_ids: HashSet<&str> = content.lessons.iter().map(|l| l.id.as_str()).collect();
    let exercise_ids: HashSet<&str> = content.exercises.iter().map(|e| e.spec.id.as_str()).collect();
    if content.lessons.is_empty() {
        push("lessons/", "no lessons".into());
    }
    for lesson in &content.lessons {
        for lang in Lang::ALL {
            if lesson.pages[lang as usize].is_none() {
                push(&format!("lessons/{}/", lang.code()), format!("lesson `{}` has no {} page", lesson.id, lang.code()));
            }
        }
        if let [Some(ko), Some(en)] = &lesson.pages
            && ko.headings.len() != en.headings.len()
        {
            push(&en.file, format!("{} headings here but {} in {}", en.headings.len(), ko.headings.len(), ko.file));
        }
        for page in lesson.pages.iter().flatten() {
            for link in &page.links {
                if let Err(why) = resolve_link(content, &lesson_ids, &exercise_ids, page, link) {
                    push(&page.file, format!("link `{link}`: {why}"));
                }
            }
        }
    }

    let mut seen = HashSet::new();
    for q in &content.quiz {
        let file = "lessons/quiz.yaml";
        if !seen.insert(q.id.as_str()) {
            push(file, format!("question id `{}` is used twice", q.id));
        }
        if !lesson_ids.contains(q.lesson.as_str()) {
            push(file, format!("question `{}` names unknown lesson `{}`", q.id, q.lesson));
        }
        if q.prompt.ko.trim().is_empty() || q.prompt.en.trim().is_empty() {
            push(file, format!("question `{}` needs a prompt in both languages", q.id));
        }
        match &q.kind {
            Kind::Open { model_answer, key_points } => {
                if key_points.is_empty() || model_answer.ko.is_empty() || model_answer.en.is_empty() {
                    push(file, format!("open question `{}` needs a model answer in both languages and key points", q.id));
                }
                for lang in Lang::ALL {
                    let j = q.judge(&super::quiz::Answer::Text(model_answer.get(lang).to_string()), lang);
                    if !j.map(|j| j.correct).unwrap_or(false) {
                        push(file, format!("open question `{}`: the {} model answer does not cover its own key points", q.id, lang.code()));
                    }
                }
            }
            Kind::Single { choices, answer, .. } | Kind::Multiple { choices, answer, .. } => {
                if matches!(q.kind, Kind::Single { .. }) && answer.len() != 1 {
                    push(file, format!("single-choice question `{}` must have exactly one answer", q.id));
                }
                if answer.is_empty() {
                    push(file, format!("question `{}` has no answer key", q.id));
                }
                for a in answer {
                    if !choices.iter().any(|c| &c.id == a) {
                        push(file, format!("question `{}`: answer `{a}` is not one of its choices", q.id));
                    }
                }
                if choices.len() < 2 {
                    push(file, format!("question `{}` needs at least two choices", q.id));
                }
            }
            Kind::Order { items, .. } if items.len() < 2 => push(file, format!("order question `{}` needs at least two items", q.id)),
            _ => {}
        }
    }

    for ex in &content.exercises {
        let file = format!("exercises/{}/exercise.yaml", ex.spec.id);
        if ex.starter.is_empty() {
            push(&file, "no starter files (starter/)".into());
        }
        if !ex.solution.iter().any(|(p, _)| p == "Dockerfile") {
            push(&file, "the reference solution (solution/) has no Dockerfile".into());
        }
        if !lesson_ids.contains(ex.spec.lesson.as_str()) {
            push(&file, format!("unknown lesson `{}`", ex.spec.lesson));
        }
        if let Some(other) = &ex.spec.base.exercise
            && !exercise_ids.contains(other.as_str())
        {
            push(&file, format!("base exercise `{other}` does not exist"));
        }
        if ex.spec.base.exercise.is_none() == ex.spec.base.image.is_none() {
            push(&file, "base needs exactly one of `image` or `exercise`".into());
        }
        for other in &ex.spec.excludes_layers_of {
            if !exercise_ids.contains(other.as_str()) {
                push(&file, format!("excludes_layers_of names unknown exercise `{other}`"));
            }
        }
        for (id, hint) in &ex.spec.hints {
            if hint.ko.trim().is_empty() || hint.en.trim().is_empty() {
                push(&file, format!("hint `{id}` is empty in one language"));
            }
        }
    }
    problems
}

fn resolve_link(content: &Content, lessons: &HashSet<&str>, exercises: &HashSet<&str>, page: &super::Page, link: &str) -> Result<(), String> {
    if link.starts_with("http://") || link.starts_with("https://") || link.starts_with("//") {
        return Err("external links are not allowed (classrooms may be offline)".into());
    }
    let (target, fragment) = link.split_once('#').map_or((link, None), |(t, f)| (t, Some(f)));
    let anchors_of = |id: &str, lang_of: &super::Page| -> Vec<String> {
        let lang = if lang_of.file.starts_with("lessons/en/") { Lang::En } else { Lang::Ko };
        content.lesson(id).and_then(|l| l.pages[lang as usize].as_ref()).map(|p| p.headings.iter().map(|h| h.id.clone()).collect()).unwrap_or_default()
    };
    let lesson_id = if target.is_empty() {
        Some(content.lessons.iter().find(|l| l.pages.iter().flatten().any(|p| p.file == page.file)).map(|l| l.id.clone()).unwrap_or_default())
    } else if let Some(id) = target.strip_prefix("/lessons/") {
        Some(id.to_string())
    } else if target.ends_with(".md") {
        let name = target.trim_start_matches("./");
        // Resolved in the page's own language folder: an English page links to English pages.
        let folder = page.file.rsplit_once('/').map_or("", |(d, _)| d);
        let wanted = format!("{folder}/{name}");
        let found = content.lessons.iter().find(|l| l.pages.iter().flatten().any(|p| p.file == wanted));
        match found {
            Some(l) => Some(l.id.clone()),
            None => return Err(format!("no lesson file `{name}`")),
        }
    } else if let Some(id) = target.strip_prefix("/exercises/") {
        return if exercises.contains(id.trim_end_matches('/')) { Ok(()) } else { Err(format!("no exercise `{id}`")) };
    } else if target == "/quiz" || target == "/" {
        return Ok(());
    } else {
        return Err("not a lesson file, /lessons/ID, /exercises/ID or /quiz".into());
    };
    let id = lesson_id.unwrap_or_default();
    if !lessons.contains(id.as_str()) {
        return Err(format!("no lesson `{id}`"));
    }
    if let Some(frag) = fragment
        && !anchors_of(&id, page).iter().any(|a| a == frag)
    {
        return Err(format!("lesson `{id}` has no heading with anchor `#{frag}`"));
    }
    Ok(())
}
