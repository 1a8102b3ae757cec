'use strict';
// Browsers without WebGL2 (Chromium --disable-webgl2) draw the panel with WebGL1 and chat as usual;
// browsers without any WebGL (--disable-webgl, headless Firefox) draw it with Canvas 2D (kefu-canvas2d.js,
// fetched only then); if that file cannot be had, they say so: an `error` event, the state and a notice.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startServer, launch, openVisitor, agentLogin, canvasStats, artifact, until } = require('./harness');
const { layerMessages } = require('./text-layer');

let server;
// The frame-time measure below sends 30 messages at once.
before(async () => { server = await startServer({ env: { KEFU_RATE_MESSAGES: '100' } }); });
after(async () => { if (server) await server.stop(); });

// The page records the widget's error events from the start (the widget may fail before any test code).
async function openRecording(browser, ctx) {
  ctx = ctx || await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await ctx.addInitScript(() => {
    window.__errors = [];
    Object.defineProperty(window, 'Kefu', {
      configurable: true,
      set(api) {
        Object.defineProperty(window, 'Kefu', { value: api, writable: true, configurable: true });
        api.on('error', (e) => window.__errors.push(e));
        // Canvas 2D redraws timed with the canvas's own work included (a pixel read waits for it), not
        // only the JavaScript that records the drawing (Kefu.state().drawMs).
        let make;
        Object.defineProperty(api, '__canvas2d', { configurable: true, get: () => make, set(m) {
          make = (canvas) => {
            const r = m(canvas), begin = r && r.begin, end = r && r.end;
            let t0 = 0;
            if (r) r.begin = () => { t0 = performance.now(); begin(); };
            if (r) r.end = () => { end(); canvas.getContext('2d').getImageData(0, 0, 1, 1); window.__drawnMs = performance.now() - t0; window.__draws = (window.__draws || 0) + 1; };
            return r;
          };
        } });
      },
    });
  });
  return openVisitor(browser, server.url + '/', { context: ctx });
}

async function openPanel(page) {
  await page.locator('#kefu-root button.l').click();
  await until(() => page.evaluate(() => window.Kefu && window.Kefu.state && window.Kefu.state().ready && window.Kefu.state().open),
    { timeout: 20000, what: 'panel open' });
}

test('without WebGL2 the panel is drawn with WebGL1 and a message gets an answer', async () => {
  const browser = await launch(['--disable-webgl2']);
  try {
    const visitor = await openRecording(browser);
    await openPanel(visitor);
    await until(() => visitor.evaluate(() => window.Kefu.state().connected), { timeout: 20000, what: 'connected' });
    assert.equal(await visitor.evaluate(() => window.Kefu.state().renderer), 'webgl1');
    const stats = await until(async () => { const s = await canvasStats(visitor); return s.colours > 20 && s; },
      { what: 'a drawn panel (more than a flat fill)' });
    assert.ok(stats.opaqueFraction > 0.5, `panel mostly transparent: ${JSON.stringify(stats)}`);

    const agent = await agentLogin(browser, server.url);
    const text = '没有WebGL2也能聊天吗？';
    await visitor.evaluate((t) => window.Kefu.send(t), text);
    const vid = await visitor.evaluate(() => window.Kefu.state().visitorId);
    await agent.click(`.visitor-item[data-visitor-id="${vid}"]`);
    const reply = '可以，WebGL1 也行。';
    await agent.fill('#reply', reply);
    await agent.click('#send');
    await until(async () => (await visitor.evaluate(() => window.Kefu.messages())).some((m) => m.from === 'agent' && m.text === reply),
      { what: "the agent's reply in Kefu.messages()" });
    // The reply is on the canvas too: the picture changed after it arrived.
    const after = await canvasStats(visitor);
    assert.ok(after.colours > 20, `panel blank after the reply: ${JSON.stringify(after)}`);
    assert.deepEqual(await visitor.evaluate(() => window.__errors), []);
    assert.deepEqual(visitor.problems, []);
  } finally {
    await browser.close();
  }
});

// Counts the screenshot's pixels of each colour (±8 a channel), decoded by the page itself.
async function shotColours(page, colours) {
  const png = (await page.locator('#kefu-root canvas').screenshot()).toString('base64');
  return page.evaluate(async ({ png, colours }) => {
    const img = await createImageBitmap(new Blob([Uint8Array.from(atob(png), (ch) => ch.charCodeAt(0))], { type: 'image/png' }));
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data, n = colours.map(() => 0), all = new Set();
    for (let i = 0; i < d.length; i += 4) {
      all.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      colours.forEach((k, j) => { if (Math.abs(d[i] - k[0]) <= 8 && Math.abs(d[i + 1] - k[1]) <= 8 && Math.abs(d[i + 2] - k[2]) <= 8) n[j]++; });
    }
    return { counts: n, colours: all.size, pixels: d.length / 4 };
  }, { png, colours });
}
const AGENT_BUBBLE = [255, 255, 255]; // src/ui/theme.hpp; the visitor's is the site's colour, as the launcher's
const brand = (page) => page.locator('#kefu-root button.l').evaluate((b) => getComputedStyle(b).backgroundColor.match(/\d+/g).slice(0, 3).map(Number));

test('without any WebGL the panel is drawn with Canvas 2D: bubbles on screen, a reply arrives, idle draws nothing', async () => {
  const browser = await launch(['--disable-webgl', '--disable-3d-apis']);
  try {
    // A 2× screen: the canvas has two device pixels per CSS pixel, as with WebGL.
    const visitor = await openRecording(browser, await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 2 }));
    await openPanel(visitor);
    await until(() => visitor.evaluate(() => window.Kefu.state().renderer === 'canvas2d' && window.Kefu.state().connected),
      { timeout: 20000, what: 'the Canvas 2D renderer, connected' });
    const agent = await agentLogin(browser, server.url);
    const text = '没有WebGL也能聊天吗？';
    await visitor.locator('#kefu-root textarea').fill(text);
    await visitor.locator('#kefu-root textarea').press('Enter');
    const vid = await visitor.evaluate(() => window.Kefu.state().visitorId);
    await agent.click(`.visitor-item[data-visitor-id="${vid}"]`);
    const reply = '可以，Canvas 2D 也行。';
    await agent.fill('#reply', reply);
    await agent.click('#send');
    await until(async () => (await layerMessages(visitor)).some((m) => m.text === reply), { what: "the agent's reply in the text layer" });
    // The controls' twins are there as with WebGL (Tab reaches them; 发送 among them).
    assert.ok(await visitor.locator('#kefu-root button.t[aria-label]').count() >= 4, 'the drawn controls have no DOM twins');
    await visitor.locator('#kefu-root canvas').screenshot({ path: artifact('canvas2d-panel.png') });
    // Both bubbles are drawn: their colours fill a good part of the panel (more than the header alone).
    const visitorBubble = await brand(visitor);
    const shot = await until(async () => { const s = await shotColours(visitor, [AGENT_BUBBLE, visitorBubble]); return s.colours > 20 && s.counts[0] > 2000 && s; },
      { what: 'a drawn panel with both bubbles' });
    assert.ok(shot.counts[1] > 2000, `visitor-bubble colour: ${JSON.stringify(shot)}`);
    // The drawing covers the whole 2× canvas: its bottom-right quarter (composer, 发送) is drawn too.
    const size = await visitor.evaluate(() => {
      const c = document.getElementById('kefu-root').shadowRoot.querySelector('canvas'), t = document.createElement('canvas');
      t.width = c.width / 2; t.height = c.height / 2;
      const g = t.getContext('2d');
      g.drawImage(c, c.width / 2, c.height / 2, t.width, t.height, 0, 0, t.width, t.height);
      const d = g.getImageData(0, 0, t.width, t.height).data, all = new Set();
      for (let i = 0; i < d.length; i += 4) all.add(d.slice(i, i + 4).join());
      return { width: c.width, css: c.clientWidth, colours: all.size };
    });
    assert.equal(size.width, size.css * 2, `canvas ${size.width} px for ${size.css} CSS px at devicePixelRatio 2`);
    assert.ok(size.colours > 10, `the bottom-right quarter is blank: ${JSON.stringify(size)}`);

    // Idle: no frames at all.
    const f0 = await visitor.evaluate(() => window.Kefu.state().frames);
    await visitor.waitForTimeout(1000);
    assert.equal(await visitor.evaluate(() => window.Kefu.state().frames), f0, 'frames drawn while idle');

    // Frame time of a redraw with ~30 messages (a wheel step redraws the whole panel).
    await visitor.evaluate(() => Promise.all(Array.from({ length: 28 }, (_, i) => window.Kefu.send(`第 ${i + 1} 条消息 message ${i + 1}`))));
    const box = await visitor.locator('#kefu-root canvas').boundingBox();
    await visitor.mouse.move(box.x + 20, box.y + box.height / 2); // over the list, left of the (visitor) bubbles
    const ms = [];
    for (let i = 0; i < 6; i++) {
      const n = await visitor.evaluate(() => window.__draws);
      await visitor.mouse.wheel(0, i % 2 ? 60 : -120);
      ms.push(await until(() => visitor.evaluate((n) => window.__draws > n && [window.Kefu.state().drawMs, +window.__drawnMs.toFixed(1)], n), { what: 'a redraw' }));
    }
    await visitor.locator('#kefu-root canvas').screenshot({ path: artifact('canvas2d-30.png') });
    console.log(`# canvas2d redraw, 30 messages (script ms, with the canvas's own work ms): ${ms.map((m) => m.join('/')).join(' ')}`);
    assert.equal((await layerMessages(visitor)).length >= 30, true, 'the 30 messages are in');
    assert.deepEqual(await visitor.evaluate(() => window.__errors), []);
    assert.deepEqual(visitor.problems, []);
  } finally {
    await browser.close();
  }
});

test('without any WebGL and no Canvas 2D renderer to fetch, the widget reports an error and its state', async () => {
  const browser = await launch(['--disable-webgl', '--disable-3d-apis']);
  try {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await ctx.route('**/kefu-canvas2d.js', (r) => r.abort());
    const visitor = await openRecording(browser, ctx);
    await openPanel(visitor);
    const state = await visitor.evaluate(() => window.Kefu.state());
    assert.equal(state.renderer, 'none');
    const errors = await until(() => visitor.evaluate(() => window.__errors.length && window.__errors), { what: 'an error event' });
    assert.equal(errors[0].code, 'no_webgl');
    assert.match(errors[0].message, /WebGL/);

    // The chat still works through the DOM: the composer sends, the text layer shows both sides.
    const agent = await agentLogin(browser, server.url);
    const text = '这台电脑没有WebGL';
    await visitor.locator('#kefu-root textarea').fill(text);
    await visitor.locator('#kefu-root textarea').press('Enter');
    const vid = await visitor.evaluate(() => window.Kefu.state().visitorId);
    await agent.click(`.visitor-item[data-visitor-id="${vid}"]`);
    await agent.fill('#reply', '收到');
    await agent.click('#send');
    await until(async () => {
      const m = (await layerMessages(visitor)).map((x) => x.text).join('\n');
      return m.includes(text) && m.includes('收到');
    }, { what: 'both messages in the text layer' });
    // Nothing is drawn, so the words themselves show, under a line that says why.
    const shown = await visitor.evaluate(() => {
      const root = document.getElementById('kefu-root').shadowRoot;
      const m = root.querySelector('[role=log] .m'), n = root.querySelector('.p .n');
      return { colour: getComputedStyle(m).color, notice: n ? n.textContent : '', noticeH: n ? n.getBoundingClientRect().height : 0 };
    });
    assert.notEqual(shown.colour, 'rgba(0, 0, 0, 0)', 'the text layer is still transparent');
    assert.match(shown.notice, /WebGL/);
    assert.ok(shown.noticeH > 10, 'the notice is not shown');
    await visitor.screenshot({ path: artifact('webgl-none.png') });
    // One error, not one per frame.
    assert.equal((await visitor.evaluate(() => window.__errors)).length, 1);
    assert.deepEqual(visitor.problems.filter((p) => !/Failed to load resource/.test(p)), []);
  } finally {
    await browser.close();
  }
});

// Headless Firefox is such a browser (no WebGL at all), the one where the empty panel was first seen.
const FIREFOX = process.env.KEFU_FIREFOX || '/usr/bin/firefox-esr';
test('headless Firefox (no WebGL) draws the panel with Canvas 2D', { skip: !fs.existsSync(FIREFOX) && 'no firefox-esr' }, async () => {
  const puppeteer = require('puppeteer-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-firefox-'));
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true, userDataDir: profile,
    env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1' } });
  try {
    const page = await browser.newPage();
    await page.evaluateOnNewDocument(() => {
      window.__errors = [];
      Object.defineProperty(window, 'Kefu', {
        configurable: true,
        set(api) {
          Object.defineProperty(window, 'Kefu', { value: api, writable: true, configurable: true });
          api.on('error', (e) => window.__errors.push(e));
        },
      });
    });
    await page.goto(server.url + '/');
    await page.evaluate(() => window.Kefu.open());
    await until(() => page.evaluate(() => window.Kefu.state().ready && window.Kefu.state().renderer === 'canvas2d'),
      { timeout: 20000, what: 'ready, drawn with Canvas 2D' });
    const stats = await until(async () => { const s = await canvasStats(page); return s.colours > 20 && s; }, { what: 'a drawn panel' });
    assert.ok(stats.opaqueFraction > 0.5, `panel mostly transparent: ${JSON.stringify(stats)}`);
    assert.deepEqual(await page.evaluate(() => window.__errors), []);
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
});
