#!/usr/bin/env bash
# Installs the weibao package in a fresh Debian 12 root that has never built anything (debootstrap
# --variant=minbase, the host's apt sources), the way a user would: `apt-get install ./weibao_*.deb`
# with recommends. Then, inside that root: `weibao --version`, `weibao --db … demo`, a report
# rendered (the font must come from the package), and the app started on the host's Xvfb to its
# first interactive screen (screenshot: ARTIFACT_DIR/clean-root-first-screen.png).
#
#   scripts/test-deb-clean-root.sh PATH.deb [ARTIFACT_DIR]     (scripts/test-deb.sh --clean-root)
#
# Root only (debootstrap, chroot, mounts). The mounts live in a private mount namespace
# (unshare -m), so they end with it; the root is deleted afterwards. The base system's packages
# are cached in $WEIBAO_DEBOOTSTRAP_CACHE (default ~/.cache/weibao-debootstrap) for the next run.
set -euo pipefail

# The second half runs in its own mount namespace (`unshare -m`, below): its mounts vanish with it.
if [ "${1:-}" = --inside ]; then
  log() { printf '[clean-root] %s\n' "$*" >&2; }
  in_root() { chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }
  mount -t proc proc "$R/proc"
  mount --rbind /dev "$R/dev"
  mount --rbind /sys "$R/sys"
  mkdir -p "$R/tmp/.X11-unix"
  mount --bind /tmp/.X11-unix "$R/tmp/.X11-unix"

  t0=$(date +%s)
  in_root apt-get update -q >"$WORK/apt.log" 2>&1 || { cat "$WORK/apt.log" >&2; exit 1; }
  before=$(in_root dpkg-query -W | wc -l)
  in_root apt-get install -y -q "$PKG" >"$WORK/apt.log" 2>&1 || { tail -n 30 "$WORK/apt.log" >&2; exit 1; }
  after=$(in_root dpkg-query -W | wc -l)
  log "apt-get install $PKG: $(( after - before )) packages with its dependencies, $(( $(date +%s) - t0 )) s"

  [ "$(in_root weibao --version)" = "weibao $(in_root dpkg-query -W -f='${Version}' weibao)" ] || { log "weibao --version is wrong"; exit 1; }
  in_root weibao --db /tmp/demo.db demo >/dev/null
  in_root weibao --db /tmp/demo.db report render --all --out /tmp/reports >/dev/null
  n=$(ls "$R"/tmp/reports/*.pdf | wc -l)
  pdf=$(ls "$R"/tmp/reports/*.pdf | head -n1)
  head -c 5 "$pdf" | grep -q '%PDF-' || { log "not a PDF: $pdf"; exit 1; }
  grep -aq 'NotoSansCJK' "$pdf" || { log "the report does not embed the Noto Sans CJK font"; exit 1; }
  log "weibao --version, demo (signs 2 reports: needs the packaged font), report render --all: $n PDFs"

  missing=$(in_root ldd /usr/bin/weibao-app | grep 'not found' || true)
  [ -z "$missing" ] || { log "unresolved libraries of weibao-app: $missing"; exit 1; }
  mkdir -p "$R/tmp/xdg-data" "$R/tmp/xdg-config" "$R/tmp/xdg-cache"
  t1=$(date +%s%N)
  : >"$R/tmp/app.log"
  chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 DISPLAY="$DISP" \
    WEIBAO_BENCH=1 WEIBAO_DB=/tmp/demo.db XDG_DATA_HOME=/tmp/xdg-data XDG_CONFIG_HOME=/tmp/xdg-config \
    XDG_CACHE_HOME=/tmp/xdg-cache XDG_RUNTIME_DIR=/tmp weibao-app >"$R/tmp/app.log" 2>&1 &
  app=$!
  for _ in $(seq 600); do grep -q "weibao-bench: ready" "$R/tmp/app.log" && break; kill -0 "$app" 2>/dev/null || break; sleep 0.1; done
  ready=0; grep -q "weibao-bench: ready today" "$R/tmp/app.log" && ready=1
  ms=$(( ($(date +%s%N) - t1) / 1000000 ))
  shown=0
  if [ "$ready" = 1 ] && "$HERE/wait-first-screen.sh" "$DISP" "$ART/clean-root-first-screen.png" 30; then shown=1; fi
  # Stop the app and whatever it started in the root (WebKit processes), by their process ids.
  kill "$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$R" ] && kill "${p#/proc/}" 2>/dev/null || true
  done
  sleep 0.5
  if [ "$ready" != 1 ]; then cat "$R/tmp/app.log" >&2; log "the app did not reach Today within 60 s"; exit 1; fi
  [ "$shown" = 1 ] || { log "Today is in the DOM but not on the display after 30 s"; exit 1; }
  log "weibao-app: Today ready in $ms ms; screenshot $ART/clean-root-first-screen.png"
  exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "run as root (debootstrap, chroot)" >&2; exit 1; }
DEB="$(readlink -f "${1:?usage: test-deb-clean-root.sh PATH.deb [ARTIFACT_DIR]}")"
ART="$(mkdir -p "${2:-test-artifacts/deb}" && cd "${2:-test-artifacts/deb}" && pwd)"
CACHE="${WEIBAO_DEBOOTSTRAP_CACHE:-$HOME/.cache/weibao-debootstrap}"
log() { printf '[clean-root] %s\n' "$*" >&2; }
command -v debootstrap >/dev/null || { log "debootstrap missing: run .ci/setup-system"; exit 1; }

# The host's Debian mirror (deb822 or one-line sources), else Debian's default.
MIRROR="$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | grep -v security | head -n1 || true)"
[ -n "$MIRROR" ] || MIRROR="$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"

WORK="$(mktemp -d /tmp/weibao-clean-root.XXXXXX)"
R="$WORK/root"
XPID=""
cleanup() {
  [ -n "$XPID" ] && kill "$XPID" 2>/dev/null && wait "$XPID" 2>/dev/null
  # Nothing may stay mounted under the root before it is deleted.
  if findmnt -rn -o TARGET | grep -q "^$R"; then
    log "mounts left under $R; not deleting it"; findmnt -rn -o TARGET | grep "^$R" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT INT TERM

t0=$(date +%s)
mkdir -p "$CACHE"
tarball="$CACHE/bookworm-minbase.tgz"
if [ ! -f "$tarball" ]; then
  log "caching the base system's packages in $tarball (once)"
  debootstrap --variant=minbase --make-tarball="$tarball.part" bookworm "$WORK/tarball" "$MIRROR" >"$WORK/tarball.log" 2>&1 \
    || { tail -n 20 "$WORK/tarball.log" >&2; exit 1; }
  mv "$tarball.part" "$tarball"
fi
log "debootstrap bookworm minbase from $MIRROR"
debootstrap --variant=minbase --unpack-tarball="$tarball" bookworm "$R" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
  || { tail -n 20 "$WORK/debootstrap.log" >&2; exit 1; }
rm -f "$R/etc/apt/sources.list"
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  cp /etc/apt/sources.list.d/debian.sources "$R/etc/apt/sources.list.d/"
else
  cp /etc/apt/sources.list "$R/etc/apt/sources.list"
fi
cp /etc/resolv.conf "$R/etc/resolv.conf" 2>/dev/null || true
cp "$DEB" "$R/tmp/"
PKG="/tmp/$(basename "$DEB")"
log "base system ready in $(( $(date +%s) - t0 )) s: $(chroot "$R" dpkg-query -W | wc -l) packages"

DISP=":$(( 60 + RANDOM % 9 ))"
Xvfb "$DISP" -screen 0 1366x768x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
XPID=$!
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X${DISP#:}" ] && break; sleep 0.1; done

# The mounts and the chroot run in a private mount namespace: they vanish when it exits.
HERE="$(cd "$(dirname "$0")" && pwd)"
export R PKG DISP ART WORK HERE
unshare -m --propagation private "$0" --inside </dev/null
log "done in $(( $(date +%s) - t0 )) s"
