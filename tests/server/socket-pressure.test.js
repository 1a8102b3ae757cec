'use strict';
// At the process's open-files limit the server must still look alive: idle connections from many addresses
// (each under its per-address cap) fill every descriptor the server allows itself, and a newcomer's
// /api/config, agent login and chat still get answers, because an idle connection makes room for it.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { api, newVisitor, agentLogin, visitorSocket, tempDir, sleep } = require('./helpers');

const SERVER = path.join(__dirname, '../../shell/server.js');

function rawConnect(port, localAddress) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1', localAddress });
    s.on('error', () => {});
    s.once('connect', () => resolve(s));
    s.once('close', () => resolve(s));
  });
}

test('with every descriptor held by idle connections from many addresses, config, login and chat still answer', async () => {
  const port = await new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
  // 256 descriptors: the server keeps at most 192 connections; three addresses hold 100 idle ones each.
  const child = spawn('bash', ['-c', `ulimit -n 256 && exec "${process.execPath}" "${SERVER}" --port ${port} --data "${tempDir()}" --quiet`], {
    env: { ...process.env, KEFU_TRUST_PROXY: 'none' }, stdio: 'ignore',
  });
  const srv = { url: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}` };
  const sockets = [];
  try {
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(`${srv.url}/api/config`)).ok) break;
      } catch {
        await sleep(100);
      }
    }
    for (const from of ['127.0.0.7', '127.0.0.8', '127.0.0.9'])
      for (let i = 0; i < 100; i++) sockets.push(await rawConnect(port, from));
    await sleep(300);
    const config = await api(srv, 'GET', '/api/config');
    assert.equal(config.status, 200, '/api/config is answered');
    const token = await agentLogin(srv);
    assert.ok(token, 'an agent can log in');
    const v = await newVisitor(srv);
    const tab = await visitorSocket(srv, v.token);
    tab.send('message', { id: 'x', text: 'hello' });
    assert.equal((await tab.next('ack')).data.id, 'x');
    tab.close();
  } finally {
    for (const s of sockets) s.destroy();
    child.kill();
  }
});
