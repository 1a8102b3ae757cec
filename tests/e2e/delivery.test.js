'use strict';
// Messages a visitor can trust, with a real console answering: 发送中… (only when a send is slow) → 已送达 → 已读
// under the visitor's newest message, the "新消息 ↓" pill, the unread divider, the launcher's preview of a
// reply and its close icon while the panel is open. One server, one browser.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, launch, openVisitor, waitReady, agentLogin, until } = require('./harness');

let server, browser, visitor, agent, vid;
let holdMs = 0; // the visitor's message frames reach the server this much later (a slow network)

// Runs fn(host, arg) in the page on the widget's host element (its shadowRoot holds everything).
const shadow = (page, fn, arg) => page.locator('#kefu-root').evaluate(fn, arg);
const state = (page) => page.evaluate(() => window.Kefu.state());
// The delivery mark and divider lines of the text layer (what a screen reader reads), top to bottom.
const marks = (page) => shadow(page, (host) => [...host.shadowRoot.querySelectorAll('[role=log] .s')].map((e) => e.textContent));
const agentSend = async (text) => { await agent.fill('#reply', text); await agent.click('#send'); };
const lastAgent = (page, text) => page.waitForFunction((t) => window.Kefu.messages().some((m) => m.from === 'agent' && m.text === t), text);

before(async () => {
  server = await startServer();
  browser = await launch();
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  // Counts the sounds the page makes (the preview's chime needs an earlier gesture).
  await ctx.addInitScript(() => {
    window.__sounds = 0;
    const AC = window.AudioContext;
    if (AC) window.AudioContext = class extends AC { constructor(...a) { super(...a); window.__sounds++; } };
  });
  // Holds the visitor's chat messages on their way to the server while holdMs > 0, in order.
  await ctx.routeWebSocket(/\/ws\/visitor$/, (ws) => {
    const up = ws.connectToServer();
    let chain = Promise.resolve();
    ws.onMessage((m) => {
      let type = '';
      try { type = JSON.parse(m).type; } catch { /* not JSON: passed on as it is */ }
      const slow = holdMs > 0 && type === 'message';
      const wait = slow ? holdMs : 0;
      chain = chain.then(() => new Promise((r) => setTimeout(r, wait))).then(() => up.send(m));
    });
  });
  visitor = await openVisitor(browser, server.url + '/', { context: ctx });
  await visitor.evaluate(() => {
    // Every text the layer's marks showed, in order (a MutationObserver sees each change, however short).
    window.__marks = [];
    const seen = () => {
      const root = document.getElementById('kefu-root').shadowRoot;
      const t = [...root.querySelectorAll('[role=log] .s')].map((e) => e.textContent).filter((x) => x !== '以下为新消息').join('|');
      if (t && window.__marks[window.__marks.length - 1] !== t) window.__marks.push(t);
    };
    window.__observer = new MutationObserver(seen);
    window.__observer.observe(document.getElementById('kefu-root').shadowRoot, { subtree: true, childList: true, characterData: true });
    return window.Kefu.open();
  });
  await waitReady(visitor);
  agent = await agentLogin(browser, server.url);
  vid = (await state(visitor)).visitorId;
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('a fast send never shows 发送中…; a slow one does after a moment, then 已送达, then 已读 once the agent reads it', async () => {
  await visitor.evaluate(() => window.Kefu.send('请问什么时候发货？'));
  await until(async () => (await marks(visitor)).includes('已送达'), { what: '已送达 in the text layer' });
  assert.equal((await state(visitor)).delivery, 'sent');
  assert.deepEqual(await visitor.evaluate(() => window.__marks), ['已送达'], 'no 发送中… flicker for a fast send');

  holdMs = 1500;
  const sent = visitor.evaluate(() => window.Kefu.send('订单号 QS20250412'));
  await until(async () => (await marks(visitor)).includes('发送中…'), { what: '发送中… for a slow send' });
  assert.equal((await state(visitor)).delivery, 'sending');
  await sent;
  holdMs = 0;
  await until(async () => (await state(visitor)).delivery === 'sent', { what: 'sent' });
  // One mark, under the last message of the run, not under each.
  assert.deepEqual(await marks(visitor), ['已送达']);

  await agent.click(`.visitor-item[data-visitor-id="${vid}"]`);
  await until(async () => (await marks(visitor)).includes('已读'), { what: '已读 after the agent read it' });
  assert.equal((await state(visitor)).delivery, 'read');
  assert.deepEqual(await visitor.evaluate(() => window.__marks), ['已送达', '发送中…', '已送达', '已读']);
  // The mark sits under the visitor's newest bubble.
  const pos = await shadow(visitor, (host) => {
    const s = host.shadowRoot.querySelector('[role=log] .s').getBoundingClientRect();
    const m = [...host.shadowRoot.querySelectorAll('[role=log] .m')].pop().getBoundingClientRect();
    return { markTop: s.top, bubbleBottom: m.bottom, markRight: s.right, bubbleRight: m.right };
  });
  assert.ok(pos.markTop >= pos.bubbleBottom - 2, JSON.stringify(pos));
});

test('closed panel: a reply shows as a preview by the launcher (text only, two lines at most, × dismisses, a click opens)', async () => {
  await visitor.evaluate(() => window.Kefu.close());
  const hostile = '<img src=x onerror="window.__xss=1">您的包裹已发出，预计明天送达。运单号 SF1234567890，可在顺丰官网查询物流信息，如有问题请随时联系我们。';
  await agentSend(hostile);
  const pv = visitor.locator('#kefu-root .w');
  await pv.waitFor({ state: 'visible' });
  const got = await shadow(visitor, (host) => {
    const t = host.shadowRoot.querySelector('.w .t span');
    return { text: t.textContent, dir: t.dir, clipped: t.scrollHeight > t.clientHeight + 1, img: host.shadowRoot.querySelectorAll('img').length,
      lines: Math.round(t.clientHeight / parseFloat(getComputedStyle(t).lineHeight)) };
  });
  assert.equal(got.text, hostile);
  assert.equal(got.dir, 'auto');
  assert.equal(got.img, 0);
  assert.ok(got.clipped && got.lines === 2, `long text cut at two lines with an ellipsis: ${JSON.stringify(got)}`);
  assert.equal(await visitor.evaluate(() => window.__xss), undefined);
  assert.equal(await visitor.evaluate(() => window.__sounds), 0, 'no sound before the visitor used the page');

  await visitor.locator('#kefu-root .w .x').click();
  await pv.waitFor({ state: 'hidden' });
  assert.equal((await state(visitor)).open, false, '× does not open the panel');

  await agentSend('还有别的问题吗？');
  await pv.waitFor({ state: 'visible' });
  assert.equal(await visitor.locator('#kefu-root .w .t').textContent(), '还有别的问题吗？');
  await until(() => visitor.evaluate(() => window.__sounds === 1), { what: 'a chime once the page was used' });
  await visitor.locator('#kefu-root .w .t').click();
  await until(async () => (await state(visitor)).open, { what: 'the preview opens the panel' });
  await pv.waitFor({ state: 'hidden' });
});

test('the launcher is a close button while the panel is open', async () => {
  const btn = visitor.locator('#kefu-root button.l');
  assert.equal(await btn.getAttribute('aria-label'), '关闭客服');
  const cross = await btn.locator('path').getAttribute('d');
  await btn.click();
  await until(async () => !(await state(visitor)).open, { what: 'closed by the launcher' });
  assert.match(await btn.getAttribute('aria-label'), /客服/);
  assert.notEqual(await btn.getAttribute('aria-label'), '关闭客服');
  assert.notEqual(await btn.locator('path').getAttribute('d'), cross);
  await btn.click();
  await until(async () => (await state(visitor)).open, { what: 'opened by the launcher' });
  assert.equal(await btn.getAttribute('aria-label'), '关闭客服');
});

test('unread divider above the first unread reply on reopening, gone after the next reopen with nothing new', async () => {
  await visitor.evaluate(() => window.Kefu.open());
  await until(async () => (await state(visitor)).unread === 0, { what: 'all read' });
  await visitor.evaluate(() => window.Kefu.close());
  await agentSend('第一条未读');
  await agentSend('第二条未读');
  await until(async () => (await state(visitor)).unread === 2, { what: 'two unread' });
  await visitor.evaluate(() => window.Kefu.open());
  await until(async () => (await state(visitor)).unreadDivider, { what: 'divider' });
  await until(async () => (await marks(visitor)).includes('以下为新消息'), { what: 'divider in the text layer' });
  const order = await shadow(visitor, (host) => {
    const d = [...host.shadowRoot.querySelectorAll('[role=log] .s')].find((e) => e.textContent === '以下为新消息').getBoundingClientRect();
    const ms = [...host.shadowRoot.querySelectorAll('[role=log] .m')];
    const y = (t) => ms.find((e) => e.textContent.includes(t)).getBoundingClientRect().top;
    return { divider: d.top, first: y('第一条未读'), before: y('还有别的问题吗') };
  });
  assert.ok(order.before < order.divider && order.divider < order.first, JSON.stringify(order));
  await visitor.evaluate(() => window.Kefu.close());
  await visitor.evaluate(() => window.Kefu.open());
  await until(async () => !(await state(visitor)).unreadDivider && !(await marks(visitor)).includes('以下为新消息'), { what: 'divider gone' });
});

test('a reply while scrolled up shows "新消息 ↓"; clicking it (or its twin by keyboard) goes to the bottom', async () => {
  for (let i = 1; i <= 12; i++) await agentSend(`历史消息 ${i}：请稍等，我帮您查询一下。`);
  await lastAgent(visitor, '历史消息 12：请稍等，我帮您查询一下。');
  const canvas = visitor.locator('#kefu-root canvas');
  const box = await canvas.boundingBox();
  const atBottom = () => shadow(visitor, (host) => { const l = host.shadowRoot.querySelector('[role=log]'); return l.scrollTop + l.clientHeight >= l.scrollHeight - 4; });
  const scrollUp = async () => {
    // Over the list's left margin: the canvas gets the pointer there (the text layer's words take it elsewhere).
    await visitor.mouse.move(box.x + 5, box.y + box.height / 2);
    await visitor.mouse.wheel(0, -3000);
    await until(async () => !(await atBottom()), { what: 'scrolled up' });
  };
  await scrollUp();
  assert.equal((await state(visitor)).newMessagePill, false, 'no pill without a new reply');
  await agentSend('新的回复来了');
  await until(async () => (await state(visitor)).newMessagePill, { what: 'pill shown' });
  assert.ok(!(await atBottom()), 'the visitor is not pulled down');
  const twin = visitor.locator('#kefu-root button.t[aria-label="新消息 ↓"]');
  await twin.waitFor({ state: 'attached' });
  const r = await twin.boundingBox();
  assert.ok(r, 'the pill has its twin: ' + JSON.stringify(await shadow(visitor, (host) => [...host.shadowRoot.querySelectorAll('button.t')].map((b) => b.getAttribute('aria-label')))));
  await visitor.mouse.click(r.x + r.width / 2, r.y + r.height / 2);
  await until(async () => !(await state(visitor)).newMessagePill && await atBottom(), { what: 'at the bottom, pill gone' });

  await scrollUp();
  await agentSend('再来一条回复');
  await until(async () => (await state(visitor)).newMessagePill, { what: 'pill shown again' });
  await twin.focus();
  await visitor.keyboard.press('Enter');
  await until(async () => !(await state(visitor)).newMessagePill && await atBottom(), { what: 'keyboard: at the bottom' });
  assert.deepEqual(visitor.problems, []);
});
