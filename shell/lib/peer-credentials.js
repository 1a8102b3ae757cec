'use strict';
// PeerJS credentials for the mounted signalling server: an id and a token the backend chose for one
// authenticated visitor or agent (the agent's by the hash of the bearer token used to get them).
// Kept in memory only. Ids are random and never handed out twice, so whatever the stock server
// queues for an id can only ever reach the identity that owns it.
// A credential is valid for `credentialTtlMs` after it is issued and, once used, for as long as a
// socket is registered with it plus `credentialTtlMs` after the last one closed (stock peerjs
// `reconnect()` comes back with the same id and token).
const crypto = require('crypto');

const ID_RE = /^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/; // the stock server's and clients' id rule

function createPeerCredentials({ ttlMs, maxPerVisitor, maxPerAgent, now = Date.now }) {
  const byId = new Map(); // id -> credential
  const byOwner = new Map(); // ownerKey -> Set<id>

  const ownerKey = (owner) => (owner.visitorId ? `v:${owner.visitorId}` : `a:${owner.agentId}`);

  function live(c, t = now()) {
    return !c.revoked && (c.sockets > 0 || t < c.validUntil);
  }

  function forget(c) {
    byId.delete(c.id);
    const set = byOwner.get(c.key);
    if (set) {
      set.delete(c.id);
      if (!set.size) byOwner.delete(c.key);
    }
  }

  // owner: {visitorId} or {agentId, tokenHash}. Beyond the per-identity cap the oldest unused
  // credential of that identity goes: a reloading page must never lock its owner out.
  function issue(owner) {
    const key = ownerKey(owner);
    const max = owner.visitorId ? maxPerVisitor : maxPerAgent;
    const t = now();
    const mine = () => [...(byOwner.get(key) || [])].map((id) => byId.get(id));
    for (const c of mine()) if (!live(c, t)) forget(c);
    const current = mine();
    if (current.length >= max) {
      const unused = current.filter((c) => c.sockets === 0).sort((a, b) => a.issued - b.issued);
      if (!unused.length) return null; // every one is in use: the registration caps decide
      forget(unused[0]);
    }
    const c = {
      id: `p${crypto.randomBytes(16).toString('hex')}`,
      token: crypto.randomBytes(16).toString('hex'),
      key,
      role: owner.visitorId ? 'visitor' : 'agent',
      visitorId: owner.visitorId || null,
      agentId: owner.agentId || null,
      tokenHash: owner.tokenHash || null,
      issued: t,
      validUntil: t + ttlMs,
      sockets: 0,
      revoked: false,
    };
    byId.set(c.id, c);
    let set = byOwner.get(key);
    if (!set) byOwner.set(key, (set = new Set()));
    set.add(c.id);
    return { id: c.id, token: c.token, expires: c.validUntil };
  }

  // The credential for this id and token while it may register, else null.
  function check(id, token) {
    if (typeof id !== 'string' || typeof token !== 'string' || !ID_RE.test(id)) return null;
    const c = byId.get(id);
    if (!c || !live(c)) return null;
    const a = Buffer.from(token);
    const b = Buffer.from(c.token);
    if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) return null;
    return c;
  }

  // Who owns a (still known) id: the relay rules ask this for both ends of every frame.
  function owner(id) {
    const c = typeof id === 'string' ? byId.get(id) : null;
    return c && !c.revoked ? c : null;
  }

  function attached(c) {
    c.sockets++;
  }
  function detached(c) {
    c.sockets = Math.max(0, c.sockets - 1);
    if (!c.sockets) c.validUntil = now() + ttlMs;
  }

  // {visitorId} | {agentId[, tokenHash]}: the credentials to drop; returns them (their sockets go too).
  function revoke(who) {
    if (!who || (typeof who.visitorId !== 'string' && typeof who.agentId !== 'string')) return [];
    const key = who.visitorId ? `v:${who.visitorId}` : `a:${who.agentId}`;
    const out = [];
    for (const id of [...(byOwner.get(key) || [])]) {
      const c = byId.get(id);
      if (!c || (who.tokenHash && c.tokenHash !== who.tokenHash)) continue;
      c.revoked = true;
      forget(c);
      out.push(c);
    }
    return out;
  }

  function sweep() {
    const t = now();
    for (const c of [...byId.values()]) if (!live(c, t)) forget(c);
  }

  return { issue, check, owner, attached, detached, revoke, sweep, size: () => byId.size };
}

module.exports = { createPeerCredentials, ID_RE };
