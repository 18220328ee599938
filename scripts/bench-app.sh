#!/usr/bin/env bash
# Cold start of the desktop app to its first interactive screen (Today, with data), and the
# resident memory of the app plus its WebKit processes, on the demo data. Prints figures only.
#
#   scripts/bench-app.sh [RUNS]      (default 5; needs the build from scripts/e2e.sh)
#
# "Cold" = a new process each run (the OS file cache stays warm, as on a laptop that has
# started the app before). The UI calls `ui_ready` after Today has rendered its list; with
# WEIBAO_BENCH set the shell prints a marker line, and we time spawn → marker from outside.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/weibao-target}"
BIN="$CARGO_TARGET_DIR/debug/weibao-app"
CLI="$CARGO_TARGET_DIR/debug/weibao"
RUNS="${1:-5}"
[ -x "$BIN" ] && [ -x "$CLI" ] || { echo "build first: scripts/e2e.sh (or E2E build steps)" >&2; exit 1; }

WORK="$(mktemp -d /tmp/weibao-bench.XXXXXX)"
XPID=""
cleanup() { [ -n "$XPID" ] && kill "$XPID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

DISP=":$(( 80 + RANDOM % 9 ))"
Xvfb "$DISP" -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 &
XPID=$!
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X${DISP#:}" ] && break; sleep 0.1; done

"$CLI" --db "$WORK/demo.db" demo >/dev/null

# Sum VmRSS of a process and all its descendants (WebKitWebProcess, WebKitNetworkProcess).
descendants() { local c; for c in $(ps -o pid= --ppid "$1"); do echo "$c"; descendants "$c"; done; }
tree_rss_kib() {
  local total=0 p r
  for p in "$1" $(descendants "$1"); do
    r=$(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || true)
    total=$(( total + ${r:-0} ))
  done
  echo "$total"
}

times=()
for i in $(seq "$RUNS"); do
  out="$WORK/run$i.log"
  t0=$(date +%s%N)
  DISPLAY="$DISP" WEIBAO_BENCH=1 WEIBAO_DB="$WORK/demo.db" XDG_DATA_HOME="$WORK/xdg" XDG_CACHE_HOME="$WORK/xdg-cache" \
    "$BIN" >"$out" 2>&1 &
  app=$!
  for _ in $(seq 600); do grep -q "weibao-bench: ready" "$out" && break; sleep 0.01; done
  t1=$(date +%s%N)
  grep -q "weibao-bench: ready" "$out" || { echo "run $i: no ready marker" >&2; cat "$out" >&2; kill "$app"; exit 1; }
  times+=($(( (t1 - t0) / 1000000 )))
  if [ "$i" = "$RUNS" ]; then
    sleep 2  # let the first screen settle before measuring memory
    rss=$(tree_rss_kib "$app")
    own=$(awk '/^VmRSS/ {print $2}' "/proc/$app/status")
  fi
  kill "$app"; wait "$app" 2>/dev/null || true
done

sorted=($(printf '%s\n' "${times[@]}" | sort -n))
devices=$(sqlite3 "$WORK/demo.db" "SELECT COUNT(*) FROM device WHERE deleted = 0" 2>/dev/null || echo "?")
echo "cold start to first interactive screen (Today with data), $RUNS runs, debug build:"
echo "  runs (ms): ${times[*]}"
echo "  median: ${sorted[$(( RUNS / 2 ))]} ms   min: ${sorted[0]} ms   max: ${sorted[-1]} ms"
echo "resident memory with demo data ($devices devices), Today screen shown:"
echo "  app process: $(( own / 1024 )) MiB   app + WebKit processes: $(( rss / 1024 )) MiB"
