'use strict';
// The console answers only the peer the server bound to a call's visitor. Run against a standalone stock
// `peer` server, where no gate stops a stranger's offer: the console's own check is all there is
// (docs/PROTOCOL.md §6.2). A stranger offers to the standing peer naming the ringing call in its metadata;
// after the accept, the stranger gets no answer and no media, the bound visitor does.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { ROOT, startServer, launch, agentLogin, until, freePort } = require('./harness');

let browser;
let server;
let peerServer;
let peerPort;
before(async () => {
  peerPort = await freePort();
  peerServer = spawn(process.execPath, [path.join(ROOT, 'shell/node_modules/.bin/peerjs'), '--port', String(peerPort), '--key', 'standalone', '--path', '/sa'], { stdio: 'ignore' });
  await until(async () => { try { return (await fetch(`http://127.0.0.1:${peerPort}/sa`)).ok; } catch { return false; } }, { what: 'peer server up' });
  server = await startServer({ env: { KEFU_PEER_HOST: '127.0.0.1', KEFU_PEER_PORT: String(peerPort), KEFU_PEER_PATH: '/sa', KEFU_PEER_KEY: 'standalone' } });
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (peerServer) peerServer.kill();
});

// A page on the shop origin with stock peerjs registered under `id` on the standalone server.
async function peerPage(id) {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${server.url}/second.html`);
  await page.addScriptTag({ url: '/vendor/peerjs.min.js' });
  await page.evaluate(async ({ id, port }) => {
    window.local = await navigator.mediaDevices.getUserMedia({ audio: true });
    window.peer = new window.Peer(id, { host: '127.0.0.1', port, path: '/sa', key: 'standalone', secure: false });
    await new Promise((resolve, reject) => {
      window.peer.on('open', resolve);
      window.peer.on('error', reject);
    });
  }, { id, port: peerPort });
  return page;
}

// Offers to `to`; resolves true once an answer's remote stream arrives, false after `ms`.
const offerAndWait = (page, to, metadata, ms) => page.evaluate(({ to, metadata, ms }) => new Promise((resolve) => {
  const call = window.peer.call(to, window.local, { metadata });
  window.call = call;
  call.on('stream', () => resolve(true));
  setTimeout(() => resolve(false), ms);
}), { to, metadata, ms });

const newVisitor = async () => (await fetch(`${server.url}/api/visitors`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json();

// The visitor's ring (callpeer) bound to `peerId`; returns the server's answer once the console rings.
async function ringAs(agent, visitor, peerId) {
  const ring = await (await fetch(`${server.url}/2/callKefu`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${visitor.token}` },
    body: JSON.stringify({ action: 'callpeer', kefu_id: 'kefu1', visitor_id: visitor.visitorId, peer_id: peerId }),
  })).json();
  await until(() => agent.evaluate(() => window.__kefuAgent.state === 'ringing'), { what: 'ringing' });
  return ring;
}

test('on a standalone server the console answers only the visitor peer bound to the call', async () => {
  const cfg = await (await fetch(`${server.url}/api/config`)).json();
  assert.equal(cfg.peer.auth, 'none', 'a standalone server: the widget and console pick their own ids');
  const agent = await agentLogin(browser, server.url);
  await until(() => agent.evaluate(() => !!window.__kefuAgent.peerId), { what: 'standing peer' });
  const standing = await agent.evaluate(() => window.__kefuAgent.peerId);

  const visitor = await newVisitor();
  const boundId = `kefubound${Date.now()}`;
  const ring = await ringAs(agent, visitor, boundId);

  // The stranger knows the standing id (every chat socket is told it) and names the ringing call.
  const stranger = await peerPage(`kefustranger${Date.now()}`);
  const strangerGot = offerAndWait(stranger, standing, { callId: ring.callId, visitorId: visitor.visitorId, video: false }, 8000);
  await new Promise((r) => setTimeout(r, 1000)); // the stranger's offer is at the console before the accept
  await agent.click('#call-accept');
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(await agent.evaluate(() => window.__kefuAgent.state), 'connecting', 'no offer taken for the call yet');

  const bound = await peerPage(boundId);
  assert.equal(await offerAndWait(bound, standing, { callId: ring.callId, visitorId: visitor.visitorId, video: false }, 8000), true,
    'the bound visitor peer is answered');
  await until(() => agent.evaluate(() => window.__kefuAgent.state === 'in-call'), { what: 'in call with the bound peer' });
  assert.equal(await strangerGot, false, "the stranger's offer is never answered");
  assert.equal(await agent.evaluate(() => window.__kefuAgent.lastCall.remotePeerId), boundId);
  await agent.click('#call-hangup');
  await bound.context().close();
  await stranger.context().close();
  await agent.context().close();
});

// A stock-peerjs caller (the seed page) sends its microphone as soon as it is answered: its offer is held
// unanswered until the accept, unlike the widget's (metadata holdsMedia:true, answered while it rings).
test('a stock-peerjs offer, without holdsMedia, is not answered while the console rings', async () => {
  const agent = await agentLogin(browser, server.url);
  await until(() => agent.evaluate(() => !!window.__kefuAgent.peerId), { what: 'standing peer' });
  const standing = await agent.evaluate(() => window.__kefuAgent.peerId);
  const visitor = await newVisitor();
  const boundId = `kefuseed${Date.now()}`;
  const bound = await peerPage(boundId);
  const ring = await ringAs(agent, visitor, boundId);
  const got = offerAndWait(bound, standing, { callId: ring.callId, visitorId: visitor.visitorId, video: false }, 8000);
  const held = await until(() => agent.evaluate(() => window.__kefuAgent.heldOffer()), { what: 'the offer held for the ring' });
  assert.deepEqual(held, { answered: false, holdsMedia: false });
  assert.equal(await bound.evaluate(() => !!window.call.peerConnection && window.call.peerConnection.connectionState), 'new', 'no path to the console');
  await agent.click('#call-accept');
  assert.equal(await got, true, 'answered at the accept');
  await until(() => agent.evaluate(() => window.__kefuAgent.state === 'in-call'), { what: 'in call' });
  await agent.click('#call-hangup');
  await bound.context().close();
  await agent.context().close();
});
