#!/usr/bin/env bash
# The office web app end to end in a real browser (issue 15): Debian's chromium, headless,
# driven through chromium-driver (WebDriver) by the same webdriverio as the desktop suite;
# a real `weibao-office serve` on a loopback port with the demo; the real `weibao` CLI as the
# engineer's laptop. Screenshots land in test-artifacts/screens/office/.
#
#   scripts/e2e-office.sh          build the web app (npm run build:office) and the binaries, run
#   E2E_BINS_BUILT=1 …             reuse the CLI and office server the workspace tests built
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/weibao-target}"
CLI="$CARGO_TARGET_DIR/debug/weibao"
OFFICE="$CARGO_TARGET_DIR/debug/weibao-office"
ART="$ROOT/test-artifacts"
log() { printf '[e2e-office] %s\n' "$*" >&2; }

command -v chromium >/dev/null || { log "chromium missing: run .ci/setup-system"; exit 1; }
command -v chromedriver >/dev/null || { log "chromedriver missing (Debian package chromium-driver): run .ci/setup-system"; exit 1; }
[ -d ui/node_modules ] || (cd ui && npm ci --no-audit --no-fund)
[ -d e2e/node_modules ] || (cd e2e && npm ci --no-audit --no-fund)

log "building the office web app (ui/dist-office)"
(cd ui && npm run --silent build:office >/dev/null)
if [ -n "${E2E_BINS_BUILT:-}" ] && [ -x "$CLI" ] && [ -x "$OFFICE" ]; then
  log "the CLI and the office server: as the workspace tests built them"
else
  cargo build --bin weibao
  cargo build -p weibao-office --bin weibao-office
fi

WORK="$(mktemp -d /tmp/weibao-e2e-office.XXXXXX)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
mkdir -p "$ART/screens/office"
rm -f "$ART"/screens/office/*.png

DRIVER_PORT="${E2E_DRIVER_PORT:-4460}"
chromedriver --port="$DRIVER_PORT" >"$WORK/chromedriver.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$DRIVER_PORT") 2>/dev/null && break; sleep 0.1; done

log "running the office suite"
set +e
E2E_OFFICE="$OFFICE" E2E_CLI="$CLI" E2E_WEB="$ROOT/ui/dist-office" E2E_WORK="$WORK" E2E_ART="$ART" \
  E2E_DRIVER_PORT="$DRIVER_PORT" E2E_OFFICE_PORT="${E2E_OFFICE_PORT:-8490}" node e2e/office/run.mjs "$@"
rc=$?
set -e
if [ $rc -ne 0 ]; then log "chromedriver log tail:"; tail -n 20 "$WORK/chromedriver.log" >&2 || true; fi
exit $rc
