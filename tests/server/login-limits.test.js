'use strict';
// Password guessing is limited per account as well as per address, without locking the real agent
// out; the agent endpoints answer no cross-origin reads.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { startServer, api, sleep } = require('./helpers');

// A login attempt from a chosen loopback source address (Linux routes all of 127/8 to lo).
function loginFrom(srv, localAddress, username, password) {
  const body = JSON.stringify({ username, password });
  return new Promise((resolve, reject) => {
    const req = http.request(`${srv.url}/api/agent/login`, {
      method: 'POST', localAddress, agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('50 guesses from 5 addresses are throttled per account; the real agent still gets in', async () => {
  const srv = await startServer({ rate: { loginMaxDelayMs: 1500 } });
  try {
    const statuses = [];
    for (let i = 0; i < 50; i++) {
      const from = `127.0.0.${2 + (i % 5)}`;
      statuses.push((await loginFrom(srv, from, 'kefu1', `guess-${i}`)).status);
    }
    const tried = statuses.filter((s) => s === 401).length;
    assert.ok(tried <= 12, `only a few guesses reach the password check (got ${tried} of 50)`);
    assert.ok(statuses.filter((s) => s === 429).length >= 38);
    // The checks below need the account's latest failure to be recent, whatever the loop's pace was: one
    // more guess from .2 once its delay has run out (at most 1.5 s) starts a fresh 1.5 s hold.
    while ((await loginFrom(srv, '127.0.0.2', 'kefu1', 'a-later-guess')).status !== 401) await sleep(100);
    const held = await loginFrom(srv, '127.0.0.2', 'kefu1', 'another-guess');
    assert.equal(held.status, 429);
    assert.equal(held.json.error.code, 'rate_limited');
    assert.ok(Number(held.headers['retry-after']) >= 1, 'Retry-After says how long');

    // The right password from an address that did not guess works at once...
    assert.equal((await loginFrom(srv, '127.0.0.9', 'kefu1', 'kefu123')).status, 200);
    // ...and from a guessing address after the short delay.
    assert.equal((await loginFrom(srv, '127.0.0.3', 'kefu1', 'kefu123')).status, 429);
    await sleep(1600);
    assert.equal((await loginFrom(srv, '127.0.0.3', 'kefu1', 'kefu123')).status, 200);
  } finally {
    await srv.close();
  }
});

test('one address is still limited to 10 failed logins a minute, over any accounts', async () => {
  const srv = await startServer();
  try {
    const statuses = [];
    for (let i = 0; i < 12; i++) statuses.push((await loginFrom(srv, '127.0.0.20', `user${i}`, 'x')).status);
    assert.deepEqual(statuses, [...Array(10).fill(401), 429, 429]);
    assert.equal((await loginFrom(srv, '127.0.0.21', 'kefu1', 'kefu123')).status, 200);
  } finally {
    await srv.close();
  }
});

test('agent endpoints do not answer cross-origin reads; the visitor API does', async () => {
  const srv = await startServer();
  try {
    const origin = { origin: 'https://evil.example' };
    const login = await api(srv, 'POST', '/api/agent/login', { body: { username: 'kefu1', password: 'kefu123' }, headers: origin });
    assert.equal(login.status, 200);
    assert.equal(login.headers.get('access-control-allow-origin'), null);
    const me = await api(srv, 'GET', '/api/agent/me', { token: login.json.token, headers: origin });
    assert.equal(me.headers.get('access-control-allow-origin'), null);
    for (const p of ['/api/agent/visitors', '/api/agent/me', '/api/agent/login']) {
      const pre = await api(srv, 'OPTIONS', p, {
        headers: { ...origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
      assert.equal(pre.headers.get('access-control-allow-origin'), null, `${p} preflight`);
      assert.equal(pre.headers.get('access-control-allow-headers'), null, `${p} preflight`);
    }
    const visitorPre = await api(srv, 'OPTIONS', '/api/messages', { headers: { ...origin, 'access-control-request-method': 'POST' } });
    assert.equal(visitorPre.headers.get('access-control-allow-origin'), '*');
    assert.match(visitorPre.headers.get('access-control-allow-methods'), /DELETE/);
    const cfg = await api(srv, 'GET', '/api/config', { headers: origin });
    assert.equal(cfg.headers.get('access-control-allow-origin'), '*');
  } finally {
    await srv.close();
  }
});
