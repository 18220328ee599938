#!/usr/bin/env bash
# Builds the release Debian package of weibao with Tauri's bundler: the desktop app
# (/usr/bin/weibao-app, its desktop entry and icons), the `weibao` CLI (/usr/bin/weibao) and the
# report font and logo (/usr/share/weibao/resources/). Prints the path of the .deb last.
#
#   scripts/build-deb.sh          then: sudo apt install ./weibao_*.deb   (scripts/test-deb.sh checks it)
#
# Release profile only, in $CARGO_TARGET_DIR (default ~/.cache/weibao-target) like every other
# build here. The bundle settings are src-tauri/tauri.deb.conf.json, merged over tauri.conf.json
# with --config, so the debug `--no-bundle` build of scripts/e2e.sh is unaffected.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/weibao-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
log() { printf '[build-deb] %s\n' "$*" >&2; }
# What the build writes in the clone (ui/node_modules, ui/dist, src-tauri/gen, the staged CLI) is
# gitignored and the lock is used as committed: git status of ui/ and src-tauri/ must not change.
tree_state() { git status --porcelain -- ui src-tauri 2>/dev/null || true; }
before="$(tree_state)"

"$ROOT/.ci/setup-system"

# Exactly the committed lock; npm ci never rewrites it, so the build leaves `git status` clean.
log "ui: npm ci"
(cd ui && npm ci --no-audit --no-fund)

CONF="$ROOT/src-tauri/tauri.deb.conf.json"
version="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' src-tauri/tauri.conf.json | head -n1)"
deb="$CARGO_TARGET_DIR/release/bundle/deb/weibao_${version}_$(dpkg --print-architecture).deb"
rm -f "$deb"
log "the weibao CLI (release)"
cargo build --release --locked -p weibao --bin weibao
# Staged, without its symbol table (as Debian packages ship binaries), where tauri.deb.conf.json's
# bundle.linux.deb.files expects it (src-tauri/deb-staging/, gitignored).
mkdir -p src-tauri/deb-staging
install -s -m 0755 "$CARGO_TARGET_DIR/release/weibao" src-tauri/deb-staging/weibao

log "the desktop app (tauri build --no-bundle, release)"
ui/node_modules/.bin/tauri build --no-bundle --config "$CONF" -- --locked
# Strip the app's symbol table too (−7 MB), then bundle exactly that binary.
strip "$CARGO_TARGET_DIR/release/weibao-app"
log "the .deb (tauri bundle --bundles deb)"
ui/node_modules/.bin/tauri bundle --bundles deb --config "$CONF"

[ -f "$deb" ] || { log "no package at $deb"; ls -l "$CARGO_TARGET_DIR/release/bundle/deb/" >&2 || true; exit 1; }

after="$(tree_state)"
if [ "$before" != "$after" ]; then
  log "the build changed the work tree (git status of ui/ and src-tauri/ differs):"; git status --short -- ui src-tauri >&2; exit 1
fi
log "$(du -h "$deb" | cut -f1) — install with: sudo apt install $deb"
echo "$deb"
