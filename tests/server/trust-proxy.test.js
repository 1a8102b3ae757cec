'use strict';
// X-Forwarded-* behind a reverse proxy: believed only from the proxies named in trustProxy, and then
// everything (the /api/config announcement, rate limits, login limits, socket caps) follows the real client.
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { startServer, api, newVisitor, wsClient } = require('./helpers');
const { parseTrustProxy } = require('../../shell/lib/trust-proxy');
const { loadConfig } = require('../../shell/lib/config');

const servers = [];
after(async () => {
  for (const s of servers) await s.close();
});
async function server(options) {
  const s = await startServer(options);
  servers.push(s);
  return s;
}
// The fields that say where the PeerJS server is (others, such as its auth scheme, are not ours here).
const where = ({ host, port, path, key, secure }) => ({ host, port, path, key, secure });
const from = (xff, more = {}) => ({ headers: { 'x-forwarded-for': xff, ...more } });

// fetch() cannot set Host; a proxy does, so this goes through node:http.
function getConfig(srv, headers) {
  return new Promise((resolve, reject) => {
    http.get(`${srv.url}/api/config`, { headers }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject);
  });
}

test('trustProxy matches addresses, CIDR blocks and keywords, IPv4 and IPv6', () => {
  const t = parseTrustProxy(['loopback', '10.1.0.0/16', '2001:db8:1::/48', '192.0.2.7', 'fd00::1']);
  for (const a of ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1', '10.1.255.3', '::ffff:10.1.0.9',
    '2001:db8:1:ffff::5', '192.0.2.7', 'fd00::1', '[::1]:443']) assert.equal(t.test(a), true, a);
  for (const a of ['10.2.0.1', '192.0.2.8', '2001:db8:2::1', 'fd00::2', '8.8.8.8', '', 'unknown', 'localhost', '10.1.0.0/16', null]) {
    assert.equal(t.test(a), false, String(a));
  }
  assert.equal(parseTrustProxy('private').test('172.20.1.1'), true);
  assert.equal(parseTrustProxy('private').test('172.32.0.1'), false);
  assert.equal(parseTrustProxy(' loopback , 10.0.0.0/8 ').test('10.9.9.9'), true);
  for (const none of [false, '', 'none', 'off', [], null]) assert.equal(parseTrustProxy(none).none, true, JSON.stringify(none));
});

test('a bad trustProxy entry stops the server with the entry named; true (anyone) is refused', async () => {
  for (const bad of [true, 2, 'lokalhost', '10.0.0.0/33', '::1/129', '1.2.3', [''], [5]]) {
    assert.throws(() => parseTrustProxy(bad), /trustProxy/, JSON.stringify(bad));
  }
  await assert.rejects(startServer({ trustProxy: '10.0.0.0/40' }), /trustProxy: "10\.0\.0\.0\/40"/);
});

test('KEFU_TRUST_PROXY sets it; loopback is trusted by default', () => {
  assert.deepEqual(loadConfig({ configFile: false }, {}).trustProxy, ['loopback']);
  assert.equal(loadConfig({ configFile: false }, { KEFU_TRUST_PROXY: '10.0.0.5, fd00::/8' }).trustProxy, '10.0.0.5, fd00::/8');
  assert.equal(parseTrustProxy(loadConfig({ configFile: false }, { KEFU_TRUST_PROXY: 'none' }).trustProxy).none, true);
});

test('/api/config behind a trusted proxy announces the public https origin', async () => {
  const srv = await server();
  const peer = (headers) => getConfig(srv, headers).then((c) => where(c.peer));
  assert.deepEqual(await peer({ 'x-forwarded-proto': 'https', 'x-forwarded-host': 'kefu.example.com' }),
    { host: 'kefu.example.com', port: 443, path: '/peerjs', key: 'peerjs', secure: true });
  assert.deepEqual(await peer({ 'x-forwarded-proto': 'https', 'x-forwarded-host': 'kefu.example.com:8443' }),
    { host: 'kefu.example.com', port: 8443, path: '/peerjs', key: 'peerjs', secure: true });
  // Host passed through and the port in X-Forwarded-Port (a common proxy style).
  assert.deepEqual(await peer({ host: 'shop.example.com', 'x-forwarded-proto': 'https', 'x-forwarded-port': '4443' }),
    { host: 'shop.example.com', port: 4443, path: '/peerjs', key: 'peerjs', secure: true });
  assert.deepEqual(await peer({ host: 'shop.example.com', 'x-forwarded-proto': 'https' }),
    { host: 'shop.example.com', port: 443, path: '/peerjs', key: 'peerjs', secure: true });
  // Garbage in the forwarded headers is ignored, field by field.
  assert.deepEqual(await peer({ 'x-forwarded-proto': 'gopher', 'x-forwarded-host': 'a b/c', 'x-forwarded-port': '99999' }),
    { host: '127.0.0.1', port: srv.port, path: '/peerjs', key: 'peerjs', secure: false });
  // Without a proxy nothing changes.
  assert.deepEqual(await peer({}), { host: '127.0.0.1', port: srv.port, path: '/peerjs', key: 'peerjs', secure: false });
});

test('KEFU_PEER_* overrides win over the forwarded headers', async () => {
  const srv = await server({ peer: { host: 'peer.example.net', port: 9443, secure: false } });
  const r = await api(srv, 'GET', '/api/config', { headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'kefu.example.com' } });
  assert.deepEqual(where(r.json.peer), { host: 'peer.example.net', port: 9443, path: '/peerjs', key: 'peerjs', secure: false });
  const only = await server({ peer: { port: 5000 } });
  const r2 = await api(only, 'GET', '/api/config', { headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'kefu.example.com' } });
  assert.deepEqual(where(r2.json.peer), { host: 'kefu.example.com', port: 5000, path: '/peerjs', key: 'peerjs', secure: true });
});

test('forwarded headers from an untrusted address are ignored by /api/config', async () => {
  const srv = await server({ trustProxy: ['10.0.0.0/8'] });
  const r = await api(srv, 'GET', '/api/config', { headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example', 'x-forwarded-port': '443' } });
  assert.deepEqual(where(r.json.peer), { host: '127.0.0.1', port: srv.port, path: '/peerjs', key: 'peerjs', secure: false });
});

async function createVisitors(srv, n, xffOf) {
  const statuses = [];
  for (let i = 0; i < n; i++) statuses.push((await api(srv, 'POST', '/api/visitors', { body: {}, ...from(xffOf(i)) })).status);
  return statuses;
}

test('61 visitors behind a trusted proxy are not limited; one of them alone still is', async () => {
  const srv = await server();
  const distinct = await createVisitors(srv, 61, (i) => `198.51.100.${i + 1}`);
  assert.deepEqual([...new Set(distinct)], [201], 'every real client gets its own budget');
  // A client forging the left of X-Forwarded-For gains nothing: the proxy appends the real address.
  const one = await createVisitors(srv, 61, (i) => `203.0.113.${i + 1}, 192.0.2.50`);
  assert.equal(one.filter((s) => s === 201).length, 60);
  assert.equal(one[60], 429);
});

test('forged X-Forwarded-For from an untrusted address is ignored by the rate limit', async () => {
  const srv = await server({ trustProxy: 'none' });
  const statuses = await createVisitors(srv, 61, (i) => `198.51.100.${i + 1}`);
  assert.equal(statuses.filter((s) => s === 201).length, 60);
  assert.equal(statuses[60], 429);
});

test('trusted hops are skipped from the right; the first untrusted one is the client', async () => {
  const srv = await server({ trustProxy: ['loopback', '10.0.0.0/8'] });
  // client 192.0.2.9 -> proxy 10.0.0.2 -> proxy 10.0.0.1 -> us: all count as 192.0.2.9.
  const statuses = await createVisitors(srv, 61, (i) => `${i}.1.1.1, 192.0.2.9, 10.0.0.2, 10.0.0.1`);
  assert.equal(statuses.filter((s) => s === 201).length, 60);
  assert.equal(statuses[60], 429);
  // Another client behind the same two proxies is not affected.
  assert.equal((await createVisitors(srv, 1, () => '192.0.2.10, 10.0.0.2'))[0], 201);
});

test('failed logins behind a trusted proxy lock the guesser out, not the real agent', async () => {
  const srv = await server({ agentPass: 'a long own password' });
  const login = (password, xff) => api(srv, 'POST', '/api/agent/login', { body: { username: 'kefu1', password }, ...from(xff) });
  let limited = false;
  for (let i = 0; i < 12 && !limited; i++) limited = (await login('wrong', '203.0.113.66')).status === 429;
  assert.ok(limited, 'the guessing address is limited');
  const agent = await login('a long own password', '198.51.100.20');
  assert.equal(agent.status, 200, agent.text);
});

test('the development password signs in only from this machine, also behind a proxy', async () => {
  const srv = await server();
  const login = (headers) => api(srv, 'POST', '/api/agent/login', { body: { username: 'kefu1', password: 'kefu123' }, headers });
  const remote = await login({ 'x-forwarded-for': '198.51.100.20' });
  assert.equal(remote.status, 403);
  assert.match(remote.json.error.message, /KEFU_AGENT_PASS/);
  assert.equal((await login({ 'x-forwarded-for': '127.0.0.1' })).status, 200, 'a proxied client on this machine');
  assert.equal((await login({})).status, 200, 'a direct client on this machine');
});

test('a WebSocket upgrade through a trusted proxy counts under the real client', async () => {
  const srv = await server({ sockets: { perAddress: 2 } });
  const open = async (xff) => {
    const c = wsClient(srv, '/ws/visitor', { headers: { 'x-forwarded-for': xff } });
    try {
      await c.opened;
      return c;
    } catch {
      return null;
    }
  };
  const a = [await open('198.51.100.1'), await open('198.51.100.1')];
  assert.ok(a.every(Boolean), 'two sockets for one client');
  assert.equal(await open('198.51.100.1'), null, 'the third from the same client is refused');
  const b = await open('198.51.100.2');
  assert.ok(b, 'another client behind the same proxy still connects');
  for (const c of [...a, b]) c.close();
  const v = await newVisitor(srv);
  assert.ok(v.token);
});
