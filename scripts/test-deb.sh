#!/usr/bin/env bash
# Checks the Debian package that scripts/build-deb.sh makes, as a user would meet it:
#   1. its control data (name, architecture, dependencies) and contents: the app, /usr/bin/weibao,
#      the desktop entry (desktop-file-validate), the icons and the report font, nothing outside /usr;
#   2. its dependencies resolve (apt-get install --simulate);
#   3. a real `apt-get install ./weibao_*.deb`: `weibao --version`, `weibao --db … demo` (its signed
#      reports rendered with the installed font: strace shows it read from /usr/share/weibao), the
#      installed app started under Xvfb to its first interactive screen (screenshot in
#      test-artifacts/deb/), its window class matching the desktop entry's StartupWMClass;
#   4. `apt-get remove weibao` leaves none of the package's files behind.
# With --clean-root it then does 2–3 again in a fresh Debian 12 (debootstrap, minbase) that has
# never built anything: only what the package's dependencies bring is there.
#
#   scripts/test-deb.sh [--clean-root] [PATH.deb]   (default: the .deb scripts/build-deb.sh made)
#
# Installs and removes the package, so it runs as root (or with sudo); it refuses to run when a
# weibao package is installed already rather than replace or remove someone's install.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/weibao-target}"
export DEBIAN_FRONTEND=noninteractive
ART="$ROOT/test-artifacts/deb"
CLEAN_ROOT=0
[ "${1:-}" = --clean-root ] && { CLEAN_ROOT=1; shift; }

pass=0
ok() { pass=$((pass + 1)); printf '[test-deb] ok   %s\n' "$*" >&2; }
fail() { printf '[test-deb] FAIL %s\n' "$*" >&2; exit 1; }
log() { printf '[test-deb] %s\n' "$*" >&2; }
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"

version="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' src-tauri/tauri.conf.json | head -n1)"
arch="$(dpkg --print-architecture)"
DEB="${1:-$CARGO_TARGET_DIR/release/bundle/deb/weibao_${version}_${arch}.deb}"
[ -f "$DEB" ] || fail "no package at $DEB: run scripts/build-deb.sh first"
DEB="$(readlink -f "$DEB")"
log "checking $DEB ($(du -h "$DEB" | cut -f1))"

WORK="$(mktemp -d /tmp/weibao-test-deb.XXXXXX)"
PIDS=()
INSTALLED_BY_US=0
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ "$INSTALLED_BY_US" = 1 ]; then $SUDO apt-get remove -y -q weibao >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
mkdir -p "$ART"
rm -f "$ART"/*.png

# --- 1. control data and contents ------------------------------------------------------------
field() { dpkg-deb -f "$DEB" "$1"; }
dpkg-deb -I "$DEB" >"$WORK/info.txt" || fail "dpkg-deb -I cannot read the package"
[ "$(field Package)" = weibao ] || fail "Package is '$(field Package)', not weibao"
[ "$(field Version)" = "$version" ] || fail "Version is '$(field Version)', not $version"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture is '$(field Architecture)', not $arch"
depends="$(field Depends)"
for d in libwebkit2gtk-4.1-0 libgtk-3-0 fonts-noto-cjk; do
  grep -qw -- "$d" <<<"$depends" || fail "Depends lacks $d: $depends"
done
[ -n "$(field Description)" ] || fail "no Description"
ok "control: weibao $version $arch, Depends: $depends"

dpkg-deb -c "$DEB" >"$WORK/contents.txt" || fail "dpkg-deb -c cannot list the package"
# One line a path, as installed: "usr/bin/weibao" or "./usr/bin/weibao" in the listing → /usr/bin/weibao.
norm() { sed 's|^\./||; s|/$||' | grep -v '^$' | sed 's|^|/|'; }
paths() { awk '{print $6}' "$WORK/contents.txt" | norm; }
mode_of() { awk '{print $6, $1}' "$WORK/contents.txt" | norm | awk -v p="$1" '$1 == p {print $2}'; }
FILES=(
  /usr/bin/weibao-app
  /usr/bin/weibao
  /usr/share/applications/weibao.desktop
  /usr/share/icons/hicolor/32x32/apps/weibao-app.png
  /usr/share/icons/hicolor/128x128/apps/weibao-app.png
  /usr/share/icons/hicolor/512x512/apps/weibao-app.png
  /usr/share/weibao/resources/fonts/NotoSansCJKsc-Regular.otf
  /usr/share/weibao/resources/fonts/LICENSE-OFL.txt
  /usr/share/weibao/resources/branding/logo.png
)
for f in "${FILES[@]}"; do
  grep -qx -- "$f" <(paths) || fail "the package lacks $f"
done
for f in /usr/bin/weibao-app /usr/bin/weibao; do
  [ "$(mode_of "$f")" = "-rwxr-xr-x" ] || fail "$f has mode $(mode_of "$f"), not -rwxr-xr-x"
done
outside="$(paths | grep -v -e '^/usr$' -e '^/usr/' || true)"
[ -z "$outside" ] || fail "files outside /usr: $outside"
ok "contents: the app, /usr/bin/weibao, the desktop entry, 3 icons, the report font and logo"

mkdir -p "$WORK/x"
dpkg-deb -x "$DEB" "$WORK/x"
for s in 32 128 512; do
  file -b "$WORK/x/usr/share/icons/hicolor/${s}x${s}/apps/weibao-app.png" | grep -q "PNG image data, $s x $s" \
    || fail "the ${s}x${s} icon is not a $s×$s PNG"
done
file -b "$WORK/x/usr/bin/weibao-app" | grep -q ELF || fail "/usr/bin/weibao-app is not an ELF binary"
file -b "$WORK/x/usr/bin/weibao" | grep -q ELF || fail "/usr/bin/weibao is not an ELF binary"
DESKTOP="$WORK/x/usr/share/applications/weibao.desktop"
desktop-file-validate "$DESKTOP" || fail "desktop-file-validate rejects weibao.desktop"
entry() { sed -n "s/^$1=//p" "$DESKTOP" | head -n1; }
[ "$(entry Type)" = Application ] || fail "desktop entry Type is not Application"
[[ "$(entry Name)" == *维保* && "$(entry Name)" == *weibao* ]] || fail "desktop entry Name '$(entry Name)' lacks 维保 or weibao"
[ "$(entry 'Exec')" = weibao-app ] || fail "desktop entry Exec is '$(entry Exec)', not weibao-app"
[ "$(entry Icon)" = weibao-app ] || fail "desktop entry Icon is '$(entry Icon)', not weibao-app"
[[ "$(entry Categories)" == *Office* ]] || fail "desktop entry Categories '$(entry Categories)' lacks Office"
grep -q '^Comment\[zh_CN\]=' "$DESKTOP" || fail "desktop entry has no Chinese comment"
ok "desktop entry: valid, Name=$(entry Name), Exec/Icon=weibao-app, Categories=$(entry Categories)"

# --- 2. dependencies resolve ---------------------------------------------------------------------
if dpkg-query -W -f='${Status}' weibao 2>/dev/null | grep -q "ok installed"; then
  fail "a weibao package is installed already: remove it first (apt remove weibao)"
fi
$SUDO apt-get install --simulate "$DEB" >"$WORK/simulate.txt" 2>&1 \
  || { cat "$WORK/simulate.txt" >&2; fail "apt-get install --simulate: the dependencies do not resolve"; }
ok "apt-get install --simulate resolves ($(grep -c '^Inst ' "$WORK/simulate.txt") packages to install)"

# --- 3. a real install ---------------------------------------------------------------------------
INSTALLED_BY_US=1
$SUDO apt-get install -y -q "$DEB" >"$WORK/install.txt" 2>&1 \
  || { cat "$WORK/install.txt" >&2; fail "apt-get install $DEB failed"; }
dpkg-query -W -f='${Status}' weibao | grep -q "install ok installed" || fail "weibao is not installed after apt-get install"
installed_files="$(dpkg -L weibao)"
ok "apt-get install: $(dpkg-query -W -f='${Installed-Size}' weibao) KiB installed"

[ "$(command -v weibao)" = /usr/bin/weibao ] || fail "weibao on PATH is $(command -v weibao), not /usr/bin/weibao"
[ "$(command -v weibao-app)" = /usr/bin/weibao-app ] || fail "weibao-app on PATH is $(command -v weibao-app), not /usr/bin/weibao-app"
[ "$(/usr/bin/weibao --version)" = "weibao $version" ] || fail "weibao --version says '$(/usr/bin/weibao --version)'"
missing_libs="$(ldd /usr/bin/weibao-app /usr/bin/weibao | grep 'not found' || true)"
[ -z "$missing_libs" ] || fail "unresolved libraries: $missing_libs"
ok "weibao --version: weibao $version; every shared library of both binaries resolves"

# `demo` renders and signs two reports. Their font must come from the package, not from the
# source tree this binary was built in (the core's last fallback): strace shows which file it reads.
DB="$WORK/demo.db"
strace -f -qq -e trace=openat -o "$WORK/strace.txt" /usr/bin/weibao --db "$DB" demo >"$WORK/demo.txt" 2>&1 \
  || { cat "$WORK/demo.txt" >&2; fail "weibao demo failed"; }
grep -q 'openat(.*"/usr/share/weibao/resources/fonts/NotoSansCJKsc-Regular.otf".* = [0-9]' "$WORK/strace.txt" \
  || { grep -i 'NotoSans' "$WORK/strace.txt" >&2 || true; fail "weibao demo did not render with the installed font"; }
/usr/bin/weibao --db "$DB" wo list --json >"$WORK/wo.json" || fail "weibao wo list failed"
/usr/bin/weibao --db "$DB" device show XA01-L01-BG01 --json >"$WORK/device.json" || fail "weibao device show failed"
ok "weibao --db demo.db demo (reports signed with /usr/share/weibao/resources): $(head -n1 "$WORK/demo.txt")"

/usr/bin/weibao --db "$DB" report render --all --out "$WORK/reports" >"$WORK/render.txt" 2>&1 \
  || { cat "$WORK/render.txt" >&2; fail "weibao report render --all failed"; }
pdf="$(ls "$WORK"/reports/*.pdf | head -n1)"
pdffonts "$pdf" | grep -q NotoSansCJK || fail "the rendered report does not embed Noto Sans CJK"
pdftotext "$pdf" - | grep -q '客户服务记录表' || fail "the rendered report lacks its Chinese title"
ok "report render --all: $(ls "$WORK"/reports/*.pdf | wc -l) PDFs, Noto Sans CJK embedded, Chinese text"

# The installed app, under Xvfb, from the desktop entry's command, to its first interactive screen.
DISP=":$(( 70 + RANDOM % 9 ))"
Xvfb "$DISP" -screen 0 1366x768x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X${DISP#:}" ] && break; sleep 0.1; done
mkdir -p "$WORK/xdg-data" "$WORK/xdg-config" "$WORK/xdg-cache"
t0=$(date +%s%N)
: >"$WORK/app.log"
DISPLAY="$DISP" WEIBAO_BENCH=1 WEIBAO_DB="$DB" XDG_DATA_HOME="$WORK/xdg-data" \
  XDG_CONFIG_HOME="$WORK/xdg-config" XDG_CACHE_HOME="$WORK/xdg-cache" \
  "$(entry Exec)" >"$WORK/app.log" 2>&1 &
APP=$!
PIDS+=($APP)
for _ in $(seq 600); do grep -q "weibao-bench: ready" "$WORK/app.log" && break; kill -0 "$APP" 2>/dev/null || break; sleep 0.1; done
grep -q "weibao-bench: ready today" "$WORK/app.log" || { cat "$WORK/app.log" >&2; fail "the installed app did not reach Today within 60 s"; }
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
SHOT="$ART/installed-first-screen.png"
"$ROOT/scripts/wait-first-screen.sh" "$DISP" "$SHOT" 30 || fail "Today is in the DOM but not on the display after 30 s"
shown=$(( ($(date +%s%N) - t0) / 1000000 ))
colors=$(convert "$SHOT" -format '%k' info:)
[ "$colors" -gt 64 ] || fail "the screenshot has only $colors colours: nothing rendered"
win=$(DISPLAY="$DISP" xwininfo -root -tree | awk '/"维保 weibao"/ {print $1; exit}')
[ -n "$win" ] || fail "no window titled 维保 weibao"
wmclass=$(DISPLAY="$DISP" xprop -id "$win" WM_CLASS | sed 's/.*= //')
grep -q "\"$(entry StartupWMClass)\"" <<<"$wmclass" \
  || fail "window class $wmclass does not match the desktop entry's StartupWMClass=$(entry StartupWMClass)"
ok "installed app: Today ready in $ms ms, on the display in $shown ms, window class $wmclass, screenshot test-artifacts/deb/installed-first-screen.png"
kill "$APP"; wait "$APP" 2>/dev/null || true

# --- 4. remove: nothing of the package stays ------------------------------------------------------
$SUDO apt-get remove -y -q weibao >"$WORK/remove.txt" 2>&1 || { cat "$WORK/remove.txt" >&2; fail "apt-get remove weibao failed"; }
INSTALLED_BY_US=0
if dpkg-query -W -f='${Status}' weibao 2>/dev/null | grep -q "installed\|config-files"; then
  fail "after apt-get remove weibao is still '$(dpkg-query -W -f='${Status}' weibao)'"
fi
left=()
while IFS= read -r f; do
  [ -z "$f" ] && continue
  if [ -e "$f" ] && [ ! -d "$f" ]; then left+=("$f"); fi
done <<<"$installed_files"
[ ${#left[@]} -eq 0 ] || fail "left behind after apt-get remove: ${left[*]}"
[ ! -e /usr/share/weibao ] || fail "/usr/share/weibao is left behind after apt-get remove"
ok "apt-get remove: none of the $(grep -c . <<<"$installed_files") paths left (files), /usr/share/weibao gone"

# --- optional: a fresh Debian 12 that never built anything ---------------------------------------
if [ "$CLEAN_ROOT" = 1 ]; then
  "$ROOT/scripts/test-deb-clean-root.sh" "$DEB" "$ART" || fail "the clean-root install failed"
  ok "clean Debian 12 root: installed, CLI, report and app all work"
fi

echo "$pass passed, 0 failed"
