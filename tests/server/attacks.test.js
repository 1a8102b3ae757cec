'use strict';
// Attacks on signalling and sessions (docs/PROTOCOL.md §6.2), each tried against the real server with
// raw sockets and real credentials. Every test states what the attacker wanted and asserts it failed.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  WebSocket, startServer, api, newVisitor, agentLogin, agentSocket, visitorSocket, wsClient, peerCredentials, peerSocket,
  upgradeStatus, sleep,
} = require('./helpers');

let srv;
let agentToken;
before(async () => {
  srv = await startServer({
    leftGraceMs: 200,
    rate: { calls: 100, ringsPerAddress: 100, visitorCreates: 1000 },
    peerGate: { holdMs: 600, perAddress: 1000 },
  });
  agentToken = await agentLogin(srv);
});
after(async () => {
  await srv.close();
});

const offer = (dst, n = 1, meta) => ({
  type: 'OFFER', dst, payload: { type: 'media', connectionId: `mc_${n}`, sdp: { type: 'offer', sdp: 'v=0' }, metadata: meta },
});
const answer = (dst, n = 1) => ({ type: 'ANSWER', dst, payload: { type: 'media', connectionId: `mc_${n}`, sdp: { type: 'answer', sdp: 'v=0' } } });
const peerUrl = (q) => `/peerjs/peerjs?${q}&version=1.5.5`;

async function consoleSide() {
  const chat = await agentSocket(srv, agentToken);
  const cred = await peerCredentials(srv, agentToken, { agent: true });
  const peer = await peerSocket(srv, cred);
  chat.send('peer', { peerId: cred.id });
  chat.send('ping', {});
  await chat.next('pong');
  return { chat, cred, peer };
}

async function visitorSide() {
  const v = await newVisitor(srv);
  const cred = await peerCredentials(srv, v.token);
  const peer = await peerSocket(srv, cred);
  return { v, cred, peer };
}

const ring = (vs, extra = {}) => api(srv, 'POST', '/2/callKefu', { token: vs.v.token, body: { action: 'callpeer', peer_id: vs.cred.id, ...extra } });
const hangup = (vs, callId) => api(srv, 'POST', '/2/callKefu', { token: vs.v.token, body: { action: 'hangup', call_id: callId } });
const closeAll = (...cs) => cs.forEach((c) => c && c.close());

test("duplicate id/token query parameters cannot register the console's id while it reconnects", async () => {
  const cons = await consoleSide();
  const honest = await visitorSide();
  const evil = await visitorSide();
  cons.peer.close(); // the console's peer between two registrations (peerjs reconnect)
  await cons.peer.closed();
  await sleep(50);
  // The gate reads the first id/token, the stock server the last: the attacker's own pair passes the
  // check, the console's id is what would get registered.
  const q = `key=peerjs&id=${evil.cred.id}&token=${evil.cred.token}&id=${cons.cred.id}&token=stolen`;
  const thief = wsClient(srv, peerUrl(q));
  await thief.opened.catch(() => {});
  await sleep(200);
  const q2 = `key=peerjs&id=${cons.cred.id}&token=x&id=${evil.cred.id}&token=${evil.cred.token}`;
  assert.equal(await upgradeStatus(srv, peerUrl(q2)), 401, 'a repeated id or token is refused at the upgrade');
  // The console takes its id back and gets the honest visitor's offer; the thief gets nothing.
  const back = await peerSocket(srv, cons.cred);
  const r = await ring(honest);
  assert.equal(r.status, 200, r.text);
  honest.peer.peerSend(offer(cons.cred.id, 1));
  assert.equal((await back.next('OFFER')).src, honest.cred.id);
  assert.equal(thief.frames.some((f) => f.type === 'OPEN' || f.type === 'OFFER'), false, 'the thief never registered');
  thief.close();
  await hangup(honest, r.json.callId);
  closeAll(back, cons.chat, honest.peer, evil.peer);
});
