#!/usr/bin/env bash
# End-to-end tests of the desktop app in the real webview (WebKitGTK), as a user drives it:
# builds the UI and the app once (`tauri build --debug --no-bundle`, UI embedded), starts Xvfb
# and tauri-driver (→ WebKitWebDriver), runs e2e/run.mjs, and cleans up whatever it started.
#
#   scripts/e2e.sh                 build + run every test
#   E2E_SKIP_BUILD=1 scripts/e2e.sh   reuse the last build
#   scripts/e2e.sh fault           run only tests whose name contains "fault"
#
# Screenshots land in test-artifacts/screens/, the signed PDF in test-artifacts/.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/weibao-target}"
TOOLS="${WEIBAO_TOOLS:-$HOME/.cache/weibao-tools}"
BIN="$CARGO_TARGET_DIR/debug/weibao-app"
CLI="$CARGO_TARGET_DIR/debug/weibao"
OFFICE="$CARGO_TARGET_DIR/debug/weibao-office"
ART="$ROOT/test-artifacts"

log() { printf '[e2e] %s\n' "$*" >&2; }

# --- tools: node packages and tauri-driver (into a cargo root that outlives clones) ---------
# npm ci installs exactly the committed lock and never rewrites it (the lock lists every
# platform's optional packages, so npm 11 accepts it): a run leaves `git status` clean.
[ -d ui/node_modules ] || (cd ui && npm ci --no-audit --no-fund)
[ -d e2e/node_modules ] || (cd e2e && npm ci --no-audit --no-fund)
if [ ! -x "$TOOLS/bin/tauri-driver" ]; then
  log "installing tauri-driver 2.1.0 into $TOOLS (~75 s, once)"
  cargo install tauri-driver --version 2.1.0 --locked --root "$TOOLS"
fi
command -v WebKitWebDriver >/dev/null || { log "WebKitWebDriver missing: run .ci/setup-system"; exit 1; }
command -v Xvfb >/dev/null || { log "Xvfb missing: run .ci/setup-system"; exit 1; }

# --- build once -------------------------------------------------------------------------------
if [ -z "${E2E_SKIP_BUILD:-}" ]; then
  log "building UI + app (tauri build --debug --no-bundle), the CLI and the office server"
  ui/node_modules/.bin/tauri build --debug --no-bundle
  # scripts/test-all.sh has just built both with the workspace's tests (the same sources, the
  # dev-dependencies' features unified in): building them again here would compile the core
  # twice more for nothing.
  if [ -n "${E2E_BINS_BUILT:-}" ] && [ -x "$CLI" ] && [ -x "$OFFICE" ]; then
    log "the CLI and the office server: as the workspace tests built them"
  else
    cargo build --bin weibao
    cargo build -p weibao-office --bin weibao-office   # the sync test's office (tests/sync.mjs)
  fi
fi
[ -x "$BIN" ] || { log "no app binary at $BIN"; exit 1; }

# --- a private world: data dirs, display, driver ------------------------------------------------
WORK="$(mktemp -d /tmp/weibao-e2e.XXXXXX)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
mkdir -p "$ART/screens" "$WORK/xdg-data" "$WORK/xdg-config" "$WORK/xdg-cache"
rm -f "$ART"/screens/*.png

DISP=":$(( 90 + RANDOM % 9 ))"
Xvfb "$DISP" -screen 0 1366x768x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X${DISP#:}" ] && break; sleep 0.1; done

# E2E_PORT (and the next port, WebKitWebDriver's) lets two runs share a machine.
PORT="${E2E_PORT:-4444}"
# The app inherits tauri-driver's environment: this is how the tests point it at their database.
DISPLAY="$DISP" XDG_DATA_HOME="$WORK/xdg-data" XDG_CONFIG_HOME="$WORK/xdg-config" XDG_CACHE_HOME="$WORK/xdg-cache" \
  WEIBAO_DB="$WORK/weibao.db" \
  "$TOOLS/bin/tauri-driver" --port "$PORT" --native-port "$((PORT + 1))" --native-driver "$(command -v WebKitWebDriver)" >"$WORK/driver.log" 2>&1 &
DRIVER_PID=$!
PIDS+=($DRIVER_PID)
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done

log "running the suite"
set +e
E2E_DRIVER_PID="$DRIVER_PID" E2E_BIN="$BIN" E2E_CLI="$CLI" E2E_OFFICE="$OFFICE" E2E_DB="$WORK/weibao.db" E2E_WORK="$WORK" E2E_ART="$ART" E2E_PORT="$PORT" \
  node e2e/run.mjs "$@"
rc=$?
set -e
if [ $rc -ne 0 ]; then log "driver log tail:"; tail -n 30 "$WORK/driver.log" >&2 || true; fi
exit $rc
