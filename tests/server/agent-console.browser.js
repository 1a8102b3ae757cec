'use strict';
// Browser check of the agent console (客服工作台) against the reference server, with a stock-peerjs
// stand-in for the visitor's call. Run by tests/e2e/agent-console.test.js, or directly:
//   node tests/server/agent-console.browser.js [--shots DIR]
// Needs Chromium (/usr/bin/chromium or KEFU_CHROMIUM) and playwright-core from shell/node_modules.
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');
const { startServer, api, newVisitor, visitorSocket, sleep, runMain } = require('./helpers');

const shellRequire = createRequire(path.join(__dirname, '../../shell/package.json'));
const { chromium } = shellRequire('playwright-core');

const CHROMIUM = process.env.KEFU_CHROMIUM || '/usr/bin/chromium';
const shotsArg = process.argv.indexOf('--shots');
const SHOTS = shotsArg > 0 ? process.argv[shotsArg + 1] : null;

async function shot(page, name) {
  if (!SHOTS) return;
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

// The agent's 挂断, and the console ended within 10 s; if not, the error says what the console showed
// instead (a call still on, or a ring it still holds).
async function hangUp(agent) {
  await agent.click('#call-hangup');
  await agent.waitForFunction(() => window.__kefuAgent.state === 'ended', null, { timeout: 10000 }).catch(async (e) => {
    const seen = await agent.evaluate(() => ({
      state: window.__kefuAgent.state,
      lastCall: window.__kefuAgent.lastCall && { state: window.__kefuAgent.lastCall.state, endReason: window.__kefuAgent.lastCall.endReason },
      status: document.getElementById('call-status').textContent,
      hangupHidden: document.getElementById('call-hangup').hidden,
      queue: document.getElementById('call-queue') && document.getElementById('call-queue').textContent,
      wsState: window.__kefuAgent.wsState,
    }));
    throw new Error(`${e.message}: after 挂断 the console shows ${JSON.stringify(seen)}`);
  });
}

// The visitor side of a call, done with the stock peerjs client inside a page of the same site.
// `early`: 'after' offers to the callpeer answer's `peer` before the accept; 'before' offers to
// `agentPeer` even before callpeer (the offer overtakes the ring). Otherwise it offers on `accept`.
async function visitorCallPage(browser, srv, visitor, video, { early = null, agentPeer = null } = {}) {
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && console.log('[visitor page]', m.text()));
  await page.goto(`${srv.url}/second.html`);
  await page.addScriptTag({ url: '/vendor/peerjs.min.js' });
  await page.evaluate(async ({ token, visitorId, video, early, agentPeer }) => {
    const cfg = await (await fetch('/api/config')).json();
    const w = window;
    w.log = [];
    w.__token = token;
    w.local = await navigator.mediaDevices.getUserMedia({ audio: true, video });
    // The mounted PeerJS server registers only ids the backend issued to this visitor.
    const cred = await (await fetch('/api/peer-credentials', { method: 'POST', headers: { authorization: `Bearer ${token}` } })).json();
    w.peer = new w.Peer(cred.id, { token: cred.token, host: cfg.peer.host, port: cfg.peer.port, path: cfg.peer.path, key: cfg.peer.key, secure: cfg.peer.secure, config: { iceServers: cfg.iceServers } });
    const peerId = await new Promise((resolve, reject) => {
      w.peer.on('open', resolve);
      w.peer.on('error', reject);
    });
    const ws = new WebSocket(`ws://${location.host}/ws/visitor`);
    w.ws = ws;
    await new Promise((resolve) => {
      ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', data: { token } }));
      ws.onmessage = (ev) => {
        const f = JSON.parse(ev.data);
        w.log.push(f);
        if (f.type === 'hello') resolve();
        if (f.type === 'switch' && f.data.accepted === false && w.declineSwitch) w.declineSwitch();
        if (f.type === 'accept') {
          w.acceptedBy = f.data;
          if (!w.call) offer(f.data);
        }
      };
    });
    function offer(to, options) {
      const call = w.peer.call(to, w.local, options);
      w.call = call;
      w.offeredTo = to;
      call.on('stream', (s) => {
        w.remote = s;
      });
      call.on('close', () => {
        if (w.call === call) w.callClosed = true;
      });
    }
    // The widget's voice <-> video switch: a second offer for the same call from the same peer; once it
    // is ICE-connected the old connection is closed without a LEAVE and the server is told. A `switch`
    // frame {accepted:false} or 30 s without a connection give it up silently.
    w.switchTo = async (kind) => {
      const local = await navigator.mediaDevices.getUserMedia({ audio: true, video: kind });
      const old = w.call;
      const next = w.peer.call(w.offeredTo, local, { metadata: { video: kind, visitorId, name: 'x', callId: w.callId } });
      w.nextRemote = null;
      next.on('stream', (st) => {
        w.nextRemote = st;
      });
      const outcome = await new Promise((resolve) => {
        const t = setTimeout(() => resolve('timeout'), 30000);
        // Once only, and only this switch's own: a connection of an earlier switch closing later (the
        // call's connection at its end) must not take the next request's decline away.
        let over = false;
        const decline = () => done('declined');
        const done = (o) => {
          if (over) return;
          over = true;
          clearTimeout(t);
          if (w.declineSwitch === decline) w.declineSwitch = null;
          resolve(o);
        };
        w.declineSwitch = decline;
        next.on('iceStateChanged', (st) => (st === 'connected' || st === 'completed') && done('ok'));
        next.on('close', () => done('closed'));
      });
      if (outcome !== 'ok') {
        next.close();
        local.getTracks().forEach((t) => t.stop());
        return outcome;
      }
      w.call = next;
      next.on('close', () => {
        if (w.call === next) w.callClosed = true;
      });
      old.close(); // no LEAVE: it would close the new connection at the agent too
      w.local.getTracks().forEach((t) => t.stop());
      w.local = local;
      w.remote = w.nextRemote || next.remoteStream;
      const r = await fetch('/2/callKefu', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ action: 'switch', call_id: w.callId, video: kind }),
      });
      return r.ok ? 'ok' : `http ${r.status}`;
    };
    if (early === 'before') offer(agentPeer);
    const r = await fetch('/2/callKefu', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ action: 'callpeer', kefu_id: cfg.kefu.id, visitor_id: visitorId, video, peer_id: peerId }),
    });
    const answer = await r.json();
    w.callId = answer.callId;
    w.standingPeer = answer.peer || null;
    if (early === 'after' && answer.peer) offer(answer.peer, { metadata: { callId: answer.callId, visitorId } });
  }, { token: visitor.token, visitorId: visitor.visitorId, video, early, agentPeer });
  return page;
}

async function main() {
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`skipped: no Chromium at ${CHROMIUM}`);
    return;
  }
  let srv = await startServer({ rate: { messages: 100 } });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      '--autoplay-policy=no-user-gesture-required', '--disable-background-networking', '--no-first-run'],
  });
  const t0 = Date.now();
  try {
    const agent = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems = [];
    agent.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    agent.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });

    // Login: bad password first, then the right one.
    await agent.goto(`${srv.url}/agent/`);
    await agent.fill('#login-user', 'kefu1');
    await agent.fill('#login-pass', 'wrong');
    await agent.click('#login-submit');
    await agent.waitForSelector('#login-error:not([hidden])');
    assert.match(await agent.textContent('#login-error'), /错误|Wrong/);
    await agent.fill('#login-pass', 'kefu123');
    await agent.click('#login-submit');
    await agent.waitForFunction(() => window.__kefuAgent.wsState === 'online');
    await shot(agent, '1-empty');

    // A visitor writes; the console lists it with an unread badge.
    const v = await newVisitor(srv, '张先生');
    const tab = await visitorSocket(srv, v.token);
    assert.equal(tab.hello.kefu.online, true);
    tab.send('message', { id: 'q1', text: '你好，龙井什么时候发货？<b>not bold</b>' });
    const item = `.visitor-item[data-visitor-id="${v.visitorId}"]`;
    await agent.waitForSelector(`${item} .badge`);
    assert.equal(await agent.textContent(`${item} .badge`), '1');
    assert.ok(await agent.$(`${item} .dot.online`));

    // Open it: history, read mark, reply with Enter.
    await agent.click(item);
    await agent.waitForSelector('#messages .msg[data-from="visitor"]');
    const shown = await agent.textContent('#messages .msg[data-from="visitor"] .bubble');
    assert.equal(shown, '你好，龙井什么时候发货？<b>not bold</b>', 'chat text is shown as text');
    await tab.next('read');
    await agent.waitForSelector(`${item}:not(:has(.badge))`);

    tab.send('typing', { on: true });
    await agent.waitForSelector('#typing-indicator:not([hidden])');
    tab.send('typing', { on: false });
    await agent.waitForSelector('#typing-indicator[hidden]', { state: 'attached' });

    await agent.click('#reply');
    await agent.keyboard.type('今天下单');
    const typing = await tab.next('typing');
    assert.equal(typing.data.on, true);
    await agent.keyboard.down('Shift');
    await agent.keyboard.press('Enter');
    await agent.keyboard.up('Shift');
    await agent.keyboard.type('明天发货');
    await agent.keyboard.press('Enter');
    const reply = await tab.next('message');
    assert.equal(reply.data.text, '今天下单\n明天发货');
    await agent.waitForSelector(`#messages .msg[data-from="agent"][data-seq="${reply.data.seq}"]`);
    await shot(agent, '2-chat');

    // History paging: 45 more messages, the console shows 30 then loads older ones.
    for (let i = 0; i < 45; i++) {
      await api(srv, 'POST', '/api/messages', { token: v.token, body: { id: `h${i}`, text: `第 ${i} 条` } });
    }
    await agent.reload();
    await agent.waitForFunction(() => window.__kefuAgent.wsState === 'online');
    await agent.click(item);
    await agent.waitForFunction(() => document.querySelectorAll('#messages .msg').length === 30);
    await agent.click('#load-older');
    await agent.waitForFunction(() => document.querySelectorAll('#messages .msg').length === 47);
    await agent.waitForSelector('#history-start:not([hidden])');

    // A video call: ring, accept, media both ways, agent hangs up.
    const vp = await visitorCallPage(browser, srv, v, true);
    await agent.waitForSelector('#call-card:not([hidden])');
    assert.match(await agent.textContent('#call-status'), /ringing/);
    assert.match(await agent.textContent('#call-name'), /张先生/);
    await shot(agent, '3-ringing');
    const tAccept = Date.now();
    await agent.click('#call-accept');
    await agent.waitForFunction(() => window.__kefuAgent.state === 'in-call' && window.__kefuAgent.lastCall.remoteStream);
    await agent.waitForFunction(() => {
      const vEl = document.getElementById('agent-remote-video');
      return vEl.srcObject && vEl.srcObject.getVideoTracks().length > 0 && vEl.readyState >= 2 && !vEl.paused;
    });
    console.log(`accept to remote video playing: ${Date.now() - tAccept} ms`);
    await vp.waitForFunction(() => window.remote && window.remote.getTracks().length > 0);
    assert.match(await agent.textContent('#call-status'), /in-call/);
    assert.ok(await agent.evaluate(() => !!window.__kefuAgent.lastCall.peerId));
    await sleep(1200);
    await shot(agent, '4-in-call');
    await hangUp(agent);
    assert.match(await agent.textContent('#call-status'), /ended/);
    await vp.waitForFunction(() => window.log.some((f) => f.type === 'hangup' && f.data.reason === 'agent'));
    await vp.waitForFunction(() => window.callClosed === true, null, { timeout: 5000 });
    const tracksLive = await agent.evaluate(() => window.__kefuAgent.lastCall.localStream.getTracks().some((t) => t.readyState === 'live'));
    assert.equal(tracksLive, false, 'local tracks are stopped after the call');
    await agent.waitForSelector('#messages .msg[data-from="system"][data-kind="call"]');
    await vp.close();

    // A voice call that the visitor hangs up: the console ends within 2 s.
    await agent.waitForSelector('#call-card[hidden]', { state: 'attached', timeout: 6000 });
    const vp2 = await visitorCallPage(browser, srv, v, false);
    await agent.waitForSelector('#call-card:not([hidden]) #call-accept:not([hidden])');
    await agent.click('#call-accept');
    await agent.waitForFunction(() => window.__kefuAgent.state === 'in-call' && window.__kefuAgent.lastCall.remoteStream);
    await agent.waitForFunction(() => {
      const a = document.getElementById('agent-remote-audio');
      return a.srcObject && a.srcObject.getAudioTracks().length > 0;
    });
    const tHang = Date.now();
    await vp2.evaluate(async () => {
      window.call.close();
      await fetch('/2/callKefu', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${window.__token}` },
        body: JSON.stringify({ action: 'hangup', call_id: window.callId }),
      });
    });
    await agent.waitForFunction(() => window.__kefuAgent.state === 'ended', null, { timeout: 2000 });
    console.log(`visitor hang-up to console ended: ${Date.now() - tHang} ms`);
    // A normal hang-up reads as one, not as a broken connection.
    const endText = await agent.textContent('#call-status');
    assert.match(endText, /通话结束 Call ended|访客已挂断/);
    assert.doesNotMatch(endText, /连接已关闭|connection closed/);
    await vp2.close();

    // A rejected call.
    const vp3 = await visitorCallPage(browser, srv, v, false);
    await agent.waitForSelector('#call-card:not([hidden]) #call-reject:not([hidden])');
    await agent.click('#call-reject');
    await vp3.waitForFunction(() => window.log.some((f) => f.type === 'reject' && f.data.reason === 'rejected'));
    await vp3.close();
    await shot(agent, '5-after-calls');

    const calls = (await api(srv, 'GET', '/api/messages?limit=5', { token: v.token })).json.messages.filter((m) => m.kind === 'call');
    assert.deepEqual(calls.map((m) => m.call.outcome), ['completed', 'completed', 'rejected']);

    // The standing peer: registered at login, told to a ringing visitor, who offers while it rings.
    const standingId = await agent.evaluate(() => window.__kefuAgent.peerId);
    assert.ok(standingId, 'the console advertises a standing peer');
    await agent.waitForSelector('#call-card[hidden]', { state: 'attached', timeout: 6000 });
    const vp4 = await visitorCallPage(browser, srv, v, true, { early: 'after' });
    assert.equal(await vp4.evaluate(() => window.standingPeer), standingId);
    await agent.waitForSelector('#call-card:not([hidden]) #call-accept:not([hidden])');
    await sleep(1500); // the offer is there, but nothing is answered before the accept
    assert.equal(await vp4.evaluate(() => !!window.remote), false, 'no media before the accept');
    assert.equal(await agent.evaluate(() => window.__kefuAgent.state), 'ringing');
    const tEarly = Date.now();
    await agent.click('#call-accept');
    await agent.waitForFunction(() => window.__kefuAgent.state === 'in-call' && window.__kefuAgent.lastCall.remoteStream);
    await agent.waitForFunction(() => {
      const vEl = document.getElementById('agent-remote-video');
      return vEl.srcObject && vEl.srcObject.getVideoTracks().length > 0 && vEl.readyState >= 2 && !vEl.paused;
    });
    console.log(`early offer: accept to remote video playing: ${Date.now() - tEarly} ms`);
    await vp4.waitForFunction(() => window.remote && window.remote.getTracks().length > 0);
    assert.equal(await agent.evaluate(() => window.__kefuAgent.lastCall.early), true);
    assert.equal(await vp4.evaluate(() => window.acceptedBy), standingId, 'accept names the standing peer');
    await hangUp(agent);
    await vp4.waitForFunction(() => window.callClosed === true, null, { timeout: 5000 });
    assert.equal(await agent.evaluate(() => window.__kefuAgent.peerId), standingId, 'the standing peer outlives the call');
    await vp4.close();

    // An offer that overtakes its ring is kept until the ring comes, then answered on accept.
    await agent.waitForSelector('#call-card[hidden]', { state: 'attached', timeout: 6000 });
    const vp5 = await visitorCallPage(browser, srv, v, false, { early: 'before', agentPeer: standingId });
    await agent.waitForSelector('#call-card:not([hidden]) #call-accept:not([hidden])');
    await agent.click('#call-accept');
    await agent.waitForFunction(() => window.__kefuAgent.state === 'in-call' && window.__kefuAgent.lastCall.remoteStream);
    assert.equal(await agent.evaluate(() => window.__kefuAgent.lastCall.early), true);
    await vp5.waitForFunction(() => window.remote && window.remote.getTracks().length > 0);
    await vp5.evaluate(() => window.call.close());
    await agent.waitForFunction(() => window.__kefuAgent.state === 'ended', null, { timeout: 3000 });
    await vp5.close();

    // A visitor that offered early and then cancels: the ring stops, nothing is answered.
    await agent.waitForSelector('#call-card[hidden]', { state: 'attached', timeout: 6000 });
    const vp6 = await visitorCallPage(browser, srv, v, false, { early: 'after' });
    await agent.waitForSelector('#call-card:not([hidden]) #call-accept:not([hidden])');
    await vp6.evaluate(async () => {
      window.call.close();
      await fetch('/2/callKefu', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${window.__token}` },
        body: JSON.stringify({ action: 'cancel', call_id: window.callId }),
      });
    });
    await agent.waitForFunction(() => window.__kefuAgent.state !== 'ringing');
    assert.equal(await vp6.evaluate(() => !!window.remote), false);
    await vp6.close();

    // A peer that is not ringing reaches nothing.
    const stranger = await browser.newPage();
    await stranger.goto(`${srv.url}/second.html`);
    await stranger.addScriptTag({ url: '/vendor/peerjs.min.js' });
    const strangerToken = (await newVisitor(srv, 'stranger')).token;
    const strangerGotMedia = await stranger.evaluate(async ({ to, token }) => {
      const cfg = await (await fetch('/api/config')).json();
      const local = await navigator.mediaDevices.getUserMedia({ audio: true });
      const cred = await (await fetch('/api/peer-credentials', { method: 'POST', headers: { authorization: `Bearer ${token}` } })).json();
      const peer = new window.Peer(cred.id, { token: cred.token, host: cfg.peer.host, port: cfg.peer.port, path: cfg.peer.path, key: cfg.peer.key, secure: cfg.peer.secure });
      await new Promise((resolve) => peer.on('open', resolve));
      const call = peer.call(to, local, { metadata: { callId: 'c_none' } });
      return new Promise((resolve) => {
        call.on('stream', () => resolve(true));
        setTimeout(() => resolve(false), 3000); // an answer comes within a second when there is one
      });
    }, { to: standingId, token: strangerToken });
    assert.equal(strangerGotMedia, false, 'an offer without a ring is never answered');
    assert.equal(await agent.evaluate(() => window.__kefuAgent.state === 'ringing' || window.__kefuAgent.state === 'in-call'), false);
    await stranger.close();

    const calls2 = (await api(srv, 'GET', '/api/messages?limit=10', { token: v.token })).json.messages.filter((m) => m.kind === 'call');
    assert.deepEqual(calls2.map((m) => m.call.outcome), ['completed', 'completed', 'rejected', 'completed', 'completed', 'cancelled']);
    // Voice -> video -> voice, then a declined request, all in one call.
    await agent.waitForSelector('#call-card[hidden]', { state: 'attached', timeout: 6000 });
    const vs = await visitorCallPage(browser, srv, v, false);
    await agent.waitForSelector('#call-card:not([hidden]) #call-accept:not([hidden])');
    await agent.click('#call-accept');
    await agent.waitForFunction(() => window.__kefuAgent.state === 'in-call' && window.__kefuAgent.lastCall.remoteStream);
    await vs.waitForFunction(() => window.remote && window.remote.getAudioTracks().length > 0);
    const startedAt = await agent.evaluate(() => window.__kefuAgent.lastCall.startedAt);

    // To video: the console asks first; nothing is answered (no camera) before the agent agrees.
    const toVideo = vs.evaluate(() => window.switchTo(true));
    await agent.waitForFunction(() => window.__kefuAgent.switchRequest && window.__kefuAgent.switchRequest.video === true);
    await agent.waitForSelector('#switch-prompt:not([hidden])');
    assert.match(await agent.textContent('#switch-prompt'), /访客请求切换为视频通话/);
    await sleep(800);
    assert.equal(await vs.evaluate(() => !!window.nextRemote), false, 'no answer before the agent consents');
    assert.equal(await agent.evaluate(() => window.__kefuAgent.lastCall.localStream.getVideoTracks().length), 0, 'camera still off');
    await shot(agent, '6-switch-prompt');
    const tSwitch = Date.now();
    await agent.click('#switch-accept');
    assert.equal(await toVideo, 'ok');
    console.log(`switch accepted to visitor connected: ${Date.now() - tSwitch} ms`);
    await agent.waitForSelector('#switch-prompt[hidden]', { state: 'attached' });
    assert.equal(await agent.evaluate(() => window.__kefuAgent.switchRequest), null);
    await agent.waitForFunction(() => {
      const vEl = document.getElementById('agent-remote-video');
      return window.__kefuAgent.lastCall.video === true && vEl.srcObject && vEl.srcObject.getVideoTracks().length > 0
        && vEl.readyState >= 2 && !vEl.paused && !vEl.hidden;
    });
    assert.equal(await agent.evaluate(() => document.getElementById('agent-remote-audio').hidden), true);
    assert.equal(await agent.evaluate(() => {
      const l = document.getElementById('agent-local-video');
      return !l.hidden && l.srcObject.getVideoTracks().some((t) => t.readyState === 'live');
    }), true, 'the agent sees its own preview');
    await vs.waitForFunction(() => window.remote && window.remote.getVideoTracks().some((t) => t.readyState === 'live'));
    assert.match(await agent.textContent('#call-kind'), /视频/);
    // The visitor closed the old connection: the call goes on, same call, same timer.
    await sleep(1500);
    assert.equal(await agent.evaluate(() => window.__kefuAgent.state), 'in-call');
    assert.equal(await agent.evaluate(() => window.__kefuAgent.lastCall.startedAt), startedAt);
    assert.equal(await vs.evaluate(() => !!window.callClosed), false);
    await shot(agent, '7-switched-to-video');

    // Back to voice: answered at once, the agent's camera goes off.
    await agent.evaluate(() => {
      window.__camera = window.__kefuAgent.lastCall.localStream.getVideoTracks();
    });
    assert.equal(await vs.evaluate(() => window.switchTo(false)), 'ok');
    await agent.waitForFunction(() => window.__kefuAgent.lastCall.video === false
      && window.__camera.length > 0 && window.__camera.every((t) => t.readyState === 'ended'));
    await agent.waitForFunction(() => {
      const a = document.getElementById('agent-remote-audio');
      return a.srcObject && a.srcObject.getAudioTracks().length > 0 && !a.hidden;
    });
    assert.deepEqual(await agent.evaluate(() => ['agent-remote-video', 'agent-local-video'].map((id) => document.getElementById(id).hidden)), [true, true]);
    assert.equal(await agent.evaluate(() => window.__kefuAgent.lastCall.localStream.getTracks().every((t) => t.kind === 'audio' && t.readyState === 'live')), true);
    assert.match(await agent.textContent('#call-kind'), /语音/);
    await vs.waitForFunction(() => window.remote && window.remote.getVideoTracks().length === 0);
    await sleep(1000);
    assert.equal(await agent.evaluate(() => window.__kefuAgent.state), 'in-call');

    // To video again, declined: the visitor is told, the voice call goes on, the camera stays off.
    const declined = vs.evaluate(() => window.switchTo(true));
    await agent.waitForFunction(() => !!window.__kefuAgent.switchRequest);
    await agent.click('#switch-decline');
    assert.equal(await declined, 'declined');
    assert.ok(await vs.evaluate(() => window.log.some((f) => f.type === 'switch' && f.data.accepted === false)));
    await agent.waitForSelector('#switch-prompt[hidden]', { state: 'attached' });
    assert.equal(await agent.evaluate(() => window.__kefuAgent.switchRequest), null);
    await sleep(1000);
    assert.equal(await agent.evaluate(() => window.__kefuAgent.state), 'in-call');
    assert.equal(await agent.evaluate(() => window.__kefuAgent.lastCall.video), false);
    assert.equal(await agent.evaluate(() => window.__kefuAgent.lastCall.localStream.getVideoTracks().length), 0);
    assert.equal(await vs.evaluate(() => !!window.callClosed), false);

    // A request still waiting for the agent when the call ends goes with it.
    const pending = vs.evaluate(() => window.switchTo(true));
    await agent.waitForFunction(() => !!window.__kefuAgent.switchRequest);
    await agent.click('#call-hangup');
    await agent.waitForFunction(() => window.__kefuAgent.state === 'ended' && window.__kefuAgent.switchRequest === null);
    await vs.waitForFunction(() => window.callClosed === true, null, { timeout: 5000 });
    await vs.evaluate(() => window.declineSwitch && window.declineSwitch());
    await pending;
    assert.equal(await agent.evaluate(() => window.__kefuAgent.lastCall.localStream.getTracks().some((t) => t.readyState === 'live')), false);
    await vs.close();
    const lastLine = (await api(srv, 'GET', '/api/messages?limit=1', { token: v.token })).json.messages[0];
    assert.equal(lastLine.kind, 'call');
    assert.match(lastLine.text, /^语音通话 /, 'the history line names the kind the call ended with');

    const real = problems.filter((p) => !/favicon|kefu\.js|404|401/.test(p)); // 404: widget not built; 401: the wrong-password attempt
    assert.deepEqual(real, [], 'no errors in the console page');
    tab.close();

    // The server restarts on the same port and data: the console reconnects by itself.
    await srv.close();
    await agent.waitForFunction(() => window.__kefuAgent.wsState !== 'online');
    srv = await startServer({ dataDir: srv.dataDir, port: srv.port });
    await agent.waitForFunction(() => window.__kefuAgent.wsState === 'online', null, { timeout: 15000 });
    await agent.waitForSelector(item);
    // The standing peer comes back and is advertised on the new socket.
    await agent.waitForFunction(() => !!window.__kefuAgent.peerId, null, { timeout: 15000 });
    await sleep(200);
    const again = await api(srv, 'POST', '/2/callKefu', { token: v.token, body: { action: 'callpeer', kefu_id: 'kefu1', visitor_id: v.visitorId } });
    assert.equal(again.json.peer, await agent.evaluate(() => window.__kefuAgent.peerId));
    await api(srv, 'POST', '/2/callKefu', { token: v.token, body: { action: 'cancel', call_id: again.json.callId } });
    const tab2 = await visitorSocket(srv, v.token);
    tab2.send('message', { id: 'after-restart', text: '还在吗？' });
    await agent.waitForSelector('#messages .msg[data-id="after-restart"]');
    tab2.close();
    console.log(`agent console browser check passed in ${Date.now() - t0} ms`);
  } finally {
    await browser.close();
    await srv.close();
  }
}

runMain(main);
