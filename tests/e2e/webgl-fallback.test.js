'use strict';
// Browsers without WebGL2 (Chromium --disable-webgl2) draw the panel with WebGL1 and chat as usual;
// browsers without any WebGL (--disable-webgl, headless Firefox) say so: an `error` event and state.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startServer, launch, openVisitor, agentLogin, canvasStats, artifact, until } = require('./harness');
const { layerMessages } = require('./text-layer');

let server;
before(async () => { server = await startServer(); });
after(async () => { if (server) await server.stop(); });

// The page records the widget's error events from the start (the widget may fail before any test code).
async function openRecording(browser) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await ctx.addInitScript(() => {
    window.__errors = [];
    Object.defineProperty(window, 'Kefu', {
      configurable: true,
      set(api) {
        Object.defineProperty(window, 'Kefu', { value: api, writable: true, configurable: true });
        api.on('error', (e) => window.__errors.push(e));
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

test('without any WebGL the widget reports an error and its state, instead of an empty panel', async () => {
  const browser = await launch(['--disable-webgl', '--disable-3d-apis']);
  try {
    const visitor = await openRecording(browser);
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
    assert.deepEqual(visitor.problems, []);
  } finally {
    await browser.close();
  }
});

// Headless Firefox is such a browser (no WebGL at all), the one where the empty panel was first seen.
const FIREFOX = process.env.KEFU_FIREFOX || '/usr/bin/firefox-esr';
test('headless Firefox (no WebGL) gets the error, the state and the notice', { skip: !fs.existsSync(FIREFOX) && 'no firefox-esr' }, async () => {
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
    await until(() => page.evaluate(() => window.Kefu.state().ready), { timeout: 20000, what: 'ready' });
    const got = await until(() => page.evaluate(() => window.__errors.length && {
      renderer: window.Kefu.state().renderer, codes: window.__errors.map((e) => e.code),
      notice: (document.getElementById('kefu-root').shadowRoot.querySelector('.p .n') || {}).textContent,
    }), { what: 'an error event' });
    assert.deepEqual(got.codes, ['no_webgl']);
    assert.equal(got.renderer, 'none');
    assert.match(got.notice, /WebGL/);
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
});
