'use strict';
// TURN credentials (docs/PROTOCOL.md §3 "ICE servers"): minted per request in the TURN REST API scheme,
// only for authenticated visitors and agents; /api/config never carries a TURN password.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { startServer, api, newVisitor, agentLogin } = require('./helpers');
const { loadConfig } = require('../../shell/lib/config');
const { configText } = require('../../shell/lib/turn-server');

const SECRET = 'north-wind-shared-secret';
const STUN = { urls: 'stun:stun.example.com:3478' };
const STATIC_TURN = { urls: 'turn:static.example.com:3478', username: 'fixed', credential: 'static-password' };
const URLS = ['turn:turn.example.com:3478?transport=udp', 'turn:turn.example.com:3478?transport=tcp'];

// Computed here without the server's code: what coturn computes for `use-auth-secret`.
const expectedPassword = (username) => crypto.createHmac('sha1', SECRET).update(username, 'utf8').digest('base64');

let srv;
before(async () => {
  srv = await startServer({ iceServers: [STUN, STATIC_TURN], turn: { urls: URLS, secret: SECRET, ttlSeconds: 600 } });
});
after(async () => {
  await srv.close();
});

const minted = (body) => body.iceServers.find((s) => Array.isArray(s.urls) && s.urls[0] === URLS[0]);

test('/api/config lists only credential-free ICE servers and says credentials are available', async () => {
  const r = await api(srv, 'GET', '/api/config');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.iceServers, [STUN]);
  assert.equal(r.json.turnCredentials, true);
  assert.ok(!r.text.includes('static-password'), 'the static TURN password is not public');
  assert.ok(!r.text.includes(SECRET));
  assert.ok(!r.text.includes('username'));
});

test('a visitor gets credentials in the REST API scheme, valid for ttlSeconds, fresh each time', async () => {
  const v = await newVisitor(srv);
  const before = Math.floor(Date.now() / 1000);
  const r = await api(srv, 'POST', '/api/ice-servers', { token: v.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  const t = minted(r.json);
  assert.ok(t, 'a TURN entry with the configured urls');
  assert.deepEqual(t.urls, URLS);
  const [expiry, identity] = t.username.split(':');
  assert.equal(identity, v.visitorId);
  assert.ok(Number(expiry) >= before + 600 && Number(expiry) <= Math.floor(Date.now() / 1000) + 600, `expiry ${expiry}`);
  assert.equal(t.credential, expectedPassword(t.username));
  assert.equal(r.json.expires, Number(expiry) * 1000);
  // The configured servers come along, the static TURN one included (it is no longer in /api/config).
  assert.deepEqual(r.json.iceServers.slice(0, 2), [STUN, STATIC_TURN]);

  await new Promise((res) => setTimeout(res, 1100));
  const again = minted((await api(srv, 'POST', '/api/ice-servers', { token: v.token })).json);
  assert.notEqual(again.username, t.username, 'a later request gets a later expiry');
  assert.equal(again.credential, expectedPassword(again.username));
});

test('an agent gets credentials named after the agent', async () => {
  const token = await agentLogin(srv);
  const r = await api(srv, 'POST', '/api/agent/ice-servers', { token });
  assert.equal(r.status, 200, r.text);
  const t = minted(r.json);
  assert.match(t.username, /^\d+:agent-kefu1$/);
  assert.equal(t.credential, expectedPassword(t.username));
});

test('the endpoints need the right token', async () => {
  const v = await newVisitor(srv);
  const agent = await agentLogin(srv);
  for (const [p, token] of [['/api/ice-servers', undefined], ['/api/ice-servers', 'not-a-token'], ['/api/ice-servers', agent],
    ['/api/agent/ice-servers', undefined], ['/api/agent/ice-servers', v.token]]) {
    const r = await api(srv, 'POST', p, { token });
    assert.equal(r.status, 401, `${p} with ${token}`);
    assert.equal(r.json.error.code, 'unauthorized');
    // The widget's page can read the visitor refusal; agent endpoints answer no cross-origin reads.
    assert.equal(r.headers.get('access-control-allow-origin'), p.startsWith('/api/agent/') ? null : '*', p);
    assert.ok(!r.text.includes('credential'));
  }
  const pre = await fetch(`${srv.url}/api/ice-servers`, { method: 'OPTIONS' });
  assert.equal(pre.status, 204);
  assert.match(pre.headers.get('access-control-allow-headers'), /Authorization/);
});

test('credential requests are rate limited per identity', async () => {
  const v = await newVisitor(srv);
  let last;
  for (let i = 0; i < 31; i++) last = await api(srv, 'POST', '/api/ice-servers', { token: v.token });
  assert.equal(last.status, 429);
  const other = await newVisitor(srv);
  assert.equal((await api(srv, 'POST', '/api/ice-servers', { token: other.token })).status, 200);
});

test('without TURN settings nothing changes: STUN in /api/config, no credentials offered', async () => {
  const plain = await startServer({ iceServers: [STUN] });
  try {
    const c = await api(plain, 'GET', '/api/config');
    assert.deepEqual(c.json.iceServers, [STUN]);
    assert.equal(c.json.turnCredentials, false);
    const v = await newVisitor(plain);
    const r = await api(plain, 'POST', '/api/ice-servers', { token: v.token });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.iceServers, [STUN]);
  } finally {
    await plain.close();
  }
});

test('TURN settings from the environment are checked', () => {
  const c = loadConfig({ configFile: false }, { KEFU_TURN_URLS: URLS.join(','), KEFU_TURN_SECRET: 's', KEFU_TURN_TTL: '900', KEFU_TURN_PORTS: '50000-50010' });
  assert.deepEqual(c.turn.urls, URLS);
  assert.equal(c.turn.ttlSeconds, 900);
  assert.equal(c.turn.minPort, 50000);
  assert.throws(() => loadConfig({ configFile: false }, { KEFU_TURN_URLS: 'http://x' }), /turn\.urls/);
  assert.throws(() => loadConfig({ configFile: false }, { KEFU_TURN_TTL: '120' }), /ttlSeconds/);
  assert.throws(() => loadConfig({ configFile: false }, { KEFU_TURN_PORTS: '9-1' }), /ports/);
});

test('the coturn configuration keeps the secret in a file and refuses values that would inject lines', () => {
  const c = loadConfig({ configFile: false }, {}).turn;
  const text = configText(c, { secret: 'abc', host: '127.0.0.1', dataDir: '/tmp/x' });
  assert.match(text, /^use-auth-secret$/m);
  assert.match(text, /^static-auth-secret=abc$/m);
  assert.match(text, /^listening-ip=127\.0\.0\.1$/m);
  assert.match(text, /^no-cli$/m);
  assert.match(text, /^no-tcp-relay$/m);
  assert.match(text, /^denied-peer-ip=169\.254\.0\.0-169\.254\.255\.255$/m);
  assert.doesNotMatch(text, /allow-loopback-peers/);
  assert.throws(() => configText({ ...c, relayIp: '1.2.3.4\nallow-loopback-peers' }, { secret: 'abc', host: '0.0.0.0', dataDir: '/tmp/x' }), /relayIp/);
});

test('turn.run starts coturn with the REST API scheme and stops it on close (skipped without coturn)', async (t) => {
  if (!fs.existsSync('/usr/bin/turnserver')) return t.skip('coturn is not installed (bash shell/setup.sh --turn)');
  // Below Linux's ephemeral range (32768-60999): a client socket of another test could hold a port there.
  const port = 20000 + Math.floor(Math.random() * 10000);
  const s = await startServer({ turn: { run: true, port, minPort: port + 1, maxPort: port + 20 } });
  const conf = path.join(s.dataDir, 'turnserver.conf');
  try {
    assert.equal(fs.statSync(conf).mode & 0o077, 0, 'only the server user reads the secret');
    const secret = /^static-auth-secret=(.+)$/m.exec(fs.readFileSync(conf, 'utf8'))[1];
    const c = await api(s, 'GET', '/api/config');
    assert.equal(c.json.turnCredentials, true);
    const v = await newVisitor(s);
    const r = await api(s, 'POST', '/api/ice-servers', { token: v.token });
    const turn = r.json.iceServers[0];
    assert.deepEqual(turn.urls, [`turn:127.0.0.1:${port}?transport=udp`, `turn:127.0.0.1:${port}?transport=tcp`]);
    assert.equal(turn.credential, crypto.createHmac('sha1', secret).update(turn.username).digest('base64'));
    await new Promise((res, rej) => { // coturn listens on TCP
      const sock = require('net').connect(port, '127.0.0.1', () => { sock.destroy(); res(); });
      sock.on('error', rej);
    });
  } finally {
    await s.close();
  }
  await assert.rejects(new Promise((res, rej) => {
    const sock = require('net').connect(port, '127.0.0.1', () => { sock.destroy(); res(); });
    sock.on('error', rej);
  }), 'coturn stopped with the server');
});

test('turn.run without coturn installed: the server starts anyway and offers no TURN credentials', async () => {
  const s = await startServer({ turn: { run: true, binary: '/nonexistent/turnserver' } });
  try {
    const c = await api(s, 'GET', '/api/config');
    assert.equal(c.status, 200);
    assert.equal(c.json.turnCredentials, false);
  } finally {
    await s.close();
  }
});
