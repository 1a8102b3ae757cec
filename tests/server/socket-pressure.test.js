'use strict';
// At the process's open-files limit the server must still look alive: idle connections from many addresses
// (each under its per-address cap) fill every descriptor the server allows itself, and a newcomer's
// /api/config, agent login and chat still get answers, because an idle connection makes room for it.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { api, newVisitor, agentLogin, visitorSocket, sleep, rawConnect, serverWithFdLimit } = require('./helpers');

test('with every descriptor held by idle connections from many addresses, config, login and chat still answer', async () => {
  // 256 descriptors: the server keeps at most 192 connections; three addresses hold 100 idle ones each.
  const { srv, port, child } = await serverWithFdLimit(256);
  const sockets = [];
  try {
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
