'use strict';
// Sessions that can be ended: agent tokens expire, logout and password changes close open sockets,
// the development account cannot face a network, and a renamed account leaves no old login behind.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, newVisitor, agentLogin, agentSocket, visitorSocket, wsClient, tempDir, sleep } = require('./helpers');

// Collects the 'revoke' events the server announces (the PeerJS gate closes its sockets on them).
function revokes(srv) {
  const seen = [];
  srv.events.on('revoke', (e) => seen.push(e));
  return seen;
}

test('logout closes that token\'s open sockets at once: no more visitor messages, no replies', async () => {
  const srv = await startServer();
  try {
    const seen = revokes(srv);
    const token = await agentLogin(srv);
    const other = await agentLogin(srv);
    const console1 = await agentSocket(srv, token);
    const console2 = await agentSocket(srv, other);
    const v = await newVisitor(srv);
    const tab = await visitorSocket(srv, v.token);

    const out = await api(srv, 'POST', '/api/agent/logout', { token });
    assert.equal(out.status, 200);
    assert.equal((await console1.closed(1000)).code, 4001, 'the socket opened before logout is closed');
    assert.equal(seen.length, 1);
    assert.equal(seen[0].agentId, 'kefu1');
    assert.match(seen[0].tokenHash, /^[0-9a-f]{64}$/);

    tab.send('message', { id: 'after-logout', text: 'still there?' });
    await console2.next('message', { where: (m) => m.id === 'after-logout' });
    assert.equal(console1.frames.some((f) => f.type === 'message'), false, 'the logged-out socket got nothing');
    assert.equal((await api(srv, 'GET', '/api/agent/me', { token })).status, 401);
    assert.equal((await api(srv, 'GET', '/api/agent/me', { token: other })).status, 200, 'other sessions go on');
    const again = wsClient(srv, '/ws/agent');
    await again.opened;
    again.send('auth', { token });
    assert.equal((await again.closed()).code, 4001);
  } finally {
    await srv.close();
  }
});

test('an agent token expires after its idle lifetime; an open console keeps it in use', async () => {
  const srv = await startServer({ agentTokenIdleMs: 600, pingIntervalMs: 150 });
  try {
    const idle = await agentLogin(srv);
    const used = await agentLogin(srv);
    const sock = await agentSocket(srv, used);
    await sleep(1000);
    assert.equal((await api(srv, 'GET', '/api/agent/me', { token: idle })).status, 401, 'idle token refused over HTTP');
    const late = wsClient(srv, '/ws/agent');
    await late.opened;
    late.send('auth', { token: idle });
    assert.equal((await late.closed()).code, 4001, 'and on the socket');
    assert.equal(sock.ws.readyState, 1, 'the open console kept its token alive');
    assert.equal((await api(srv, 'GET', '/api/agent/me', { token: used })).status, 200);
    sock.close();
  } finally {
    await srv.close();
  }
});

test('an agent token ends at its absolute lifetime, and its open socket is closed', async () => {
  const srv = await startServer({ agentTokenMaxMs: 800, pingIntervalMs: 100 });
  try {
    const seen = revokes(srv);
    const token = await agentLogin(srv);
    const sock = await agentSocket(srv, token);
    assert.equal((await api(srv, 'GET', '/api/agent/me', { token })).status, 200);
    assert.equal((await sock.closed(3000)).code, 4001, 'closed although it was in use');
    assert.equal((await api(srv, 'GET', '/api/agent/me', { token })).status, 401);
    assert.equal(seen.filter((e) => e.agentId === 'kefu1').length, 1, 'announced once');
    assert.ok(srv.config.agentTokenIdleMs >= 3600000, 'default idle lifetime is hours');
  } finally {
    await srv.close();
  }
});

test('a password change or a removed account revokes every token and socket it had', async () => {
  const srv = await startServer();
  try {
    const seen = revokes(srv);
    const t1 = await agentLogin(srv);
    const t2 = await agentLogin(srv);
    const s1 = await agentSocket(srv, t1);
    const s2 = await agentSocket(srv, t2);
    assert.equal(srv.auth.setPassword('kefu1', 'a-new-long-password'), true);
    assert.equal((await s1.closed()).code, 4001);
    assert.equal((await s2.closed()).code, 4001);
    assert.equal(seen.length, 2);
    for (const t of [t1, t2]) assert.equal((await api(srv, 'GET', '/api/agent/me', { token: t })).status, 401);
    assert.equal((await api(srv, 'POST', '/api/agent/login', { body: { username: 'kefu1', password: 'kefu123' } })).status, 401);

    const t3 = await agentLogin(srv, 'kefu1', 'a-new-long-password');
    const s3 = await agentSocket(srv, t3);
    assert.equal(srv.auth.removeAgent('kefu1'), true);
    assert.equal((await s3.closed()).code, 4001);
    assert.equal((await api(srv, 'GET', '/api/agent/me', { token: t3 })).status, 401);
    assert.equal((await api(srv, 'POST', '/api/agent/login', { body: { username: 'kefu1', password: 'a-new-long-password' } })).status, 401);
  } finally {
    await srv.close();
  }
});

test('a new password in the settings ends the sessions of the old one at start', async () => {
  const dataDir = tempDir();
  let srv = await startServer({ dataDir });
  const old = await agentLogin(srv);
  await srv.close();
  srv = await startServer({ dataDir, port: 0, agentPass: 'changed-password-1' });
  try {
    assert.equal((await api(srv, 'GET', '/api/agent/me', { token: old })).status, 401);
    await agentLogin(srv, 'kefu1', 'changed-password-1');
  } finally {
    await srv.close();
  }
});

test('renaming the development account leaves no working kefu1/kefu123 login behind', async () => {
  const dataDir = tempDir();
  let srv = await startServer({ dataDir });
  const old = await agentLogin(srv);
  await srv.close();
  srv = await startServer({ dataDir, agentUser: 'alice', agentPass: 'alice-password-9' });
  try {
    const r = await api(srv, 'POST', '/api/agent/login', { body: { username: 'kefu1', password: 'kefu123' } });
    assert.equal(r.status, 401, 'the old account is gone');
    assert.equal((await api(srv, 'GET', '/api/agent/me', { token: old })).status, 401, 'and its tokens with it');
    const t = await agentLogin(srv, 'alice', 'alice-password-9');
    assert.equal((await api(srv, 'GET', '/api/agent/me', { token: t })).json.agent.id, 'alice');
  } finally {
    await srv.close();
  }
});

test('with the development password the server listens on loopback only, with a clear message', async () => {
  await assert.rejects(startServer({ host: '0.0.0.0' }), (e) => {
    assert.match(e.message, /refusing to listen on 0\.0\.0\.0/);
    assert.match(e.message, /development password/);
    assert.match(e.message, /KEFU_AGENT_PASS/);
    return true;
  });
  await assert.rejects(startServer({ host: '::' }), /refusing to listen/);
  const own = await startServer({ host: '0.0.0.0', agentPass: 'not-the-default-1' });
  await own.close();
  const local = await startServer({ host: '127.0.0.1' });
  await local.close();
});
