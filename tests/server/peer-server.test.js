'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, wsClient, WebSocket } = require('./helpers');

let srv;
before(async () => {
  srv = await startServer();
});
after(async () => {
  await srv.close();
});

async function register(id, token) {
  const c = wsClient(srv, `/peerjs/peerjs?key=peerjs&id=${encodeURIComponent(id)}&token=${token}&version=1.5.5`);
  await c.opened;
  return c;
}

test('GET /peerjs answers with the PeerJS banner', async () => {
  const r = await fetch(`${srv.url}/peerjs`);
  assert.equal(r.status, 200);
  const body = await r.json();
  assert.equal(body.name, 'PeerJS Server');
});

test('GET /peerjs/peerjs/id hands out an id; discovery is off', async () => {
  const r = await fetch(`${srv.url}/peerjs/peerjs/id?ts=${Date.now()}&version=1.5.5`);
  assert.equal(r.status, 200);
  assert.match(await r.text(), /^[0-9a-f-]{36}$/);
  const peers = await fetch(`${srv.url}/peerjs/peerjs/peers`);
  assert.equal(peers.status, 401);
});

test('a PeerJS client registers over /peerjs/peerjs and gets OPEN; relay and ID-TAKEN work', async () => {
  const a = await register('agentA', 'tokA');
  assert.deepEqual(await a.next('OPEN'), { type: 'OPEN' });
  const b = await register('visitorB', 'tokB');
  await b.next('OPEN');
  // Relay: B offers to A, A sees src rewritten to B.
  b.ws.send(JSON.stringify({ type: 'OFFER', dst: 'agentA', payload: { type: 'media', connectionId: 'mc_1', sdp: { type: 'offer', sdp: 'v=0' } } }));
  const offer = await a.next('OFFER');
  assert.equal(offer.src, 'visitorB');
  assert.equal(offer.payload.connectionId, 'mc_1');
  // Same id with another token is refused.
  const thief = await register('agentA', 'other');
  await thief.next('ID-TAKEN');
  // Wrong key is an ERROR.
  const wrongKey = wsClient(srv, '/peerjs/peerjs?key=nope&id=x1&token=t');
  await wrongKey.opened;
  assert.equal((await wrongKey.next('ERROR')).payload.msg, 'Invalid key provided');
  for (const c of [a, b, thief, wrongKey]) c.close();
});

test('the PeerJS socket lives only at the mounted path', async () => {
  const ws = new WebSocket(`${srv.wsUrl}/peerjs?key=peerjs&id=z&token=t`);
  await assert.rejects(new Promise((resolve, reject) => {
    ws.on('open', resolve);
    ws.on('error', reject);
  }));
});
