'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  api, newVisitor, visitorSocket, agentSocket, peerCredentials, agentPeers, serverWithAgent,
} = require('./helpers');

let srv;
let agentToken;
// Rings time out after 1.5 s: long enough for an accept several round trips in, short for the timeout test.
before(async () => ({ srv, agentToken } = await serverWithAgent({ ringTimeoutMs: 1500, leftGraceMs: 200 })));
after(() => srv.close());

const callKefu = (v, body) => api(srv, 'POST', '/2/callKefu', { token: v.token, body });
const callpeer = (v, extra = {}) => callKefu(v, { action: 'callpeer', kefu_id: 'kefu1', visitor_id: v.visitorId, ...extra });

async function callMessages(v) {
  const h = await api(srv, 'GET', '/api/messages', { token: v.token });
  return h.json.messages.filter((m) => m.kind === 'call');
}

async function setup(name) {
  const v = await newVisitor(srv, name);
  const tab = await visitorSocket(srv, v.token);
  const agent = await agentSocket(srv, agentToken);
  return { v, tab, agent, done: () => [tab, agent].forEach((c) => c.close()) };
}

test('no agent online: callpeer is 503 offline', async () => {
  const v = await newVisitor(srv);
  const r = await callpeer(v);
  assert.equal(r.status, 503);
  assert.equal(r.json.error.code, 'offline');
});

test('forged visitor_id is 403, unknown action 400, unknown kefu 404', async () => {
  const { v, done } = await setup();
  const other = await newVisitor(srv);
  const forged = await callKefu(v, { action: 'callpeer', kefu_id: 'kefu1', visitor_id: other.visitorId });
  assert.equal(forged.status, 403);
  assert.equal(forged.json.error.code, 'forbidden');
  const bad = await callKefu(v, { action: 'dance' });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.code, 'bad_request');
  const kefu = await callKefu(v, { action: 'callpeer', kefu_id: 'kefu9' });
  assert.equal(kefu.status, 404);
  done();
});

test('callpeer rings the agent; accept sends the visitor the agent peer id as a bare string', async () => {
  const P = await agentPeers(srv, agentToken, ['agent-peer-42']);
  const { v, tab, agent, done } = await setup('来电访客');
  const { id: visitorPeer } = await peerCredentials(srv, v.token); // the call is bound to a peer issued to v
  const r = await callpeer(v, { video: true, peer_id: visitorPeer });
  assert.equal(r.status, 200);
  assert.equal(r.json.ok, true);
  assert.match(r.json.callId, /^c_/);
  const ring = (await agent.next('call')).data;
  assert.equal(ring.visitorId, v.visitorId);
  assert.equal(ring.name, '来电访客');
  assert.equal(ring.video, true);
  assert.equal(ring.callId, r.json.callId);
  assert.equal(ring.peerId, visitorPeer);

  // A second call while this one rings is a conflict.
  const again = await callpeer(v);
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'conflict');

  const rawFrames = [];
  tab.ws.on('message', (m) => rawFrames.push(m.toString()));
  agent.send('accept', { visitorId: v.visitorId, peerId: P['agent-peer-42'] });
  const accept = await tab.next('accept');
  assert.deepEqual(accept, { type: 'accept', data: P['agent-peer-42'] });
  // Exactly the seed's wire shape.
  assert.ok(rawFrames.includes(`{"type":"accept","data":"${P['agent-peer-42']}"}`), rawFrames.join('\n'));

  // Still a conflict while the call runs.
  assert.equal((await callpeer(v)).status, 409);

  // Visitor hangs up: agents get call_end, one history line is recorded for both sides.
  const hang = await callKefu(v, { action: 'hangup', call_id: r.json.callId, duration: 0 });
  assert.equal(hang.status, 200);
  assert.equal(hang.json.outcome, 'completed');
  const end = (await agent.next('call_end')).data;
  assert.deepEqual(end, { visitorId: v.visitorId, callId: r.json.callId, reason: 'hangup' });
  const line = (await tab.next('message', { where: (d) => d.kind === 'call' })).data;
  assert.equal(line.from, 'system');
  assert.deepEqual(line.call, { video: true, duration: 0, outcome: 'completed' });
  assert.equal(line.text, '视频通话 00:00');
  const atAgent = (await agent.next('message', { where: (d) => d.kind === 'call' })).data;
  assert.equal(atAgent.seq, line.seq);

  // Repeating the hangup (or ending it again) changes nothing and records nothing new.
  assert.equal((await callKefu(v, { action: 'hangup', call_id: r.json.callId })).status, 200);
  assert.equal((await callKefu(v, { action: 'end', call_id: r.json.callId, outcome: 'failed' })).json.outcome, 'completed');
  agent.send('hangup', { visitorId: v.visitorId });
  assert.equal((await agent.next('error')).data.code, 'not_found');
  assert.equal((await callMessages(v)).length, 1);
  done();
});

test('agent reject: visitor gets reject, history says 已拒绝', async () => {
  const { v, tab, agent, done } = await setup();
  const r = await callpeer(v);
  await agent.next('call');
  agent.send('reject', { visitorId: v.visitorId });
  assert.deepEqual((await tab.next('reject')).data, { reason: 'rejected' });
  assert.equal((await agent.next('call_end')).data.reason, 'rejected');
  const line = (await tab.next('message', { where: (d) => d.kind === 'call' })).data;
  assert.equal(line.text, '已拒绝');
  assert.deepEqual(line.call, { video: false, duration: 0, outcome: 'rejected' });
  // The call is over: a new one may ring.
  const next = await callpeer(v);
  assert.equal(next.status, 200);
  assert.notEqual(next.json.callId, r.json.callId);
  await callKefu(v, { action: 'cancel', call_id: next.json.callId });
  done();
});

test('agent hangup after accept: visitor gets hangup reason agent, one completed record', async () => {
  const P = await agentPeers(srv, agentToken, ['agentpeer7']);
  const { v, tab, agent, done } = await setup();
  await callpeer(v);
  await agent.next('call');
  agent.send('accept', { visitorId: v.visitorId, peerId: P['agentpeer7'] });
  await tab.next('accept');
  agent.send('hangup', { visitorId: v.visitorId });
  assert.deepEqual((await tab.next('hangup')).data, { reason: 'agent' });
  const line = (await tab.next('message', { where: (d) => d.kind === 'call' })).data;
  assert.equal(line.call.outcome, 'completed');
  assert.match(line.text, /^语音通话 \d\d:\d\d$/);
  assert.equal((await callMessages(v)).length, 1);
  done();
});

test('a late second hang-up for an ended call does not disturb the next call', async () => {
  const P = await agentPeers(srv, agentToken, ['agentpeer8', 'agentpeer9']);
  const { v, tab, agent, done } = await setup();
  const first = await callpeer(v);
  await agent.next('call');
  agent.send('accept', { visitorId: v.visitorId, peerId: P['agentpeer8'], callId: first.json.callId });
  await tab.next('accept');
  await callKefu(v, { action: 'hangup', call_id: first.json.callId, duration: 1 });
  const second = await callpeer(v);
  assert.equal(second.status, 200);
  await agent.next('call', { where: (d) => d.callId === second.json.callId });
  // The console's backup report for the first call arrives now.
  agent.send('hangup', { visitorId: v.visitorId, callId: first.json.callId });
  agent.send('accept', { visitorId: v.visitorId, peerId: P['agentpeer9'], callId: second.json.callId });
  assert.equal((await tab.next('accept')).data, P['agentpeer9']);
  await callKefu(v, { action: 'hangup', call_id: second.json.callId, duration: 0 });
  done();
});

test('visitor cancel while ringing: agents get call_end cancelled, history says 已取消', async () => {
  const { v, tab, agent, done } = await setup();
  const r = await callpeer(v);
  await agent.next('call');
  const c = await callKefu(v, { action: 'cancel', call_id: r.json.callId });
  assert.equal(c.json.outcome, 'cancelled');
  assert.equal((await agent.next('call_end')).data.reason, 'cancelled');
  assert.equal((await tab.next('message', { where: (d) => d.kind === 'call' })).data.text, '已取消');
  const unknown = await callKefu(v, { action: 'cancel', call_id: 'c_nope' });
  assert.equal(unknown.status, 404);
  done();
});

test('a visitor cannot end another visitor\'s call', async () => {
  const { v, agent, done } = await setup();
  const other = await newVisitor(srv);
  const r = await callpeer(v);
  await agent.next('call');
  const x = await callKefu(other, { action: 'hangup', call_id: r.json.callId });
  assert.equal(x.status, 404);
  await callKefu(v, { action: 'cancel', call_id: r.json.callId });
  done();
});

test('ring timeout: missed, agents get call_end, visitor gets hangup timeout', async () => {
  const { v, tab, agent, done } = await setup();
  await callpeer(v);
  await agent.next('call');
  assert.equal((await agent.next('call_end', { timeout: 4000 })).data.reason, 'timeout');
  assert.deepEqual((await tab.next('hangup')).data, { reason: 'timeout' });
  const line = (await tab.next('message', { where: (d) => d.kind === 'call' })).data;
  assert.equal(line.text, '未接通');
  assert.equal(line.call.outcome, 'missed');
  done();
});

test('visitor end with outcome failed is recorded', async () => {
  const P = await agentPeers(srv, agentToken, ['p1']);
  const { v, tab, agent, done } = await setup();
  const r = await callpeer(v, { video: true });
  await agent.next('call');
  agent.send('accept', { visitorId: v.visitorId, peerId: P['p1'] });
  await tab.next('accept');
  const e = await callKefu(v, { action: 'end', call_id: r.json.callId, outcome: 'failed' });
  assert.equal(e.json.outcome, 'failed');
  assert.equal((await agent.next('call_end')).data.reason, 'failed');
  assert.equal((await tab.next('message', { where: (d) => d.kind === 'call' })).data.call.outcome, 'failed');
  const bad = await callKefu(v, { action: 'end', call_id: r.json.callId, outcome: 'weird' });
  assert.equal(bad.status, 200, 'an ended call is not re-validated');
  done();
});

test('visitor sockets all gone during a call: agents get call_end visitor_left after the grace', async () => {
  const P = await agentPeers(srv, agentToken, ['p2']);
  const { v, tab, agent, done } = await setup();
  await callpeer(v);
  await agent.next('call');
  agent.send('accept', { visitorId: v.visitorId, peerId: P['p2'] });
  await tab.next('accept');
  tab.close();
  const end = (await agent.next('call_end', { timeout: 2000 })).data;
  assert.equal(end.reason, 'visitor_left');
  const line = (await agent.next('message', { where: (d) => d.kind === 'call' && d.visitorId === v.visitorId })).data;
  assert.equal(line.call.outcome, 'completed');
  done();
});

test('a second agent tab stops ringing when the call is answered elsewhere; accept needs a valid peer id', async () => {
  const P = await agentPeers(srv, agentToken, ['goodpeer', 'otherpeer']);
  const { v, tab, agent, done } = await setup();
  const second = await agentSocket(srv, agentToken);
  await callpeer(v);
  await agent.next('call');
  await second.next('call');
  agent.send('accept', { visitorId: v.visitorId, peerId: 'bad id!' });
  assert.equal((await agent.next('error')).data.code, 'bad_request');
  agent.send('accept', { visitorId: v.visitorId, peerId: P['goodpeer'] });
  await tab.next('accept');
  assert.equal((await second.next('call_end')).data.reason, 'answered_elsewhere');
  second.send('accept', { visitorId: v.visitorId, peerId: P['otherpeer'] });
  assert.equal((await second.next('error')).data.code, 'conflict');
  agent.send('hangup', { visitorId: v.visitorId });
  await tab.next('hangup');
  second.close();
  done();
});

test('an agent console that reconnects sees calls still ringing in hello', async () => {
  const { v, agent, done } = await setup();
  const r = await callpeer(v);
  await agent.next('call');
  const late = await agentSocket(srv, agentToken);
  assert.ok(late.hello.calls.some((c) => c.callId === r.json.callId && c.state === 'ringing'));
  await callKefu(v, { action: 'cancel', call_id: r.json.callId });
  late.close();
  done();
});

test('switch: only the caller\'s own running call, video must be boolean; agents get call_media; the history line names the final kind', async () => {
  const P = await agentPeers(srv, agentToken, ['agentpeer10']);
  const { v, tab, agent, done } = await setup();
  const other = await newVisitor(srv);
  const r = await callpeer(v, { video: false });
  const callId = r.json.callId;
  await agent.next('call');

  // Still ringing: nothing to switch yet.
  const ringing = await callKefu(v, { action: 'switch', call_id: callId, video: true });
  assert.equal(ringing.status, 409);
  assert.equal(ringing.json.error.code, 'conflict');

  agent.send('accept', { visitorId: v.visitorId, peerId: P['agentpeer10'], callId });
  await tab.next('accept');

  for (const video of [undefined, 'true', 1, null]) {
    const bad = await callKefu(v, { action: 'switch', call_id: callId, video });
    assert.equal(bad.status, 400, String(video));
    assert.equal(bad.json.error.code, 'bad_request');
  }
  const foreign = await callKefu(other, { action: 'switch', call_id: callId, video: true });
  assert.equal(foreign.status, 404);
  assert.equal(foreign.json.error.code, 'not_found');
  assert.equal((await callKefu(v, { action: 'switch', call_id: 'c_nope', video: true })).status, 404);
  const forged = await callKefu(v, { action: 'switch', call_id: callId, video: true, visitor_id: other.visitorId });
  assert.equal(forged.status, 403);
  assert.equal(await agent.none('call_media', 100), true, 'refused switches tell nobody');

  const sw = await callKefu(v, { action: 'switch', call_id: callId, video: true });
  assert.equal(sw.status, 200, sw.text);
  assert.deepEqual(sw.json, { ok: true, callId, video: true });
  assert.deepEqual((await agent.next('call_media')).data, { visitorId: v.visitorId, callId, video: true });
  // A console that reconnects now sees the call's current kind.
  const late = await agentSocket(srv, agentToken);
  assert.equal(late.hello.calls.find((c) => c.callId === callId).video, true);
  late.close();

  await callKefu(v, { action: 'hangup', call_id: callId, duration: 0 });
  const line = (await tab.next('message', { where: (d) => d.kind === 'call' })).data;
  assert.equal(line.text, '视频通话 00:00');
  assert.deepEqual(line.call, { video: true, duration: 0, outcome: 'completed' });

  // Over: no more switching.
  const ended = await callKefu(v, { action: 'switch', call_id: callId, video: false });
  assert.equal(ended.status, 409);
  done();
});

test('switch back to voice: the history line says 语音通话 for a call that began as video', async () => {
  const P = await agentPeers(srv, agentToken, ['agentpeer11']);
  const { v, tab, agent, done } = await setup();
  const r = await callpeer(v, { video: true });
  const callId = r.json.callId;
  await agent.next('call');
  agent.send('accept', { visitorId: v.visitorId, peerId: P['agentpeer11'], callId });
  await tab.next('accept');
  assert.deepEqual((await callKefu(v, { action: 'switch', call_id: callId, video: false })).json, { ok: true, callId, video: false });
  assert.equal((await agent.next('call_media')).data.video, false);
  // Without call_id the visitor's open call is meant, as for the other actions.
  assert.equal((await callKefu(v, { action: 'switch', video: true })).json.video, true);
  assert.equal((await callKefu(v, { action: 'switch', video: false })).json.video, false);
  agent.send('hangup', { visitorId: v.visitorId, callId });
  await tab.next('hangup');
  const line = (await tab.next('message', { where: (d) => d.kind === 'call' })).data;
  assert.match(line.text, /^语音通话 \d\d:\d\d$/);
  assert.equal(line.call.video, false);
  done();
});

test('switch_decline: the visitor of the running call gets switch {accepted:false}; the call goes on', async () => {
  const P = await agentPeers(srv, agentToken, ['agentpeer12']);
  const { v, tab, agent, done } = await setup();
  const other = await newVisitor(srv);
  const otherTab = await visitorSocket(srv, other.token);
  const r = await callpeer(v);
  const callId = r.json.callId;
  await agent.next('call');

  agent.send('switch_decline', { visitorId: v.visitorId, callId });
  assert.equal((await agent.next('error')).data.code, 'conflict', 'a ringing call has no switch to decline');

  agent.send('accept', { visitorId: v.visitorId, peerId: P['agentpeer12'], callId });
  await tab.next('accept');

  agent.send('switch_decline', { visitorId: v.visitorId, callId: 'c_other' });
  assert.equal((await agent.next('error')).data.code, 'not_found');
  agent.send('switch_decline', { visitorId: other.visitorId, callId });
  assert.equal((await agent.next('error')).data.code, 'not_found');
  agent.send('switch_decline', { visitorId: v.visitorId });
  assert.equal((await agent.next('error')).data.code, 'bad_request');
  agent.send('switch_decline', { callId });
  assert.equal((await agent.next('error')).data.code, 'bad_request');

  agent.send('switch_decline', { visitorId: v.visitorId, callId });
  assert.deepEqual(await tab.next('switch'), { type: 'switch', data: { accepted: false } });
  assert.equal(await otherTab.none('switch', 100), true, 'only that visitor is told');
  assert.equal(await tab.none('hangup', 100), true, 'the call goes on');

  const hang = await callKefu(v, { action: 'hangup', call_id: callId, duration: 0 });
  assert.equal(hang.json.outcome, 'completed');
  agent.send('switch_decline', { visitorId: v.visitorId, callId });
  assert.equal((await agent.next('error')).data.code, 'not_found', 'an ended call has no switch to decline');
  otherTab.close();
  done();
});
