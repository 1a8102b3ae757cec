'use strict';
// Business hours, branding and 留言 on a real server: admin-only endpoints, the contrast rule, the
// widget's view (/api/config, status frames), contacts left and marked for agents, and the migration.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { createRequire } = require('module');
const { startServer, api, newVisitor, agentLogin, visitorSocket, agentSocket } = require('./helpers');

const Database = createRequire(path.join(__dirname, '../../shell/package.json'))('better-sqlite3');
const ADMIN_PASS = 'admin-pass-1';
const CLOSED = { tz: 'UTC', days: {} }; // never open
const OPEN = { tz: 'Asia/Shanghai', days: Object.fromEntries(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d) => [d, [['00:00', '24:00']]])) };

async function server() {
  const srv = await startServer({ adminPass: ADMIN_PASS });
  srv.accounts.add({ username: 'li', name: '小李', password: 'li-pass-123' });
  srv.admin = await agentLogin(srv, 'admin', ADMIN_PASS);
  srv.agent = await agentLogin(srv, 'li', 'li-pass-123');
  return srv;
}

test('hours and branding endpoints: 401 without a token, 403 for an agent token, nothing changed', async () => {
  const srv = await server();
  const calls = [
    ['GET', '/api/admin/hours'], ['PUT', '/api/admin/hours', { hours: CLOSED }],
    ['PUT', '/api/admin/groups/default/hours', { hours: CLOSED }],
    ['GET', '/api/admin/branding'], ['PUT', '/api/admin/branding', { primary: '#2f7d4f' }],
    ['PUT', '/api/admin/groups/default/texts', { welcome: { en: 'x' } }],
  ];
  for (const [method, p, body] of calls) {
    const r = await api(srv, method, p, { token: srv.agent, body });
    assert.equal(r.status, 403, `${method} ${p}`);
    assert.equal(r.json.error.code, 'forbidden');
    assert.equal((await api(srv, method, p, { body })).status, 401);
  }
  const cfg = (await api(srv, 'GET', '/api/config')).json;
  assert.equal(cfg.branding.primary, null);
  assert.equal(cfg.kefu.unavailable, 'nobody'); // nobody online, but not closed: the hours were not set
  assert.equal((await api(srv, 'GET', '/api/admin/hours', { token: srv.admin })).json.hours, null);
  await srv.close();
});

test('a primary colour under 4.5:1 contrast with white text is refused; a darker one is served by /api/config', async () => {
  const srv = await server();
  const put = (body) => api(srv, 'PUT', '/api/admin/branding', { token: srv.admin, body });
  for (const weak of ['#1677ff', '#ffcc00', '#ffffff', '#52c41a']) {
    const r = await put({ primary: weak });
    assert.equal(r.status, 400, weak);
    assert.match(r.json.error.message, /contrast of \d\.\d\d:1 with white text; at least 4\.5:1/);
  }
  for (const bad of ['red', '#12345', '#GGGGGG', 7, '#2f7d4f; background:url(x)']) assert.equal((await put({ primary: bad })).status, 400, String(bad));
  assert.equal((await put({ colour: '#000000' })).status, 400, 'unknown field');
  assert.equal((await put({ offsetX: -1 })).status, 400);
  assert.equal((await put({ launcher: { en: 'x'.repeat(21) } })).json.error.code, 'too_long');
  assert.equal((await put({ welcome: { 'zh-CN': 'a\u202eb' } })).status, 400, 'bidi override');
  const ok = await put({ primary: '#2F7D4F', launcher: { 'zh-CN': '咨询', en: 'Ask us' }, offsetX: 24, offsetY: 32, welcome: { en: 'Welcome to the shop!' } });
  assert.equal(ok.status, 200);
  assert.equal(ok.json.branding.primary, '#2f7d4f');
  // A second change keeps what it does not name.
  await put({ away: { en: 'Back soon: leave us your e-mail.' } });
  const cfg = (await api(srv, 'GET', '/api/config')).json;
  assert.equal(cfg.branding.primary, '#2f7d4f');
  assert.deepEqual(cfg.branding.launcher, { 'zh-CN': '咨询', en: 'Ask us' });
  assert.equal(cfg.branding.offsetY, 32);
  assert.equal(cfg.welcome.en, 'Welcome to the shop!');
  assert.match(cfg.welcome['zh-CN'], /您好/, 'languages the admin did not set keep the configured welcome');
  assert.equal(cfg.branding.away.nobody.en, 'Back soon: leave us your e-mail.');
  await srv.close();
});

test('group texts override the site texts for visitors of that group, per language', async () => {
  const srv = await server();
  await api(srv, 'POST', '/api/admin/groups', { token: srv.admin, body: { id: 'after', name: '售后', members: ['li'] } });
  const r = await api(srv, 'PUT', '/api/admin/groups/after/texts', { token: srv.admin, body: { welcome: { 'zh-CN': '售后服务，请讲。' }, away: { 'zh-CN': '售后同事都不在，请留下电话。' } } });
  assert.equal(r.status, 200);
  assert.equal((await api(srv, 'PUT', '/api/admin/groups/ghost/texts', { token: srv.admin, body: {} })).status, 404);
  assert.equal((await api(srv, 'PUT', '/api/admin/groups/after/texts', { token: srv.admin, body: { welcome: { 'not a tag': 'x' } } })).status, 400);
  const after = (await api(srv, 'GET', '/api/config?kefu=after')).json;
  assert.equal(after.welcome['zh-CN'], '售后服务，请讲。');
  assert.equal(after.branding.away.hours['zh-CN'], '售后同事都不在，请留下电话。');
  const def = (await api(srv, 'GET', '/api/config')).json;
  assert.notEqual(def.welcome['zh-CN'], '售后服务，请讲。');
  assert.match(def.branding.away.hours['zh-CN'], /非工作时间。|非工作时间，/);
  await srv.close();
});

test('outside business hours the group is unavailable with an agent online: config, hello and a live status frame say "hours"', async () => {
  const srv = await server();
  const agentWs = await agentSocket(srv, srv.agent);
  const v = await newVisitor(srv);
  const ws = await visitorSocket(srv, v.token);
  assert.equal(ws.hello.kefu.online, true);
  assert.equal(ws.hello.kefu.unavailable, null);
  const bad = await api(srv, 'PUT', '/api/admin/hours', { token: srv.admin, body: { hours: { tz: 'Nowhere/City', days: {} } } });
  assert.equal(bad.status, 400);
  assert.equal((await api(srv, 'PUT', '/api/admin/hours', { token: srv.admin, body: {} })).status, 400);
  assert.equal((await api(srv, 'PUT', '/api/admin/hours', { token: srv.admin, body: { hours: CLOSED } })).status, 200);
  const st = await ws.next('status', { where: (d) => d.online === false });
  assert.equal(st.data.unavailable, 'hours');
  const cfg = (await api(srv, 'GET', '/api/config')).json;
  assert.deepEqual([cfg.kefu.online, cfg.kefu.unavailable], [false, 'hours']);
  // A call outside hours is refused as offline, although li is online.
  const ring = await api(srv, 'POST', '/2/callKefu', { token: v.token, body: { action: 'callpeer' } });
  assert.deepEqual([ring.status, ring.json.error.code], [503, 'offline']);
  // A message outside hours waits unassigned, although li is online.
  await api(srv, 'POST', '/api/messages', { token: v.token, body: { id: 'm1', text: '在吗？' } });
  const s = (await api(srv, 'GET', `/api/agent/visitors/${v.visitorId}`, { token: srv.agent })).json;
  assert.deepEqual([s.conversation.assignee, s.conversation.status], [null, 'open']);
  // A group's own schedule wins over the site's: open around the clock.
  await api(srv, 'PUT', '/api/admin/groups/default/hours', { token: srv.admin, body: { hours: OPEN } });
  assert.equal((await ws.next('status', { where: (d) => d.online === true })).data.unavailable, null);
  const h = (await api(srv, 'GET', '/api/admin/hours', { token: srv.admin })).json;
  assert.deepEqual(h.hours, { tz: 'UTC', days: { sun: [], mon: [], tue: [], wed: [], thu: [], fri: [], sat: [] } });
  assert.equal(h.groups.default.tz, 'Asia/Shanghai');
  agentWs.close();
  ws.close();
  await srv.close();
});

test('留言: the contact is validated, stored on the visitor, the conversation waits marked for agents; hostile input is refused', async () => {
  const srv = await server();
  const agentWs = await agentSocket(srv, srv.agent);
  await api(srv, 'PATCH', '/api/admin/agents/li', { token: srv.admin, body: {} }); // keeps li online
  agentWs.send('presence', { status: 'away' });
  await agentWs.next('presence');
  const r0 = await api(srv, 'POST', '/api/visitors', { body: { lang: 'zh-CN' } });
  const v = r0.json;
  const post = (body) => api(srv, 'POST', '/api/visitors/me/contact', { token: v.token, body });
  const hostile = [
    {}, { email: '' }, { email: 'not-an-address' }, { email: 'a@b' }, { email: '<script>@x.com' },
    { email: 'a b@example.com' }, { email: 'x@example.com\r\nBcc: y@z.com' }, { email: `${'a'.repeat(65)}@example.com` },
    { email: ['a@example.com'] }, { email: { toString: 'a@example.com' } }, { phone: '12' }, { phone: '+86 138 0013 8000 0000 00' },
    { phone: '1380013800a' }, { phone: '138\u202e0013800' }, { phone: 13800138000 }, { email: 'a@example.com', extra: 1 },
    { email: 'a@example.com', message: '' + 'x'.repeat(2001) }, { email: 'a@example.com', message: 5 },
    JSON.parse('{"__proto__":{"email":"a@example.com"}}'),
  ];
  for (const body of hostile) {
    const r = await post(body);
    assert.ok(r.status === 400, `${JSON.stringify(body).slice(0, 80)} → ${r.status}`);
    assert.ok(['bad_request', 'too_long'].includes(r.json.error.code));
  }
  assert.equal((await api(srv, 'POST', '/api/visitors/me/contact', { body: { email: 'a@example.com' } })).status, 401);
  // Nothing was stored by the refusals.
  let s = (await api(srv, 'GET', `/api/agent/visitors/${v.visitorId}`, { token: srv.agent })).json;
  assert.deepEqual([s.email, s.phone, s.contactLeft, s.conversation], ['', '', null, null]);

  const summary = agentWs.next('visitor', { where: (d) => d.id === v.visitorId && d.contactLeft });
  const ok = await post({ email: ' 张三@例子.中国 ', phone: '+86 138-0013-8000', message: '想问一下退货' });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.email, '张三@例子.中国');
  assert.equal(ok.json.phone, '+86 138-0013-8000');
  assert.equal(ok.json.contactLeft.reason, 'nobody');
  s = (await summary).data;
  assert.equal(s.contactLeft.reason, 'nobody');
  assert.deepEqual([s.conversation.assignee, s.conversation.status], [null, 'open']);
  assert.equal(s.email, '张三@例子.中国');
  // The visitor sees its message and a system line in full-width punctuation.
  const hist = (await api(srv, 'GET', '/api/messages', { token: v.token })).json.messages;
  assert.deepEqual(hist.map((m) => m.from), ['visitor', 'system']);
  assert.equal(hist[0].text, '想问一下退货');
  assert.match(hist[1].text, /^已收到您的联系方式（张三@例子\.中国、\+86 138-0013-8000），我们会尽快联系您。$/);
  // An agent's reply takes the mark away.
  agentWs.send('message', { visitorId: v.visitorId, id: 'a1', text: '您好，我是小李' });
  await agentWs.next('ack');
  s = (await api(srv, 'GET', `/api/agent/visitors/${v.visitorId}`, { token: srv.agent })).json;
  assert.equal(s.contactLeft, null);
  assert.equal(s.conversation.assignee, 'li');
  // A phone number alone is enough; the form is rate limited.
  for (let i = 0; i < 4; i++) assert.equal((await post({ phone: '13800138000' })).status, 201);
  assert.equal((await post({ phone: '13800138000' })).status, 429);
  agentWs.close();
  await srv.close();
});

test('a data folder from before business hours upgrades: groups and visitors gain the columns, nothing is lost', async () => {
  const srv0 = await startServer({ adminPass: ADMIN_PASS });
  const v = await newVisitor(srv0, '老访客');
  await api(srv0, 'POST', '/api/messages', { token: v.token, body: { id: 'm1', text: '以前的消息' } });
  const dir = srv0.dataDir;
  await srv0.close();
  // Back to the schema as it was: without the columns of this feature.
  const old = new Database(path.join(dir, 'kefu.db'));
  for (const [t, c] of [['groups', 'hours'], ['groups', 'texts'], ['visitors', 'contact_left'], ['visitors', 'contact_reason']]) {
    old.exec(`ALTER TABLE ${t} DROP COLUMN ${c}`);
  }
  old.close();
  const srv = await startServer({ dataDir: dir, adminPass: ADMIN_PASS });
  const admin = await agentLogin(srv, 'admin', ADMIN_PASS);
  assert.equal((await api(srv, 'PUT', '/api/admin/groups/default/hours', { token: admin, body: { hours: CLOSED } })).status, 200);
  assert.equal((await api(srv, 'GET', '/api/config')).json.kefu.unavailable, 'hours');
  const ok = await api(srv, 'POST', '/api/visitors/me/contact', { token: v.token, body: { email: 'old@example.com' } });
  assert.equal(ok.status, 201);
  assert.equal(ok.json.contactLeft.reason, 'hours');
  const hist = (await api(srv, 'GET', '/api/messages', { token: v.token })).json.messages;
  assert.equal(hist[0].text, '以前的消息');
  await srv.close();
});
