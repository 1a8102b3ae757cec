'use strict';
// Chat through a long outage, end to end: the shop page stays reachable while everything the widget says to
// the backend passes a cutting proxy that, for the outage, drops every open connection and resets every new
// one (what a dead uplink or a restarting load balancer looks like to the browser). Time is compressed by
// configuration: the server allows 5 messages per 2 s (KEFU_RATE_MESSAGES / KEFU_RATE_WINDOW_MS, announced
// in /api/config) and the widget gives up on an unacknowledged message after 2 s (sendTimeout), so a 14 s
// outage is seven timeouts long and its 30 messages are six of the server's windows.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const { startServer, launch, openVisitor, until, freePort } = require('./harness');

let server, proxy, browser;

// A TCP proxy to `targetPort` that can cut the line: cut() drops every connection and resets new ones until
// restore(). It counts the server's `rate_limited` refusals passing through (frames are not compressed).
async function cuttingProxy(targetPort) {
  const port = await freePort();
  const pairs = new Set();
  let down = false;
  let refusals = 0;
  const srv = net.createServer((client) => {
    client.on('error', () => {});
    if (down) { client.resetAndDestroy(); return; }
    const up = net.connect(targetPort, '127.0.0.1');
    up.on('error', () => {});
    const pair = { client, up };
    pairs.add(pair);
    client.pipe(up);
    up.on('data', (d) => { refusals += d.toString('latin1').split('rate_limited').length - 1; });
    up.pipe(client);
    const close = () => { pairs.delete(pair); client.destroy(); up.destroy(); };
    client.on('close', close);
    up.on('close', close);
  });
  await new Promise((r) => srv.listen(port, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${port}`,
    refusals: () => refusals,
    cut() {
      down = true;
      for (const p of pairs) { p.client.resetAndDestroy(); p.up.destroy(); }
      pairs.clear();
    },
    restore() { down = false; },
    close: () => new Promise((r) => { for (const p of pairs) { p.client.destroy(); p.up.destroy(); } srv.close(r); }),
  };
}

before(async () => {
  server = await startServer({ env: { KEFU_RATE_MESSAGES: '5', KEFU_RATE_WINDOW_MS: '2000' } });
  proxy = await cuttingProxy(server.port);
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (proxy) await proxy.close();
  if (server) await server.stop();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const texts = Array.from({ length: 30 }, (_, i) => `断网时第 ${i + 1} 条 / offline #${i + 1}`);

// Types `list` one every `everyMs`, keeping each Kefu.send outcome in window.__outcomes.
async function typeAll(page, list, everyMs) {
  for (const t of list) {
    await page.evaluate((text) => {
      if (!window.__outcomes) {
        window.__outcomes = [];
        window.__failed = [];
        window.Kefu.on('sendfailed', (e) => window.__failed.push(e));
      }
      const o = { text, state: 'pending' };
      window.__outcomes.push(o);
      window.Kefu.send(text).then(() => { o.state = 'sent'; }, (e) => { o.state = `rejected ${e.code}`; });
    }, t);
    await sleep(everyMs);
  }
}

const mine = (page) => page.evaluate(() => window.Kefu.messages().filter((m) => m.from === 'visitor'));

test('30 messages typed during a long outage, across a reload, are all delivered once, in order, none refused', async () => {
  const config = await (await fetch(`${proxy.url}/api/config`)).json();
  assert.equal(config.limits.messagesPerWindow, 5);
  assert.equal(config.limits.rateWindowMs, 2000);

  const pageUrl = `${server.url}/try.html?${new URLSearchParams({ server: proxy.url, lang: 'en', sendTimeout: '2' })}`;
  let page = await openVisitor(browser, pageUrl);
  await until(() => page.evaluate(() => !!(window.Kefu && window.Kefu.send)), { what: 'Kefu API' });
  await page.evaluate(() => window.Kefu.send('before the outage'));
  const tokenKey = `kefu:${proxy.url}:token`;
  const token = await page.evaluate((k) => localStorage.getItem(k), tokenKey);
  assert.ok(token, 'the visitor has a token');

  const cutAt = Date.now();
  proxy.cut();
  await until(async () => !(await page.evaluate(() => window.Kefu.state().connected)), { what: 'widget offline' });

  await typeAll(page, texts.slice(0, 15), 300);
  await sleep(2500); // longer than sendTimeout: waiting offline must not count
  let shown = await mine(page);
  assert.deepEqual(shown.filter((m) => m.status !== 'sent').map((m) => [m.text, m.status]),
    texts.slice(0, 15).map((t) => [t, 'pending']));
  assert.deepEqual(await page.evaluate(() => window.__outcomes.filter((o) => o.state !== 'pending')), []);
  const saved = JSON.parse(await page.evaluate((k) => localStorage.getItem(k), `kefu:${proxy.url}:outbox`));
  assert.deepEqual(saved.map((m) => m.text), texts.slice(0, 15));

  // The visitor reloads, still offline: what was typed comes back, waiting, and nothing is lost.
  await page.reload();
  await until(() => page.evaluate(() => window.Kefu && window.Kefu.state().ready), { timeout: 20000, what: 'widget after reload' });
  shown = await mine(page);
  assert.deepEqual(shown.filter((m) => m.status !== 'sent').map((m) => [m.text, m.status]),
    texts.slice(0, 15).map((t) => [t, 'pending']));
  await typeAll(page, texts.slice(15), 300);
  await sleep(Math.max(0, 14000 - (Date.now() - cutAt)));
  assert.equal((await mine(page)).filter((m) => m.status === 'failed').length, 0);

  proxy.restore();
  const restoredAt = Date.now();
  await until(async () => {
    const m = await mine(page);
    return m.length >= 31 && m.every((x) => x.status === 'sent');
  }, { timeout: 40000, interval: 200, what: 'every message acknowledged' });
  console.log(`# outage ${restoredAt - cutAt} ms; all acknowledged ${Date.now() - restoredAt} ms after it ended`);

  // The server's record: each message once, in the order typed, nothing refused on the way.
  const r = await fetch(`${server.url}/api/messages?limit=100`, { headers: { authorization: `Bearer ${token}` } });
  const stored = (await r.json()).messages.filter((m) => m.from === 'visitor').map((m) => m.text);
  assert.deepEqual(stored, ['before the outage', ...texts]);
  assert.equal(proxy.refusals(), 0, 'the server refused messages for the rate');
  // The second page's promises all resolved (the first page's went with it).
  await until(() => page.evaluate(() => window.__outcomes.every((o) => o.state === 'sent')), { what: 'promises resolved' });
  assert.deepEqual(await page.evaluate(() => window.__outcomes.map((o) => o.text)), texts.slice(15));
  assert.deepEqual(await page.evaluate(() => window.__failed), []);
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), `kefu:${proxy.url}:outbox`), null);
  assert.deepEqual(page.problems.filter((p) => !/net::|WebSocket|Failed to load resource/.test(p)), []);
});
