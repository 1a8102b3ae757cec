// Turns the query string into window.KefuSettings (numbers and booleans parsed), so developers can try
// the widget's settings without editing a page, then loads /kefu.js.
// A link to this page on a real site must not hand visitors to somebody else's servers: off a loopback
// address, a PeerJS server is taken only when it is the one this backend announces (/api/config), and
// `server` and `iceServers` are not taken from the address at all. The page's CSP enforces the same.
(function () {
  'use strict';
  var s = {};
  new URLSearchParams(location.search).forEach(function (v, k) {
    if (/^-?\d+$/.test(v)) s[k] = Number(v);
    else if (v === 'true' || v === 'false') s[k] = v === 'true';
    else s[k] = v;
  });
  var PEER_KEYS = ['peerHost', 'peerPort', 'peerPath', 'peerKey', 'peerSecure'];
  var local = /^(127(\.\d{1,3}){3}|localhost|\[::1\])$/i.test(location.hostname);
  var ignored = [];

  function drop(keys) {
    keys.forEach(function (k) {
      if (k in s) {
        ignored.push(k);
        delete s[k];
      }
    });
  }

  function show() {
    window.KefuSettings = s;
    var out = document.getElementById('settings');
    if (out) out.textContent = 'window.KefuSettings = ' + JSON.stringify(s, null, 2);
    var note = document.getElementById('ignored');
    if (note && ignored.length) {
      note.hidden = false;
      note.textContent = '已忽略 Ignored: ' + ignored.join(', ') +
        ' (this page connects only to the servers this backend announces)';
    }
    var script = document.createElement('script');
    script.src = '/kefu.js';
    script.async = true;
    document.body.appendChild(script);
  }

  var wantsPeer = PEER_KEYS.some(function (k) { return k in s; });
  if (local || !wantsPeer) {
    if (!local) drop(['server', 'iceServers']);
    show();
    return;
  }
  drop(['server', 'iceServers']);
  fetch('/api/config').then(function (r) { return r.json(); }).then(function (cfg) {
    var p = (cfg && cfg.peer) || {};
    var sameHost = !('peerHost' in s) || String(s.peerHost).toLowerCase() === String(p.host).toLowerCase();
    var samePort = !('peerPort' in s) || Number(s.peerPort) === Number(p.port);
    var samePath = !('peerPath' in s) || s.peerPath === p.path;
    var sameKey = !('peerKey' in s) || s.peerKey === p.key;
    if (!(sameHost && samePort && samePath && sameKey)) drop(PEER_KEYS);
  }, function () {
    drop(PEER_KEYS);
  }).then(show);
})();
