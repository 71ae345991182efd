//! The chapter's content: lessons, quiz and exercises, loaded from the embedded copy or from an
//! instructor's `--content DIR`, rendered once, and re-loaded when that folder changes.
pub mod exercise;
pub mod frontmatter;
pub mod markdown;
pub mod quiz;
pub mod source;
pub mod validate;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::i18n::Lang;
pub use exercise::ExerciseSpec;
pub use quiz::Question;
pub use source::Source;

/// A problem in a content file, shown to the instructor with the file and line.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

#[derive(Debug, Clone)]
pub struct Page {
    pub file: String,
    pub title: String,
    pub category_path: Vec<String>,
    pub html: String,
    pub headings: Vec<markdown::Heading>,
    pub links: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Lesson {
    pub id: String,
    pub order: u32,
    /// Index by `Lang as usize`; `None` when that language's file is missing or broken.
    pub pages: [Option<Page>; 2],
}

impl Lesson {
    pub fn page(&self, lang: Lang) -> Option<&Page> {
        self.pages[lang as usize].as_ref().or_else(|| self.pages.iter().flatten().next())
    }
}

#[derive(Debug, Clone)]
pub struct Exercise {
    pub spec: ExerciseSpec,
    /// The description page, rendered.
    pub readme: [String; 2],
    pub starter: Vec<(String, Vec<u8>)>,
    pub solution: Vec<(String, Vec<u8>)>,
}

impl Exercise {
    pub fn readme(&self, lang: Lang) -> &str {
        &self.readme[lang as usize]
    }
    pub fn title(&self, lang: Lang) -> &str {
        self.spec.title.get(lang)
    }
}

#[derive(Debug, Default)]
pub struct Content {
    pub lessons: Vec<Lesson>,
    pub quiz: Vec<Question>,
    pub exercises: Vec<Exercise>,
    pub problems: Vec<Problem>,
    /// Changes whenever the content changes; pages use it in their ETag.
    pub generation: u64,
}

impl Content {
    pub fn lesson(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.id == id)
    }
    pub fn exercise(&self, id: &str) -> Option<&Exercise> {
        self.exercises.iter().find(|e| e.spec.id == id)
    }
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.quiz.iter().find(|q| q.id == id)
    }
    /// Problems that belong to one file, for an error page.
    pub fn problems_in(&self, prefix: &str) -> Vec<&Problem> {
        self.problems.iter().filter(|p| p.file.starts_with(prefix)).collect()
    }

    /// Loads everything `source` holds. Never fails as a whole: a broken file becomes a
    /// [`Problem`] and the rest loads.
    pub fn load(source: &Source) -> Content {
        let mut content = Content::default();
        let lesson_files = source.files("lessons");
        content.load_lessons(&lesson_files);
        content.load_quiz(&lesson_files);
        let exercise_files = source.files("exercises");
        content.load_exercises(&exercise_files);
        content.generation = fingerprint_of(&lesson_files) ^ fingerprint_of(&exercise_files).rotate_left(1);
        content
    }

    fn load_lessons(&mut self, files: &[(String, Vec<u8>)]) {
        let mut by_id: BTreeMap<String, Lesson> = BTreeMap::new();
        // Lesson file names map to routes so lessons can link to each other by file name, which
        // also works when the Markdown is previewed on its own.
        let mut link_map = HashMap::new();
        let mut parsed = vec![];
        for (path, bytes) in files {
            let Some((lang, name)) = lesson_path(path) else { continue };
            let file = format!("lessons/{path}");
            let text = match std::str::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    self.problems.push(Problem { file, line: 1, message: format!("not UTF-8 text ({e})") });
                    continue;
                }
            };
            match frontmatter::split(text) {
                Ok((front, body, body_line)) => {
                    let (num, slug) = split_number(name);
                    let id = front.id.clone().unwrap_or_else(|| slug.to_string());
                    link_map.insert(name.to_string(), format!("/lessons/{id}"));
                    parsed.push((lang, file, front.clone(), body.to_string(), body_line, id, front.order.or(num)));
                }
                Err(e) => self.problems.push(Problem { file, line: e.line, message: e.message }),
            }
        }
        for (lang, file, front, body, _line, id, order) in parsed {
            let r = markdown::render(&body, &link_map);
            let entry = by_id.entry(id.clone()).or_insert_with(|| Lesson { id: id.clone(), order: u32::MAX, pages: [None, None] });
            if let Some(o) = order {
                entry.order = entry.order.min(o);
            }
            let page = Page { file: file.clone(), title: front.title, category_path: front.category_path, html: r.html, headings: r.headings, links: r.links };
            if entry.pages[lang as usize].is_some() {
                self.problems.push(Problem { file, line: 2, message: format!("a second {} page with id `{id}`", lang.code()) });
                continue;
            }
            entry.pages[lang as usize] = Some(page);
        }
        self.lessons = by_id.into_values().collect();
        self.lessons.sort_by(|a, b| (a.order, &a.id).cmp(&(b.order, &b.id)));
    }

    fn load_quiz(&mut self, files: &[(String, Vec<u8>)]) {
        let Some((_, bytes)) = files.iter().find(|(p, _)| p == "quiz.yaml") else { return };
        let text = String::from_utf8_lossy(bytes);
        match serde_saphyr::from_str::<quiz::QuizFile>(&text) {
            Ok(file) if file.version == 1 => self.quiz = file.questions,
            Ok(file) => self.problems.push(Problem {
                file: "lessons/quiz.yaml".into(),
                line: 1,
                message: format!("unknown quiz format version {} (this workbench reads version 1)", file.version),
            }),
            Err(e) => self.problems.push(Problem {
                file: "lessons/quiz.yaml".into(),
                line: e.location().map(|l| l.line() as usize).unwrap_or(1),
                message: frontmatter::first_line(&e.to_string()),
            }),
        }
    }

    fn load_exercises(&mut self, files: &[(String, Vec<u8>)]) {
        let mut dirs: BTreeMap<&str, Vec<(&str, &Vec<u8>)>> = BTreeMap::new();
        for (path, bytes) in files {
            if let Some((dir, rest)) = path.split_once('/') {
                dirs.entry(dir).or_default().push((rest, bytes));
            }
        }
        for (dir, files) in dirs {
            let get = |name: &str| files.iter().find(|(p, _)| *p == name).map(|(_, b)| *b);
            let spec_file = format!("exercises/{dir}/exercise.yaml");
            let Some(spec_bytes) = get("exercise.yaml") else {
                self.problems.push(Problem { file: spec_file, line: 1, message: "missing: every exercise folder needs an exercise.yaml".into() });
                continue;
            };
            let spec: ExerciseSpec = match serde_saphyr::from_str(&String::from_utf8_lossy(spec_bytes)) {
                Ok(s) => s,
                Err(e) => {
                    self.problems.push(Problem {
                        file: spec_file,
                        line: e.location().map(|l| l.line() as usize).unwrap_or(1),
                        message: frontmatter::first_line(&e.to_string()),
                    });
                    continue;
                }
            };
            if spec.id != dir {
                self.problems.push(Problem { file: spec_file.clone(), line: 1, message: format!("id `{}` differs from the folder name `{dir}`", spec.id) });
            }
            let readme = Lang::ALL.map(|lang| {
                let name = format!("README.{}.md", lang.code());
                match get(&name) {
                    Some(b) => markdown::render(&String::from_utf8_lossy(b), &HashMap::new()).html,
                    None => {
                        self.problems.push(Problem { file: format!("exercises/{dir}/{name}"), line: 1, message: "missing description".into() });
                        String::new()
                    }
                }
            });
            let tree = |prefix: &str| -> Vec<(String, Vec<u8>)> {
                files.iter().filter_map(|(p, b)| p.strip_prefix(prefix).map(|rel| (rel.to_string(), (*b).clone()))).collect()
            };
            self.exercises.push(Exercise { spec, readme, starter: tree("starter/"), solution: tree("solution/") });
        }
        self.exercises.sort_by_key(|e| e.spec.order);
    }
}

/// `ko/04-golden-images.md` → (Ko, "04-golden-images.md").
fn lesson_path(path: &str) -> Option<(Lang, &str)> {
    let (lang, name) = path.split_once('/')?;
    if !name.ends_with(".md") || name.contains('/') {
        return None;
    }
    Some((Lang::parse(lang)?, name))
}

/// `04-golden-images.md` → (Some(4), "golden-images").
fn split_number(name: &str) -> (Option<u32>, &str) {
    let stem = name.trim_end_matches(".md");
    match stem.split_once('-') {
        Some((n, rest)) if n.chars().all(|c| c.is_ascii_digit()) => (n.parse().ok(), rest),
        _ => (None, stem),
    }
}

fn fingerprint_of(files: &[(String, Vec<u8>)]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    files.hash(&mut h);
    h.finish()
}

/// The content the server shows: loaded once, and in `--content` mode reloaded when the folder's
/// files change (checked at most every [`RECHECK`], so a page view costs at most a directory stat).
pub struct ContentStore {
    source: Source,
    current: RwLock<Arc<Content>>,
    last_check: Mutex<(Instant, u64)>,
}

const RECHECK: Duration = Duration::from_millis(300);

impl ContentStore {
    pub fn new(source: Source) -> ContentStore {
        let content = Arc::new(Content::load(&source));
        let stamp = source.stamp();
        ContentStore { source, current: RwLock::new(content), last_check: Mutex::new((Instant::now(), stamp)) }
    }

    pub fn get(&self) -> Arc<Content> {
        if self.source.is_dir() {
            let mut last = self.last_check.lock().expect("content stamp lock");
            if last.0.elapsed() >= RECHECK {
                let stamp = self.source.stamp();
                last.0 = Instant::now();
                if stamp != last.1 {
                    last.1 = stamp;
                    let fresh = Arc::new(Content::load(&self.source));
                    *self.current.write().expect("content lock") = fresh;
                }
            }
        }
        self.current.read().expect("content lock").clone()
    }

    pub fn source(&self) -> &Source {
        &self.source
    }
}
