#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-14, ASan+UBSan) into build/fuzz and runs each one in turn.
#   tests/fuzz/run.sh [seconds per target, default 6] [target ...]
#   tests/fuzz/run.sh --build-only     (builds and stops; tests/run.sh builds while other suites run)
# New inputs go to build/fuzz/corpus/<target> (the committed seeds in tests/fuzz/corpus stay as they are);
# a crash leaves its input in build/fuzz/artifacts/. Ends with "# pass N" / "# fail N" lines, which
# tests/run.sh adds to its summary.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build="$root/build/fuzz"
build_only=0
[ "${1:-}" = "--build-only" ] && { build_only=1; shift; }
secs=${1:-6}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(server_frame peerjs_message http_bodies settings text chat_session call_controller widget)

if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root/tests/fuzz" -B "$build" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE= >/dev/null || exit 1
fi
cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" >"$build/build.log" 2>&1 || { tail -30 "$build/build.log"; echo "# fail ${#targets[@]}"; exit 1; }
[ "$build_only" = 1 ] && exit 0

# About as little stack as the wasm build's 256 KiB (ASan's frames are larger): deep recursion shows here.
ulimit -s 512
mkdir -p "$build/artifacts"
# One target per core at a time: each run is single-threaded, so the suite waits half as long.
jobs=$(nproc 2>/dev/null || echo 2)
run_one() {
  local t=$1 corpus="$build/corpus/$1" log="$build/$1.log"
  mkdir -p "$corpus" "$root/tests/fuzz/corpus/$t"
  if "$build/fuzz_$t" -max_total_time="$secs" -rss_limit_mb=1024 -timeout=10 -max_len=8192 \
      -artifact_prefix="$build/artifacts/$t-" "$corpus" "$root/tests/fuzz/corpus/$t" >"$log" 2>&1; then
    echo "ok   fuzz_$t: $(grep -Eo 'DONE[[:space:]]+cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 | tr -s ' ') in ${secs}s" >"$build/$t.result"
  else
    { echo "FAIL fuzz_$t (input in $build/artifacts/):"
      grep -E -m3 'ERROR|runtime error|SUMMARY|deadly signal' "$log"
      tail -25 "$log"; } >"$build/$t.result"
  fi
}
running=0
for t in "${targets[@]}"; do
  rm -f "$build/$t.result"
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait
pass=0 fail=0
for t in "${targets[@]}"; do
  cat "$build/$t.result" 2>/dev/null || echo "FAIL fuzz_$t: no result"
  if grep -q '^ok ' "$build/$t.result" 2>/dev/null; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "# pass $pass"
echo "# fail $fail"
[ "$fail" = 0 ]
