'use strict';
// The gate in front of the stock PeerJS server (docs/PROTOCOL.md §6.2). The stock `peer` package stays
// as published; this module decides, before it sees anything:
// - who may register: only an id and token issued by POST /api/peer-credentials or
//   /api/agent/peer-credentials, within the per-identity and per-address caps (else HTTP 401/403/429
//   at the WebSocket upgrade);
// - which frames it gets: the stock server's socket is a wrapper whose 'message' events are the
//   frames that passed checkClientFrame() and the relay rules below;
// - when registrations end: idle sockets, revoked identities.
// Relay rules: a visitor's peer reaches only the agent side of that visitor's call, when that peer is
// the one bound to the call (callpeer `peer_id`): while it rings, the standing peers of the agents it
// has rung so far (no other group's); once answered, the accepting agent's peer. Agents reach the visitor peer of a ringing or running call the
// same way. A visitor's frames that come before its ring (the widget sends its offer with it) wait a
// few seconds for the call, then are relayed or dropped.
const { EventEmitter } = require('events');
const WebSocket = require('ws');
const { checkClientFrame } = require('./peer-frames');
const { clientAddress } = require('./client-address');

const LEAVE_GRACE_MS = 10000; // a LEAVE may still follow the last frame of a pair by this much

function refuse(socket, status, text) {
  const body = JSON.stringify({ error: { code: status === 429 ? 'rate_limited' : 'unauthorized', message: text } });
  socket.end(`HTTP/1.1 ${status} ${status === 429 ? 'Too Many Requests' : status === 403 ? 'Forbidden' : 'Unauthorized'}\r\n`
    + `Connection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

// What the stock server holds as "the socket": frames reach it only through deliver().
class GatedSocket extends EventEmitter {
  constructor(ws) {
    super();
    this.ws = ws;
  }
  get readyState() {
    return this.ws.readyState;
  }
  send(data) {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(data);
  }
  close() {
    this.ws.close();
  }
  deliver(text) {
    this.emit('message', Buffer.from(text));
  }
}

function createPeerGate({ db, auth, sockets, calls = null, creds, settings, key, log }) {
  const s = settings;
  const live = new Map(); // peer id -> Set<entry> of open sockets
  const perOwner = new Map(); // credential owner key -> open or opening sockets
  const perAddress = new Map();
  const queued = new Map(); // absent dst id -> {frames, bytes}: what the stock server keeps for it
  const pairs = new Map(); // "visitorPeer|agentPeer" -> time of the last relayed frame
  const held = new Map(); // visitor peer id -> [{entry, check, bytes, at}] frames waiting for their ring

  const count = (map, k, d) => {
    const n = (map.get(k) || 0) + d;
    if (n > 0) map.set(k, n);
    else map.delete(k);
  };

  // ---- registration ----
  // The open socket of `ownerKey` silent longest, if silent for staleMs at least; else null.
  function stalest(ownerKey) {
    let worst = null;
    const before = Date.now() - s.staleMs;
    for (const set of live.values()) {
      for (const e of set) {
        if (e.cred.key === ownerKey && e.lastFrame <= before && (!worst || e.lastFrame < worst.lastFrame)) worst = e;
      }
    }
    return worst;
  }

  // The agent token the credential was issued for must still be live (not logged out or expired).
  const agentTokenLive = (hash) => !!(auth && auth.agentForTokenHash ? auth.agentForTokenHash(hash, { touch: false }) : db.agentByTokenHash(hash));

  function upgrade(req, socket, head, wss) {
    let u;
    try {
      u = new URL(req.url, 'http://x');
    } catch {
      return refuse(socket, 401, 'PeerJS credentials are required');
    }
    const q = u.searchParams;
    // The stock server takes the *last* id/token/key of the query, this check the first: a repeated one
    // would register the id of whoever the attacker names. Refused, and the stock server is handed
    // exactly the values checked here.
    if (['id', 'token', 'key'].some((k) => q.getAll(k).length !== 1)) {
      return refuse(socket, 401, 'Register with exactly one id, token and key');
    }
    const cred = creds.check(q.get('id'), q.get('token'));
    if (!cred || q.get('key') !== key) {
      return refuse(socket, 401, 'Register with an id and token from POST /api/peer-credentials');
    }
    const stillValid = cred.role === 'visitor' ? !!db.visitorById(cred.visitorId) : agentTokenLive(cred.tokenHash);
    if (!stillValid) {
      creds.revoke(cred.role === 'visitor' ? { visitorId: cred.visitorId } : { agentId: cred.agentId, tokenHash: cred.tokenHash });
      return refuse(socket, 403, 'The session these credentials belong to has ended');
    }
    req.url = `${u.pathname}?${new URLSearchParams({ key, id: cred.id, token: q.get('token') })}`;
    const address = clientAddress(req);
    const previous = [...(live.get(cred.id) || [])];
    // A re-registration of the same id replaces its socket: it does not count twice.
    const ownerMax = cred.role === 'visitor' ? s.perVisitor : s.perAgent;
    if (!previous.length && (perOwner.get(cred.key) || 0) >= ownerMax) {
      // A visitor whose network moved registers anew while its old sockets still look open here (nothing
      // closes a socket whose address went away). Its stalest one that has missed its heartbeats gives way;
      // live ones (a heartbeat every 5 s) never do.
      const stale = stalest(cred.key);
      if (!stale) return refuse(socket, 429, `At most ${ownerMax} PeerJS registrations per ${cred.role}`);
      stale.ws.terminate();
    }
    if (!previous.some((e) => e.address === address) && (perAddress.get(address) || 0) >= s.perAddress) {
      return refuse(socket, 429, `At most ${s.perAddress} PeerJS registrations per address`);
    }
    const entry = { cred, address, ws: null, gated: null, lastFrame: Date.now() };
    count(perOwner, cred.key, 1);
    count(perAddress, address, 1);
    creds.attached(cred);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      count(perOwner, cred.key, -1);
      count(perAddress, address, -1);
      creds.detached(cred);
      const set = live.get(cred.id);
      if (set && set.delete(entry) && !set.size) live.delete(cred.id);
    };
    socket.once('close', release);
    // The stock server re-attaches a known id without a new OPEN, which a client waits for: the old
    // socket is closed (and the stock server has seen it close) before the new one is handed over.
    const handOver = () => {
      if (released || socket.destroyed) return release();
      wss.handleUpgrade(req, socket, head, (ws) => attach(entry, ws, wss, req, release));
    };
    if (!previous.length) return handOver();
    let waiting = previous.length;
    const t = setTimeout(handOver, 1000);
    for (const e of previous) {
      e.ws.once('close', () => {
        if (--waiting === 0) {
          clearTimeout(t);
          setImmediate(handOver);
        }
      });
      e.ws.terminate();
    }
  }

  function attach(entry, ws, wss, req, release) {
    if (entry.cred.revoked) {
      ws.terminate();
      return release();
    }
    entry.ws = ws;
    entry.gated = new GatedSocket(ws);
    let set = live.get(entry.cred.id);
    if (!set) live.set(entry.cred.id, (set = new Set()));
    set.add(entry);
    queued.delete(entry.cred.id); // what waited for it is delivered now
    ws.on('error', () => {}); // 1009 on oversize frames; 'close' follows
    ws.on('close', () => {
      release();
      entry.gated.emit('close');
      dropHeld(entry);
    });
    ws.on('message', (raw, isBinary) => onFrame(entry, raw, isBinary));
    wss.emit('connection', entry.gated, req);
  }

  // ---- frames ----
  function onFrame(entry, raw, isBinary) {
    entry.lastFrame = Date.now();
    const check = checkClientFrame(raw, isBinary, { maxBytes: s.maxFrameBytes, maxDepth: s.maxDepth });
    if (!check.ok) {
      // No stock client sends such a frame: the sender goes, nobody else notices.
      log.warn(`peer ${entry.cred.id}: ${check.reason}, socket closed`);
      entry.ws.close(1008, check.reason);
      return;
    }
    if (!check.dst) return entry.gated.deliver(check.text);
    const verdict = decide(entry.cred, check);
    if (verdict === 'relay') return relay(entry, check);
    if (verdict === 'hold') return hold(entry, check);
    return refused(entry, check);
  }

  // Not a counterpart: dropped. An OFFER is answered with EXPIRE, what the stock server says of a peer
  // that cannot be reached, so a caller fails fast instead of waiting for an answer that cannot come.
  function refused(entry, check) {
    if (check.type !== 'OFFER' || entry.ws.readyState !== WebSocket.OPEN) return;
    entry.ws.send(JSON.stringify({ type: 'EXPIRE', src: check.dst, dst: entry.cred.id }));
  }

  function standingIds(agentIds) {
    return sockets.agentPeerIds(agentIds || undefined);
  }

  // 'relay' | 'hold' | 'drop' for a frame of `src` (a credential) to check.dst.
  function decide(src, check) {
    const dst = creds.owner(check.dst);
    if (!dst || dst.role === src.role) return 'drop';
    const visitorPeer = src.role === 'visitor' ? src : dst;
    const agentPeer = src.role === 'visitor' ? dst : src;
    const call = db.openCallForVisitor(visitorPeer.visitorId);
    if (call && call.visitor_peer_id === visitorPeer.id) {
      if (call.state === 'active' && call.agent_peer_id === agentPeer.id) return 'relay';
      // Ringing: only the standing peers of the agents this call has rung (not another group's).
      const rung = calls ? calls.rungAgents(call.id) : null;
      if (call.state === 'ringing' && (!rung || rung.has(agentPeer.agentId)) && standingIds(rung).includes(agentPeer.id)) return 'relay';
    }
    if (check.type === 'LEAVE' && Date.now() - (pairs.get(`${visitorPeer.id}|${agentPeer.id}`) || 0) < LEAVE_GRACE_MS) {
      return 'relay';
    }
    // No ring yet, or a call-back the visitor is answering (its callpeer binds the peer): held.
    const unbound = !call || (call.state === 'ringing' && !call.visitor_peer_id);
    if (unbound && src.role === 'visitor' && standingIds().includes(dst.id)) return 'hold';
    return 'drop';
  }

  function relay(entry, check) {
    const dst = creds.owner(check.dst);
    if (!live.has(check.dst)) {
      // The stock server queues frames for an absent id until it registers (or 5 s pass): bounded here.
      const bytes = Buffer.byteLength(check.text);
      const qd = queued.get(check.dst) || { frames: 0, bytes: 0 };
      if (qd.frames + 1 > s.queueFrames || qd.bytes + bytes > s.queueBytes) return;
      queued.set(check.dst, { frames: qd.frames + 1, bytes: qd.bytes + bytes, at: Date.now() });
    }
    const v = entry.cred.role === 'visitor' ? entry.cred.id : dst.id;
    const a = entry.cred.role === 'visitor' ? dst.id : entry.cred.id;
    pairs.set(`${v}|${a}`, Date.now());
    entry.gated.deliver(check.text);
  }

  // ---- frames ahead of their ring ----
  function hold(entry, check) {
    const id = entry.cred.id;
    const list = held.get(id) || [];
    const bytes = Buffer.byteLength(check.text);
    const total = list.reduce((n, h) => n + h.bytes, 0);
    if (list.length >= s.holdFrames || total + bytes > s.holdBytes) return;
    list.push({ entry, check, bytes, at: Date.now() });
    held.set(id, list);
    if (list.length === 1) {
      const t = setTimeout(() => flushHeld(id, true), s.holdMs);
      t.unref();
      list.timer = t;
    }
  }

  // Re-decides the frames held for a visitor peer: relays them, keeps them (ring still to come) or,
  // at the deadline, drops what still has nowhere to go.
  function flushHeld(id, deadline) {
    const list = held.get(id);
    if (!list) return;
    const keep = [];
    for (const h of list) {
      if (h.entry.ws.readyState !== WebSocket.OPEN) continue;
      const verdict = decide(h.entry.cred, h.check);
      if (verdict === 'relay') relay(h.entry, h.check);
      else if (verdict === 'hold' && !deadline) keep.push(h);
      else refused(h.entry, h.check);
    }
    if (keep.length) {
      keep.timer = list.timer;
      held.set(id, keep);
    } else {
      clearTimeout(list.timer);
      held.delete(id);
    }
  }

  function dropHeld(entry) {
    const list = held.get(entry.cred.id);
    if (!list) return;
    const rest = list.filter((h) => h.entry !== entry);
    if (rest.length) {
      rest.timer = list.timer;
      held.set(entry.cred.id, rest);
    } else {
      clearTimeout(list.timer);
      held.delete(entry.cred.id);
    }
  }

  // A failing listener must not break the call control that emits these.
  const on = (event, fn) => sockets.events.on(event, (arg) => {
    try {
      fn(arg || {});
    } catch (e) {
      log.error(`peer gate ${event}:`, e && e.stack ? e.stack : e);
    }
  });

  on('call-state', ({ visitorId }) => {
    for (const id of [...held.keys()]) {
      const list = held.get(id);
      if (list && list[0] && list[0].entry.cred.visitorId === visitorId) flushHeld(id, false);
    }
  });

  // ---- ending registrations ----
  function closeCred(cred, code, reason) {
    for (const e of [...(live.get(cred.id) || [])]) e.ws.close(code, reason);
  }

  on('revoke', (who) => {
    for (const cred of creds.revoke(who)) closeCred(cred, 4001, 'revoked');
  });

  const idleTimer = setInterval(() => {
    const now = Date.now();
    for (const set of live.values()) {
      for (const e of set) if (now - e.lastFrame > s.idleMs) e.ws.terminate();
    }
    for (const [k, at] of pairs) if (now - at > LEAVE_GRACE_MS) pairs.delete(k);
    for (const [k, qd] of queued) if (now - qd.at > 10000) queued.delete(k);
    creds.sweep();
  }, Math.max(250, Math.min(5000, Math.floor(s.idleMs / 4))));
  idleTimer.unref();

  return {
    upgrade,
    registrations: () => [...live.values()].reduce((n, set) => n + set.size, 0),
    close() {
      clearInterval(idleTimer);
      for (const list of held.values()) clearTimeout(list.timer);
      held.clear();
    },
  };
}

module.exports = { createPeerGate };
