#!/usr/bin/env bash
# Find Debian's Chromium for the e2e tests; install it as root on Debian when missing. No browser download.
set -u
bin="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$bin" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Chromium not found at $bin: installing Debian's chromium package (apt-get)…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || {
    echo "Installing chromium with apt-get failed. Install it yourself (apt-get install chromium) or set CHROMIUM_PATH." >&2
    exit 1
  }
  [ -x "$bin" ] && exit 0
fi
echo "No Chromium at $bin. Install Debian's chromium package (sudo apt-get install chromium) or set CHROMIUM_PATH to a Chromium binary." >&2
exit 1
