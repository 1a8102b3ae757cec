/* Kefu call extras, appended after glue.js: a running call's connection figures (getStats, only during a
   call; the level comes from the core, src/core/call_quality.hpp), the ringback tone while ringing
   and an agent call-back's ring (WebAudio, no asset), what the call bar's enlarge control does and the
   mirrored self-view. */
(function (w, d) {
  'use strict';
  var K = w.Kefu, nop = function () {};
  if (!K || !K.__attach) return;
  // An agent's call-back rings (`call` event "incoming"): a soft 440+480 Hz ring, 1 s on, 2 s off,
  // synthesized with WebAudio (no asset), and only on a page the visitor has already used (a click or a
  // key), never as the first thing a page does. Any other call state stops it.
  var used = false, ringing = null;
  ['pointerdown', 'keydown'].forEach(function (n) { d.addEventListener(n, function () { used = true; }, true); });
  K.on('call', function (e) {
    var AC = w.AudioContext || w.webkitAudioContext, ua = navigator.userActivation;
    if (ringing) { try { ringing.close(); } catch (x) { /* closed */ } ringing = null; }
    if (!e || e.state !== 'incoming' || !AC || !(used || (ua && ua.hasBeenActive))) return;
    var ac = ringing = new AC(), g = ac.createGain(), t = ac.currentTime;
    g.gain.value = 0;
    g.connect(ac.destination);
    [440, 480].forEach(function (f) { var o = ac.createOscillator(); o.frequency.value = f; o.connect(g); o.start(); });
    for (var i = 0; i < 14; i++) { g.gain.setTargetAtTime(0.06, t + 3 * i, 0.02); g.gain.setTargetAtTime(0, t + 3 * i + 1, 0.02); }
  });

  // o: {app, pcs, panel, remoteVideo, lang}; returns the glue's hooks {enlarge(), state(s)}.
  K.__callx = function (o) {
    var zh = /^zh/i.test(o.lang || ''), stats = null, poll = 0, prev = null, ring = null, ringSoon = 0;
    var v = o.remoteVideo, root = o.panel.getRootNode();
    var css = '.p .kefu-local{transform:scaleX(-1)}.p video:fullscreen{object-fit:contain}' +
      '.p .kt{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}';
    K.__css(root, css);

    // The call bar's enlarge control (drawn, with its DOM twin: src/ui/chat_panel.cpp): the remote video full
    // screen, else Picture-in-Picture; again, back. Runs in the click's user activation.
    var pip = function () { if (v.requestPictureInPicture) v.requestPictureInPicture().catch(nop); };
    function enlarge() {
      if (root.fullscreenElement || d.fullscreenElement) d.exitFullscreen().catch(nop);
      else if (d.pictureInPictureElement) d.exitPictureInPicture().catch(nop);
      else if (v.requestFullscreen) v.requestFullscreen().catch(pip);
      else pip();
    }

    // The call bar's status line and quality as text (the canvas is not read out): a timer, so the seconds
    // ticking are there when asked for but not announced each second.
    var line = d.createElement('p'), tick = 0, clear = 0;
    var Q = zh ? { good: '网络良好', fair: '网络一般', poor: '网络较差' } : { good: 'Good connection', fair: 'Fair connection', poor: 'Poor connection' };
    line.className = 'kt';
    line.setAttribute('role', 'timer');
    o.panel.appendChild(line);
    function status() {
      var s = JSON.parse(o.app.state()), t = s.callStatus || '';
      if (Q[s.callQuality]) t += ' · ' + Q[s.callQuality];
      if (line.textContent !== t) line.textContent = t;
    }

    // The ringback: China's 450 Hz 1 s on 4 s off, elsewhere 440+480 Hz 2 s on 4 s off.
    function ringOn() {
      var AC = w.AudioContext || w.webkitAudioContext;
      if (ring || !AC) return;
      try {
        var ac = new AC(), g = ac.createGain(), an = ac.createAnalyser(), on = zh ? 1 : 2;
        g.gain.value = 0;
        g.connect(ac.destination);
        g.connect(an);
        (zh ? [450] : [440, 480]).forEach(function (f) { var s = ac.createOscillator(); s.frequency.value = f; s.connect(g); s.start(); });
        var cycle = function () { // short ramps: no clicks
          var t = ac.currentTime + 0.02;
          g.gain.setTargetAtTime(0.08, t, 0.01);
          g.gain.setTargetAtTime(0, t + on, 0.01);
        };
        cycle();
        ring = { ac: ac, an: an, timer: setInterval(cycle, (on + 4) * 1000) };
        ac.resume().catch(nop); // allowed: the visitor's click started the call
      } catch (e) { ring = null; }
    }
    function ringOff() {
      if (!ring) return;
      clearInterval(ring.timer);
      ring.ac.close().catch(nop);
      ring = null;
    }
    // For tests: the ringback's loudest frequency now (Hz), its level (0..255) and the context's state.
    K.__ringback = function () {
      if (!ring) return null;
      var a = new Uint8Array(ring.an.frequencyBinCount), top = 0, i;
      ring.an.getByteFrequencyData(a);
      for (i = 1; i < a.length; i++) if (a[i] > a[top]) top = i;
      return { hz: Math.round(top * ring.ac.sampleRate / ring.an.fftSize), level: a[top], state: ring.ac.state };
    };

    // The figures, every 1.5 s in a call, from the newest connected connection (a switch briefly has two).
    function sample() {
      var pc = null, best = -1, k;
      for (k in o.pcs) if (+k > best && o.pcs[k].pc.connectionState === 'connected') { best = +k; pc = o.pcs[k].pc; }
      if (pc) pc.getStats().then(function (r) {
        if (!poll) return;
        var n = { t: performance.now(), lost: 0, got: 0, bin: 0, bout: 0 }, jit = -1, rtt = -1, rrtt = -1, rloss = -1, pair = null, sel;
        r.forEach(function (s) {
          var y = s.type;
          if (y === 'inbound-rtp') {
            n.lost += s.packetsLost || 0; n.got += s.packetsReceived || 0; n.bin += s.bytesReceived || 0;
            if (s.jitter >= 0) jit = Math.max(jit, s.jitter * 1000);
          } else if (y === 'outbound-rtp') n.bout += s.bytesSent || 0;
          else if (y === 'remote-inbound-rtp') { // what the other side received of ours
            if (s.fractionLost >= 0) rloss = Math.max(rloss, s.fractionLost * 100);
            if (s.roundTripTime >= 0) rrtt = Math.max(rrtt, s.roundTripTime * 1000);
          } else if (y === 'transport') sel = s.selectedCandidatePairId;
          else if (y === 'candidate-pair' && s.nominated && s.state === 'succeeded' && !pair) pair = s;
        });
        if (sel && r.get(sel)) pair = r.get(sel);
        rtt = pair && pair.currentRoundTripTime >= 0 ? pair.currentRoundTripTime * 1000 : rrtt;
        var p = prev, dt = p ? n.t - p.t : 0, dl = p ? Math.max(0, n.lost - p.lost) : 0, dg = p ? Math.max(0, n.got - p.got) : 0;
        var loss = Math.max(dl + dg ? 100 * dl / (dl + dg) : -1, rloss);
        var f = function (x) { return x < 0 || x !== x ? null : Math.round(x * 10) / 10; };
        var rate = function (a, b) { return dt > 0 ? f(Math.max(0, a - b) * 8 / dt) : null; };
        stats = { rttMs: f(rtt), lossPct: f(loss), jitterMs: f(jit), kbpsIn: p && rate(n.bin, p.bin), kbpsOut: p && rate(n.bout, p.bout) };
        prev = n;
        o.app.callStats(rtt, loss, jit); // the panel redraws only when the level changes
      }).catch(nop); // closed meanwhile, or figures this browser does not give
    }

    // A lost path shows first as audio that stops coming: Chromium's ICE takes 2.5 s and more of missing
    // STUN replies to say `disconnected`. 0.7 s without an audio packet on a connection that carried
    // audio is told to the core as `disconnected` (recovery starts, src/core/call_recover.cpp); packets
    // again, as the ICE state the connection has (the old path healed: recovery stops).
    var seen = {}, watch = 0, up = function (s) { return s === 'connected' || s === 'completed'; };
    function stall() {
      var k, now = performance.now();
      for (k in seen) if (!o.pcs[k]) delete seen[k];
      Object.keys(o.pcs).forEach(function (k) {
        var pc = o.pcs[k].pc;
        pc.getStats().then(function (r) {
          var n = 0, w = seen[k] || (seen[k] = { n: 0, t: now, down: false });
          r.forEach(function (s) { if (s.type === 'inbound-rtp' && s.kind === 'audio') n += s.packetsReceived || 0; });
          if (n > w.n) {
            w.n = n;
            w.t = now;
            if (w.down && up(pc.iceConnectionState)) o.app.onRtcEvent(+k, 'ice', pc.iceConnectionState);
            w.down = false;
          } else if (w.n && !w.down && now - w.t > 700 && up(pc.iceConnectionState)) {
            w.down = true;
            o.app.onRtcEvent(+k, 'ice', 'disconnected');
          }
        }).catch(nop);
      });
    }

    K.on('call', function (ev) {
      var over = ev.state === 'ended' || ev.state === 'failed' || ev.state === 'idle';
      // The tone from 300 ms into the ring, as a phone network's: an agent who answers at once is not
      // preceded by it, and its audio start (~30 ms of the page's time) stays out of the call's set-up.
      clearTimeout(ringSoon);
      if (ev.state === 'ringing') ringSoon = setTimeout(ringOn, 300); else ringOff();
      clearTimeout(clear);
      if (over) { clearInterval(tick); tick = 0; clear = setTimeout(status, 8100); } // the bar's end line goes then
      else if (!tick) tick = setInterval(status, 1000);
      status();
      if (ev.state !== 'in-call') { clearInterval(poll); clearInterval(watch); poll = watch = 0; stats = prev = null; seen = {}; }
      else if (!poll) { poll = setInterval(sample, 1500); watch = setInterval(stall, 200); sample(); }
    });
    return {
      enlarge: enlarge,
      state: function (s) { s.callStats = stats; s.ringback = !!ring; }
    };
  };
})(window, document);
