'use strict';
// A ring that goes while the visitor's browser still asks for the microphone (callpeer `mic:"asking"`,
// docs/PROTOCOL.md §5): the console's ring says so until the widget reports the grant (`mic`), once per
// call; a refusal takes the ring back with its reason. Only these values, only the visitor's own call.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { api, newVisitor, agentSocket, peerCredentials, serverWithAgent } = require('./helpers');

let srv;
let agentToken;
before(async () => ({ srv, agentToken } = await serverWithAgent({ leftGraceMs: 200, rate: { calls: 100, ringsPerAddress: 100, visitorCreates: 1000 } })));
after(() => srv.close());

const callKefu = (v, body) => api(srv, 'POST', '/2/callKefu', { token: v.token, body });

async function ring(extra = {}) {
  const chat = await agentSocket(srv, agentToken);
  const v = await newVisitor(srv);
  const peer = await peerCredentials(srv, v.token);
  const r = await callKefu(v, { action: 'callpeer', peer_id: peer.id, ...extra });
  assert.equal(r.status, 200, r.text);
  const frame = (await chat.next('call')).data;
  return { chat, v, callId: r.json.callId, frame };
}

test('a ring during the prompt says the visitor is being asked, until the grant, which reaches the console once', async () => {
  const { chat, v, callId, frame } = await ring({ mic: 'asking' });
  assert.equal(frame.asking, true, 'the ring says the visitor is still being asked');
  const late = await agentSocket(srv, agentToken);
  assert.equal(late.hello.calls.find((c) => c.callId === callId).asking, true, 'and so does a reloaded console\'s hello');
  const r = await callKefu(v, { action: 'mic', call_id: callId });
  assert.deepEqual(r.json, { ok: true, callId });
  assert.deepEqual((await chat.next('call_mic')).data, { visitorId: v.visitorId, callId, asking: false });
  assert.deepEqual((await late.next('call_mic')).data, { visitorId: v.visitorId, callId, asking: false });
  assert.equal((await callKefu(v, { action: 'mic', call_id: callId })).status, 200);
  assert.equal(await chat.none('call_mic', 200), true, 'a repeat reaches nobody');
  const again = await agentSocket(srv, agentToken);
  assert.equal(again.hello.calls.find((c) => c.callId === callId).asking, undefined, 'allowed: no longer asking');
  again.close();
  late.close();
  await callKefu(v, { action: 'cancel', call_id: callId });
  assert.equal((await callKefu(v, { action: 'mic', call_id: callId })).status, 409, 'an ended call has no prompt');
  chat.close();
});

test('a ring without mic is not asking, and its grant report relays nothing', async () => {
  const { chat, v, callId, frame } = await ring();
  assert.equal(frame.asking, undefined);
  assert.equal((await callKefu(v, { action: 'mic', call_id: callId })).status, 200);
  assert.equal(await chat.none('call_mic', 200), true);
  await callKefu(v, { action: 'cancel', call_id: callId });
  chat.close();
});

test('mic takes only "asking", and only the visitor\'s own call', async () => {
  const chat = await agentSocket(srv, agentToken);
  const v = await newVisitor(srv);
  for (const mic of ['yes', true, 1, null, { a: 1 }]) {
    const r = await callKefu(v, { action: 'callpeer', mic });
    assert.equal(r.status, 400, `mic ${JSON.stringify(mic)}`);
  }
  assert.equal(await chat.none('call', 200), true, 'nobody was rung for those');
  chat.close();
  const { chat: c2, callId } = await ring({ mic: 'asking' });
  const other = await newVisitor(srv);
  assert.equal((await callKefu(other, { action: 'mic', call_id: callId })).status, 404);
  assert.equal(await c2.none('call_mic', 200), true, 'another visitor cannot say it');
  c2.close();
});

test('a refusal takes the ring back with its reason; any other reason is refused and cancels nothing', async () => {
  const { chat, v, callId } = await ring({ mic: 'asking' });
  for (const reason of ['hacked', '', 7, 'cancelled']) {
    const r = await callKefu(v, { action: 'cancel', call_id: callId, reason });
    assert.equal(r.status, 400, `reason ${JSON.stringify(reason)}`);
  }
  assert.equal(await chat.none('call_end', 200), true, 'still ringing');
  const r = await callKefu(v, { action: 'cancel', call_id: callId, reason: 'permission-denied' });
  assert.equal(r.json.outcome, 'cancelled');
  assert.deepEqual((await chat.next('call_end')).data, { visitorId: v.visitorId, callId, reason: 'permission-denied' });
  chat.close();
});

test('a call the devices failed after the accept ends with the reason; an unknown reason is refused and ends nothing', async () => {
  const { chat, v, callId } = await ring({ mic: 'asking' });
  const bad = await callKefu(v, { action: 'end', call_id: callId, outcome: 'failed', reason: '<b>x</b>' });
  assert.equal(bad.status, 400);
  assert.equal(await chat.none('call_end', 200), true, 'still ringing');
  const r = await callKefu(v, { action: 'end', call_id: callId, outcome: 'failed', reason: 'device-busy' });
  assert.equal(r.json.outcome, 'failed');
  assert.deepEqual((await chat.next('call_end')).data, { visitorId: v.visitorId, callId, reason: 'device-busy' });
  chat.close();
});
