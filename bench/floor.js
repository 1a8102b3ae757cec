// Floor page for the call set-up benchmark. The "agent" side has its sound before the click, as the
// console has its microphone (a tone, so the visitor's microphone is still asked for as a first call's
// is); on the click the "visitor" side asks for its microphone, and the two connections
// exchange descriptions and candidates in memory. Remote audio playing on the visitor side ends the run,
// as on the Kefu and seed pages. Query: ?ice=<JSON array of ICE servers>&relay=1 (relay candidates only).
(function () {
  'use strict';
  var q = new URLSearchParams(location.search);
  var config = { iceServers: JSON.parse(q.get('ice') || '[]') };
  if (q.get('relay')) config.iceTransportPolicy = 'relay';
  var statusEl = document.getElementById('status');
  var button = document.getElementById('voice');
  var audio = document.getElementById('remote-audio');
  var seed = (window.__seed = { ready: false, error: null, state: 'idle' });
  var agentStream = null, visitor = null, agent = null, stream = null;
  var constraints = { audio: { noiseSuppression: true, echoCancellation: true } };

  function status(s) { seed.state = s; statusEl.textContent = s; }
  function fail(e) { seed.error = String((e && (e.name || e.message)) || e); status('failed: ' + seed.error); }

  function startCall() {
    if (seed.state !== 'ready' && seed.state !== 'ended') return;
    status('requesting');
    visitor = new RTCPeerConnection(config);
    agent = new RTCPeerConnection(config);
    visitor.onicecandidate = function (e) { if (e.candidate) agent.addIceCandidate(e.candidate).catch(fail); };
    agent.onicecandidate = function (e) { if (e.candidate) visitor.addIceCandidate(e.candidate).catch(fail); };
    agentStream.getTracks().forEach(function (t) { agent.addTrack(t, agentStream); });
    visitor.ontrack = function (e) {
      audio.srcObject = e.streams[0];
      audio.play().catch(function () { /* autoplay is allowed for the benchmark */ });
      status('in-call');
    };
    navigator.mediaDevices.getUserMedia(constraints).then(function (s) {
      stream = s;
      s.getTracks().forEach(function (t) { visitor.addTrack(t, s); });
      return visitor.createOffer();
    }).then(function (o) { return visitor.setLocalDescription(o); })
      .then(function () { return agent.setRemoteDescription(visitor.localDescription); })
      .then(function () { return agent.createAnswer(); })
      .then(function (a) { return agent.setLocalDescription(a); })
      .then(function () { return visitor.setRemoteDescription(agent.localDescription); })
      .catch(fail);
  }

  seed.hangup = function () {
    [visitor, agent].forEach(function (pc) { if (pc) pc.close(); });
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    visitor = agent = stream = null;
    audio.pause();
    audio.srcObject = null;
    status('ended');
    return Promise.resolve();
  };
  button.addEventListener('click', startCall);

  try {
    var ac = new AudioContext();
    var tone = ac.createOscillator();
    var out = ac.createMediaStreamDestination();
    tone.connect(out);
    tone.start();
    agentStream = out.stream;
    button.disabled = false;
    seed.ready = true;
    status('ready');
  } catch (e) { fail(e); }
})();
