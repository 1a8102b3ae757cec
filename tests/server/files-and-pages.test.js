'use strict';
// The data folder is private to the server's user; error pages name no server path; the pages'
// CSP lets sockets reach only this server and the PeerJS server the settings name.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const http = require('http');
const path = require('path');
const { startServer, api, newVisitor, tempDir } = require('./helpers');

const mode = (p) => fs.statSync(p).mode & 0o777;

test('the data folder is 0700 and kefu.db, -wal and -shm are 0600, also for an older folder', async () => {
  const dataDir = path.join(tempDir(), 'data');
  const srv = await startServer({ dataDir });
  try {
    const v = await newVisitor(srv);
    await api(srv, 'POST', '/api/messages', { token: v.token, body: { id: 'm', text: 'x' } });
    assert.equal(mode(dataDir).toString(8), '700');
    for (const f of ['kefu.db', 'kefu.db-wal', 'kefu.db-shm']) {
      assert.equal(mode(path.join(dataDir, f)).toString(8), '600', f);
    }
  } finally {
    await srv.close();
  }
  // A folder left readable by an older version is fixed at start.
  fs.chmodSync(dataDir, 0o755);
  fs.chmodSync(path.join(dataDir, 'kefu.db'), 0o644);
  const again = await startServer({ dataDir });
  try {
    assert.equal(mode(dataDir).toString(8), '700');
    for (const f of ['kefu.db', 'kefu.db-wal', 'kefu.db-shm']) {
      if (fs.existsSync(path.join(dataDir, f))) assert.equal(mode(path.join(dataDir, f)).toString(8), '600', f);
    }
  } finally {
    await again.close();
  }
});

test('the widget 404 pages do not reveal the server\'s filesystem paths', async () => {
  const dist = tempDir();
  fs.writeFileSync(path.join(dist, 'kefu.js'), '/* loader */');
  for (const distDir of [dist, path.join(dist, 'missing')]) {
    const srv = await startServer({ distDir });
    try {
      for (const p of ['/kefu-nothing.js', '/kefu.css']) {
        const r = await api(srv, 'GET', p);
        assert.equal(r.status, 404);
        assert.ok(!r.text.includes(dist), `${p}: ${r.text}`);
        assert.ok(!r.text.includes(path.sep + 'tmp') && !r.text.includes(process.cwd()), r.text);
      }
      const other = await api(srv, 'GET', '/no/such/page');
      assert.ok(!other.text.includes(dist));
    } finally {
      await srv.close();
    }
  }
});

test('the pages\' CSP names exact socket hosts: this server and the configured PeerJS server only', async () => {
  const srv = await startServer({ peer: { host: 'peer.example.org', port: 9443, secure: true } });
  try {
    // fetch() cannot set Host; the browser of a visitor on the real site sends the site's name.
    const csp = (host) => new Promise((resolve, reject) => {
      http.get(`${srv.url}/try.html`, { headers: { host } }, (res) => {
        res.resume();
        resolve(res.headers['content-security-policy']);
      }).on('error', reject);
    });
    const connect = (policy) => /connect-src ([^;]*)/.exec(policy)[1].split(' ');
    const real = connect(await csp('shop.example.com'));
    assert.ok(!real.includes('ws:') && !real.includes('wss:'), `no scheme-wide ws: (${real})`);
    assert.ok(real.includes('ws://shop.example.com') && real.includes('wss://shop.example.com'));
    assert.ok(real.includes('https://peer.example.org:9443') && real.includes('wss://peer.example.org:9443'));
    assert.ok(!real.some((s) => s.includes('*')), 'no wildcard off loopback');
    const local = connect(await csp(`127.0.0.1:${srv.port}`));
    assert.ok(local.includes('ws://127.0.0.1:*'), 'a developer\'s machine may try other local PeerJS servers');
    const junk = connect(await csp('evil.example; script-src *'));
    assert.deepEqual(junk.filter((s) => s.includes('evil')), [], 'a malformed Host is never echoed');
  } finally {
    await srv.close();
  }
});
