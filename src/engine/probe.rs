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
            Err(e) if e.is_connect() => return Ok(None),
            // Docker's port proxy accepts and then closes while the app is still starting.
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
