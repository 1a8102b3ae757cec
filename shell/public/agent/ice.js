'use strict';
// ICE servers for the console's standing peer (docs/PROTOCOL.md §3 "ICE servers"): TURN credentials
// come short-lived from POST /api/agent/ice-servers, never from /api/config. A stock peerjs Peer keeps
// the configuration it was made with (no setConfiguration), so before the credentials run out the
// console replaces its standing peer, at a moment without a call.
(function () {
  const ICE_URL = /^(stuns?|turns?):[\x21-\x7e]{1,500}$/;
  const MAX_SERVERS = 16;

  // The answer as the contract says it, or an Error: nothing else reaches RTCPeerConnection.
  function check(answer) {
    if (!answer || typeof answer !== 'object' || !Array.isArray(answer.iceServers)) throw new Error('no iceServers list');
    if (!Number.isSafeInteger(answer.expires) || answer.expires <= 0) throw new Error('no expires');
    if (answer.iceServers.length > MAX_SERVERS) throw new Error('too many servers');
    const iceServers = answer.iceServers.map((s) => {
      if (!s || typeof s !== 'object' || Array.isArray(s)) throw new Error('a server is not an object');
      const urls = typeof s.urls === 'string' ? [s.urls] : s.urls;
      if (!Array.isArray(urls) || !urls.length || urls.length > 8 || !urls.every((u) => typeof u === 'string' && ICE_URL.test(u))) {
        throw new Error('bad urls');
      }
      const out = { urls };
      for (const k of ['username', 'credential']) {
        if (s[k] === undefined) continue;
        if (typeof s[k] !== 'string' || s[k].length > 512) throw new Error(`bad ${k}`);
        out[k] = s[k];
      }
      if (urls.some((u) => u.startsWith('turn')) && !(out.username && out.credential)) throw new Error('TURN without credentials');
      return out;
    });
    return { iceServers, expires: answer.expires };
  }

  // request(): the endpoint's answer; fallback(): the config's servers; idle(): no call rings or runs;
  // renew(): replace the standing peer (it then calls get() again).
  function create({ request, fallback, idle, renew }) {
    let timer = 0;
    let expires = 0;
    const stop = () => {
      clearTimeout(timer);
      timer = 0;
    };
    const tick = () => {
      timer = 0;
      if (idle()) renew();
      else timer = setTimeout(tick, 30000); // after the call
    };
    async function get(offered) {
      stop();
      if (!offered) return fallback();
      try {
        const a = check(await request());
        expires = a.expires;
        // 80 % into their life, so a call that starts just before still has a good margin.
        timer = setTimeout(tick, Math.min(0x7fffffff, Math.max(5000, (a.expires - Date.now()) * 0.8)));
        return a.iceServers;
      } catch (err) {
        console.warn('TURN credentials unavailable, calls use the configured servers only:', err && err.message);
        expires = 0;
        timer = setTimeout(tick, 5 * 60000); // try again later (a new peer id each time: not too often)
        return fallback();
      }
    }
    return { get, stop, expires: () => expires };
  }

  window.KefuIce = { check, create };
})();
