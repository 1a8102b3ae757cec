'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { api, newVisitor, wsClient, visitorSocket, agentSocket, serverWithAgent, serverEvent } = require('./helpers');

let srv;
let agentToken;
before(async () => ({ srv, agentToken } = await serverWithAgent({ authTimeoutMs: 300 })));
after(() => srv.close());

test('a socket that does not authenticate in time is closed with 4001', async () => {
  const c = wsClient(srv, '/ws/visitor');
  await c.opened;
  const info = await c.closed();
  assert.equal(info.code, 4001);
});

test('a bad token or a first frame that is not auth closes with 4001', async () => {
  const bad = wsClient(srv, '/ws/visitor');
  await bad.opened;
  bad.send('auth', { token: 'not-a-token' });
  assert.equal((await bad.closed()).code, 4001);

  const agentWithVisitorToken = wsClient(srv, '/ws/agent');
  await agentWithVisitorToken.opened;
  const v = await newVisitor(srv);
  agentWithVisitorToken.send('auth', { token: v.token });
  assert.equal((await agentWithVisitorToken.closed()).code, 4001);

  const noAuth = wsClient(srv, '/ws/visitor');
  await noAuth.opened;
  noAuth.send('message', { id: 'x', text: 'hi' });
  assert.equal((await noAuth.closed()).code, 4001);
});

test('unknown socket paths are refused', async () => {
  const c = wsClient(srv, '/ws/other');
  await assert.rejects(c.opened);
});

test('visitor hello carries identity, agent presence and the last seq', async () => {
  const v = await newVisitor(srv);
  const r = await api(srv, 'POST', '/api/messages', { token: v.token, body: { id: 'h1', text: 'before socket' } });
  const c = await visitorSocket(srv, v.token);
  assert.equal(c.hello.visitorId, v.visitorId);
  assert.deepEqual(c.hello.kefu, { id: 'kefu1', name: '小美', online: false, unavailable: 'nobody', peer: null, group: 'default' });
  assert.equal(c.hello.lastSeq, r.json.seq);
  c.close();
});

test('an oversize frame closes the socket with 1009', async () => {
  const v = await newVisitor(srv);
  const c = await visitorSocket(srv, v.token);
  c.send('message', { id: 'big', text: 'x'.repeat(17 * 1024) });
  assert.equal((await c.closed()).code, 1009);
});

test('malformed frames get an error frame and the socket stays usable', async () => {
  const v = await newVisitor(srv);
  const c = await visitorSocket(srv, v.token);
  c.sendRaw('{not json');
  assert.equal((await c.next('error')).data.code, 'bad_request');
  c.sendRaw('{"data":{}}');
  assert.equal((await c.next('error')).data.code, 'bad_request');
  c.sendRaw('[1,2,3]');
  assert.equal((await c.next('error')).data.code, 'bad_request');
  c.send('some_future_type', { x: 1 }); // ignored silently
  c.send('message', { id: 'long', text: 'y'.repeat(2001) });
  const e = await c.next('error');
  assert.deepEqual(e.data, { code: 'too_long', message: e.data.message, id: 'long' });
  await c.settled();
  c.send('message', { id: 'after', text: 'still works' });
  const ack = await c.next('ack');
  assert.equal(ack.data.id, 'after');
  assert.equal(await c.none('error', 100), true, 'unknown types produce no error');
  c.close();
});

test('visitor message reaches the agent, the reply reaches every visitor tab', async () => {
  const v = await newVisitor(srv, 'Tab Visitor');
  const agent = await agentSocket(srv, agentToken);
  const tab1 = await visitorSocket(srv, v.token);
  const tab2 = await visitorSocket(srv, v.token);
  assert.equal(tab1.hello.kefu.online, true);

  tab1.send('message', { id: 'c1', text: '请问发货时间？' });
  const ack = (await tab1.next('ack')).data;
  assert.equal(ack.id, 'c1');
  const atAgent = (await agent.next('message', { where: (d) => d.visitorId === v.visitorId })).data;
  assert.deepEqual(atAgent, { id: 'c1', seq: ack.seq, from: 'visitor', text: '请问发货时间？', time: ack.time, kind: 'text', visitorId: v.visitorId });
  const otherTab = (await tab2.next('message')).data;
  assert.equal(otherTab.seq, ack.seq);
  assert.equal(await tab1.none('message', 100), true, 'the sending tab gets an ack, not an echo');
  const summary = (await agent.next('visitor', { where: (d) => d.id === v.visitorId && d.unread === 1 })).data;
  assert.equal(summary.lastMessage.text, '请问发货时间？');
  assert.equal(summary.online, true);

  // Resending the same id: same ack, nothing new fanned out.
  tab1.send('message', { id: 'c1', text: '请问发货时间？' });
  assert.deepEqual((await tab1.next('ack')).data, ack);
  assert.equal(await agent.none('message', 150), true);

  agent.send('message', { visitorId: v.visitorId, id: 'r1', text: '今天下单，明天发货。' });
  const agentAck = (await agent.next('ack')).data;
  assert.equal(agentAck.visitorId, v.visitorId);
  assert.ok(agentAck.seq > ack.seq);
  for (const tab of [tab1, tab2]) {
    const m = (await tab.next('message', { where: (d) => d.id === 'r1' })).data;
    assert.equal(m.from, 'agent');
    assert.equal(m.agent, '小美');
    assert.equal(m.text, '今天下单，明天发货。');
  }
  // Replying marks the conversation read for agents, and the visitor is told.
  const read = (await tab1.next('read')).data;
  assert.deepEqual(read, { by: 'agent', seq: agentAck.seq });
  const list = await api(srv, 'GET', '/api/agent/visitors', { token: agentToken });
  assert.equal(list.json.visitors.find((s) => s.id === v.visitorId).unread, 0);

  agent.send('message', { visitorId: 'v_unknown', id: 'r2', text: 'x' });
  assert.equal((await agent.next('error')).data.code, 'not_found');
  for (const c of [agent, tab1, tab2]) c.close();
});

test('typing is relayed both ways', async () => {
  const v = await newVisitor(srv);
  const agent = await agentSocket(srv, agentToken);
  const tab = await visitorSocket(srv, v.token);
  tab.send('typing', { on: true });
  assert.deepEqual((await agent.next('typing')).data, { visitorId: v.visitorId, on: true });
  agent.send('typing', { visitorId: v.visitorId, on: true });
  assert.deepEqual((await tab.next('typing')).data, { on: true });
  agent.send('typing', { visitorId: v.visitorId, on: false });
  assert.deepEqual((await tab.next('typing')).data, { on: false });
  // A visitor leaving while typing stops the indicator.
  tab.close();
  assert.deepEqual((await agent.next('typing', { where: (d) => d.on === false })).data, { visitorId: v.visitorId, on: false });
  agent.close();
});

test('read marks: agent read clears unread; visitor read is relayed', async () => {
  const v = await newVisitor(srv);
  const agent = await agentSocket(srv, agentToken);
  const tab = await visitorSocket(srv, v.token);
  tab.send('message', { id: 'u1', text: 'one' });
  tab.send('message', { id: 'u2', text: 'two' });
  const a2 = (await agent.next('message', { where: (d) => d.id === 'u2' })).data;
  await agent.next('visitor', { where: (d) => d.id === v.visitorId && d.unread === 2 });
  agent.send('read', { visitorId: v.visitorId, seq: a2.seq });
  assert.deepEqual((await tab.next('read')).data, { by: 'agent', seq: a2.seq });
  await agent.next('visitor', { where: (d) => d.id === v.visitorId && d.unread === 0 });

  agent.send('message', { visitorId: v.visitorId, id: 'u3', text: 'reply' });
  const reply = (await tab.next('message')).data;
  tab.send('read', { seq: reply.seq });
  assert.deepEqual((await agent.next('read', { where: (d) => d.by === 'visitor' })).data, { visitorId: v.visitorId, by: 'visitor', seq: reply.seq });
  tab.send('read', { seq: 'x' });
  assert.equal((await tab.next('error')).data.code, 'bad_request');
  agent.close();
  tab.close();
});

test('presence: agents see visitors come and go, visitors see the agent come and go', async () => {
  const v = await newVisitor(srv, 'Presence');
  const watcher = await agentSocket(srv, agentToken);
  const tab = await visitorSocket(srv, v.token);
  await watcher.next('visitor', { where: (d) => d.id === v.visitorId && d.online === true });
  tab.close();
  await watcher.next('visitor', { where: (d) => d.id === v.visitorId && d.online === false });
  const gone = serverEvent(srv, 'agents-offline');
  watcher.close();
  await gone;

  const tab2 = await visitorSocket(srv, v.token);
  assert.equal(tab2.hello.kefu.online, false);
  const agent = await agentSocket(srv, agentToken);
  assert.ok(agent.hello.visitors.some((s) => s.id === v.visitorId && s.online));
  assert.deepEqual(agent.hello.agent, { id: 'kefu1', name: '小美', role: 'agent' });
  assert.deepEqual((await tab2.next('status')).data, { online: true, unavailable: null, peer: null });
  agent.close();
  assert.deepEqual((await tab2.next('status')).data, { online: false, unavailable: 'nobody', peer: null });
  tab2.close();
});
