'use strict';
// Browser check of the console's shift tools: desktop notifications (permission granted, counted),
// the title, the sound prompt after a reload and the ring heard once it is clicked, drafts across
// switches and reloads, grouped messages, internal notes that never reach the visitor, search for 发票
// and an order number, canned replies with `/`. Run by tests/e2e/console-shift.test.js, or directly:
//   node tests/server/console-shift.browser.js
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');
const { startServer, api, newVisitor, visitorSocket, sleep, runMain } = require('./helpers');

const shellRequire = createRequire(path.join(__dirname, '../../shell/package.json'));
const { chromium } = shellRequire('playwright-core');
const CHROMIUM = process.env.KEFU_CHROMIUM || '/usr/bin/chromium';

// Every notification the page makes, kept with its instance so a test can click it.
const COUNT_NOTIFICATIONS = () => {
  const Real = window.Notification;
  window.__shown = [];
  class Counted extends Real {
    constructor(title, options) {
      super(title, options);
      window.__shown.push({ title, body: options && options.body, n: this });
    }
  }
  window.Notification = Counted;
};

// Chromium run by playwright lets any page start audio, headless or not; a browser a person uses keeps
// an AudioContext suspended until a press on the page. This gives the restored tab that rule: the
// context starts suspended and resumes only with a real (trusted) user activation.
const AUTOPLAY_RULE = () => {
  const Real = window.AudioContext;
  window.AudioContext = class extends Real {
    constructor(options) {
      super(options);
      super.suspend();
    }

    resume() {
      return navigator.userActivation.isActive ? super.resume() : Promise.resolve();
    }
  };
};

async function main() {
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`skipped: no Chromium at ${CHROMIUM}`);
    return;
  }
  const srv = await startServer({ rate: { messages: 100 } });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--no-first-run'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['notifications'], { origin: srv.url });
    await context.addInitScript(COUNT_NOTIFICATIONS);

    const a = await newVisitor(srv, '张三');
    const b = await newVisitor(srv, '李四');
    await api(srv, 'PATCH', '/api/visitors/me', { token: b.token, body: { phone: '13912345678' } });
    const tabA = await visitorSocket(srv, a.token);
    const tabB = await visitorSocket(srv, b.token);
    tabA.send('message', { id: 'a1', text: '你好，我要开发票，订单号 KF-20261201-77' });
    await tabA.next('ack');
    tabB.send('message', { id: 'b1', text: '在吗' });
    await tabB.next('ack');

    const page = await context.newPage();
    page.on('pageerror', (e) => console.log('[console page error]', e.message));
    await page.goto(`${srv.url}/agent/`);
    await page.fill('#login-user', 'kefu1');
    await page.fill('#login-pass', 'kefu123');
    await page.click('#login-submit');
    await page.waitForFunction(() => window.__kefuAgent.wsState === 'online');
    assert.equal(await page.isHidden('#notify-prompt'), true, 'permission already granted: nothing to ask');
    assert.match(await page.title(), /^\(2\) 新消息 · 客服工作台/, 'the title says what waits');
    const itemA = `.visitor-item[data-visitor-id="${a.visitorId}"]`;
    const itemB = `.visitor-item[data-visitor-id="${b.visitorId}"]`;

    // Drafts: a half-written reply survives switching away and back.
    await page.click(itemA);
    await page.waitForSelector('#message-list .msg[data-id="a1"]');
    await page.fill('#reply', '您好，发票稍后');
    await page.click(itemB);
    await page.waitForSelector('#message-list .msg[data-id="b1"]');
    assert.equal(await page.inputValue('#reply'), '', 'the other conversation has its own (empty) draft');
    await page.click(itemA);
    assert.equal(await page.inputValue('#reply'), '您好，发票稍后');

    // A message in a conversation not on screen notifies; a click on the notification opens it.
    const before = await page.evaluate(() => window.__shown.length);
    tabB.send('message', { id: 'b2', text: '请问发货了吗' });
    await page.waitForFunction((n) => window.__shown.length > n, before);
    const note = await page.evaluate(() => window.__shown[window.__shown.length - 1]);
    assert.match(note.title, /李四/);
    assert.equal(note.body, '请问发货了吗');
    await page.evaluate(() => window.__shown[window.__shown.length - 1].n.onclick());
    await page.waitForFunction((id) => window.__kefuAgent.selectedVisitorId === id, b.visitorId);
    await page.waitForSelector('#message-list .msg[data-id="b2"]');

    // Grouping: b1 and b2 came within minutes from the visitor: one timestamp, under b2.
    const metas = await page.$$eval('#message-list .msg[data-from="visitor"]', (ms) => ms.map((m) => getComputedStyle(m.querySelector('.meta')).display !== 'none'));
    assert.deepEqual(metas, [false, true], 'one timestamp per group');

    // A new conversation notifies too.
    const c = await newVisitor(srv, '王五');
    const tabC = await visitorSocket(srv, c.token);
    tabC.send('message', { id: 'c1', text: '第一次来' });
    await page.waitForFunction(() => window.__shown.some((s) => /新会话/.test(s.title) && /王五/.test(s.title)));

    // A draft someone else wrote into storage (not text) is ignored, not shown or thrown over.
    const me = await api(srv, 'GET', '/api/agent/me', { token: await page.evaluate(() => sessionStorage.getItem('kefu.agent.token')) });
    await page.evaluate(([k]) => localStorage.setItem(k, '{"text":{"x":1},"at":"soon"}'), [`kefu.draft.${me.json.agent.id}.${c.visitorId}`]);
    await page.click(`.visitor-item[data-visitor-id="${c.visitorId}"]`);
    assert.equal(await page.inputValue('#reply'), '');
    await page.click(itemB);

    // Canned replies: `/` alone lists them all, ↓ moves the choice. The box just lost and got back the
    // focus (as after a click in the list): the picker stays open all the same.
    await page.click('#reply');
    await page.evaluate(() => {
      document.getElementById('reply').blur();
      document.getElementById('reply').focus();
    });
    await page.keyboard.type('/');
    await page.waitForSelector('#canned-picker:not([hidden]) .canned-item');
    await sleep(250);
    assert.equal(await page.isVisible('#canned-picker'), true, 'a blur before the typing does not close it');
    assert.ok(await page.$$eval('#canned-picker .canned-item', (l) => l.length) >= 3);
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.$eval('#canned-picker .canned-item[aria-selected="true"]', (li) => li.dataset.index), '1');
    await page.keyboard.press('Escape');
    assert.equal(await page.isHidden('#canned-picker'), true);
    await page.fill('#reply', '');
    // Canned replies: `/发票` opens the picker narrowed to the invoice reply, Enter inserts it unsent.
    await page.click('#reply');
    await page.keyboard.type('/发票');
    await page.waitForSelector('#canned-picker:not([hidden]) .canned-item');
    assert.equal(await page.$$eval('#canned-picker .canned-item', (l) => l.length), 1);
    await page.keyboard.press('Enter');
    assert.match(await page.inputValue('#reply'), /^发票会在订单完成后/);
    assert.equal(await page.isHidden('#canned-picker'), true);
    assert.equal(await page.$$eval('#message-list .msg[data-from="agent"]', (l) => l.length), 0, 'inserted, not sent');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#message-list .msg[data-from="agent"]:not(.pending)');
    await tabB.next('message', { where: (m) => /^发票会在订单完成后/.test(m.text) });

    // Internal notes: the agent sees them, the visitor's socket and endpoints never do.
    await page.click('#notes > summary');
    await page.fill('#note-input', '老客户，上次投诉过物流 NOTE-5521');
    await page.click('#note-add');
    await page.waitForSelector('#note-list .note');
    assert.match(await page.textContent('#note-list'), /NOTE-5521/);
    assert.equal(await page.textContent('#note-count'), '1');
    await sleep(300);
    assert.doesNotMatch(JSON.stringify(tabB.frames), /NOTE-5521/, 'no frame to the visitor carries the note');
    for (const p of ['/api/messages', '/api/visitors/me']) {
      assert.doesNotMatch((await api(srv, 'GET', p, { token: b.token })).text, /NOTE-5521/, p);
    }

    // Search across conversations: 发票 (2 characters), an order number, a phone number.
    for (const [q, who] of [['发票', a.visitorId], ['20261201-77', a.visitorId], ['1391234', b.visitorId]]) {
      await page.fill('#search-q', q);
      await page.waitForSelector(`#search-results:not([hidden]) .search-hit[data-visitor-id="${who}"]`);
      assert.equal(await page.isHidden('#visitor-list'), true, 'results stand in for the list');
    }
    await page.fill('#search-q', '20261201-77');
    await page.waitForSelector(`#search-results .search-hit[data-visitor-id="${a.visitorId}"] .hit-text`);
    await page.click(`#search-results .search-hit[data-visitor-id="${a.visitorId}"]`);
    await page.waitForFunction((id) => window.__kefuAgent.selectedVisitorId === id, a.visitorId);
    await page.fill('#search-q', '');
    assert.equal(await page.isVisible('#visitor-list'), true);

    // Reload: the session stays and the draft is still there.
    await page.reload();
    await page.waitForFunction(() => window.__kefuAgent.wsState === 'online');
    await page.click(itemA);
    assert.equal(await page.inputValue('#reply'), '您好，发票稍后', 'the draft survives the reload');
    console.log(`after the reload the sound is ${await page.evaluate(() => (window.__kefuAgent.soundUnlocked ? 'on' : 'locked'))}`);
    const token = await page.evaluate(() => sessionStorage.getItem('kefu.agent.token'));
    await page.close();

    // The session reopened in a tab nobody has pressed anything in yet: the audio is locked and the
    // prompt says so.
    const restored = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await restored.grantPermissions(['notifications'], { origin: srv.url });
    await restored.addInitScript(COUNT_NOTIFICATIONS);
    await restored.addInitScript(AUTOPLAY_RULE);
    const fresh = await restored.newPage();
    await fresh.addInitScript((t) => sessionStorage.setItem('kefu.agent.token', t), token);
    await fresh.goto(`${srv.url}/agent/`);
    await fresh.waitForFunction(() => window.__kefuAgent.wsState === 'online');
    await fresh.waitForSelector('#sound-prompt:not([hidden])');
    assert.equal(await fresh.evaluate(() => window.__kefuAgent.soundUnlocked), false);
    // The tab goes to the background; a ring there still notifies. Before the press it plays nothing.
    await fresh.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    });
    const ring = await api(srv, 'POST', '/2/callKefu', { token: b.token, body: { action: 'callpeer', kefu_id: 'kefu1' } });
    assert.equal(ring.status, 200, ring.text);
    await fresh.waitForSelector('#call-card:not([hidden])');
    await fresh.waitForFunction(() => window.__shown.some((s) => /来电/.test(s.title) && /李四/.test(s.title)));
    assert.match(await fresh.title(), /\(1\) 来电/);
    await sleep(500);
    assert.equal(await fresh.evaluate(() => window.__kefuAgent.beeps), 0, 'locked audio plays nothing');
    // One click on the prompt: the ring is heard, the prompt goes.
    await fresh.click('#sound-prompt');
    await fresh.waitForFunction(() => window.__kefuAgent.soundUnlocked === true);
    await fresh.waitForFunction(() => window.__kefuAgent.beeps >= 2, null, { timeout: 5000 });
    assert.equal(await fresh.isHidden('#sound-prompt'), true);
    // A message in another conversation chimes too.
    const beeps = await fresh.evaluate(() => window.__kefuAgent.beeps);
    tabC.send('message', { id: 'c2', text: '还在吗' });
    await fresh.waitForFunction((n) => window.__kefuAgent.beeps >= n + 2, beeps + 0);
    await fresh.click('#call-reject');
    await fresh.waitForFunction(() => !/来电/.test(document.title));

    // Without a decision yet the console explains and asks once; "not now" is remembered over a reload.
    const undecided = await browser.newContext();
    const ask = await undecided.newPage();
    await ask.goto(`${srv.url}/agent/`);
    assert.equal(await ask.evaluate(() => Notification.permission), 'default');
    {
      await ask.fill('#login-user', 'kefu1');
      await ask.fill('#login-pass', 'kefu123');
      await ask.click('#login-submit');
      await ask.waitForSelector('#notify-prompt:not([hidden])');
      assert.match(await ask.textContent('#notify-prompt'), /桌面通知.*notifications/s);
      // While it waits for an answer it covers nothing: the chat head and its controls take clicks.
      await ask.click(itemA);
      await ask.click('#notes > summary', { timeout: 3000 });
      await ask.click('#close-conv', { trial: true, timeout: 3000 });
      await ask.click('#notify-dismiss');
      assert.equal(await ask.isHidden('#notify-prompt'), true);
      await ask.reload();
      await ask.waitForFunction(() => window.__kefuAgent.wsState === 'online');
      await sleep(200);
      assert.equal(await ask.isHidden('#notify-prompt'), true, 'asked once');
    }
    await undecided.close();

    for (const t of [tabA, tabB, tabC]) t.close();
    console.log('console shift browser check passed');
  } finally {
    await browser.close();
    await srv.close();
  }
}

runMain(main);
