#!/usr/bin/env bash
# Browser tests drive Debian's Chromium with Playwright and need a Korean font to render
# Hangul. Install chromium and fonts-nanum with apt when missing (as root, e.g. in CI).
# With CI=true a machine that still lacks them fails here, loudly: the browser tests must run.
set -u
have() { command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi nanum; }
if have; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing chromium and fonts-nanum for the browser tests (apt-get)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq chromium fonts-nanum fontconfig >/dev/null
fi
if have; then
  exit 0
fi
if [ "${CI:-}" = "true" ]; then
  echo "CI=true but chromium or fonts-nanum is missing and could not be installed." >&2
  exit 1
fi
echo "No chromium/fonts-nanum here (install them as root): the browser tests will skip."
