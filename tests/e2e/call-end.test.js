'use strict';
// Every end the widget sees reaches the server: an agent whose client ends a call the stock-peerjs way
// (closing its connection, no chat `hangup` frame) must not leave the server's call running.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { openVisitor, waitReady, until, startFile, stopFile, agentLogin, recordConnections } = require('./harness');

let server, browser, agent;

before(async () => {
  // Every connection the console makes is kept, so the test can close one under it: recorded from the
  // console's first load (a reload to add the recorder once kept a busy machine's console without its
  // standing peer for 15 s; reloads have their own checks in the agent-console check).
  ({ server, browser } = await startFile({ agent: false }));
  agent = await agentLogin(browser, server.url, { init: recordConnections });
  const lines = [];
  agent.on('console', (m) => lines.push(`${m.type()}: ${m.text()}`));
  // Signed in, and its standing peer registered (#reply is in the page from the start: it says nothing).
  await until(() => agent.evaluate(() => !!(window.__kefuAgent && window.__kefuAgent.peerId)), { timeout: 15000, what: 'the console\'s standing peer' })
    .catch(async (e) => {
      const st = await agent.evaluate(() => ({ ws: window.__kefuAgent && window.__kefuAgent.wsState })).catch(() => null);
      throw new Error(`${e.message}: ${JSON.stringify(st)}; ${lines.slice(-12).join(' | ')}`);
    });
});

after(() => stopFile({ browser, server }));

const agentState = () => agent.evaluate(() => window.__kefuAgent.state);

test('a call the agent ends by closing its connection alone is over on the server too', async () => {
  const page = await openVisitor(browser, server.url + '/');
  await page.evaluate(() => window.Kefu.open());
  await waitReady(page);
  const call = page.evaluate(() => window.Kefu.call({ video: false }).then((e) => e, (e) => ({ error: e.code })));
  await until(async () => (await agentState()) === 'ringing', { what: 'agent console rings' });
  await agent.click('#call-accept');
  assert.equal((await call).state, 'in-call');
  await new Promise((r) => setTimeout(r, 2000));

  await agent.evaluate(() => window.__pcs.forEach((pc) => pc.close()));
  await until(async () => (await page.evaluate(() => window.Kefu.state().call)) === 'ended', { what: 'the widget sees the end' });
  assert.equal(await page.evaluate(() => window.Kefu.state().callReason), 'hangup-remote');

  // The history line has the call's real length, and the next call rings instead of being `busy`.
  const line = await until(async () => (await page.evaluate(() => window.Kefu.messages())).find((m) => m.call), { what: 'call line' });
  assert.equal(line.call.outcome, 'completed');
  assert.ok(line.call.duration >= 1 && line.call.duration <= 4, `duration ${line.call.duration}`);
  await until(async () => (await agentState()) !== 'in-call', { what: 'the console hears the end from the server' });
  const again = page.evaluate(() => window.Kefu.call({ video: false }).then((e) => e, (e) => ({ error: e.code })));
  await until(async () => (await agentState()) === 'ringing', { what: 'the second call rings' });
  await page.evaluate(() => window.Kefu.hangup());
  const second = await again;
  assert.notEqual(second.error, 'busy');
  await page.context().close();
});
