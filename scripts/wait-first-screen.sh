#!/usr/bin/env bash
# Waits until the desktop app's first screen is on the X display, not just in the DOM, and keeps
# a screenshot of it. The app's `weibao-bench: ready` marker comes when Today has rendered its
# list; under Xvfb (software rendering) the pixels reach the screen some time later, first the
# "正在加载…" page. The app shell is there when the side bar (x 90, y 400) is the app's navy
# and the content (x 700, y 20) is light; a blank display is black, the loading page all light.
#
#   scripts/wait-first-screen.sh DISPLAY OUT.png [TIMEOUT_SECONDS]   (default 30; exit 1 on timeout)
set -euo pipefail
disp="$1"; out="$2"; timeout="${3:-30}"
end=$(( $(date +%s) + timeout ))
while :; do
  DISPLAY="$disp" import -window root "$out" 2>/dev/null || true
  if [ -s "$out" ]; then
    rb=$(convert "$out" -crop 1x1+90+400 -format '%[fx:int(255*r)] %[fx:int(255*b)]' info:)
    r=${rb% *}; b=${rb#* }
    light=$(convert "$out" -crop 1x1+700+20 -format '%[fx:int(255*luminance)]' info:)
    if [ "$r" -lt 100 ] && [ "$b" -gt 60 ] && [ $(( b - r )) -gt 30 ] && [ "$light" -gt 200 ]; then exit 0; fi
  fi
  [ "$(date +%s)" -lt "$end" ] || { echo "no app screen on $disp within ${timeout} s (last: $out)" >&2; exit 1; }
  sleep 0.3
done
