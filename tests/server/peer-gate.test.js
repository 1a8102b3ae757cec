'use strict';
// The PeerJS gate as a hostile visitor meets it (docs/PROTOCOL.md §6.2): raw sockets with real
// credentials trying to reach peers they have no call with, crash a recipient, flood the offline queue
// or hold registrations open.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  startServer, api, newVisitor, agentLogin, peerCredentials, peerSocket, upgradeStatus, sleep,
  serverWithAgent,
} = require('./helpers');
const shared = require('./helpers');

let srv;
let agentToken;
before(async () => ({ srv, agentToken } = await serverWithAgent({
  leftGraceMs: 200,
  rate: { calls: 100, ringsPerAddress: 100, visitorCreates: 1000 },
  peerGate: { holdMs: 600, perAddress: 1000 },
})));
after(() => srv.close());

const offer = (dst, n = 1) => ({ type: 'OFFER', dst, payload: { type: 'media', connectionId: `mc_${n}`, sdp: { type: 'offer', sdp: 'v=0' } } });
const candidate = (dst, n) => ({ type: 'CANDIDATE', dst, payload: { type: 'media', connectionId: 'mc_1', candidate: { candidate: `candidate:${n}`, sdpMid: '0', sdpMLineIndex: 0 } } });

const consoleSide = () => shared.consoleSide(srv, agentToken);
const visitorSide = () => shared.visitorSide(srv);

const ring = (vs) => api(srv, 'POST', '/2/callKefu', { token: vs.v.token, body: { action: 'callpeer', peer_id: vs.cred.id } });
const cancel = (vs, callId) => api(srv, 'POST', '/2/callKefu', { token: vs.v.token, body: { action: 'cancel', call_id: callId } });

function closeAll(...clients) {
  for (const c of clients) c.close();
}

test('a payload nested thousands deep is dropped with its sender; the recipient keeps its socket', async () => {
  const cons = await consoleSide();
  const vs = await visitorSide();
  const r = await ring(vs);
  assert.equal(r.status, 200, r.text);
  // ≈12 KB, 3,000 levels: the stock server's JSON.stringify fails on it and closes the recipient.
  const deep = `{"type":"OFFER","dst":"${cons.cred.id}","payload":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`;
  vs.peer.ws.send(deep);
  const closed = await vs.peer.closed();
  assert.equal(closed.code, 1008, 'the sender is closed for a malformed frame');
  await sleep(200);
  assert.equal(cons.peer.ws.readyState, 1, "the console's socket survives");
  assert.equal(await cons.peer.none('OFFER', 200), true);
  // And it still gets a good frame from the caller's new registration.
  const again = await peerSocket(srv, vs.cred);
  again.peerSend(offer(cons.cred.id, 2));
  assert.equal((await cons.peer.next('OFFER')).payload.connectionId, 'mc_2');
  await cancel(vs, r.json.callId);
  closeAll(again, cons.peer, cons.chat);
});

test('unknown types, binary and oversized frames close their sender only', async () => {
  const vs = await visitorSide();
  vs.peer.peerSend({ type: 'EXPIRE', dst: vs.cred.id });
  assert.equal((await vs.peer.closed()).code, 1008);
  const vs2 = await visitorSide();
  vs2.peer.ws.send(Buffer.from([1, 2, 3]), { binary: true });
  assert.equal((await vs2.peer.closed()).code, 1008);
  const vs3 = await visitorSide();
  vs3.peer.ws.send(JSON.stringify({ type: 'OFFER', dst: 'x1', payload: { sdp: 'x'.repeat(40 * 1024) } }));
  assert.equal((await vs3.peer.closed()).code, 1009);
  // A LEAVE without dst would unregister the id behind the gate's back.
  const vs4 = await visitorSide();
  vs4.peer.peerSend({ type: 'LEAVE' });
  assert.equal((await vs4.peer.closed()).code, 1008);
});

test('without a call a visitor reaches neither another visitor nor the console', async () => {
  const cons = await consoleSide();
  const a = await visitorSide();
  const b = await visitorSide();
  a.peer.peerSend(offer(b.cred.id));
  a.peer.peerSend(offer(cons.cred.id));
  // Both come back as EXPIRE: the one to b at once, the one to the console once the early-offer hold gave up.
  for (let i = 0; i < 2; i++) await a.peer.next('EXPIRE', { timeout: 3000 });
  assert.equal(await b.peer.none('OFFER', 100), true, 'visitor to visitor');
  assert.equal(await cons.peer.none('OFFER', 100), true, 'visitor to console without a ring');
  // The sender hears of both as unreachable peers (EXPIRE), the early one once its hold ran out.
  const expired = a.peer.frames.filter((f) => f.type === 'EXPIRE').map((f) => f.src);
  assert.deepEqual(expired.sort(), [b.cred.id, cons.cred.id].sort());
  // With a call of its own, still not to another visitor; and b's call is b's alone.
  const rb = await ring(b);
  a.peer.peerSend(offer(cons.cred.id, 3));
  const ra = await ring(a);
  assert.equal(ra.status, 200, ra.text);
  assert.equal(rb.status, 200, rb.text);
  a.peer.peerSend(offer(b.cred.id, 4));
  b.peer.peerSend(offer(cons.cred.id, 5));
  assert.equal((await cons.peer.next('OFFER')).payload.connectionId, 'mc_3', 'the early offer went once its ring came');
  assert.equal((await cons.peer.next('OFFER')).payload.connectionId, 'mc_5');
  assert.equal(await b.peer.none('OFFER', 300), true);
  // The console cannot be reached from another peer of the same visitor, only the one bound to the call.
  const second = await peerSocket(srv, await peerCredentials(srv, a.v.token));
  second.peerSend(offer(cons.cred.id, 6));
  assert.equal(await cons.peer.none('OFFER', 300), true);
  await cancel(a, ra.json.callId);
  await cancel(b, rb.json.callId);
  closeAll(a.peer, b.peer, second, cons.peer, cons.chat);
});

test('once answered, the call runs between the visitor peer and the accepting agent peer only', async () => {
  const cons = await consoleSide();
  const other = await consoleSide(); // a second console, also standing
  const vs = await visitorSide();
  const r = await ring(vs);
  cons.chat.send('accept', { visitorId: vs.v.visitorId, peerId: cons.cred.id, callId: r.json.callId });
  await cons.chat.settled();
  vs.peer.peerSend(offer(cons.cred.id, 7));
  vs.peer.peerSend(offer(other.cred.id, 8));
  assert.equal((await cons.peer.next('OFFER')).payload.connectionId, 'mc_7');
  assert.equal(await other.peer.none('OFFER', 300), true, 'not to a console that did not accept');
  cons.peer.peerSend({ type: 'ANSWER', dst: vs.cred.id, payload: { type: 'media', connectionId: 'mc_7', sdp: { type: 'answer', sdp: 'v=0' } } });
  other.peer.peerSend({ type: 'ANSWER', dst: vs.cred.id, payload: { type: 'media', connectionId: 'mc_7', sdp: { type: 'answer', sdp: 'v=0' } } });
  const answer = await vs.peer.next('ANSWER');
  assert.equal(answer.src, cons.cred.id);
  assert.equal(await vs.peer.none('ANSWER', 300), true, 'only the accepting agent answers');
  // After the hang-up only a LEAVE still passes, shortly.
  await api(srv, 'POST', '/2/callKefu', { token: vs.v.token, body: { action: 'hangup', call_id: r.json.callId } });
  vs.peer.peerSend(offer(cons.cred.id, 9));
  vs.peer.peerSend({ type: 'LEAVE', dst: cons.cred.id });
  assert.equal((await cons.peer.next('LEAVE')).src, vs.cred.id);
  assert.equal(await cons.peer.none('OFFER', 200), true);
  closeAll(vs.peer, cons.peer, cons.chat, other.peer, other.chat);
});

test('frames for an absent peer are queued within bounds and only its owner can collect them', async () => {
  const cons = await consoleSide();
  const vs = await visitorSide();
  const r = await ring(vs);
  cons.peer.close(); // the console's peer is between two registrations (peerjs reconnect)
  await cons.peer.closed();
  await sleep(50);
  for (let i = 0; i < 200; i++) vs.peer.peerSend(candidate(cons.cred.id, i));
  await sleep(100);
  // Nobody else may take the id to collect them: not with another token, not another agent credential.
  const otherAgent = await peerCredentials(srv, agentToken, { agent: true });
  const url = (id, token) => `/peerjs/peerjs?key=peerjs&id=${id}&token=${token}&version=1.5.5`;
  assert.equal(await upgradeStatus(srv, url(cons.cred.id, otherAgent.token)), 401);
  assert.equal(await upgradeStatus(srv, url(cons.cred.id, vs.cred.token)), 401);
  const back = await peerSocket(srv, cons.cred);
  await sleep(200);
  const got = back.frames.filter((f) => f.type === 'CANDIDATE').length;
  assert.ok(got > 0 && got <= 32, `queued frames delivered to the owner: ${got} (at most queueFrames = 32)`);
  await cancel(vs, r.json.callId);
  closeAll(vs.peer, back, cons.chat);
});

test('frames to ids the server never issued are dropped, not queued', async () => {
  const cons = await consoleSide();
  const vs = await visitorSide();
  const r = await ring(vs);
  for (let i = 0; i < 50; i++) vs.peer.peerSend(offer(`ghost${i}`, i));
  // An unknown id cannot be registered to collect anything.
  assert.equal(await upgradeStatus(srv, '/peerjs/peerjs?key=peerjs&id=ghost1&token=t&version=1.5.5'), 401);
  assert.equal(vs.peer.ws.readyState, 1, 'a refused destination is no reason to close the sender');
  await cancel(vs, r.json.callId);
  closeAll(vs.peer, cons.peer, cons.chat);
});

test('a revoked identity loses its PeerJS sockets and credentials at once', async () => {
  const vs = await visitorSide();
  const spare = await peerCredentials(srv, vs.v.token);
  srv.events.emit('revoke', { visitorId: vs.v.visitorId });
  assert.equal((await vs.peer.closed()).code, 4001);
  assert.equal(await upgradeStatus(srv, `/peerjs/peerjs?key=peerjs&id=${spare.id}&token=${spare.token}`), 401);

  const token = await agentLogin(srv);
  const cred = await peerCredentials(srv, token, { agent: true });
  const peer = await peerSocket(srv, cred);
  const keep = await peerSocket(srv, await peerCredentials(srv, agentToken, { agent: true }));
  const out = await api(srv, 'POST', '/api/agent/logout', { token });
  assert.equal(out.status, 200);
  assert.equal((await peer.closed()).code, 4001, 'logout closes the peer registered with that token');
  await sleep(100);
  assert.equal(keep.ws.readyState, 1, "the same agent's other token keeps its peer");
  assert.equal(await upgradeStatus(srv, `/peerjs/peerjs?key=peerjs&id=${cred.id}&token=${cred.token}`), 401);
  keep.close();
});

test('idle registrations are closed; heartbeats keep one open', async () => {
  const local = await startServer({ peerGate: { idleMs: 600 } });
  try {
    const open = async () => {
      const v = await newVisitor(local);
      return peerSocket(local, await peerCredentials(local, v.token));
    };
    const quiet = await open();
    const alive = await open();
    const beat = setInterval(() => alive.peerSend({ type: 'HEARTBEAT' }), 150);
    try {
      await quiet.closed(3000);
      await sleep(400);
      assert.equal(alive.ws.readyState, 1);
    } finally {
      clearInterval(beat);
      alive.close();
    }
  } finally {
    await local.close();
  }
});

test('at the cap, a registration silent past its heartbeats gives way to the same visitor\'s new one; a live one never does', async () => {
  // The visitor's network moved: its old sockets look open here, their address gone, and it registers anew.
  const local = await startServer({ peerGate: { perVisitor: 2, staleMs: 600 } });
  try {
    const v = await newVisitor(local);
    const dead = await peerSocket(local, await peerCredentials(local, v.token));
    const alive = await peerSocket(local, await peerCredentials(local, v.token));
    const url = (c) => `/peerjs/peerjs?key=peerjs&id=${c.id}&token=${c.token}`;
    assert.equal(await upgradeStatus(local, url(await peerCredentials(local, v.token))), 429, 'both still fresh');
    const beat = setInterval(() => alive.peerSend({ type: 'HEARTBEAT' }), 150);
    try {
      await sleep(800);
      const moved = await peerSocket(local, await peerCredentials(local, v.token));
      await dead.closed();
      assert.equal(alive.ws.readyState, 1, 'the heartbeating one stays');
      assert.equal(moved.ws.readyState, 1);
      assert.equal(await upgradeStatus(local, url(await peerCredentials(local, v.token))), 429, 'no stale one left to give way');
      // Someone else's silent socket never gives way to this visitor.
      const other = await newVisitor(local);
      const theirs = await peerSocket(local, await peerCredentials(local, other.token));
      const beat2 = setInterval(() => moved.peerSend({ type: 'HEARTBEAT' }), 150); // both of ours live
      await sleep(800);
      clearInterval(beat2);
      assert.equal(await upgradeStatus(local, url(await peerCredentials(local, v.token))), 429, 'another visitor\'s socket is not ours to close');
      assert.equal(theirs.ws.readyState, 1);
      theirs.close();
      moved.close();
    } finally {
      clearInterval(beat);
      alive.close();
    }
  } finally {
    await local.close();
  }
});

test('registrations are capped per visitor and per address; credentials per identity', async () => {
  const local = await startServer({ peerGate: { perVisitor: 2, perAddress: 3, credentialsPerVisitor: 3 } });
  try {
    const v = await newVisitor(local);
    const creds = [];
    for (let i = 0; i < 3; i++) creds.push(await peerCredentials(local, v.token));
    const open = [await peerSocket(local, creds[0]), await peerSocket(local, creds[1])];
    const url = (c) => `/peerjs/peerjs?key=peerjs&id=${c.id}&token=${c.token}`;
    assert.equal(await upgradeStatus(local, url(creds[2])), 429, 'a third registration for one visitor');
    // Credentials beyond the cap push out the oldest unused one, never one in use.
    const fourth = await peerCredentials(local, v.token);
    assert.equal(await upgradeStatus(local, url(creds[2])), 401, 'the oldest unused one went');
    open[0].close();
    await open[0].closed();
    await sleep(50);
    open[0] = await peerSocket(local, fourth);
    // Per address: a second visitor from the same address gets one more, then no more.
    const w = await newVisitor(local);
    open.push(await peerSocket(local, await peerCredentials(local, w.token)));
    assert.equal(await upgradeStatus(local, url(await peerCredentials(local, w.token))), 429);
    for (const s of open) s.close();
  } finally {
    await local.close();
  }
});

test("an offer sent ahead of its ring reaches the console before the ring does, so it is in hand when it rings", async () => {
  const cons = await consoleSide();
  const vs = await visitorSide();
  const order = [];
  cons.chat.ws.on('message', (d) => { if (/^\{"type":"call"/.test(String(d))) order.push('ring'); });
  cons.peer.ws.on('message', (d) => { if (/"type":"OFFER"/.test(String(d))) order.push('offer'); });
  vs.peer.peerSend({ ...offer(cons.cred.id, 7), payload: { ...offer(cons.cred.id, 7).payload, metadata: { holdsMedia: true } } });
  await sleep(100); // held (no ring yet): nothing reaches the console
  assert.deepEqual(order, []);
  const r = await ring(vs);
  assert.equal(r.status, 200, r.text);
  await cons.chat.next('call');
  await cons.peer.next('OFFER');
  assert.deepEqual(order, ['offer', 'ring'], 'the held offer is handed over first, then the ring');
  await cancel(vs, r.json.callId);
  cons.peer.close(); cons.chat.close(); vs.peer.close();
});
