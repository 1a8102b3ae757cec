/* Kefu call extras, appended after glue.js: the connection figures of a running call (getStats, polled only
   during a call; the level comes from the core's thresholds, src/core/call_quality.hpp), the ringback tone
   while ringing (WebAudio, no asset), the full-screen control of the remote video and the mirrored
   self-view. Plain browser plumbing: the call's logic stays in the core. */
(function (w, d) {
  'use strict';
  var K = w.Kefu;
  if (!K || !K.__attach) return;
  // o: {app, pcs, panel, remoteVideo, localVideo, lang}; returns the glue's hooks {layout(l), state(s)}.
  K.__callx = function (o) {
    var zh = /^zh/i.test(o.lang || ''), stats = null, poll = 0, prev = null, ring = null, video = null;
    var css = '.p .kefu-local{transform:scaleX(-1)}.p video:fullscreen{object-fit:contain;border-radius:0}' +
      '.p .z{position:absolute;width:32px;height:32px;padding:6px;border:0;border-radius:8px;' +
      'background:rgba(0,0,0,.55);color:#fff;cursor:pointer}.p .z svg{width:20px;height:20px;fill:currentColor}' +
      '.p .z:focus-visible{outline:3px solid #91caff}';
    // A constructed sheet, as the glue's own: a strict CSP page refuses a <style> element.
    var root = o.panel.getRootNode();
    if (root.adoptedStyleSheets && w.CSSStyleSheet) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = root.adoptedStyleSheets.concat([sheet]);
    } else {
      var st = d.createElement('style'); st.textContent = css; (root === d ? d.head : root).appendChild(st);
    }

    // --- the full-screen (or Picture-in-Picture) control, on the remote video's corner --------------------
    var zoom = d.createElement('button'), label = zh ? '全屏显示对方画面' : 'Show the video full screen';
    zoom.type = 'button';
    zoom.className = 'z';
    zoom.setAttribute('aria-label', label);
    zoom.title = label;
    var NS = 'http://www.w3.org/2000/svg', svg = d.createElementNS(NS, 'svg'), path = d.createElementNS(NS, 'path');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    path.setAttribute('d', 'M3 3h7v2H5v5H3zm11 0h7v7h-2V5h-5zM3 14h2v5h5v2H3zm16 0h2v7h-7v-2h5z');
    svg.appendChild(path);
    zoom.appendChild(svg); // in the panel only while a remote video shows
    var v = o.remoteVideo;
    zoom.addEventListener('click', function () {
      var fsNow = root.fullscreenElement || d.fullscreenElement;
      if (fsNow) { d.exitFullscreen().catch(function () { /* already left */ }); return; }
      if (v.requestFullscreen) {
        v.requestFullscreen().catch(function () { if (v.requestPictureInPicture) v.requestPictureInPicture().catch(function () { /* refused */ }); });
      } else if (d.pictureInPictureEnabled && v.requestPictureInPicture) {
        v.requestPictureInPicture().catch(function () { /* refused */ });
      }
    });

    // --- the ringback tone: China's 450 Hz, 1 s on 4 s off; elsewhere 440+480 Hz, 2 s on 4 s off ---------------
    function ringOn() {
      var AC = w.AudioContext || w.webkitAudioContext;
      if (ring || !AC) return;
      try {
        var ac = new AC(), g = ac.createGain(), an = ac.createAnalyser(), freqs = zh ? [450] : [440, 480];
        var on = zh ? 1 : 2, period = (on + 4) * 1000;
        g.gain.value = 0;
        g.connect(ac.destination);
        g.connect(an);
        freqs.forEach(function (f) { var s = ac.createOscillator(); s.frequency.value = f; s.connect(g); s.start(); });
        var cycle = function () {
          var t = ac.currentTime + 0.02; // short ramps: no clicks
          g.gain.setTargetAtTime(0.08, t, 0.01);
          g.gain.setTargetAtTime(0, t + on, 0.01);
        };
        cycle();
        ring = { ac: ac, an: an, timer: setInterval(cycle, period) };
        if (ac.state === 'suspended') ac.resume().catch(function () { /* no gesture: silent */ });
      } catch (e) { ring = null; }
    }
    function ringOff() {
      if (!ring) return;
      clearInterval(ring.timer);
      ring.ac.close().catch(function () { /* closed */ });
      ring = null;
    }
    // For tests: the loudest frequency of the ringback now (Hz) and its level (0..255), or null.
    K.__ringback = function () {
      if (!ring) return null;
      var a = new Uint8Array(ring.an.frequencyBinCount), top = 0;
      ring.an.getByteFrequencyData(a);
      for (var i = 1; i < a.length; i++) if (a[i] > a[top]) top = i;
      return { hz: Math.round(top * ring.ac.sampleRate / ring.an.fftSize), level: a[top], state: ring.ac.state };
    };

    // --- connection figures, once every 1.5 s during a call ----------------------------------------------
    function sample() {
      var pc = null, best = -1;
      // The call's connection: the newest connected one (a voice/video switch briefly has two).
      for (var k in o.pcs) if (+k > best && o.pcs[k].pc.connectionState === 'connected') { best = +k; pc = o.pcs[k].pc; }
      if (!pc) return;
      pc.getStats().then(function (r) {
        if (!poll) return;
        var now = performance.now(), lost = 0, got = 0, bin = 0, bout = 0, jit = -1, rtt = -1, rrtt = -1, rloss = -1, pairs = {}, sel = null;
        r.forEach(function (s) {
          if (s.type === 'inbound-rtp') {
            lost += s.packetsLost || 0; got += s.packetsReceived || 0; bin += s.bytesReceived || 0;
            if (s.jitter >= 0) jit = Math.max(jit, s.jitter * 1000);
          } else if (s.type === 'outbound-rtp') {
            bout += s.bytesSent || 0;
          } else if (s.type === 'remote-inbound-rtp') {
            if (s.fractionLost >= 0) rloss = Math.max(rloss, s.fractionLost * 100); // what the other side lost of ours
            if (s.roundTripTime >= 0) rrtt = Math.max(rrtt, s.roundTripTime * 1000);
          } else if (s.type === 'candidate-pair') {
            pairs[s.id] = s;
          } else if (s.type === 'transport' && s.selectedCandidatePairId) {
            sel = s.selectedCandidatePairId;
          }
        });
        var pair = sel && pairs[sel];
        if (!pair) for (var id in pairs) if (pairs[id].nominated && pairs[id].state === 'succeeded') pair = pairs[id];
        if (pair && pair.currentRoundTripTime >= 0) rtt = pair.currentRoundTripTime * 1000;
        if (rtt < 0) rtt = rrtt;
        var loss = -1, dt = prev ? now - prev.t : 0;
        if (prev) {
          var dl = Math.max(0, lost - prev.lost), dg = Math.max(0, got - prev.got);
          if (dl + dg > 0) loss = 100 * dl / (dl + dg);
        }
        loss = Math.max(loss, rloss);
        var round = function (x) { return x < 0 ? null : Math.round(x * 10) / 10; };
        stats = {
          rttMs: round(rtt), lossPct: round(loss), jitterMs: round(jit),
          kbpsIn: dt > 0 ? round(Math.max(0, bin - prev.bin) * 8 / dt) : null,
          kbpsOut: dt > 0 ? round(Math.max(0, bout - prev.bout) * 8 / dt) : null
        };
        prev = { t: now, lost: lost, got: got, bin: bin, bout: bout };
        o.app.callStats(rtt, loss, jit); // the level: the panel redraws only when it changes
      }, function () { /* closed meanwhile */ });
    }

    K.on('call', function (ev) {
      if (ev.state === 'ringing') ringOn(); else ringOff();
      if (ev.state === 'in-call') {
        if (!poll) { prev = null; poll = setInterval(sample, 1500); sample(); }
      } else {
        clearInterval(poll); poll = 0; stats = null; prev = null;
      }
    });
    return {
      layout: function (l) {
        var r = l.remoteVideo;
        if (!r === !video && (!r || (r.x === video.x && r.y === video.y && r.w === video.w))) return;
        video = r;
        if (!r) { zoom.remove(); return; }
        zoom.style.left = (r.x + r.w - 40) + 'px'; zoom.style.top = (r.y + 8) + 'px';
        o.panel.appendChild(zoom);
      },
      state: function (s) { s.callStats = stats; s.ringback = !!ring; }
    };
  };
})(window, document);
