'use strict';
// The widget for keyboard and screen-reader users: axe-core finds no serious or critical problem on the open
// panel, in a call or on a phone; every flow (open, type, send, call, hang up, close) works with Tab, Enter
// and Escape alone; the conversation is one role="log" whose new messages are added once each.
const path = require('node:path');
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { ROOT, openVisitor, waitReady, until, startFile, stopFile } = require('./harness');
const { focused, tabTo, layerMessages } = require('./text-layer');

const AXE = path.join(ROOT, 'shell/node_modules/axe-core/axe.min.js');
let server, browser, agent;

before(async () => ({ server, browser, agent } = await startFile()));

after(() => stopFile({ browser, server }));

async function visitor(options = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', bypassCSP: true, ...options });
  return openVisitor(browser, server.url + '/', { context: ctx });
}

// axe-core on the widget only (the host page is not ours): its serious and critical violations.
async function axe(page) {
  await page.addScriptTag({ path: AXE });
  const r = await page.evaluate(() => window.axe.run({ include: [['#kefu-root']] }, { resultTypes: ['violations'] }));
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function openPanel(page) {
  await page.evaluate(() => window.Kefu.open());
  await waitReady(page);
  await until(async () => (await layerMessages(page)).length > 0, { what: 'the conversation in the layer' });
}

const callState = (page) => page.evaluate(() => window.Kefu.state().call);
const launcherLabel = (page) => page.evaluate(() =>
  document.getElementById('kefu-root').shadowRoot.querySelector('button.l').getAttribute('aria-label'));

test('axe: no serious or critical violations on the open panel and in a call', async () => {
  const page = await visitor();
  await openPanel(page);
  await page.evaluate(() => window.Kefu.send('你好，请问 https://example.com/a 这个还有货吗？'));
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(await axe(page), []);
  const call = page.evaluate(() => window.Kefu.call({ video: false }).then((e) => e.state, (e) => e.code));
  await agent.waitForSelector('#call-accept', { state: 'visible' });
  await agent.click('#call-accept');
  assert.equal(await call, 'in-call');
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(await axe(page), []);
  await page.evaluate(() => window.Kefu.hangup());
  await until(async () => (await callState(page)) !== 'in-call', { what: 'hung up' });
  await page.context().close();
});

test('phone: full-screen panel, no serious axe violations, nothing focusable behind it', async () => {
  const page = await visitor({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  await openPanel(page);
  assert.deepEqual(await axe(page), []);
  const behind = await page.evaluate(() => {
    const root = document.getElementById('kefu-root').shadowRoot;
    const link = document.querySelector('header a');
    return { link: !!link.closest('[inert]'), launcher: root.querySelector('button.l').inert, modal: root.querySelector('[role=dialog]').getAttribute('aria-modal') };
  });
  assert.deepEqual(behind, { link: true, launcher: true, modal: 'true' });
  await page.evaluate(() => window.Kefu.close());
  await until(() => page.evaluate(() => !document.querySelector('header a').closest('[inert]')), { what: 'the page usable again' });
  await page.context().close();
});

test('keyboard only: open, type, send, call, hang up and close with Tab, Enter and Escape', async () => {
  const page = await visitor();
  const launcher = await launcherLabel(page);
  await tabTo(page, launcher, { key: 'Shift+Tab' }); // the launcher is the page's last stop
  await page.keyboard.press('Enter');
  await until(async () => (await focused(page))?.tag === 'textarea', { what: 'opening focuses the composer' });
  await waitReady(page);
  await page.keyboard.type('键盘发来的消息');
  await page.keyboard.press('Enter');
  await until(async () => (await page.evaluate(() => window.Kefu.messages())).some((m) => m.text === '键盘发来的消息'), { what: 'sent' });
  // Back to 语音 in the header: the twins run in visual order, composer last.
  const order = [];
  for (let i = 0; i < 40 && (await focused(page))?.label !== '语音'; i++) {
    await page.keyboard.press('Shift+Tab');
    order.push((await focused(page))?.label);
  }
  assert.deepEqual(order.slice(0, 2), ['表情', '对话记录'], `Shift+Tab order: ${order}`);
  assert.deepEqual(order.slice(-3), ['关闭', '视频', '语音'], `Shift+Tab order: ${order}`);
  await page.keyboard.press('Enter');
  await agent.waitForSelector('#call-accept', { state: 'visible' });
  await agent.click('#call-accept');
  await until(async () => (await callState(page)) === 'in-call', { what: 'in a call' });
  await tabTo(page, '挂断');
  await page.keyboard.press('Enter');
  await until(async () => ['ended', 'idle'].includes(await callState(page)), { what: 'hung up by keyboard' });
  await page.keyboard.press('Escape');
  await until(async () => !(await page.evaluate(() => window.Kefu.state().open)), { what: 'Escape closes' });
  // The call's record may arrive after the close: the launcher's label then carries the unread count.
  const back = (await focused(page))?.label || '';
  assert.ok(back === launcher || back.startsWith(`${launcher} (`), `focus is back on the launcher (${back})`);
  await page.context().close();
});

test('the conversation is one log: welcome and history, speakers named, each new message added once', async () => {
  const page = await visitor();
  await openPanel(page);
  await page.evaluate(() => window.Kefu.send('我想问一下发货'));
  const vid = await page.evaluate(() => window.Kefu.state().visitorId);
  await until(async () => (await layerMessages(page)).some((m) => m.text === '我想问一下发货'), { what: 'own message' });
  await page.evaluate(() => {
    const log = document.getElementById('kefu-root').shadowRoot.querySelector('[role=log]');
    window.__added = [];
    window.__removed = 0;
    new MutationObserver((ms) => ms.forEach((m) => {
      m.addedNodes.forEach((n) => n.classList?.contains('m') && window.__added.push(n.textContent));
      m.removedNodes.forEach((n) => { if (n.classList?.contains('m')) window.__removed++; });
    })).observe(log, { childList: true, subtree: true, characterData: true });
  });
  await agent.click(`.visitor-item[data-visitor-id="${vid}"]`);
  await agent.type('#reply', '今天发货');
  await agent.click('#send');
  await until(async () => (await layerMessages(page)).some((m) => m.text === '今天发货'), { what: 'reply' });
  await new Promise((r) => setTimeout(r, 800)); // typing indicator off, redraws settle
  assert.deepEqual(await page.evaluate(() => window.__added), ['今天发货'], 'added once');
  assert.equal(await page.evaluate(() => window.__removed), 0, 'nothing re-added');
  const logs = await page.evaluate(() => {
    const root = document.getElementById('kefu-root').shadowRoot;
    const l = root.querySelectorAll('[role=log]');
    return { count: l.length, label: l[0].getAttribute('aria-label'), live: l[0].getAttribute('aria-live') };
  });
  assert.deepEqual(logs, { count: 1, label: '对话记录', live: 'polite' });
  const ms = await layerMessages(page);
  assert.equal(ms[0].who, '客服：', 'the welcome first');
  assert.deepEqual(ms.slice(-2).map((m) => m.who), ['我：', '客服：']);
  await page.context().close();
});
