'use strict';
// The console's standing PeerJS id: the agent `peer` frame and the `peer` field of the callpeer answer.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, newVisitor, agentLogin, visitorSocket, agentSocket, sleep, peerCredentials } = require('./helpers');

let srv;
let agentToken;
before(async () => {
  srv = await startServer({ ringTimeoutMs: 5000, leftGraceMs: 200, rate: { calls: 100 } });
  agentToken = await agentLogin(srv);
});
after(async () => {
  await srv.close();
});

const callKefu = (v, body) => api(srv, 'POST', '/2/callKefu', { token: v.token, body });

// Rings once and cancels at once, returning the callpeer answer.
async function ringOnce(v) {
  v.peerId = (await peerCredentials(srv, v.token)).id; // calls are bound to a PeerJS id issued to the visitor
  const r = await callKefu(v, { action: 'callpeer', kefu_id: 'kefu1', visitor_id: v.visitorId, peer_id: v.peerId });
  assert.equal(r.status, 200, r.text);
  const c = await callKefu(v, { action: 'cancel', call_id: r.json.callId });
  assert.equal(c.status, 200, c.text);
  return r.json;
}

// A frame has been handled once a later ping is answered (frames are handled in order).
async function settled(agent) {
  agent.send('ping', {});
  await agent.next('pong');
}

async function closeAll(...sockets) {
  for (const s of sockets) {
    s.close();
    await s.closed();
  }
  await sleep(50); // the server handles its side of the close
}

test('peer frame: bad values are bad_request and change nothing; a valid id is stored; null clears it', async () => {
  const v = await newVisitor(srv);
  const tab = await visitorSocket(srv, v.token);
  const agent = await agentSocket(srv, agentToken);

  for (const data of [{}, { peerId: 'bad id!' }, { peerId: '' }, { peerId: 42 }, { peerId: 'a'.repeat(101) }, { peerId: '-lead' }]) {
    agent.send('peer', data);
    const e = await agent.next('error');
    assert.equal(e.data.code, 'bad_request', JSON.stringify(data));
  }
  assert.equal((await ringOnce(v)).peer, undefined);

  agent.send('peer', { peerId: 'agentpeer1' });
  await settled(agent);
  assert.equal(await agent.none('error', 100), true, 'a valid peer frame is not answered');
  const r = await ringOnce(v);
  assert.match(r.callId, /^c_/);
  assert.equal(r.peer, 'agentpeer1');
  assert.equal(r.ok, true);
  // The ring frame to agents is unchanged: the visitor's peer id only.
  const ring = await agent.next('call', { where: (d) => d.callId === r.callId });
  assert.equal(ring.data.peerId, v.peerId);

  // The longest valid id (100 characters) replaces the previous one; a bad value keeps it.
  const long = `p${'x'.repeat(98)}q`;
  agent.send('peer', { peerId: long });
  agent.send('peer', { peerId: 'not valid!' });
  assert.equal((await agent.next('error')).data.code, 'bad_request');
  assert.equal((await ringOnce(v)).peer, long);

  agent.send('peer', { peerId: null });
  await settled(agent);
  const cleared = await ringOnce(v);
  assert.equal('peer' in cleared, false);

  await closeAll(agent, tab);
});

test('callpeer has peer only when the online consoles advertise exactly one distinct id', async () => {
  const v = await newVisitor(srv);
  const tab = await visitorSocket(srv, v.token);
  const a = await agentSocket(srv, agentToken);
  const b = await agentSocket(srv, agentToken);

  assert.equal('peer' in (await ringOnce(v)), false, 'no console advertises');

  a.send('peer', { peerId: 'consoleA' });
  await settled(a);
  assert.equal((await ringOnce(v)).peer, 'consoleA', 'one console advertises, the other does not');

  b.send('peer', { peerId: 'consoleB' });
  await settled(b);
  assert.equal('peer' in (await ringOnce(v)), false, 'two distinct ids');

  // The same id on two sockets (a console whose old socket has not closed yet) is still one peer.
  b.send('peer', { peerId: 'consoleA' });
  await settled(b);
  assert.equal((await ringOnce(v)).peer, 'consoleA');

  b.send('peer', { peerId: 'consoleB' });
  a.send('peer', { peerId: null });
  await settled(a);
  await settled(b);
  assert.equal((await ringOnce(v)).peer, 'consoleB', 'the other one cleared its id');

  await closeAll(a, b, tab);
});

test('the standing id goes away with its socket; a new socket starts without one', async () => {
  const v = await newVisitor(srv);
  const tab = await visitorSocket(srv, v.token);
  const quiet = await agentSocket(srv, agentToken); // keeps an agent online
  const first = await agentSocket(srv, agentToken);
  first.send('peer', { peerId: 'standing1' });
  await settled(first);
  assert.equal((await ringOnce(v)).peer, 'standing1');

  await closeAll(first);
  assert.equal('peer' in (await ringOnce(v)), false);

  // After a re-authentication the console sends its id again.
  const again = await agentSocket(srv, agentToken);
  assert.equal('peer' in (await ringOnce(v)), false);
  again.send('peer', { peerId: 'standing1' });
  await settled(again);
  assert.equal((await ringOnce(v)).peer, 'standing1');

  await closeAll(again, quiet, tab);
});

test('a visitor socket cannot advertise a peer', async () => {
  const v = await newVisitor(srv);
  const tab = await visitorSocket(srv, v.token);
  const agent = await agentSocket(srv, agentToken);
  tab.send('peer', { peerId: 'sneaky1' });
  tab.send('ping', {});
  await tab.next('pong');
  assert.equal('peer' in (await ringOnce(v)), false);
  await closeAll(agent, tab);
});

test('visitors learn the standing peer from hello and status, and only while exactly one is listening', async () => {
  const v = await newVisitor(srv);
  const agent = await agentSocket(srv, agentToken);
  agent.send('peer', { peerId: 'standing1' });
  await settled(agent);
  const tab = await visitorSocket(srv, v.token);
  assert.equal(tab.hello.kefu.peer, 'standing1');

  const second = await agentSocket(srv, agentToken);
  second.send('peer', { peerId: 'standing2' });
  assert.deepEqual((await tab.next('status', { where: (d) => d.peer === null })).data, { online: true, unavailable: null, peer: null });
  await closeAll(second);
  assert.deepEqual((await tab.next('status', { where: (d) => d.peer === 'standing1' })).data, { online: true, unavailable: null, peer: 'standing1' });
  agent.send('peer', { peerId: null });
  assert.deepEqual((await tab.next('status', { where: (d) => d.peer === null })).data, { online: true, unavailable: null, peer: null });
  await closeAll(tab, agent);
});
