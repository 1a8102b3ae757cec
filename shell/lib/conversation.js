'use strict';
// Conversations: storing messages once, fanning them out, read marks and visitor summaries.
const { err } = require('./errors');
const { parseJson } = require('./db');
const { createRateLimit } = require('./rate-limit');
const v = require('./validate');

function messageJson(row) {
  const m = { id: row.client_id, seq: row.seq, from: row.sender, text: row.text, time: row.time, kind: row.kind };
  if (row.agent_name) m.agent = row.agent_name;
  if (row.kind === 'call') m.call = parseJson(row.call_json, null);
  return m;
}

function createConversations({ db, sockets, config, team = null }) {
  const visitorLimit = createRateLimit({ max: config.rate.messages, windowMs: config.rate.messagesWindowMs });
  const agentLimit = createRateLimit({ max: config.rate.messages * 3, windowMs: config.rate.messagesWindowMs });
  // Order survives a refusal: once a visitor's message is refused for the rate, that visitor's other new
  // messages are refused too until the refused one comes back (or two windows pass), so a message written
  // after it can never be stored before it when the window frees up in between.
  const heldBehind = new Map(); // visitorId -> { id, until }

  function profile(visitor) {
    return {
      visitorId: visitor.id,
      name: visitor.name,
      email: visitor.email,
      phone: visitor.phone,
      attrs: parseJson(visitor.attrs, {}),
    };
  }

  function summary(visitorOrId) {
    const visitor = typeof visitorOrId === 'string' ? db.visitorById(visitorOrId) : visitorOrId;
    if (!visitor) return null;
    const last = db.lastMessage(visitor.id);
    const s = {
      id: visitor.id,
      name: visitor.name,
      online: sockets.isVisitorOnline(visitor.id),
      unread: db.unreadForAgent(visitor.id),
      visitorReadSeq: db.reads(visitor.id).visitor,
      lastSeen: visitor.last_seen,
      email: visitor.email,
      phone: visitor.phone,
      attrs: parseJson(visitor.attrs, {}),
      // { group, assignee, status: open | closed }, or null before the first message (team.js).
      conversation: team ? team.info(visitor.id) : null,
      // *(added)* left an e-mail or phone number while nobody could answer (留言), not answered since.
      contactLeft: visitor.contact_left ? { time: visitor.contact_left, reason: visitor.contact_reason } : null,
    };
    if (last) s.lastMessage = messageJson(last);
    return s;
  }

  const activity = (s) => Math.max(s.lastSeen, s.lastMessage ? s.lastMessage.time : 0);

  // Visitors with a conversation, plus visitors online right now; most recent first.
  function summaries(limit = 200) {
    const ids = new Set(db.recentConversations(limit).map((r) => r.visitor_id));
    for (const id of sockets.onlineVisitorIds()) ids.add(id);
    return [...ids]
      .map((id) => summary(id))
      .filter(Boolean)
      .sort((a, b) => activity(b) - activity(a))
      .slice(0, limit);
  }

  function lastSeq(visitorId) {
    const last = db.lastMessage(visitorId);
    return last ? last.seq : 0;
  }

  function ackOf(row) {
    return { id: row.client_id, seq: row.seq, time: row.time };
  }

  // A visitor's message (socket or HTTP). Returns the ack; a resent id gets the first ack again.
  function postVisitorMessage(visitor, data, origin) {
    const id = v.clientId(data.id);
    const existing = db.messageByClientId(visitor.id, id);
    if (existing) {
      if (existing.sender !== 'visitor') throw err('conflict', 'This id is already used in the conversation');
      return ackOf(existing);
    }
    const text = v.messageText(data.text);
    const now = Date.now();
    const held = heldBehind.get(visitor.id);
    if (held && (held.until <= now || held.id === id)) heldBehind.delete(visitor.id);
    else if (held) throw err('rate_limited', 'Too many messages, please slow down');
    if (!visitorLimit.hit(visitor.id)) {
      if (heldBehind.size > 100000) heldBehind.clear(); // bounded: a lost hold only costs the ordering guarantee
      heldBehind.set(visitor.id, { id, until: now + 2 * config.rate.messagesWindowMs });
      throw err('rate_limited', 'Too many messages, please slow down');
    }
    const { row, created } = db.insertMessage({ visitorId: visitor.id, clientId: id, sender: 'visitor', text, time: now });
    if (created) {
      db.touchVisitor(visitor.id, now);
      if (team) team.afterVisitorMessage(visitor.id);
      const msg = messageJson(row);
      sockets.toVisitor(visitor.id, 'message', msg, origin);
      sockets.toAgents('message', { ...msg, visitorId: visitor.id });
      sockets.toAgents('visitor', summary(visitor.id));
    }
    return ackOf(row);
  }

  // An agent's reply. Returns the ack (with visitorId).
  function postAgentMessage(agent, data, origin) {
    const visitorId = data.visitorId;
    if (typeof visitorId !== 'string' || !db.visitorById(visitorId)) throw err('not_found', 'Unknown visitor');
    const id = v.clientId(data.id);
    const existing = db.messageByClientId(visitorId, id);
    if (existing) {
      if (existing.sender !== 'agent') throw err('conflict', 'This id is already used in the conversation');
      return { visitorId, ...ackOf(existing) };
    }
    const text = v.messageText(data.text);
    if (!agentLimit.hit(agent.id)) throw err('rate_limited', 'Too many messages, please slow down');
    const { row, created } = db.insertMessage({
      visitorId, clientId: id, sender: 'agent', text, time: Date.now(), agentName: agent.name,
    });
    if (created) {
      if (team) team.afterAgentReply(agent, visitorId);
      const msg = messageJson(row);
      sockets.toVisitor(visitorId, 'message', msg);
      sockets.toAgents('message', { ...msg, visitorId }, origin);
      markAgentRead(agent, visitorId, row.seq);
    }
    return { visitorId, ...ackOf(row) };
  }

  // A server-side line (call records). Stored once per client id.
  function postSystemMessage(visitorId, clientId, text, { kind = 'text', call } = {}) {
    const { row, created } = db.insertMessage({
      visitorId, clientId, sender: 'system', text, time: Date.now(), kind, callJson: call ? JSON.stringify(call) : null,
    });
    if (created) {
      const msg = messageJson(row);
      sockets.toVisitor(visitorId, 'message', msg);
      sockets.toAgents('message', { ...msg, visitorId });
      sockets.toAgents('visitor', summary(visitorId));
    }
    return row;
  }

  function clampSeq(visitorId, value) {
    const seq = v.seqParam(value, 'seq');
    if (seq === undefined) throw err('bad_request', 'seq is required');
    return Math.min(seq, lastSeq(visitorId));
  }

  function markVisitorRead(visitor, value, origin) {
    const seq = clampSeq(visitor.id, value);
    const before = db.reads(visitor.id).visitor;
    if (seq <= before) return;
    db.markVisitorRead(visitor.id, seq);
    sockets.toVisitor(visitor.id, 'read', { by: 'visitor', seq }, origin);
    sockets.toAgents('read', { visitorId: visitor.id, by: 'visitor', seq });
  }

  function markAgentRead(agent, visitorId, value, origin) {
    if (typeof visitorId !== 'string' || !db.visitorById(visitorId)) throw err('not_found', 'Unknown visitor');
    const seq = clampSeq(visitorId, value);
    const before = db.reads(visitorId).agent;
    if (seq <= before) return;
    db.markAgentRead(visitorId, seq);
    sockets.toVisitor(visitorId, 'read', { by: 'agent', seq });
    sockets.toAgents('read', { visitorId, by: 'agent', seq }, origin);
    sockets.toAgents('visitor', summary(visitorId));
  }

  function history(visitorId, query) {
    const { rows, hasMore } = db.page(visitorId, v.pageQuery(query));
    return { messages: rows.map(messageJson), hasMore };
  }

  function sweep() {
    visitorLimit.sweep();
    agentLimit.sweep();
  }

  return {
    profile, summary, summaries, lastSeq, history, sweep,
    postVisitorMessage, postAgentMessage, postSystemMessage, markVisitorRead, markAgentRead,
  };
}

module.exports = { createConversations, messageJson };
