//! The real binary over real HTTP: the launch flow, every page of the chapter in both languages,
//! the quiz judged on the server and kept across restarts, and an instructor's `--content` folder
//! (raw HTML rendered inert, a broken file named with its line, changes picked up live). Runs with
//! no Docker daemon at all — lessons and quizzes must not need one.
mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use support::{BIN, ROOT};

const TOKEN: &str = "test-token-5f2a9c7e1b3d4a6f";

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(data: &std::path::Path, extra: &[&str]) -> Server {
    let ws = data.join("ws");
    let mut child = Command::new(BIN)
        .args(["--data"])
        .arg(data)
        .arg("--workspace")
        .arg(&ws)
        .args(extra)
        .args(["serve", "--no-open", "--port", "0"])
        .env("WORKBENCH_TOKEN", TOKEN)
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    reader.read_line(&mut line).unwrap();
    // Keep reading, so the server never writes into a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    let url = line.trim().strip_prefix("Workbench ready at ").unwrap_or_else(|| panic!("unexpected first line: {line}"));
    assert!(url.starts_with("http://127.0.0.1:") && url.contains(&format!("/?token={TOKEN}")), "{url}");
    let port = url["http://127.0.0.1:".len()..].split('/').next().unwrap().parse().unwrap();
    Server { child, port }
}

struct Resp {
    status: u16,
    headers: String,
    body: String,
}

/// A plain HTTP/1.1 request, so the test sees exactly what a browser would be sent.
fn http(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Resp {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") { unchunk(body) } else { body.to_string() };
    Resp { status, headers: head.to_string(), body }
}

fn unchunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n.min(rest.len())]);
        s = rest.get(n + 2..).unwrap_or("");
    }
    out
}

fn get(port: u16, path: &str, lang: &str) -> Resp {
    let cookie = format!("workbench_token_{port}={TOKEN}; workbench_lang={lang}");
    http(port, "GET", path, &[("Cookie", &cookie)], "")
}

fn post_json(port: u16, path: &str, body: &str) -> Resp {
    let origin = format!("http://127.0.0.1:{port}");
    let cookie = format!("workbench_token_{port}={TOKEN}");
    http(port, "POST", path, &[("Cookie", &cookie), ("Origin", &origin), ("Content-Type", "application/json")], body)
}

#[test]
fn launch_url_sets_a_cookie_and_every_page_serves_in_both_languages() {
    let data = tempfile::tempdir().unwrap();
    let s = serve(data.path(), &[]);
    let r = http(s.port, "GET", &format!("/?token={TOKEN}"), &[], "");
    assert_eq!(r.status, 303);
    assert!(r.headers.contains("HttpOnly") && r.headers.contains("SameSite=Strict"), "{}", r.headers);
    assert_eq!(http(s.port, "GET", "/", &[], "").status, 401);
    assert!(http(s.port, "GET", "/", &[], "").body.contains("token"));

    let content = workbench::content::Content::load(&workbench::content::Source::Embedded);
    for lang in ["ko", "en"] {
        let home = get(s.port, "/", lang);
        assert_eq!(home.status, 200);
        assert!(home.body.contains(if lang == "ko" {
            "공식 이미지에서 골든 이미지로 전환하기"
        } else {
            "From official images to golden images"
        }));
        for lesson in &content.lessons {
            let page = get(s.port, &format!("/lessons/{}", lesson.id), lang);
            assert_eq!(page.status, 200, "{} {lang}", lesson.id);
            let title = &lesson.pages[if lang == "ko" { 0 } else { 1 }].as_ref().unwrap().title;
            assert!(page.body.contains(&html_escape(title)), "{} {lang}: no title {title}", lesson.id);
            assert!(!page.body.contains("http://") && !page.body.contains("https://"), "{}: an external URL in the page", lesson.id);
        }
        for ex in &content.exercises {
            let page = get(s.port, &format!("/exercises/{}", ex.spec.id), lang);
            assert_eq!(page.status, 200);
            assert!(page.body.contains(&ex.spec.image.tag));
        }
        assert_eq!(get(s.port, "/quiz", lang).status, 200);
    }
    assert_eq!(get(s.port, "/lessons/no-such-lesson", "en").status, 404);
    // Without a daemon the page still works and says what to do.
    let st = get(s.port, "/api/status", "en");
    assert!(st.body.contains("\"reachable\":false") && st.body.contains("systemctl start docker"), "{}", st.body);
    // Static assets are embedded and served without a token.
    let css = http(s.port, "GET", "/static/app.css", &[], "");
    assert_eq!(css.status, 200);
    assert!(!css.body.contains("http"), "the stylesheet references an external URL");
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&#34;").replace('\'', "&#39;")
}

#[test]
fn the_quiz_is_judged_on_the_server_and_kept() {
    let data = tempfile::tempdir().unwrap();
    let content = workbench::content::Content::load(&workbench::content::Source::Embedded);
    {
        let s = serve(data.path(), &[]);
        // Before answering, no answer key, model answer or explanation is in the page.
        let page = get(s.port, "/quiz", "en").body;
        for q in &content.quiz {
            use workbench::content::quiz::Kind;
            let secret = match &q.kind {
                Kind::Open { model_answer, .. } => &model_answer.en,
                Kind::Single { explanation, .. }
                | Kind::Multiple { explanation, .. }
                | Kind::Truefalse { explanation, .. }
                | Kind::Order { explanation, .. } => &explanation.en,
            };
            assert!(!page.contains(&html_escape(secret)), "{}: the key is in the page before answering", q.id);
        }
        let open = content.quiz.iter().find(|q| q.kind.name() == "open").unwrap();
        let r = post_json(s.port, &format!("/api/quiz/{}", open.id), r#"{"answer": "I do not know"}"#);
        assert_eq!(r.status, 200, "{}", r.body);
        let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert!(j["model_answer"].as_str().unwrap().len() > 20);
        assert!(j["key_points"].as_array().unwrap().iter().all(|p| p["covered"] == false));

        let tf = content.quiz.iter().find(|q| q.kind.name() == "truefalse").unwrap();
        let r = post_json(s.port, &format!("/api/quiz/{}", tf.id), r#"{"answer": "yes"}"#);
        assert_eq!(r.status, 400, "a text for a true/false question is refused: {}", r.body);
        let huge = format!(r#"{{"answer": "{}"}}"#, "x".repeat(5000));
        assert_eq!(post_json(s.port, &format!("/api/quiz/{}", open.id), &huge).status, 400);
        assert_eq!(post_json(s.port, "/api/quiz/nope", r#"{"answer": true}"#).status, 404);
        let r = post_json(s.port, &format!("/api/quiz/{}", tf.id), r#"{"answer": false}"#);
        assert_eq!(r.status, 200);
        // Bodies are size-limited before anything parses them.
        let oversized = format!(r#"{{"answer": "{}"}}"#, "y".repeat(600 * 1024));
        assert_eq!(post_json(s.port, &format!("/api/quiz/{}", open.id), &oversized).status, 413);
        // Binary garbage and wrong types get a clear 4xx, not a crash.
        assert_eq!(post_json(s.port, &format!("/api/quiz/{}", open.id), "\u{0}\u{1}not json").status / 100, 4);
        assert_eq!(post_json(s.port, &format!("/api/quiz/{}", open.id), r#"{"answer": {"nested": [1, 2]}}"#).status, 400);
    }
    // A new process with the same data folder shows the answers.
    let s = serve(data.path(), &[]);
    let home = get(s.port, "/", "en").body;
    assert!(home.contains("2 / 18") || home.contains("1 / 18") || home.contains(&format!("/ {}", content.quiz.len())), "{home}");
    let page = get(s.port, "/quiz", "en").body;
    assert!(page.contains("I do not know"), "the open answer is kept");
}

fn copy_tree(src: &std::path::Path, dst: &std::path::Path) {
    support::copy_dir(src, dst);
}

#[test]
fn an_instructors_content_folder_is_served_sanitised_and_reloaded() {
    let data = tempfile::tempdir().unwrap();
    let content_dir = tempfile::tempdir().unwrap();
    copy_tree(&std::path::Path::new(ROOT).join("lessons"), &content_dir.path().join("lessons"));
    copy_tree(&std::path::Path::new(ROOT).join("exercises"), &content_dir.path().join("exercises"));
    // A lesson in exactly the seed's front-matter format, with raw HTML that must not run and a
    // later `---` block that must not be eaten as metadata.
    let evil = "---\ntitle: '실험'\ncategoryPath:\n  - 'Docker'\nauthorNick: '관리자'\ncreatedAt: '2025-08-27'\nupdateMode: 'upsert'\n---\n\n# 실험\n\nBefore <script>alert(1)</script> <img src=x onerror=\"alert(2)\"> <a href=\"javascript:alert(3)\">x</a>\n\n---\nkept: text after a dashed block\n---\n\nThe end.\n";
    std::fs::write(content_dir.path().join("lessons/ko/07-experiment.md"), evil).unwrap();
    std::fs::write(content_dir.path().join("lessons/en/07-experiment.md"), evil.replace("'실험'", "'Experiment'")).unwrap();
    let dir = content_dir.path().to_str().unwrap().to_string();
    let s = serve(data.path(), &["--content", &dir]);

    let page = get(s.port, "/lessons/experiment", "ko");
    assert_eq!(page.status, 200);
    let article = page.body.split("<article").nth(1).unwrap();
    assert!(!article.contains("<script") && !article.contains("onerror") && !article.contains("javascript:"), "{article}");
    assert!(article.contains("kept: text after a dashed block") && article.contains("The end."), "{article}");

    // Break one lesson's front matter: its page names the file and line; the rest keeps working.
    let broken = content_dir.path().join("lessons/en/02-verified-publishers.md");
    let text = std::fs::read_to_string(&broken).unwrap();
    std::fs::write(&broken, text.replacen("order: 2", "order: [2", 1)).unwrap();
    std::thread::sleep(Duration::from_millis(600));
    let page = get(s.port, "/lessons/verified-publishers", "en");
    let shown = page.body.replace("&#x2f;", "/");
    assert!(shown.contains("lessons/en/02-verified-publishers.md:3:"), "the error names the file and line:\n{shown}");
    assert_eq!(get(s.port, "/lessons/trust", "en").status, 200);
    assert_eq!(get(s.port, "/quiz", "en").status, 200);

    // Lesson pages carry an ETag: the same page revalidates to 304, the other language does not.
    let first = get(s.port, "/lessons/trust", "en");
    let etag = header(&first, "etag").expect("a lesson page has an ETag");
    let cookie = format!("workbench_token_{}={TOKEN}; workbench_lang=en", s.port);
    let again = http(s.port, "GET", "/lessons/trust", &[("Cookie", &cookie), ("If-None-Match", &etag)], "");
    assert_eq!((again.status, again.body.as_str()), (304, ""), "{}", again.headers);
    let ko = format!("workbench_token_{}={TOKEN}; workbench_lang=ko", s.port);
    assert_eq!(http(s.port, "GET", "/lessons/trust", &[("Cookie", &ko), ("If-None-Match", &etag)], "").status, 200);

    // A change is picked up without a restart, and the old ETag no longer matches.
    let trust = content_dir.path().join("lessons/en/01-trust.md");
    let text = std::fs::read_to_string(&trust).unwrap();
    std::fs::write(&trust, format!("{text}\n\nA sentence the instructor added.\n")).unwrap();
    std::thread::sleep(Duration::from_millis(600));
    assert!(get(s.port, "/lessons/trust", "en").body.contains("A sentence the instructor added."));
    let changed = http(s.port, "GET", "/lessons/trust", &[("Cookie", &cookie), ("If-None-Match", &etag)], "");
    assert_eq!(changed.status, 200, "a changed lesson is sent again");
    assert_ne!(header(&changed, "etag"), Some(etag));
}

fn header(r: &Resp, name: &str) -> Option<String> {
    r.headers.lines().find_map(|l| l.split_once(':').filter(|(k, _)| k.trim().eq_ignore_ascii_case(name)).map(|(_, v)| v.trim().to_string()))
}

#[test]
fn the_content_checker_passes_on_the_built_in_content_and_catches_mistakes() {
    let run = support::Run::of({
        let mut c = Command::new(BIN);
        c.args(["content", "check"]);
        c
    });
    run.code(0);
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&std::path::Path::new(ROOT).join("lessons"), &dir.path().join("lessons"));
    std::fs::remove_file(dir.path().join("lessons/en/03-official-images.md")).unwrap();
    let quiz = dir.path().join("lessons/quiz.yaml");
    let text = std::fs::read_to_string(&quiz).unwrap();
    std::fs::write(&quiz, text.replacen("lesson: trust", "lesson: nowhere", 1)).unwrap();
    let run = support::Run::of({
        let mut c = Command::new(BIN);
        c.arg("--content").arg(dir.path()).args(["content", "check"]);
        c
    });
    run.code(1);
    assert!(run.stdout.contains("official-images") && run.stdout.contains("no en page"), "{run}");
    assert!(run.stdout.contains("unknown lesson `nowhere`"), "{run}");
    assert!(run.stdout.contains("link `03-official-images.md`") || run.stdout.contains("03-official-images"), "{run}");
}

#[test]
fn non_loopback_binding_needs_allow_remote() {
    let run = support::Run::of({
        let mut c = Command::new(BIN);
        c.args(["serve", "--no-open", "--bind", "0.0.0.0", "--port", "0"]);
        c
    });
    run.code(2);
    assert!(run.stderr.contains("--allow-remote"), "{run}");
}
