#!/usr/bin/env bash
# Kefu benchmark: sizes, open latency, idle cost and call set-up against the seed-style baseline.
# Prints a table of figures and budgets and writes bench/results.json. A report: always exits 0.
#   bash bench/run.sh            (10 runs per figure, about 2 minutes)
#   bash bench/run.sh --runs=3   (quicker, rougher)
#   bash bench/run.sh console-typing [--clicks=N]   (the agent console under a typing flood, bench/console-typing.js)
#   bash bench/run.sh console-shift [--minutes=N]   (the console over a shift: 500 visitors, 50 chatting, bench/console-shift.js)
#   bash bench/run.sh scroll [--messages=N] [--rounds=N]   (frame times: drag-select and wheel-scroll a 200-message history, bench/scroll.js)
#   bash bench/run.sh --open     (only the open and idle figures)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ ! -d shell/node_modules ] || [ ! -x "${KEFU_CHROMIUM:-/usr/bin/chromium}" ]; then
  bash shell/setup.sh || { echo "bench: setup failed"; exit 0; }
fi
if [ "${1:-}" = console-typing ]; then
  shift
  NODE_PATH="$root/shell/node_modules" node bench/console-typing.js "$@"
  exit 0
fi
if [ "${1:-}" = scroll ]; then
  shift
  NODE_PATH="$root/shell/node_modules" node bench/scroll.js "$@"
  exit 0
fi
if [ "${1:-}" = console-shift ]; then
  shift
  NODE_PATH="$root/shell/node_modules" node bench/console-shift.js "$@"
  exit 0
fi
if [ ! -f web/dist/kefu.js ] || [ ! -f web/dist/kefu-app.js ] || [ ! -f web/dist/kefu-app.wasm ]; then
  echo "bench: web/dist is missing, building the widget"
  bash shell/build.sh || { echo "bench: build failed"; exit 0; }
fi
NODE_PATH="$root/shell/node_modules" node bench/bench.js "$@"
exit 0
