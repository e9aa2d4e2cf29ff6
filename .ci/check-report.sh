#!/usr/bin/env bash
# Checks in headless Chromium that a run folder's report.html renders with every image loaded.
# Usage: .ci/check-report.sh RUN_DIR   (exit 0: all images loaded; 1: a broken image, named; 2: usage)
#
# How: a copy of the page, with a <base> pointing at the run folder and a short script that
# records each <img>'s naturalWidth, is loaded by `chromium --dump-dom` (the report itself has no
# JavaScript); the dumped DOM then says how many images there are and which did not load. A
# screenshot of the page is taken too and must not be blank (one colour).
set -euo pipefail
if [ $# -ne 1 ] || [ ! -f "$1/report.html" ]; then
  echo "usage: $0 RUN_DIR (a run folder holding report.html)" >&2
  exit 2
fi
run="$(cd "$1" && pwd)"
browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
  echo "check-report: chromium not found on PATH (Debian: apt-get install chromium)" >&2
  exit 2
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# 1. The page to check: the report, based at the run folder, plus the image check.
check_script='<script>window.addEventListener("load",function(){var bad=[],n=document.images.length;
for(var i=0;i<n;i++){var im=document.images[i];if(!im.complete||!(im.naturalWidth>0)){bad.push(im.getAttribute("src"));}}
var p=document.createElement("pre");p.id="image-check";
p.textContent="IMAGES "+n+" BROKEN "+bad.length+(bad.length?" "+bad.join(" "):"")+" END";
document.body.appendChild(p);});</script>'
sed -e "s#<head>#<head><base href=\"file://${run}/\">#" \
    -e "s#</body>#${check_script//$'\n'/}</body>#" "$run/report.html" > "$work/check.html"

flags=(--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --allow-file-access-from-files
       --virtual-time-budget=10000)

# 2. Every image loaded?
"$browser" "${flags[@]}" --user-data-dir="$work/profile-dom" --dump-dom "file://$work/check.html" \
  > "$work/dom.html" 2> "$work/chromium.log" || true
result="$(grep -o 'IMAGES [0-9]* BROKEN [0-9]*[^<]* END' "$work/dom.html" || true)"
if [ -z "$result" ]; then
  echo "check-report: chromium did not render $run/report.html (no image check in the DOM); its log:" >&2
  tail -n 20 "$work/chromium.log" >&2
  exit 1
fi
read -r _ images _ broken rest <<< "$result"
if [ "$broken" != "0" ]; then
  echo "check-report: $broken of $images images did not load in $run/report.html: ${rest% END}" >&2
  exit 1
fi

# 3. A screenshot that is not blank: a one-colour page compresses to a tiny PNG.
"$browser" "${flags[@]}" --user-data-dir="$work/profile-shot" --window-size=1400,2400 \
  --screenshot="$work/shot.png" "file://$run/report.html" > /dev/null 2>> "$work/chromium.log" || true
if [ ! -s "$work/shot.png" ]; then
  echo "check-report: chromium wrote no screenshot of $run/report.html; its log:" >&2
  tail -n 20 "$work/chromium.log" >&2
  exit 1
fi
size=$(stat -c %s "$work/shot.png")
if [ "$size" -lt 20000 ]; then
  echo "check-report: the screenshot of $run/report.html is blank ($size bytes)" >&2
  exit 1
fi
echo "check-report: $run/report.html renders in headless Chromium with all $images images loaded (screenshot $size bytes)"
