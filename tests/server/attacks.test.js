'use strict';
// Attacks on signalling and sessions (docs/PROTOCOL.md §6.2), each tried against the real server with
// raw sockets and real credentials. Every test states what the attacker wanted and asserts it failed.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  WebSocket, startServer, api, newVisitor, agentLogin, agentSocket, visitorSocket, wsClient, peerCredentials,
  peerSocket, upgradeStatus, sleep, serverWithAgent,
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

const offer = (dst, n = 1, meta) => ({
  type: 'OFFER', dst, payload: { type: 'media', connectionId: `mc_${n}`, sdp: { type: 'offer', sdp: 'v=0' }, metadata: meta },
});
const answer = (dst, n = 1) => ({ type: 'ANSWER', dst, payload: { type: 'media', connectionId: `mc_${n}`, sdp: { type: 'answer', sdp: 'v=0' } } });
const peerUrl = (q) => `/peerjs/peerjs?${q}&version=1.5.5`;

const consoleSide = () => shared.consoleSide(srv, agentToken);
const visitorSide = () => shared.visitorSide(srv);

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

test('a forged src, prototype keys, huge numbers and non-string fields in PeerJS frames', async () => {
  const cons = await consoleSide();
  const a = await visitorSide();
  const b = await visitorSide();
  const r = await ring(a);
  // Posing as another visitor: the stock server writes the sender's own id over src.
  a.peer.ws.send(`{"type":"OFFER","dst":"${cons.cred.id}","src":"${b.cred.id}","payload":{"__proto__":{"polluted":1},`
    + `"constructor":{"prototype":{"polluted":1}},"n":1e400,"big":123456789012345678901234567890,"metadata":{"callId":"${r.json.callId}"}}}`);
  const got = await cons.peer.next('OFFER');
  assert.equal(got.src, a.cred.id);
  assert.equal(({}).polluted, undefined, 'no prototype was touched');
  // Types named after Object.prototype members, and non-string types, dst and payloads close the sender.
  const bad = [
    { type: '__proto__', dst: cons.cred.id, payload: {} }, { type: 'constructor', dst: cons.cred.id, payload: {} },
    { type: 'toString' }, { type: ['OFFER'], dst: cons.cred.id, payload: {} }, { type: 'OFFER', dst: [cons.cred.id], payload: {} },
    { type: 'OFFER', dst: 12, payload: {} }, { type: 'OFFER', dst: cons.cred.id, payload: 'x' },
    { type: 'OFFER', dst: '__proto__', payload: {} }, { type: 'LEAVE', dst: null },
  ];
  for (const f of bad) {
    const s = await peerSocket(srv, await peerCredentials(srv, a.v.token));
    s.peerSend(f);
    assert.equal((await s.closed()).code, 1008, JSON.stringify(f));
  }
  for (const text of ['null', '[]', '"OFFER"', '1e999', '{"type":"OFFER"', '\u0000']) {
    const s = await peerSocket(srv, await peerCredentials(srv, a.v.token));
    s.ws.send(text);
    assert.equal((await s.closed()).code, 1008, text);
  }
  // Nothing of that reached the console, which still takes a good frame.
  assert.equal(cons.peer.ws.readyState, 1);
  a.peer.peerSend(offer(cons.cred.id, 2));
  assert.equal((await cons.peer.next('OFFER')).payload.connectionId, 'mc_2');
  await hangup(a, r.json.callId);
  closeAll(cons.peer, cons.chat, a.peer, b.peer);
});

test('a depth count fooled by brackets and quotes inside strings still stops a deep payload', async () => {
  const cons = await consoleSide();
  const a = await visitorSide();
  const r = await ring(a);
  // Closing brackets and escaped quotes inside strings must not lower the measured depth.
  const fool = '"\\\\\\"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"';
  const deep = `{"type":"OFFER","dst":"${cons.cred.id}","s":${fool},"payload":${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}}`;
  a.peer.ws.send(deep);
  assert.equal((await a.peer.closed()).code, 1008);
  assert.equal(await cons.peer.none('OFFER', 200), true);
  assert.equal(cons.peer.ws.readyState, 1);
  await hangup(a, r.json.callId);
  closeAll(cons.peer, cons.chat);
});

test('after the call ends neither side reaches the other; a new call binds only its own peer', async () => {
  const cons = await consoleSide();
  const vs = await visitorSide();
  const r = await ring(vs);
  cons.chat.send('accept', { visitorId: vs.v.visitorId, peerId: cons.cred.id, callId: r.json.callId });
  await cons.chat.settled();
  cons.peer.peerSend(answer(vs.cred.id, 1));
  assert.equal((await vs.peer.next('ANSWER')).src, cons.cred.id);
  await hangup(vs, r.json.callId);
  await sleep(50);
  // A console that kept going (or a hijacked one) cannot open a new connection to the visitor.
  cons.peer.peerSend(offer(vs.cred.id, 2, { callId: r.json.callId, video: true }));
  cons.peer.peerSend(answer(vs.cred.id, 3));
  assert.equal(await vs.peer.none('OFFER', 300), true, 'no offer after the end');
  assert.equal(await vs.peer.none('ANSWER', 100), true, 'no answer after the end');
  // A new call from a new peer: the old peer of the same visitor is no party to it.
  const freshCred = await peerCredentials(srv, vs.v.token);
  const fresh = await peerSocket(srv, freshCred);
  const r2 = await ring({ v: vs.v, cred: freshCred });
  assert.equal(r2.status, 200, r2.text);
  vs.peer.peerSend(offer(cons.cred.id, 4));
  cons.peer.peerSend(offer(vs.cred.id, 5));
  assert.equal(await cons.peer.none('OFFER', 300), true);
  assert.equal(await vs.peer.none('OFFER', 100), true);
  await hangup(vs, r2.json.callId);
  closeAll(cons.peer, cons.chat, vs.peer, fresh);
});

test("callpeer and rebind cannot bind a call to another visitor's peer, nor to one revoked meanwhile", async () => {
  const cons = await consoleSide();
  const victim = await visitorSide();
  const evil = await visitorSide();
  const steal = await api(srv, 'POST', '/2/callKefu', { token: evil.v.token, body: { action: 'callpeer', peer_id: victim.cred.id } });
  assert.equal(steal.status, 403, steal.text);
  const agentPeer = await api(srv, 'POST', '/2/callKefu', { token: evil.v.token, body: { action: 'callpeer', peer_id: cons.cred.id } });
  assert.equal(agentPeer.status, 403, 'nor to the console peer');
  const r = await ring(evil);
  cons.chat.send('accept', { visitorId: evil.v.visitorId, peerId: cons.cred.id, callId: r.json.callId });
  await sleep(100);
  const rebind = await api(srv, 'POST', '/2/callKefu', { token: evil.v.token, body: { action: 'rebind', call_id: r.json.callId, peer_id: victim.cred.id } });
  assert.equal(rebind.status, 403, rebind.text);
  // The victim's peer is still nobody's counterpart: the console's frames to it are dropped.
  cons.peer.peerSend(offer(victim.cred.id, 1));
  assert.equal(await victim.peer.none('OFFER', 300), true);
  // The bound peer's credential revoked (token rotation) mid-call: its socket goes and cannot come back.
  const rot = await api(srv, 'POST', '/api/visitors/me/token', { token: evil.v.token });
  assert.equal(rot.status, 200);
  assert.equal((await evil.peer.closed()).code, 4001);
  assert.equal(await upgradeStatus(srv, peerUrl(`key=peerjs&id=${evil.cred.id}&token=${evil.cred.token}`)), 401);
  await hangup({ v: { token: rot.json.token } }, r.json.callId);
  closeAll(cons.peer, cons.chat, victim.peer);
});

test('HTTP bodies: deep nesting, prototype keys, huge numbers and wrong types get 4xx and change nothing', async () => {
  const vs = await visitorSide();
  const post = (body, raw) => api(srv, 'POST', '/2/callKefu', { token: vs.v.token, body, raw });
  const deep = `{"action":"callpeer","x":${'['.repeat(5000)}${']'.repeat(5000)}}`;
  for (const raw of [deep, `${'['.repeat(7000)}${']'.repeat(7000)}`, '{"action":"callpeer"', '"callpeer"', 'null', '1e999']) {
    const r = await post(undefined, raw);
    // 400/413, or 503 "no agent" for the deep one that parsed: never an internal error.
    assert.ok([400, 413, 503].includes(r.status), `${raw.slice(0, 20)}: ${r.status} ${r.text}`);
  }
  for (const body of [
    { action: '__proto__' }, { action: 'constructor' }, { action: 'toString' }, { action: ['callpeer'] },
    { action: 'callpeer', peer_id: { id: vs.cred.id } }, { action: 'callpeer', peer_id: [vs.cred.id] },
    { action: 'callpeer', peer_id: '__proto__' }, { action: 'callpeer', kefu_id: '__proto__' }, { action: 'callpeer', kefu_id: 'constructor' },
    { action: 'hangup', call_id: { $ne: null } }, { action: 'switch', video: 'yes' }, { action: 'rebind', peer_id: 1e400 },
  ]) {
    const r = await post(body);
    assert.ok(r.status >= 400 && r.status < 500, `${JSON.stringify(body)}: ${r.status} ${r.text}`);
  }
  // A prototype key in a JSON body is an own key of that body, never the prototype of anything.
  const proto = await post(undefined, `{"__proto__":{"action":"callpeer","peer_id":"${vs.cred.id}"}}`);
  assert.equal(proto.status, 400, proto.text);
  const attrs = await api(srv, 'PATCH', '/api/visitors/me', {
    token: vs.v.token, raw: '{"attrs":{"__proto__":{"polluted":"yes"},"constructor":"c","plan":"gold"}}',
  });
  assert.ok(attrs.status === 200 || attrs.status === 400, attrs.text);
  assert.equal(({}).polluted, undefined);
  const me = await api(srv, 'GET', '/api/visitors/me', { token: vs.v.token });
  assert.equal(me.status, 200);
  assert.equal(Object.getPrototypeOf(me.json.attrs || {}), Object.prototype);
  // Huge and odd durations cannot inflate a call's recorded length.
  const cons = await consoleSide();
  const r = await ring(vs);
  const end = await post({ action: 'hangup', call_id: r.json.callId, duration: 1e308 });
  assert.equal(end.status, 200, end.text);
  const hist = await api(srv, 'GET', '/api/messages', { token: vs.v.token });
  const line = hist.json.messages.find((m) => m.id === `call_${r.json.callId}`);
  assert.ok(line && line.call.duration < 5, JSON.stringify(line));
  // And the server still answers.
  assert.equal((await api(srv, 'GET', '/api/config')).status, 200);
  closeAll(vs.peer, cons.peer, cons.chat);
});

test('chat socket frames named after prototype members, deep or non-object, are ignored', async () => {
  const vs = await visitorSide();
  const chat = await visitorSocket(srv, vs.v.token);
  for (const text of [
    '{"type":"__proto__","data":{}}', '{"type":"constructor","data":{}}', '{"type":"hasOwnProperty","data":{}}',
    '{"type":"toString"}', '{"type":"message","data":{"__proto__":{"text":"hi"}}}', `{"type":"message","data":${'['.repeat(6000)}${']'.repeat(6000)}}`,
    '{"type":["message"]}', 'null', '[]',
  ]) chat.sendRaw(text);
  await chat.settled();
  assert.equal(chat.ws.readyState, WebSocket.OPEN);
  assert.equal(({}).text, undefined);
  const hist = await api(srv, 'GET', '/api/messages', { token: vs.v.token });
  assert.equal(hist.json.messages.filter((m) => m.from === 'visitor').length, 0, 'nothing was stored');
  closeAll(chat, vs.peer);
});

// The HTTP status a refused upgrade got (0 if accepted; the socket is kept open to hold its slot).
function upgradeWith(s, p, headers, keep) {
  return new Promise((resolve) => {
    const ws = new WebSocket(s.wsUrl + p, { headers });
    ws.on('unexpected-response', (req, res) => {
      resolve(res.statusCode);
      req.destroy();
    });
    ws.on('open', () => {
      keep.push(ws);
      resolve(0);
    });
    ws.on('error', () => resolve(-1));
  });
}

test('X-Forwarded-For from an untrusted peer buys no extra chat sockets or new visitors', async () => {
  const local = await startServer({
    trustProxy: 'none', sockets: { perAddress: 3 }, peerGate: { perAddress: 2 }, rate: { visitorCreates: 4 },
  });
  const keep = [];
  try {
    const xff = (i) => ({ 'x-forwarded-for': `203.0.113.${i}` });
    const created = [];
    for (let i = 0; i < 6; i++) created.push((await api(local, 'POST', '/api/visitors', { body: {}, headers: xff(i) })).status);
    assert.deepEqual(created, [201, 201, 201, 201, 429, 429]);
    const chat = [];
    for (let i = 0; i < 5; i++) chat.push(await upgradeWith(local, '/ws/visitor', xff(i), keep));
    assert.deepEqual(chat.slice(0, 3), [0, 0, 0]);
    assert.ok(chat.slice(3).every((s) => s !== 0), `chat sockets beyond the cap: ${chat}`);
    assert.equal((await api(local, 'POST', '/api/visitors', { body: {} })).status, 429, 'without the header too');
  } finally {
    for (const ws of keep) ws.terminate();
    await local.close();
  }
});

test('PeerJS registrations per address ignore a forged X-Forwarded-For, also behind a trusted proxy', async () => {
  for (const trustProxy of ['none', 'loopback']) {
    const local = await startServer({ trustProxy, peerGate: { perAddress: 2, perVisitor: 10 } });
    const keep = [];
    try {
      const v = await newVisitor(local);
      const got = [];
      for (let i = 0; i < 4; i++) {
        const c = await peerCredentials(local, v.token);
        // Behind the proxy the client can only prepend: the proxy appends the address it saw.
        const headers = { 'x-forwarded-for': trustProxy === 'none' ? `198.51.100.${i}` : `198.51.100.${i}, 192.0.2.7` };
        got.push(await upgradeWith(local, peerUrl(`key=peerjs&id=${c.id}&token=${c.token}`), headers, keep));
      }
      assert.deepEqual(got, [0, 0, 429, 429], `${trustProxy}: ${got}`);
    } finally {
      for (const ws of keep) ws.terminate();
      await local.close();
    }
  }
});

test('credentials die with their session: logout and forget-me', async () => {
  // Agent: an unused credential fetched before logout, and the standing peer, are both dead after it.
  const token = await agentLogin(srv);
  const chat = await agentSocket(srv, token);
  const spare = await peerCredentials(srv, token, { agent: true });
  const peer = await peerSocket(srv, await peerCredentials(srv, token, { agent: true }));
  assert.equal((await api(srv, 'POST', '/api/agent/logout', { token })).status, 200);
  assert.equal((await peer.closed()).code, 4001);
  assert.equal((await chat.closed()).code, 4001);
  assert.equal(await upgradeStatus(srv, peerUrl(`key=peerjs&id=${spare.id}&token=${spare.token}`)), 401);
  assert.equal((await api(srv, 'POST', '/api/agent/peer-credentials', { token })).status, 401);
  // Visitor: forget-me ends the chat socket, the peer and every spare credential; the token is dead.
  const vs = await visitorSide();
  const vchat = await visitorSocket(srv, vs.v.token);
  const vspare = await peerCredentials(srv, vs.v.token);
  assert.equal((await api(srv, 'DELETE', '/api/visitors/me', { token: vs.v.token })).status, 200);
  assert.equal((await vs.peer.closed()).code, 4001);
  await vchat.closed();
  assert.equal(await upgradeStatus(srv, peerUrl(`key=peerjs&id=${vspare.id}&token=${vspare.token}`)), 401);
  assert.equal(await upgradeStatus(srv, peerUrl(`key=peerjs&id=${vs.cred.id}&token=${vs.cred.token}`)), 401);
  assert.equal((await api(srv, 'POST', '/api/peer-credentials', { token: vs.v.token })).status, 401);
  // A dead visitor's id can no longer be named by anybody's call.
  const other = await visitorSide();
  const r = await api(srv, 'POST', '/2/callKefu', { token: other.v.token, body: { action: 'callpeer', peer_id: vs.cred.id } });
  assert.equal(r.status, 403, r.text);
  other.peer.close();
});

test('a logout racing a re-registration does not leave the peer registered', async () => {
  const token = await agentLogin(srv);
  const cred = await peerCredentials(srv, token, { agent: true });
  const first = await peerSocket(srv, cred);
  // The same id registering again waits for its old socket to close: log out inside that wait.
  const again = wsClient(srv, peerUrl(`key=peerjs&id=${cred.id}&token=${cred.token}`));
  const out = api(srv, 'POST', '/api/agent/logout', { token });
  await Promise.all([out, again.opened.catch(() => {})]);
  await first.closed();
  const info = await again.closed(3000).catch(() => null);
  assert.ok(info, 'the re-registered socket was closed too');
  assert.equal(again.frames.some((f) => f.type === 'OPEN') && again.ws.readyState === WebSocket.OPEN, false);
});

// Big candidate frames (under the frame limit): what a flood of them would cost in memory if kept.
const bulky = (dst, i) => ({
  type: 'CANDIDATE', dst, payload: { type: 'media', connectionId: 'mc_1', candidate: { candidate: `c${i} ${'x'.repeat(28 * 1024)}`, sdpMid: '0' } },
});
const bytesOf = (frames) => frames.reduce((n, f) => n + JSON.stringify(f).length, 0);
// Resolves once the server has read every frame `vs` sent: an offer to a stranger is answered with
// EXPIRE, in order.
async function drained(vs, stranger) {
  vs.peer.peerSend(offer(stranger.cred.id, 99));
  for (let i = 0; i < 400 && !vs.peer.frames.some((f) => f.type === 'EXPIRE' && f.src === stranger.cred.id); i++) await sleep(50);
}

test("the early-frame hold keeps a ring's worth only, however many frames come before the ring", async (t) => {
  // A server of its own with a hold longer than the flood takes to read (on a loaded machine more than
  // this file's 600 ms): the frames kept are then the first window's, still there at the ring.
  const own = await serverWithAgent({ rate: { calls: 100, ringsPerAddress: 100, visitorCreates: 1000 }, peerGate: { holdMs: 30000, perAddress: 1000 } });
  t.after(() => own.srv.close());
  const cons = await shared.consoleSide(own.srv, own.agentToken);
  const vs = await shared.visitorSide(own.srv);
  const stranger = await shared.visitorSide(own.srv);
  for (let i = 0; i < 800; i++) vs.peer.peerSend(bulky(cons.cred.id, i)); // ≈23 MB before any ring
  await drained(vs, stranger);
  const r = await api(own.srv, 'POST', '/2/callKefu', { token: vs.v.token, body: { action: 'callpeer', peer_id: vs.cred.id } });
  assert.equal(r.status, 200, r.text);
  await sleep(400);
  const got = cons.peer.frames.filter((f) => f.type === 'CANDIDATE');
  assert.ok(got.length > 0 && got.length <= 32, `held frames relayed at the ring: ${got.length}`);
  assert.ok(bytesOf(got) <= 140 * 1024, `held bytes: ${bytesOf(got)}`);
  await api(own.srv, 'POST', '/2/callKefu', { token: vs.v.token, body: { action: 'hangup', call_id: r.json.callId } });
  closeAll(cons.peer, cons.chat, vs.peer, stranger.peer);
});

test('the offline queue for an absent console is bounded in bytes and frames', async () => {
  const cons = await consoleSide();
  const vs = await visitorSide();
  const r = await ring(vs);
  cons.peer.close();
  await cons.peer.closed();
  await sleep(50);
  const stranger = await visitorSide();
  for (let i = 0; i < 800; i++) vs.peer.peerSend(bulky(cons.cred.id, i));
  await drained(vs, stranger);
  const back = await peerSocket(srv, cons.cred);
  await sleep(300);
  const got = back.frames.filter((f) => f.type === 'CANDIDATE');
  assert.ok(got.length <= 32, `queued frames: ${got.length}`);
  assert.ok(bytesOf(got) <= 260 * 1024, `queued bytes: ${bytesOf(got)}`);
  await hangup(vs, r.json.callId);
  closeAll(back, cons.chat, vs.peer, stranger.peer);
});

test("a ringing visitor reaches only the consoles its call rings, not another group's", async () => {
  const local = await startServer({ adminPass: 'admin-pass-1', ringGroupDelayMs: 60000, rate: { calls: 100 } });
  try {
    local.accounts.add({ username: 'li', name: '小李', password: 'li-pass-123' });
    const admin = await agentLogin(local, 'admin', 'admin-pass-1');
    const g = await api(local, 'POST', '/api/admin/groups', { token: admin, body: { id: 'sales', name: '售前', members: ['li'] } });
    assert.equal(g.status, 201, g.text);
    const standing = async (user, pass) => {
      const token = await agentLogin(local, user, pass);
      const chat = await agentSocket(local, token);
      const cred = await peerCredentials(local, token, { agent: true });
      const peer = await peerSocket(local, cred);
      chat.send('peer', { peerId: cred.id });
      await chat.settled();
      return { chat, cred, peer };
    };
    const li = await standing('li', 'li-pass-123');
    const kefu1 = await standing('kefu1', 'kefu123'); // in the default group only: never rung for sales
    const made = await api(local, 'POST', '/api/visitors', { body: { kefu: 'sales' } });
    const v = made.json;
    const cred = await peerCredentials(local, v.token);
    const peer = await peerSocket(local, cred);
    const r = await api(local, 'POST', '/2/callKefu', { token: v.token, body: { action: 'callpeer', kefu_id: 'sales', peer_id: cred.id } });
    assert.equal(r.status, 200, r.text);
    await li.chat.next('call');
    assert.equal(r.json.peer, li.cred.id, 'the one console this call rings is named for the early offer');
    peer.peerSend(offer(kefu1.cred.id, 1));
    peer.peerSend(offer(li.cred.id, 2));
    assert.equal((await li.peer.next('OFFER')).payload.connectionId, 'mc_2');
    assert.equal(await kefu1.peer.none('OFFER', 300), true, "another group's console gets nothing");
    kefu1.peer.peerSend(offer(cred.id, 3));
    assert.equal(await peer.none('OFFER', 300), true, "nor can it reach the ringing visitor");
    await api(local, 'POST', '/2/callKefu', { token: v.token, body: { action: 'cancel', call_id: r.json.callId } });
    closeAll(peer, li.peer, li.chat, kefu1.peer, kefu1.chat);
  } finally {
    await local.close();
  }
});

test('in a running call no other peer sends the visitor a switch or recovery offer, nor takes one', async () => {
  const cons = await consoleSide();
  const other = await consoleSide();
  const vs = await visitorSide();
  const r = await ring(vs);
  cons.chat.send('accept', { visitorId: vs.v.visitorId, peerId: cons.cred.id, callId: r.json.callId });
  await cons.chat.next('call_end', { timeout: 300 }).catch(() => {});
  // Another console offers the visitor a "switch" (its answer would carry the visitor's camera).
  other.peer.peerSend(offer(vs.cred.id, 1, { callId: r.json.callId, video: true }));
  other.peer.peerSend(offer(vs.cred.id, 2, { callId: r.json.callId, recover: true, video: false }));
  assert.equal(await vs.peer.none('OFFER', 300), true);
  // A second peer of the same visitor (not rebound) cannot recover the call onto itself.
  const spareCred = await peerCredentials(srv, vs.v.token);
  const spare = await peerSocket(srv, spareCred);
  spare.peerSend(offer(cons.cred.id, 3, { callId: r.json.callId, recover: true, video: false }));
  cons.peer.peerSend(offer(spareCred.id, 4));
  assert.equal(await cons.peer.none('OFFER', 300), true);
  assert.equal(await spare.none('OFFER', 100), true);
  // Once rebound, the old peer is out and the new one in.
  const rb = await api(srv, 'POST', '/2/callKefu', { token: vs.v.token, body: { action: 'rebind', call_id: r.json.callId, peer_id: spareCred.id } });
  assert.equal(rb.status, 200, rb.text);
  vs.peer.peerSend(offer(cons.cred.id, 5, { callId: r.json.callId, recover: true, video: false }));
  spare.peerSend(offer(cons.cred.id, 6, { callId: r.json.callId, recover: true, video: false }));
  assert.equal((await cons.peer.next('OFFER')).payload.connectionId, 'mc_6');
  assert.equal(await cons.peer.none('OFFER', 200), true, 'the old peer is no party any more');
  await hangup(vs, r.json.callId);
  closeAll(cons.peer, cons.chat, other.peer, other.chat, vs.peer, spare);
});

test('a flood of registrations without credentials leaves room for every real client', async () => {
  const tries = [];
  for (let i = 0; i < 300; i++) tries.push(upgradeStatus(srv, peerUrl(`key=peerjs&id=flood${i}&token=t${i}`)));
  const statuses = await Promise.all(tries);
  assert.ok(statuses.every((s) => s === 401), `all refused: ${[...new Set(statuses)]}`);
  const vs = await visitorSide(); // registers and gets OPEN
  assert.equal(vs.peer.ws.readyState, WebSocket.OPEN);
  vs.peer.close();
});

test("another site's script cannot read the agent's TURN credentials", async () => {
  const origin = { origin: 'https://evil.example' };
  const r = await api(srv, 'POST', '/api/agent/ice-servers', { token: agentToken, headers: origin });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('access-control-allow-origin'), null);
  const pre = await api(srv, 'OPTIONS', '/api/agent/ice-servers', {
    headers: { ...origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
  });
  assert.equal(pre.headers.get('access-control-allow-origin'), null);
  const v = await newVisitor(srv);
  const vr = await api(srv, 'POST', '/api/ice-servers', { token: v.token, headers: origin });
  assert.equal(vr.headers.get('access-control-allow-origin'), '*', 'the widget on any site still can');
});
