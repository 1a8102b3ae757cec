#!/usr/bin/env bash
# Every test: installs what is missing, builds, then runs the native unit tests (CTest), the backend
# tests and the browser end-to-end tests (headless Chromium, fake camera and microphone).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash shell/setup.sh || exit 1
bash shell/build.sh --native || exit 1
export NODE_PATH="$root/shell/node_modules"
rm -rf tests/artifacts && mkdir -p tests/artifacts

status=0
echo "== unit tests (CTest)"
ctest --test-dir build/native --output-on-failure -j2 || status=1
echo "== backend tests"
node --test --test-concurrency=1 tests/server/ || status=1
echo "== browser end-to-end tests"
node --test --test-concurrency=1 tests/e2e/ || status=1
[ $status = 0 ] && echo "all test suites passed" || echo "some tests FAILED"
exit $status
