'use strict';
// A running call survives the visitor clicking to another page of the same site (docs/PROTOCOL.md §6
// "Recovery"): the page stores the call instead of hanging up, the next page takes it up within the
// server's grace for the visitor's sockets, and it stays one call with one record.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { ROOT, openVisitor, waitReady, until, startFile, stopFile, recordConnections, audioIn } = require('./harness');

let server, browser, agent;

before(async () => ({ server, browser, agent } = await startFile()));

after(() => stopFile({ browser, server }));

test('a navigation mid-call: the next page takes the call up, audio flows again both ways, one call record', async (t) => {
  const ctx = await browser.newContext();
  await ctx.addInitScript(recordConnections);
  await agent.context().addInitScript(recordConnections).catch(() => {});
  let page = await openVisitor(browser, `${server.url}/`, { context: ctx });
  await page.evaluate(() => window.Kefu.open());
  await waitReady(page);
  const result = page.evaluate(() => window.Kefu.call({ video: false }).then((e) => e, (e) => ({ error: e.code })));
  await until(() => agent.evaluate(() => window.__kefuAgent.state === 'ringing'), { what: 'the console rings' });
  await agent.click('#call-accept');
  assert.equal((await result).state, 'in-call');
  const callId = await agent.evaluate(() => window.__kefuAgent.lastCall.callId);
  await new Promise((r) => setTimeout(r, 1500));

  const left = Date.now();
  await page.goto(`${server.url}/?page=2`);
  await page.evaluate(() => window.Kefu && window.Kefu.ready);
  await until(() => page.evaluate(() => window.Kefu && window.Kefu.state().call === 'in-call'), { timeout: 10000, what: 'the call on the second page' });
  const before2 = await audioIn(page);
  await until(async () => (await audioIn(page)) > before2 + 5, { timeout: 10000, interval: 100, what: 'audio on the second page' });
  const gap = Date.now() - left;
  t.diagnostic(`navigation: audio again on the second page ${gap} ms after leaving the first`);
  assert.equal(await page.evaluate(() => window.Kefu.state().callReconnecting), false);
  assert.equal(await agent.evaluate(() => window.__kefuAgent.state), 'in-call');
  assert.equal(await agent.evaluate(() => window.__kefuAgent.lastCall.callId), callId, 'the same call on the console');
  const live = await agent.evaluate(() => {
    const el = document.querySelector('#agent-remote-audio');
    return !!el && !!el.srcObject && el.srcObject.getAudioTracks().some((tr) => tr.readyState === 'live' && !tr.muted);
  });
  assert.ok(live, 'the console plays the visitor from the second page');
  assert.ok(gap < 5000, `${gap} ms`);

  await page.evaluate(() => window.Kefu.hangup());
  await until(() => agent.evaluate(() => window.__kefuAgent.state !== 'in-call'), { what: 'the console ends' });
  const db = require(path.join(ROOT, 'shell/node_modules/better-sqlite3'))(path.join(server.dataDir, 'kefu.db'), { readonly: true });
  try {
    const rows = db.prepare('SELECT id, outcome, duration FROM calls').all();
    assert.equal(rows.length, 1, JSON.stringify(rows));
    assert.equal(rows[0].outcome, 'completed');
    assert.ok(rows[0].duration >= 1, `the whole duration: ${rows[0].duration} s`);
  } finally {
    db.close();
  }
  await ctx.close();
});
