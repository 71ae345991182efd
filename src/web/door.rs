//! The door: who may use the server. The workbench holds the Docker socket (root on the machine)
//! and any page in the learner's browser can send it requests, so — as Jupyter Server does — it
//! checks, in this order: the raw `Host` header (DNS rebinding), a per-launch token swapped for an
//! HttpOnly SameSite=Strict cookie (or `Authorization: Bearer`), and for every state change an
//! exact `Origin` and a JSON body (CSRF). Static assets are the only thing served without a token.
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;
use tower::{Layer, Service};

/// The cookie's name carries the port: browsers do not keep cookies apart by port, and two
/// workbenches on one machine must not overwrite each other's.
pub const COOKIE_PREFIX: &str = "workbench_token_";

pub struct Door {
    token: String,
    cookie: String,
    /// Accepted `Host` values, exactly (`127.0.0.1:8765`, `localhost:8765`, `[::1]:8765`, …).
    hosts: Vec<String>,
    failures: Mutex<(Instant, u32)>,
}

/// Failed token attempts allowed per minute before the door answers 429.
const MAX_FAILURES_PER_MINUTE: u32 = 30;

impl Door {
    pub fn new(token: String, port: u16, public_host: Option<&str>) -> Door {
        let mut hosts = vec![format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("[::1]:{port}")];
        if let Some(h) = public_host {
            hosts.push(format!("{h}:{port}"));
        }
        Door { token, cookie: format!("{COOKIE_PREFIX}{port}"), hosts, failures: Mutex::new((Instant::now(), 0)) }
    }

    /// A fresh token of 128 random bits, unless `WORKBENCH_TOKEN` sets one.
    pub fn token_from_env_or_random() -> String {
        match std::env::var("WORKBENCH_TOKEN") {
            Ok(t) if !t.is_empty() => t,
            _ => {
                let mut b = [0u8; 16];
                getrandom::fill(&mut b).expect("the OS random source works");
                hex::encode(b)
            }
        }
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    fn token_ok(&self, candidate: &str) -> bool {
        candidate.len() == self.token.len() && bool::from(candidate.as_bytes().ct_eq(self.token.as_bytes()))
    }

    fn host_ok(&self, host: &str) -> bool {
        self.hosts.iter().any(|h| h.eq_ignore_ascii_case(host))
    }

    /// Counts a failure; `true` when the caller is over the limit.
    fn failed(&self) -> bool {
        let mut f = self.failures.lock().expect("door lock");
        if f.0.elapsed() > Duration::from_secs(60) {
            *f = (Instant::now(), 0);
        }
        f.1 += 1;
        f.1 > MAX_FAILURES_PER_MINUTE
    }
}

/// Every value of the cookie `name` (another page may have set a decoy of the same name).
pub fn cookie_values<'h>(headers: &'h HeaderMap, name: &'h str) -> impl Iterator<Item = &'h str> + 'h {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).filter_map(move |kv| {
        let (k, v) = kv.trim().split_once('=')?;
        (k == name).then_some(v)
    })
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ")
}

fn query_token(query: Option<&str>) -> Option<String> {
    query?.split('&').find_map(|kv| kv.strip_prefix("token=").map(str::to_string))
}

/// The door as a tower layer over the whole router. A hand-written service rather than
/// `axum::middleware::from_fn`: that one boxes the inner service and the future on every
/// request, which cost ~15 % of the lesson page's requests/s under load (BENCHMARKS.md).
#[derive(Clone)]
pub struct DoorLayer(pub Arc<Door>);

impl<S> Layer<S> for DoorLayer {
    type Service = DoorService<S>;
    fn layer(&self, inner: S) -> DoorService<S> {
        DoorService { door: self.0.clone(), inner }
    }
}

#[derive(Clone)]
pub struct DoorService<S> {
    door: Arc<Door>,
    inner: S,
}

impl<S> Service<Request> for DoorService<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Guarded<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        match refusal(&self.door, &req) {
            Some(refused) => Guarded::Refused { response: Some(refused) },
            None => Guarded::Passed { inner: self.inner.call(req) },
        }
    }
}

pin_project_lite::pin_project! {
    /// A response from behind the door, or the door's own refusal; either way with the
    /// security headers.
    #[project = GuardedProj]
    pub enum Guarded<F> {
        Refused { response: Option<Response> },
        Passed { #[pin] inner: F },
    }
}

impl<F: Future<Output = Result<Response, Infallible>>> Future for Guarded<F> {
    type Output = Result<Response, Infallible>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut response = match self.project() {
            GuardedProj::Refused { response } => response.take().expect("a refusal is sent once"),
            GuardedProj::Passed { inner } => match inner.poll(cx) {
                Poll::Ready(Ok(r)) => r,
                Poll::Pending => return Poll::Pending,
            },
        };
        with_security_headers(response.headers_mut());
        Poll::Ready(Ok(response))
    }
}

fn with_security_headers(h: &mut HeaderMap) {
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert(
        "content-security-policy",
        HeaderValue::from_static("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    );
}

/// Why the door turns `req` away, or `None` when it may pass. Borrows the request, so nothing
/// of it is copied on the way in.
fn refusal(door: &Door, req: &Request) -> Option<Response> {
    // 1. The raw Host header, before anything else. X-Forwarded-Host and Forwarded are ignored.
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    if !door.host_ok(host) {
        return Some((StatusCode::FORBIDDEN, "This server only answers to 127.0.0.1 and localhost.\n").into_response());
    }
    if req.uri().path().starts_with("/static/") {
        return None;
    }

    // 2. The token: a launch URL's ?token= becomes a cookie and a redirect to the clean URL.
    if let Some(t) = query_token(req.uri().query())
        && req.method() == Method::GET
        && door.token_ok(&t)
    {
        let cookie = format!("{}={}; HttpOnly; SameSite=Strict; Path=/", door.cookie, door.token);
        let clean = req.uri().path().to_string();
        let redirect = Response::builder()
            .status(StatusCode::SEE_OTHER)
            .header(header::LOCATION, clean)
            .header(header::SET_COOKIE, cookie)
            .body(Body::empty())
            .expect("valid redirect");
        return Some(redirect);
    }
    let by_bearer = bearer(req.headers()).is_some_and(|t| door.token_ok(t));
    let by_cookie = cookie_values(req.headers(), &door.cookie).any(|t| door.token_ok(t));
    if !by_bearer && !by_cookie {
        if door.failed() {
            return Some((StatusCode::TOO_MANY_REQUESTS, "Too many attempts without the right token; wait a minute.\n").into_response());
        }
        return Some(unauthorized());
    }

    // 3. State changes: never by GET; an exact Origin (required with the cookie); no cross-site
    //    fetch; JSON bodies only, which a plain HTML form cannot send.
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        let origin = req.headers().get(header::ORIGIN).and_then(|o| o.to_str().ok());
        match origin {
            Some(o) if o.strip_prefix("http://") == Some(host) => {}
            None if by_bearer => {}
            _ => return Some((StatusCode::FORBIDDEN, "Cross-origin request refused.\n").into_response()),
        }
        if req.headers().get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
            return Some((StatusCode::FORBIDDEN, "Cross-site request refused.\n").into_response());
        }
        let json = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/json"));
        if !json {
            return Some((StatusCode::UNSUPPORTED_MEDIA_TYPE, "Send JSON (Content-Type: application/json).\n").into_response());
        }
    }
    None
}

fn unauthorized() -> Response {
    let page = include_str!("../../web/templates/unauthorized.html");
    (StatusCode::UNAUTHORIZED, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response()
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::routing::{get, post};
    use tower::ServiceExt;

    use super::*;

    fn app() -> Router {
        let door = Arc::new(Door::new("secret-token-0123456789abcdef".into(), 8765, None));
        Router::new()
            .route("/", get(|| async { "home" }))
            .route("/api/x", post(|| async { "changed" }))
            .route("/static/{*p}", get(|| async { "css" }))
            .layer(DoorLayer(door))
    }

    fn req(method: &str, uri: &str, headers: &[(&str, &str)]) -> Request {
        let mut b = Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(Body::empty()).unwrap()
    }

    async fn status(r: Request) -> StatusCode {
        app().oneshot(r).await.unwrap().status()
    }

    const HOST: (&str, &str) = ("host", "127.0.0.1:8765");
    const COOKIE_OK: (&str, &str) = ("cookie", "workbench_token_8765=decoy; workbench_token_8765=secret-token-0123456789abcdef");

    #[tokio::test]
    async fn token_is_required_and_swapped_for_a_cookie() {
        assert_eq!(status(req("GET", "/", &[HOST])).await, StatusCode::UNAUTHORIZED);
        assert_eq!(status(req("GET", "/", &[HOST, ("cookie", "workbench_token_8765=wrong")])).await, StatusCode::UNAUTHORIZED);
        assert_eq!(
            status(req("GET", "/", &[HOST, ("cookie", "workbench_token_9999=secret-token-0123456789abcdef")])).await,
            StatusCode::UNAUTHORIZED,
            "another port's cookie"
        );
        assert_eq!(status(req("GET", "/?token=wrong", &[HOST])).await, StatusCode::UNAUTHORIZED);
        let resp = app().oneshot(req("GET", "/?token=secret-token-0123456789abcdef", &[HOST])).await.unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        assert_eq!(resp.headers()["location"], "/");
        let cookie = resp.headers()["set-cookie"].to_str().unwrap();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && !cookie.contains("Domain"), "{cookie}");
        assert_eq!(status(req("GET", "/", &[HOST, COOKIE_OK])).await, StatusCode::OK);
        assert_eq!(status(req("GET", "/", &[HOST, ("authorization", "Bearer secret-token-0123456789abcdef")])).await, StatusCode::OK);
        assert_eq!(status(req("GET", "/static/app.css", &[HOST])).await, StatusCode::OK);
    }

    #[tokio::test]
    async fn foreign_hosts_are_refused() {
        for host in ["evil.example", "localhost.evil.example:8765", "127.0.0.1.nip.io:8765", "127.0.0.1:9999", "127.0.0.1", ""] {
            assert_eq!(status(req("GET", "/", &[("host", host), COOKIE_OK])).await, StatusCode::FORBIDDEN, "{host}");
        }
        // A forwarded header does not make a foreign Host acceptable.
        assert_eq!(status(req("GET", "/", &[("host", "evil.example"), ("x-forwarded-host", "127.0.0.1:8765"), COOKIE_OK])).await, StatusCode::FORBIDDEN);
        for host in ["localhost:8765", "[::1]:8765", "LOCALHOST:8765"] {
            assert_eq!(status(req("GET", "/", &[("host", host), COOKIE_OK])).await, StatusCode::OK, "{host}");
        }
    }

    #[tokio::test]
    async fn state_changes_need_the_exact_origin_and_json() {
        let json = ("content-type", "application/json");
        let ok_origin = ("origin", "http://127.0.0.1:8765");
        assert_eq!(status(req("POST", "/api/x", &[HOST, COOKIE_OK, json, ok_origin])).await, StatusCode::OK);
        for origin in ["http://evil.example", "null", "http://127.0.0.1:8765.evil.example", "http://localhost:8765"] {
            assert_eq!(status(req("POST", "/api/x", &[HOST, COOKIE_OK, json, ("origin", origin)])).await, StatusCode::FORBIDDEN, "{origin}");
        }
        assert_eq!(status(req("POST", "/api/x", &[HOST, COOKIE_OK, json])).await, StatusCode::FORBIDDEN, "cookie without Origin");
        assert_eq!(
            status(req("POST", "/api/x", &[HOST, COOKIE_OK, ok_origin, ("content-type", "application/x-www-form-urlencoded")])).await,
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
        assert_eq!(status(req("POST", "/api/x", &[HOST, COOKIE_OK, json, ok_origin, ("sec-fetch-site", "cross-site")])).await, StatusCode::FORBIDDEN);
        assert_eq!(
            status(req("POST", "/api/x", &[HOST, json, ("authorization", "Bearer secret-token-0123456789abcdef")])).await,
            StatusCode::OK,
            "scripts with a bearer token"
        );
        assert_eq!(status(req("POST", "/api/x", &[HOST, json, ok_origin])).await, StatusCode::UNAUTHORIZED);
    }

    #[tokio::test]
    async fn repeated_wrong_tokens_are_rate_limited() {
        let app = app();
        let mut last = StatusCode::OK;
        for _ in 0..=MAX_FAILURES_PER_MINUTE {
            last = app.clone().oneshot(req("GET", "/", &[HOST, ("authorization", "Bearer guess")])).await.unwrap().status();
        }
        assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    }

    #[tokio::test]
    async fn every_answer_carries_the_security_headers() {
        // A refusal, a page let through, and a static asset.
        for (r, status) in [
            (req("GET", "/", &[HOST]), StatusCode::UNAUTHORIZED),
            (req("GET", "/", &[HOST, COOKIE_OK]), StatusCode::OK),
            (req("GET", "/static/app.css", &[HOST]), StatusCode::OK),
        ] {
            let resp = app().oneshot(r).await.unwrap();
            assert_eq!(resp.status(), status);
            assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
            assert_eq!(resp.headers()["x-frame-options"], "DENY");
            assert!(resp.headers()["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
            assert!(resp.headers().get("access-control-allow-origin").is_none());
        }
    }
}
