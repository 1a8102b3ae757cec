'use strict';
// Caps on chat sockets per identity and per address, TCP connections per address, slow requests timed
// out: one client cannot use up the descriptors every other client needs.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { WebSocket, startServer, api, newVisitor, agentLogin, visitorSocket, agentSocket, wsClient, sleep, rawConnect, serverWithFdLimit } = require('./helpers');

// Opens a WebSocket from a chosen loopback source address; resolves with 'open' or the HTTP status.
function tryUpgrade(url, localAddress) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { localAddress });
    ws.on('open', () => resolve({ result: 'open', ws }));
    ws.on('unexpected-response', (req, res) => resolve({ result: res.statusCode }));
    ws.on('error', (e) => resolve({ result: e.code || 'error' }));
  });
}

const closedWithin = (socket, ms) => new Promise((resolve) => {
  if (socket.destroyed) return resolve(true);
  const t = setTimeout(() => resolve(false), ms);
  socket.once('close', () => {
    clearTimeout(t);
    resolve(true);
  });
});

test('one visitor token holds at most 10 chat sockets, one agent 20; the next is closed with 4029', async () => {
  const srv = await startServer();
  try {
    const v = await newVisitor(srv);
    const tabs = [];
    for (let i = 0; i < 10; i++) tabs.push(await visitorSocket(srv, v.token));
    const extra = wsClient(srv, '/ws/visitor');
    await extra.opened;
    extra.send('auth', { token: v.token });
    assert.equal((await extra.closed()).code, 4029);
    tabs[0].close();
    await tabs[0].closed();
    await sleep(50);
    const replacement = await visitorSocket(srv, v.token);
    assert.equal(replacement.hello.visitorId, v.visitorId, 'a freed place can be taken again');

    const token = await agentLogin(srv);
    const consoles = [];
    for (let i = 0; i < 20; i++) consoles.push(await agentSocket(srv, token));
    const over = wsClient(srv, '/ws/agent');
    await over.opened;
    over.send('auth', { token });
    assert.equal((await over.closed()).code, 4029);
    for (const c of [...tabs, replacement, ...consoles]) c.close();
  } finally {
    await srv.close();
  }
});

test('one address holds at most 50 chat sockets, authenticated or not; other addresses still connect', async () => {
  const srv = await startServer({ authTimeoutMs: 60000 });
  try {
    const open = [];
    for (let i = 0; i < 50; i++) {
      const r = await tryUpgrade(`${srv.wsUrl}/ws/visitor`, '127.0.0.2');
      assert.equal(r.result, 'open', `socket ${i}`);
      open.push(r.ws);
    }
    assert.equal((await tryUpgrade(`${srv.wsUrl}/ws/visitor`, '127.0.0.2')).result, 429);
    assert.equal((await tryUpgrade(`${srv.wsUrl}/ws/agent`, '127.0.0.2')).result, 429);
    const other = await tryUpgrade(`${srv.wsUrl}/ws/visitor`, '127.0.0.3');
    assert.equal(other.result, 'open');
    other.ws.close();
    open[0].close();
    let again;
    for (let i = 0; i < 30; i++) { // the server frees the place once it saw the socket close
      again = await tryUpgrade(`${srv.wsUrl}/ws/visitor`, '127.0.0.2');
      if (again.result === 'open') break;
      await sleep(100);
    }
    assert.equal(again.result, 'open', 'a closed socket frees its place');
    for (const ws of [...open, again.ws]) ws.close();
  } finally {
    await srv.close();
  }
});

test('TCP connections per address are capped at the server; other clients are served', async () => {
  const srv = await startServer({ trustProxy: 'none', http: { connectionsPerAddress: 20 } });
  try {
    const held = [];
    for (let i = 0; i < 20; i++) held.push(await rawConnect(srv.port, '127.0.0.4'));
    await sleep(100);
    assert.ok(held.every((s) => !s.destroyed), 'the first 20 stay open');
    const extra = await rawConnect(srv.port, '127.0.0.4');
    assert.equal(await closedWithin(extra, 1000), true, 'the 21st is closed at once');
    const r = await api(srv, 'GET', '/api/config');
    assert.equal(r.status, 200, 'another address is served');
    for (const s of held) s.destroy();
  } finally {
    await srv.close();
  }
});

test('slow requests time out: trickled headers and silent connections are closed', async () => {
  const srv = await startServer({ http: { headersTimeoutMs: 600, requestTimeoutMs: 1500, idleTimeoutMs: 3000 } });
  try {
    const trickle = await rawConnect(srv.port);
    trickle.write('GET / HTTP/1.1\r\nHost: x\r\n');
    const timer = setInterval(() => trickle.writable && trickle.write(`X-Slow-${Date.now()}: 1\r\n`), 150);
    const silent = await rawConnect(srv.port);
    const t0 = Date.now();
    const [a, b] = await Promise.all([closedWithin(trickle, 3000), closedWithin(silent, 3000)]);
    clearInterval(timer);
    assert.equal(a, true, 'trickled headers are cut off');
    assert.equal(b, true, 'a connection that sends nothing is closed');
    assert.ok(Date.now() - t0 < 3000);
    // A chat socket outlives those timeouts (it has its own keep-alive).
    const v = await newVisitor(srv);
    const tab = await visitorSocket(srv, v.token);
    await sleep(3500);
    tab.send('message', { id: 'late', text: 'still here' });
    assert.equal((await tab.next('ack')).data.id, 'late');
    tab.close();
  } finally {
    await srv.close();
  }
});

// The finding itself: a process with 256 descriptors, one address opening 300 connections.
test('300 connections from one address do not exhaust a 256-descriptor server for everyone else', async () => {
  const { srv, port, child } = await serverWithFdLimit(256);
  try {
    const flood = [];
    for (let i = 0; i < 300; i++) flood.push(rawConnect(port, '127.0.0.7'));
    const sockets = await Promise.all(flood);
    await sleep(300);
    const r = await api(srv, 'GET', '/api/config');
    assert.equal(r.status, 200, 'another client is still served');
    const v = await newVisitor(srv);
    const tab = await visitorSocket(srv, v.token);
    tab.send('message', { id: 'x', text: 'hello' });
    assert.equal((await tab.next('ack')).data.id, 'x');
    tab.close();
    assert.ok(sockets.filter((s) => !s.destroyed).length <= 128, 'the flooding address keeps at most its cap');
    for (const s of sockets) s.destroy();
  } finally {
    child.kill();
  }
});
