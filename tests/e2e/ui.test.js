'use strict';
// The widget as a person uses it: the composer (Enter, Shift+Enter, IME composition), typing indicators,
// canvas clicks and taps, the phone layout, and a widget that fails to load.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { openVisitor, waitReady, openWithSettings, until, artifact, startFile, stopFile } = require('./harness');

let server, browser, agent;

before(async () => ({ server, browser, agent } = await startFile()));

after(() => stopFile({ browser, server }));

const composer = (page) => page.locator('#kefu-root textarea');
const agentTexts = () => agent.$$eval('#messages .msg', (els) => els.map((e) => e.textContent));

async function openChat(page) {
  await page.evaluate(() => window.Kefu.open());
  await waitReady(page);
  await until(async () => (await composer(page).boundingBox()) !== null, { what: 'composer placed' });
}

test('Enter sends, Shift+Enter makes a new line, and the agent sees the visitor typing', async () => {
  const page = await openVisitor(browser, server.url + '/');
  await openChat(page);
  const vid = await page.evaluate(() => window.Kefu.state().visitorId);
  await composer(page).click();
  await page.keyboard.type('第一行');
  await agent.click(`.visitor-item[data-visitor-id="${vid}"]`);
  await until(() => agent.isVisible('#typing-indicator'), { what: 'agent sees typing' });
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('second line');
  assert.equal(await composer(page).inputValue(), '第一行\nsecond line');
  await page.keyboard.press('Enter');
  await until(async () => (await agentTexts()).some((t) => t.includes('第一行') && t.includes('second line')), { what: 'multi-line message' });
  assert.equal(await composer(page).inputValue(), '', 'composer cleared after sending');
  // The agent types: the widget shows it.
  await agent.type('#reply', '正在查');
  await until(() => page.evaluate(() => window.Kefu.state().agentTyping), { what: 'visitor sees agent typing' });
  await page.context().close();
});

test('pinyin composition: Enter while composing does not send; the committed Chinese does', async () => {
  const page = await openVisitor(browser, server.url + '/');
  await openChat(page);
  await composer(page).click();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Input.imeSetComposition', { text: 'ni', selectionStart: 2, selectionEnd: 2 });
  await cdp.send('Input.imeSetComposition', { text: 'nihao', selectionStart: 5, selectionEnd: 5 });
  const before = (await page.evaluate(() => window.Kefu.messages())).length;
  // Enter while the candidate window is open picks a candidate in a real IME; it must not send.
  await page.keyboard.press('Enter');
  assert.equal((await page.evaluate(() => window.Kefu.messages())).length, before, 'Enter during composition sent');
  // Commit the candidate as the IME does, then send.
  await cdp.send('Input.insertText', { text: '你好' });
  // (A simulated Enter reaches the textarea as a line break; a real IME swallows it.)
  assert.equal((await composer(page).inputValue()).trim(), '你好');
  assert.equal((await page.evaluate(() => window.Kefu.messages())).length, before, 'nothing sent while composing');
  await page.keyboard.press('Enter');
  await until(async () => (await page.evaluate(() => window.Kefu.messages())).some((m) => m.text === '你好'), { what: 'sent' });
  await page.context().close();
});

test('the canvas answers clicks: 语音 starts a call, × closes the panel, Escape too', async () => {
  const page = await openWithSettings(browser, server.url, { lang: 'zh-CN' });
  await openChat(page);
  const box = await page.locator('#kefu-root canvas').boundingBox();
  // Header: the close button sits 10 px from the right edge, 32 px wide; 视频 and 语音 pills to its left.
  await page.mouse.click(box.x + box.width - 125, box.y + 30);
  await until(async () => (await page.evaluate(() => window.Kefu.state().call)) !== 'idle', { what: 'call started from the canvas' });
  await page.evaluate(() => window.Kefu.hangup());
  await until(async () => ['ended', 'failed'].includes(await page.evaluate(() => window.Kefu.state().call)), { what: 'call ended' });
  await page.mouse.click(box.x + box.width - 26, box.y + 30);
  await until(async () => !(await page.evaluate(() => window.Kefu.state().open)), { what: 'closed by ×' });
  await page.evaluate(() => window.Kefu.open());
  await composer(page).click();
  await page.keyboard.press('Escape');
  await until(async () => !(await page.evaluate(() => window.Kefu.state().open)), { what: 'closed by Escape' });
  // The launcher is a real, focusable button.
  await page.keyboard.press('Tab');
  await page.locator('#kefu-root button.l').focus();
  await page.keyboard.press('Enter');
  await until(() => page.evaluate(() => window.Kefu.state().open), { what: 'opened from the keyboard' });
  await page.context().close();
});

test('below 640 px the panel fills the screen and works with touch', async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 3 });
  const page = await ctx.newPage();
  await page.goto(server.url + '/');
  await page.locator('#kefu-root button.l').tap();
  await waitReady(page);
  await until(() => page.evaluate(() => window.Kefu.state().open), { what: 'open' });
  const box = await page.locator('#kefu-root canvas').boundingBox();
  assert.equal(Math.round(box.width), 390);
  assert.ok(box.height >= 800, `panel height ${box.height}`);
  // Crisp: the canvas has device pixels, not CSS pixels.
  const px = await page.evaluate(() => document.getElementById('kefu-root').shadowRoot.querySelector('canvas').width);
  assert.equal(px, 390 * 3);
  const fontSize = await composer(page).evaluate((e) => getComputedStyle(e).fontSize);
  assert.equal(fontSize, '16px', 'no zoom-on-focus on iOS');
  await page.screenshot({ path: artifact('phone.png') });
  await page.touchscreen.tap(box.x + box.width - 26, box.y + 30);
  await until(async () => !(await page.evaluate(() => window.Kefu.state().open)), { what: 'closed by a tap' });
  await ctx.close();
});

test('if the app cannot load, the page stays usable and the launcher says so', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.route('**/kefu-app.wasm', (r) => r.abort());
  await page.goto(server.url + '/');
  const failed = page.evaluate(() => new Promise((res) => window.Kefu.on('error', res)));
  await page.locator('#kefu-root button.l').click();
  const err = await failed;
  assert.equal(err.code, 'load_failed');
  assert.equal(await page.locator('#kefu-root .b').textContent(), '!');
  assert.match(await page.locator('#kefu-root button.l').getAttribute('title'), /无法加载|could not load/);
  const rejected = await page.evaluate(() => window.Kefu.send('hi').then(() => 'sent', (e) => e.message));
  assert.match(rejected, /kefu/);
  // The page itself still works: its own buttons take clicks.
  const pageButton = page.locator('main button').first();
  await pageButton.click({ timeout: 2000 });
  await ctx.close();
});

test('the first click puts the panel on screen before the chat connects, and then it connects', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.addInitScript(() => {
    window.requestIdleCallback = () => 0; // no loading ahead: the click finds the app not loaded
    const frames = () => (window.Kefu && window.Kefu.state().frames) || 0;
    const seen = (window.__netAt = []);
    const WS = window.WebSocket;
    window.WebSocket = class extends WS {
      constructor(...a) { super(...a); seen.push({ what: 'ws ' + a[0], frames: frames() }); }
    };
    const f = window.fetch;
    window.fetch = function (url, ...rest) {
      if (!/kefu-app\.wasm/.test(String(url))) seen.push({ what: 'fetch ' + url, frames: frames() });
      return f.call(this, url, ...rest);
    };
  });
  await page.goto(server.url + '/');
  await page.locator('#kefu-root button.l').click();
  await until(() => page.evaluate(() => window.Kefu.state().connected), { what: 'connected after the first open' });
  const net = await page.evaluate(() => window.__netAt);
  assert.ok(net.some((n) => /^ws .*\/ws\/visitor/.test(n.what)), JSON.stringify(net));
  for (const n of net) assert.ok(n.frames >= 1, `${n.what} was asked for before the panel's first frame: ${JSON.stringify(net)}`);
  await ctx.close();
});

test('a lost WebGL context comes back and the panel is drawn again', async () => {
  const { canvasStats } = require('./harness');
  const page = await openVisitor(browser, server.url + '/');
  await openChat(page);
  await page.evaluate(() => window.Kefu.send('上下文恢复测试'));
  await page.evaluate(async () => {
    const c = document.getElementById('kefu-root').shadowRoot.querySelector('canvas');
    const ext = c.getContext('webgl2').getExtension('WEBGL_lose_context');
    ext.loseContext();
    await new Promise((r) => setTimeout(r, 200));
    ext.restoreContext();
    await new Promise((r) => setTimeout(r, 300));
  });
  await page.evaluate(() => window.Kefu.send('恢复之后'));
  let s = null;
  await until(async () => { s = await canvasStats(page); return s.colours > 20 && s.opaqueFraction > 0.9; }, { timeout: 5000, what: 'the panel drawn again' })
    .catch((e) => { throw new Error(`${e.message}: after restore: ${JSON.stringify(s)}`); });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
