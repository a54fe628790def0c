#!/usr/bin/env bash
# The README's demo: start cni-mock, drive it, stop it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

cargo build --locked --quiet --bins --example rest-client
token="demo-token-$RANDOM$RANDOM"
account=023e105f4ecef8ad9ca31a8372d0c353
out=$(mktemp)
trap 'kill "$mock_pid" 2>/dev/null || true; rm -f "$out"' EXIT
target/debug/cni-mock --listen 127.0.0.1:0 --token "$token" >"$out" &
mock_pid=$!
for _ in $(seq 100); do [ -s "$out" ] && break; sleep 0.05; done
base_url=$(head -1 "$out")
echo "cni-mock is serving $base_url"
CLOUDFLARE_API_TOKEN="$token" target/debug/examples/rest-client "$base_url" "$account"
