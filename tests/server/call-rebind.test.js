'use strict';
// Rebinding a running call to the visitor's new PeerJS registration (docs/PROTOCOL.md §6 "Recovery"):
// only the call's own visitor, only with a peer id issued to that visitor, only while the call runs;
// the console hears of it, and the gate relays the new peer (and no longer the old one).
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { api, newVisitor, agentSocket, peerCredentials, peerSocket, serverWithAgent } = require('./helpers');

let srv;
let agentToken;
before(async () => ({ srv, agentToken } = await serverWithAgent({ leftGraceMs: 200, rate: { calls: 100, ringsPerAddress: 100, visitorCreates: 1000 } })));
after(() => srv.close());

const callKefu = (v, body) => api(srv, 'POST', '/2/callKefu', { token: v.token, body });
const offer = (dst, n) => ({ type: 'OFFER', dst, payload: { type: 'media', connectionId: `mc_${n}`, sdp: { type: 'offer', sdp: 'v=0' }, metadata: { recover: true } } });

async function runningCall() {
  const chat = await agentSocket(srv, agentToken);
  const agentCred = await peerCredentials(srv, agentToken, { agent: true });
  const agentPeer = await peerSocket(srv, agentCred);
  chat.send('peer', { peerId: agentCred.id });
  const v = await newVisitor(srv);
  const first = await peerCredentials(srv, v.token);
  const r = await callKefu(v, { action: 'callpeer', peer_id: first.id });
  assert.equal(r.status, 200, r.text);
  const callId = r.json.callId;
  await chat.next('call');
  const ringing = await callKefu(v, { action: 'rebind', call_id: callId, peer_id: first.id });
  assert.equal(ringing.status, 409, 'nothing to rebind while it rings');
  chat.send('accept', { visitorId: v.visitorId, peerId: agentCred.id, callId });
  await chat.settled();
  return { chat, agentCred, agentPeer, v, first, callId };
}

test('rebind: the running call follows the visitor\'s new peer; the console is told; the gate relays the new id only', async () => {
  const { chat, agentCred, agentPeer, v, first, callId } = await runningCall();
  const oldPeer = await peerSocket(srv, first);
  const second = await peerCredentials(srv, v.token);
  const newPeer = await peerSocket(srv, second);
  newPeer.peerSend(offer(agentCred.id, 1));
  assert.equal(await agentPeer.none('OFFER', 200), true, 'an unbound peer does not reach the console');

  const r = await callKefu(v, { action: 'rebind', call_id: callId, peer_id: second.id });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { ok: true, callId });
  assert.deepEqual((await chat.next('call_peer')).data, { visitorId: v.visitorId, callId, peerId: second.id });
  const late = await agentSocket(srv, agentToken);
  assert.equal(late.hello.calls.find((c) => c.callId === callId).peerId, second.id, 'a reconnecting console sees the new id');
  late.close();

  newPeer.peerSend(offer(agentCred.id, 2));
  const got = await agentPeer.next('OFFER');
  assert.equal(got.src, second.id);
  assert.equal(got.payload.connectionId, 'mc_2');
  oldPeer.peerSend(offer(agentCred.id, 3));
  assert.equal(await agentPeer.none('OFFER', 200), true, 'the old id is no longer the call\'s');

  await callKefu(v, { action: 'hangup', call_id: callId });
  const after = await callKefu(v, { action: 'rebind', call_id: callId, peer_id: second.id });
  assert.equal(after.status, 409, 'an ended call cannot be rebound');
  for (const c of [chat, agentPeer, oldPeer, newPeer]) c.close();
});

test('rebind is refused for another visitor\'s call, a peer id not issued to the caller, or a malformed one', async () => {
  const { chat, agentPeer, v, callId } = await runningCall();
  const other = await newVisitor(srv);
  const otherCred = await peerCredentials(srv, other.token);
  const foreign = await callKefu(other, { action: 'rebind', call_id: callId, peer_id: otherCred.id });
  assert.equal(foreign.status, 404);
  const stolen = await callKefu(v, { action: 'rebind', call_id: callId, peer_id: otherCred.id });
  assert.equal(stolen.status, 403);
  assert.equal(stolen.json.error.code, 'forbidden');
  const agentCred = await peerCredentials(srv, agentToken, { agent: true });
  assert.equal((await callKefu(v, { action: 'rebind', call_id: callId, peer_id: agentCred.id })).status, 403, 'not an agent\'s id');
  for (const peer of [undefined, '', 'a<b', 'x'.repeat(200), 7, { id: 'x' }]) {
    assert.equal((await callKefu(v, { action: 'rebind', call_id: callId, peer_id: peer })).status, 400, JSON.stringify(peer));
  }
  assert.equal(await chat.none('call_peer', 150), true, 'refused rebinds tell nobody');
  await callKefu(v, { action: 'hangup', call_id: callId });
  chat.close();
  agentPeer.close();
});
