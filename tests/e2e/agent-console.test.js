'use strict';
// The agent console's own browser check (tests/server/agent-console.browser.js: login, chat, calls with a
// stock-peerjs visitor, early offers, voice/video switches) as part of the end-to-end suite.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawn } = require('node:child_process');

test('the agent console: chat, calls, offers held until the accept, switches with consent', async () => {
  const script = path.join(__dirname, '../server/agent-console.browser.js');
  const child = spawn(process.execPath, [script], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const code = await new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 300000);
    child.on('exit', (c) => { clearTimeout(t); resolve(c); });
  });
  assert.equal(code, 0, out);
  assert.match(out, /agent console browser check passed/);
  assert.doesNotMatch(out, /^skipped/m, 'Chromium must be there');
});
