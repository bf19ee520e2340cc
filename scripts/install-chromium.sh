#!/usr/bin/env bash
# Install headless Chromium from the system packages when no Chromium is on PATH (the scorecard page is
# tested in it: tests/test_report_page.py).  Debian/Ubuntu (apt-get); prints the browser it found or installed.
set -euo pipefail
for name in chromium chromium-browser google-chrome; do
    if command -v "$name" >/dev/null 2>&1; then
        command -v "$name"
        exit 0
    fi
done
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-chromium: no Chromium on PATH and no apt-get to install one; install Chromium by hand" >&2
    exit 1
fi
sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
$sudo_cmd apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends chromium >/dev/null
command -v chromium
