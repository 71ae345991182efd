//! `workbench serve`: Jupyter-style launch — bind to loopback, print the URL with its token,
//! open the browser there.
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};

use super::Context;
use crate::cli::ServeArgs;
use crate::web::{self, AppState, door::Door};

pub async fn run(ctx: Context, args: ServeArgs) -> Result<u8> {
    if !args.bind.is_loopback() && !args.allow_remote {
        bail!(
            "{} is not a loopback address; listening there lets other machines reach a server that holds the Docker socket. Pass --allow-remote (the token is still required) if that is what you want.",
            args.bind
        );
    }
    let listener = tokio::net::TcpListener::bind((args.bind, args.port))
        .await
        .with_context(|| format!("Failed to listen on {}:{} (is another workbench running? try --port 0)", args.bind, args.port))?;
    let port = listener.local_addr()?.port();
    let door = Door::new(Door::token_from_env_or_random(), port, args.public_host.as_deref());
    let url_host = if args.bind.is_loopback() { "127.0.0.1".to_string() } else { args.public_host.clone().unwrap_or_else(|| args.bind.to_string()) };
    let url = format!("http://{url_host}:{port}/?token={}", door.token());
    let progress = ctx.progress().map(Arc::new);
    if let Some(p) = &progress
        && let Some(aside) = &p.moved_aside
    {
        eprintln!("note: the old progress file was unreadable and was kept at {}", aside.display());
    }
    let state = AppState::new(ctx.content.clone(), ctx.workspace.clone(), progress, door, Duration::from_secs(args.build_timeout));
    let problems = ctx.content.get().problems.len();
    if problems > 0 {
        eprintln!("warning: {problems} content problem(s); `workbench content check` lists them");
    }
    // A closed stdout (`workbench serve | head -1`) must not stop the server: write, don't panic.
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "Workbench ready at {url}");
        let _ = writeln!(out, "  workspace: {}", ctx.workspace.display());
        let _ = writeln!(out, "  Press Ctrl+C to stop.");
        let _ = out.flush();
    }
    if !args.no_open {
        let u = url.clone();
        tokio::task::spawn_blocking(move || {
            if webbrowser::open(&u).is_err() {
                eprintln!("(could not open a browser; open the URL above yourself)");
            }
        });
    }
    // Docker leftovers from a crashed earlier run are removed in the background.
    let s2 = state.clone();
    tokio::spawn(async move {
        let _ = s2.engine().await;
    });
    axum::serve(listener, web::app(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("the web server stopped")?;
    Ok(0)
}
