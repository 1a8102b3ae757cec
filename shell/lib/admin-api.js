'use strict';
// Admin endpoints /api/admin/...: agents, groups, settings. Each needs the token of an admin account;
// an agent's token gets 403 forbidden (auth.requireAdmin). docs/PROTOCOL.md §2.4.
const express = require('express');
const { err } = require('./errors');
const v = require('./validate');

const GROUP_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
const SETTINGS = {
  // ms between ringing the assignee and ringing the rest of the group
  ringGroupDelayMs: (x) => Number.isInteger(x) && x >= 0 && x <= 120000,
};

function createAdminApi({ db, auth, accounts, team, sockets, config }) {
  const router = express.Router();
  const admin = auth.requireAdmin;

  // Every console learns the new team (names, roles, groups) at once.
  const teamChanged = () => {
    sockets.toAgents('team', { agents: team.agentsList(), groups: team.groupsList() });
    sockets.events.emit('availability');
  };

  function groupName(name) {
    if (typeof name !== 'string' || !name.trim() || name.length > 32 || /[\u0000-\u001f\u007f]/.test(name)) {
      throw err('bad_request', 'name must be 1 to 32 characters without control characters');
    }
    return name.trim();
  }
  function memberList(members) {
    if (!Array.isArray(members) || members.length > 500 || !members.every((m) => typeof m === 'string')) {
      throw err('bad_request', 'members must be a list of agent ids');
    }
    const unknown = members.find((m) => !db.agentById(m));
    if (unknown !== undefined) throw err('not_found', `Unknown agent: ${unknown.slice(0, 40)}`);
    return [...new Set(members)];
  }
  function needGroup(id) {
    const g = db.groupById(id);
    if (!g) throw err('not_found', 'Unknown group');
    return g;
  }
  const groupJson = (id) => team.groupsList().find((g) => g.id === id);
  const agentJson = (a) => ({ ...a, status: team.status(a.id) });

  // ---- agents ----
  router.get('/api/admin/agents', admin, (req, res) => {
    res.json({ agents: accounts.list().map(agentJson) });
  });

  router.post('/api/admin/agents', admin, (req, res) => {
    const b = v.body(req);
    const a = accounts.add({ username: b.username, name: b.name, password: b.password, role: b.role || 'agent', source: 'admin' });
    if (b.groups !== undefined) {
      if (!Array.isArray(b.groups) || !b.groups.every((g) => typeof g === 'string' && db.groupById(g))) {
        throw err('bad_request', 'groups must be a list of group ids');
      }
      for (const g of b.groups) db.addGroupMember(g, a.id);
    }
    teamChanged();
    res.status(201).json({ agent: agentJson(accounts.list().find((x) => x.id === a.id)) });
  });

  router.patch('/api/admin/agents/:id', admin, (req, res) => {
    const b = v.body(req);
    const a = accounts.need(req.params.id);
    if (b.name !== undefined) accounts.rename(a.username, b.name);
    if (b.role !== undefined) accounts.setRole(a.username, b.role);
    if (b.password !== undefined) accounts.passwd(a.username, b.password);
    teamChanged();
    res.json({ agent: agentJson(accounts.list().find((x) => x.id === a.id)) });
  });

  router.delete('/api/admin/agents/:id', admin, (req, res) => {
    const a = accounts.need(req.params.id);
    if (a.id === req.agent.id) throw err('conflict', 'You cannot remove your own account');
    accounts.remove(a.username);
    team.unassignOrphans();
    teamChanged();
    res.json({ ok: true });
  });

  // ---- groups ----
  router.get('/api/admin/groups', admin, (req, res) => {
    res.json({ groups: team.groupsList() });
  });

  router.post('/api/admin/groups', admin, (req, res) => {
    const b = v.body(req);
    if (typeof b.id !== 'string' || !GROUP_ID.test(b.id)) throw err('bad_request', 'id must be 1 to 32 letters, digits, _ or -');
    // One namespace for data-kefu: a group may not share its id with an agent.
    if (db.groupById(b.id) || db.agentById(b.id) || db.agentByUsername(b.id) || b.id === config.kefuId) {
      throw err('conflict', 'This id is taken by a group, an agent or the site id');
    }
    const name = groupName(b.name);
    const members = b.members === undefined ? [] : memberList(b.members);
    db.transaction(() => {
      db.insertGroup(b.id, name, Date.now());
      db.setGroupMembers(b.id, members);
      if (b.default === true) db.makeDefaultGroup(b.id);
    })();
    teamChanged();
    res.status(201).json({ group: groupJson(b.id) });
  });

  router.patch('/api/admin/groups/:id', admin, (req, res) => {
    const b = v.body(req);
    const g = needGroup(req.params.id);
    const name = b.name === undefined ? undefined : groupName(b.name);
    const members = b.members === undefined ? undefined : memberList(b.members);
    if (b.default !== undefined && b.default !== true) throw err('bad_request', 'default can only be set to true (make another group the default)');
    db.transaction(() => {
      if (name !== undefined) db.renameGroup(g.id, name);
      if (members !== undefined) db.setGroupMembers(g.id, members);
      if (b.default === true) db.makeDefaultGroup(g.id);
    })();
    teamChanged();
    res.json({ group: groupJson(g.id) });
  });

  router.delete('/api/admin/groups/:id', admin, (req, res) => {
    const g = needGroup(req.params.id);
    if (g.is_default) throw err('conflict', 'The default group cannot be removed: make another group the default first');
    db.deleteGroup(g.id);
    teamChanged();
    res.json({ ok: true });
  });

  // ---- settings ----
  const settingsJson = () => Object.fromEntries(Object.keys(SETTINGS).map((k) => [k, config[k]]));
  router.get('/api/admin/settings', admin, (req, res) => {
    res.json({ settings: settingsJson() });
  });

  router.patch('/api/admin/settings', admin, (req, res) => {
    const b = v.body(req);
    for (const [k, value] of Object.entries(b)) {
      if (!Object.prototype.hasOwnProperty.call(SETTINGS, k)) throw err('bad_request', `Unknown setting: ${k.slice(0, 40)}`);
      if (!SETTINGS[k](value)) throw err('bad_request', `Bad value for ${k}`);
    }
    for (const [k, value] of Object.entries(b)) {
      db.putSetting(k, JSON.stringify(value));
      config[k] = value;
    }
    res.json({ settings: settingsJson() });
  });

  return router;
}

// Settings an admin stored earlier win over the configuration at start.
function loadSettings(db, config) {
  for (const k of Object.keys(SETTINGS)) {
    const raw = db.setting(k);
    if (raw === undefined) continue;
    try {
      const value = JSON.parse(raw);
      if (SETTINGS[k](value)) config[k] = value;
    } catch {
      /* a damaged value keeps the configured one */
    }
  }
}

module.exports = { createAdminApi, loadSettings };
