'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, newVisitor, agentLogin, visitorSocket, agentSocket, tempDir } = require('./helpers');

test('nothing is lost across a restart with the same data dir', async () => {
  const dataDir = tempDir();
  let srv = await startServer({ dataDir });
  const v = await newVisitor(srv, 'Persistent');
  const agentToken = await agentLogin(srv);
  const agent = await agentSocket(srv, agentToken);
  const tab = await visitorSocket(srv, v.token);
  tab.send('message', { id: 'k1', text: '第一条' });
  const ack1 = (await tab.next('ack')).data;
  agent.send('message', { visitorId: v.visitorId, id: 'k2', text: '收到' });
  await tab.next('message');
  tab.send('read', { seq: ack1.seq + 1 });
  await agent.next('read', { where: (d) => d.by === 'visitor' });
  // A call left ringing when the server stops is closed as missed at the next start.
  const call = await api(srv, 'POST', '/2/callKefu', { token: v.token, body: { action: 'callpeer', kefu_id: 'kefu1' } });
  assert.equal(call.status, 200);
  await agent.next('call');
  tab.close();
  agent.close();
  await srv.close();

  srv = await startServer({ dataDir });
  try {
    // Same visitor token, same agent token, same history.
    const me = await api(srv, 'GET', '/api/visitors/me', { token: v.token });
    assert.equal(me.status, 200);
    assert.equal(me.json.name, 'Persistent');
    const h = await api(srv, 'GET', '/api/messages', { token: v.token });
    const texts = h.json.messages.map((m) => m.text);
    assert.deepEqual(texts.slice(0, 2), ['第一条', '收到']);
    const callLines = h.json.messages.filter((m) => m.kind === 'call');
    assert.equal(callLines.length, 1);
    assert.equal(callLines[0].call.outcome, 'missed');
    const list = await api(srv, 'GET', '/api/agent/visitors', { token: agentToken });
    assert.equal(list.status, 200);
    assert.ok(list.json.visitors.some((s) => s.id === v.visitorId));

    // Dedupe survives the restart, and seq keeps increasing.
    const tab2 = await visitorSocket(srv, v.token);
    assert.equal(tab2.hello.visitorReadSeq, ack1.seq + 1);
    tab2.send('message', { id: 'k1', text: '第一条' });
    assert.deepEqual((await tab2.next('ack')).data, ack1);
    tab2.send('message', { id: 'k3', text: '重启之后' });
    const ack3 = (await tab2.next('ack')).data;
    assert.ok(ack3.seq > h.json.messages[h.json.messages.length - 1].seq);
    tab2.close();
  } finally {
    await srv.close();
  }
});
