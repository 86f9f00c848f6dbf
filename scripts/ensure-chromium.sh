#!/usr/bin/env bash
# Prints the path of a headless-capable Chromium; installs Debian's chromium package first when none
# is on PATH and this is a root shell with apt-get (a CI container). The quality-report render test
# and scripts/render-report.sh use it, so a fresh machine needs no manual install.
set -euo pipefail

find_chromium() {
  local c
  for c in chromium chromium-browser google-chrome; do
    if command -v "$c" >/dev/null 2>&1; then
      command -v "$c"
      return 0
    fi
  done
  return 1
}

if browser=$(find_chromium); then
  echo "$browser"
  exit 0
fi
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "chromium not found; installing Debian's chromium package" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  find_chromium || { echo "chromium install did not provide a binary" >&2; exit 1; }
else
  echo "no chromium, chromium-browser or google-chrome on PATH; install one (Debian: apt-get install chromium)" >&2
  exit 1
fi
