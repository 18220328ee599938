#!/usr/bin/env bash
# Start weibao on the embedded demo data, from a fresh Debian 12 machine: installs the system
# packages, builds the UI and the desktop app once, creates a demo database (kept in
# ~/.local/share/weibao/demo.db; delete it to start over) and opens the app on it.
# Without a display it prints what the CLI sees of the demo data instead.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/weibao-target}"
DB="${WEIBAO_DB:-${XDG_DATA_HOME:-$HOME/.local/share}/weibao/demo.db}"
"$ROOT/.ci/setup-system"
cargo build --locked --bin weibao
CLI="$CARGO_TARGET_DIR/debug/weibao"
if [ ! -f "$DB" ]; then
  mkdir -p "$(dirname "$DB")"
  "$CLI" --db "$DB" demo
fi
if [ -z "${DISPLAY:-}" ]; then
  echo "No display: showing the demo data through the CLI (set DISPLAY to open the desktop app)."
  "$CLI" --db "$DB" wo list
  "$CLI" --db "$DB" stock show 张伟车载库
  exit 0
fi
# npm ci installs exactly the committed lock and never rewrites it (the lock lists every
# platform's optional packages, so npm 11 accepts it): a run leaves `git status` clean.
[ -d ui/node_modules ] || (cd ui && npm ci --no-audit --no-fund)
ui/node_modules/.bin/tauri build --debug --no-bundle
WEIBAO_DB="$DB" exec "$CARGO_TARGET_DIR/debug/weibao-app"
