'use strict';
// What a caller expects around a call (issue #8 §4): a ringback tone and the ringing time while it rings,
// the connection's quality on both sides during the call (level and figures), the console seeing the
// visitor's mute, the remote video enlarged and the self-view mirrored. Real widget, real console, real
// peer server, Chromium's fake devices.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, launch, openVisitor, waitReady, agentLogin, until, artifact } = require('./harness');

let server, browser, agent;

before(async () => {
  server = await startServer();
  browser = await launch();
  agent = await agentLogin(browser, server.url);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const vstate = (page) => page.evaluate(() => window.Kefu.state());
const agentHook = () => agent.evaluate(() => {
  const h = window.__kefuAgent;
  return { state: h.state, quality: h.callQuality, muted: h.visitorMuted };
});

async function visitor() {
  const page = await openVisitor(browser, server.url + '/');
  await page.evaluate(() => window.Kefu.open());
  await waitReady(page);
  return page;
}

// Clicks a pill of the widget's call bar (drawn on the canvas): pills sit right-aligned, `labels` from the
// rightmost, each 12 px of padding either side and 6 px apart (src/ui/chat_panel.cpp).
async function clickCallBar(page, labels, index) {
  const pos = await page.evaluate(([ls, i]) => {
    const root = document.querySelector('#kefu-root').shadowRoot;
    const r = root.querySelector('canvas').getBoundingClientRect();
    const ctx = document.createElement('canvas').getContext('2d');
    ctx.font = '14px system-ui,sans-serif';
    let x = r.right - 10;
    let center = 0;
    ls.forEach((t, k) => {
      const w = ctx.measureText(t).width + 24;
      if (k === i) center = x - w / 2;
      x -= w + 6;
    });
    return { x: center, y: r.top + 60 + 24 };
  }, [labels, index]);
  await page.mouse.click(pos.x, pos.y);
}

test('ringing: a ringback tone plays and the ringing time counts; it stops when the agent answers', async () => {
  const page = await visitor();
  const result = page.evaluate(() => window.Kefu.call({ video: false }).then((e) => e, (e) => ({ error: e.code })));
  await until(async () => (await agentHook()).state === 'ringing', { what: 'agent console rings' });
  const tone = await until(async () => {
    const t = await page.evaluate(() => window.Kefu.__ringback && window.Kefu.__ringback());
    return t && t.level > 100 ? t : null;
  }, { what: 'the ringback sounds', timeout: 8000 });
  assert.equal(tone.state, 'running');
  assert.ok(tone.hz > 420 && tone.hz < 500, `a 440-480 Hz tone, got ${tone.hz} Hz`);
  assert.equal((await vstate(page)).ringback, true);
  await until(async () => /0:0[2-9]$/.test((await vstate(page)).callStatus), { what: 'ringing time 0:02 or more' });
  assert.match((await vstate(page)).callStatus, /^(Calling support…|正在呼叫客服…) 00:0\d$/);
  // The same line for screen readers (the canvas is not read out).
  const timer = page.locator('#kefu-root [role=timer]');
  await until(async () => /^(Calling support…|正在呼叫客服…) 00:0[2-9]$/.test(await timer.textContent()), { what: 'the ringing time as text' });

  // The console's microphone started with the ring (allowed on its earlier calls), disabled until the accept.
  const ringing = await until(() => agent.evaluate(() => window.__kefuAgent.heldMedia()), { what: 'the console holds its microphone while it rings' });
  assert.deepEqual(ringing.tracks, [{ kind: 'audio', enabled: false, live: true }]);
  await agent.click('#call-accept');
  assert.equal((await result).state, 'in-call');
  const mic = await agent.evaluate(() => {
    const c = window.__kefuAgent.lastCall;
    return { early: c.micOnPress, tracks: c.localStream.getAudioTracks().map((t) => [t.enabled, t.readyState]) };
  });
  assert.deepEqual(mic, { early: true, tracks: [[true, 'live']] }, 'the accept took the ring\'s microphone and turned it on');
  const s = await vstate(page);
  assert.equal(s.ringback, false, 'no ringback once answered');
  assert.equal(await page.evaluate(() => window.Kefu.__ringback()), null);
  await page.evaluate(() => window.Kefu.hangup());
  await until(async () => (await agentHook()).state !== 'in-call', { what: 'the console hears the end' });
  await page.context().close();
});

test('ringing: the console\'s microphone sends nothing before the accept; a reject releases it and closes the connection answered while it rang', async () => {
  const page = await visitor();
  // Every stream the console opens from now on, to see that the reject really stops it.
  await agent.evaluate(() => {
    const md = navigator.mediaDevices;
    const gum = md.getUserMedia.bind(md);
    window.__streams = [];
    md.getUserMedia = (c) => gum(c).then((st) => { window.__streams.push(st); return st; });
  });
  const result = page.evaluate(() => window.Kefu.call({ video: false }).then((e) => e, (e) => ({ error: e.code })));
  const held = await until(() => agent.evaluate(() => window.__kefuAgent.heldMedia()), { what: 'the console holds its microphone while it rings' });
  assert.deepEqual(held.tracks.map((t) => [t.kind, t.enabled]), [['audio', false]]);
  // The widget's offer was answered ahead, its sender without a track: the visitor still rings.
  await until(() => agent.evaluate(() => {
    window.__early = window.__kefuAgent.earlyConnection();
    return !!window.__early && window.__early.connectionState === 'connected';
  }), { what: 'the offer answered and connected while it rings' });
  assert.equal(await agent.evaluate(() => window.__early.getSenders().some((x) => x.track)), false, 'nothing to send before the accept');
  assert.match((await vstate(page)).call, /^(requesting|ringing)$/);
  await agent.click('#call-reject');
  assert.equal((await result).error, 'rejected');
  assert.equal(await agent.evaluate(() => window.__early.connectionState), 'closed');
  assert.equal((await vstate(page)).call, 'failed'); // its side closed with the ring (unit: HeldMediaTest)
  await until(() => agent.evaluate(() => window.__streams.length > 0 && window.__streams.every((st) => st.getTracks().every((t) => t.readyState === 'ended'))),
    { what: 'the microphone released' });
  assert.equal(await agent.evaluate(() => window.__kefuAgent.heldMedia()), null);
  await page.context().close();
});

test('accepting before the microphone is there: the call connects meanwhile, silent, and the voice follows', async () => {
  const page = await visitor();
  // The console's microphone is slow to start: it comes only when the test lets it.
  await agent.evaluate(() => {
    const md = navigator.mediaDevices;
    const gum = md.getUserMedia.bind(md);
    const gate = new Promise((r) => { window.__releaseMic = r; });
    window.__gumBeforeGate = gum;
    md.getUserMedia = (c) => gate.then(() => gum(c));
  });
  const remote = () => page.evaluate(() => {
    const a = document.getElementById('kefu-root').shadowRoot.querySelector('audio');
    const t = a && a.srcObject && a.srcObject.getAudioTracks()[0];
    return t ? { muted: t.muted, live: t.readyState === 'live' } : null;
  });
  const result = page.evaluate(() => window.Kefu.call({ video: false }).then((e) => e, (e) => ({ error: e.code })));
  await until(async () => (await agentHook()).state === 'ringing', { what: 'agent console rings' });
  await agent.click('#call-accept');
  await until(async () => (await vstate(page)).call === 'in-call', { timeout: 10000, what: 'connected without the microphone' });
  assert.deepEqual(await remote(), { muted: true, live: true }, 'no sound sent before the microphone');
  await agent.evaluate(() => window.__releaseMic());
  await until(async () => { const r = await remote(); return r && !r.muted; }, { what: 'the agent\'s voice reaches the visitor' });
  await agent.evaluate(() => { navigator.mediaDevices.getUserMedia = window.__gumBeforeGate; });
  assert.equal((await result).state, 'in-call');
  await page.evaluate(() => window.Kefu.hangup());
  await until(async () => (await agentHook()).state !== 'in-call', { what: 'the console hears the end' });
  await page.context().close();
});

test('in a call: both sides show the connection quality with its figures; the console sees the visitor mute', async () => {
  const page = await visitor();
  const result = page.evaluate(() => window.Kefu.call({ video: false }).then((e) => e, (e) => ({ error: e.code })));
  await until(async () => (await agentHook()).state === 'ringing', { what: 'agent console rings' });
  await agent.click('#call-accept');
  assert.equal((await result).state, 'in-call');

  // A sample taken while the machine stalls may read fair for a moment (jitter): each side is waited for
  // until it shows good, as a person glancing at it again would see.
  let last = null;
  const s = await until(async () => {
    const st = last = await vstate(page);
    return st.callStats && st.callStats.rttMs !== null && st.callStats.kbpsIn !== null && st.callQuality === 'good' ? st : null;
  }, { what: 'the widget measures the call', timeout: 10000 }).catch((e) => {
    throw new Error(`${e.message}: loopback is a good connection: ${JSON.stringify(last && { q: last.callQuality, s: last.callStats })}`);
  });
  assert.ok(s.callStats.rttMs >= 0 && s.callStats.rttMs < 100, `rtt ${s.callStats.rttMs}`);
  assert.ok(s.callStats.lossPct === null || s.callStats.lossPct < 2, `loss ${s.callStats.lossPct}`);
  assert.ok(s.callStats.kbpsIn > 5, `audio arrives: ${s.callStats.kbpsIn} kbit/s`);
  assert.ok(s.callStats.kbpsOut > 5, `audio leaves: ${s.callStats.kbpsOut} kbit/s`);

  const a = await until(async () => {
    const h = await agentHook();
    return h.quality && h.quality.rttMs !== null && h.quality.kbpsIn !== null && h.quality.level === 'good'
      && (await agent.locator('.call-quality').getAttribute('data-level')) === 'good' ? h : null;
  }, { what: 'the console measures the call and shows it good', timeout: 10000 });
  assert.equal(a.quality.level, 'good');
  await until(async () => /^(In call|通话中) 00:\d\d · (Good connection|网络良好)$/.test(await page.locator('#kefu-root [role=timer]').textContent()),
    { what: 'the call bar\'s timer saying good', timeout: 5000 });
  assert.match(await agent.locator('.call-quality').textContent(), /通话质量良好/);
  assert.equal(await agent.locator('.call-muted').isVisible(), false);

  // The visitor mutes in the call bar (in call: 静音/Mute, 转视频/Video, 挂断/Hang up from left to right).
  const zh = /^zh/i.test(await page.evaluate(() => navigator.language));
  const bar = (mute) => (zh ? ['挂断', '转视频', mute ? '静音' : '取消静音'] : ['Hang up', 'Video', mute ? 'Mute' : 'Unmute']);
  await clickCallBar(page, bar(true), 2);
  try {
    await until(async () => (await agentHook()).muted === true, { what: 'the console shows the mute', timeout: 5000 });
  } catch (e) {
    await page.screenshot({ path: artifact('call-extras-mute.png') });
    throw e;
  }
  assert.match(await agent.locator('.call-muted').textContent(), /访客已静音/);
  assert.equal(await agent.locator('.call-muted').isVisible(), true);
  await clickCallBar(page, bar(false), 2);
  await until(async () => (await agentHook()).muted === false, { what: 'the console clears the mute', timeout: 5000 });
  assert.equal(await agent.locator('.call-muted').isVisible(), false);

  await page.evaluate(() => window.Kefu.hangup());
  await until(async () => (await agentHook()).state !== 'in-call', { what: 'the console hears the end' });
  assert.equal((await agentHook()).quality, null, 'no figures after the call');
  assert.equal((await vstate(page)).callStats, null);
  await page.context().close();
});

test('a video call: the call bar\'s enlarge control (drawn, its twin reached by keyboard) shows the remote video full screen; the self-view is mirrored', async () => {
  const page = await visitor();
  const result = page.evaluate(() => window.Kefu.call({ video: true }).then((e) => e, (e) => ({ error: e.code })));
  await until(async () => (await agentHook()).state === 'ringing', { what: 'agent console rings' });
  await agent.click('#call-accept');
  assert.equal((await result).state, 'in-call');
  // The control is the call bar's (drawn on the canvas) with a DOM twin named in the UI's language.
  const zoom = page.getByRole('button', { name: /^(全屏显示对方画面|Show the video full screen)$/ });
  await zoom.waitFor({ state: 'attached', timeout: 10000 });
  const where = await zoom.evaluate((b) => {
    const root = b.getRootNode();
    const r = b.getBoundingClientRect(), bar = root.querySelector('video.kefu-remote').getBoundingClientRect();
    // In the call bar under the video; on a panel too narrow for five controls, on the video's corner.
    return { placed: r.top >= bar.bottom - 1 || (r.top >= bar.top && r.right <= bar.right + 1), w: r.width, h: r.height };
  });
  assert.ok(where.placed && where.w > 20 && where.h > 20, `a control of the call: ${JSON.stringify(where)}`);
  assert.equal(await page.locator('#kefu-root button.z').count(), 0, 'nothing on the video itself');
  const mirror = await page.evaluate(() => getComputedStyle(document.querySelector('#kefu-root').shadowRoot.querySelector('video.kefu-local')).transform);
  assert.equal(mirror, 'matrix(-1, 0, 0, 1, 0, 0)', 'the self-view is mirrored');
  const remoteMirror = await page.evaluate(() => getComputedStyle(document.querySelector('#kefu-root').shadowRoot.querySelector('video.kefu-remote')).transform);
  assert.equal(remoteMirror, 'none', 'the agent is shown as the camera sees them');

  // By keyboard: Tab reaches the twin (it is in the tab order), Enter activates it.
  assert.equal(await zoom.evaluate((b) => b.tabIndex >= 0 && !b.disabled), true);
  await zoom.focus();
  await page.keyboard.press('Enter');
  const enlarged = () => page.evaluate(() => {
    const root = document.querySelector('#kefu-root').shadowRoot;
    const f = root.fullscreenElement || root.pictureInPictureElement || document.pictureInPictureElement;
    return f ? f.className : null;
  });
  const full = await until(enlarged, { what: 'the remote video is enlarged', timeout: 5000 });
  assert.match(full, /kefu-remote/);
  await page.evaluate(() => document.exitFullscreen());
  await until(async () => (await enlarged()) === null, { what: 'back from full screen' });
  // Activated again through the twin (a click on it, as a screen reader does).
  await zoom.evaluate((b) => b.click());
  assert.match(await until(enlarged, { what: 'enlarged from a click', timeout: 5000 }), /kefu-remote/);
  await page.evaluate(() => document.exitFullscreen());
  await page.evaluate(() => window.Kefu.hangup());
  await until(async () => (await agentHook()).state !== 'in-call', { what: 'the console hears the end' });
  await until(async () => (await zoom.count()) === 0, { what: 'the control goes with the video' });
  await page.context().close();
});
