'use strict';
// Tokens, password hashes and the bearer-token checks for visitors and agents.
const crypto = require('crypto');
const { err } = require('./errors');

const newToken = () => crypto.randomBytes(24).toString('base64url');
const newId = (prefix) => prefix + crypto.randomBytes(8).toString('hex');
const hashToken = (token) => crypto.createHash('sha256').update(String(token)).digest('hex');

function hashPassword(password) {
  const salt = crypto.randomBytes(16);
  const hash = crypto.scryptSync(String(password), salt, 32);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

function verifyPassword(password, stored) {
  const [scheme, saltB64, hashB64] = String(stored || '').split('$');
  if (scheme !== 'scrypt' || !saltB64 || !hashB64) return false;
  const expected = Buffer.from(hashB64, 'base64');
  const actual = crypto.scryptSync(String(password), Buffer.from(saltB64, 'base64'), expected.length);
  return crypto.timingSafeEqual(expected, actual);
}

function bearerToken(req) {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1] : null;
}

// Revocation: every token that stops working is announced on `events` as
//   'revoke' {agentId, tokenHash}   one agent token (logout, expiry, password change, removed account)
//   'revoke' {visitorId}            every credential of a visitor (token rotation, forget-me)
// so that whoever holds a socket opened with it closes that socket at once (ws-hub, the PeerJS gate).
function createAuth(db, { events = null, idleMs = Infinity, maxMs = Infinity } = {}) {
  const emit = (payload) => {
    if (events) events.emit('revoke', payload);
  };

  function revokeTokenHash(tokenHash, agentId) {
    db.deleteAgentToken(tokenHash);
    emit({ agentId, tokenHash });
  }

  // Ends every session of an account: for a password change or an account taken away.
  function revokeAgent(agentId) {
    for (const hash of db.agentTokenHashes(agentId)) revokeTokenHash(hash, agentId);
  }

  function setPassword(username, password) {
    const agent = db.agentByUsername(username);
    if (!agent) return false;
    db.setAgentPassword(agent.id, hashPassword(password));
    revokeAgent(agent.id);
    return true;
  }

  function removeAgent(username) {
    const agent = db.agentByUsername(username);
    if (!agent) return false;
    revokeAgent(agent.id);
    return db.deleteAgent(agent.id);
  }

  // Keeps the account named by the settings in the table with the configured password and name. A
  // changed password ends the old sessions; an account the settings no longer name (the old kefu1 after
  // KEFU_AGENT_USER changed) is removed, so no forgotten login keeps working.
  function ensureAgent({ username, password, name }) {
    let agent = db.agentByUsername(username);
    if (!agent) {
      db.insertAgent({ id: username, username, name, passHash: hashPassword(password), now: Date.now() });
    } else {
      if (!verifyPassword(password, agent.pass_hash)) setPassword(username, password);
      if (agent.name !== name) db.setAgentName(agent.id, name);
    }
    agent = db.agentByUsername(username);
    for (const other of db.agentsBySource('config')) {
      if (other.id !== agent.id) removeAgent(other.username);
    }
    return agent;
  }

  function visitorForToken(token) {
    if (typeof token !== 'string' || !token || token.length > 200) return null;
    return db.visitorByTokenHash(hashToken(token)) || null;
  }

  const expired = (row, now) => now - row.last_used >= idleMs || now - row.created >= maxMs;

  // The agent of a live token hash, or null. An expired token is revoked on the spot.
  function agentForTokenHash(hash, { touch = true, now = Date.now() } = {}) {
    const row = db.agentTokenRow(hash);
    if (!row) return null;
    if (expired(row, now)) {
      revokeTokenHash(hash, row.agent_id);
      return null;
    }
    const agent = db.agentById(row.agent_id);
    if (!agent) return null;
    if (touch) db.touchAgentToken(hash, now);
    return agent;
  }

  function agentForToken(token) {
    if (typeof token !== 'string' || !token || token.length > 200) return null;
    return agentForTokenHash(hashToken(token));
  }

  // Revokes every token past its idle or absolute lifetime (run now and then).
  function sweep(now = Date.now()) {
    const idleBefore = Number.isFinite(idleMs) ? now - idleMs : -Infinity;
    const createdBefore = Number.isFinite(maxMs) ? now - maxMs : -Infinity;
    for (const row of db.staleAgentTokens(idleBefore, createdBefore)) revokeTokenHash(row.token_hash, row.agent_id);
  }

  // The password check. Returns the agent, or null; rate limits are the caller's (login-guard.js).
  function checkPassword(username, password) {
    if (typeof username !== 'string' || typeof password !== 'string') return null;
    const agent = db.agentByUsername(username);
    // Hash anyway so a wrong user name costs as much as a wrong password.
    const ok = verifyPassword(password, agent ? agent.pass_hash : 'scrypt$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    return agent && ok ? agent : null;
  }

  function login(username, password) {
    const agent = checkPassword(username, password);
    if (!agent) return null;
    const token = newToken();
    db.insertAgentToken(hashToken(token), agent.id, Date.now());
    return { token, agent };
  }

  function logout(token) {
    const hash = hashToken(token);
    const row = db.agentTokenRow(hash);
    if (row) revokeTokenHash(hash, row.agent_id);
  }

  // A visitor's new token; the old one stops working at once.
  function rotateVisitorToken(visitorId) {
    const token = newToken();
    if (!db.setVisitorToken(visitorId, hashToken(token))) return null;
    emit({ visitorId });
    return token;
  }

  // Erases the visitor and its conversation; its token and sockets stop working.
  function forgetVisitor(visitorId) {
    const done = db.forgetVisitor(visitorId);
    emit({ visitorId });
    return done;
  }

  // Express middlewares.
  const requireVisitor = (req, res, next) => {
    const visitor = visitorForToken(bearerToken(req));
    if (!visitor) return next(err('unauthorized', 'A valid visitor token is required'));
    req.visitor = visitor;
    req.token = bearerToken(req);
    next();
  };
  const requireAgent = (req, res, next) => {
    const agent = agentForToken(bearerToken(req));
    if (!agent) return next(err('unauthorized', 'A valid agent token is required'));
    req.agent = agent;
    req.token = bearerToken(req);
    next();
  };

  // An agent token of an account with the admin role; an agent's token gets 403 forbidden.
  const requireAdmin = (req, res, next) => requireAgent(req, res, (e) => {
    if (e) return next(e);
    if (req.agent.role !== 'admin') return next(err('forbidden', 'This needs an admin account'));
    next();
  });

  return {
    requireAdmin, ensureAgent, setPassword, removeAgent, revokeAgent, visitorForToken, agentForToken, agentForTokenHash, sweep,
    login, logout, rotateVisitorToken, forgetVisitor, requireVisitor, requireAgent,
  };
}

module.exports = { createAuth, newToken, newId, hashToken, hashPassword, verifyPassword, bearerToken };
