'use strict';
// The agent calls the visitor back (docs/PROTOCOL.md §5 "Call-backs"): the console's 回拨 rings a visitor
// whose panel is closed; the panel opens with 接听 / 拒绝 and a ring, the camera and microphone stay off
// until 接听, then video and audio flow both ways and the hang-up leaves one call record on each side.
// 拒绝 shows as declined in the console.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { openVisitor, waitReady, until, artifact, startFile, stopFile } = require('./harness');

let server, browser, agent;

before(async () => ({ server, browser, agent } = await startFile()));

after(() => stopFile({ browser, server }));

// Counts what the page asks of the devices and of WebAudio, from before any script of the page runs.
function countDevices() {
  window.__gum = 0;
  window.__audioContexts = 0;
  const md = navigator.mediaDevices;
  const gum = md.getUserMedia.bind(md);
  md.getUserMedia = (c) => {
    window.__gum++;
    return gum(c);
  };
  const AC = window.AudioContext;
  window.AudioContext = function (...a) {
    window.__audioContexts++;
    return new AC(...a);
  };
}

// A visitor who wrote once (so the console lists it), clicked the page (or not), and closed the panel again.
async function visitorWithClosedPanel({ click = true } = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await ctx.addInitScript(countDevices);
  const page = await openVisitor(browser, server.url + '/', { context: ctx });
  if (click) await page.mouse.click(200, 300); // a gesture on the page, before any ring
  await page.evaluate(() => window.Kefu.open());
  await waitReady(page);
  await page.evaluate(() => window.Kefu.send('你好，刚才没接到电话'));
  await page.evaluate(() => window.Kefu.close());
  const vid = await page.evaluate(() => window.Kefu.state().visitorId);
  if (!click) {
    // Playwright's evaluate counts as a user gesture: a fresh page, never touched, comes back on its own
    // (a returning visitor's app loads when the browser idles and reconnects).
    await page.reload();
    const row = `.visitor-item[data-visitor-id="${vid}"] .dot.online`;
    await agent.waitForSelector(row, { state: 'detached', timeout: 3000 }).catch(() => {});
    await agent.waitForSelector(row, { timeout: 20000 });
  }
  await agent.click(`.visitor-item[data-visitor-id="${vid}"]`);
  await agent.waitForSelector('#callback-voice:not([disabled])');
  return { page, vid };
}

// The call bar's pills, right-aligned under the 60 px header: 接听 left of 拒绝 (English: Answer, Decline).
async function clickCallBar(page, which) {
  const box = await page.locator('#kefu-root canvas').boundingBox();
  const x = which === 'decline' ? box.x + box.width - 44 : box.x + box.width - 115;
  await page.mouse.click(x, box.y + 60 + 24);
}

// Media flows: a remote video decodes frames that keep advancing, remote audio tracks are live and unmuted.
async function mediaFlows(page, sel, video, shadow) {
  return until(() => page.evaluate(async ({ sel, video, shadow }) => {
    const el = shadow ? document.getElementById('kefu-root').shadowRoot.querySelector(sel) : document.querySelector(sel);
    if (!el || !el.srcObject) return false;
    const audio = el.srcObject.getAudioTracks();
    if (!audio.length || audio.some((t) => t.readyState !== 'live' || t.muted)) return false;
    if (!video) return true;
    if (!(el.videoWidth > 0)) return false;
    const f0 = el.getVideoPlaybackQuality().totalVideoFrames;
    await new Promise((r) => setTimeout(r, 400));
    return el.getVideoPlaybackQuality().totalVideoFrames > f0;
  }, { sel, video, shadow }), { timeout: 15000, what: `media flowing at ${sel}` });
}

const callLines = (page) => page.evaluate(() => window.Kefu.messages().filter((m) => m.call));
const agentCallLines = (vid) => agent.evaluate(async (id) => {
  const token = sessionStorage.getItem('kefu.agent.token');
  const r = await fetch(`/api/agent/visitors/${id}/messages`, { headers: { authorization: `Bearer ${token}` } });
  return (await r.json()).messages.filter((m) => m.call);
}, vid);

test('回拨视频 rings a closed panel; no device before 接听; video and audio both ways; one record on each side', async () => {
  const { page, vid } = await visitorWithClosedPanel();
  assert.equal(await page.evaluate(() => window.Kefu.state().open), false);
  await agent.click('#callback-video');
  await until(() => page.evaluate(() => window.Kefu.state().call === 'incoming' && window.Kefu.state().open), { what: 'the panel opens ringing' });
  assert.match(await agent.locator('#callback-status').textContent(), /呼叫|calling|ringing/);
  await new Promise((r) => setTimeout(r, 300)); // drawn
  await page.locator('#kefu-root canvas').screenshot({ path: artifact('call-back-incoming.png') });
  assert.equal(await page.evaluate(() => window.__gum), 0, 'camera or microphone asked for before 接听');
  assert.equal(await page.evaluate(() => window.__audioContexts), 1, 'no ring after the visitor\'s click');
  await clickCallBar(page, 'answer');
  await until(() => page.evaluate(() => window.Kefu.state().call === 'in-call'), { timeout: 20000, what: 'visitor in call' });
  await until(async () => (await agent.evaluate(() => window.__kefuAgent.state)) === 'in-call', { what: 'agent in call' });
  assert.equal(await page.evaluate(() => window.__gum), 1);
  assert.equal(await agent.evaluate(() => window.__kefuAgent.lastCall.video), true);
  await mediaFlows(page, 'video.kefu-remote', true, true);
  await mediaFlows(agent, '#agent-remote-video', true, false);
  await new Promise((r) => setTimeout(r, 1200)); // a second on the clock
  await agent.click('#call-hangup');
  await until(() => page.evaluate(() => window.Kefu.state().call === 'ended'), { what: 'visitor sees the end' });
  await until(async () => (await callLines(page)).length === 1, { what: 'the visitor\'s call line' });
  const [line] = await callLines(page);
  assert.equal(line.call.outcome, 'completed');
  assert.equal(line.call.video, true);
  assert.ok(line.call.duration >= 1, `duration ${line.call.duration}`);
  const agentLines = await agentCallLines(vid);
  assert.equal(agentLines.length, 1, 'one call record for the console');
  assert.equal(agentLines[0].call.outcome, 'completed');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('拒绝 ends the call-back: the console shows it declined, the devices never started; no ring on an untouched page; a reload rings again', async () => {
  const { page, vid } = await visitorWithClosedPanel({ click: false });
  await agent.click('#callback-voice');
  // Nothing asked of the visitor's page until it rang (see above).
  await until(async () => /ringing at the visitor/.test(await agent.locator('#callback-status').textContent()), { what: 'placed' });
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await page.evaluate(() => window.__audioContexts), 0, 'a ring on a page the visitor never used');
  await until(() => page.evaluate(() => window.Kefu.state().call === 'incoming'), { what: 'the widget rings' });
  // The visitor reloads the page while it rings: the new page rings too (the app comes back on its own).
  await page.reload();
  await until(() => page.evaluate(() => window.Kefu.state().call === 'incoming'), { timeout: 20000, what: 'the reloaded page rings again' });
  await clickCallBar(page, 'decline');
  await until(async () => /拒绝|declined/.test(await agent.locator('#callback-status').textContent()), { what: 'console shows declined' });
  assert.equal(await agent.evaluate(() => window.__kefuAgent.callback.reason), 'declined');
  assert.notEqual(await page.evaluate(() => window.Kefu.state().call), 'incoming');
  assert.equal(await page.evaluate(() => window.__gum), 0);
  await until(async () => (await agentCallLines(vid)).length === 1, { what: 'one record' });
  assert.equal((await agentCallLines(vid))[0].call.outcome, 'rejected');
  // The console can call again at once.
  assert.equal(await agent.locator('#callback-voice').isDisabled(), false);
  await page.context().close();
});

test('the console reloaded while its call-back rings takes it up again: it shows it ringing, and the 接听 connects', async () => {
  const { page } = await visitorWithClosedPanel();
  await agent.click('#callback-voice');
  await until(() => page.evaluate(() => window.Kefu.state().call === 'incoming'), { what: 'the widget rings' });
  await agent.reload();
  await agent.waitForSelector('#reply', { state: 'attached' });
  await until(() => agent.evaluate(() => window.__kefuAgent.callback && window.__kefuAgent.callback.state === 'ringing'), { what: 'the reloaded console knows its call-back' });
  assert.equal(await agent.locator('#callback-cancel').isHidden(), false, 'the call-back can be cancelled');
  assert.equal(await page.evaluate(() => window.Kefu.state().call), 'incoming', 'the visitor still rings');
  await clickCallBar(page, 'answer');
  await until(async () => (await agent.evaluate(() => window.__kefuAgent.state)) === 'in-call', { timeout: 20000, what: 'the console accepts the 接听 by itself' });
  await until(() => page.evaluate(() => window.Kefu.state().call === 'in-call'), { what: 'visitor in call' });
  await mediaFlows(page, 'audio', false, true);
  await agent.click('#call-hangup');
  await until(() => page.evaluate(() => window.Kefu.state().call === 'ended'), { what: 'visitor sees the end' });
  await page.context().close();
});

test('a busy visitor is refused clearly: the console says why', async () => {
  const { page } = await visitorWithClosedPanel();
  await page.evaluate(() => { window.Kefu.call({ video: false }).catch(() => {}); }); // the visitor rings us itself
  await until(async () => (await agent.evaluate(() => window.__kefuAgent.state)) === 'ringing', { what: 'the visitor\'s own call rings' });
  await agent.click('#callback-voice');
  await until(async () => /无法回拨.*busy/.test(await agent.locator('#callback-status').textContent()), { what: 'refusal shown' });
  assert.equal(await agent.evaluate(() => window.__kefuAgent.callback.reason), 'error');
  assert.equal(await agent.locator('#callback-voice').isDisabled(), false, 'the console can try again later');
  await agent.click('#call-reject');
  await page.context().close();
});
