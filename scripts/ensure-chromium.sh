#!/usr/bin/env bash
# The auditor page's end-to-end test drives a headless Chromium (Debian's `chromium`).
# `npm test` runs this first so the README's test command works on a fresh machine:
# it installs the package when it is missing and we may (root with apt-get), and
# otherwise stops with what to do.
set -euo pipefail
for bin in "${CHROMIUM_BIN:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$bin" ] && [ -x "$bin" ]; then exit 0; fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "chromium is missing: installing Debian's chromium for the auditor page test" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
  exit 0
fi
echo "chromium is missing: install it (apt-get install chromium) or set CHROMIUM_BIN" >&2
exit 1
