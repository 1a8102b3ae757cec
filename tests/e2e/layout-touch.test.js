'use strict';
// Layout and touch as a visitor meets them: the header and the call bar wrap their text instead of cutting
// it, 语音/视频 say why they are unavailable while nobody is online, a flick glides on, a long press selects,
// targets are 44 px on a phone, and the panel stays inside short, zoomed and CSS-zoomed windows.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, launch, openVisitor, waitReady, agentLogin, until, untilStill } = require('./harness');
const { layerMessages, selectionText, canvasPixel } = require('./text-layer');

let server, browser, agent;

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2, locale: 'zh-CN' };

async function visitor(options = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', ...options });
  const page = await openVisitor(browser, server.url + '/', { context: ctx });
  await page.evaluate(() => window.Kefu.open());
  await waitReady(page);
  await until(() => page.evaluate(() => !!document.getElementById('kefu-root').shadowRoot.querySelector('button.t')), { what: 'twins' });
  return page;
}

// A twin of a drawn control: its state, its reason and where it is (page px).
const twin = (page, label) => page.evaluate((label) => {
  const root = document.getElementById('kefu-root').shadowRoot;
  const b = root.querySelector(`button.t[aria-label="${label}"]`);
  if (!b) return null;
  const d = b.getAttribute('aria-describedby'), r = b.getBoundingClientRect();
  return { disabled: b.getAttribute('aria-disabled') === 'true', why: d ? root.getElementById(d).textContent : '', x: r.x, y: r.y, w: r.width, h: r.height };
}, label);

// The drawn text outside the list (the header's presence line, the notice) and where the list starts.
const panelText = (page) => page.evaluate(() => {
  const root = document.getElementById('kefu-root').shadowRoot;
  return { notes: [...root.querySelectorAll('.p > p.m')].map((p) => p.textContent), listTop: parseFloat(root.querySelector('[role=log]').style.top) };
});

const panelBox = (page) => page.evaluate(() => {
  const r = document.getElementById('kefu-root').shadowRoot.querySelector('canvas').getBoundingClientRect();
  return { x: r.x, y: r.y, w: r.width, h: r.height, vw: innerWidth, vh: innerHeight };
});

test('nobody online: 语音 and 视频 are dimmed and say why, the welcome and the header say so; an agent signs in and they work', async () => {
  const page = await visitor();
  const away = '客服暂时不在线，留言后会尽快回复您';
  await until(async () => (await twin(page, '语音')).disabled, { what: '语音 unavailable' });
  for (const label of ['语音', '视频']) assert.equal((await twin(page, label)).why, '客服不在线，暂时无法通话', `${label} says why`);
  assert.deepEqual(await twin(page, '发送').then((t) => [t.disabled, t.why]), [true, '请先输入消息'], 'every disabled twin says why');
  const t = await panelText(page);
  assert.ok(t.notes.includes(away), `the presence line whole: ${JSON.stringify(t.notes)}`);
  assert.ok(t.listTop > 60 + 10, `the header grew for it (${t.listTop})`);
  assert.equal((await layerMessages(page))[0].text, away, 'the welcome does not pretend someone is there');
  const v = await twin(page, '语音');
  const dim = await canvasPixel(page, v.x + 4, v.y + v.h / 2);
  // A tap on the dimmed button says why instead of starting a call that would fail.
  await page.mouse.click(v.x + v.w / 2, v.y + v.h / 2);
  await until(async () => (await panelText(page)).notes.includes('客服不在线，暂时无法通话'), { what: 'the reason as a notice' });
  assert.equal(await page.evaluate(() => window.Kefu.state().call), 'idle');

  agent = await agentLogin(browser, server.url);
  await until(async () => !(await twin(page, '语音')).disabled, { what: '语音 available once an agent is online' });
  assert.equal((await twin(page, '语音')).why, '');
  await until(async () => (await panelText(page)).listTop === 60, { what: 'a one-line header again' });
  const lit = await canvasPixel(page, v.x + 4, v.y + v.h / 2); // the button row did not move
  assert.notDeepEqual(lit, dim, 'the button is no longer dimmed');
  await page.context().close();
});

test('a call failure\'s help is drawn whole, on as many lines as it needs', async () => {
  const page = await visitor({ locale: 'en-US' });
  await page.evaluate(() => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
    window.Kefu.call().catch(() => {});
  });
  await until(() => page.evaluate(() => /denied/.test(window.Kefu.state().callStatus)), { what: 'permission denied' });
  // The status line in the canvas: the rows and columns holding its red text.
  const ink = await until(() => page.evaluate(() => {
    const c = document.getElementById('kefu-root').shadowRoot.querySelector('canvas');
    const k = c.width / c.getBoundingClientRect().width, t = document.createElement('canvas');
    t.width = c.width; t.height = c.height;
    const g = t.getContext('2d');
    g.drawImage(c, 0, 0);
    const d = g.getImageData(0, 60 * k, c.width, 60 * k).data;
    let top = 1e9, bottom = -1, right = -1;
    for (let y = 0; y < 60 * k; y++) for (let x = 0; x < c.width; x++) {
      const i = (y * c.width + x) * 4;
      if (d[i] > 150 && d[i + 1] < 90 && d[i + 2] < 100) { top = Math.min(top, y); bottom = Math.max(bottom, y); right = Math.max(right, x); }
    }
    return bottom > 0 && { lines: (bottom - top) / k, right: right / k, width: c.width / k };
  }), { what: 'red status text drawn' });
  assert.ok(ink.lines > 18, `two lines or more of text (${ink.lines} px tall)`);
  assert.ok(ink.right < ink.width - 8, 'nothing runs off the panel');
  await page.context().close();
});

async function phoneWithHistory(lines) {
  const page = await visitor(PHONE);
  for (let i = 0; i < 5; i++) await page.evaluate((t) => window.Kefu.send(t), Array.from({ length: lines }, (_, j) => `第${i}段 第${j}行`).join('\n'));
  return page;
}
// Touch events with their own times (s): a finger's speed does not depend on how fast a loaded machine
// delivers the events.
const touch = (cdp, type, x, y, t) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y }], timestamp: t });
async function flick(cdp) {
  const t0 = Date.now() / 1000;
  await touch(cdp, 'touchStart', 200, 300, t0);
  for (let i = 1; i <= 5; i++) await touch(cdp, 'touchMove', 200, 300 + 40 * i, t0 + 0.016 * i);
  await touch(cdp, 'touchEnd', 0, 0, t0 + 0.016 * 6);
}
const scrollTop = (page) => page.evaluate(() => document.getElementById('kefu-root').shadowRoot.querySelector('[role=log]').scrollTop);

test('phone: a flick keeps the history gliding after the finger lifts, slows to a stop, then draws nothing', async () => {
  const page = await phoneWithHistory(50);
  await until(async () => (await scrollTop(page)) > 2000, { what: 'a long history, at its end' });
  const cdp = await page.context().newCDPSession(page);
  const start = await scrollTop(page);
  await flick(cdp);
  // The log's scroll position is written with the next frame after the drag.
  const lifted = await until(async () => { const y = await scrollTop(page); return y < start ? y : null; }, { timeout: 3000, what: 'the drag scrolled up' });
  await until(async () => (await scrollTop(page)) < lifted - 100, { what: 'the list glides on after the lift' });
  // It slows down and stops: the position and the frame count hold still.
  const reading = () => page.evaluate(() => `${document.getElementById('kefu-root').shadowRoot.querySelector('[role=log]').scrollTop}/${window.Kefu.state().frames}`);
  await untilStill(reading, { interval: 300, timeout: 8000, what: 'the glide stops' });
  const frames = await page.evaluate(() => window.Kefu.state().frames);
  await new Promise((r) => setTimeout(r, 1000)); // an idle second
  assert.equal(await page.evaluate(() => window.Kefu.state().frames), frames, 'no frames once it stopped');
  // A new touch stops a glide at once.
  await flick(cdp);
  await touch(cdp, 'touchStart', 200, 500, Date.now() / 1000);
  await touch(cdp, 'touchEnd', 0, 0, Date.now() / 1000 + 0.05);
  const held = await scrollTop(page);
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(Math.abs((await scrollTop(page)) - held) < 30, 'the touch stopped the glide');
  await page.context().close();
});

test('phone: a long press on a message selects its text; every target is at least 44 px', async () => {
  const page = await visitor(PHONE);
  await page.evaluate(() => window.Kefu.send('您的订单号是 QS20250412，请查收'));
  const msg = await until(async () => (await layerMessages(page)).find((m) => m.text.includes('QS20250412')), { what: 'the message in the layer' });
  const cdp = await page.context().newCDPSession(page);
  await touch(cdp, 'touchStart', msg.x + msg.w / 2, msg.y + msg.h / 2, Date.now() / 1000);
  await until(async () => (await selectionText(page)) !== '', { timeout: 3000, what: 'a selection while held' });
  await new Promise((r) => setTimeout(r, 200)); // held ~700 ms in all
  await touch(cdp, 'touchEnd', 0, 0, Date.now() / 1000);
  const sel = await selectionText(page);
  assert.ok(sel.length > 0 && '您的订单号是 QS20250412，请查收'.includes(sel), `selected "${sel}"`);

  const small = await page.evaluate(() => [...document.getElementById('kefu-root').shadowRoot.querySelectorAll('button.t')]
    .map((b) => ({ l: b.getAttribute('aria-label'), r: b.getBoundingClientRect() }))
    .filter((b) => b.r.width > 0 && (b.r.width < 43.5 || b.r.height < 43.5)).map((b) => `${b.l} ${b.r.width}×${b.r.height}`));
  assert.deepEqual(small, [], 'targets under 44 px on a phone');
  assert.ok((await page.evaluate(() => document.getElementById('kefu-root').shadowRoot.querySelectorAll('button.t').length)) >= 5);
  await page.context().close();
});

test('short and zoomed windows keep a panel inside them, full-screen only when narrow; the composer writes in the bubbles\' font', async () => {
  const page = await visitor({ viewport: { width: 1366, height: 500 } });
  const inside = (b) => b.y >= 10 && b.y + b.h <= b.vh && b.x >= 0 && b.x + b.w <= b.vw;
  let b = await panelBox(page);
  assert.ok(inside(b) && b.w === 370, `1366×500: ${JSON.stringify(b)}`);
  await page.setViewportSize({ width: 683, height: 384 }); // a 1366×768 window at 200 %
  await until(async () => (b = await panelBox(page)).h < 380, { what: 'relaid out' });
  assert.ok(inside(b) && b.w === 370, `683×384: ${JSON.stringify(b)}`);
  await page.setViewportSize({ width: 400, height: 700 });
  await until(async () => (b = await panelBox(page)).w === 400, { what: 'full-screen when narrow' });
  const fonts = await page.evaluate(() => {
    const root = document.getElementById('kefu-root').shadowRoot, t = getComputedStyle(root.querySelector('textarea'));
    const m = getComputedStyle(root.querySelector('[role=log] .m'));
    return { t: [t.fontFamily, t.fontSize], m: [m.fontFamily, m.fontSize] };
  });
  await page.setViewportSize({ width: 1280, height: 800 });
  await until(async () => (b = await panelBox(page)).w === 370, { what: 'a panel again on a wide window' });
  const desktop = await page.evaluate(() => getComputedStyle(document.getElementById('kefu-root').shadowRoot.querySelector('textarea')).fontSize);
  assert.equal(fonts.t[0], fonts.m[0], 'the same family');
  assert.equal(desktop, fonts.m[1], 'the same size');
  await page.context().close();
});

test('a page with html { zoom: 1.5 } gets the panel inside its window, and clicks land where they are drawn', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const page = await openVisitor(browser, server.url + '/', { context: ctx });
  await page.evaluate(() => { document.documentElement.style.zoom = '1.5'; });
  await page.evaluate(() => window.Kefu.open());
  await waitReady(page);
  const b = await panelBox(page);
  assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.w <= b.vw && b.y + b.h <= b.vh, `inside the window: ${JSON.stringify(b)}`);
  assert.ok(Math.abs(b.w - 370 * 1.5) < 2, `zoomed with the page (${b.w})`);
  const close = await until(() => twin(page, '关闭'), { what: 'close twin' });
  assert.ok(close.x + close.w <= b.x + b.w + 1 && close.y >= b.y - 1, 'the twin over the drawn button');
  await page.mouse.click(close.x + close.w / 2, close.y + close.h / 2);
  await until(async () => !(await page.evaluate(() => window.Kefu.state().open)), { what: 'closed by a click on 关闭' });
  await ctx.close();
});
