//! The server-side probe of a learner's app: one plain GET, no credentials, no redirects
//! followed, a capped body and a deadline, so a hostile or broken app cannot stall or flood us.
use std::time::Duration;

use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

/// Bytes of the app's answer read at most.
pub const MAX_BODY: usize = 64 * 1024;

#[derive(Debug, Clone)]
pub struct ProbeAnswer {
    pub status: u16,
    pub body_start: String,
}

/// One attempt: `Ok(None)` when nothing listens yet (connection refused or reset).
pub async fn get_once(port: u16, path: &str, limit: Duration) -> Result<Option<ProbeAnswer>, String> {
    let client: Client<_, Empty<bytes::Bytes>> = Client::builder(TokioExecutor::new()).pool_max_idle_per_host(0).build_http();
    let uri: hyper::Uri = format!("http://127.0.0.1:{port}{path}").parse().map_err(|e| format!("bad probe path: {e}"))?;
    let req = hyper::Request::get(uri).header("user-agent", "workbench-probe").body(Empty::new()).map_err(|e| e.to_string())?;
    let attempt = async {
        let resp = match client.request(req).await {
            Ok(r) => r,
            // Refused, or — Docker's port proxy accepts and then closes while the app is still
            // starting — reset: either way nothing answers yet.
            Err(_) => return Ok(None),
        };
        let status = resp.status().as_u16();
        let body = Limited::new(resp.into_body(), MAX_BODY).collect().await.map(|b| b.to_bytes()).unwrap_or_default();
        Ok(Some(ProbeAnswer { status, body_start: String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned() }))
    };
    match tokio::time::timeout(limit, attempt).await {
        Ok(r) => r,
        Err(_) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    /// A one-shot HTTP server on loopback: answers `response`, hands back the request it saw.
    async fn serve_once(response: Vec<u8>) -> (u16, tokio::task::JoinHandle<String>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let task = tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut buf = vec![0u8; 4096];
            let n = s.read(&mut buf).await.unwrap();
            let _ = s.write_all(&response).await;
            String::from_utf8_lossy(&buf[..n]).into_owned()
        });
        (port, task)
    }

    #[tokio::test]
    async fn redirects_are_not_followed_and_no_credentials_are_sent() {
        let (port, seen) = serve_once(b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/elsewhere\r\nContent-Length: 0\r\n\r\n".to_vec()).await;
        let answer = get_once(port, "/", Duration::from_secs(2)).await.unwrap().unwrap();
        assert_eq!(answer.status, 302, "the redirect is reported, not followed");
        let request = seen.await.unwrap().to_ascii_lowercase();
        assert!(!request.contains("cookie") && !request.contains("authorization"), "{request}");
    }

    #[tokio::test]
    async fn a_huge_body_is_cut_and_a_silent_app_times_out() {
        let mut huge = b"HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n".to_vec();
        huge.extend(std::iter::repeat_n(b'x', 2 * MAX_BODY));
        let (port, _seen) = serve_once(huge).await;
        let started = std::time::Instant::now();
        let answer = get_once(port, "/", Duration::from_secs(2)).await.unwrap();
        assert!(started.elapsed() < Duration::from_secs(3));
        if let Some(a) = answer {
            assert!(a.body_start.len() <= 200);
        }
        // Accepts but never answers: the attempt ends at its deadline.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let _hold = tokio::spawn(async move {
            let (_s, _) = listener.accept().await.unwrap();
            tokio::time::sleep(Duration::from_secs(30)).await;
        });
        let started = std::time::Instant::now();
        assert!(get_once(port, "/", Duration::from_millis(300)).await.unwrap().is_none());
        assert!(started.elapsed() < Duration::from_secs(2));
    }
}
