'use strict';
// A visitor can erase itself ("forget me") and rotate its token; it cannot take the server's own
// message ids; strings that are not valid Unicode are refused the same way everywhere.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { api, newVisitor, agentSocket, visitorSocket, serverWithAgent } = require('./helpers');

let srv;
let agentToken;
before(async () => ({ srv, agentToken } = await serverWithAgent({ rate: { messages: 100 } })));
after(() => srv.close());

test('forget me: conversation, calls and identity are erased, sockets closed, agents told', async () => {
  const seen = [];
  srv.events.on('revoke', (e) => seen.push(e));
  const v = await newVisitor(srv, '要被忘记的人');
  const agent = await agentSocket(srv, agentToken);
  const tab = await visitorSocket(srv, v.token);
  const tab2 = await visitorSocket(srv, v.token);
  tab.send('message', { id: 'm1', text: '我的地址是…' });
  await tab.next('ack');
  agent.send('message', { visitorId: v.visitorId, id: 'a1', text: '收到' });
  await agent.next('ack');
  const ring = await api(srv, 'POST', '/2/callKefu', { token: v.token, body: { action: 'callpeer', kefu_id: 'kefu1' } });
  assert.equal(ring.status, 200);

  const r = await api(srv, 'DELETE', '/api/visitors/me', { token: v.token });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { ok: true });
  assert.equal((await tab.closed()).code, 4001);
  assert.equal((await tab2.closed()).code, 4001);
  assert.ok(seen.some((e) => e.visitorId === v.visitorId), 'revoke event for the PeerJS side');
  await agent.next('call_end', { where: (d) => d.callId === ring.json.callId });
  await agent.next('visitor_removed', { where: (d) => d.visitorId === v.visitorId });

  assert.equal((await api(srv, 'GET', '/api/visitors/me', { token: v.token })).status, 401, 'the token is dead');
  assert.equal((await api(srv, 'GET', `/api/agent/visitors/${v.visitorId}`, { token: agentToken })).status, 404);
  assert.equal((await api(srv, 'GET', `/api/agent/visitors/${v.visitorId}/messages`, { token: agentToken })).status, 404);
  const list = await api(srv, 'GET', '/api/agent/visitors', { token: agentToken });
  assert.ok(!list.json.visitors.some((x) => x.id === v.visitorId));
  for (const table of ['messages', 'calls', 'reads']) {
    assert.equal(srv.db.raw.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE visitor_id = ?`).get(v.visitorId).n, 0, table);
  }
  assert.equal(srv.db.visitorById(v.visitorId), undefined);
  agent.close();
});

test('token rotation: the new token works, the old one and its sockets stop', async () => {
  const v = await newVisitor(srv, '换钥匙');
  const tab = await visitorSocket(srv, v.token);
  tab.send('message', { id: 'before', text: 'hi' });
  await tab.next('ack');
  const r = await api(srv, 'POST', '/api/visitors/me/token', { token: v.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.visitorId, v.visitorId);
  assert.notEqual(r.json.token, v.token);
  assert.equal((await tab.closed()).code, 4001);
  assert.equal((await api(srv, 'GET', '/api/visitors/me', { token: v.token })).status, 401);
  const h = await api(srv, 'GET', '/api/messages', { token: r.json.token });
  assert.deepEqual(h.json.messages.map((m) => m.id), ['before'], 'same conversation under the new token');
  const again = await visitorSocket(srv, r.json.token);
  assert.equal(again.hello.visitorId, v.visitorId);
  again.close();
});

test('visitors cannot use the server\'s own message ids (call_…): the call line is not suppressed', async () => {
  const v = await newVisitor(srv);
  const tab = await visitorSocket(srv, v.token);
  const agent = await agentSocket(srv, agentToken);
  const ring = await api(srv, 'POST', '/2/callKefu', { token: v.token, body: { action: 'callpeer', kefu_id: 'kefu1' } });
  assert.equal(ring.status, 200, ring.text);
  const callId = ring.json.callId;
  tab.send('message', { id: `call_${callId}`, text: 'fake' });
  const e = await tab.next('error');
  assert.equal(e.data.code, 'bad_request');
  assert.equal(e.data.id, `call_${callId}`);
  const http = await api(srv, 'POST', '/api/messages', { token: v.token, body: { id: `call_${callId}`, text: 'fake' } });
  assert.equal(http.status, 400);
  assert.equal(http.json.error.code, 'bad_request');
  agent.send('message', { visitorId: v.visitorId, id: 'sys_x', text: 'no' });
  assert.equal((await agent.next('error')).data.code, 'bad_request');

  await api(srv, 'POST', '/2/callKefu', { token: v.token, body: { action: 'cancel', call_id: callId } });
  const line = await tab.next('message', { where: (m) => m.kind === 'call' });
  assert.equal(line.data.id, `call_${callId}`);
  assert.equal(line.data.from, 'system');
  tab.close();
  agent.close();
});

test('lone surrogates are refused with bad_request on the socket and over HTTP, nothing stored', async () => {
  const v = await newVisitor(srv);
  const tab = await visitorSocket(srv, v.token);
  const agent = await agentSocket(srv, agentToken);
  tab.sendRaw('{"type":"message","data":{"id":"s1","text":"hi \\ud800 there"}}');
  const e = await tab.next('error');
  assert.equal(e.data.code, 'bad_request');
  assert.equal(e.data.id, 's1');
  tab.sendRaw('{"type":"message","data":{"id":"\\udc00","text":"id with a lone surrogate"}}');
  assert.equal((await tab.next('error')).data.code, 'bad_request');
  agent.sendRaw(`{"type":"message","data":{"visitorId":"${v.visitorId}","id":"a1","text":"\\udfff"}}`);
  assert.equal((await agent.next('error')).data.code, 'bad_request');

  const post = await api(srv, 'POST', '/api/messages', { token: v.token, raw: '{"id":"h1","text":"x\\ud83d"}' });
  assert.equal(post.status, 400);
  assert.equal(post.json.error.code, 'bad_request');
  const patch = await api(srv, 'PATCH', '/api/visitors/me', { token: v.token, raw: '{"name":"n\\udc00m"}' });
  assert.equal(patch.status, 400);
  const attrs = await api(srv, 'PATCH', '/api/visitors/me', { token: v.token, raw: '{"attrs":{"\\ud800":"k"}}' });
  assert.equal(attrs.status, 400);
  const h = await api(srv, 'GET', '/api/messages', { token: v.token });
  assert.deepEqual(h.json.messages, []);
  // A well-formed pair is fine.
  tab.send('message', { id: 's2', text: 'ok 😀' });
  assert.equal((await tab.next('ack')).data.id, 's2');
  const got = await agent.next('message', { where: (m) => m.id === 's2' });
  assert.equal(got.data.text, 'ok 😀');
  tab.close();
  agent.close();
});
