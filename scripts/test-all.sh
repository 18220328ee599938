#!/usr/bin/env bash
# Every test of weibao, from a fresh Debian 12 machine: system packages, formatting, clippy,
# the whole workspace's tests (core, CLI, checklists, reports, office, desktop shell), then
# the desktop app's end-to-end suite in the real webview under Xvfb, the office web app's in
# headless chromium, and a short fuzz run
# (scripts/fuzz.sh; WEIBAO_SKIP_FUZZ=1 skips it).
#
# Build caches live outside the clone ($CARGO_TARGET_DIR, default ~/.cache/weibao-target) so
# reruns are fast. Test artifacts (rendered report pages, screenshots) land in test-artifacts/.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/weibao-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# A run from a fresh clone gains nothing from incremental caches, which take more disk than the
# build itself: off in CI (a local run keeps whatever the caller set).
if [[ "${CI:-}" == true ]]; then export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"; fi
step() { printf '\n== %s\n' "$*" >&2; }

step "system packages"
"$ROOT/.ci/setup-system"

step "rustfmt"
cargo fmt --all -- --check

step "lock files current (the fuzz workspace has its own lock; a stale one would fail only at the end)"
cargo metadata --locked --format-version 1 --manifest-path "$ROOT/fuzz/Cargo.toml" >/dev/null

step "clippy (-D warnings)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "workspace tests"
if command -v cargo-nextest >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast
else
  cargo test --workspace --locked --no-fail-fast
fi

step "desktop app end-to-end (real webview, Xvfb)"
E2E_BINS_BUILT=1 "$ROOT/scripts/e2e.sh"

step "office web app end-to-end (Debian's chromium, headless, chromium-driver)"
E2E_BINS_BUILT=1 "$ROOT/scripts/e2e-office.sh"

step "fuzzing: every parser of outside data, 30 s per target on the corpus in fuzz/"
if [[ "${WEIBAO_SKIP_FUZZ:-0}" == 1 ]]; then
  echo "fuzzing skipped: WEIBAO_SKIP_FUZZ=1" >&2
else
  "$ROOT/scripts/fuzz.sh" "${WEIBAO_FUZZ_SECONDS:-30}"
fi

step "all tests passed"
