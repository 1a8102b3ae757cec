'use strict';
// Endpoints for business hours, branding and contacts left while nobody can answer (留言):
//   POST /api/visitors/me/contact                 the visitor leaves an e-mail or phone number
//   GET/PUT /api/admin/hours, PUT /api/admin/groups/:id/hours
//   GET/PUT /api/admin/branding, PUT /api/admin/groups/:id/texts
// docs/PROTOCOL.md §3 "Business hours, branding and 留言".
const express = require('express');
const { err } = require('./errors');
const { newId } = require('./auth');
const { parseJson } = require('./db');
const { createRateLimit } = require('./rate-limit');
const { normalizeSchedule } = require('./hours');
const { normalizeBranding, normalizeGroupTexts } = require('./branding');
const v = require('./validate');

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/;
// A practical address check (not RFC 5322): one @, a local part without spaces, quotes or brackets,
// a domain of dot-separated labels (letters of any script) and a top-level label of letters.
const EMAIL = /^[^\s@<>()[\]\\,;:"']{1,64}@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+\p{L}{2,63}$/u;
const PHONE = /^\+?[0-9][0-9 ().-]{3,28}[0-9]$/;

function email(x) {
  if (x === undefined || x === null || x === '') return '';
  if (typeof x !== 'string') throw err('bad_request', 'email must be a string');
  const s = x.trim();
  if (s.length > 254 || CONTROL.test(s) || !EMAIL.test(s)) throw err('bad_request', 'email is not an e-mail address such as name@example.com');
  return s;
}
function phone(x) {
  if (x === undefined || x === null || x === '') return '';
  if (typeof x !== 'string') throw err('bad_request', 'phone must be a string');
  const s = x.trim();
  const digits = s.replace(/\D/g, '').length;
  if (s.length > 30 || !PHONE.test(s) || digits < 5 || digits > 15) {
    throw err('bad_request', 'phone is not a phone number (5 to 15 digits, optionally +, spaces, dashes, brackets)');
  }
  return s;
}

const zh = (lang) => /^zh/i.test(lang || '');

function createAwayApi({ db, auth, conversation, sockets, team }) {
  const router = express.Router();
  const admin = auth.requireAdmin;
  const contactLimit = createRateLimit({ max: 5, windowMs: 60000 });

  router.post('/api/visitors/me/contact', auth.requireVisitor, (req, res) => {
    const b = v.body(req);
    const unknown = Object.keys(b).find((k) => !['email', 'phone', 'message'].includes(k));
    if (unknown !== undefined) throw err('bad_request', `Unknown field: ${unknown.slice(0, 40)}`);
    const contact = { email: email(b.email), phone: phone(b.phone) };
    if (!contact.email && !contact.phone) throw err('bad_request', 'Give an e-mail address or a phone number');
    const message = b.message === undefined || b.message === '' ? null : v.messageText(b.message);
    const visitor = req.visitor;
    if (!contactLimit.hit(visitor.id)) throw err('rate_limited', 'Too many contact forms, please wait a minute');
    const group = team.visitorGroup(visitor.id);
    const reason = team.unavailable(group) || 'contact';
    db.setVisitorContact({ id: visitor.id, email: contact.email || visitor.email, phone: contact.phone || visitor.phone, time: Date.now(), reason });
    if (message) conversation.postVisitorMessage(db.visitorById(visitor.id), { id: newId('leave_'), text: message }, null);
    // The conversation waits for the team, unassigned, even when the visitor wrote nothing else.
    const conv = db.conversation(visitor.id);
    if (!conv || conv.status === 'closed') db.saveConversation({ visitorId: visitor.id, group: conv ? conv.group : group, assignee: null, status: 'open' });
    const lang = parseJson(visitor.attrs, {}).lang;
    const shown = [contact.email, contact.phone].filter(Boolean).join(zh(lang) ? '、' : ', ');
    conversation.postSystemMessage(visitor.id, newId('sys_contact_'), zh(lang)
      ? `已收到您的联系方式（${shown}），我们会尽快联系您。`
      : `Thank you: we have your contact details (${shown}) and will get back to you soon.`);
    sockets.toAgents('visitor', conversation.summary(visitor.id));
    res.status(201).json({ ...conversation.profile(db.visitorById(visitor.id)), contactLeft: { reason } });
  });

  const needGroup = (id) => {
    if (!db.groupById(id)) throw err('not_found', 'Unknown group');
    return id;
  };
  const changed = () => sockets.events.emit('availability');

  // ---- business hours ----
  const hoursJson = () => ({
    hours: team.away.siteHours(),
    groups: Object.fromEntries(db.allGroupAway().map((g) => [g.id, g.hours])),
  });
  router.get('/api/admin/hours', admin, (req, res) => res.json(hoursJson()));
  router.put('/api/admin/hours', admin, (req, res) => {
    const b = v.body(req);
    if (!('hours' in b)) throw err('bad_request', 'hours is required (a schedule, or null for always open)');
    db.putSetting('hours', JSON.stringify(normalizeSchedule(b.hours)));
    changed();
    res.json(hoursJson());
  });
  router.put('/api/admin/groups/:id/hours', admin, (req, res) => {
    const id = needGroup(req.params.id);
    const b = v.body(req);
    if (!('hours' in b)) throw err('bad_request', "hours is required (a schedule, or null for the site's)");
    db.setGroupHours(id, normalizeSchedule(b.hours));
    changed();
    res.json(hoursJson());
  });

  // ---- branding ----
  const brandingJson = () => ({
    branding: team.away.siteBranding(),
    groups: Object.fromEntries(db.allGroupAway().map((g) => [g.id, g.texts || { welcome: {}, away: {} }])),
  });
  router.get('/api/admin/branding', admin, (req, res) => res.json(brandingJson()));
  router.put('/api/admin/branding', admin, (req, res) => {
    const next = normalizeBranding(v.body(req), team.away.siteBranding());
    db.putSetting('branding', JSON.stringify(next));
    res.json(brandingJson());
  });
  router.put('/api/admin/groups/:id/texts', admin, (req, res) => {
    const id = needGroup(req.params.id);
    db.setGroupTexts(id, normalizeGroupTexts(v.body(req)));
    res.json(brandingJson());
  });

  return router;
}

module.exports = { createAwayApi, email, phone };
