'use strict';
// The widget in Firefox ESR (Gecko), the agent console in Chromium: chat both ways, then a voice call and a
// video call from the Firefox visitor with media flowing both ways. Firefox is driven by puppeteer-core
// over WebDriver BiDi, headful under an Xvfb of its own (headless Firefox has no WebGL).
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, launch, agentLogin, until } = require('./harness');
const { ensureEngine, startXvfb, launchFirefox } = require('./engines');
const { layerMessages } = require('./text-layer');

const missing = ensureEngine('firefox');
if (missing) console.log(`# firefox.test.js skipped: ${missing}`);

let server, chromium, agent, xvfb, firefox, page;

before(async () => {
  if (missing) return;
  server = await startServer();
  xvfb = await startXvfb();
  // Both start at once; whichever did start is kept for after() to close, even if the other failed.
  const [c, f] = await Promise.allSettled([launch(), launchFirefox(xvfb.display)]);
  chromium = c.value;
  firefox = f.value;
  for (const r of [c, f]) if (r.status === 'rejected') throw r.reason;
  agent = await agentLogin(chromium, server.url);
  page = await firefox.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(String(e)));
  await page.setViewport({ width: 1280, height: 800 });
  await page.goto(server.url + '/');
});

after(async () => {
  // Each part ends even when an earlier one fails to.
  for (const stop of [() => firefox && firefox.close(), () => chromium && chromium.close(), () => xvfb && xvfb.stop(), () => server && server.stop()]) {
    try { await stop(); } catch (e) { console.error('cleanup:', e.message); }
  }
});

const agentState = () => agent.evaluate(() => window.__kefuAgent.state);
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
function selectMessage(text) {
  const root = document.getElementById('kefu-root').shadowRoot;
  const m = [...root.querySelectorAll('[role=log] .m')].find((e) => e.textContent === text);
  const r = document.createRange();
  r.selectNodeContents(m.firstChild);
  const s = window.getSelection();
  s.removeAllRanges();
  s.addRange(r);
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
const agentMessages = () => agent.$$eval('#messages .msg', (els) => els.map((e) => e.textContent));

// In the page: media on `sel` flows (live unmuted audio; for video, decoded frames that keep advancing).
function flowing({ shadow, sel, video }) {
  const el = shadow ? document.getElementById('kefu-root').shadowRoot.querySelector(sel) : document.querySelector(sel);
  if (!el || !el.srcObject) return false;
  const audio = el.srcObject.getAudioTracks();
  if (!audio.length || audio.some((t) => t.readyState !== 'live' || t.muted)) return false;
  if (!video) return true;
  if (!(el.videoWidth > 0)) return false;
  // New frames keep being presented (Firefox counts none in getVideoPlaybackQuality for a live stream).
  return new Promise((resolve) => {
    let frames = 0;
    const count = () => { frames++; el.requestVideoFrameCallback(count); };
    el.requestVideoFrameCallback(count);
    setTimeout(() => resolve(frames >= 3), 500);
  });
}
const mediaFlows = (p, where, what) => until(() => p.evaluate(flowing, where), { timeout: 15000, what }).catch(async (e) => {
  const seen = await p.evaluate(({ shadow, sel }) => {
    const el = shadow ? document.getElementById('kefu-root').shadowRoot.querySelector(sel) : document.querySelector(sel);
    if (!el) return 'no element';
    const s = el.srcObject;
    return JSON.stringify({ stream: !!s, tracks: s ? s.getTracks().map((t) => [t.kind, t.readyState, t.muted]) : [], w: el.videoWidth,
      frames: el.getVideoPlaybackQuality ? el.getVideoPlaybackQuality().totalVideoFrames : null, paused: el.paused, display: getComputedStyle(el).display });
  }, where);
  throw new Error(`${e.message}: ${seen}`);
});

async function call(video) {
  const result = page.evaluate((v) => window.Kefu.call({ video: v }).then((e) => e, (e) => ({ error: e.code })), video);
  await until(async () => (await agentState()) === 'ringing', { what: 'console rings' });
  assert.match(await agent.locator('#call-card').textContent(), video ? /视频|Video/ : /语音|Voice/);
  await agent.click('#call-accept');
  const r = await result;
  assert.equal(r.state, 'in-call', JSON.stringify(r));
  if (video) {
    await mediaFlows(page, { shadow: true, sel: 'video.kefu-remote', video: true }, 'console video and audio in Firefox');
    await mediaFlows(agent, { sel: '#agent-remote-video', video: true }, 'Firefox video and audio in the console');
  } else {
    await mediaFlows(page, { shadow: true, sel: 'audio' }, 'console audio in Firefox');
    await mediaFlows(agent, { sel: '#agent-remote-audio' }, 'Firefox audio in the console');
  }
  await page.evaluate(() => window.Kefu.hangup());
  await until(async () => (await agentState()) === 'ended', { timeout: 3000, what: 'console ends the call' });
}

test('the widget opens and draws in Firefox, and chats both ways with the Chromium console', { skip: missing || false }, async () => {
  await page.evaluate(() => window.Kefu.open());
  await page.waitForFunction(() => window.Kefu.state().ready && window.Kefu.state().connected, { timeout: 20000 });
  const st = await page.evaluate(() => window.Kefu.state());
  assert.equal(st.open, true);
  assert.equal(st.callSupport, 'ok', 'Firefox can make calls');
  assert.ok(st.frames > 0, 'the panel was drawn');
  const box = await page.evaluate(() => {
    const r = document.getElementById('kefu-root').shadowRoot.querySelector('canvas').getBoundingClientRect();
    return { w: r.width, h: r.height };
  });
  assert.ok(box.w >= 300 && box.h >= 300, `panel is ${box.w}x${box.h}`);

  const text = '你好，Firefox 里的访客 🦊';
  const ack = await page.evaluate((t) => window.Kefu.send(t), text);
  assert.ok(ack.seq > 0);
  const vid = await page.evaluate(() => window.Kefu.state().visitorId);
  await agent.click(`.visitor-item[data-visitor-id="${vid}"]`);
  await until(async () => (await agentMessages()).some((m) => m.includes(text)), { what: 'message in the console' });

  await page.evaluate(() => { window.__got = []; window.Kefu.on('message', (m) => window.__got.push(m)); });
  const url = 'https://example.com/a?b=1';
  const reply = `您好！收到来自 Chromium 的回复。请看${url}，谢谢`;
  await agent.fill('#reply', reply);
  await agent.click('#send');
  const got = await until(() => page.evaluate(() => window.__got.find((m) => m.from === 'agent')), { what: 'reply in Firefox' });
  assert.equal(got.text, reply);

  // The text layer, read with Gecko's own DOM: one log, each message once, speakers named in the UI's
  // language (the engine's navigator.language: Chinese, or English otherwise).
  const msgs = await until(async () => { const m = await layerMessages(page); return m.some((x) => x.text === reply) && m; }, { what: 'reply in the text layer' });
  const layer = await page.evaluate(layerFacts);
  assert.equal(layer.logs, 1, 'one role="log" region');
  const [me, them, marksOk] = layer.zh ? ['我：', '客服：', ['已送达', '已读']] : ['You: ', 'Agent: ', ['Sent', 'Read']];
  assert.deepEqual(msgs.filter((m) => m.text === text).map((m) => m.who), [me], JSON.stringify(msgs));
  assert.deepEqual(msgs.filter((m) => m.text === reply).map((m) => m.who), [them], JSON.stringify(msgs));
  assert.ok(msgs.every((m) => m.w > 0 && m.h > 0), 'each message has a box over the canvas');
  assert.deepEqual(layer.links, [{ text: url, href: url, target: '_blank', noopener: true, noreferrer: true }]);
  assert.equal(await page.evaluate(selectMessage, reply), reply, 'a Range over the reply selects its text');
  await page.evaluate(pressMessage, reply);
  const pressed = await until(() => page.evaluate(() => window.getSelection().toString()), { timeout: 3000, what: 'a long press selects' });
  assert.ok(reply.includes(pressed), pressed);
  await page.evaluate(() => window.getSelection().removeAllRanges());
  // The agent opened the conversation, so the visitor's message is 已送达 (Sent) or already 已读 (Read).
  const marks = await until(async () => {
    const f = await page.evaluate(layerFacts);
    return ['sent', 'read'].includes(f.delivery) && f.marks.some((m) => marksOk.includes(m)) && f.marks;
  }, { what: 'the delivery mark in the text layer' });
  assert.match(layer.renderer, /^(webgl2|webgl1|canvas2d)$/);
  console.log(`# Firefox: renderer ${layer.renderer}, UI ${layer.zh ? 'zh' : 'en'}, mark ${marks.join('|')}`);
});

test('a Firefox visitor makes a voice call to the Chromium console, audio both ways', { skip: missing || false }, async () => {
  await call(false);
});

test('a Firefox visitor makes a video call to the Chromium console, video and audio both ways', { skip: missing || false }, async () => {
  await call(true);
  assert.deepEqual(page.problems, []);
});
