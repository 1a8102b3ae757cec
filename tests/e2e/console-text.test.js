'use strict';
// tests/server/console-text.browser.js (bidi isolation in the console, a forgotten visitor leaving the
// list, try.html held to this backend's servers) as part of the end-to-end suite.
const { test } = require('node:test');
const { runBrowserCheck } = require('./harness');

test('visitors\' text stays in its place in the console; try.html reaches only this backend\'s servers', async () => {
  await runBrowserCheck('console-text.browser.js', { passed: /console text browser check passed/, timeout: 120000 });
});
