#!/usr/bin/env bash
# Installs the Node packages of the shell and the tests into shell/node_modules, when package.json is newer
# than the last install. Called by setup.sh; tests/run.sh runs it beside the native build, since
# better-sqlite3 compiles SQLite from source on one core.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -d "$root/shell/node_modules/peer" ] || [ "$root/shell/package.json" -nt "$root/shell/node_modules/.kefu-stamp" ]; then
  echo "kefu setup: npm install"
  # The test drivers use Debian's browsers: nothing downloads one of its own.
  (cd "$root/shell" && PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROME_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
    npm install --no-audit --no-fund --loglevel=error)
  touch "$root/shell/node_modules/.kefu-stamp"
fi
