#!/usr/bin/env bash
# Builds the widget (wasm, into web/dist) and, with --native, the core's unit tests;
# --native-only builds just the unit tests (they need no Node packages).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}  # emcc's JS optimizer needs Debian's acorn

if [ "${1:-}" != "--native-only" ]; then
  if [ ! -f "$root/build/wasm/CMakeCache.txt" ]; then
    emcmake cmake -S "$root" -B "$root/build/wasm" -DCMAKE_BUILD_TYPE=MinSizeRel >/dev/null
  fi
  cmake --build "$root/build/wasm" -j"$jobs"
fi

if [ "${1:-}" = "--native" ] || [ "${1:-}" = "--native-only" ]; then
  if [ ! -f "$root/build/native/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$root/build/native" -DCMAKE_BUILD_TYPE=Debug >/dev/null
  fi
  cmake --build "$root/build/native" -j"$jobs"
fi
