'use strict';
// The visitor's microphone state reaches the console (POST /2/callKefu `mute`, docs/PROTOCOL.md §5): only
// for the visitor's own open call, only a boolean, only changes, at a bounded rate; forgotten when the call
// moves to a new peer (a new page starts unmuted) and when it ends.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { api, newVisitor, agentSocket, peerCredentials, agentPeers, serverWithAgent } = require('./helpers');

let srv;
let agentToken;
before(async () => ({ srv, agentToken } = await serverWithAgent({ leftGraceMs: 200, rate: { calls: 100, ringsPerAddress: 100, visitorCreates: 1000 } })));
after(() => srv.close());

const callKefu = (v, body) => api(srv, 'POST', '/2/callKefu', { token: v.token, body });

async function runningCall() {
  const chat = await agentSocket(srv, agentToken);
  const v = await newVisitor(srv);
  const first = await peerCredentials(srv, v.token);
  const r = await callKefu(v, { action: 'callpeer', peer_id: first.id });
  assert.equal(r.status, 200, r.text);
  const callId = r.json.callId;
  await chat.next('call');
  return { chat, v, callId };
}

test('mute: the console hears each change of the visitor\'s microphone, and a reconnecting console sees it', async () => {
  const P = await agentPeers(srv, agentToken, ['agentpeer1']);
  const { chat, v, callId } = await runningCall();
  const ringing = await callKefu(v, { action: 'mute', call_id: callId, muted: true });
  assert.equal(ringing.status, 200, 'muting while it rings counts too');
  assert.deepEqual(ringing.json, { ok: true, callId, muted: true });
  assert.deepEqual((await chat.next('call_mute')).data, { visitorId: v.visitorId, callId, muted: true });
  assert.equal((await callKefu(v, { action: 'mute', call_id: callId, muted: true })).status, 200);
  assert.equal(await chat.none('call_mute', 200), true, 'a repeat is no change and reaches nobody');

  chat.send('accept', { visitorId: v.visitorId, peerId: P['agentpeer1'], callId });
  const late = await agentSocket(srv, agentToken);
  assert.equal(late.hello.calls.find((c) => c.callId === callId).muted, true, 'a reloaded console shows the mute');
  late.close();

  assert.equal((await callKefu(v, { action: 'mute', call_id: callId, muted: false })).status, 200);
  assert.deepEqual((await chat.next('call_mute')).data, { visitorId: v.visitorId, callId, muted: false });
  await callKefu(v, { action: 'mute', call_id: callId, muted: true });
  await chat.next('call_mute');

  // The call moves to a new registration: the server forgets the mute and says so.
  const second = await peerCredentials(srv, v.token);
  assert.equal((await callKefu(v, { action: 'rebind', call_id: callId, peer_id: second.id })).status, 200);
  assert.deepEqual((await chat.next('call_mute')).data, { visitorId: v.visitorId, callId, muted: false });

  await callKefu(v, { action: 'hangup', call_id: callId });
  const ended = await callKefu(v, { action: 'mute', call_id: callId, muted: true });
  assert.equal(ended.status, 409, 'an ended call has no microphone');
  chat.close();
});

test('mute is refused without a boolean, for another visitor\'s call, and past its rate', async () => {
  const { chat, v, callId } = await runningCall();
  for (const muted of ['true', 1, null, undefined]) {
    const r = await callKefu(v, { action: 'mute', call_id: callId, muted });
    assert.equal(r.status, 400, `muted ${JSON.stringify(muted)}`);
  }
  const other = await newVisitor(srv);
  assert.equal((await callKefu(other, { action: 'mute', call_id: callId, muted: true })).status, 404);
  assert.equal(await chat.none('call_mute', 200), true, 'nothing reached the console');

  let status = 200;
  let sent = 0;
  for (let i = 0; i < 70 && status === 200; i++) {
    status = (await callKefu(v, { action: 'mute', call_id: callId, muted: i % 2 === 0 })).status;
    if (status === 200) sent++;
  }
  assert.equal(status, 429, 'a toggling script is stopped');
  assert.equal(sent, 60);
  await callKefu(v, { action: 'hangup', call_id: callId });
  chat.close();
});
