'use strict';
// Account management shared by the admin endpoints and node shell/admin.js: add, remove, passwd,
// set-role, list, and the first admin. Changes that end sessions go through auth.js, which deletes the
// tokens (a running server then refuses them) and, in the server, closes their sockets at once.
const crypto = require('crypto');
const { err } = require('./errors');
const { hashPassword } = require('./auth');

const ROLES = ['admin', 'agent'];
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,31}$/;
const MIN_PASSWORD = 8;

function checkName(name) {
  if (typeof name !== 'string' || !name.trim() || name.length > 64 || /[\u0000-\u001f\u007f]/.test(name)) {
    throw err('bad_request', 'name must be 1 to 64 characters without control characters');
  }
  return name.trim();
}

function checkPassword(password) {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD || password.length > 200) {
    throw err('bad_request', `password must be ${MIN_PASSWORD} to 200 characters`);
  }
  return password;
}

const generatePassword = () => crypto.randomBytes(12).toString('base64url');

function createAccounts(db, auth, { events = null } = {}) {
  const changed = () => {
    if (events) events.emit('accounts-changed');
  };
  const json = (a) => ({ id: a.id, username: a.username, name: a.name, role: a.role, groups: db.groupsOf(a.id) });

  function need(username) {
    const a = typeof username === 'string' ? db.agentByUsername(username) || db.agentById(username) : null;
    if (!a) throw err('not_found', 'Unknown agent');
    return a;
  }

  function add({ username, name, password, role = 'agent', source = 'cli' }) {
    if (typeof username !== 'string' || !USERNAME.test(username)) {
      throw err('bad_request', 'username must be 1 to 32 letters, digits or . _ @ - (starting with a letter or digit)');
    }
    if (!ROLES.includes(role)) throw err('bad_request', 'role must be admin or agent');
    const display = checkName(name === undefined ? username : name);
    checkPassword(password);
    if (db.agentByUsername(username) || db.agentById(username)) throw err('conflict', 'This username is taken');
    db.insertAgent({ id: username, username, name: display, passHash: hashPassword(password), now: Date.now(), source, role });
    changed();
    return json(db.agentById(username));
  }

  const lastAdmin = (a) => a.role === 'admin' && db.adminCount() <= 1;

  function remove(username) {
    const a = need(username);
    if (lastAdmin(a)) throw err('conflict', 'The last admin cannot be removed');
    auth.removeAgent(a.username);
    changed();
    return { ok: true };
  }

  function passwd(username, password) {
    const a = need(username);
    checkPassword(password);
    auth.setPassword(a.username, password);
    return { ok: true };
  }

  function setRole(username, role) {
    const a = need(username);
    if (!ROLES.includes(role)) throw err('bad_request', 'role must be admin or agent');
    if (role !== 'admin' && lastAdmin(a)) throw err('conflict', 'The last admin cannot stop being admin');
    db.setAgentRole(a.id, role);
    changed();
    return json(db.agentById(a.id));
  }

  function rename(username, name) {
    const a = need(username);
    db.setAgentName(a.id, checkName(name));
    changed();
    return json(db.agentById(a.id));
  }

  const list = () => db.listAgents().map(json);

  // The first admin, when the data has none. Returns { username, password } when a password was
  // generated (the caller prints it once), else null.
  function ensureAdmin({ username, password }) {
    if (db.adminCount() > 0) return null;
    const existing = db.agentByUsername(username);
    if (existing) {
      db.setAgentRole(existing.id, 'admin');
      if (password) auth.setPassword(username, password);
      return null;
    }
    const pass = password || generatePassword();
    add({ username, name: username, password: pass, role: 'admin', source: 'first-admin' });
    return password ? null : { username, password: pass };
  }

  return { add, remove, passwd, setRole, rename, list, ensureAdmin, need };
}

module.exports = { createAccounts, ROLES, generatePassword, MIN_PASSWORD };
