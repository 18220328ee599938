#!/usr/bin/env bash
# Cold start of the desktop app to its first interactive screen (Today, with data), and the
# memory of the app plus its WebKit processes, on the demo data. Prints figures only.
#
#   scripts/bench-app.sh [RUNS]              debug build (default 5 runs; the build from scripts/e2e.sh)
#   scripts/bench-app.sh --release [RUNS]    release build (the one scripts/build-deb.sh packages)
#   scripts/bench-app.sh --installed [RUNS]  the installed package (/usr/bin/weibao-app, /usr/bin/weibao)
#
# "Cold" = a new process each run (the OS file cache stays warm, as on a laptop that has
# started the app before). The UI calls `ui_ready` after Today has rendered its list; with
# WEIBAO_BENCH set the shell prints a marker line, and we time spawn → marker from outside.
#
# Memory is PSS (proportional set size, /proc/PID/smaps_rollup): each shared page is split among
# the processes that map it, so the app and its WebKit processes add up without counting the
# shared libraries (GTK, WebKit, …) once per process as summed RSS does. Summed RSS is printed
# beside it for comparison with older figures.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/weibao-target}"
MODE=debug
case "${1:-}" in
  --release) MODE=release; shift ;;
  --installed) MODE=installed; shift ;;
  --debug) shift ;;
esac
case "$MODE" in
  debug) BIN="$CARGO_TARGET_DIR/debug/weibao-app"; CLI="$CARGO_TARGET_DIR/debug/weibao"
    HINT="build first: scripts/e2e.sh (or E2E build steps)" ;;
  release) BIN="$CARGO_TARGET_DIR/release/weibao-app"; CLI="$CARGO_TARGET_DIR/release/weibao"
    HINT="build first: scripts/build-deb.sh" ;;
  installed) BIN=/usr/bin/weibao-app; CLI=/usr/bin/weibao
    HINT="install first: scripts/build-deb.sh, then apt install ./weibao_*.deb" ;;
esac
RUNS="${1:-5}"
[ -x "$BIN" ] && [ -x "$CLI" ] || { echo "$HINT" >&2; exit 1; }

WORK="$(mktemp -d /tmp/weibao-bench.XXXXXX)"
XPID=""
cleanup() { [ -n "$XPID" ] && kill "$XPID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

DISP=":$(( 80 + RANDOM % 9 ))"
Xvfb "$DISP" -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 &
XPID=$!
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X${DISP#:}" ] && break; sleep 0.1; done

"$CLI" --db "$WORK/demo.db" demo >/dev/null

# The app process and all its descendants (WebKitWebProcess, WebKitNetworkProcess).
descendants() { local c; for c in $(ps -o pid= --ppid "$1"); do echo "$c"; descendants "$c"; done; }
# Sum a kB field over the tree: VmRSS from /proc/PID/status, Pss from /proc/PID/smaps_rollup.
tree_kib() {
  local file="$2" key="$3" total=0 p r
  for p in "$1" $(descendants "$1"); do
    r=$(awk -v k="$key:" '$1 == k {print $2}' "/proc/$p/$file" 2>/dev/null || true)
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
    procs=$(( 1 + $(descendants "$app" | wc -l) ))
    rss=$(tree_kib "$app" status VmRSS)
    own=$(awk '$1 == "VmRSS:" {print $2}' "/proc/$app/status")
    pss=$(tree_kib "$app" smaps_rollup Pss)
    own_pss=$(awk '$1 == "Pss:" {print $2}' "/proc/$app/smaps_rollup")
  fi
  kill "$app"; wait "$app" 2>/dev/null || true
done

sorted=($(printf '%s\n' "${times[@]}" | sort -n))
devices=$(sqlite3 "$WORK/demo.db" "SELECT COUNT(*) FROM device WHERE deleted = 0" 2>/dev/null || echo "?")
echo "cold start to first interactive screen (Today with data), $RUNS runs, $MODE build ($BIN):"
echo "  runs (ms): ${times[*]}"
echo "  median: ${sorted[$(( RUNS / 2 ))]} ms   min: ${sorted[0]} ms   max: ${sorted[-1]} ms"
echo "memory with demo data ($devices devices), Today screen shown, $procs processes:"
echo "  PSS  app process: $(( own_pss / 1024 )) MiB   app + WebKit processes: $(( pss / 1024 )) MiB"
echo "  RSS  app process: $(( own / 1024 )) MiB   app + WebKit processes, summed: $(( rss / 1024 )) MiB"
