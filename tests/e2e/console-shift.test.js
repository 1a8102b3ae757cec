'use strict';
// tests/server/console-shift.browser.js (the console over a working shift: notifications, sound after a
// reload, drafts, grouped messages, internal notes, search, canned replies) as part of the end-to-end suite.
const { test } = require('node:test');
const { runBrowserCheck } = require('./harness');

test('the console over a shift: notifications, sound after a reload, drafts, notes, search, canned replies', async () => {
  await runBrowserCheck('console-shift.browser.js', { passed: /console shift browser check passed/, timeout: 120000 });
});
