'use strict';
// Kefu behind Debian's real nginx with docs/nginx.conf, as a site owner runs it: TLS at nginx, the
// widget embedded in an https shop page on another origin with the README's strict CSP, chat and a
// voice call with media through the proxy, the agent console through the proxy too, and the backend's
// limits counting the real clients (nginx's X-Forwarded-For), not nginx.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const https = require('node:https');
const { startServer, launch, openVisitor, waitReady, agentLogin, until, freePort } = require('./harness');
const { startNginx } = require('./nginx');

const KEFU = 'kefu.test';
const SHOP = 'shop.test';
let server, nginx, browser, agent, ports, kefuOrigin, shopOrigin, csp;

// The README's policy for a strict host page (default-src 'self' makes it as strict as it gets).
const readmePolicy = (origin) => `default-src 'self'; script-src 'self' 'wasm-unsafe-eval' ${origin}; `
  + `connect-src ${origin} ${origin.replace('https:', 'wss:')}; media-src blob: mediastream:`;

function shopPages(origin) {
  const tag = `<script src="${origin}/kefu.js" data-server="${origin}" async></script>`;
  // A site has its icon: without one the browser asks for /favicon.ico and logs the 404 as an error.
  const head = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tea shop</title><link rel="icon" href="/icon.svg">';
  return {
    // Settings from a file of the shop's own origin: allowed by script-src 'self'.
    'index.html': `${head}<script src="/kefu-settings.js"></script></head><body><h1>Tea shop</h1>${tag}</body></html>`,
    'kefu-settings.js': "window.KefuSettings = { lang: 'en', position: 'left' };\n",
    'icon.svg': '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1" fill="#2f7d4f"/></svg>\n',
    // The README's inline example, which that same policy blocks.
    'inline.html': `${head}<script>window.KefuSettings = {lang: 'en', position: 'left'}</script></head><body>${tag}</body></html>`,
  };
}

before(async () => {
  ports = { backend: await freePort(), http: await freePort(), kefu: await freePort(), site: await freePort() };
  kefuOrigin = `https://${KEFU}:${ports.kefu}`;
  shopOrigin = `https://${SHOP}:${ports.site}`;
  csp = readmePolicy(kefuOrigin);
  // Only nginx (which reaches the backend from 127.0.0.1) is trusted; test clients come from 127.0.0.2+.
  server = await startServer({ port: ports.backend, env: { KEFU_TRUST_PROXY: '127.0.0.1' } });
  nginx = await startNginx({
    backendPort: ports.backend, ports, kefuName: KEFU, siteName: SHOP,
    site: shopPages(kefuOrigin), siteHeaders: { 'Content-Security-Policy': csp },
  });
  browser = await launch([
    `--host-resolver-rules=MAP ${KEFU} 127.0.0.1, MAP ${SHOP} 127.0.0.1`,
    `--ignore-certificate-errors-spki-list=${nginx.cert.spki}`,
  ]);
});

after(async () => {
  if (browser) await browser.close();
  if (nginx) await nginx.stop();
  if (server) await server.stop();
});

// A request to Kefu through nginx from a loopback address of our choice, trusting only the test CA.
function viaProxy(method, p, { from = '127.0.0.2', body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request({
      host: '127.0.0.1', port: ports.kefu, servername: KEFU, ca: nginx.cert.ca, localAddress: from, method, path: p,
      headers: { host: `${KEFU}:${ports.kefu}`, ...(payload ? { 'content-type': 'application/json' } : {}), ...headers },
    }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, json: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

test('/api/config through nginx announces wss on the public host and port', async () => {
  const r = await viaProxy('GET', '/api/config');
  assert.equal(r.status, 200);
  const { host, port, secure, path } = r.json.peer;
  assert.deepEqual({ host, port, secure, path }, { host: KEFU, port: ports.kefu, secure: true, path: '/peerjs' });
  // The plain-http server block only redirects to https.
  const redirect = await new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: ports.http, path: '/agent/', headers: { host: KEFU } }, (res) => { res.resume(); resolve(res); })
      .on('error', reject);
  });
  assert.equal(redirect.statusCode, 301);
  assert.equal(redirect.headers.location, `https://${KEFU}/agent/`);
});

test('rate limits behind nginx count each real client, and a forged X-Forwarded-For changes nothing', async () => {
  const create = (from, xff) => viaProxy('POST', '/api/visitors', { from, body: {}, headers: xff ? { 'x-forwarded-for': xff } : {} });
  const a = [];
  for (let i = 0; i < 61; i++) a.push((await create('127.0.0.2', `198.51.100.${i}`)).status);
  assert.equal(a.filter((s) => s === 201).length, 60, 'one client: 60 new visitors a minute');
  assert.equal(a[60], 429);
  assert.equal((await create('127.0.0.3')).status, 201, 'the next visitor from elsewhere is not refused');
});

test('failed logins from one client through nginx do not lock the real agent out', async () => {
  let limited = false;
  for (let i = 0; i < 12 && !limited; i++) {
    limited = (await viaProxy('POST', '/api/agent/login', { from: '127.0.0.4', body: { username: 'kefu1', password: 'guess' } })).status === 429;
  }
  assert.ok(limited, 'the guessing client is limited');
  // The console, through nginx from the browser's own address, still signs in.
  agent = await agentLogin(browser, kefuOrigin);
  await until(() => agent.evaluate(() => !!window.__kefuAgent.peerId), { timeout: 15000, what: 'console standing peer through nginx' });
});

test('the README inline KefuSettings example is blocked by its own strict policy', async () => {
  const page = await openVisitor(browser, `${shopOrigin}/inline.html`);
  await page.locator('#kefu-root button.l').waitFor({ state: 'visible', timeout: 10000 });
  const seen = await page.evaluate(() => ({ settings: window.KefuSettings, violations: window.__cspViolations }));
  assert.equal(seen.settings, undefined, 'the inline script did not run');
  assert.ok(seen.violations.some((v) => /^script-src/.test(v)), JSON.stringify(seen.violations));
  await page.context().close();
});

let visitor;
test('the shop page on another origin chats through nginx under the strict policy', async () => {
  visitor = await openVisitor(browser, `${shopOrigin}/`);
  const launcher = visitor.locator('#kefu-root button.l');
  await launcher.waitFor({ state: 'visible', timeout: 10000 });
  // Settings from the shop's own settings file took effect: English, on the left.
  assert.equal(await launcher.getAttribute('aria-label'), 'Chat with us');
  assert.ok((await launcher.boundingBox()).x < 200, 'launcher on the left');
  await visitor.evaluate(() => window.Kefu.open());
  await waitReady(visitor);
  const text = 'Hello through nginx 你好';
  const ack = await visitor.evaluate((t) => window.Kefu.send(t), text);
  assert.ok(ack.seq > 0);
  const vid = await visitor.evaluate(() => window.Kefu.state().visitorId);
  await agent.click(`.visitor-item[data-visitor-id="${vid}"]`);
  await until(() => agent.evaluate((t) => [...document.querySelectorAll('#messages .msg')].some((m) => m.textContent.includes(t)), text),
    { what: 'message in the console' });
  await visitor.evaluate(() => { window.__got = []; window.Kefu.on('message', (m) => window.__got.push(m)); });
  await agent.fill('#reply', 'Reply through nginx');
  await agent.click('#send');
  await until(() => visitor.evaluate(() => window.__got.some((m) => m.from === 'agent' && m.text === 'Reply through nginx')), { what: 'reply in the widget' });
  assert.deepEqual(await visitor.evaluate(() => window.__cspViolations), []);
});

// Media flows: remote audio tracks are live and unmuted (as in call.test.js).
const audioFlows = (page, selector, shadow) => until(() => page.evaluate(({ selector, shadow }) => {
  const el = shadow ? document.getElementById('kefu-root').shadowRoot.querySelector(selector) : document.querySelector(selector);
  const audio = el && el.srcObject ? el.srcObject.getTracks().filter((t) => t.kind === 'audio') : [];
  return audio.length > 0 && audio.every((t) => t.readyState === 'live' && !t.muted);
}, { selector, shadow }), { timeout: 15000, what: 'audio flowing' });

test('a voice call through nginx: wss to the PeerJS server, audio both ways', async () => {
  const result = visitor.evaluate(() => window.Kefu.call({ video: false }).then((e) => e, (e) => ({ error: e.code })));
  await until(() => agent.evaluate(() => window.__kefuAgent.state === 'ringing'), { what: 'console rings' });
  await agent.click('#call-accept');
  const r = await result;
  assert.equal(r.state, 'in-call', JSON.stringify(r));
  await audioFlows(visitor, 'audio', true);
  await audioFlows(agent, '#agent-remote-audio', false);
  await visitor.evaluate(() => window.Kefu.hangup());
  await until(() => agent.evaluate(() => window.__kefuAgent.state === 'ended'), { what: 'console ends' });
  assert.deepEqual(await visitor.evaluate(() => window.__cspViolations), []);
  assert.deepEqual(visitor.problems, []);
  // Both PeerJS sockets and both chat sockets were WebSocket upgrades through nginx (an upgraded
  // connection is logged when it closes).
  await visitor.context().close();
  await agent.context().close();
  const upgrades = (re) => nginx.accessLog().split('\n').filter((l) => / 101 /.test(l) && re.test(l)).length;
  await until(() => upgrades(/"GET \/peerjs\/peerjs\?/) >= 2 && upgrades(/"GET \/ws\/visitor /) >= 1 && upgrades(/"GET \/ws\/agent /) >= 1,
    { what: `upgrades in the access log:\n${nginx.accessLog()}` });
});
