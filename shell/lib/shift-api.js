'use strict';
// Agent endpoints for a working shift: internal notes, search across conversations, canned replies.
// Every route needs an agent token; nothing here is reachable with a visitor's (docs/PROTOCOL.md §4.5).
const express = require('express');
const { err } = require('./errors');
const { messageJson } = require('./conversation');
const v = require('./validate');

const MAX_QUERY_CHARS = 100;
const MAX_TITLE_CHARS = 60;

function noteJson(row) {
  return { id: row.id, visitorId: row.visitor_id, agentId: row.agent_id, agent: row.agent_name, text: row.text, time: row.time };
}

function cannedJson(row) {
  return { id: row.id, group: row.group_id, title: row.title, text: row.text };
}

function createShiftApi({ db, auth, conversation, sockets }) {
  const router = express.Router();
  const visitorOf = (id) => {
    const visitor = typeof id === 'string' ? db.visitorById(id) : null;
    if (!visitor) throw err('not_found', 'Unknown visitor');
    return visitor;
  };

  router.get('/api/agent/visitors/:id/notes', auth.requireAgent, (req, res) => {
    const visitor = visitorOf(req.params.id);
    res.json({ notes: db.notes(visitor.id).map(noteJson) });
  });

  // A note goes to the agent sockets only (frame `note`), never to the visitor's.
  router.post('/api/agent/visitors/:id/notes', auth.requireAgent, (req, res) => {
    const visitor = visitorOf(req.params.id);
    const body = v.wellFormed(v.body(req));
    const text = v.messageText(body.text);
    const row = db.insertNote({ visitorId: visitor.id, agentId: req.agent.id, agentName: req.agent.name, text, time: Date.now() });
    const note = noteJson(row);
    sockets.toAgents('note', note);
    res.status(201).json({ note });
  });

  // Messages by text, visitors by name, e-mail or phone.
  router.get('/api/agent/search', auth.requireAgent, (req, res) => {
    const raw = req.query.q;
    if (typeof raw !== 'string') throw err('bad_request', 'q is required');
    const text = v.wellFormed(raw).trim();
    if (!text) throw err('bad_request', 'q is empty');
    // FTS5 reads a NUL as the end of the query string (a 500 before); a search box sends no control characters.
    if (/[\u0000-\u001f\u007f]/.test(text)) throw err('bad_request', 'q contains control characters');
    if (v.codePoints(text) > MAX_QUERY_CHARS) throw err('too_long', `q is longer than ${MAX_QUERY_CHARS} characters`);
    const names = new Map();
    const nameOf = (id) => {
      if (!names.has(id)) {
        const row = db.visitorById(id);
        names.set(id, row ? row.name : '');
      }
      return names.get(id);
    };
    const messages = db.searchMessages(text).map((row) => ({ ...messageJson(row), visitorId: row.visitor_id, name: nameOf(row.visitor_id) }));
    const visitors = db.searchVisitors(text).map((id) => conversation.summary(id)).filter(Boolean);
    res.json({ query: text, messages, visitors });
  });

  // The agent's groups' replies and the shared ones (group '').
  const mayUse = (agent, group) => group === '' || db.groupsOf(agent.id).includes(group);

  router.get('/api/agent/canned', auth.requireAgent, (req, res) => {
    res.json({ replies: db.cannedReplies().filter((r) => mayUse(req.agent, r.group_id)).map(cannedJson) });
  });

  router.post('/api/agent/canned', auth.requireAgent, (req, res) => {
    const body = v.wellFormed(v.body(req));
    const text = v.messageText(body.text);
    const title = typeof body.title === 'string' ? body.title.trim() : '';
    if (!title || v.codePoints(title) > MAX_TITLE_CHARS) throw err('bad_request', `title must be 1 to ${MAX_TITLE_CHARS} characters`);
    const group = body.group === undefined || body.group === null ? '' : body.group;
    if (typeof group !== 'string' || (group && !db.groupById(group))) throw err('bad_request', 'Unknown group');
    if (!mayUse(req.agent, group) && req.agent.role !== 'admin') throw err('forbidden', 'Not a member of this group');
    res.status(201).json({ reply: cannedJson(db.insertCanned(group, title, text, Date.now())) });
  });

  router.delete('/api/agent/canned/:id', auth.requireAgent, (req, res) => {
    const row = db.cannedById(Number(req.params.id));
    if (!row) throw err('not_found', 'Unknown canned reply');
    if (!mayUse(req.agent, row.group_id) && req.agent.role !== 'admin') throw err('forbidden', 'Not a member of this group');
    db.deleteCanned(row.id);
    res.json({ ok: true });
  });

  return router;
}

module.exports = { createShiftApi };
