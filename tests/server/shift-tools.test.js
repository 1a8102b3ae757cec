'use strict';
// The agent's shift tools on the server: internal notes never reach the visitor (socket or HTTP),
// search finds Chinese text and order numbers, an old data folder is indexed, canned replies per team.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { createRequire } = require('module');
const {
  startServer, api, newVisitor, agentLogin, agentSocket, visitorSocket, tempDir, serverWithAgent,
} = require('./helpers');

const Database = createRequire(path.join(__dirname, '../../shell/package.json'))('better-sqlite3');

let srv;
let agentToken;
before(async () => ({ srv, agentToken } = await serverWithAgent()));
after(() => srv.close());

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

test('an internal note goes to agents only: no visitor frame, not in any visitor endpoint', async () => {
  const v = await newVisitor(srv, '备注访客');
  const tab = await visitorSocket(srv, v.token);
  const agent = await agentSocket(srv, agentToken);
  tab.send('message', { id: 'm1', text: '我想退货' });
  await tab.next('ack');
  const secret = '内部备注：此客户上月投诉过 VIP-7731';
  const r = await api(srv, 'POST', `/api/agent/visitors/${v.visitorId}/notes`, { token: agentToken, body: { text: secret } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.note.text, secret);
  const frame = (await agent.next('note')).data;
  assert.equal(frame.visitorId, v.visitorId);
  assert.equal(frame.text, secret);
  // A later agent reply reaches the visitor: anything sent before it would have come first.
  agent.send('message', { visitorId: v.visitorId, id: 'a1', text: '好的' });
  await tab.next('message', { where: (m) => m.id === 'a1' });
  await wait(100);
  const raw = JSON.stringify(tab.frames);
  assert.doesNotMatch(raw, /VIP-7731/, 'no visitor frame carries the note');
  for (const p of ['/api/messages', '/api/visitors/me']) {
    const res = await api(srv, 'GET', p, { token: v.token });
    assert.equal(res.status, 200, p);
    assert.doesNotMatch(res.text, /VIP-7731/, p);
  }
  // The agent's history has no note either (notes have their own endpoint), the notes endpoint has it.
  const hist = await api(srv, 'GET', `/api/agent/visitors/${v.visitorId}/messages`, { token: agentToken });
  assert.doesNotMatch(hist.text, /VIP-7731/);
  const notes = await api(srv, 'GET', `/api/agent/visitors/${v.visitorId}/notes`, { token: agentToken });
  assert.deepEqual(notes.json.notes.map((n) => n.text), [secret]);
  // A visitor token cannot read or write notes.
  assert.equal((await api(srv, 'GET', `/api/agent/visitors/${v.visitorId}/notes`, { token: v.token })).status, 401);
  assert.equal((await api(srv, 'POST', `/api/agent/visitors/${v.visitorId}/notes`, { token: v.token, body: { text: 'x' } })).status, 401);
  assert.equal((await api(srv, 'POST', `/api/agent/visitors/${v.visitorId}/notes`, { token: agentToken, body: { text: '' } })).status, 400);
  assert.equal((await api(srv, 'POST', '/api/agent/visitors/nobody/notes', { token: agentToken, body: { text: 'x' } })).status, 404);
  tab.close();
  agent.close();
});

test('search finds 发票 (2 characters), an order number inside a message, and visitors by e-mail and phone', async () => {
  const v = await newVisitor(srv, '王女士');
  await api(srv, 'PATCH', '/api/visitors/me', { token: v.token, body: { email: 'wang@example.cn', phone: '13800138000' } });
  const tab = await visitorSocket(srv, v.token);
  tab.send('message', { id: 's1', text: '你好，我需要开发票，订单号KF20261201-0042' });
  await tab.next('ack');
  tab.send('message', { id: 's2', text: '100%_满意' });
  await tab.next('ack');
  const search = async (q) => {
    const r = await api(srv, 'GET', `/api/agent/search?q=${encodeURIComponent(q)}`, { token: agentToken });
    assert.equal(r.status, 200, r.text);
    return r.json;
  };
  for (const q of ['发票', '开发票', '20261201-0042', 'kf2026']) {
    const res = await search(q);
    assert.ok(res.messages.some((m) => m.id === 's1' && m.visitorId === v.visitorId && m.name === '王女士'), q);
  }
  assert.equal((await search('退款')).messages.length, 0);
  // LIKE wildcards are literal: "%_" matches only the text that has them.
  assert.deepEqual((await search('%_')).messages.map((m) => m.id), ['s2']);
  assert.ok((await search('wang@')).visitors.some((x) => x.id === v.visitorId));
  assert.ok((await search('0013800')).visitors.some((x) => x.id === v.visitorId));
  assert.equal((await api(srv, 'GET', '/api/agent/search?q=%20', { token: agentToken })).status, 400);
  // Query syntax of FTS5 is not interpreted; a NUL (the end of an SQLite string) is refused, not a 500.
  for (const q of ['"', 'a"b"c', 'NEAR(', 'AND OR NOT', '***']) {
    assert.equal((await api(srv, 'GET', `/api/agent/search?q=${encodeURIComponent(q)}`, { token: agentToken })).status, 200, q);
  }
  assert.equal((await api(srv, 'GET', '/api/agent/search?q=ab%00cd', { token: agentToken })).status, 400);
  assert.equal((await api(srv, 'GET', `/api/agent/search?q=${'长'.repeat(101)}`, { token: agentToken })).status, 400);
  assert.equal((await api(srv, 'GET', '/api/agent/search?q=发票', { token: v.token })).status, 401);
  tab.close();
});

test('an old data folder without the search index is indexed on start', async () => {
  const dir = tempDir();
  let s = await startServer({ dataDir: dir });
  const v = await newVisitor(s, '老客户');
  const tab = await visitorSocket(s, v.token);
  tab.send('message', { id: 'o1', text: '上个月的发票还没收到' });
  await tab.next('ack');
  tab.close();
  await s.close();
  // As a version before the index: no FTS table, no triggers.
  const db = new Database(path.join(dir, 'kefu.db'));
  db.exec('DROP TRIGGER message_fts_insert; DROP TRIGGER message_fts_delete; DROP TABLE message_fts; DROP TABLE notes; DROP TABLE canned_replies');
  db.close();
  s = await startServer({ dataDir: dir });
  const token = await agentLogin(s);
  const r = await api(s, 'GET', `/api/agent/search?q=${encodeURIComponent('发票还没')}`, { token });
  assert.deepEqual(r.json.messages.map((m) => m.id), ['o1']);
  // Forgetting the visitor takes its messages out of the index too.
  await api(s, 'DELETE', '/api/visitors/me', { token: v.token });
  const after = await api(s, 'GET', `/api/agent/search?q=${encodeURIComponent('发票还没')}`, { token });
  assert.deepEqual(after.json.messages, []);
  await s.close();
});

test('canned replies: starters for everyone, adding and removing in the agent\'s own group', async () => {
  const list = await api(srv, 'GET', '/api/agent/canned', { token: agentToken });
  assert.equal(list.status, 200);
  assert.ok(list.json.replies.length >= 3);
  assert.ok(list.json.replies.some((r) => r.text.includes('发票')));
  const add = await api(srv, 'POST', '/api/agent/canned', { token: agentToken, body: { title: '退货 Returns', text: '退货请在 7 天内申请。', group: 'default' } });
  assert.equal(add.status, 201, add.text);
  assert.equal(add.json.reply.group, 'default');
  assert.equal((await api(srv, 'POST', '/api/agent/canned', { token: agentToken, body: { title: 'x', text: 'y', group: 'nope' } })).status, 400);
  assert.equal((await api(srv, 'POST', '/api/agent/canned', { token: agentToken, body: { title: '', text: 'y' } })).status, 400);
  const again = await api(srv, 'GET', '/api/agent/canned', { token: agentToken });
  assert.ok(again.json.replies.some((r) => r.id === add.json.reply.id));
  assert.equal((await api(srv, 'DELETE', `/api/agent/canned/${add.json.reply.id}`, { token: agentToken })).status, 200);
  assert.equal((await api(srv, 'DELETE', `/api/agent/canned/${add.json.reply.id}`, { token: agentToken })).status, 404);
  assert.equal((await api(srv, 'GET', '/api/agent/canned', { token: 'bad' })).status, 401);
});
