#!/usr/bin/env bash
# `npm test`: format check, lint, typecheck, unit and server tests, build, end-to-end tests.
# Stops at the first failing step and exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."

step() {
  local started=$SECONDS
  echo
  echo "==> $1"
  shift
  "$@"
  echo "==> took $((SECONDS - started)) s"
}

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "Chromium is missing at $chromium: the end-to-end tests need Debian's Chromium." >&2
  echo "Install it with:  sudo apt-get update && sudo apt-get install -y chromium" >&2
  echo "(or set CHROMIUM_PATH to another Chromium binary)" >&2
  exit 1
fi

step "format" npx prettier --check .
step "lint" npx eslint --max-warnings 0 .
step "typecheck" npx tsc -p tsconfig.json --noEmit
step "unit and server tests" npx vitest run
step "build" npx vite build --logLevel warn
step "end-to-end tests" npx playwright test
