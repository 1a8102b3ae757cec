'use strict';
// Chat text behaves like text: the DOM text layer over the canvas (web/glue.js mirror()) lets the mouse
// select within and across bubbles, copy, double-click a Chinese word, select all of the conversation only,
// and find text (scrolling the conversation to it); a selection survives new messages arriving.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, launch, openVisitor, waitReady, agentLogin, until } = require('./harness');
const { layerMessages, selectionText, canvasPixel, selectionPaintShare } = require('./text-layer');

let server, browser, agent, page;

const A = '您的订单号是 QS20250412，请查收';
const B = 'tracking 7730 1234 5678';

before(async () => {
  server = await startServer();
  browser = await launch();
  agent = await agentLogin(browser, server.url);
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', permissions: ['clipboard-read', 'clipboard-write'] });
  page = await openVisitor(browser, server.url + '/', { context: ctx });
  await page.evaluate(() => window.Kefu.open());
  await waitReady(page);
  await page.evaluate(async ([a, b]) => { await window.Kefu.send(a); await window.Kefu.send(b); }, [A, B]);
  await until(async () => (await layerMessages(page)).some((m) => m.text === B), { what: 'messages in the text layer' });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

// The canvas under the top-left corner of a layer message is a bubble, not the list's background.
const onBubble = async (m) => {
  const [r, g, b] = await canvasPixel(page, m.x + 2, m.y - 3);
  return Math.abs(r - 245) + Math.abs(g - 246) + Math.abs(b - 248) > 60;
};
const message = async (text) => (await layerMessages(page)).find((m) => m.text === text);

test('the layer holds each message once, where the canvas draws it, with speaker names in the UI language', async () => {
  const ms = await layerMessages(page);
  assert.equal(ms.filter((m) => m.text === A).length, 1);
  assert.equal(ms[0].who, '客服：', 'the welcome is the first entry of the log');
  assert.equal((await message(A)).who, '我：');
  // Just above the first character the canvas shows the visitor's bubble (the site's colour), not the list.
  const a = await message(A);
  assert.ok(await onBubble(a), 'a bubble under the text');
});

test('a drag selects across two bubbles and Ctrl+C copies exactly that text', async (t) => {
  const a = await message(A), b = await message(B);
  const s0 = await page.evaluate(() => window.Kefu.state());
  const t0 = Date.now();
  await page.mouse.move(a.x + 1, a.y + 8);
  await page.mouse.down();
  await page.mouse.move(b.x + b.w / 2, b.y + 8, { steps: 10 });
  await page.mouse.move(b.x + b.w - 1, b.y + b.h - 4, { steps: 10 });
  await page.mouse.up();
  const s = await page.evaluate(() => window.Kefu.state());
  // For the bench figures: canvas frames drawn while selecting (the selection itself needs none).
  const n = s.frames - s0.frames;
  t.diagnostic(`selecting: ${n} canvas frames in ${Date.now() - t0} ms, ${((s.frameMs - s0.frameMs) / Math.max(n, 1)).toFixed(2)} ms each`);
  assert.equal((await selectionText(page)).replace(/\n/g, ''), A + B);
  await page.keyboard.press('Control+C');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `${A}\n${B}`);
});

test('the selection is drawn in the canvas and stays drawn as the typing line and a new message arrive', async () => {
  const a = await message(A), b = await message(B);
  // The visitor's bubble, lightened by white at 50 % (src/ui/theme.hpp, kSelectionOnBrand).
  const want = (await canvasPixel(page, a.x + 2, a.y - 3)).map((v) => Math.round(v * 127 / 255 + 128));
  const share = async () => (await selectionPaintShare(page, want)).share;
  await page.evaluate(() => document.getSelection().removeAllRanges());
  await page.mouse.move(a.x + 1, a.y + 8);
  await page.mouse.down();
  await page.mouse.move(b.x + b.w - 1, b.y + b.h - 4, { steps: 10 });
  await page.mouse.up();
  assert.equal((await selectionText(page)).replace(/\n/g, ''), A + B);
  const drawn = (what) => until(async () => (await share()) > 0.45, { what: `the selection drawn in the canvas ${what}` });
  await drawn('after the drag');
  // Not the text layer's own highlight: the browser paints none over the canvas (forced colours aside).
  const layerHighlight = await page.evaluate(() => {
    const m = document.getElementById('kefu-root').shadowRoot.querySelector('[role=log] .m bdi');
    return getComputedStyle(m, '::selection').backgroundColor;
  });
  assert.equal(layerHighlight, 'rgba(0, 0, 0, 0)');
  const vid = await page.evaluate(() => window.Kefu.state().visitorId);
  await agent.click(`.visitor-item[data-visitor-id="${vid}"]`);
  await agent.fill('#reply', '正在查');
  await until(() => page.evaluate(() => window.Kefu.state().agentTyping), { what: 'the typing line' });
  await drawn('with the typing line shown');
  await agent.fill('#reply', '已查到，明天送达');
  await agent.click('#send');
  await until(async () => (await layerMessages(page)).some((m) => m.text === '已查到，明天送达'), { what: 'the reply in the layer' });
  await drawn('after the reply arrived');
  assert.equal((await selectionText(page)).replace(/\n/g, ''), A + B);
  await page.keyboard.press('Control+C');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `${A}\n${B}`);
});

test('a double-click selects a Chinese word of the message', async () => {
  const a = await message(A);
  await page.mouse.dblclick(a.x + 14 * 2.5, a.y + 8); // on 订
  const s = await selectionText(page);
  assert.match(s, /^[\u4e00-\u9fff]{2,}$/, `selected "${s}"`);
  assert.ok(A.includes(s) && s.length < 8, `selected "${s}"`);
});

test('Ctrl+A in the panel selects the conversation, not the page', async () => {
  const a = await message(A);
  await page.mouse.click(a.x + 5, a.y + 8);
  await page.keyboard.press('Control+A');
  const s = await selectionText(page);
  assert.ok(s.includes(A) && s.includes(B) && s.includes('您好'), `selected: ${s}`);
  assert.ok(!s.includes('西湖龙井'), 'the host page is not selected');
  const pageSel = await page.evaluate(() => document.getSelection().toString());
  assert.ok(!pageSel.includes('西湖龙井'), 'the host page is not selected');
});

test('a selection survives a new message arriving and the redraws after it', async () => {
  const b = await message(B);
  await page.mouse.dblclick(b.x + 4, b.y + 8); // "tracking"
  assert.equal(await selectionText(page), 'tracking');
  const vid = await page.evaluate(() => window.Kefu.state().visitorId);
  await agent.click(`.visitor-item[data-visitor-id="${vid}"]`);
  await agent.fill('#reply', '好的，已经发货');
  await agent.click('#send');
  await until(async () => (await layerMessages(page)).some((m) => m.text === '好的，已经发货'), { what: 'the reply in the layer' });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await selectionText(page), 'tracking');
});

test('find lands in the message and scrolls the conversation to it', async () => {
  // Enough messages that the first ones are out of view.
  await page.evaluate(async () => { for (let i = 0; i < 25; i++) await window.Kefu.send(`填充消息 ${i} 内容`); });
  await until(async () => (await layerMessages(page)).some((m) => m.text === '填充消息 24 内容'), { what: 'filler in the layer' });
  await new Promise((r) => setTimeout(r, 500));
  const listBox = await page.evaluate(() => {
    const r = document.getElementById('kefu-root').shadowRoot.querySelector('[role=log]').getBoundingClientRect();
    return { top: r.top, bottom: r.bottom };
  });
  const before = await message(A);
  assert.ok(before.y < listBox.top, 'the order number is scrolled out of view');
  await page.evaluate(() => { document.getSelection().removeAllRanges(); document.getElementById('kefu-root').shadowRoot.activeElement?.blur(); });
  assert.equal(await page.evaluate(() => window.find('QS20250412')), true);
  assert.equal(await selectionText(page), 'QS20250412');
  const after = await until(async () => {
    const m = await message(A);
    return m.y >= listBox.top && m.y + m.h <= listBox.bottom ? m : null;
  }, { what: 'the match scrolled into view' });
  // The canvas followed: the bubble is drawn under the found text.
  await until(() => onBubble(after), { what: 'the canvas drew the bubble under the match' });
});
