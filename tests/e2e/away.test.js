'use strict';
// Business hours, 留言 and branding across browsers: a visitor whose group has nobody available, and one
// outside business hours, leave a contact in the widget's card; the agent's console marks the waiting
// conversation. The admin page sets the branding colour, refuses a weak one, and the widget draws it.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, launch, openVisitor, openWithSettings, waitReady, visitorMessages, until } = require('./harness');

const ADMIN_PASS = 'admin-pass-1';
let server, browser, adminToken, li;

const call = async (method, p, body, token = adminToken) => {
  const r = await fetch(server.url + p, {
    method, body: body === undefined ? undefined : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  return { status: r.status, json: await r.json().catch(() => null) };
};
const login = async (user, pass) => (await call('POST', '/api/agent/login', { username: user, password: pass }, null)).json.token;

before(async () => {
  server = await startServer({ env: { KEFU_ADMIN_PASS: ADMIN_PASS } });
  adminToken = await login('admin', ADMIN_PASS);
  assert.equal((await call('POST', '/api/admin/agents', { username: 'li', name: '小李', password: 'li-pass-123' })).status, 201);
  assert.equal((await call('POST', '/api/admin/groups', { id: 'after', name: '售后', members: ['li'] })).status, 201);
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function consoleOf(user, pass) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(String(e)));
  await page.goto(`${server.url}/agent/`);
  await page.fill('#login-user', user);
  await page.fill('#login-pass', pass);
  await page.click('#login-submit');
  await page.waitForFunction(() => window.__kefuAgent.wsState === 'online', null, { timeout: 60000 });
  return page;
}
const card = (page) => page.locator('#kefu-root .aw');
async function openWidget(page) {
  await page.locator('#kefu-root button.l').click();
  await waitReady(page, 60000);
}
// The colour of a pixel of the widget's canvas (CSS px from its top left).
const pixel = (page, x, y) => page.evaluate(([px, py]) => {
  const c = document.getElementById('kefu-root').shadowRoot.querySelector('canvas');
  const t = document.createElement('canvas');
  t.width = c.width; t.height = c.height;
  const g = t.getContext('2d');
  g.drawImage(c, 0, 0);
  const dpr = c.width / c.getBoundingClientRect().width;
  return [...g.getImageData(Math.round(px * dpr), Math.round(py * dpr), 1, 1).data].slice(0, 3);
}, [x, y]);

test('nobody of the group available (its only member away): the widget says so in full, takes a phone number, the console marks the conversation', async () => {
  li = await consoleOf('li', 'li-pass-123');
  await li.selectOption('#presence-select', 'away');
  const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(String(e)));
  await page.goto(`${server.url}/try.html?${new URLSearchParams({ kefu: 'after', lang: 'zh-CN' })}`);
  await openWidget(page);
  await until(async () => card(page).isVisible(), { what: 'the 留言 card', timeout: 20000 });
  // The site's own away text, from /api/config: a status that overtook that answer shows the built-in one
  // until it is there.
  const own = /^您好，客服暂时都不在线。请留下您的邮箱或电话，我们会尽快联系您。$/;
  await until(async () => own.test(await card(page).locator('.awt').textContent()), { what: 'the site\'s away text', timeout: 5000 });
  const text = await card(page).locator('.awt').textContent();
  assert.match(text, own);
  assert.doesNotMatch(text, /[,.!?]/, 'full-width punctuation only');
  // The text wraps inside the card: several lines, nothing cut off at the side.
  const box = await card(page).locator('.awt').evaluate((e) => ({ h: e.clientHeight, line: parseFloat(getComputedStyle(e).lineHeight), sw: e.scrollWidth, cw: e.clientWidth }));
  assert.ok(box.h >= 2 * box.line, `wrapped: ${JSON.stringify(box)}`);
  assert.ok(box.sw <= box.cw, 'no overflow');
  // A wrong value is refused in the form; a phone number goes through.
  await card(page).locator('input').fill('12');
  await card(page).locator('button[type=submit]').click();
  assert.match(await card(page).locator('[role=alert]').textContent(), /请填写正确的邮箱地址或电话号码。/);
  await card(page).locator('input').fill('+86 138 0013 8000');
  await card(page).locator('button[type=submit]').click();
  await until(async () => /已收到，我们会尽快联系您。/.test(await card(page).locator('.awt').textContent()), { what: 'the thanks line' });
  await until(async () => (await visitorMessages(page)).some((m) => m.from === 'system' && /已收到您的联系方式（\+86 138 0013 8000）/.test(m.text)), { what: 'the system line in the chat' });
  const visitorId = await page.evaluate(() => window.Kefu.state().visitorId);
  // Stored on the visitor; the conversation waits unassigned and is marked in li's console.
  const s = (await call('GET', `/api/agent/visitors/${visitorId}`)).json;
  assert.equal(s.phone, '+86 138 0013 8000');
  assert.deepEqual([s.conversation.group, s.conversation.assignee, s.contactLeft.reason], ['after', null, 'nobody']);
  const mark = li.locator(`#visitor-list li[data-visitor-id="${visitorId}"] .contact-mark`);
  await until(async () => (await mark.count()) === 1, { what: 'the 留言 mark in the console', timeout: 20000 });
  assert.match(await mark.getAttribute('title'), /无人接待时留言.*\+86 138 0013 8000/);
  // li comes back: the widget's card goes away; li answers and the mark goes too.
  await li.selectOption('#presence-select', 'online');
  await until(async () => !(await card(page).isVisible()), { what: 'the card hidden once li is available' });
  await li.click(`#visitor-list li[data-visitor-id="${visitorId}"]`);
  await li.fill('#reply', '您好，我是小李');
  await li.press('#reply', 'Enter');
  await until(async () => (await mark.count()) === 0, { what: 'the mark gone after the reply' });
  assert.deepEqual(page.problems, []);
  await ctx.close();
});

test('outside business hours: the demo shop\'s widget asks for a contact although an agent is online; the e-mail is stored and marked', async () => {
  await li.selectOption('#presence-select', 'online'); // as the test before left li, whatever became of it
  assert.equal((await call('PUT', '/api/admin/hours', { hours: { tz: 'Asia/Shanghai', days: {} } })).status, 200);
  const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
  const page = await openVisitor(browser, `${server.url}/`, { context: ctx });
  await openWidget(page);
  await until(async () => card(page).isVisible(), { what: 'the card', timeout: 20000 });
  assert.match(await card(page).locator('.awt').textContent(), /outside our business hours/);
  await card(page).locator('input').fill('zhang@example.com');
  await card(page).locator('button[type=submit]').click();
  await until(async () => /Thank you/.test(await card(page).locator('.awt').textContent()), { what: 'the thanks line' });
  const visitorId = await page.evaluate(() => window.Kefu.state().visitorId);
  const s = (await call('GET', `/api/agent/visitors/${visitorId}`)).json;
  assert.deepEqual([s.email, s.contactLeft.reason, s.conversation.assignee], ['zhang@example.com', 'hours', null]);
  const mark = li.locator(`#visitor-list li[data-visitor-id="${visitorId}"] .contact-mark`);
  await until(async () => (await mark.count()) === 1, { what: 'the mark', timeout: 20000 });
  assert.match(await mark.getAttribute('title'), /非工作时间留言.*zhang@example\.com/);
  // The shop's own green, from its data-color, on the header and the launcher.
  assert.deepEqual(await pixel(page, 6, 3), [47, 125, 79]);
  assert.equal(await page.locator('#kefu-root button.l').evaluate((b) => getComputedStyle(b).backgroundColor), 'rgb(47, 125, 79)');
  assert.deepEqual(page.problems, []);
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
  // Open again.
  assert.equal((await call('PUT', '/api/admin/hours', { hours: null })).status, 200);
  await until(async () => !(await card(page).isVisible()), { what: 'the card hidden when the hours open' });
  await ctx.close();
});

test('the admin page: refused for an agent, link for an admin; a weak colour is refused with its contrast, a dark one reaches the widget', async () => {
  // li's own token cannot open the admin page (the server answers 403).
  await li.goto(`${server.url}/agent/admin.html`);
  await until(async () => /Only admins/.test(await li.textContent('#admin-status')), { what: 'the refusal' });
  assert.equal(await li.isVisible('#admin-main'), false);
  assert.equal((await call('GET', '/api/admin/branding', undefined, await login('li', 'li-pass-123'))).status, 403);

  const admin = await consoleOf('admin', ADMIN_PASS);
  await admin.click('#admin-link');
  await admin.waitForSelector('body[data-loaded]');
  // Agents: add one, it appears in the list.
  await admin.fill('#agent-add [name=username]', 'zhao');
  await admin.fill('#agent-add [name=name]', '小赵');
  await admin.fill('#agent-add [name=password]', 'zhao-pass-1');
  await admin.click('#agent-add button[type=submit]');
  await admin.waitForSelector('#agent-rows tr[data-agent-id="zhao"]');
  // Branding: #ffcc00 has 1.6:1 with white text.
  await admin.click('#tab-settings');
  await admin.fill('#brand-primary', '#ffcc00');
  assert.match(await admin.textContent('#brand-contrast'), /✗/);
  await admin.click('#branding-form button[type=submit]');
  await until(async () => /contrast of 1\.\d\d:1 with white text/.test(await admin.textContent('#branding-form .form-error')), { what: 'the server\'s refusal' });
  await admin.fill('#brand-primary', '#8a2be2');
  await admin.fill('#branding-form [name="launcher.en"]', 'Ask us');
  await admin.click('#branding-form button[type=submit]');
  await until(async () => (await call('GET', '/api/config')).json.branding.primary === '#8a2be2', { what: 'the colour stored' });
  assert.equal(await admin.textContent('#branding-form .form-error'), '');

  const page = await openWithSettings(browser, server.url, { lang: 'en' });
  await openWidget(page);
  await until(async () => {
    const [r, g, b] = await pixel(page, 6, 3);
    return r === 138 && g === 43 && b === 226;
  }, { what: 'the header in #8a2be2', timeout: 10000 });
  const launcher = page.locator('#kefu-root button.l');
  assert.equal(await launcher.evaluate((b) => getComputedStyle(b).backgroundColor), 'rgb(138, 43, 226)');
  assert.equal(await launcher.getAttribute('aria-label'), 'Ask us');
  assert.deepEqual(page.problems, []);
  assert.deepEqual(admin.problems, []);
});
