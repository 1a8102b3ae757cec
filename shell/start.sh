#!/usr/bin/env bash
# One command for developers: install what is missing, build the widget, start the local web shell
# (demo page, agent console, API, PeerJS server) on 127.0.0.1. Options go to shell/server.js
# (e.g. --port 8080); KEFU_PORT works too.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# --turn (or KEFU_TURN=1) also installs coturn and starts it next to the backend (shell/README.md).
setup_args=()
for a in "$@"; do [ "$a" = --turn ] && setup_args=(--turn); done
[[ "${KEFU_TURN:-}" =~ ^(1|true|yes)$ ]] && setup_args=(--turn)
bash "$root/shell/setup.sh" "${setup_args[@]}"
bash "$root/shell/build.sh"
exec node "$root/shell/server.js" "$@"
