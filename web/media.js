/* Kefu media glue (--extern-pre-js; glue.js calls Kefu.__media): the thin handles src/web/browser_rtc.cpp
   calls for getUserMedia, the permission states, media streams by number and RTCPeerConnection (its
   transceivers, data channel, offer/answer, candidates). No call logic lives here: the core decides. */
(function (w) {
  'use strict';
  var K = w.Kefu;
  if (!K) return;
  // o: {audio, remoteVideo, localVideo}: where attach() plays streams. Returns {handles, pcs, askPerms,
  // setApp}: `handles` join the glue object the app calls; `pcs` goes to call_extras.js (call figures).
  K.__media = function (o) {
    var app = null, streams = {}, pcs = {}, nextStream = 1;
    var audio = o.audio, remoteVideo = o.remoteVideo, localVideo = o.localVideo;
    // Permission states, kept current: the core rings the agent while getUserMedia runs, and tells the
    // console when that is while the browser asks the visitor (it asks through perm).
    // Asked once the first frame is on screen (two queries cost ~10 ms, which the first open cannot spare).
    var perm = { microphone: 'prompt', camera: 'prompt' }, permAsked = false;
    function askPerms() {
      if (permAsked) return;
      permAsked = true;
      try {
        ['microphone', 'camera'].forEach(function (n) {
          navigator.permissions.query({ name: n }).then(function (st) {
            perm[n] = st.state;
            st.onchange = function () { perm[n] = st.state; };
          }, function () { /* unknown name in this browser: stays "prompt" */ });
        });
      } catch (e) { /* no Permissions API */ }
    }
    function putStream(s) {
      for (var k in streams) if (streams[k] === s) return +k;
      streams[nextStream] = s;
      return nextStream++;
    }
    // getUserMedia exists here: a secure context of a browser that has it.
    var mediaDevices = function () { var md = navigator.mediaDevices; return w.isSecureContext && md && md.getUserMedia ? md : null; };
    var rtcResult = function (req) {
      return [function (v) { app && app.onRtcResult(req, true, v == null ? '' : String(v)); },
              function (e) { app && app.onRtcResult(req, false, String((e && (e.name + ': ' + e.message)) || e)); }];
    };
    var handles = {
      perm: function (video) { // "granted", "denied" (also: this page can never have media) or "prompt"
        askPerms();
        var st = [perm.microphone].concat(video ? [perm.camera] : []);
        if (!mediaDevices() || st.indexOf('denied') !== -1) return 'denied';
        return st.every(function (x) { return x === 'granted'; }) ? 'granted' : 'prompt';
      },
      gum: function (req, wantAudio, wantVideo) {
        var md = mediaDevices();
        if (!md) {
          setTimeout(function () { app.onMedia(req, JSON.stringify({ ok: false, error: 'Unsupported' })); });
          return;
        }
        md.getUserMedia({
          audio: wantAudio ? { noiseSuppression: true, echoCancellation: true } : false,
          video: wantVideo ? { width: { ideal: 640 }, height: { ideal: 480 } } : false
        }).then(function (s) {
          app.onMedia(req, JSON.stringify({ ok: true, stream: putStream(s), audio: s.getAudioTracks().length > 0, video: s.getVideoTracks().length > 0 }));
        }, function (e) {
          app.onMedia(req, JSON.stringify({ ok: false, error: e.name || 'Error', message: e.message || '' }));
        });
      },
      streamStop: function (sid) {
        var s = streams[sid];
        if (s) s.getTracks().forEach(function (t) { t.stop(); });
        delete streams[sid];
      },
      trackEnable: function (sid, kind, on) {
        var s = streams[sid];
        if (s) s.getTracks().forEach(function (t) { if (t.kind === kind) t.enabled = on; });
      },
      attach: function (role, sid) {
        var s = streams[sid] || null;
        var e = role === 'local' ? localVideo : role === 'audio' ? audio : remoteVideo;
        if (e.srcObject !== s) e.srcObject = s;
        if (s) { var p = e.play(); if (p && p.catch) p.catch(function () { /* autoplay policy: plays on next gesture */ }); }
      },
      pcNew: function (id, ice) {
        var pc = new RTCPeerConnection({ iceServers: JSON.parse(ice || '[]') });
        var ev = function (n, v) { app && pcs[id] && app.onRtcEvent(id, n, v); };
        pcs[id] = { pc: pc, dc: null };
        pc.onicecandidate = function (e) { if (e.candidate && e.candidate.candidate) ev('candidate', JSON.stringify(e.candidate.toJSON())); };
        pc.oniceconnectionstatechange = function () { ev('ice', pc.iceConnectionState); };
        pc.onconnectionstatechange = function () { ev('connection', pc.connectionState); };
        pc.ontrack = function (e) { ev('track', e.track.kind + ':' + putStream(e.streams[0] || new MediaStream([e.track]))); };
      },
      pcSlots: function (id, audio, video) {
        var p = pcs[id];
        if (!p) return;
        var ph = new MediaStream();
        p.tx = {};
        if (audio) p.tx.audio = p.pc.addTransceiver('audio', { direction: 'sendrecv', streams: [ph] });
        if (video) p.tx.video = p.pc.addTransceiver('video', { direction: 'sendrecv', streams: [ph] });
      },
      pcFill: function (id, sid) {
        var p = pcs[id], s = streams[sid];
        if (!p || !s || !p.tx) return;
        ['audio', 'video'].forEach(function (k) {
          var t = k === 'audio' ? s.getAudioTracks()[0] : s.getVideoTracks()[0];
          if (p.tx[k] && t) p.tx[k].sender.replaceTrack(t).catch(function (e) { console.warn('kefu: replaceTrack', e); });
        });
      },
      pcAddRecv: function (id, kind) { var p = pcs[id]; if (p) p.pc.addTransceiver(kind, { direction: 'recvonly' }); },
      pcChannel: function (id, label) {
        var p = pcs[id];
        if (!p) return;
        var dc = p.dc = p.pc.createDataChannel(label, { ordered: false });
        dc.onopen = function () { app && pcs[id] && app.onRtcEvent(id, 'dcopen', ''); };
        dc.onclose = function () { app && pcs[id] && app.onRtcEvent(id, 'dcclose', ''); };
      },
      pcOffer: function (id, req) {
        var r = rtcResult(req), p = pcs[id];
        if (!p) return r[1]('closed');
        p.pc.createOffer().then(function (o) { r[0](o.sdp); }, r[1]);
      },
      pcLocal: function (id, req, type, sdp) {
        var r = rtcResult(req), p = pcs[id];
        if (!p) return r[1]('closed');
        p.pc.setLocalDescription({ type: type, sdp: sdp }).then(function () { r[0](''); }, r[1]);
      },
      pcRemote: function (id, req, type, sdp) {
        var r = rtcResult(req), p = pcs[id];
        if (!p) return r[1]('closed');
        p.pc.setRemoteDescription({ type: type, sdp: sdp }).then(function () { r[0](''); }, r[1]);
      },
      pcCandidate: function (id, req, json) {
        var r = rtcResult(req), p = pcs[id];
        if (!p) return r[1]('closed');
        var c;
        try { c = JSON.parse(json); } catch (e) { return r[1](e); }
        p.pc.addIceCandidate(c).then(function () { r[0](''); }, r[1]);
      },
      pcRestartIce: function (id) { var p = pcs[id]; if (p && p.pc.restartIce) p.pc.restartIce(); },
      pcClose: function (id) {
        var p = pcs[id];
        delete pcs[id];
        if (!p) return;
        try { if (p.dc) p.dc.close(); p.pc.close(); } catch (e) { /* already closed */ }
      }
    };
    return { handles: handles, pcs: pcs, askPerms: askPerms, setApp: function (a) { app = a; } };
  };
})(window);
