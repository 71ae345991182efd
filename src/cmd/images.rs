//! `workbench images`: the base images the exercises need — status, pull (with progress bars),
//! and an offline bundle an instructor saves once and loads on every lab machine. All through the
//! Engine API.
use std::collections::HashMap;
use std::time::Duration;

use anyhow::{Context as _, Result};
use bollard::query_parameters::{CreateImageOptionsBuilder, ImportImageOptionsBuilder, RemoveImageOptionsBuilder, TagImageOptionsBuilder};
use futures_util::StreamExt;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use tokio::io::AsyncWriteExt;

use super::Context;
use crate::cli::ImagesAction;
use crate::engine::Engine;

fn base_images(ctx: &Context) -> Vec<String> {
    let content = ctx.content.get();
    let mut v: Vec<String> = content.exercises.iter().filter_map(|e| e.spec.base.image.clone()).collect();
    v.sort();
    v.dedup();
    v
}

pub async fn run(ctx: &Context, action: ImagesAction) -> Result<u8> {
    let engine = match Engine::connect().await {
        Ok(e) => e,
        Err(e) => {
            super::environment_error(&e);
            return Ok(2);
        }
    };
    let images = base_images(ctx);
    match action {
        ImagesAction::Status { json } => {
            let mut rows = vec![];
            for i in &images {
                let facts = engine.image(i).await?;
                rows.push(serde_json::json!({"image": i, "present": facts.is_some(), "size": facts.map(|f| f.size)}));
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else {
                for r in &rows {
                    let size = r["size"].as_i64().map(|s| format!("{:.0} MB", s as f64 / 1e6)).unwrap_or_default();
                    println!("{} {} {size}", if r["present"].as_bool() == Some(true) { "✓" } else { "✗ missing" }, r["image"].as_str().unwrap_or(""));
                }
            }
            Ok(if rows.iter().all(|r| r["present"].as_bool() == Some(true)) { 0 } else { 1 })
        }
        ImagesAction::Pull { mirror } => pull(&engine, &images, mirror.as_deref()).await,
        ImagesAction::Save { file } => {
            let missing: Vec<&String> = {
                let mut m = vec![];
                for i in &images {
                    if engine.image(i).await?.is_none() {
                        m.push(i);
                    }
                }
                m
            };
            if !missing.is_empty() {
                eprintln!("error: not in the daemon, so they cannot be saved: {}", missing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "));
                return Ok(1);
            }
            let names: Vec<&str> = images.iter().map(String::as_str).collect();
            let mut stream = engine.docker().export_images(&names);
            let mut out = tokio::fs::File::create(&file).await.with_context(|| format!("Failed to create {}", file.display()))?;
            let bar = bytes_bar("saving");
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.context("the daemon stopped sending the images")?;
                out.write_all(&chunk).await?;
                bar.inc(chunk.len() as u64);
            }
            out.sync_all().await?;
            bar.finish_and_clear();
            println!("saved {} image(s) to {} ({:.0} MB)", images.len(), file.display(), bar.position() as f64 / 1e6);
            Ok(0)
        }
        ImagesAction::Load { file } => {
            let meta = std::fs::metadata(&file).with_context(|| format!("Failed to read {}", file.display()))?;
            let bar = bytes_bar("loading");
            bar.set_length(meta.len());
            let f = tokio::fs::File::open(&file).await?;
            let b2 = bar.clone();
            let body = tokio_util::io::ReaderStream::new(f).map(move |c| {
                if let Ok(c) = &c {
                    b2.inc(c.len() as u64);
                }
                c.map_err(|e| e.to_string())
            });
            let mut stream = engine.docker().import_image_stream(ImportImageOptionsBuilder::new().quiet(true).build(), body, None);
            let mut loaded = vec![];
            while let Some(item) = stream.next().await {
                let info = item.context("the daemon refused the bundle")?;
                if let Some(s) = info.stream {
                    loaded.push(s.trim().to_string());
                }
            }
            bar.finish_and_clear();
            for l in loaded.iter().filter(|l| !l.is_empty()) {
                println!("{l}");
            }
            Ok(0)
        }
    }
}

async fn pull(engine: &Engine, images: &[String], mirror: Option<&str>) -> Result<u8> {
    let multi = MultiProgress::new();
    let style = ProgressStyle::with_template("{prefix:>12} {bar:30} {bytes}/{total_bytes} {msg}").expect("valid template");
    let mut failed = false;
    for image in images {
        let source = match mirror {
            Some(_) if image.contains('@') => {
                eprintln!(
                    "error: {image} is named by its digest, which a copy from a mirror cannot be given; load the offline bundle instead: `workbench images load FILE`"
                );
                failed = true;
                continue;
            }
            Some(m) => mirrored(m, image),
            None => image.clone(),
        };
        let (from, tag) = split_tag(&source);
        let options = CreateImageOptionsBuilder::new().from_image(from).tag(tag).build();
        let mut stream = engine.docker().create_image(Some(options), None, None);
        let mut bars: HashMap<String, ProgressBar> = HashMap::new();
        if source == *image {
            println!("pulling {image}");
        } else {
            println!("pulling {image} from {source}");
        }
        let mut pulled = true;
        loop {
            let next = tokio::time::timeout(Duration::from_secs(120), stream.next()).await;
            let Ok(next) = next else {
                eprintln!("error: the registry stopped answering while pulling {source}");
                pulled = false;
                break;
            };
            let Some(item) = next else { break };
            match item {
                Ok(info) => {
                    let (Some(id), Some(detail)) = (info.id.clone(), info.progress_detail.as_ref()) else { continue };
                    let bar = bars.entry(id.clone()).or_insert_with(|| {
                        let b = multi.add(ProgressBar::new(0));
                        b.set_style(style.clone());
                        b.set_prefix(id.chars().take(12).collect::<String>());
                        b
                    });
                    if let Some(total) = detail.total {
                        bar.set_length(total.max(0) as u64);
                    }
                    if let Some(cur) = detail.current {
                        bar.set_position(cur.max(0) as u64);
                    }
                    bar.set_message(info.status.unwrap_or_default());
                }
                Err(e) => {
                    let advice = match mirror {
                        Some(m) => {
                            let path = source.strip_prefix(m.trim_end_matches('/')).unwrap_or(&source).trim_start_matches('/');
                            format!("Check that the mirror {m} holds {path}, or load the offline bundle: `workbench images load FILE`.")
                        }
                        None => "Without internet access, pull from a mirror (`--mirror REGISTRY`) or load the offline bundle: `workbench images load FILE`."
                            .to_string(),
                    };
                    eprintln!("error: could not pull {source}: {e}\n  {advice}");
                    pulled = false;
                    break;
                }
            }
        }
        for b in bars.values() {
            b.finish_and_clear();
        }
        if pulled && source != *image {
            // The exercises name the official image, so the mirror's copy takes that name; the
            // mirror's own tag is dropped again (the image stays: it has the official tag).
            let (repo, tag) = split_tag(image);
            let tagged = engine.docker().tag_image(&source, Some(TagImageOptionsBuilder::new().repo(repo).tag(tag).build())).await;
            if let Err(e) = tagged {
                eprintln!("error: pulled {source} but could not tag it {image}: {e}");
                pulled = false;
            } else {
                let untag = RemoveImageOptionsBuilder::new().noprune(true).build();
                let _ = engine.docker().remove_image(&source, Some(untag), None).await;
            }
        }
        if pulled {
            println!("✓ {image}");
        }
        failed |= !pulled;
    }
    Ok(if failed { 1 } else { 0 })
}

/// `repo:tag` split at the tag's colon (not a registry port's); no tag means `latest`. A digest
/// reference (`repo@sha256:…`) is pulled whole, with no tag.
fn split_tag(reference: &str) -> (&str, &str) {
    if reference.contains('@') {
        return (reference, "");
    }
    match reference.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => (repo, tag),
        _ => (reference, "latest"),
    }
}

/// Where `image` is found on `mirror`: the image's path without its registry host, under the
/// mirror (`mcr.microsoft.com/dotnet/core/sdk:3.0.100` → `MIRROR/dotnet/core/sdk:3.0.100`). As in
/// Docker, a first component with a dot or a colon, or `localhost`, is a registry; without one the
/// image is Docker Hub's, whose one-word names live under `library/`.
fn mirrored(mirror: &str, image: &str) -> String {
    let mirror = mirror.trim_end_matches('/');
    let path = match image.split_once('/') {
        Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => rest.to_string(),
        Some(_) => image.to_string(),
        None => format!("library/{image}"),
    };
    format!("{mirror}/{path}")
}

fn bytes_bar(what: &str) -> ProgressBar {
    let bar = ProgressBar::new(0);
    bar.set_style(ProgressStyle::with_template("{prefix} {bar:30} {bytes}/{total_bytes} {bytes_per_sec}").expect("valid template"));
    bar.set_prefix(what.to_string());
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mirror_holds_the_path_without_the_registry() {
        assert_eq!(mirrored("localhost:5000", "mcr.microsoft.com/dotnet/core/sdk:3.0.100"), "localhost:5000/dotnet/core/sdk:3.0.100");
        assert_eq!(mirrored("harbor.example/mcr-proxy/", "mcr.microsoft.com/dotnet/aspnet:8.0"), "harbor.example/mcr-proxy/dotnet/aspnet:8.0");
        assert_eq!(mirrored("m.example", "busybox:1.36"), "m.example/library/busybox:1.36");
        assert_eq!(mirrored("m.example", "grafana/grafana:11"), "m.example/grafana/grafana:11");
        assert_eq!(mirrored("m.example", "localhost/x:1"), "m.example/x:1");
    }

    #[test]
    fn the_tag_is_split_off_but_never_a_registry_port() {
        assert_eq!(split_tag("localhost:5000/dotnet/core/sdk:3.0.100"), ("localhost:5000/dotnet/core/sdk", "3.0.100"));
        assert_eq!(split_tag("localhost:5000/dotnet/core/sdk"), ("localhost:5000/dotnet/core/sdk", "latest"));
        assert_eq!(split_tag("busybox"), ("busybox", "latest"));
        assert_eq!(split_tag("m.example/x@sha256:ab12"), ("m.example/x@sha256:ab12", ""));
    }
}
