// Baseline visitor for the call set-up benchmark: the original widget's approach in plain JS with the
// stock peerjs client. Before the click: a visitor token and the chat socket (the chat is open). On the
// click on 语音: getUserMedia → new Peer → on open POST /2/callKefu callpeer → wait for the agent's
// `accept` frame on the chat socket → peer.call(agentPeerId, stream) → play the remote stream.
// Query: ?server=<Kefu server URL>&ice=<JSON array of ICE servers, default []>&turn=1 (after the click, also
// ask the backend for TURN credentials, POST /api/ice-servers, as a page with a relay must).
(function () {
  'use strict';
  var q = new URLSearchParams(location.search);
  var server = (q.get('server') || location.origin).replace(/\/$/, '');
  var iceServers = JSON.parse(q.get('ice') || '[]');
  var statusEl = document.getElementById('status');
  var button = document.getElementById('voice');
  var audio = document.getElementById('remote-audio');
  var seed = (window.__seed = { ready: false, error: null, state: 'idle', visitorId: null, peerId: null });
  var token = null, ws = null, peer = null, call = null, stream = null, callId = null;

  function status(s) { seed.state = s; statusEl.textContent = s; }
  function fail(e) { seed.error = String((e && (e.type || e.message)) || e); status('failed: ' + seed.error); }

  function api(path, body) {
    return fetch(server + path, {
      method: 'POST',
      headers: Object.assign({ 'Content-Type': 'application/json' }, token ? { Authorization: 'Bearer ' + token } : {}),
      body: JSON.stringify(body || {}),
    }).then(function (r) {
      return r.json().then(function (j) { if (!r.ok) throw new Error(path + ' ' + r.status + ' ' + JSON.stringify(j)); return j; });
    });
  }

  function loadPeerjs() {
    return new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = server + '/vendor/peerjs.min.js';
      s.onload = resolve;
      s.onerror = function () { reject(new Error('peerjs did not load')); };
      document.head.appendChild(s);
    });
  }

  function connectChat() {
    return new Promise(function (resolve, reject) {
      ws = new WebSocket(server.replace(/^http/, 'ws') + '/ws/visitor');
      ws.onopen = function () { ws.send(JSON.stringify({ type: 'auth', data: { token: token } })); };
      ws.onerror = function () { reject(new Error('chat socket failed')); };
      ws.onmessage = function (ev) {
        var f = JSON.parse(ev.data);
        if (f.type === 'hello') resolve();
        else if (f.type === 'accept') onAccept(f.data);
        else if (f.type === 'reject' || f.type === 'hangup') endCall(false);
      };
    });
  }

  function onAccept(agentPeerId) {
    if (!peer || !stream) return;
    status('connecting');
    call = peer.call(agentPeerId, stream);
    call.on('stream', function (remote) {
      audio.srcObject = remote;
      audio.play().catch(function () { /* autoplay is allowed for the benchmark */ });
      status('in-call');
    });
    call.on('close', function () { endCall(false); });
    call.on('error', fail);
  }

  function startCall() {
    if (seed.state !== 'ready' && seed.state !== 'ended') return;
    status('requesting');
    navigator.mediaDevices.getUserMedia({ audio: { noiseSuppression: true, echoCancellation: true } }).then(function (s) {
      stream = s;
      // The backend's PeerJS server registers only an id and token it issued to this visitor.
      var ice = q.get('turn') ? api('/api/ice-servers').then(function (r) { iceServers = r.iceServers; }) : null;
      return Promise.all([api('/api/peer-credentials'), ice]).then(function (r) { openPeer(r[0]); });
    }).catch(fail);
  }

  function openPeer(cred) {
    var u = new URL(server);
    peer = new window.Peer(cred.id, {
      token: cred.token,
      host: u.hostname, port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)), secure: u.protocol === 'https:',
      path: '/peerjs', key: 'peerjs', config: { iceServers: iceServers },
    });
    peer.on('error', fail);
    peer.on('open', function (id) {
      seed.peerId = id;
      status('ringing');
      api('/2/callKefu', { action: 'callpeer', kefu_id: 'kefu1', visitor_id: seed.visitorId, video: false, peer_id: id })
        .then(function (r) { callId = r.callId; }, fail);
    });
  }

  function endCall(notify) {
    if (call) { try { call.close(); } catch (e) { /* closed */ } }
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    if (peer) { try { peer.destroy(); } catch (e) { /* destroyed */ } }
    audio.pause();
    audio.srcObject = null;
    call = peer = stream = null;
    var done = notify && callId ? api('/2/callKefu', { action: 'hangup', call_id: callId }) : Promise.resolve();
    callId = null;
    status('ended');
    return done;
  }

  seed.hangup = function () { return endCall(true); };
  button.addEventListener('click', startCall);

  Promise.all([
    loadPeerjs(),
    api('/api/visitors', { name: 'baseline' }).then(function (v) { token = v.token; seed.visitorId = v.visitorId; return connectChat(); }),
  ]).then(function () {
    button.disabled = false;
    seed.ready = true;
    status('ready');
  }, fail);
})();
