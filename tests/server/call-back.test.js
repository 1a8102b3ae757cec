'use strict';
// The agent calls a visitor back (agent frame `callback`, docs/PROTOCOL.md §5 "Call-backs"): who may,
// busy on either side, 接听 through the normal pipeline (the gate relays the pair), 拒绝, and no answer.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, agentLogin, agentSocket, visitorSocket, peerCredentials, peerSocket, consoleSide, sleep, serverEvent } = require('./helpers');

async function setup(options = {}) {
  const srv = await startServer({ adminPass: 'admin-pass-1', ringTimeoutMs: 600, leftGraceMs: 200, rate: { calls: 100 }, ...options });
  srv.accounts.add({ username: 'li', name: '小李', password: 'li-pass-123' });
  const admin = await agentLogin(srv, 'admin', 'admin-pass-1');
  const g = await api(srv, 'POST', '/api/admin/groups', { token: admin, body: { id: 'sales', name: '售前', members: ['li'] } });
  assert.equal(g.status, 201, g.text);
  return srv;
}
// A visitor of the sales group with its chat socket open (online) and a registered PeerJS peer.
async function salesVisitor(srv) {
  const v = (await api(srv, 'POST', '/api/visitors', { body: { kefu: 'sales' } })).json;
  const chat = await visitorSocket(srv, v.token);
  const cred = await peerCredentials(srv, v.token);
  return { v, chat, cred };
}
const callKefu = (srv, v, body) => api(srv, 'POST', '/2/callKefu', { token: v.token, body });
const history = async (srv, v) => (await api(srv, 'GET', '/api/messages', { token: v.token })).json.messages.filter((m) => m.kind === 'call');

test('only the assignee or a member of the visitor\'s group can call back, and only an online visitor', async () => {
  const srv = await setup();
  try {
    const kefu1 = await agentSocket(srv, await agentLogin(srv)); // default group only
    const li = await agentSocket(srv, await agentLogin(srv, 'li', 'li-pass-123'));
    const { v, chat } = await salesVisitor(srv);
    kefu1.send('callback', { visitorId: v.visitorId, video: false });
    const refused = (await kefu1.next('error')).data;
    assert.equal(refused.code, 'forbidden');
    assert.equal(await chat.none('ring', 200), true, 'an unauthorised agent made the visitor ring');
    for (const bad of [{}, { visitorId: 42 }, { visitorId: v.visitorId, video: 'yes' }]) {
      li.send('callback', bad);
      assert.equal((await li.next('error')).data.code, 'bad_request', JSON.stringify(bad));
    }
    li.send('callback', { visitorId: 'v_0000000000000000' });
    assert.equal((await li.next('error')).data.code, 'not_found');
    // The assignee may, whatever the group: kefu1 takes the conversation by replying.
    kefu1.send('message', { visitorId: v.visitorId, id: 'a1', text: '您好' });
    await kefu1.next('ack');
    kefu1.send('callback', { visitorId: v.visitorId, video: true });
    const placed = (await kefu1.next('callback')).data;
    assert.equal(placed.state, 'ringing');
    const ring = (await chat.next('ring')).data;
    assert.deepEqual(ring, { callId: placed.callId, video: true, name: '小美' });
    // An offline visitor cannot be called back.
    const gone = await salesVisitor(srv);
    const offline = serverEvent(srv, 'visitor-offline', (id) => id === gone.v.visitorId);
    gone.chat.close();
    await offline;
    li.send('callback', { visitorId: gone.v.visitorId });
    assert.equal((await li.next('error')).data.code, 'offline');
  } finally {
    await srv.close();
  }
});

test('a busy visitor and a busy agent are refused clearly', async () => {
  const srv = await setup();
  try {
    const li = await agentSocket(srv, await agentLogin(srv, 'li', 'li-pass-123'));
    const a = await salesVisitor(srv);
    const b = await salesVisitor(srv);
    // The visitor rings the team itself: a call-back to it is refused.
    const own = await callKefu(srv, a.v, { action: 'callpeer', kefu_id: 'sales', peer_id: a.cred.id });
    assert.equal(own.status, 200);
    li.send('callback', { visitorId: a.v.visitorId });
    const busyVisitor = (await li.next('error')).data;
    assert.equal(busyVisitor.code, 'conflict');
    assert.match(busyVisitor.message, /visitor is busy/);
    await callKefu(srv, a.v, { action: 'cancel', call_id: own.json.callId });
    // The agent's own call-back still rings: a second one is refused.
    li.send('callback', { visitorId: a.v.visitorId });
    await li.next('callback');
    li.send('callback', { visitorId: b.v.visitorId });
    const busyAgent = (await li.next('error')).data;
    assert.equal(busyAgent.code, 'conflict');
    assert.match(busyAgent.message, /You are busy/);
    assert.equal(await b.chat.none('ring', 200), true);
    // A visitor calling while its call-back rings is busy too.
    const again = await callKefu(srv, a.v, { action: 'callpeer', kefu_id: 'sales', peer_id: a.cred.id });
    assert.equal(again.status, 409);
  } finally {
    await srv.close();
  }
});

test('接听: the visitor\'s callpeer with the call id rings the calling agent only, the gate relays the pair, one call record', async () => {
  const srv = await setup({ ringTimeoutMs: 5000 }); // many round trips before the accept
  try {
    const li = await consoleSide(srv, await agentLogin(srv, 'li', 'li-pass-123'));
    const kefu1 = await consoleSide(srv, await agentLogin(srv));
    const { v, chat, cred } = await salesVisitor(srv);
    li.chat.send('callback', { visitorId: v.visitorId, video: false });
    const { callId } = (await li.chat.next('callback')).data;
    await chat.next('ring');
    // The agent cannot accept for the visitor.
    li.chat.send('accept', { visitorId: v.visitorId, callId, peerId: li.cred.id });
    assert.equal((await li.chat.next('error')).data.code, 'conflict');
    // The widget's offer may travel before its callpeer: held, then relayed to the calling console only.
    const peer = await peerSocket(srv, cred);
    peer.peerSend({ type: 'OFFER', dst: li.cred.id, payload: { type: 'media', connectionId: 'mc_cb1', sdp: { type: 'offer', sdp: 'v=0' } } });
    const bad = await callKefu(srv, v, { action: 'callpeer', call_id: callId }); // no peer
    assert.equal(bad.status, 400);
    assert.equal((await callKefu(srv, v, { action: 'callpeer', call_id: 'c_0000000000000000', peer_id: cred.id })).status, 404);
    const r = await callKefu(srv, v, { action: 'callpeer', call_id: callId, peer_id: cred.id, video: true });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.callId, callId);
    assert.equal(r.json.peer, li.cred.id);
    assert.equal((await chat.next('ring_end')).data.reason, 'answered');
    const ring = (await li.chat.next('call')).data;
    assert.equal(ring.callId, callId);
    assert.equal(ring.peerId, cred.id);
    assert.equal(ring.video, false, 'the kind is the agent\'s choice');
    assert.equal((await li.peer.next('OFFER')).payload.connectionId, 'mc_cb1');
    assert.equal(await kefu1.chat.none('call', 200), true, 'another agent rang');
    // Answered twice: refused.
    assert.equal((await callKefu(srv, v, { action: 'callpeer', call_id: callId, peer_id: cred.id })).status, 409);
    kefu1.chat.send('accept', { visitorId: v.visitorId, callId, peerId: kefu1.cred.id });
    assert.equal((await kefu1.chat.next('error')).data.code, 'forbidden');
    li.chat.send('accept', { visitorId: v.visitorId, callId, peerId: li.cred.id });
    assert.equal((await chat.next('accept')).data, li.cred.id);
    await sleep(1100);
    const end = await callKefu(srv, v, { action: 'hangup', call_id: callId, duration: 1 });
    assert.equal(end.json.outcome, 'completed');
    const lines = await history(srv, v);
    assert.equal(lines.length, 1);
    assert.equal(lines[0].call.outcome, 'completed');
    assert.equal(lines[0].call.duration, 1);
  } finally {
    await srv.close();
  }
});

test('拒绝 ends the call-back as declined; the agent\'s cancel and no answer end it too, each with one record', async () => {
  const srv = await setup();
  try {
    const li = await agentSocket(srv, await agentLogin(srv, 'li', 'li-pass-123'));
    const { v, chat } = await salesVisitor(srv);
    li.send('callback', { visitorId: v.visitorId });
    const first = (await li.next('callback')).data.callId;
    const declined = await callKefu(srv, v, { action: 'decline', call_id: first });
    assert.equal(declined.status, 200);
    assert.equal(declined.json.outcome, 'rejected');
    assert.deepEqual((await li.next('call_end')).data, { visitorId: v.visitorId, callId: first, reason: 'declined' });
    assert.equal((await chat.next('ring_end')).data.reason, 'declined');
    assert.equal((await callKefu(srv, v, { action: 'decline', call_id: first })).json.outcome, 'rejected', 'idempotent');
    // The agent cancels.
    li.send('callback', { visitorId: v.visitorId });
    const second = (await li.next('callback')).data.callId;
    li.send('hangup', { visitorId: v.visitorId, callId: second });
    assert.equal((await li.next('call_end', { where: (d) => d.callId === second })).data.reason, 'cancelled');
    assert.equal((await chat.next('ring_end')).data.reason, 'cancelled');
    // Nobody answers: missed after the ring timeout.
    const t0 = Date.now(); // before the server places the call, where its ring timer starts
    li.send('callback', { visitorId: v.visitorId });
    const third = (await li.next('callback')).data.callId;
    assert.equal((await li.next('call_end', { where: (d) => d.callId === third, timeout: 3000 })).data.reason, 'timeout');
    assert.ok(Date.now() - t0 >= 580, `rang ${Date.now() - t0} ms of the 600`);
    assert.equal((await chat.next('ring_end')).data.reason, 'timeout');
    // The widget's answer failed before its callpeer (the visitor refused the microphone): it cancels.
    li.send('callback', { visitorId: v.visitorId });
    const fourth = (await li.next('callback')).data.callId;
    assert.equal((await callKefu(srv, v, { action: 'cancel', call_id: fourth })).json.outcome, 'cancelled');
    assert.equal((await chat.next('ring_end')).data.reason, 'cancelled');
    // A visitor's own call cannot be "declined".
    const own = await callKefu(srv, v, { action: 'callpeer', kefu_id: 'sales' });
    assert.equal((await callKefu(srv, v, { action: 'decline', call_id: own.json.callId })).status, 409);
    await callKefu(srv, v, { action: 'cancel', call_id: own.json.callId });
    const outcomes = (await history(srv, v)).map((m) => m.call.outcome);
    assert.deepEqual(outcomes, ['rejected', 'cancelled', 'missed', 'cancelled', 'cancelled']);
  } finally {
    await srv.close();
  }
});

test('a page reloaded while a call-back rings rings again; once answered or ended, a new page does not', async () => {
  const srv = await setup({ ringTimeoutMs: 5000, leftGraceMs: 1000 });
  try {
    const li = await agentSocket(srv, await agentLogin(srv, 'li', 'li-pass-123'));
    const { v, chat } = await salesVisitor(srv);
    li.send('callback', { visitorId: v.visitorId });
    const callId = (await li.next('callback')).data.callId;
    assert.equal((await chat.next('ring')).data.callId, callId);
    // The reload: the old page's socket goes, the new page's comes within the grace.
    chat.close();
    const again = await visitorSocket(srv, v.token);
    assert.deepEqual((await again.next('ring')).data, { callId, video: false, name: '小李' });
    const other = await salesVisitor(srv); // someone else's page is never rung for it
    assert.equal(await other.chat.none('ring', 300), true, "another visitor's socket was rung");
    // A second tab joining now rings too; after the 接听 a new page is not rung.
    const tab = await visitorSocket(srv, v.token);
    assert.equal((await tab.next('ring')).data.callId, callId);
    const cred = await peerCredentials(srv, v.token);
    const answered = await callKefu(srv, v, { action: 'callpeer', call_id: callId, peer_id: cred.id });
    assert.equal(answered.status, 200, answered.text);
    const later = await visitorSocket(srv, v.token);
    assert.equal(await later.none('ring', 300), true, 'an answered call-back rang a new page');
    li.send('hangup', { visitorId: v.visitorId, callId });
    await li.next('call_end', { where: (d) => d.callId === callId });
    const after = await visitorSocket(srv, v.token);
    assert.equal(await after.none('ring', 300), true, 'an ended call-back rang a new page');
  } finally {
    await srv.close();
  }
});

test('a console reloaded while its call-back rings is told of it after hello; another agent is not', async () => {
  const srv = await setup({ ringTimeoutMs: 5000, leftGraceMs: 1000 });
  try {
    const token = await agentLogin(srv, 'li', 'li-pass-123');
    const li = await agentSocket(srv, token);
    const { v } = await salesVisitor(srv);
    li.send('callback', { visitorId: v.visitorId, video: true });
    const placed = (await li.next('callback')).data;
    // The reload: the old socket goes, the new one comes within the grace and learns of its call-back.
    li.close();
    const again = await agentSocket(srv, token);
    assert.deepEqual((await again.next('callback')).data, { visitorId: v.visitorId, callId: placed.callId, video: true, state: 'ringing' });
    const admin = await agentSocket(srv, await agentLogin(srv, 'admin', 'admin-pass-1'));
    assert.equal(await admin.none('callback', 300), true, "another agent was told of li's call-back");
    // It is still this console's to cancel.
    again.send('hangup', { visitorId: v.visitorId, callId: placed.callId });
    await again.next('call_end', { where: (d) => d.callId === placed.callId });
    const later = await agentSocket(srv, token);
    assert.equal(await later.none('callback', 300), true, 'an ended call-back was told again');
  } finally {
    await srv.close();
  }
});

test('the calling agent gone past the grace ends their ringing call-back as cancelled; another agent leaving does not', async () => {
  const srv = await setup({ ringTimeoutMs: 5000, leftGraceMs: 200 });
  try {
    const li = await agentSocket(srv, await agentLogin(srv, 'li', 'li-pass-123'));
    const admin = await agentSocket(srv, await agentLogin(srv, 'admin', 'admin-pass-1'));
    const { v, chat } = await salesVisitor(srv);
    li.send('callback', { visitorId: v.visitorId });
    const callId = (await li.next('callback')).data.callId;
    assert.equal((await chat.next('ring')).data.callId, callId);
    admin.close(); // not the caller: the ring goes on
    assert.equal(await chat.none('ring_end', 600), true, 'another agent leaving ended the call-back');
    li.close();
    assert.deepEqual((await chat.next('ring_end')).data, { callId, reason: 'agent_left' });
    const lines = await history(srv, v);
    assert.equal(lines.length, 1);
    assert.equal(lines[0].call.outcome, 'cancelled');
  } finally {
    await srv.close();
  }
});

test('接听 while the visitor\'s browser asks for the microphone: the console\'s ring says so until the grant; a refused 接听 leaves no mark', async () => {
  const srv = await setup();
  try {
    const li = await agentSocket(srv, await agentLogin(srv, 'li', 'li-pass-123'));
    const { v, chat, cred } = await salesVisitor(srv);
    li.send('callback', { visitorId: v.visitorId, video: false });
    const placed = (await li.next('callback')).data;
    await chat.next('ring');
    const other = await salesVisitor(srv);
    const stolen = await callKefu(srv, other.v, { action: 'callpeer', call_id: placed.callId, peer_id: other.cred.id, mic: 'asking' });
    assert.equal(stolen.status, 404, 'another visitor cannot answer it');
    const answered = await callKefu(srv, v, { action: 'callpeer', call_id: placed.callId, peer_id: cred.id, mic: 'asking' });
    assert.equal(answered.status, 200, answered.text);
    const ring = (await li.next('call')).data;
    assert.equal(ring.callId, placed.callId);
    assert.equal(ring.asking, true, 'the 接听 rings the console as being asked');
    assert.equal((await callKefu(srv, v, { action: 'mic', call_id: placed.callId })).status, 200);
    assert.deepEqual((await li.next('call_mic')).data, { visitorId: v.visitorId, callId: placed.callId, asking: false });
    // The devices fail: the end says why.
    const end = await callKefu(srv, v, { action: 'end', call_id: placed.callId, outcome: 'failed', reason: 'permission-denied' });
    assert.equal(end.status, 200, end.text);
    assert.equal((await li.next('call_end')).data.reason, 'permission-denied');
  } finally {
    await srv.close();
  }
});
