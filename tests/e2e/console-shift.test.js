'use strict';
// tests/server/console-shift.browser.js (the console over a working shift: notifications, sound after a
// reload, drafts, grouped messages, internal notes, search, canned replies) as part of the end-to-end suite.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawn } = require('node:child_process');

test('the console over a shift: notifications, sound after a reload, drafts, notes, search, canned replies', async () => {
  const script = path.join(__dirname, '../server/console-shift.browser.js');
  const child = spawn(process.execPath, [script], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const code = await new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 120000);
    child.on('exit', (c) => { clearTimeout(t); resolve(c); });
  });
  assert.equal(code, 0, out);
  assert.match(out, /console shift browser check passed/);
  assert.doesNotMatch(out, /^skipped/m, 'Chromium must be there');
});
