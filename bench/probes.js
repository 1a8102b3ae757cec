'use strict';
// What the benchmark installs in the pages it measures (page.addInitScript / the console's init script):
// functions that run in the page, so they use nothing of this file's scope.

// ------------------------------------------------------------------------------- page instrumentation
// Installed before any page script. Records the click on the launcher (capturing, so before the
// loader's own handler), when the app script was requested, and polls for the panel's first frame
// each animation frame and again right after the frame's callbacks have run.
function openProbe() {
  const b = (window.__bench = { armed: true, runs: [], appScriptAt: null });
  new MutationObserver((recs) => {
    for (const r of recs) {
      for (const n of r.addedNodes) {
        if (b.appScriptAt === null && n.tagName === 'SCRIPT' && /kefu-app\.js/.test(n.src)) b.appScriptAt = performance.now();
        if (n.id === 'kefu-root' && window.__benchMounted) window.__benchMounted();
      }
    }
  }).observe(document, { childList: true, subtree: true });
  window.addEventListener('click', (e) => {
    if (!b.armed || !e.target || e.target.id !== 'kefu-root') return;
    b.armed = false;
    const s = window.Kefu.state();
    const run = { t0: performance.now(), f0: s.frames || 0, loaderState: s.loading || 'ready', appScriptAt: b.appScriptAt, t1: null };
    b.runs.push(run);
    if (!s.ready) window.Kefu.on('ready', () => { run.ready = performance.now(); });
    const ch = new MessageChannel();
    const check = () => {
      if (run.t1 !== null) return;
      const st = window.Kefu.state();
      if (st.open && (st.frames || 0) > run.f0) run.t1 = performance.now();
    };
    ch.port1.onmessage = check;
    const tick = () => requestAnimationFrame(() => {
      check();
      if (run.t1 === null) { ch.port2.postMessage(0); tick(); }
    });
    tick();
  }, true);
}

// Call probe: from the click on 语音 (pointer released, as the browser's click) to the first moment a
// remote audio element plays a live, unmuted audio track, polled every 4 ms (no animation-frame loop:
// it would make the page draw frames it otherwise would not). Also notes when each step of the call
// set-up happened (same wrappers on both pages).
function callProbe() {
  const B = (window.__callBench = { run: null, phases: {} });
  const mark = (k) => { if (B.run && B.run.t0 !== null && B.phases[k] === undefined) B.phases[k] = performance.now() - B.run.t0; };
  const md = navigator.mediaDevices;
  const gum = md.getUserMedia.bind(md);
  md.getUserMedia = (c) => { mark('getUserMedia asked'); return gum(c).then((s) => { mark('microphone granted'); return s; }); };
  const realFetch = window.fetch;
  window.fetch = function (url, opts) {
    const ring = /\/2\/callKefu/.test(String(url)) && opts && /callpeer/.test(String(opts.body));
    if (ring) mark('callpeer POST sent');
    const p = realFetch.apply(this, arguments);
    return ring ? p.then((r) => {
      mark('callpeer answered');
      const text = r.text.bind(r);
      r.text = () => text().then((t) => { mark('callpeer body read'); return t; });
      return r;
    }) : p;
  };
  const WS = window.WebSocket;
  window.WebSocket = class extends WS {
    constructor(...a) {
      super(...a);
      const peer = /\/peerjs/.test(String(a[0]));
      if (peer) mark('PeerJS socket opened');
      if (peer) {
        const send = this.send.bind(this);
        this.send = (d) => { if (typeof d === 'string' && /"type":"OFFER"/.test(d)) mark('SDP offer sent'); return send(d); };
      }
      this.addEventListener('message', (e) => {
        if (typeof e.data !== 'string') return;
        if (peer && /"type":"OPEN"/.test(e.data)) mark('PeerJS registered');
        if (!peer && /"type":"accept"/.test(e.data)) mark('agent accepted');
        if (peer && /"type":"ANSWER"/.test(e.data)) mark('SDP answer received');
      });
    }
  };
  const PC = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends PC {
    constructor(...a) {
      super(...a);
      mark('RTCPeerConnection created');
      const setLocal = this.setLocalDescription.bind(this);
      this.setLocalDescription = (d) => setLocal(d).then((x) => { mark('offer ready (local description set)'); return x; });
      this.addEventListener('track', () => mark('remote track'));
      this.addEventListener('connectionstatechange', () => { if (this.connectionState === 'connected') mark('ICE/DTLS connected'); });
    }
  };
  // Main-thread tasks over 50 ms while the call is being set up.
  B.longTasks = [];
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) B.longTasks.push([e.startTime, e.duration]); }).observe({ type: 'longtask' });
  } catch (e) { /* not supported */ }
  B.blocked = () => {
    const r = B.run;
    if (!r || r.t0 === null || r.t1 === null) return NaN;
    return B.longTasks.filter(([t]) => t >= r.t0 && t < r.t1).reduce((n, [, d]) => n + d, 0);
  };
  B.arm = (kind) => {
    const find = kind === 'kefu'
      ? () => document.getElementById('kefu-root').shadowRoot.querySelector('audio')
      : () => document.getElementById('remote-audio');
    const run = (B.run = { t0: null, t1: null });
    B.phases = {};
    const flowing = () => {
      const el = find();
      if (!el || !el.srcObject || el.paused) return false;
      const audio = el.srcObject.getAudioTracks();
      return audio.length > 0 && audio.every((t) => t.readyState === 'live' && !t.muted);
    };
    const check = () => {
      if (run.t0 === null || run.t1 !== null) return;
      if (flowing()) {
        run.t1 = performance.now();
        console.timeStamp('kefu t1');
        clearInterval(iv);
        if (window.Kefu && window.Kefu.state) run.frames = window.Kefu.state().frames - run.f0;
      }
    };
    const iv = setInterval(check, 4);
    window.addEventListener('pointerup', () => {
      if (run.t0 !== null) return;
      run.t0 = performance.now();
      console.timeStamp('kefu t0');
      if (window.Kefu && window.Kefu.state) run.f0 = window.Kefu.state().frames;
    }, { capture: true, once: true });
  };
}

// The console's side of each call, on the same clock as the visitor's steps (performance.timeOrigin is
// the epoch time of each page's start): when the ring and the offer reach it, when it accepts and answers.
function agentProbe() {
  const ev = (window.__agentBench = []);
  const mark = (k) => { ev.push([k, performance.timeOrigin + performance.now()]); console.timeStamp(k); };
  const WS = window.WebSocket;
  window.WebSocket = class extends WS {
    constructor(...a) {
      super(...a);
      const peer = /\/peerjs/.test(String(a[0]));
      const send = this.send.bind(this);
      this.send = (d) => {
        if (typeof d === 'string' && peer && /"type":"ANSWER"/.test(d)) mark('console: SDP answer sent');
        if (typeof d === 'string' && !peer && /"type":"accept"/.test(d)) mark('console: accept sent');
        return send(d);
      };
      this.addEventListener('message', (e) => {
        if (typeof e.data !== 'string') return;
        if (peer && /"type":"OFFER"/.test(e.data)) mark('console: SDP offer received');
        if (!peer && /^\{"type":"call"/.test(e.data)) mark('console: ring received');
      });
    }
  };
  const md = navigator.mediaDevices;
  const gum = md.getUserMedia.bind(md);
  md.getUserMedia = (c) => { mark('console: getUserMedia asked'); return gum(c).then((s) => { mark('console: microphone granted'); return s; }); };
  const PC = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends PC {
    constructor(...a) {
      super(...a);
      mark('console: RTCPeerConnection created');
      for (const m of ['setRemoteDescription', 'createAnswer', 'setLocalDescription']) {
        const f = this[m].bind(this);
        this[m] = (...x) => { mark(`console: ${m} called`); return f(...x).then((r) => { mark(`console: ${m} done`); return r; }); };
      }
      this.addEventListener('connectionstatechange', () => { if (this.connectionState === 'connected') mark('console: ICE/DTLS connected'); });
    }
  };
}

module.exports = { openProbe, callProbe, agentProbe };
