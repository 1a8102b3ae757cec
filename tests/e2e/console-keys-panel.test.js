'use strict';
// The console by keyboard (move through the list, open, reply, back, search, the ? help) and the
// visitor panel following a real widget visitor from one page of the demo site to the next.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { openVisitor, waitReady, agentLogin, until, startFile, stopFile } = require('./harness');
const { api, newVisitor, visitorSocket } = require('../server/helpers');

let server;
let browser;
before(async () => {
  ({ server, browser } = await startFile({ agent: false }));
  server.wsUrl = server.url.replace(/^http/, 'ws');
});
after(() => stopFile({ browser, server }));

const focusedRow = (page) => page.evaluate(() => {
  const a = document.activeElement;
  return a && a.classList.contains('visitor-item') ? a.dataset.visitorId : (a ? `#${a.id}` : null);
});
const listOrder = (page) => page.$$eval('#visitor-list .visitor-item', (li) => li.map((n) => n.dataset.visitorId));

test('keyboard: j/k move through the list, Enter opens, Esc goes back, r replies, / searches, ? shows the shortcuts', async () => {
  const people = [];
  for (const name of ['甲 A', '乙 B', '丙 C']) {
    const v = await newVisitor(server, name);
    const s = await visitorSocket(server, v.token);
    s.send('message', { id: `m-${v.visitorId}`, text: `你好 from ${name}` });
    await s.next('ack');
    people.push({ ...v, s });
  }
  const page = await agentLogin(browser, server.url);
  await page.waitForFunction(() => document.querySelectorAll('#visitor-list .visitor-item').length === 3);
  assert.match(await page.textContent('#shortcut-line'), /j.*k.*Enter.*r.*\/.*\?/s, 'the shortcuts are shown in the top bar');
  const order = await listOrder(page);

  await page.keyboard.press('j');
  assert.equal(await focusedRow(page), order[0]);
  await page.keyboard.press('j');
  await page.keyboard.press('ArrowDown');
  assert.equal(await focusedRow(page), order[2]);
  await page.keyboard.press('j'); // stops at the end
  assert.equal(await focusedRow(page), order[2]);
  await page.keyboard.press('k');
  assert.equal(await focusedRow(page), order[1]);

  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => window.__kefuAgent.selectedVisitorId === id, order[1]);
  await until(async () => (await focusedRow(page)) === '#reply', { what: 'the reply box focused after opening' });
  assert.match(await page.textContent('#chat-name'), /乙 B|甲 A|丙 C/);
  await page.keyboard.type('马上');
  await page.keyboard.press('Escape');
  assert.equal(await focusedRow(page), order[1], 'Esc in the reply box goes back to the row');
  await page.keyboard.press('r');
  assert.equal(await focusedRow(page), '#reply');
  assert.equal(await page.inputValue('#reply'), '马上', 'the draft is still there');

  // Alt+↓ opens the next conversation even while typing.
  await page.keyboard.press('Alt+ArrowDown');
  await page.waitForFunction((id) => window.__kefuAgent.selectedVisitorId === id, order[2]);
  await until(async () => (await focusedRow(page)) === '#reply', { what: 'the reply box of the next conversation' });

  // A visitor writing while the agent moves by keyboard does not move the rows under the keys.
  await page.keyboard.press('Escape');
  await page.keyboard.press('k');
  const before = await listOrder(page);
  people.find((p) => p.visitorId === order[2]).s.send('message', { id: 'later', text: '还在吗' });
  await page.waitForTimeout(300);
  assert.deepEqual(await listOrder(page), before, 'held while the keys move');
  await until(async () => (await listOrder(page))[0] === order[2], { what: 'the new order once the keys rest' });

  await page.keyboard.press('/');
  assert.equal(await focusedRow(page), '#search-q');
  await page.keyboard.press('Escape');
  await page.click('#chat-name'); // out of the search box
  await page.keyboard.press('?');
  assert.equal(await page.isVisible('#shortcut-help'), true);
  assert.match(await page.textContent('#shortcut-help'), /Alt.*↓/s);
  await page.keyboard.press('Escape');
  assert.equal(await page.isHidden('#shortcut-help'), true);
  assert.deepEqual(page.problems, []);
  for (const p of people) p.s.close();
  await page.context().close();
});

test('visitor panel: the page the widget visitor is on, updated as they navigate, with browser, language, local time, visits', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const visitor = await openVisitor(browser, `${server.url}/`, { context: ctx });
  await visitor.evaluate(() => window.Kefu.open()); // a first visitor connects once they open the chat
  await waitReady(visitor);
  const title1 = await visitor.title(); // the demo site's own titles
  const id = await visitor.evaluate(() => window.Kefu.state().visitorId);
  assert.ok(id, 'the widget has a visitor id');
  const page = await agentLogin(browser, server.url);
  await page.waitForSelector(`.visitor-item[data-visitor-id="${id}"]`);
  await page.click(`.visitor-item[data-visitor-id="${id}"]`);
  await page.waitForFunction(([t]) => (document.querySelector('#vp-facts [data-k="page"]')?.textContent || '') === t, [title1]);
  const facts = () => page.$$eval('#vp-facts dd', (dd) => Object.fromEntries(dd.map((d) => [d.dataset.k, d.textContent])));
  let f = await facts();
  assert.equal(await page.getAttribute('#vp-facts [data-k="page"] a', 'href'), `${server.url}/`);
  assert.match(f.browser, /^Chrome(?:Headless)? \d+ · Linux$|^Chrome \d+ · Linux$/);
  assert.equal(f.lang, 'zh-CN');
  assert.match(f.time, /^\d\d:\d\d \(Asia\/Shanghai, UTC\+8\)$/);
  assert.equal(f.visits, '1');
  assert.ok(f.first, 'first seen');

  // The visitor goes to the next page of the site: the panel follows without reopening anything.
  await visitor.goto(`${server.url}/second.html`);
  await waitReady(visitor); // a returning visitor connects by itself
  const title2 = await visitor.title();
  assert.notEqual(title2, title1);
  await page.waitForFunction(([t]) => (document.querySelector('#vp-facts [data-k="page"]')?.textContent || '') === t, [title2], { timeout: 10000 });
  assert.ok((await page.textContent('#vp-now')).includes(title2));
  assert.ok((await page.textContent('#vp-pages')).includes(title1), 'the page before is listed');
  f = await facts();
  assert.equal(f.visits, '1', 'the same visit');
  // A page changing its address and title without a load (a single-page site) is reported too.
  await visitor.evaluate(() => { history.pushState({}, '', '/second.html?step=pay'); document.title = '付款 Pay'; });
  await page.waitForFunction(() => /付款 Pay/.test(document.querySelector('#vp-facts [data-k="page"]')?.textContent || ''), null, { timeout: 10000 });
  assert.equal(await page.getAttribute('#vp-facts [data-k="page"] a', 'href'), `${server.url}/second.html?step=pay`);

  const stored = await api(server, 'GET', `/api/agent/visitors/${id}/info`, { token: await page.evaluate(() => sessionStorage.getItem('kefu.agent.token')) });
  assert.deepEqual(stored.json.pages.map((p) => p.title), ['付款 Pay', title2, title1]);
  assert.deepEqual(page.problems, []);
  assert.deepEqual(visitor.problems, []);
  await ctx.close();
  await page.context().close();
});
