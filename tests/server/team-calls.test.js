'use strict';
// Calls in a team: the assignee rings first, the rest of the group after ringGroupDelayMs; the first
// accept wins and the others stop ringing (call_end answered_elsewhere).
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, newVisitor, agentLogin, agentSocket, visitorSocket, sleep, peerCredentials, peerSocket } = require('./helpers');

const DELAY = 400;

async function setup(ringGroupDelayMs = DELAY) {
  const srv = await startServer({ adminPass: 'admin-pass-1', ringGroupDelayMs });
  srv.accounts.add({ username: 'li', name: '小李', password: 'li-pass-123' });
  srv.accounts.add({ username: 'wang', name: '小王', password: 'wang-pass-1' });
  return srv;
}
// An agent's console socket, with a PeerJS id issued to that agent (`peerId`) for its accepts.
const online = async (srv, user, pass) => {
  const token = await agentLogin(srv, user, pass);
  const ws = await agentSocket(srv, token);
  ws.peerId = (await peerCredentials(srv, token, { agent: true })).id;
  return ws;
};
const callpeer = (srv, v) => api(srv, 'POST', '/2/callKefu', { token: v.token, body: { action: 'callpeer', kefu_id: 'kefu1', visitor_id: v.visitorId } });

test('the assignee rings first, the group after the delay; the first accept wins, the others stop ringing', async () => {
  const srv = await setup();
  const li = await online(srv, 'li', 'li-pass-123');
  const v = await newVisitor(srv);
  const vs = await visitorSocket(srv, v.token);
  await api(srv, 'POST', '/api/messages', { token: v.token, body: { id: 'q', text: '在吗' } });
  const wang = await online(srv, 'wang', 'wang-pass-1');
  const started = Date.now();
  const r = await callpeer(srv, v);
  assert.equal(r.status, 200);
  const ring = await li.next('call');
  assert.equal(ring.data.callId, r.json.callId);
  // The rest of the group: only after the delay.
  assert.equal(await wang.none('call', Math.max(0, DELAY - 150 - (Date.now() - started))), true);
  const late = await wang.next('call', { timeout: 2000 });
  assert.ok(Date.now() - started >= DELAY - 20, 'rang the group too early');
  assert.equal(late.data.callId, r.json.callId);
  wang.send('accept', { visitorId: v.visitorId, callId: r.json.callId, peerId: wang.peerId });
  assert.equal((await vs.next('accept')).data, wang.peerId);
  assert.deepEqual((await li.next('call_end')).data, { visitorId: v.visitorId, callId: r.json.callId, reason: 'answered_elsewhere' });
  li.send('accept', { visitorId: v.visitorId, callId: r.json.callId, peerId: li.peerId });
  assert.equal((await li.next('error')).data.code, 'conflict');
  await srv.close();
});

test('a call answered before the delay never rings the rest of the group; nobody available means offline', async () => {
  const LONG = 1500; // the accept below must come before it, however slow the machine is
  const srv = await setup(LONG);
  const li = await online(srv, 'li', 'li-pass-123');
  const v = await newVisitor(srv);
  await api(srv, 'POST', '/api/messages', { token: v.token, body: { id: 'q', text: 'hi' } });
  const wang = await online(srv, 'wang', 'wang-pass-1');
  const r = await callpeer(srv, v);
  await li.next('call');
  li.send('accept', { visitorId: v.visitorId, callId: r.json.callId, peerId: li.peerId });
  await sleep(LONG + 200);
  assert.equal(await wang.none('call', 50), true);
  await api(srv, 'POST', '/2/callKefu', { token: v.token, body: { action: 'hangup', call_id: r.json.callId } });
  // Everyone away: the call is refused as offline.
  li.send('presence', { status: 'away' });
  wang.send('presence', { status: 'away' });
  await li.next('presence');
  await wang.next('presence');
  const refused = await callpeer(srv, v);
  assert.equal(refused.status, 503);
  assert.equal(refused.json.error.code, 'offline');
  await srv.close();
});

test('without an assignee the whole group rings at once', async () => {
  const srv = await setup();
  const li = await online(srv, 'li', 'li-pass-123');
  const wang = await online(srv, 'wang', 'wang-pass-1');
  const v = await newVisitor(srv);
  const r = await callpeer(srv, v);
  // At once: both rings together, not one after the group delay.
  assert.equal((await li.next('call')).data.callId, r.json.callId);
  const tLi = Date.now();
  assert.equal((await wang.next('call')).data.callId, r.json.callId);
  assert.ok(Date.now() - tLi < DELAY / 2, `wang rang ${Date.now() - tLi} ms after li`);
  await srv.close();
});

test('the PeerJS gate with two agents ringing: the accepting agent\'s peer gets the offer, the other\'s no longer does', async () => {
  const srv = await setup();
  async function consoleOf(user, pass) {
    const token = await agentLogin(srv, user, pass);
    const chat = await agentSocket(srv, token);
    const cred = await peerCredentials(srv, token, { agent: true });
    const peer = await peerSocket(srv, cred);
    chat.send('peer', { peerId: cred.id });
    await chat.settled();
    return { chat, cred, peer };
  }
  const li = await consoleOf('li', 'li-pass-123');
  const wang = await consoleOf('wang', 'wang-pass-1');
  const v = await newVisitor(srv);
  const vcred = await peerCredentials(srv, v.token);
  const vpeer = await peerSocket(srv, vcred);
  const r = await api(srv, 'POST', '/2/callKefu', { token: v.token, body: { action: 'callpeer', peer_id: vcred.id } });
  assert.equal(r.status, 200, r.text);
  await li.chat.next('call');
  await wang.chat.next('call');
  wang.chat.send('accept', { visitorId: v.visitorId, callId: r.json.callId, peerId: wang.cred.id });
  await li.chat.next('call_end');
  const offer = (dst) => ({ type: 'OFFER', dst, payload: { type: 'media', connectionId: 'mc_1', sdp: { type: 'offer', sdp: 'v=0' } } });
  vpeer.peerSend(offer(wang.cred.id));
  assert.equal((await wang.peer.next('OFFER')).src, vcred.id);
  vpeer.peerSend(offer(li.cred.id));
  assert.equal((await vpeer.next('EXPIRE')).src, li.cred.id);
  assert.equal(await li.peer.none('OFFER', 300), true);
  await srv.close();
});
