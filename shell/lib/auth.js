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

function createAuth(db) {
  // Keeps the configured development agent in the table, with the configured password.
  function ensureAgent({ username, password, name }) {
    const existing = db.agentByUsername(username);
    if (existing && existing.name === name && verifyPassword(password, existing.pass_hash)) return existing;
    db.upsertAgent({ id: username, username, name, passHash: hashPassword(password), now: Date.now() });
    return db.agentByUsername(username);
  }

  function visitorForToken(token) {
    if (typeof token !== 'string' || !token || token.length > 200) return null;
    return db.visitorByTokenHash(hashToken(token)) || null;
  }

  function agentForToken(token) {
    if (typeof token !== 'string' || !token || token.length > 200) return null;
    const hash = hashToken(token);
    const agent = db.agentByTokenHash(hash);
    if (agent) db.touchAgentToken(hash, Date.now());
    return agent || null;
  }

  function login(username, password) {
    if (typeof username !== 'string' || typeof password !== 'string') return null;
    const agent = db.agentByUsername(username);
    // Hash anyway so a wrong user name costs as much as a wrong password.
    const ok = verifyPassword(password, agent ? agent.pass_hash : 'scrypt$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    if (!agent || !ok) return null;
    const token = newToken();
    db.insertAgentToken(hashToken(token), agent.id, Date.now());
    return { token, agent };
  }

  const logout = (token) => db.deleteAgentToken(hashToken(token));

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

  return { ensureAgent, visitorForToken, agentForToken, login, logout, requireVisitor, requireAgent };
}

module.exports = { createAuth, newToken, newId, hashToken, hashPassword, verifyPassword, bearerToken };
