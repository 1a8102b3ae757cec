'use strict';
// 语音 / 视频 calls end to end: the C++ PeerJS client in the widget ↔ the stock peerjs agent console,
// through the stock `peer` server, with Chromium's fake camera and microphone.
const { test, before, after, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { ROOT, startServer, launch, openVisitor, waitReady, agentLogin, openWithSettings, until, freePort, artifact, startFile, stopFile } = require('./harness');

let server, browser, agent;

before(async () => ({ server, browser, agent } = await startFile()));

after(() => stopFile({ browser, server }));

// A test that fails midway must not hand the next one a console still in its call: its visitors go (the
// server then ends their calls), and the console must be free again, else it is loaded afresh.
afterEach(async () => {
  for (const c of browser.contexts()) if (c !== agent.context()) await c.close().catch(() => {});
  const free = async () => !['ringing', 'answered', 'in-call'].includes(await agent.evaluate(() => window.__kefuAgent.state));
  try {
    await until(free, { timeout: 8000, what: 'the console free again' });
  } catch {
    console.log(`# the console was still ${await agent.evaluate(() => window.__kefuAgent.state)} after the test: loaded afresh`);
    await agent.reload();
    await until(() => agent.evaluate(() => !!(window.__kefuAgent && window.__kefuAgent.peerId)), { timeout: 15000, what: 'the console\'s standing peer' });
  }
});

const callState = (page) => page.evaluate(() => window.Kefu.state().call);
const agentState = () => agent.evaluate(() => window.__kefuAgent.state);

async function readyVisitor(page) {
  await page.evaluate(() => window.Kefu.open());
  await waitReady(page);
  await page.evaluate(() => { window.__calls = []; window.Kefu.on('call', (e) => window.__calls.push(e)); });
  return page;
}

async function ringAndAccept(page, video) {
  const result = page.evaluate((v) => window.Kefu.call({ video: v }).then((e) => e, (e) => ({ error: e.code })), video);
  await until(async () => (await agentState()) === 'ringing', { what: 'agent console rings' });
  assert.match(await agent.locator('#call-card').textContent(), video ? /视频|Video/ : /语音|Voice/);
  await agent.click('#call-accept');
  return result;
}

// Media flows: a remote video decodes frames that keep advancing, remote audio tracks are live and unmuted.
async function mediaFlows(page, where, video) {
  return until(() => page.evaluate(async ({ where, video }) => {
    const el = where.shadow ? document.getElementById('kefu-root').shadowRoot.querySelector(where.sel) : document.querySelector(where.sel);
    if (!el || !el.srcObject) return false;
    const tracks = el.srcObject.getTracks();
    const audio = tracks.filter((t) => t.kind === 'audio');
    if (!audio.length || audio.some((t) => t.readyState !== 'live' || t.muted)) return false;
    if (!video) return true;
    if (!(el.videoWidth > 0)) return false;
    const f0 = el.getVideoPlaybackQuality().totalVideoFrames;
    await new Promise((r) => setTimeout(r, 400));
    return el.getVideoPlaybackQuality().totalVideoFrames > f0;
  }, { where, video }), { timeout: 15000, what: `${video ? 'video' : 'audio'} flowing into ${where.sel}` });
}
const visitorVideo = { shadow: true, sel: 'video.kefu-remote' };
const visitorAudio = { shadow: true, sel: 'audio' };
const agentVideo = { sel: '#agent-remote-video' };
const agentAudio = { sel: '#agent-remote-audio' };

test('a voice call connects, audio flows both ways, and the visitor hangs up', async () => {
  const page = await readyVisitor(await openVisitor(browser, server.url + '/'));
  const r = await ringAndAccept(page, false);
  assert.equal(r.state, 'in-call');
  assert.equal(await agent.evaluate(() => window.__kefuAgent.lastCall.micOnPress), true, 'the microphone started on the press');
  await mediaFlows(page, visitorAudio, false);
  await mediaFlows(agent, agentAudio, false);
  await page.evaluate(() => window.Kefu.hangup());
  await until(async () => (await agentState()) === 'ended', { timeout: 2000, what: 'agent ends within 2 s' });
  assert.equal(await callState(page), 'ended');
  // Both sides get a line in the history.
  await until(async () => (await page.evaluate(() => window.Kefu.messages())).some((m) => m.call && m.call.outcome === 'completed'), { what: 'call line' });
  await page.context().close();
});

test('a video call shows moving video on both sides; the agent hangs up', async () => {
  const page = await readyVisitor(await openVisitor(browser, server.url + '/'));
  const r = await ringAndAccept(page, true);
  assert.equal(r.state, 'in-call');
  await mediaFlows(page, visitorVideo, true);
  await mediaFlows(agent, agentVideo, true);
  // The self-view holds the live camera. (Whether it is on screen with a decoded frame varied between full
  // suite runs, to be found out: printed here. call-extras asserts that it is mirrored.)
  await until(() => page.evaluate(() => {
    const v = document.getElementById('kefu-root').shadowRoot.querySelector('video.kefu-local');
    return !!v.srcObject && v.srcObject.getVideoTracks().some((t) => t.readyState === 'live');
  }), { timeout: 5000, what: 'the self-view holds the live camera' });
  console.log('# self-view', JSON.stringify(await page.evaluate(() => {
    const v = document.getElementById('kefu-root').shadowRoot.querySelector('video.kefu-local');
    return { w: v.videoWidth, display: getComputedStyle(v).display };
  })));
  await page.screenshot({ path: artifact('video-call.png') });
  await agent.click('#call-hangup');
  await until(async () => (await callState(page)) === 'ended', { timeout: 2000, what: 'visitor ends within 2 s' });
  // Every local track stopped.
  const live = await page.evaluate(() => {
    const v = document.getElementById('kefu-root').shadowRoot.querySelector('video.kefu-local');
    return v.srcObject ? v.srcObject.getTracks().filter((t) => t.readyState === 'live').length : 0;
  });
  assert.equal(live, 0);
  await page.context().close();
});

// Audio the console received and sent on the connection it answered while ringing (window.__early):
// inbound-rtp bytes, outbound-rtp packets.
const rtpCounts = () => agent.evaluate(async () => {
  const pc = window.__early;
  let bytesIn = 0, packetsOut = 0;
  (await pc.getStats()).forEach((r) => {
    if (r.type === 'inbound-rtp' && r.kind === 'audio') bytesIn += r.bytesReceived || 0;
    if (r.type === 'outbound-rtp' && r.kind === 'audio') packetsOut += r.packetsSent || 0;
  });
  return { bytesIn, packetsOut, state: pc.connectionState };
});

test('the widget\'s offer is answered while the console rings: connected, silent both ways, nothing played; the accept starts media both ways', async () => {
  await until(() => agent.evaluate(() => !!window.__kefuAgent.peerId), { what: 'console standing peer' });
  const page = await readyVisitor(await openVisitor(browser, server.url + '/'));
  await agent.evaluate(() => { window.__early = null; });
  const result = page.evaluate(() => window.Kefu.call({ video: false }).then((e) => e, (e) => ({ error: e.code })));
  await until(async () => (await agentState()) === 'ringing', { what: 'agent console rings' });
  await until(() => agent.evaluate(() => {
    const pc = window.__kefuAgent.earlyConnection();
    if (pc && pc.connectionState === 'connected') window.__early = pc;
    return !!window.__early;
  }), { what: 'the held offer answered and connected while it rings' });
  // The auxiliary data channel is open on the visitor's side too: the path carries anything sent on it.
  await until(() => agent.evaluate(() => window.__early.sctp && window.__early.sctp.state === 'connected'), { what: 'the path is up end to end' });
  await page.waitForTimeout(500); // a window in which a sending microphone would have delivered ~25 packets
  const ringing = await rtpCounts();
  assert.equal(ringing.bytesIn, 0, 'no visitor audio reached the console before the accept');
  assert.equal(ringing.packetsOut, 0, 'no agent audio left before the accept');
  assert.equal(await callState(page), 'ringing');
  assert.equal(await page.evaluate(() => {
    const a = document.getElementById('kefu-root').shadowRoot.querySelector('audio');
    return !!(a && a.srcObject);
  }), false, 'the visitor plays nothing before the accept');

  await agent.click('#call-accept');
  assert.equal((await result).state, 'in-call');
  assert.equal(await agent.evaluate(() => window.__kefuAgent.lastCall.early), true);
  assert.equal(await agent.evaluate(() => window.__kefuAgent.lastCall.mediaCall.peerConnection === window.__early), true, 'the call runs on the connection made while it rang');
  await mediaFlows(page, visitorAudio, false);
  await mediaFlows(agent, agentAudio, false);
  await until(async () => (await rtpCounts()).bytesIn > 0, { what: 'visitor audio at the console after the accept' });
  await page.evaluate(() => window.Kefu.hangup());
  await until(async () => (await agentState()) === 'ended', { timeout: 2000, what: 'agent ends within 2 s' });
  await page.context().close();
});

test('a voice call switches to video and back without hanging up', async () => {
  const page = await readyVisitor(await openVisitor(browser, server.url + '/'));
  await page.evaluate(() => {
    // Every stream the widget opens, to check that the camera really goes off again.
    const md = navigator.mediaDevices;
    const gum = md.getUserMedia.bind(md);
    window.__streams = [];
    md.getUserMedia = (c) => gum(c).then((s) => { window.__streams.push(s); return s; });
  });
  assert.equal((await ringAndAccept(page, false)).state, 'in-call');
  await mediaFlows(page, visitorAudio, false);
  const switching = page.evaluate(() => window.Kefu.switchCall({ video: true }).then((e) => e, (e) => ({ error: e.code })));
  // The agent's camera turns on only with the agent's consent.
  await until(() => agent.evaluate(() => !!window.__kefuAgent.switchRequest), { what: 'console asks about video' });
  assert.equal(await page.evaluate(() => window.Kefu.state().callSwitching), true);
  await agent.click('#switch-accept');
  const sw = await switching;
  assert.equal(sw.ok, true, JSON.stringify(sw));
  assert.equal(await callState(page), 'in-call');
  await mediaFlows(page, visitorVideo, true);
  await mediaFlows(agent, agentVideo, true);
  assert.equal(await agentState(), 'in-call');
  await page.screenshot({ path: artifact('switched-to-video.png') });

  const back = await page.evaluate(() => window.Kefu.switchCall({ video: false }).then((e) => e, (e) => ({ error: e.code })));
  assert.equal(back.ok, true, JSON.stringify(back));
  await mediaFlows(page, visitorAudio, false);
  await mediaFlows(agent, agentAudio, false);
  // The video area goes with the frame the switch draws: wait for that frame (one, or a few on a loaded
  // machine), then look.
  const after = await until(() => page.evaluate(() => {
    const root = document.getElementById('kefu-root').shadowRoot;
    const preview = root.querySelector('video.kefu-local');
    return {
      videoShown: getComputedStyle(root.querySelector('video.kefu-remote')).display !== 'none',
      previewShown: !!preview.srcObject && getComputedStyle(preview).display !== 'none',
      cameraLive: window.__streams.some((st) => st.getVideoTracks().some((t) => t.readyState === 'live')),
      streams: window.__streams.length,
      state: window.Kefu.state(),
    };
  }).then((a) => !a.videoShown && !a.previewShown && a), { timeout: 2000, what: 'the video area gone after the switch back' });
  assert.equal(after.videoShown, false);
  assert.equal(after.previewShown, false);
  assert.equal(after.streams, 3); // voice, video, voice again
  assert.equal(after.cameraLive, false, 'the camera is off again');
  assert.equal(after.state.call, 'in-call');
  assert.equal(after.state.callVideo, false);
  assert.equal(await agentState(), 'in-call');
  await page.evaluate(() => window.Kefu.hangup());
  await until(async () => (await agentState()) === 'ended', { timeout: 2000, what: 'agent ends within 2 s' });
  await page.context().close();
});

test('the agent declines video: the visitor is told, the voice call goes on', async () => {
  const page = await readyVisitor(await openVisitor(browser, server.url + '/'));
  assert.equal((await ringAndAccept(page, false)).state, 'in-call');
  const switching = page.evaluate(() => window.Kefu.switchCall({ video: true }).then((e) => e, (e) => ({ error: e.code })));
  await until(() => agent.evaluate(() => !!window.__kefuAgent.switchRequest), { what: 'console asks about video' });
  await agent.click('#switch-decline');
  assert.equal((await switching).error, 'rejected');
  const st = await page.evaluate(() => window.Kefu.state());
  assert.equal(st.call, 'in-call');
  assert.equal(st.callVideo, false);
  await mediaFlows(page, visitorAudio, false);
  await mediaFlows(agent, agentAudio, false);
  assert.equal(await agentState(), 'in-call');
  await page.evaluate(() => window.Kefu.hangup());
  await until(async () => (await agentState()) === 'ended', { timeout: 2000, what: 'agent ends within 2 s' });
  await page.context().close();
});

// The ring does not wait for the browser's prompt: the agent is rung while the visitor is asked, and the
// console says so until the visitor allows (docs/PROTOCOL.md §5 `mic`). getUserMedia is held open here until
// the test answers it, as a visitor would by clicking the prompt (or, for a returning one, a slow microphone).
test('the agent is rung while the browser asks the visitor; the console shows it until the grant; a refusal takes the ring back and says why', async () => {
  const asking = () => agent.evaluate(() => window.__kefuAgent.visitorAsking);
  for (const kind of ['allows', 'refuses', 'returning']) {
    const ctx = await browser.newContext();
    await ctx.addInitScript((prompt) => {
      if (prompt) {
        // As before any grant: the Permissions API says "prompt" (the fake media UI would say "granted").
        const query = navigator.permissions.query.bind(navigator.permissions);
        navigator.permissions.query = (d) => (d && (d.name === 'microphone' || d.name === 'camera')
          ? Promise.resolve({ state: 'prompt', onchange: null }) : query(d));
      }
      const md = navigator.mediaDevices;
      const gum = md.getUserMedia.bind(md);
      md.getUserMedia = (c) => new Promise((resolve, reject) => {
        window.__answer = (ok) => (ok ? gum(c).then(resolve, reject) : reject(new DOMException('Permission denied', 'NotAllowedError')));
      });
    }, kind !== 'returning');
    const page = await ctx.newPage();
    await page.goto(server.url + '/');
    await readyVisitor(page);
    const result = page.evaluate(() => window.Kefu.call({ video: false }).then((e) => e, (e) => ({ error: e.code })));
    await until(async () => (await agentState()) === 'ringing', { what: `the console rings before the visitor answered the prompt (${kind})` });
    await until(async () => (await asking()) === (kind !== 'returning'), { timeout: 3000, what: `the console's "being asked" line (${kind})` });
    assert.equal(await agent.locator('.call-asking').isVisible(), kind !== 'returning', kind);
    if (kind === 'refuses') {
      await page.evaluate(() => window.__answer(false));
      assert.equal((await result).error, 'permission-denied');
      await until(async () => (await agentState()) === 'ended', { timeout: 3000, what: 'the ring taken back' });
      assert.match(await agent.locator('#call-status').textContent(), /访客未允许使用麦克风/);
      await until(async () => (await asking()) === false, { timeout: 2000, what: 'no "being asked" line after the end' });
    } else {
      // The agent takes the call first: it waits for the visitor's microphone, then flows.
      await agent.click('#call-accept');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await asking(), kind !== 'returning', 'still asking after the accept');
      await page.evaluate(() => window.__answer(true));
      await until(async () => (await asking()) === false, { timeout: 3000, what: 'the line gone with the grant' });
      assert.equal((await result).state, 'in-call');
      await mediaFlows(agent, agentAudio, false);
      await mediaFlows(page, visitorAudio, false);
      await page.evaluate(() => window.Kefu.hangup());
      await until(async () => (await agentState()) === 'ended', { timeout: 2000, what: 'agent ends' });
    }
    await ctx.close();
  }
});

// A voice ring starts an allowed microphone by itself (call-extras.test.js); a video ring waits for the
// press, so the camera's light never goes on for a call the agent does not take.
test('a press on 接受 of a video call that does not become a click releases the agent microphone and camera again', async () => {
  await agent.evaluate(() => {
    const md = navigator.mediaDevices;
    if (!window.__agentStreams) {
      window.__agentStreams = [];
      const gum = md.getUserMedia.bind(md);
      md.getUserMedia = (c) => gum(c).then((st) => { window.__agentStreams.push(st); return st; });
    }
  });
  const page = await readyVisitor(await openVisitor(browser, server.url + '/'));
  const result = page.evaluate(() => window.Kefu.call({ video: true }).then((e) => e, (e) => ({ error: e.code })));
  await until(async () => (await agentState()) === 'ringing', { what: 'agent console rings' });
  const before = await agent.evaluate(() => window.__agentStreams.length);
  assert.equal(await agent.evaluate(() => window.__kefuAgent.heldMedia()), null, 'nothing started by a video ring');
  await agent.dispatchEvent('#call-accept', 'pointerdown');
  await until(() => agent.evaluate((n) => window.__agentStreams.length > n, before), { what: 'microphone started on the press' });
  await until(() => agent.evaluate((n) => window.__agentStreams.slice(n).every((st) => st.getTracks().every((t) => t.readyState === 'ended')), before),
    { timeout: 6000, what: 'microphone released without the click' });
  assert.equal(await agentState(), 'ringing');
  await agent.click('#call-reject');
  assert.equal((await result).error, 'rejected');
  await page.context().close();
});

test('the agent rejects: the visitor sees it, and chat keeps working', async () => {
  const page = await readyVisitor(await openVisitor(browser, server.url + '/'));
  const result = page.evaluate(() => window.Kefu.call({ video: false }).then(() => null, (e) => e.code));
  await until(async () => (await agentState()) === 'ringing', { what: 'ringing' });
  await agent.click('#call-reject');
  assert.equal(await result, 'rejected');
  assert.equal(await callState(page), 'failed');
  const ack = await page.evaluate(() => window.Kefu.send('那我们文字聊吧'));
  assert.ok(ack.seq > 0);
  await page.context().close();
});

test('nobody answers: the call gives up after the ring timeout', async () => {
  const page = await readyVisitor(await openWithSettings(browser, server.url, { ringTimeout: 3 }));
  const t0 = Date.now();
  const code = await page.evaluate(() => window.Kefu.call({ video: false }).then(() => null, (e) => e.code));
  assert.equal(code, 'no-answer');
  assert.ok(Date.now() - t0 >= 2900);
  await until(async () => (await agentState()) !== 'ringing', { timeout: 3000, what: 'agent stops ringing' });
  await page.context().close();
});

test('the agent peer is unreachable: the call fails with a clear reason', async () => {
  // An agent that accepts with a PeerJS id issued to it but never registered (its browser went away).
  const login = await fetch(`${server.url}/api/agent/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'kefu1', password: 'kefu123' }) }).then((r) => r.json());
  const ghost = await fetch(`${server.url}/api/agent/peer-credentials`, { method: 'POST', headers: { Authorization: `Bearer ${login.token}` } }).then((r) => r.json());
  const WebSocket = require('ws');
  const ws = new WebSocket(server.url.replace('http', 'ws') + '/ws/agent');
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ type: 'auth', data: { token: login.token } }));
  ws.on('message', (buf) => {
    const f = JSON.parse(buf);
    if (f.type === 'call') ws.send(JSON.stringify({ type: 'accept', data: { visitorId: f.data.visitorId, peerId: ghost.id, callId: f.data.callId } }));
  });
  await agent.close(); // only the fake agent answers this time
  const page = await readyVisitor(await openVisitor(browser, server.url + '/'));
  const code = await page.evaluate(() => window.Kefu.call({ video: false }).then(() => null, (e) => e.code));
  assert.equal(code, 'agent-unreachable');
  ws.close();
  await page.context().close();
  agent = await agentLogin(browser, server.url);
});

test('microphone permission denied: a clear failure, the ring taken back (or never sent when known), chat still works', async () => {
  const denied = await launch(['--deny-permission-prompts'], { fakeUi: false });
  try {
    for (const known of [false, true]) {
      // Without the fake-UI flag the prompt is auto-denied; `known`: the Permissions API already says so.
      const ctx = await denied.newContext();
      await ctx.addInitScript((k) => {
        window.__rings = 0;
        window.__cancels = [];
        const f = window.fetch;
        window.fetch = function (url, o) {
          const body = String((o && o.body) || '');
          if (/callKefu/.test(String(url)) && /callpeer/.test(body)) window.__rings++;
          const r = f.apply(this, arguments);
          if (/callKefu/.test(String(url)) && /"cancel"/.test(body)) r.then((res) => window.__cancels.push([res.status, body]), () => {});
          return r;
        };
        if (!k) return;
        const query = navigator.permissions.query.bind(navigator.permissions);
        navigator.permissions.query = (d) => (d && d.name === 'microphone' ? Promise.resolve({ state: 'denied', onchange: null }) : query(d));
      }, known);
      const page = await ctx.newPage();
      await page.goto(server.url + '/');
      await readyVisitor(page);
      const code = await page.evaluate(() => window.Kefu.call({ video: false }).then(() => null, (e) => e.code));
      assert.equal(code, 'permission-denied');
      await until(async () => (await agentState()) !== 'ringing', { timeout: 3000, what: 'no ring left at the console' });
      // An unknown refusal may ring (when the registration beat the prompt's answer), then takes it back.
      const rings = await page.evaluate(() => window.__rings);
      if (known) assert.equal(rings, 0, 'a refusal already known rings nobody');
      else assert.ok(rings <= 1, `${rings} rings`);
      if (rings === 1) {
        // Taken back, with the reason: the server took the cancel and the console shows why.
        await until(() => page.evaluate(() => window.__cancels.length > 0), { timeout: 3000, what: 'the cancel' });
        const [[status, body]] = await page.evaluate(() => window.__cancels);
        assert.equal(status, 200, body);
        assert.match(body, /"reason":"permission-denied"/);
        await until(async () => /访客未允许使用麦克风/.test(await agent.locator('#call-status').textContent()), { timeout: 3000, what: 'the console shows why the ring ended' });
      }
      const ack = await page.evaluate(() => window.Kefu.send('麦克风被拒绝了'));
      assert.ok(ack.seq > 0);
      await ctx.close();
    }
  } finally {
    await denied.close();
  }
});

test('a second click on 语音 during a call does nothing harmful', async () => {
  const page = await readyVisitor(await openVisitor(browser, server.url + '/'));
  await ringAndAccept(page, false);
  const second = await page.evaluate(() => window.Kefu.call({ video: false }).then(() => 'resolved', (e) => e.code));
  assert.equal(second, 'busy');
  assert.equal(await callState(page), 'in-call');
  await page.close(); // closing the page ends the call on the agent's side
  await until(async () => (await agentState()) === 'ended', { timeout: 8000, what: 'agent notices the page closed' });
});

test('the widget works against a standalone stock peer server with a custom key and path', async () => {
  const peerPort = await freePort();
  const peerBin = path.join(ROOT, 'shell/node_modules/.bin/peerjs');
  const peer = spawn(process.execPath, [peerBin, '--port', String(peerPort), '--key', 'kefutest', '--path', '/myapp'], { stdio: 'ignore' });
  try {
    await until(async () => { try { return (await fetch(`http://127.0.0.1:${peerPort}/myapp`)).ok; } catch { return false; } }, { what: 'peer server up' });
    const env = { KEFU_PEER_HOST: '127.0.0.1', KEFU_PEER_PORT: String(peerPort), KEFU_PEER_PATH: '/myapp', KEFU_PEER_KEY: 'kefutest' };
    const other = await startServer({ env });
    try {
      const agent2 = await agentLogin(browser, other.url);
      const page = await readyVisitor(await openWithSettings(browser, other.url, { peerHost: '127.0.0.1', peerPort, peerPath: '/myapp', peerKey: 'kefutest' }));
      const r = page.evaluate(() => window.Kefu.call({ video: false }).then((e) => e.state, (e) => e.code));
      await until(() => agent2.evaluate(() => window.__kefuAgent.state === 'ringing'), { what: 'ringing' });
      await agent2.click('#call-accept');
      assert.equal(await r, 'in-call');
      await page.evaluate(() => window.Kefu.hangup());
      await agent2.context().close();
      await page.context().close();
    } finally {
      await other.stop();
    }
  } finally {
    peer.kill();
  }
});

test('an insecure page (no mediaDevices) says so, and chat still works', async () => {
  const insecure = await launch(['--host-resolver-rules=MAP kefu.test 127.0.0.1']);
  try {
    const page = await insecure.newPage();
    await page.goto(server.url.replace('127.0.0.1', 'kefu.test') + '/');
    assert.equal(await page.evaluate(() => window.isSecureContext), false);
    await readyVisitor(page);
    const code = await page.evaluate(() => window.Kefu.call({ video: true }).then(() => null, (e) => e.code));
    assert.equal(code, 'insecure-context');
    const ack = await page.evaluate(() => window.Kefu.send('http 页面也能聊天'));
    assert.ok(ack.seq > 0);
  } finally {
    await insecure.close();
  }
});

test('an unreachable PeerJS server fails the call with a clear reason', async () => {
  const deadPort = await freePort();
  const page = await readyVisitor(await openWithSettings(browser, server.url, { peerHost: '127.0.0.1', peerPort: deadPort, peerPath: '/peerjs' }));
  const code = await page.evaluate(() => window.Kefu.call({ video: false }).then(() => null, (e) => e.code));
  assert.equal(code, 'server-unreachable');
  assert.notEqual(await agentState(), 'ringing', 'the agent is not rung for a call that cannot connect');
  await page.context().close();
});
