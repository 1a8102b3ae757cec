#!/usr/bin/env bash
# One command for developers: install what is missing, build the widget, start the local web shell
# (demo page, agent console, API, PeerJS server) on 127.0.0.1. Options go to shell/server.js
# (e.g. --port 8080); KEFU_PORT works too.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/shell/setup.sh"
bash "$root/shell/build.sh"
exec node "$root/shell/server.js" "$@"
