#!/usr/bin/env bash
# Load test for `briefing serve`: 50 concurrent connections for 30 s (wrk, on
# loopback only) across several pages, then checks there were no errors and
# that the server's memory did not grow. Usage: scripts/load.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-30}

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release --quiet --locked

site=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$site"' EXIT
cp -r content "$site/"
./target/release/briefing serve "$site" --port 0 > "$site/serve.log" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q '^Serving' "$site/serve.log" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$site/serve.log" | head -1)
[ -n "$url" ] || { cat "$site/serve.log"; exit 1; }
case "$url" in http://127.*|http://\[::1\]*) ;; *) echo "refusing to load-test a non-loopback address: $url"; exit 1;; esac

cat > "$site/paths.lua" <<'LUA'
local paths = { "/", "/articles/", "/countries/kenya/", "/crises/haiti-security-crisis/",
  "/leaders/william-ruto/", "/style.css", "/articles/2023-09-21-ruto-blinken-unga/", "/missing/" }
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
LUA

rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
# Warm up, so allocator pools settle before the baseline is taken.
wrk -t2 -c50 -d3s -s "$site/paths.lua" "$url" > /dev/null
before=$(rss)
wrk -t2 -c50 -d"${duration}s" --latency -s "$site/paths.lua" "$url" | tee "$site/wrk.txt"
after=$(rss)

errors=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$site/wrk.txt")
errors=${errors:-0}
# The rotation includes one missing page on purpose; its 404s are expected.
non2xx=$(awk '/Non-2xx or 3xx responses/ {print $5}' "$site/wrk.txt")
requests=$(awk '/requests in/ {print $1}' "$site/wrk.txt")
expected404=$((requests / 8 + 1))
echo "memory: ${before} kB before, ${after} kB after"
echo "socket errors: ${errors}; non-2xx: ${non2xx:-0} (about ${expected404} expected from /missing/)"
status=0
[ "$errors" -eq 0 ] || { echo "FAIL: socket errors"; status=1; }
[ "${non2xx:-0}" -le $((expected404 + 50)) ] || { echo "FAIL: unexpected error responses"; status=1; }
# Allow 10 MB of slack for thread stacks and allocator caches.
[ "$after" -le $((before + 10240)) ] || { echo "FAIL: memory grew by $((after - before)) kB"; status=1; }
[ $status -eq 0 ] && echo "load: 1 passed, 0 failed" || echo "load: 0 passed, 1 failed"
exit $status
