'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { startServer, api, newVisitor, agentLogin, tempDir } = require('./helpers');

let srv;
before(async () => {
  srv = await startServer();
});
after(async () => {
  await srv.close();
});

function assertError(r, status, code) {
  assert.equal(r.status, status, r.text);
  assert.ok(r.json && r.json.error, `JSON error body expected, got ${r.text}`);
  assert.equal(r.json.error.code, code);
  assert.equal(typeof r.json.error.message, 'string');
  assert.ok(!/at .+\.js:\d+/.test(r.text), 'no stack trace');
}

test('visitor creation returns an id and a token that authenticates', async () => {
  const r = await api(srv, 'POST', '/api/visitors', { body: { name: 'Ann', lang: 'en' } });
  assert.equal(r.status, 201);
  assert.match(r.json.visitorId, /^v_[0-9a-f]+$/);
  assert.ok(r.json.token.length >= 30);
  const me = await api(srv, 'GET', '/api/visitors/me', { token: r.json.token });
  assert.equal(me.status, 200);
  assert.equal(me.json.visitorId, r.json.visitorId);
  assert.equal(me.json.name, 'Ann');
  assert.deepEqual(me.json.attrs, { lang: 'en' });
});

test('visitor without a name gets a readable default name', async () => {
  const v = await newVisitor(srv);
  const me = await api(srv, 'GET', '/api/visitors/me', { token: v.token });
  assert.match(me.json.name, /^访客 [0-9A-F]{4}$/);
});

test('visitor endpoints need a valid token', async () => {
  assertError(await api(srv, 'GET', '/api/visitors/me'), 401, 'unauthorized');
  assertError(await api(srv, 'GET', '/api/messages', { token: 'nope' }), 401, 'unauthorized');
  assertError(await api(srv, 'POST', '/api/messages', { body: { id: 'a', text: 'x' } }), 401, 'unauthorized');
  assertError(await api(srv, 'POST', '/2/callKefu', { body: { action: 'callpeer' } }), 401, 'unauthorized');
});

test('PATCH /api/visitors/me updates profile fields and validates them', async () => {
  const v = await newVisitor(srv);
  const r = await api(srv, 'PATCH', '/api/visitors/me', {
    token: v.token,
    body: { name: '  王小明 ', email: 'wang@example.com', phone: '138', attrs: { plan: 'pro', vip: true } },
  });
  assert.equal(r.status, 200);
  assert.equal(r.json.name, '王小明');
  assert.equal(r.json.email, 'wang@example.com');
  assert.deepEqual(r.json.attrs, { plan: 'pro', vip: true });
  assertError(await api(srv, 'PATCH', '/api/visitors/me', { token: v.token, body: { name: 'x'.repeat(201) } }), 400, 'too_long');
  assertError(await api(srv, 'PATCH', '/api/visitors/me', { token: v.token, body: { email: 5 } }), 400, 'bad_request');
  assertError(await api(srv, 'PATCH', '/api/visitors/me', { token: v.token, body: { attrs: { a: { b: 1 } } } }), 400, 'bad_request');
});

test('a visitor sees only its own conversation', async () => {
  const a = await newVisitor(srv, 'A');
  const b = await newVisitor(srv, 'B');
  await api(srv, 'POST', '/api/messages', { token: a.token, body: { id: 'a1', text: 'secret of A' } });
  await api(srv, 'POST', '/api/messages', { token: b.token, body: { id: 'b1', text: 'hello from B' } });
  const ha = await api(srv, 'GET', '/api/messages', { token: a.token });
  const hb = await api(srv, 'GET', '/api/messages', { token: b.token });
  assert.deepEqual(ha.json.messages.map((m) => m.text), ['secret of A']);
  assert.deepEqual(hb.json.messages.map((m) => m.text), ['hello from B']);
  // A cannot post into B's conversation by naming it.
  assertError(await api(srv, 'POST', '/api/messages', { token: a.token, body: { id: 'x', text: 'hi', visitor_id: b.visitorId } }), 403, 'forbidden');
  // Visitor tokens do not open agent endpoints.
  assertError(await api(srv, 'GET', `/api/agent/visitors/${b.visitorId}/messages`, { token: a.token }), 401, 'unauthorized');
});

test('resending a message id stores it once and returns the same seq', async () => {
  const v = await newVisitor(srv);
  const first = await api(srv, 'POST', '/api/messages', { token: v.token, body: { id: 'm-1', text: '你好' } });
  assert.equal(first.status, 200);
  assert.equal(first.json.id, 'm-1');
  assert.ok(Number.isInteger(first.json.seq));
  const again = await api(srv, 'POST', '/api/messages', { token: v.token, body: { id: 'm-1', text: '你好' } });
  assert.deepEqual(again.json, first.json);
  const h = await api(srv, 'GET', '/api/messages', { token: v.token });
  assert.equal(h.json.messages.length, 1);
  assert.deepEqual(h.json.messages[0], { id: 'm-1', seq: first.json.seq, from: 'visitor', text: '你好', time: first.json.time, kind: 'text' });
});

test('messages keep their order and seq strictly increases', async () => {
  const v = await newVisitor(srv);
  const seqs = [];
  for (let i = 0; i < 8; i++) {
    const r = await api(srv, 'POST', '/api/messages', { token: v.token, body: { id: `o${i}`, text: `n${i}` } });
    seqs.push(r.json.seq);
  }
  for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1]);
  const h = await api(srv, 'GET', '/api/messages', { token: v.token });
  assert.deepEqual(h.json.messages.map((m) => m.text), ['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7']);
  assert.equal(h.json.hasMore, false);
});

test('message text is trimmed, must be non-empty and at most 2000 characters, never cut', async () => {
  const v = await newVisitor(srv);
  const ok = await api(srv, 'POST', '/api/messages', { token: v.token, body: { id: 't1', text: '  padded  ' } });
  assert.equal(ok.status, 200);
  // 2000 astral characters are 2000 code points: accepted.
  const max = await api(srv, 'POST', '/api/messages', { token: v.token, body: { id: 't2', text: '好'.repeat(2000) } });
  assert.equal(max.status, 200);
  assertError(await api(srv, 'POST', '/api/messages', { token: v.token, body: { id: 't3', text: 'a'.repeat(2001) } }), 400, 'too_long');
  assertError(await api(srv, 'POST', '/api/messages', { token: v.token, body: { id: 't4', text: '   \n ' } }), 400, 'bad_request');
  assertError(await api(srv, 'POST', '/api/messages', { token: v.token, body: { id: 't5', text: 42 } }), 400, 'bad_request');
  assertError(await api(srv, 'POST', '/api/messages', { token: v.token, body: { text: 'no id' } }), 400, 'bad_request');
  const h = await api(srv, 'GET', '/api/messages', { token: v.token });
  assert.deepEqual(h.json.messages.map((m) => m.id), ['t1', 't2']);
  assert.equal(h.json.messages[0].text, 'padded');
  assert.equal([...h.json.messages[1].text].length, 2000);
});

test('bad bodies get JSON errors: malformed JSON 400, oversize 413, non-object 400', async () => {
  const v = await newVisitor(srv);
  assertError(await api(srv, 'POST', '/api/messages', { token: v.token, raw: '{"id":"x","text":' }), 400, 'bad_request');
  assertError(await api(srv, 'POST', '/api/visitors', { raw: 'not json at all' }), 400, 'bad_request');
  assertError(await api(srv, 'POST', '/api/messages', { token: v.token, raw: JSON.stringify({ id: 'big', text: 'x'.repeat(17 * 1024) }) }), 413, 'too_large');
  assertError(await api(srv, 'POST', '/api/messages', { token: v.token, raw: '[1,2]' }), 400, 'bad_request');
  assertError(await api(srv, 'GET', '/api/messages?limit=500', { token: v.token }), 400, 'bad_request');
  assertError(await api(srv, 'GET', '/api/messages?before=abc', { token: v.token }), 400, 'bad_request');
});

test('unknown API routes are JSON 404s', async () => {
  assertError(await api(srv, 'GET', '/api/nothing-here'), 404, 'not_found');
  assertError(await api(srv, 'POST', '/api'), 404, 'not_found');
  assertError(await api(srv, 'GET', '/2/other'), 404, 'not_found');
});

test('visitors are rate limited', async () => {
  const v = await newVisitor(srv);
  let limited = null;
  for (let i = 0; i < 25 && !limited; i++) {
    const r = await api(srv, 'POST', '/api/messages', { token: v.token, body: { id: `r${i}`, text: 'spam' } });
    if (r.status !== 200) limited = r;
  }
  assert.ok(limited, 'expected a rate limit within 25 messages');
  assertError(limited, 429, 'rate_limited');
});

test('agent login: good credentials give a token, bad ones 401', async () => {
  const good = await api(srv, 'POST', '/api/agent/login', { body: { username: 'kefu1', password: 'kefu123' } });
  assert.equal(good.status, 200);
  assert.deepEqual(good.json.agent, { id: 'kefu1', name: '小美', role: 'agent' });
  assert.ok(good.json.token);
  assertError(await api(srv, 'POST', '/api/agent/login', { body: { username: 'kefu1', password: 'wrong' } }), 401, 'unauthorized');
  assertError(await api(srv, 'POST', '/api/agent/login', { body: { username: 'nobody', password: 'kefu123' } }), 401, 'unauthorized');
  assertError(await api(srv, 'POST', '/api/agent/login', { body: {} }), 400, 'bad_request');
  assertError(await api(srv, 'GET', '/api/agent/visitors'), 401, 'unauthorized');
  const me = await api(srv, 'GET', '/api/agent/me', { token: good.json.token });
  assert.equal(me.json.agent.name, '小美');
  const out = await api(srv, 'POST', '/api/agent/logout', { token: good.json.token });
  assert.equal(out.status, 200);
  assertError(await api(srv, 'GET', '/api/agent/me', { token: good.json.token }), 401, 'unauthorized');
});

test('history pages with before/limit/hasMore for visitors and agents', async () => {
  const v = await newVisitor(srv);
  const seqs = [];
  for (let i = 0; i < 12; i++) {
    // Stay under the per-visitor rate limit by spacing in two visitors' budgets is not needed: 12 < 20.
    const r = await api(srv, 'POST', '/api/messages', { token: v.token, body: { id: `p${i}`, text: `m${i}` } });
    seqs.push(r.json.seq);
  }
  const newest = await api(srv, 'GET', '/api/messages?limit=5', { token: v.token });
  assert.deepEqual(newest.json.messages.map((m) => m.text), ['m7', 'm8', 'm9', 'm10', 'm11']);
  assert.equal(newest.json.hasMore, true);
  const older = await api(srv, 'GET', `/api/messages?limit=5&before=${newest.json.messages[0].seq}`, { token: v.token });
  assert.deepEqual(older.json.messages.map((m) => m.text), ['m2', 'm3', 'm4', 'm5', 'm6']);
  assert.equal(older.json.hasMore, true);
  const oldest = await api(srv, 'GET', `/api/messages?limit=5&before=${older.json.messages[0].seq}`, { token: v.token });
  assert.deepEqual(oldest.json.messages.map((m) => m.text), ['m0', 'm1']);
  assert.equal(oldest.json.hasMore, false);
  const after = await api(srv, 'GET', `/api/messages?after=${seqs[9]}`, { token: v.token });
  assert.deepEqual(after.json.messages.map((m) => m.text), ['m10', 'm11']);

  const agentToken = await agentLogin(srv);
  const ah = await api(srv, 'GET', `/api/agent/visitors/${v.visitorId}/messages?limit=3`, { token: agentToken });
  assert.deepEqual(ah.json.messages.map((m) => m.text), ['m9', 'm10', 'm11']);
  assert.equal(ah.json.hasMore, true);
  assertError(await api(srv, 'GET', '/api/agent/visitors/v_nope/messages', { token: agentToken }), 404, 'not_found');
  const list = await api(srv, 'GET', '/api/agent/visitors', { token: agentToken });
  const s = list.json.visitors.find((x) => x.id === v.visitorId);
  assert.equal(s.unread, 12);
  assert.equal(s.lastMessage.text, 'm11');
  assert.equal(s.online, false);
});

test('/api/config describes the PeerJS server of this process', async () => {
  const r = await api(srv, 'GET', '/api/config');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.peer, { host: '127.0.0.1', port: srv.port, path: '/peerjs', key: 'peerjs', secure: false, auth: 'kefu' });
  assert.deepEqual(r.json.iceServers, []);
  assert.equal(r.json.kefu.id, 'kefu1');
  assert.equal(r.json.kefu.name, '小美');
  assert.ok(r.json.welcome['zh-CN'] && r.json.welcome.en);
  assert.equal(r.json.limits.maxMessageChars, 2000);
});

test('pages carry a strict CSP and nosniff; the console and demo pages have no inline script or style', async () => {
  for (const p of ['/', '/second.html', '/agent/']) {
    const r = await api(srv, 'GET', p);
    assert.equal(r.status, 200, p);
    const csp = r.headers.get('content-security-policy');
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
    assert.match(csp, /object-src 'none'/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(r.text), `${p} has an inline script`);
    assert.ok(!/<style[\s>]/i.test(r.text) && !/\sstyle=/i.test(r.text), `${p} has inline style`);
    assert.ok(!/\son[a-z]+=/i.test(r.text), `${p} has an inline event handler`);
  }
  const demo = await api(srv, 'GET', '/');
  assert.match(demo.text, /<script src="\/kefu\.js" data-server="" data-color="#2f7d4f" async><\/script>/);
});

test('the peerjs client is served for the console', async () => {
  const r = await api(srv, 'GET', '/vendor/peerjs.min.js', { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /javascript/);
  assert.ok(r.text.length > 50000);
});

test('widget files: served from the dist dir with the wasm type and gzip, clear 404 when missing', async () => {
  const dist = tempDir();
  fs.writeFileSync(path.join(dist, 'kefu.js'), '/* loader */\n'.repeat(400));
  fs.writeFileSync(path.join(dist, 'kefu-app.wasm'), Buffer.alloc(4096, 1));
  const s2 = await startServer({ distDir: dist });
  try {
    const js = await fetch(`${s2.url}/kefu.js`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type'), /javascript/);
    assert.equal(js.headers.get('content-encoding'), 'gzip');
    await js.arrayBuffer();
    const wasm = await fetch(`${s2.url}/kefu-app.wasm`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(wasm.status, 200);
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
    assert.equal(wasm.headers.get('content-encoding'), 'gzip');
    assert.equal((await wasm.arrayBuffer()).byteLength, 4096);
    const css = await fetch(`${s2.url}/kefu.css`);
    assert.equal(css.status, 404);
    // Compressed once per build, not per request: a rebuilt file is served as it now is; a revalidation
    // of an unchanged one is a 304.
    const first = await fetch(`${s2.url}/kefu-app.wasm`, { headers: { 'accept-encoding': 'gzip' } });
    const etag = first.headers.get('etag');
    assert.ok(etag);
    await first.arrayBuffer();
    // (node:http: fetch marks every conditional request no-cache, as a browser's cache revalidation is not)
    const same = await new Promise((res, rej) => {
      require('http').get(`${s2.url}/kefu-app.wasm`, { headers: { 'accept-encoding': 'gzip', 'if-none-match': etag } },
        (r) => { r.resume(); res(r.statusCode); }).on('error', rej);
    });
    assert.equal(same, 304);
    fs.writeFileSync(path.join(dist, 'kefu-app.wasm'), Buffer.alloc(5000, 2));
    const rebuilt = await fetch(`${s2.url}/kefu-app.wasm`, { headers: { 'accept-encoding': 'gzip', 'if-none-match': etag } });
    assert.equal(rebuilt.status, 200);
    assert.deepEqual(Buffer.from(await rebuilt.arrayBuffer()), Buffer.alloc(5000, 2));
  } finally {
    await s2.close();
  }
  const s3 = await startServer({ distDir: path.join(dist, 'missing') });
  try {
    const r = await fetch(`${s3.url}/kefu.js`);
    assert.equal(r.status, 404);
    assert.match(await r.text(), /not built/);
  } finally {
    await s3.close();
  }
});
