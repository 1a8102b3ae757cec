// The standing PeerJS peer: one registration for the whole session, made at sign-in, so accepting a
// call costs no registration round trip and a ringing visitor told this id can offer before the accept.
// Its TURN credentials come from ice.js (a classic script) and are renewed between calls.
import { state, hook, http } from './state.js';
import { rings, cs } from './call-state.js';
import { wsSend } from './socket.js';
import { endCall } from './calls.js';
import { held, strays, closeMc, release, onIncomingMedia } from './offers.js';

const ice = window.KefuIce.create({
  request: () => http('POST', '/api/agent/ice-servers'),
  fallback: () => (state.config && state.config.iceServers) || [],
  idle: () => !cs.active && rings.size === 0 && held.size === 0,
  renew: () => {
    dropStanding();
    startStanding();
  },
});

export async function peerOptions() {
  if (!state.config) state.config = await http('GET', '/api/config');
  const p = state.config.peer;
  const iceServers = await ice.get(!!state.config.turnCredentials);
  return {
    host: p.host, port: p.port, path: p.path, key: p.key, secure: !!p.secure,
    config: { iceServers },
    debug: 1,
  };
}

// On the mounted PeerJS server the console registers under an id and token the backend issued to
// this login (docs/PROTOCOL.md §6.2); a standalone stock server gets a random id, as stock peerjs does.
export async function peerCredentials() {
  if (!state.config.peer || state.config.peer.auth !== 'kefu') return null;
  const c = await http('POST', '/api/agent/peer-credentials', {});
  if (!c || typeof c.id !== 'string' || typeof c.token !== 'string') throw new Error('bad PeerJS credentials');
  return c;
}

const FATAL_PEER_ERRORS = new Set(['browser-incompatible', 'invalid-id', 'invalid-key', 'network', 'server-error',
  'socket-error', 'socket-closed', 'ssl-unavailable', 'unavailable-id']);
// Errors that only report the lost signalling socket of a peer that was registered: 'disconnected'
// follows, and reconnecting under the same id keeps offers the server queued for it meanwhile.
const SIGNALLING_LOST = new Set(['network', 'socket-error', 'socket-closed']);

// One PeerJS peer for the whole session, registered at login: accepting costs no registration round
// trip, and a ringing visitor told this id can send its offer before the accept.
export const standing = { peer: null, id: null, starting: false, timer: 0, reconnectTimer: 0, backoff: 1000, waiters: new Set() };

// Tells the server (and the test hook) the id under which this console takes calls now, or null.
export function advertise(id) {
  standing.id = id;
  hook.peerId = id;
  wsSend('peer', { peerId: id });
  if (id) for (const w of [...standing.waiters]) w();
}

export async function startStanding() {
  clearTimeout(standing.timer);
  standing.timer = 0;
  if (standing.peer || standing.starting || !state.token) return;
  standing.starting = true;
  let p;
  try {
    if (!window.Peer) throw new Error('peerjs client not loaded');
    const options = await peerOptions();
    const cred = await peerCredentials();
    if (!state.token || standing.peer) return;
    // reconnect() comes back with the same id and token, which the server accepts while they are valid.
    p = cred ? new window.Peer(cred.id, { ...options, token: cred.token }) : new window.Peer(options);
  } catch (err) {
    console.warn('cannot create the peer', err && err.message);
    if (state.token) replaceStanding();
    return;
  } finally {
    standing.starting = false;
  }
  if (!p) return;
  standing.peer = p;
  const mine = () => standing.peer === p;
  let opened = false;
  let reconnecting = false;
  // Signalling lost while the accepted call still waits for its offer: it cannot arrive any more.
  const failConnecting = () => {
    if (cs.active && cs.active.peer === p && cs.active.state === 'connecting') endCall('failed', true);
  };

  p.on('open', (id) => {
    if (!mine()) return;
    opened = true;
    reconnecting = false;
    standing.backoff = 1000;
    advertise(id);
  });
  p.on('call', (mc) => onIncomingMedia(p, mc));
  p.on('disconnected', () => {
    failConnecting();
    if (!mine()) return;
    advertise(null);
    reconnecting = true;
    clearTimeout(standing.reconnectTimer);
    standing.reconnectTimer = setTimeout(() => {
      if (mine() && p.disconnected && !p.destroyed) p.reconnect();
    }, 1000);
  });
  p.on('error', (err) => {
    const type = err && err.type;
    console.warn('peer error', type, err && err.message);
    if (!FATAL_PEER_ERRORS.has(type)) return;
    failConnecting();
    if (!mine()) return;
    if (opened && !reconnecting && SIGNALLING_LOST.has(type)) return; // the first loss: try the same id again
    replaceStanding();
  });
  p.on('close', () => {
    if (mine()) replaceStanding();
  });
}

// Gives the standing peer up and schedules a new one: 1 s, doubling up to 30 s between attempts.
export function replaceStanding() {
  dropStanding();
  if (!state.token) return;
  const delay = standing.waiters.size ? Math.min(standing.backoff, 1000) : standing.backoff; // an accept waits
  standing.backoff = Math.min(30000, standing.backoff * 2);
  clearTimeout(standing.timer);
  standing.timer = setTimeout(startStanding, delay);
}

// Detaches the standing peer and destroys it, unless a running call still uses it: its media path
// does not need signalling, so that peer lives until the call ends.
export function dropStanding() {
  const p = standing.peer;
  standing.peer = null;
  clearTimeout(standing.reconnectTimer);
  if (standing.id) advertise(null);
  if (!p) return;
  for (const [callId, mc] of [...held]) if (mc.provider === p || !mc.provider) release(callId);
  for (const s of [...strays]) {
    if (s.mc.provider === p || !s.mc.provider) {
      strays.splice(strays.indexOf(s), 1);
      clearTimeout(s.timer);
      closeMc(s.mc);
    }
  }
  if (cs.active && cs.active.peer === p) {
    if (cs.active.state === 'connecting') endCall('failed', true); // destroys p: no longer the standing peer
    else return;
  }
  try {
    p.destroy();
  } catch {
    /* already destroyed */
  }
}

// Logout or page hide: no peer, no pending attempt.
export function stopStanding() {
  ice.stop();
  clearTimeout(standing.timer);
  standing.timer = 0;
  standing.backoff = 1000;
  dropStanding();
  for (const id of [...held.keys()]) release(id);
  for (const s of strays.splice(0)) {
    clearTimeout(s.timer);
    closeMc(s.mc);
  }
}

// Resolves with the standing peer once it is registered; rejects after `ms`.
export function standingOpen(ms) {
  if (standing.peer && standing.peer.open && standing.id) return Promise.resolve(standing.peer);
  if (!standing.peer && !standing.starting) startStanding(); // someone waits: skip the backoff
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(t);
      standing.waiters.delete(done);
      resolve(standing.peer);
    };
    const t = setTimeout(() => {
      standing.waiters.delete(done);
      reject(new Error('the peer did not open'));
    }, ms);
    standing.waiters.add(done);
  });
}
