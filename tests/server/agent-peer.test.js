'use strict';
// The console's standing PeerJS id: the agent `peer` frame and the `peer` field of the callpeer answer.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  api, newVisitor, visitorSocket, agentSocket, sleep, peerCredentials, agentPeers, serverWithAgent,
} = require('./helpers');

let srv;
let agentToken;
before(async () => ({ srv, agentToken } = await serverWithAgent({ ringTimeoutMs: 5000, leftGraceMs: 200, rate: { calls: 100 } })));
after(() => srv.close());

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

async function closeAll(...sockets) {
  for (const s of sockets) {
    s.close();
    await s.closed();
  }
  await sleep(50); // the server handles its side of the close
}

test('peer frame: bad values are bad_request and change nothing; a valid id is stored; null clears it', async () => {
  const P = await agentPeers(srv, agentToken, ['agentpeer1']);
  const v = await newVisitor(srv);
  const tab = await visitorSocket(srv, v.token);
  const agent = await agentSocket(srv, agentToken);

  for (const data of [{}, { peerId: 'bad id!' }, { peerId: '' }, { peerId: 42 }, { peerId: 'a'.repeat(101) }, { peerId: '-lead' }]) {
    agent.send('peer', data);
    const e = await agent.next('error');
    assert.equal(e.data.code, 'bad_request', JSON.stringify(data));
  }
  assert.equal((await ringOnce(v)).peer, undefined);

  agent.send('peer', { peerId: P['agentpeer1'] });
  await agent.settled();
  assert.equal(await agent.none('error', 100), true, 'a valid peer frame is not answered');
  const r = await ringOnce(v);
  assert.match(r.callId, /^c_/);
  assert.equal(r.peer, P['agentpeer1']);
  assert.equal(r.ok, true);
  // The ring frame to agents is unchanged: the visitor's peer id only.
  const ring = await agent.next('call', { where: (d) => d.callId === r.callId });
  assert.equal(ring.data.peerId, v.peerId);

  // A well-formed id the server never issued to this agent is refused and keeps the previous one.
  agent.send('peer', { peerId: `p${'x'.repeat(98)}q` });
  assert.equal((await agent.next('error')).data.code, 'forbidden');
  agent.send('peer', { peerId: 'not valid!' });
  assert.equal((await agent.next('error')).data.code, 'bad_request');
  assert.equal((await ringOnce(v)).peer, P['agentpeer1']);

  agent.send('peer', { peerId: null });
  await agent.settled();
  const cleared = await ringOnce(v);
  assert.equal('peer' in cleared, false);

  await closeAll(agent, tab);
});

test('callpeer has peer only when the online consoles advertise exactly one distinct id', async () => {
  const P = await agentPeers(srv, agentToken, ['consoleA', 'consoleB']);
  const v = await newVisitor(srv);
  const tab = await visitorSocket(srv, v.token);
  const a = await agentSocket(srv, agentToken);
  const b = await agentSocket(srv, agentToken);

  assert.equal('peer' in (await ringOnce(v)), false, 'no console advertises');

  a.send('peer', { peerId: P['consoleA'] });
  await a.settled();
  assert.equal((await ringOnce(v)).peer, P['consoleA'], 'one console advertises, the other does not');

  b.send('peer', { peerId: P['consoleB'] });
  await b.settled();
  assert.equal('peer' in (await ringOnce(v)), false, 'two distinct ids');

  // The same id on two sockets (a console whose old socket has not closed yet) is still one peer.
  b.send('peer', { peerId: P['consoleA'] });
  await b.settled();
  assert.equal((await ringOnce(v)).peer, P['consoleA']);

  b.send('peer', { peerId: P['consoleB'] });
  a.send('peer', { peerId: null });
  await a.settled();
  await b.settled();
  assert.equal((await ringOnce(v)).peer, P['consoleB'], 'the other one cleared its id');

  await closeAll(a, b, tab);
});

test('the standing id goes away with its socket; a new socket starts without one', async () => {
  const P = await agentPeers(srv, agentToken, ['standing1']);
  const v = await newVisitor(srv);
  const tab = await visitorSocket(srv, v.token);
  const quiet = await agentSocket(srv, agentToken); // keeps an agent online
  const first = await agentSocket(srv, agentToken);
  first.send('peer', { peerId: P['standing1'] });
  await first.settled();
  assert.equal((await ringOnce(v)).peer, P['standing1']);

  await closeAll(first);
  assert.equal('peer' in (await ringOnce(v)), false);

  // After a re-authentication the console sends its id again.
  const again = await agentSocket(srv, agentToken);
  assert.equal('peer' in (await ringOnce(v)), false);
  again.send('peer', { peerId: P['standing1'] });
  await again.settled();
  assert.equal((await ringOnce(v)).peer, P['standing1']);

  await closeAll(again, quiet, tab);
});

test('a visitor socket cannot advertise a peer', async () => {
  const v = await newVisitor(srv);
  const tab = await visitorSocket(srv, v.token);
  const agent = await agentSocket(srv, agentToken);
  tab.send('peer', { peerId: 'sneaky1' });
  await tab.settled();
  assert.equal('peer' in (await ringOnce(v)), false);
  await closeAll(agent, tab);
});

test('visitors learn the standing peer from hello and status, and only while exactly one is listening', async () => {
  const P = await agentPeers(srv, agentToken, ['standing1', 'standing2']);
  const v = await newVisitor(srv);
  const agent = await agentSocket(srv, agentToken);
  agent.send('peer', { peerId: P['standing1'] });
  await agent.settled();
  const tab = await visitorSocket(srv, v.token);
  assert.equal(tab.hello.kefu.peer, P['standing1']);

  const second = await agentSocket(srv, agentToken);
  second.send('peer', { peerId: P['standing2'] });
  assert.deepEqual((await tab.next('status', { where: (d) => d.peer === null })).data, { online: true, unavailable: null, peer: null });
  await closeAll(second);
  assert.deepEqual((await tab.next('status', { where: (d) => d.peer === P['standing1'] })).data, { online: true, unavailable: null, peer: P['standing1'] });
  agent.send('peer', { peerId: null });
  assert.deepEqual((await tab.next('status', { where: (d) => d.peer === null })).data, { online: true, unavailable: null, peer: null });
  await closeAll(tab, agent);
});

test('an agent cannot name a PeerJS id that is not its own: not a visitor\'s, not another agent\'s', async () => {
  const v = await newVisitor(srv);
  const tab = await visitorSocket(srv, v.token);
  const agent = await agentSocket(srv, agentToken);
  const visitorCred = await peerCredentials(srv, v.token);
  const other = await newVisitor(srv);
  const otherCred = await peerCredentials(srv, other.token);
  for (const id of [visitorCred.id, otherCred.id]) {
    agent.send('peer', { peerId: id });
    assert.equal((await agent.next('error')).data.code, 'forbidden');
  }
  assert.equal('peer' in (await ringOnce(v)), false, 'nothing was advertised');
  // accept: the same rule, and the call keeps ringing for a real answer.
  const r = await api(srv, 'POST', '/2/callKefu', { token: v.token, body: { action: 'callpeer', visitor_id: v.visitorId, peer_id: visitorCred.id } });
  await agent.next('call', { where: (d) => d.callId === r.json.callId });
  agent.send('accept', { visitorId: v.visitorId, callId: r.json.callId, peerId: visitorCred.id });
  assert.equal((await agent.next('error')).data.code, 'forbidden');
  assert.equal(await tab.none('accept', 150), true, 'the visitor was not told to call its own id');
  const own = await agentPeers(srv, agentToken, ['mine']);
  agent.send('accept', { visitorId: v.visitorId, callId: r.json.callId, peerId: own.mine });
  assert.equal((await tab.next('accept')).data, own.mine);
  await api(srv, 'POST', '/2/callKefu', { token: v.token, body: { action: 'hangup', call_id: r.json.callId } });
  await closeAll(agent, tab);
});
