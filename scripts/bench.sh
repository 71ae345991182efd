#!/usr/bin/env bash
# Benchmarks workbench side by side with the docker CLI on this machine's daemon, alternating A and
# B, median of N runs (default 7), and prints the ratios. Needs a running Docker daemon; builds the
# offline stand-ins and the reference solutions first. Writes nothing but temporary folders.
#   scripts/bench.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-7}"
export DOCKER_CLI="${DOCKER_CLI:-$( [ -x /usr/bin/docker ] && echo /usr/bin/docker || echo docker )}"
docker="$DOCKER_CLI"
cargo build --release --locked -q
wb="$PWD/target/release/workbench"
tmp="$(mktemp -d)"
# Whatever this script started is stopped on the way out, also when it fails half-way.
pid=""; book=""
stop_all() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  [ -n "$book" ] && kill "$book" 2>/dev/null
  [ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null
  rm -rf "$tmp"
}
trap stop_all EXIT
# wait_for URL [HEADER]: until it answers, at most 30 s.
wait_for() {
  for _ in $(seq 1 3000); do curl -sf -o /dev/null ${2:+-H "$2"} "$1" && return 0; sleep 0.01; done
  echo "no answer from $1 within 30 s" >&2; exit 1
}
ws="$tmp/ws"; data="$tmp/data"
mkdir -p "$ws"
for e in golden-sdk golden-runtime golden-app; do cp -r "exercises/$e/solution" "$ws/$e"; done
bash tests/fixtures/stand-ins/build.sh >/dev/null
for e in golden-sdk golden-runtime golden-app; do "$wb" --workspace "$ws" --data "$data" build "$e" >/dev/null; done

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f", m/1e6}'; }
# time_pair NAME "A command" "B command": alternate A and B, print the medians and B/A... as A/B.
time_pair() {
  local name="$1" a="$2" b="$3" ta=() tb=()
  for _ in $(seq 1 "$runs"); do
    local s; s=$(now); eval "$a" >/dev/null 2>&1; ta+=($(( $(now) - s )))
    s=$(now); eval "$b" >/dev/null 2>&1; tb+=($(( $(now) - s )))
  done
  local ma mb
  ma=$(printf '%s\n' "${ta[@]}" | median); mb=$(printf '%s\n' "${tb[@]}" | median)
  printf '%-34s workbench %8s ms   docker CLI %8s ms   ratio %s\n' "$name" "$ma" "$mb" "$(awk -v a="$ma" -v b="$mb" 'BEGIN {printf "%.2fx", a/b}')"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); daemon $($docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})')"
echo "runs per figure: $runs (alternating), medians"
echo
time_pair "check --all vs CLI script" "'$wb' --workspace '$ws' --data '$data' check --all" "bash scripts/bench/cli-check.sh"
time_pair "build x3, cached" \
  "for e in golden-sdk golden-runtime golden-app; do '$wb' --workspace '$ws' --data '$data' build \$e; done" \
  "for e in golden-sdk:golden/dotnet-core-sdk:3.0 golden-runtime:golden/aspnet-core:3.0 golden-app:golden-app:1.0; do DOCKER_BUILDKIT=0 $docker build -q -t \${e#*:} '$ws/'\${e%%:*}; done"
time_pair "build x3, --no-cache" \
  "for e in golden-sdk golden-runtime golden-app; do '$wb' --workspace '$ws' --data '$data' build \$e --no-cache; done" \
  "for e in golden-sdk:golden/dotnet-core-sdk:3.0 golden-runtime:golden/aspnet-core:3.0 golden-app:golden-app:1.0; do DOCKER_BUILDKIT=0 $docker build -q --no-cache -t \${e#*:} '$ws/'\${e%%:*}; done"

# Launch to first answered request, and idle memory.
launch=()
for _ in $(seq 1 "$runs"); do
  s=$(now)
  WORKBENCH_TOKEN=bench "$wb" --workspace "$ws" --data "$data" serve --no-open --port 8766 >/dev/null 2>&1 &
  pid=$!
  # Polled every 2 ms (bounded): this loop is the measurement.
  for _ in $(seq 1 15000); do curl -sf -o /dev/null -H 'Authorization: Bearer bench' http://127.0.0.1:8766/ && break; sleep 0.002; done
  launch+=($(( $(now) - s )))
  sleep 1
  rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  kill $pid; wait $pid 2>/dev/null || true; pid=""
done
printf '%-34s %s ms (goal <= 100 ms)\n' "serve: launch to first answer" "$(printf '%s\n' "${launch[@]}" | median)"
printf '%-34s %.1f MiB (goal <= 25 MiB)\n' "serve: resident memory when idle" "$(awk -v k="$rss" 'BEGIN {print k/1024}')"

# Pages and verdicts under load from a second process on loopback: wrk, 2 threads, 100
# connections, 10 s per round. The lesson page is measured in alternating rounds beside nginx (the
# same bytes as a static file: the machine's floor) and `mdbook serve` with two chapters: one cut
# so that mdBook's page has the same size as ours (mdBook's own page chrome is ~18 KB), and the
# whole lesson; each when installed.
# load NAME URL [HEADER]: one wrk round; prints a line and leaves req/s in $rps.
load() {
  local out
  out=$(wrk -t2 -c100 -d10s --latency ${3:+-H "$3"} "$2")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  printf '  %-28s %10.0f req/s   p50 %8s   p99 %8s\n' "$1" "$rps" "$(awk '$1=="50%" {print $2}' <<<"$out")" "$(awk '$1=="99%" {print $2}' <<<"$out")"
}
if command -v wrk >/dev/null; then
  auth='Authorization: Bearer bench'
  WORKBENCH_TOKEN=bench "$wb" --workspace "$ws" --data "$data" serve --no-open --port 8766 >/dev/null 2>&1 &
  pid=$!
  wait_for http://127.0.0.1:8766/ "$auth"
  page=http://127.0.0.1:8766/lessons/hands-on
  echo "lesson page /lessons/hands-on: $(curl -s -H "$auth" $page | wc -c) bytes"
  if command -v nginx >/dev/null; then
    mkdir -p "$tmp/nginx"
    curl -s -H "$auth" $page > "$tmp/nginx/hands-on.html"
    # Every path nginx writes is under $tmp, so it also runs without root.
    printf 'worker_processes %s;\npid %s;\nerror_log %s;\nevents { worker_connections 1024; }\nhttp { access_log off; client_body_temp_path %s/b; proxy_temp_path %s/p; fastcgi_temp_path %s/f; uwsgi_temp_path %s/u; scgi_temp_path %s/s; server { listen 127.0.0.1:8768; root %s; } }\n' \
      "$(nproc)" "$tmp/nginx.pid" "$tmp/nginx-error.log" "$tmp" "$tmp" "$tmp" "$tmp" "$tmp" "$tmp/nginx" > "$tmp/nginx.conf"
    nginx -c "$tmp/nginx.conf"
    echo "  (nginx: $(nginx -v 2>&1 | sed 's:.*/::'), the same bytes as a static file)"
  else
    echo "  (install nginx-light for the machine's floor on the same bytes)"
  fi
  if command -v mdbook >/dev/null; then
    ours_bytes=$(curl -s -H "$auth" $page | wc -c)
    mkdir -p "$tmp/book/src"
    printf '[book]\ntitle = "bench"\n' > "$tmp/book/book.toml"
    printf '# Summary\n\n- [Same size](same-size.md)\n- [Hands-on](hands-on.md)\n' > "$tmp/book/src/SUMMARY.md"
    # The lesson without its front matter (line 1 opens it, the next `---` closes it).
    sed '1,/^---$/d' lessons/en/06-hands-on.md > "$tmp/book/src/hands-on.md"
    # Cut the lesson so that the rendered page is our page's size: measure mdBook's chrome with
    # an empty chapter, then take as much of the lesson (whole lines) as the rest allows, twice.
    : > "$tmp/book/src/same-size.md"
    built() { (cd "$tmp/book" && mdbook build >/dev/null 2>&1) && wc -c < "$tmp/book/book/same-size.html"; }
    chrome=$(built); budget=$(( ours_bytes - chrome ))
    for _ in 1 2; do
      head -c "$budget" "$tmp/book/src/hands-on.md" | sed '$d' > "$tmp/book/src/same-size.md"
      got=$(built)
      budget=$(( budget * (ours_bytes - chrome) / (got - chrome) ))
    done
    (cd "$tmp/book" && exec mdbook serve -p 8767 >/dev/null 2>&1) &
    book=$!
    wait_for http://127.0.0.1:8767/hands-on.html
    echo "  (mdbook serve: $(mdbook --version); a $(curl -s http://127.0.0.1:8767/same-size.html | wc -c)-byte page of the lesson's first part, and the whole lesson as a $(curl -s http://127.0.0.1:8767/hands-on.html | wc -c)-byte page)"
  else
    echo "  (install mdBook for the side-by-side: cargo install mdbook --version 0.5.4)"
  fi
  for round in 1 2; do
    echo " round $round:"
    load workbench $page "$auth"; ours=$rps
    if command -v nginx >/dev/null; then load "nginx (floor)" http://127.0.0.1:8768/hands-on.html; fi
    if command -v mdbook >/dev/null; then
      load "mdbook serve, same size" http://127.0.0.1:8767/same-size.html
      printf '  %-28s %10s\n' "workbench / mdbook" "$(awk -v a="$ours" -v b="$rps" 'BEGIN {printf "%.1fx", a/b}')"
      load "mdbook serve, whole lesson" http://127.0.0.1:8767/hands-on.html
      printf '  %-28s %10s\n' "workbench / mdbook" "$(awk -v a="$ours" -v b="$rps" 'BEGIN {printf "%.1fx", a/b}')"
    fi
  done
  if command -v nginx >/dev/null; then kill "$(cat "$tmp/nginx.pid")"; fi
  if [ -n "$book" ]; then kill "$book"; book=""; fi

  cat > "$tmp/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = "{}"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench"
LUA
  echo "check verdict POST /api/exercises/golden-sdk/check (100 connections, 10 s):"
  wrk -t2 -c100 -d10s --latency -s "$tmp/post.lua" http://127.0.0.1:8766/api/exercises/golden-sdk/check | awk '/Requests\/sec|99%|Non-2xx/ {print "  " $0}'
  # Concurrent checks of the app: they coalesce, so no two probe containers exist at once.
  max=0
  ( for _ in $(seq 1 8); do curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -H "$auth" -d '{}' http://127.0.0.1:8766/api/exercises/golden-app/check & done; wait ) &
  loader=$!
  while kill -0 $loader 2>/dev/null; do
    n=$($docker ps -q --filter label=workbench.managed=true | wc -l); [ "$n" -gt "$max" ] && max=$n
  done
  echo "8 concurrent checks of golden-app: at most $max probe container(s) at once"
  kill $pid; wait $pid 2>/dev/null || true; pid=""
else
  echo "(install wrk for the load figures: apt-get install wrk)"
fi
printf '%-34s %s\n' "binary size (release, all embedded)" "$(du -h "$wb" | cut -f1) ($(stat -c %s "$wb") bytes)"
$docker image rm -f golden-app:1.0 golden/aspnet-core:3.0 golden/dotnet-core-sdk:3.0 >/dev/null
