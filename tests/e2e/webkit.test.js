'use strict';
// The widget in WebKitGTK (the Safari engine), the agent console in Chromium. This WebKit build has WebGL2
// but no RTCPeerConnection: chat must work both ways, and 语音/视频 must say at once that calls are
// unavailable and why, instead of failing after the click. Driven by selenium-webdriver through
// WebKitWebDriver and MiniBrowser, under an Xvfb of its own.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, launch, agentLogin, until } = require('./harness');
const { ensureEngine, startXvfb, launchWebKit } = require('./engines');
const { layerMessages } = require('./text-layer');

const missing = ensureEngine('webkit');
if (missing) console.log(`# webkit.test.js skipped: ${missing}`);

let server, chromium, agent, xvfb, webkit, driver;

before(async () => {
  if (missing) return;
  server = await startServer();
  xvfb = await startXvfb();
  // Both start at once; whichever did start is kept for after() to close, even if the other failed.
  const [c, k] = await Promise.allSettled([launch(), launchWebKit(xvfb.display)]);
  chromium = c.value;
  webkit = k.value;
  for (const r of [c, k]) if (r.status === 'rejected') throw r.reason;
  driver = webkit.driver;
  agent = await agentLogin(chromium, server.url);
  await driver.get(server.url + '/');
});

after(async () => {
  // Each part ends even when an earlier one fails to.
  for (const stop of [() => webkit && webkit.quit(), () => chromium && chromium.close(), () => xvfb && xvfb.stop(), () => server && server.stop()]) {
    try { await stop(); } catch (e) { console.error('cleanup:', e.message); }
  }
});

const state = () => driver.executeScript(() => window.Kefu.state());
const agentState = () => agent.evaluate(() => window.__kefuAgent.state);
const agentMessages = () => agent.$$eval('#messages .msg', (els) => els.map((e) => e.textContent));
// Runs a promise-returning page function; resolves with {ok: value} or {error: code, message}.
const settle = (body, ...args) => driver.executeAsyncScript(`
  const done = arguments[arguments.length - 1];
  Promise.resolve().then(() => (${body})(...Array.prototype.slice.call(arguments, 0, -1)))
    .then((v) => done({ ok: v === undefined ? null : v }), (e) => done({ error: e && e.code, message: e && e.message }));`, ...args);

// In the page: the widget's text layer (how many log regions, its links and delivery marks) and renderer.
function layerFacts() {
  const root = document.getElementById('kefu-root').shadowRoot, st = window.Kefu.state();
  const logs = root.querySelectorAll('[role=log]');
  return {
    logs: logs.length,
    links: [...logs[0].querySelectorAll('a')].map((a) => ({ text: a.textContent, href: a.href, target: a.target,
      noopener: a.relList.contains('noopener'), noreferrer: a.relList.contains('noreferrer') })),
    marks: [...logs[0].querySelectorAll('.s')].map((e) => e.textContent),
    renderer: st.renderer, delivery: st.delivery, zh: /^zh/i.test(navigator.language), // the UI's language, as kefu.js picks it
  };
}
// In the page: a DOM Range over the text of the message `text`, and what window.getSelection() then says.
// WebKit ignores addRange() of a range inside a shadow root (the Selection spec's "root is not the
// document" rule; Chromium and Firefox take it), so the range's ends go in with setBaseAndExtent(), which
// WebKit does take, as it takes a mouse selection there.
function selectMessage(text) {
  const root = document.getElementById('kefu-root').shadowRoot;
  const m = [...root.querySelectorAll('[role=log] .m')].find((e) => e.textContent === text);
  const r = document.createRange();
  r.selectNodeContents(m.firstChild);
  const s = window.getSelection();
  s.removeAllRanges();
  s.setBaseAndExtent(r.startContainer, r.startOffset, r.endContainer, r.endOffset);
  const got = s.toString();
  s.removeAllRanges();
  return got;
}

// In the page: a touch held still on the message `text` (touch_select.js selects after 500 ms).
function pressMessage(text) {
  window.getSelection().removeAllRanges();
  const root = document.getElementById('kefu-root').shadowRoot;
  const m = [...root.querySelectorAll('[role=log] .m')].find((e) => e.textContent === text);
  const b = m.firstChild.getBoundingClientRect();
  m.firstChild.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, pointerType: 'touch', isPrimary: true,
    clientX: b.x + b.width / 2, clientY: b.y + b.height / 2 }));
}

// Pixels of the notice bar's fill (theme: #FFF1F0) on the panel's canvas.
function noticePixels() {
  const c = document.getElementById('kefu-root').shadowRoot.querySelector('canvas');
  const t = document.createElement('canvas');
  t.width = c.width;
  t.height = c.height;
  const g = t.getContext('2d');
  g.drawImage(c, 0, 0);
  const d = g.getImageData(0, 0, t.width, t.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i] === 255 && d[i + 1] === 241 && d[i + 2] === 240) n++;
  return n;
}

test('the widget opens and draws in WebKit, and chats both ways with the Chromium console', { skip: missing || false }, async () => {
  assert.equal(await driver.executeScript(() => typeof window.RTCPeerConnection), 'undefined', 'this WebKit build has no WebRTC');
  assert.ok((await settle('() => window.Kefu.open()')).ok !== undefined);
  await until(async () => { const s = await state(); return s.ready && s.connected; }, { timeout: 20000, what: 'widget connected' });
  const st = await state();
  assert.equal(st.open, true);
  assert.ok(st.frames > 0, 'the panel was drawn');

  const text = '你好，Safari 内核的访客 🧭';
  const ack = await settle('(t) => window.Kefu.send(t)', text);
  assert.ok(ack.ok && ack.ok.seq > 0, JSON.stringify(ack));
  await agent.click(`.visitor-item[data-visitor-id="${st.visitorId}"]`);
  await until(async () => (await agentMessages()).some((m) => m.includes(text)), { what: 'message in the console' });

  await driver.executeScript(() => { window.__got = []; window.Kefu.on('message', (m) => window.__got.push(m)); });
  const url = 'https://example.com/a?b=1';
  const reply = `您好！这条回复来自 Chromium 的客服台。请看${url}，谢谢`;
  await agent.fill('#reply', reply);
  await agent.click('#send');
  const got = await until(() => driver.executeScript(() => window.__got.find((m) => m.from === 'agent') || null), { what: 'reply in WebKit' });
  assert.equal(got.text, reply);

  // The text layer, read with WebKit's own DOM: one log, each message once, speakers named in the UI's
  // language (the engine's navigator.language: Chinese, or English otherwise).
  const page = { evaluate: (fn, arg) => driver.executeScript(fn, arg) }; // what text-layer.js's helpers call
  const msgs = await until(async () => { const m = await layerMessages(page); return m.some((x) => x.text === reply) && m; }, { what: 'reply in the text layer' });
  const layer = await driver.executeScript(layerFacts);
  assert.equal(layer.logs, 1, 'one role="log" region');
  const [me, them, marksOk] = layer.zh ? ['我：', '客服：', ['已送达', '已读']] : ['You: ', 'Agent: ', ['Sent', 'Read']];
  assert.deepEqual(msgs.filter((m) => m.text === text).map((m) => m.who), [me], JSON.stringify(msgs));
  assert.deepEqual(msgs.filter((m) => m.text === reply).map((m) => m.who), [them], JSON.stringify(msgs));
  assert.ok(msgs.every((m) => m.w > 0 && m.h > 0), 'each message has a box over the canvas');
  assert.deepEqual(layer.links, [{ text: url, href: url, target: '_blank', noopener: true, noreferrer: true }]);
  assert.equal(await driver.executeScript(selectMessage, reply), reply, 'a Range over the reply selects its text');
  // A long press selects too (touch_select.js), in a way WebKit takes.
  await driver.executeScript(pressMessage, reply);
  const pressed = await until(() => driver.executeScript(() => window.getSelection().toString()), { timeout: 3000, what: 'a long press selects' });
  assert.ok(reply.includes(pressed), pressed);
  await driver.executeScript(() => window.getSelection().removeAllRanges());
  // The agent opened the conversation, so the visitor's message is 已送达 (Sent) or already 已读 (Read).
  const marks = await until(async () => {
    const f = await driver.executeScript(layerFacts);
    return ['sent', 'read'].includes(f.delivery) && f.marks.some((m) => marksOk.includes(m)) && f.marks;
  }, { what: 'the delivery mark in the text layer' });
  assert.match(layer.renderer, /^(webgl2|webgl1|canvas2d)$/);
  console.log(`# WebKit: renderer ${layer.renderer}, UI ${layer.zh ? 'zh' : 'en'}, mark ${marks.join('|')}`);
});

test('without RTCPeerConnection, calls are unavailable with the reason: Kefu.call rejects at once', { skip: missing || false }, async () => {
  assert.equal((await state()).callSupport, 'no-webrtc');
  await driver.executeScript(() => { window.__calls = []; window.Kefu.on('call', (e) => window.__calls.push(e)); });
  for (const video of [false, true]) {
    const t0 = Date.now();
    const r = await settle('(v) => window.Kefu.call({ video: v })', video);
    assert.equal(r.error, 'no-webrtc', JSON.stringify(r));
    assert.match(r.message, /不支持语音和视频通话|can't make voice or video calls/);
    assert.ok(Date.now() - t0 < 2500, 'at once, not after a device or server timeout (those take 3 s and more)');
  }
  assert.deepEqual(await driver.executeScript(() => window.__calls), [], 'no call was attempted');
  assert.notEqual(await agentState(), 'ringing', 'the agent is never rung');
});

test('a click on the dimmed 语音 shows the reason in the panel and starts nothing', { skip: missing || false }, async () => {
  // A fresh page: no notice from the API calls above, so only this click can bring one up.
  await driver.navigate().refresh();
  await settle('() => window.Kefu.open()');
  await until(async () => { const s = await state(); return s.ready && s.connected && s.frames > 1; }, { timeout: 20000, what: 'widget drawn' });
  await driver.executeScript(() => { window.__calls = []; window.Kefu.on('call', (e) => window.__calls.push(e)); });
  await new Promise((res) => setTimeout(res, 300));
  assert.equal(await driver.executeScript(noticePixels), 0, 'no notice before the click');
  const canvas = await driver.executeScript(() => document.getElementById('kefu-root').shadowRoot.querySelector('canvas'));
  const r = await driver.executeScript((c) => { const b = c.getBoundingClientRect(); return { w: b.width, h: b.height }; }, canvas);
  // Header: 语音 sits about 125 px from the panel's right edge, 30 px down (as in ui.test.js); offsets
  // are from the canvas centre.
  await driver.actions().move({ origin: canvas, x: Math.round(r.w / 2 - 125), y: Math.round(30 - r.h / 2) }).press().release().perform();
  await until(async () => (await driver.executeScript(noticePixels)) > 1000, { timeout: 3000, what: 'the reason shown as a notice' });
  const st = await state();
  assert.equal(st.call, 'idle');
  assert.deepEqual(await driver.executeScript(() => window.__calls), []);
  assert.notEqual(await agentState(), 'ringing');
});
