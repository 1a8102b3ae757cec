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
# Every open connection is a descriptor: a soft limit of 1024 is soon reached on a busy site.
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ] || [ "$hard" -gt 65536 ]; then hard=65536; fi
ulimit -n "$hard" 2>/dev/null || true
exec node "$root/shell/server.js" "$@"
