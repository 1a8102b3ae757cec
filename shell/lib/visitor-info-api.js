'use strict';
// GET /api/agent/visitors/:id/info: what the console's visitor panel shows (docs/PROTOCOL.md §3):
// the page the visitor is on, the pages before it, browser facts, first seen, visits, earlier
// conversations. Agent token only.
const express = require('express');
const { err } = require('./errors');
const { VISIT_GAP_MS } = require('./db-pages');

function createVisitorInfoApi({ db, auth, sockets }) {
  const router = express.Router();
  router.get('/api/agent/visitors/:id/info', auth.requireAgent, (req, res) => {
    const visitor = typeof req.params.id === 'string' ? db.visitorById(req.params.id) : null;
    if (!visitor) throw err('not_found', 'Unknown visitor');
    const env = db.visitorEnv(visitor.id);
    const pages = db.pageViews(visitor.id, 20);
    const sessions = db.messageSessions(visitor.id);
    const now = Date.now();
    res.json({
      visitorId: visitor.id,
      online: sockets.isVisitorOnline(visitor.id),
      page: pages[0] || null,
      pages,
      referrer: env ? env.referrer : '',
      browser: env ? env.browser : '',
      os: env ? env.os : '',
      lang: (env && env.lang) || '',
      tz: env ? env.tz : '',
      tzOffset: env ? env.tz_offset : null,
      firstSeen: visitor.created,
      lastSeen: visitor.last_seen,
      visits: env ? env.visits : 0,
      // Newest first; `current`: still going on (the console shows the others as earlier ones).
      conversations: sessions.slice(0, 20).map((c) => ({ ...c, current: now - c.end < VISIT_GAP_MS })),
    });
  });
  return router;
}

module.exports = { createVisitorInfoApi };
