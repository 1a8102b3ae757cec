'use strict';
// A team of two agents in two browser contexts: routing to the less busy one, the group list, transfer
// with the line the visitor's widget shows, away excluded from routing, close and reopen.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const { ROOT, startServer, launch, openVisitor, waitReady, visitorMessages, until } = require('./harness');

let server, browser, li, wang, visitor;
const PASS = { li: 'li-pass-123', wang: 'wang-pass-1' };

before(async () => {
  // The accounts are made with the CLI before the first start.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-e2e-team-'));
  for (const [user, name] of [['li', '小李'], ['wang', '小王']]) {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'shell/admin.js'), '--data', dataDir, 'add', user, '--name', name, '--password', PASS[user]], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
  server = await startServer({ dataDir, env: { KEFU_ADMIN_PASS: 'admin-pass-1' } });
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function consoleOf(user) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(String(e)));
  await page.goto(`${server.url}/agent/`);
  await page.fill('#login-user', user);
  await page.fill('#login-pass', PASS[user]);
  await page.click('#login-submit');
  await page.waitForFunction(() => window.__kefuAgent.wsState === 'online', null, { timeout: 60000 });
  return page;
}
const teamOf = (page) => page.evaluate(() => fetch('/api/agent/team', { headers: { authorization: `Bearer ${sessionStorage.getItem('kefu.agent.token')}` } }).then((r) => r.json()));
const count = (page, tab) => page.textContent(`#list-tabs [data-tab="${tab}"] .n`).then(Number);
const waitCount = (page, tab, n) => until(async () => (await count(page, tab)) === n, { what: `${tab} = ${n}`, timeout: 20000 });
async function apiVisitor(text) {
  const v = await (await fetch(`${server.url}/api/visitors`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json();
  await fetch(`${server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${v.token}` }, body: JSON.stringify({ id: 'm1', text }) });
  return v;
}

test('two agents: the less busy one gets the next conversation, the group sees both', async () => {
  li = await consoleOf('li');
  wang = await consoleOf('wang');
  await apiVisitor('第一位访客'); // both idle with nothing open: li (the smaller id) gets it
  await waitCount(li, 'mine', 1);
  // A Chinese browser: the widget's visitor speaks zh-CN, so the server's lines are in Chinese.
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
  visitor = await openVisitor(browser, `${server.url}/`, { context });
  await visitor.locator('#kefu-root button.l').click();
  await waitReady(visitor, 60000);
  await visitor.evaluate(() => window.Kefu.send('我想问一下售后'));
  await waitCount(wang, 'mine', 1);
  await waitCount(li, 'group', 2);
  assert.equal(await count(li, 'mine'), 1);
  assert.equal(await count(wang, 'unassigned'), 0);
  assert.match(await wang.textContent('#team-note'), /assigned to you/);
});

test('transfer from the console: the visitor\'s widget shows 已为您转接 小李', async () => {
  await wang.click('#list-tabs [data-tab="mine"]');
  await wang.click('#visitor-list .visitor-item');
  await until(async () => /小王/.test(await wang.textContent('#chat-assignee')), { what: 'the chat head names the assignee' });
  await wang.selectOption('#transfer-to', 'agent:li');
  // Team updates between the choice and the click (小王's own presence: away, then online again) redraw
  // the targets; 小李 stays chosen.
  await wang.evaluate(() => { document.querySelector('#transfer-to option[value="agent:li"]').dataset.old = '1'; });
  for (const status of ['away', 'online']) {
    await wang.selectOption('#presence-select', status);
    await until(async () => (await teamOf(wang)).agents.find((a) => a.id === 'wang').status === status, { what: `wang ${status} on the server` });
  }
  await until(() => wang.evaluate(() => !document.querySelector('#transfer-to option[data-old]')), { what: 'the targets redrawn' });
  assert.equal(await wang.inputValue('#transfer-to'), 'agent:li', 'the chosen agent stays chosen through a team update');
  await wang.click('#transfer');
  await until(async () => (await visitorMessages(visitor)).some((m) => m.from === 'system' && m.text === '已为您转接 小李'), { what: 'the transfer line in the widget', timeout: 20000 });
  await waitCount(li, 'mine', 2);
  await waitCount(wang, 'mine', 0);
});

test('an away agent is not routed to; close and a new visitor message reopen and route again', async () => {
  await li.selectOption('#presence-select', 'away');
  await until(async () => (await teamOf(li)).agents.find((a) => a.id === 'li').status === 'away', { what: 'li away on the server' });
  await apiVisitor('第三位访客');
  await waitCount(wang, 'mine', 1);
  // li closes the widget visitor's conversation; its next message goes to wang, li being away.
  await li.click('#list-tabs [data-tab="mine"]');
  const row = li.locator('#visitor-list .visitor-item', { hasText: '已为您转接' });
  await row.click();
  await li.click('#close-conv');
  await waitCount(li, 'closed', 1);
  await waitCount(li, 'mine', 1);
  await visitor.evaluate(() => window.Kefu.send('还有一个问题'));
  await waitCount(wang, 'mine', 2);
  await waitCount(li, 'closed', 0);
  assert.deepEqual([...li.problems, ...wang.problems], []);
});

test('data-kefu names a group: the widget\'s visitor is routed there (nobody of it available: unassigned)', async () => {
  const login = await (await fetch(`${server.url}/api/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'admin-pass-1' }) })).json();
  const made = await fetch(`${server.url}/api/admin/groups`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${login.token}` }, body: JSON.stringify({ id: 'after', name: '售后', members: ['li'] }),
  });
  assert.equal(made.status, 201);
  const before = await count(wang, 'unassigned');
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
  const page = await openVisitor(browser, `${server.url}/try.html?kefu=after`, { context });
  await page.locator('#kefu-root button.l').click();
  await waitReady(page, 60000);
  await page.evaluate(() => window.Kefu.send('售后问题'));
  // li, the group's only member, is away: it waits unassigned in 售后 instead of going to wang.
  await waitCount(wang, 'unassigned', before + 1);
  assert.equal(await count(wang, 'mine'), 2);
});
