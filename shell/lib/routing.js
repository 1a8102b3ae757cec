'use strict';
// The routing rules, on their own (team.js applies them to the database and the sockets).
//
// A conversation is { group, assignee, status: 'open' | 'closed' }. A `view` of the team answers:
//   members(groupId) -> [agentId]        groupExists(groupId) -> bool
//   status(agentId) -> 'online' | 'away' | 'offline'
//   open(agentId) -> open conversations assigned to the agent
//   lastActive(agentId) -> ms of the agent's last assignment or reply (0: never)
//
// Rules:
// - A new conversation goes to an online (not away, not offline) member of its group with the fewest
//   open conversations; ties go to the one idle longest, then to the smaller id (so the result is stable).
//   A preferred agent (the widget named an agent) gets it whenever that agent is available.
// - Nobody available: it waits unassigned; the first agent to reply claims it.
// - A visitor message to a closed conversation reopens it and routes it again, in the same group.
// - Transfer to an agent needs that agent available; transfer to a group routes within that group,
//   never back to the agent handing it over.
const { err } = require('./errors');

function available(view, groupId, exclude) {
  return view.members(groupId).filter((id) => id !== exclude && view.status(id) === 'online');
}

function pickAssignee(view, groupId, { preferred = null, exclude = null } = {}) {
  const candidates = available(view, groupId, exclude);
  if (preferred && preferred !== exclude && view.status(preferred) === 'online') return preferred;
  candidates.sort((a, b) => view.open(a) - view.open(b) || view.lastActive(a) - view.lastActive(b) || (a < b ? -1 : a > b ? 1 : 0));
  return candidates.length ? candidates[0] : null;
}

const groupAvailable = (view, groupId) => available(view, groupId, null).length > 0;

// What a visitor's message does to its conversation. Returns { conv, routed }: routed when it was
// (re)assigned, so the team hears of it.
function onVisitorMessage(view, conv, { group, preferred = null }) {
  if (conv && conv.status === 'open') return { conv, routed: false };
  const g = conv ? conv.group : group;
  return { conv: { group: g, assignee: pickAssignee(view, g, { preferred }), status: 'open' }, routed: true };
}

// An agent replied: an unassigned conversation becomes theirs; a closed one opens again, theirs.
function onAgentReply(conv, agentId, group) {
  if (conv && conv.status === 'open' && conv.assignee) return { conv, changed: false };
  if (conv && conv.status === 'open') return { conv: { ...conv, assignee: agentId }, changed: true };
  return { conv: { group: conv ? conv.group : group, assignee: agentId, status: 'open' }, changed: true };
}

// target: { agentId } or { groupId }. Throws not_found / conflict with a message for the console.
function transfer(view, conv, target, { agentName = (id) => id } = {}) {
  if (!conv) throw err('conflict', 'This visitor has no conversation yet');
  if (target.agentId !== undefined) {
    const id = target.agentId;
    if (!view.exists(id)) throw err('not_found', 'Unknown agent');
    if (id === conv.assignee && conv.status === 'open') throw err('conflict', 'The conversation is already assigned to this agent');
    const s = view.status(id);
    if (s !== 'online') throw err('conflict', `${agentName(id)} is ${s}: transfer to an available agent or a group`);
    const group = view.members(conv.group).includes(id) ? conv.group : (view.groupsOf(id)[0] || conv.group);
    return { group, assignee: id, status: 'open' };
  }
  if (target.groupId !== undefined) {
    if (!view.groupExists(target.groupId)) throw err('not_found', 'Unknown group');
    return { group: target.groupId, assignee: pickAssignee(view, target.groupId, { exclude: conv.assignee }), status: 'open' };
  }
  throw err('bad_request', 'Transfer to an agentId or a groupId');
}

function close(conv) {
  if (!conv) throw err('conflict', 'This visitor has no conversation yet');
  if (conv.status === 'closed') throw err('conflict', 'The conversation is already closed');
  return { ...conv, status: 'closed' };
}

// The line the visitor sees after a transfer, in the visitor's language.
function transferLine(lang, name) {
  return /^zh/i.test(lang || 'zh') ? `已为您转接 ${name}` : `Transferred to ${name}`;
}

module.exports = { pickAssignee, groupAvailable, onVisitorMessage, onAgentReply, transfer, close, transferLine };
