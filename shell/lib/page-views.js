'use strict';
// The widget's page view report (visitor frame `page`, docs/PROTOCOL.md §4): checked like every frame
// (types, lengths, http/https URLs only), stored (db-pages.js), and passed to the agents as `page`.
// Browser and OS come from the socket's User-Agent header, not from the frame.
const { err } = require('./errors');
const { createRateLimit } = require('./rate-limit');
const { browserOf } = require('./user-agent');

const MAX_URL = 2048;
const MAX_TITLE = 300;
const LANG = /^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8}){0,4}$/;
const TZ = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){0,3}$/;

// A page address as the visitor's browser showed it: absolute http(s) only (no javascript:, data:,
// file: …), without credentials and without the fragment.
function pageUrl(value, name, { optional = false } = {}) {
  if (value === undefined || value === '') {
    if (optional) return '';
    throw err('bad_request', `"${name}" is required`);
  }
  if (typeof value !== 'string' || value.length > MAX_URL) throw err('bad_request', `"${name}" must be a URL of at most ${MAX_URL} characters`);
  let u;
  try {
    u = new URL(value);
  } catch {
    throw err('bad_request', `"${name}" is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw err('bad_request', `"${name}" must be an http or https URL`);
  u.username = '';
  u.password = '';
  u.hash = '';
  return u.href.slice(0, MAX_URL);
}

function optionalMatch(value, name, re, max) {
  if (value === undefined || value === '') return '';
  if (typeof value !== 'string' || value.length > max || !re.test(value)) throw err('bad_request', `"${name}" is not valid`);
  return value;
}

// The checked page view, or a bad_request error naming the field.
function checkPage(data) {
  const title = data.title === undefined ? '' : data.title;
  if (typeof title !== 'string') throw err('bad_request', '"title" must be a string');
  let tzOffset = null;
  if (data.tzOffset !== undefined) {
    if (!Number.isInteger(data.tzOffset) || Math.abs(data.tzOffset) > 16 * 60) throw err('bad_request', '"tzOffset" must be whole minutes within ±16 h');
    tzOffset = data.tzOffset;
  }
  return {
    url: pageUrl(data.url, 'url'),
    // Control characters (newlines, bidi overrides stay: the console isolates them) are spaces.
    title: [...title.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()].slice(0, MAX_TITLE).join(''),
    referrer: pageUrl(data.referrer, 'referrer', { optional: true }),
    lang: optionalMatch(data.lang, 'lang', LANG, 35),
    tz: optionalMatch(data.tz, 'tz', TZ, 64),
    tzOffset,
  };
}

function createPageViews({ db, sockets, rate = { max: 30, windowMs: 60000 } }) {
  const limit = createRateLimit(rate);
  const sweeper = setInterval(() => limit.sweep(), 60000);
  sweeper.unref();
  return {
    // A `page` frame of the visitor socket `ws` (its User-Agent header kept at the upgrade).
    report(ws, data) {
      const page = checkPage(data);
      if (!limit.hit(ws.visitor.id)) throw err('rate_limited', 'Too many page views');
      const time = Date.now();
      const { browser, os } = browserOf(ws.userAgent || '');
      const stored = db.recordPage({ visitorId: ws.visitor.id, time, browser, os, ...page });
      if (stored) sockets.toAgents('page', { visitorId: ws.visitor.id, url: page.url, title: page.title, time });
    },
    close: () => clearInterval(sweeper),
  };
}

module.exports = { createPageViews, checkPage, MAX_URL, MAX_TITLE };
