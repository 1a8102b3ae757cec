'use strict';
// The team at run time: presence (online / away / offline), the routing rules of routing.js applied
// to stored conversations, transfer and close, and who rings for a call. Events on sockets.events:
//   'availability'       a group's availability may have changed (the hub re-sends visitors' status)
//   'accounts-changed'   another process (node shell/admin.js) changed the data: re-check agent tokens
const { err } = require('./errors');
const { newId } = require('./auth');
const { parseJson } = require('./db');
const rules = require('./routing');
const { createAway } = require('./away');

const PRESENCE = ['online', 'away'];

function createTeam({ db, sockets, config, log }) {
  const presence = new Map(); // agentId -> 'online' | 'away', while the agent has a socket
  const lastActive = new Map(); // agentId -> ms of the last assignment or reply
  let conversation = null; // conversation.js, attached after both exist
  const away = createAway({ db, config }); // business hours and branding (away.js)

  const status = (id) => (sockets.isAgentOnline(id) ? presence.get(id) || 'online' : 'offline');
  const defaultGroupId = () => (db.defaultGroup() || { id: 'default' }).id;

  function view() {
    let counts = null; // counted once per view, and only when a rule compares loads
    return {
      members: (g) => db.groupMembers(g),
      groupExists: (g) => !!db.groupById(g),
      groupsOf: (a) => db.groupsOf(a),
      exists: (a) => !!db.agentById(a),
      status,
      open: (a) => (counts || (counts = db.openCounts())).get(a) || 0,
      lastActive: (a) => lastActive.get(a) || 0,
    };
  }

  // What the widget's `kefu` setting names: a group, an agent (preferred, in its group), or, for the
  // site-wide id of /api/config (config.kefuId) and anything empty, the default group.
  function target(kefu) {
    const def = defaultGroupId();
    if (typeof kefu !== 'string' || !kefu || kefu === config.kefuId) return { group: def, preferred: null };
    if (db.groupById(kefu)) return { group: kefu, preferred: null };
    const a = db.agentById(kefu) || db.agentByUsername(kefu);
    if (!a) return { group: def, preferred: null };
    const groups = db.groupsOf(a.id);
    return { group: groups.includes(def) || !groups.length ? def : groups[0], preferred: a.id };
  }
  const knownKefu = (kefu) => kefu === config.kefuId || !!db.groupById(kefu) || !!db.agentById(kefu) || !!db.agentByUsername(kefu);

  function visitorGroup(visitorId, kefu) {
    const c = db.conversation(visitorId);
    if (c) return c.group;
    const v = db.visitorById(visitorId);
    return target(kefu !== undefined ? kefu : v ? v.kefu : '').group;
  }
  // Available: inside the group's business hours and someone of it online and not away. Else why not:
  // 'hours' (outside business hours) or 'nobody'.
  const unavailable = (groupId) => (!away.inHours(groupId) ? 'hours' : rules.groupAvailable(view(), groupId) ? null : 'nobody');
  const groupAvailable = (groupId) => unavailable(groupId) === null;
  const visitorAvailable = (visitorId) => groupAvailable(visitorGroup(visitorId));

  function info(visitorId) {
    const c = db.conversation(visitorId);
    return c ? { group: c.group, assignee: c.assignee, status: c.status } : null;
  }

  function announce(visitorId) {
    if (conversation) sockets.toAgents('visitor', conversation.summary(visitorId));
  }

  function save(visitorId, conv, { notify = null, reason = 'new' } = {}) {
    db.saveConversation({ visitorId, group: conv.group, assignee: conv.assignee, status: conv.status });
    if (notify && conv.assignee) {
      lastActive.set(conv.assignee, Date.now());
      sockets.toAgent(conv.assignee, 'assigned', { visitorId, reason, by: notify === true ? null : notify });
    }
  }

  // Called by conversation.js after a visitor's message is stored, before the summary goes out.
  function afterVisitorMessage(visitorId) {
    const conv = db.conversation(visitorId);
    const v = db.visitorById(visitorId);
    const t = target(v ? v.kefu : '');
    const vw = view();
    // Outside business hours a new conversation waits for the team, unassigned.
    if (!away.inHours(conv ? conv.group : t.group)) vw.status = () => 'offline';
    const r = rules.onVisitorMessage(vw, conv, t);
    if (r.routed) save(visitorId, r.conv, { notify: true, reason: conv ? 'reopened' : 'new' });
  }

  function afterAgentReply(agent, visitorId) {
    lastActive.set(agent.id, Date.now());
    db.clearContactMark(visitorId); // answered: no longer waiting for a call-back
    const conv = db.conversation(visitorId);
    const r = rules.onAgentReply(conv, agent.id, visitorGroup(visitorId));
    if (r.changed) save(visitorId, r.conv);
  }

  function needVisitor(visitorId) {
    const v = typeof visitorId === 'string' ? db.visitorById(visitorId) : null;
    if (!v) throw err('not_found', 'Unknown visitor');
    return v;
  }

  // body: { agentId } or { groupId }.
  function transfer(agent, visitorId, body) {
    const visitor = needVisitor(visitorId);
    const t = {};
    if (typeof body.agentId === 'string') t.agentId = body.agentId;
    else if (typeof body.groupId === 'string') t.groupId = body.groupId;
    const nameOf = (id) => (db.agentById(id) || { name: id }).name;
    const next = rules.transfer(view(), db.conversation(visitorId), t, { agentName: nameOf });
    save(visitorId, next, { notify: agent.id, reason: 'transfer' });
    const to = t.agentId ? nameOf(t.agentId) : db.groupById(t.groupId).name;
    const lang = parseJson(visitor.attrs, {}).lang;
    conversation.postSystemMessage(visitorId, newId('transfer_'), rules.transferLine(lang, to));
    announce(visitorId);
    sockets.events.emit('availability');
    log.info(`conversation ${visitorId} transferred by ${agent.id} to ${t.agentId || `group ${t.groupId}`}`);
    return info(visitorId);
  }

  function closeConversation(agent, visitorId) {
    needVisitor(visitorId);
    save(visitorId, rules.close(db.conversation(visitorId)));
    announce(visitorId);
    return info(visitorId);
  }

  // ---- presence ----
  function agentJson(a) {
    return { id: a.id, name: a.name, role: a.role, status: status(a.id), groups: db.groupsOf(a.id) };
  }
  const agentsList = () => db.listAgents().map(agentJson);
  const groupsList = () => db.listGroups().map((g) => ({
    id: g.id, name: g.name, default: !!g.is_default, members: db.groupMembers(g.id), available: groupAvailable(g.id),
  }));
  function presenceChanged(agentId) {
    sockets.toAgents('agent_presence', { agentId, status: status(agentId) });
    sockets.events.emit('availability');
  }
  function setPresence(agent, data) {
    if (!PRESENCE.includes(data.status)) throw err('bad_request', 'status must be online or away');
    presence.set(agent.id, data.status);
    presenceChanged(agent.id);
    return { status: data.status };
  }
  function onAgentOnline(agentId) {
    presenceChanged(agentId);
  }
  function onAgentOffline(agentId) {
    presence.delete(agentId);
    presenceChanged(agentId);
  }

  // ---- calls: the assignee first, then the rest of the group ----
  function ringPlan(visitorId, kefu) {
    const groupId = visitorGroup(visitorId, db.conversation(visitorId) ? undefined : kefu);
    if (!away.inHours(groupId)) return { first: [], rest: [] }; // closed: nobody rings (503 offline)
    const v = view();
    const ready = v.members(groupId).filter((id) => v.status(id) === 'online');
    const c = db.conversation(visitorId);
    const first = c && c.status === 'open' && c.assignee && ready.includes(c.assignee) ? [c.assignee] : ready;
    return { first, rest: ready.filter((id) => !first.includes(id)) };
  }

  // Conversations of a removed account wait unassigned again.
  function unassignOrphans() {
    for (const visitorId of db.orphanedConversations()) {
      save(visitorId, { ...db.conversation(visitorId), assignee: null });
      announce(visitorId);
    }
  }

  // ---- changes made by another process ----
  let version = db.dataVersion();
  let openGroups = null;
  const poll = setInterval(() => {
    try {
      const open = db.listGroups().filter((g) => away.inHours(g.id)).map((g) => g.id).join(',');
      if (open !== openGroups) {
        if (openGroups !== null) sockets.events.emit('availability'); // business hours opened or closed
        openGroups = open;
      }
      const now = db.dataVersion();
      if (now === version) return;
      version = now;
      unassignOrphans();
      sockets.events.emit('accounts-changed');
      sockets.events.emit('availability');
    } catch (e) {
      log.error('account poll:', e && e.stack ? e.stack : e);
    }
  }, config.accountPollMs);
  poll.unref();

  return {
    attach: (c) => {
      conversation = c;
    },
    away, unavailable, target, knownKefu, visitorGroup, groupAvailable, visitorAvailable, info, status, agentJson, agentsList, groupsList,
    afterVisitorMessage, afterAgentReply, transfer, closeConversation, setPresence, onAgentOnline, onAgentOffline, ringPlan,
    presenceChanged, unassignOrphans,
    stop: () => clearInterval(poll),
  };
}

module.exports = { createTeam };
