'use strict';
// Teams end to end on a real server: roles on the admin endpoints, routing to the less busy agent,
// away agents left out, transfer with the visitor's system line, close and reopen, group availability.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, newVisitor, agentLogin, visitorSocket, agentSocket, serverEvent } = require('./helpers');

const ADMIN = { user: 'admin', pass: 'admin-pass-1' };

async function team(options = {}) {
  const srv = await startServer({ adminPass: ADMIN.pass, ...options });
  srv.accounts.add({ username: 'li', name: '小李', password: 'li-pass-123' });
  srv.accounts.add({ username: 'wang', name: '小王', password: 'wang-pass-1' });
  return srv;
}
const login = (srv, user) => agentLogin(srv, user, { li: 'li-pass-123', wang: 'wang-pass-1', zhao: 'zhao-pass-1', admin: ADMIN.pass, kefu1: 'kefu123' }[user]);
async function online(srv, user) {
  const token = await login(srv, user);
  const ws = await agentSocket(srv, token);
  ws.token = token;
  return ws;
}
const say = (srv, v, id, text = 'hello') => api(srv, 'POST', '/api/messages', { token: v.token, body: { id, text } });
const conv = async (srv, token, visitorId) => (await api(srv, 'GET', `/api/agent/visitors/${visitorId}`, { token })).json.conversation;

test('an agent token is refused on every admin endpoint with 403; an admin token works', async () => {
  const srv = await team();
  const agent = await login(srv, 'li');
  const admin = await login(srv, 'admin');
  const calls = [
    ['GET', '/api/admin/agents'], ['POST', '/api/admin/agents', { username: 'x1', password: 'xxxxxxxx1' }],
    ['PATCH', '/api/admin/agents/li', { role: 'admin' }], ['DELETE', '/api/admin/agents/wang'],
    ['GET', '/api/admin/groups'], ['POST', '/api/admin/groups', { id: 'sales', name: '售前' }],
    ['PATCH', '/api/admin/groups/default', { name: 'x' }], ['DELETE', '/api/admin/groups/default'],
    ['GET', '/api/admin/settings'], ['PATCH', '/api/admin/settings', { ringGroupDelayMs: 1 }],
  ];
  for (const [method, p, body] of calls) {
    const r = await api(srv, method, p, { token: agent, body });
    assert.equal(r.status, 403, `${method} ${p}`);
    assert.equal(r.json.error.code, 'forbidden');
    assert.equal((await api(srv, method, p, { body })).status, 401, `${method} ${p} without a token`);
  }
  // Nothing changed.
  const list = await api(srv, 'GET', '/api/admin/agents', { token: admin });
  assert.equal(list.status, 200);
  assert.deepEqual(list.json.agents.map((a) => [a.username, a.role]).sort(), [['admin', 'admin'], ['kefu1', 'agent'], ['li', 'agent'], ['wang', 'agent']]);
  // Admin actions, and their errors.
  const g = await api(srv, 'POST', '/api/admin/groups', { token: admin, body: { id: 'sales', name: '售前', members: ['li'] } });
  assert.equal(g.status, 201);
  assert.deepEqual(g.json.group.members, ['li']);
  assert.equal((await api(srv, 'POST', '/api/admin/groups', { token: admin, body: { id: 'li', name: 'x' } })).status, 409);
  assert.equal((await api(srv, 'POST', '/api/admin/groups', { token: admin, body: { id: 'x', name: 'x', members: ['ghost'] } })).status, 404);
  assert.equal((await api(srv, 'DELETE', '/api/admin/groups/default', { token: admin })).status, 409);
  assert.equal((await api(srv, 'DELETE', '/api/admin/agents/admin', { token: admin })).status, 409);
  assert.equal((await api(srv, 'PATCH', '/api/admin/agents/admin', { token: admin, body: { role: 'agent' } })).json.error.code, 'conflict');
  const made = await api(srv, 'POST', '/api/admin/agents', { token: admin, body: { username: 'zhao', name: '小赵', password: 'zhao-pass-1', groups: ['sales'] } });
  assert.equal(made.status, 201);
  assert.deepEqual(made.json.agent.groups.sort(), ['default', 'sales']);
  assert.equal((await api(srv, 'POST', '/api/admin/agents', { token: admin, body: { username: 'zhao', password: 'zhao-pass-1' } })).status, 409);
  assert.equal((await api(srv, 'POST', '/api/admin/agents', { token: admin, body: { username: 'q', password: 'short' } })).status, 400);
  const s = await api(srv, 'PATCH', '/api/admin/settings', { token: admin, body: { ringGroupDelayMs: 2500 } });
  assert.deepEqual(s.json.settings, { ringGroupDelayMs: 2500 });
  assert.equal((await api(srv, 'PATCH', '/api/admin/settings', { token: admin, body: { nope: 1 } })).status, 400);
  // A removed agent's conversation waits unassigned again.
  const zhaoWs = await agentSocket(srv, await login(srv, 'zhao'));
  const v = await newVisitor(srv);
  await say(srv, v, 'z1');
  assert.equal((await conv(srv, admin, v.visitorId)).assignee, 'zhao');
  assert.equal((await api(srv, 'DELETE', '/api/admin/agents/zhao', { token: admin })).status, 200);
  assert.equal((await zhaoWs.closed()).code, 4001);
  assert.equal((await conv(srv, admin, v.visitorId)).assignee, null);
  // Promoted: li's own token now passes.
  await api(srv, 'PATCH', '/api/admin/agents/li', { token: admin, body: { role: 'admin' } });
  assert.equal((await api(srv, 'GET', '/api/admin/groups', { token: agent })).status, 200);
  await srv.close();
});

test('the first admin is made once, with the given password; the development login stays an agent', async () => {
  const srv = await startServer({ adminPass: ADMIN.pass });
  const token = await login(srv, 'admin');
  assert.equal((await api(srv, 'GET', '/api/agent/me', { token })).json.agent.role, 'admin');
  assert.equal((await api(srv, 'GET', '/api/agent/me', { token: await login(srv, 'kefu1') })).json.agent.role, 'agent');
  const dataDir = srv.dataDir;
  await srv.close();
  // A later start with another (or no) password leaves the existing admin alone.
  const again = await startServer({ dataDir, adminPass: 'another-pass-9' });
  await login(again, 'admin');
  await again.close();
});

test('a new conversation goes to the less busy online agent; the whole group sees it; the assignee is notified', async () => {
  const srv = await team();
  const li = await online(srv, 'li');
  const wang = await online(srv, 'wang');
  const v1 = await newVisitor(srv);
  await say(srv, v1, 'a');
  const first = (await conv(srv, li.token, v1.visitorId)).assignee;
  assert.ok(['li', 'wang'].includes(first));
  const busy = first === 'li' ? li : wang;
  const free = first === 'li' ? wang : li;
  assert.equal((await busy.next('assigned')).data.visitorId, v1.visitorId);
  const v2 = await newVisitor(srv);
  await say(srv, v2, 'b');
  const assigned = await free.next('assigned');
  assert.deepEqual(assigned.data, { visitorId: v2.visitorId, reason: 'new', by: null });
  // Both consoles get the summary with the assignment.
  const seen = await busy.next('visitor', { where: (s) => s.id === v2.visitorId && s.conversation && s.conversation.assignee });
  assert.equal(seen.data.conversation.assignee, free === li ? 'li' : 'wang');
  assert.equal(await busy.none('assigned', 200), true);
  await srv.close();
});

test('away agents are not routed to; the group shows unavailable when all are away; the first reply claims it', async () => {
  const srv = await team();
  const li = await online(srv, 'li');
  const v = await newVisitor(srv);
  const vs = await visitorSocket(srv, v.token);
  assert.equal(vs.hello.kefu.online, true);
  li.send('presence', { status: 'away' });
  assert.deepEqual((await li.next('presence')).data, { status: 'away' });
  assert.equal((await vs.next('status', { where: (s) => s.online === false })).data.online, false);
  assert.equal((await api(srv, 'GET', '/api/config')).json.kefu.online, false);
  const wang = await online(srv, 'wang');
  assert.equal((await li.next('agent_presence', { where: (p) => p.agentId === 'wang' })).data.status, 'online');
  await vs.next('status', { where: (s) => s.online === true });
  await say(srv, v, 'x');
  assert.equal((await conv(srv, li.token, v.visitorId)).assignee, 'wang');
  wang.send('presence', { status: 'away' });
  await wang.next('presence');
  const v2 = await newVisitor(srv);
  await say(srv, v2, 'y');
  assert.deepEqual(await conv(srv, li.token, v2.visitorId), { group: 'default', assignee: null, status: 'open' });
  // Away agents may still reply: the first reply claims the waiting conversation.
  li.send('message', { visitorId: v2.visitorId, id: 'r1', text: '我来' });
  await li.next('ack');
  assert.equal((await conv(srv, li.token, v2.visitorId)).assignee, 'li');
  li.send('presence', { status: 'busy' });
  assert.equal((await li.next('error')).data.code, 'bad_request');
  await srv.close();
});

test('transfer to an agent or group posts a line the visitor sees; transfer to an away agent is refused', async () => {
  const srv = await team();
  const admin = await login(srv, 'admin');
  await api(srv, 'POST', '/api/admin/groups', { token: admin, body: { id: 'after', name: '售后', members: ['wang'] } });
  const li = await online(srv, 'li');
  const v = await newVisitor(srv);
  await api(srv, 'PATCH', '/api/visitors/me', { token: v.token, body: { attrs: { lang: 'en' } } });
  const vs = await visitorSocket(srv, v.token);
  await say(srv, v, 'q');
  assert.equal((await conv(srv, li.token, v.visitorId)).assignee, 'li');
  // wang is offline: refused, nothing posted.
  const refused = await api(srv, 'POST', `/api/agent/visitors/${v.visitorId}/transfer`, { token: li.token, body: { agentId: 'wang' } });
  assert.equal(refused.status, 409);
  assert.match(refused.json.error.message, /小王 is offline/);
  const wang = await online(srv, 'wang');
  wang.send('presence', { status: 'away' });
  await wang.next('presence');
  assert.equal((await api(srv, 'POST', `/api/agent/visitors/${v.visitorId}/transfer`, { token: li.token, body: { agentId: 'wang' } })).status, 409);
  wang.send('presence', { status: 'online' });
  await wang.next('presence');
  const ok = await api(srv, 'POST', `/api/agent/visitors/${v.visitorId}/transfer`, { token: li.token, body: { agentId: 'wang' } });
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.json.conversation, { group: 'default', assignee: 'wang', status: 'open' });
  const line = await vs.next('message', { where: (m) => m.from === 'system' });
  assert.equal(line.data.text, 'Transferred to 小王');
  assert.deepEqual((await wang.next('assigned')).data, { visitorId: v.visitorId, reason: 'transfer', by: 'li' });
  // To a group: routed inside it.
  const toGroup = await api(srv, 'POST', `/api/agent/visitors/${v.visitorId}/transfer`, { token: wang.token, body: { groupId: 'after' } });
  assert.deepEqual(toGroup.json.conversation, { group: 'after', assignee: null, status: 'open' });
  assert.equal((await vs.next('message', { where: (m) => m.from === 'system' })).data.text, 'Transferred to 售后');
  assert.equal((await api(srv, 'POST', `/api/agent/visitors/${v.visitorId}/transfer`, { token: wang.token, body: { groupId: 'nope' } })).status, 404);
  await srv.close();
});

test('close resolves a conversation; the next visitor message reopens it and routes it again', async () => {
  const srv = await team();
  const li = await online(srv, 'li');
  const v = await newVisitor(srv);
  await say(srv, v, 'c1');
  const closed = await api(srv, 'POST', `/api/agent/visitors/${v.visitorId}/close`, { token: li.token });
  assert.deepEqual(closed.json.conversation, { group: 'default', assignee: 'li', status: 'closed' });
  assert.equal((await api(srv, 'POST', `/api/agent/visitors/${v.visitorId}/close`, { token: li.token })).status, 409);
  const liGone = serverEvent(srv, 'agent-offline', (id) => id === 'li');
  li.close();
  await liGone;
  const wang = await online(srv, 'wang');
  await say(srv, v, 'c2');
  assert.deepEqual(await conv(srv, wang.token, v.visitorId), { group: 'default', assignee: 'wang', status: 'open' });
  assert.deepEqual((await wang.next('assigned')).data, { visitorId: v.visitorId, reason: 'reopened', by: null });
  await srv.close();
});

test('data-kefu names a group or an agent at visitor creation; /api/config?kefu= gives that group\'s availability', async () => {
  const srv = await team();
  const admin = await login(srv, 'admin');
  await api(srv, 'POST', '/api/admin/groups', { token: admin, body: { id: 'after', name: '售后', members: ['wang'] } });
  const li = await online(srv, 'li');
  assert.equal((await api(srv, 'GET', '/api/config?kefu=after')).json.kefu.online, false);
  assert.equal((await api(srv, 'GET', '/api/config')).json.kefu.online, true);
  const v = (await api(srv, 'POST', '/api/visitors', { body: { kefu: 'after' } })).json;
  const vs = await visitorSocket(srv, v.token);
  assert.equal(vs.hello.kefu.online, false);
  assert.equal(vs.hello.kefu.group, 'after');
  await say(srv, v, 'k1');
  assert.deepEqual(await conv(srv, li.token, v.visitorId), { group: 'after', assignee: null, status: 'open' });
  // Naming an agent: that agent when available.
  await online(srv, 'wang');
  const toWang = (await api(srv, 'POST', '/api/visitors', { body: { kefu: 'wang' } })).json;
  await say(srv, toWang, 'k2');
  assert.equal((await conv(srv, li.token, toWang.visitorId)).assignee, 'wang');
  // One naming nobody: the default group, the visitor can still chat.
  const lost = await api(srv, 'POST', '/api/visitors', { body: { kefu: 'ghost' } });
  assert.equal(lost.status, 201);
  await say(srv, lost.json, 'k3');
  assert.equal((await conv(srv, li.token, lost.json.visitorId)).group, 'default');
  await srv.close();
});
