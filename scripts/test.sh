#!/usr/bin/env bash
# `npm test`: format check, lint, typecheck, unit and server tests, build, end-to-end tests.
# The static checks and the build run beside the unit tests; the end-to-end tests run only when
# all of those passed. Exits non-zero when any step failed.
set -euo pipefail
cd "$(dirname "$0")/.."

step() {
  local started=$SECONDS status=0
  echo
  echo "==> $1"
  shift
  "$@" || status=$?
  echo "==> took $((SECONDS - started)) s"
  return "$status"
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

# The static checks and the build read only the sources, and no unit test reads what the build
# writes: they run beside the unit tests, which leave part of the two cores idle while they wait
# on servers, timers and child processes. At a lower priority, so that the unit tests' timing is
# theirs as before. Their output follows the unit tests'; the end-to-end tests start only when
# all of them passed.
beside_unit_tests() {
  step "format, lint and typecheck" static_checks
  step "build" npx vite build --logLevel warn
}
beside=$(mktemp)
(renice -n 10 -p "$BASHPID" >/dev/null && beside_unit_tests) >"$beside" 2>&1 &
beside_pid=$!
unit=0
step "unit and server tests" npx vitest run || unit=$?
echo
echo "==> format, lint, typecheck and build (run beside the unit tests)"
others=0
wait "$beside_pid" || others=$?
cat "$beside"
rm -f "$beside"
if [ "$unit" -ne 0 ] || [ "$others" -ne 0 ]; then exit 1; fi
step "end-to-end tests" npx playwright test
