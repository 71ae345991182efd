#!/usr/bin/env bash
# What a careful person would script by hand with the docker CLI to check the three exercises:
# inspect the images and their bases, read /src/global.json from the SDK image, run the app on a
# loopback port, poll it until it answers, remove it. The baseline for `workbench check --all`.
set -euo pipefail
docker=${DOCKER_CLI:-docker}
$docker image inspect golden/dotnet-core-sdk:3.0 mcr.microsoft.com/dotnet/core/sdk:3.0.100 \
  golden/aspnet-core:3.0 mcr.microsoft.com/dotnet/core/aspnet:3.0 golden-app:1.0 >/dev/null
for i in golden/dotnet-core-sdk:3.0 golden/aspnet-core:3.0 golden-app:1.0; do $docker image history -q --no-trunc "$i" >/dev/null; done
id=$($docker create golden/dotnet-core-sdk:3.0)
$docker cp "$id:/src/global.json" - >/dev/null
$docker rm "$id" >/dev/null
cid=$($docker run -d -p 127.0.0.1::80 golden-app:1.0)
port=$($docker port "$cid" 80/tcp | head -n 1 | sed 's/.*://')
for _ in $(seq 1 400); do
  if curl -sf "http://127.0.0.1:$port/" >/dev/null; then break; fi
  sleep 0.02
done
$docker rm -f "$cid" >/dev/null
