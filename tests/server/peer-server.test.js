'use strict';
// The mounted stock PeerJS server behind its gate: registration with backend-issued credentials only.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  startServer, api, newVisitor, agentLogin, agentSocket, WebSocket, peerCredentials, peerSocket, upgradeStatus, sleep,
} = require('./helpers');

let srv;
before(async () => {
  srv = await startServer({ peerGate: { credentialTtlMs: 800 } });
});
after(async () => {
  await srv.close();
});

const url = (id, token, key = 'peerjs') => `/peerjs/peerjs?key=${key}&id=${encodeURIComponent(id)}&token=${encodeURIComponent(token)}&version=1.5.5`;

test('GET /peerjs answers with the PeerJS banner; the id and peer list routes are closed', async () => {
  const r = await fetch(`${srv.url}/peerjs`);
  assert.equal(r.status, 200);
  assert.equal((await r.json()).name, 'PeerJS Server');
  const id = await fetch(`${srv.url}/peerjs/peerjs/id?ts=${Date.now()}&version=1.5.5`);
  assert.equal(id.status, 403);
  assert.equal((await id.json()).error.code, 'forbidden');
  assert.equal((await fetch(`${srv.url}/peerjs/peerjs/peers`)).status, 403);
});

test('/api/config says the mounted server wants credentials', async () => {
  const r = await api(srv, 'GET', '/api/config');
  assert.equal(r.json.peer.auth, 'kefu');
  assert.equal(r.json.peer.path, '/peerjs');
});

test('credentials: visitor and agent endpoints need their bearer token and give a valid PeerJS id', async () => {
  assert.equal((await api(srv, 'POST', '/api/peer-credentials')).status, 401);
  assert.equal((await api(srv, 'POST', '/api/agent/peer-credentials', { token: 'nope' })).status, 401);
  const v = await newVisitor(srv);
  // A visitor token is not an agent token.
  assert.equal((await api(srv, 'POST', '/api/agent/peer-credentials', { token: v.token })).status, 401);
  const c = await peerCredentials(srv, v.token);
  assert.match(c.id, /^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/);
  assert.match(c.token, /^[0-9a-f]{32}$/);
  assert.ok(c.expires > Date.now() && c.expires <= Date.now() + 800);
  const again = await peerCredentials(srv, v.token);
  assert.notEqual(again.id, c.id, 'every credential has its own id');
  const a = await peerCredentials(srv, await agentLogin(srv), { agent: true });
  assert.match(a.id, /^[A-Za-z0-9]+$/);
});

test('registration without credentials, with made-up or foreign ones, or with the wrong key is refused at the upgrade', async () => {
  assert.equal(await upgradeStatus(srv, '/peerjs/peerjs?key=peerjs'), 401);
  assert.equal(await upgradeStatus(srv, url('agentA', 'tokA')), 401, 'any free id no longer registers');
  const v1 = await newVisitor(srv);
  const v2 = await newVisitor(srv);
  const c1 = await peerCredentials(srv, v1.token);
  const c2 = await peerCredentials(srv, v2.token);
  assert.equal(await upgradeStatus(srv, url(c1.id, c2.token)), 401, "someone else's id with one's own token");
  // One hex digit off (a token ending in 0 gets a 1: one in 16 does).
  const off = `${c1.token.slice(0, -1)}${c1.token.endsWith('0') ? '1' : '0'}`;
  assert.equal(await upgradeStatus(srv, url(c1.id, off)), 401, 'a token one digit off');
  assert.equal(await upgradeStatus(srv, url(c1.id, c1.token, 'other')), 401);
  // A fresh credential (this file's credentials live 800 ms): while it is registered, nobody else gets its id.
  const c3 = await peerCredentials(srv, v1.token);
  const s1 = await peerSocket(srv, c3);
  assert.equal(await upgradeStatus(srv, url(c3.id, (await peerCredentials(srv, v2.token)).token)), 401);
  s1.close();
});

test('an unused credential expires; a used one may re-register (peerjs reconnect) until it has been unused that long', async () => {
  const v = await newVisitor(srv);
  const stale = await peerCredentials(srv, v.token);
  const c = await peerCredentials(srv, v.token);
  const s = await peerSocket(srv, c);
  await sleep(1000); // longer than credentialTtlMs: the open socket keeps c valid
  assert.equal(await upgradeStatus(srv, url(stale.id, stale.token)), 401, 'never used within its lifetime');
  // Re-registering the same id while the old socket is still open replaces it, and OPEN comes again.
  const s2 = await peerSocket(srv, c);
  assert.equal((await s.closed()).code !== undefined, true, 'the older socket of that id is closed');
  s2.close();
  await s2.closed();
  await sleep(100);
  const s3 = await peerSocket(srv, c); // within the lifetime after its last socket closed
  s3.close();
  await s3.closed();
  await sleep(1000);
  assert.equal(await upgradeStatus(srv, url(c.id, c.token)), 401, 'unused for longer than its lifetime');
});

test('relay between the parties of a call; the stock server rewrites src', async () => {
  const agentToken = await agentLogin(srv);
  const agent = await agentSocket(srv, agentToken);
  const ac = await peerCredentials(srv, agentToken, { agent: true });
  const ap = await peerSocket(srv, ac);
  agent.send('peer', { peerId: ac.id });
  await agent.settled();
  const v = await newVisitor(srv);
  const vc = await peerCredentials(srv, v.token);
  const vp = await peerSocket(srv, vc);
  const r = await api(srv, 'POST', '/2/callKefu', { token: v.token, body: { action: 'callpeer', peer_id: vc.id } });
  assert.equal(r.status, 200, r.text);
  vp.peerSend({ type: 'OFFER', dst: ac.id, payload: { type: 'media', connectionId: 'mc_1', sdp: { type: 'offer', sdp: 'v=0' } } });
  const offer = await ap.next('OFFER');
  assert.equal(offer.src, vc.id);
  assert.equal(offer.payload.connectionId, 'mc_1');
  await api(srv, 'POST', '/2/callKefu', { token: v.token, body: { action: 'cancel', call_id: r.json.callId } });
  for (const c of [vp, ap, agent]) c.close();
});

test('callpeer binds the call to a peer id issued to that visitor only', async () => {
  const agentToken = await agentLogin(srv);
  const agent = await agentSocket(srv, agentToken);
  const v = await newVisitor(srv);
  const other = await newVisitor(srv);
  const foreign = await peerCredentials(srv, other.token);
  for (const peerId of ['visitorpeer1', foreign.id]) {
    const r = await api(srv, 'POST', '/2/callKefu', { token: v.token, body: { action: 'callpeer', peer_id: peerId } });
    assert.equal(r.status, 403, peerId);
    assert.equal(r.json.error.code, 'forbidden');
  }
  agent.close();
});

test('the PeerJS socket lives only at the mounted path', async () => {
  const ws = new WebSocket(`${srv.wsUrl}/peerjs?key=peerjs&id=z&token=t`);
  await assert.rejects(new Promise((resolve, reject) => {
    ws.on('open', resolve);
    ws.on('error', reject);
  }));
});
