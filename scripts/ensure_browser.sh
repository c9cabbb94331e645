#!/usr/bin/env bash
# Browser tests drive Debian's Chromium with Playwright and need a Korean font to render
# Hangul; the QR-code test renders a PDF page (poppler-utils) and scans it (zbar-tools); the
# archive transfer makes PDF/A renditions with Ghostscript (ghostscript).
# Install them with apt when missing (as root, e.g. in CI).
# With CI=true a machine that still lacks them fails here, loudly: the browser tests must run.
set -u
have() {
  command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi nanum \
    && command -v pdftoppm >/dev/null 2>&1 && command -v zbarimg >/dev/null 2>&1 \
    && [ -x /usr/bin/gs ]
}
if have; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing chromium, fonts-nanum, poppler-utils, zbar-tools and ghostscript for the tests (apt-get)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq chromium fonts-nanum fontconfig poppler-utils zbar-tools ghostscript >/dev/null
fi
if have; then
  exit 0
fi
if [ "${CI:-}" = "true" ]; then
  echo "CI=true but chromium, fonts-nanum, pdftoppm, zbarimg or /usr/bin/gs is missing and could not be installed." >&2
  exit 1
fi
echo "No chromium/fonts-nanum/poppler-utils/zbar-tools/ghostscript here (install them as root): those tests will skip or fail."
