'use strict';
// The agent console's own browser check (tests/server/agent-console.browser.js: login, chat, calls with a
// stock-peerjs visitor, early offers, voice/video switches) as part of the end-to-end suite.
const { test } = require('node:test');
const { runBrowserCheck } = require('./harness');

test('the agent console: chat, calls, offers held until the accept, switches with consent', async () => {
  await runBrowserCheck('agent-console.browser.js', { passed: /agent console browser check passed/, timeout: 300000 });
});
