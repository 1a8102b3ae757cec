#!/usr/bin/env bash
# Every test: installs what is missing, builds, then runs the native unit tests (CTest), the backend
# tests and the browser end-to-end tests (headless Chromium, fake camera and microphone).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
t0=$SECONDS
stage() { echo "== $1 (at $((SECONDS - t0)) s)"; }
bash shell/setup.sh --tests --no-npm || exit 1 # also nginx, clang's fuzzer runtime, coturn, iptables, Firefox ESR, WebKitGTK, Xvfb
stage "build"
# The Node packages install (better-sqlite3 compiles SQLite on one core) while the unit tests build; the
# widget's build needs them (its script is minified with terser), so it comes after.
mkdir -p build
bash shell/npm-install.sh >build/npm-install.log 2>&1 &
npm_pid=$!
bash shell/build.sh --native-only || exit 1
wait "$npm_pid" || { cat build/npm-install.log; echo "npm install failed"; exit 1; }
cat build/npm-install.log
bash shell/build.sh --native || exit 1
export NODE_PATH="$root/shell/node_modules"
rm -rf tests/artifacts && mkdir -p tests/artifacts
log=$(mktemp)
trap 'rm -f "$log"' EXIT

status=0
# The fuzzers' ASan build runs beside the unit and backend tests, which leave most of the CPU idle.
mkdir -p build/fuzz
nice -n 5 bash tests/fuzz/run.sh --build-only >build/fuzz/background-build.log 2>&1 &
fuzz_build=$!
stage "unit tests (CTest)"
ctest --test-dir build/native --output-on-failure -j2 2>&1 | tee -a "$log" || status=1
stage "backend tests"
node --test --test-concurrency=1 tests/server/ 2>&1 | tee -a "$log" || status=1
wait "$fuzz_build" # a failed build is built once more, and reported, by the run below
stage "fuzzers (libFuzzer, ASan+UBSan; tests/fuzz/README.md)"
bash tests/fuzz/run.sh 6 2>&1 | tee -a "$log" || status=1
stage "browser end-to-end tests"
node --test --test-concurrency=1 tests/e2e/ 2>&1 | tee -a "$log" || status=1
# One line for all the suites (each fuzzer counts as one test).
ct=$(sed -n 's/.* \([0-9]*\) tests failed out of \([0-9]*\).*/\1 \2/p' "$log" | tail -1)
ct_failed=${ct%% *}; ct_total=${ct##* }
passed=$(( ${ct_total:-0} - ${ct_failed:-0} + $(awk '/^# pass /{s+=$3} END{print s+0}' "$log") ))
failed=$(( ${ct_failed:-0} + $(awk '/^# fail /{s+=$3} END{print s+0}' "$log") ))
echo "tests: ${passed} passed, ${failed} failed, in $((SECONDS - t0)) s"
[ "$failed" = 0 ] || status=1
exit $status
