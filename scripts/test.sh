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

# The three static checks only read the sources, and each keeps one core busy: run them side by
# side (97 s one after another on two cores, about 55 s together), then print each one's output
# in turn and stop if any failed.
static_checks() {
  local dir
  dir=$(mktemp -d)
  npx prettier --check . >"$dir/format" 2>&1 &
  local format=$!
  npx eslint --max-warnings 0 . >"$dir/lint" 2>&1 &
  local lint=$!
  npx tsc -p tsconfig.json --noEmit >"$dir/typecheck" 2>&1 &
  local typecheck=$!
  local failed=0
  for name in format lint typecheck; do
    if wait "${!name}"; then
      echo "--- $name: passed"
    else
      echo "--- $name: FAILED"
      failed=1
    fi
    cat "$dir/$name"
  done
  rm -rf "$dir"
  return "$failed"
}

step "format, lint and typecheck" static_checks
step "unit and server tests" npx vitest run
step "build" npx vite build --logLevel warn
step "end-to-end tests" npx playwright test
