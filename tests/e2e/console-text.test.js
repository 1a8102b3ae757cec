'use strict';
// tests/server/console-text.browser.js (bidi isolation in the console, a forgotten visitor leaving the
// list, try.html held to this backend's servers) as part of the end-to-end suite.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawn } = require('node:child_process');

test('visitors\' text stays in its place in the console; try.html reaches only this backend\'s servers', async () => {
  const script = path.join(__dirname, '../server/console-text.browser.js');
  const child = spawn(process.execPath, [script], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const code = await new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 120000);
    child.on('exit', (c) => { clearTimeout(t); resolve(c); });
  });
  assert.equal(code, 0, out);
  assert.match(out, /console text browser check passed/);
  assert.doesNotMatch(out, /^skipped/m, 'Chromium must be there');
});
