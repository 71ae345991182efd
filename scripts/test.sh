#!/usr/bin/env bash
# Runs every test, doing the set-up a fresh Debian 12 machine needs (as root): if no Docker daemon
# answers, install Debian's docker.io and start dockerd; install busybox-static (for the offline
# stand-ins of the .NET images), Podman and docker-registry (for the Podman and mirror tests) and
# Chromium (for the browser tests) when they are missing. On a machine where Docker already runs,
# that daemon is used.
#   scripts/test.sh              everything
#   SKIP_BROWSER=1 scripts/test.sh   without the browser tests
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else echo "need root for: $*" >&2; return 1; fi; }
apt_ready=0
apt_install() {
  if [ "$apt_ready" = 0 ]; then as_root apt-get update -qq; apt_ready=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

# The docker CLI for fixtures and tests: Debian's 20.10 client (BuildKit built in) when present.
docker_cli() { if [ -x /usr/bin/docker ]; then /usr/bin/docker "$@"; else docker "$@"; fi; }
daemon_answers() { timeout 10 bash -c 'if [ -x /usr/bin/docker ]; then /usr/bin/docker info; else docker info; fi' >/dev/null 2>&1; }

if ! daemon_answers; then
  log "no Docker daemon answers: starting one"
  command -v dockerd >/dev/null || apt_install docker.io
  # A dockerd ended by SIGKILL leaves its pid file, and the next one refuses to start.
  if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid 2>/dev/null)" 2>/dev/null; then
    as_root rm -f /var/run/docker.pid
  fi
  if [ -f /run/containerd/containerd.pid ] && ! kill -0 "$(cat /run/containerd/containerd.pid 2>/dev/null)" 2>/dev/null; then
    as_root rm -f /run/containerd/containerd.pid
  fi
  as_root bash -c 'nohup dockerd > /var/log/workbench-test-dockerd.log 2>&1 &'
  for _ in $(seq 1 60); do daemon_answers && break; sleep 1; done
  daemon_answers || { echo "dockerd did not come up:" >&2; tail -n 30 /var/log/workbench-test-dockerd.log >&2; exit 1; }
fi
docker_cli version --format 'Docker daemon: {{.Server.Version}} (API {{.Server.APIVersion}})'

if ! dpkg -s busybox-static >/dev/null 2>&1; then
  log "installing busybox-static for the offline stand-ins"
  apt_install busybox-static
fi

if ! command -v podman >/dev/null; then
  log "installing podman (the checker is also tested on its Docker-compatible API)"
  apt_install podman || echo "podman could not be installed: its tests will be skipped"
fi

if ! command -v docker-registry >/dev/null; then
  log "installing docker-registry (a local registry to test pulling from a mirror)"
  apt_install docker-registry || echo "docker-registry could not be installed: the mirror test will be skipped"
fi

log "format and lints"
cargo fmt --check
if cargo clippy --version >/dev/null 2>&1; then
  cargo clippy --locked --all-targets -q -- -D warnings
else
  echo "clippy is not installed (rustup component add clippy): lints skipped"
fi

log "cargo test"
cargo test --locked 2>&1

if [ "${SKIP_BROWSER:-0}" != 1 ]; then
  log "browser tests (headless Chromium)"
  if [ ! -x /usr/bin/chromium ]; then apt_install chromium fonts-noto-cjk; fi
  (cd tests/browser && { [ -d node_modules/playwright-core ] || npm install --no-audit --no-fund --silent; })
  cargo build --locked
  node tests/browser/run.mjs
fi

log "cleaning up test images"
docker_cli image rm -f golden/dotnet-core-sdk:3.0 golden/dotnetcore-sdk:3.0 golden/aspnet-core:3.0 golden-app:1.0 >/dev/null 2>&1 || true
docker_cli image prune -f >/dev/null 2>&1 || true
docker_cli system df
