#!/usr/bin/env bash
# Screenshot an HTML quality report with headless Chromium:
#   scripts/render-report.sh <report.html> <out.png>
# Exits non-zero when no PNG was produced, so CI can use it as a smoke test of the page.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 <report.html> <out.png>" >&2
  exit 2
fi
html=$1
png=$2
if [[ ! -f $html ]]; then
  echo "no such file: $html" >&2
  exit 2
fi

browser=$("$(dirname "$0")/ensure-chromium.sh")

abs_html=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
# Characters that end or escape a URL path would otherwise make chromium open the wrong file.
url_path=${abs_html//%/%25}
url_path=${url_path// /%20}
url_path=${url_path//#/%23}
url_path=${url_path//\?/%3F}
mkdir -p "$(dirname "$png")"
rm -f "$png"
# A throwaway profile keeps runs independent of (and from writing into) the user's own profile.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

"$browser" --headless=new --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,2400 \
  --user-data-dir="$profile" --screenshot="$png" "file://$url_path" >&2 || rc=$?

if [[ ! -s $png ]]; then
  echo "chromium (exit ${rc:-0}) produced no screenshot at $png" >&2
  exit 1
fi
echo "$png"
