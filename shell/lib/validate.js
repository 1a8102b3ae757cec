'use strict';
// Input checks shared by the HTTP API and the WebSocket hub. They throw ApiError, never truncate.
const { err } = require('./errors');

const MAX_TEXT_CHARS = 2000;
const MAX_TEXT_BYTES = 8192;
const MAX_FIELD_CHARS = 200;
const MAX_ID_CHARS = 100;
const MAX_ATTRS = 50;
const MAX_PAGE = 100;
const DEFAULT_PAGE = 50;

const codePoints = (s) => {
  let n = 0;
  for (const _ of s) n++; // eslint-disable-line no-unused-vars
  return n;
};

// A lone UTF-16 surrogate (sent as a JSON escape such as "\ud800") cannot be stored as UTF-8: SQLite
// would keep U+FFFD while the sender and the fan-out still had the original, and two such ids would
// collide. Every string of a body or frame, keys included, must be well-formed; else bad_request.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const wellFormedString = (s) => (typeof s.isWellFormed === 'function' ? s.isWellFormed() : !LONE_SURROGATE.test(s));

function wellFormed(value) {
  const stack = [value];
  while (stack.length) {
    const x = stack.pop();
    if (typeof x === 'string') {
      if (!wellFormedString(x)) throw err('bad_request', 'Text contains a lone surrogate (not valid Unicode)');
    } else if (x && typeof x === 'object') {
      for (const k of Object.keys(x)) stack.push(k, x[k]);
    }
  }
  return value;
}

// Server-made message ids (call_<callId> history lines; sys_ kept for later ones): no client may use them.
const SERVER_ID_PREFIXES = ['call_', 'sys_'];

function messageText(value) {
  if (typeof value !== 'string') throw err('bad_request', 'text must be a string');
  const text = value.trim();
  if (!text) throw err('bad_request', 'text is empty');
  if (codePoints(text) > MAX_TEXT_CHARS || Buffer.byteLength(text, 'utf8') > MAX_TEXT_BYTES) {
    throw err('too_long', `text is longer than ${MAX_TEXT_CHARS} characters`);
  }
  return text;
}

function clientId(value) {
  if (typeof value !== 'string' || !value || value.length > MAX_ID_CHARS || /[\u0000-\u001f]/.test(value)) {
    throw err('bad_request', `id must be a non-empty string of at most ${MAX_ID_CHARS} characters`);
  }
  if (SERVER_ID_PREFIXES.some((p) => value.startsWith(p))) {
    throw err('bad_request', `ids starting with ${SERVER_ID_PREFIXES.join(' or ')} are the server's`);
  }
  wellFormed(value);
  return value;
}

function optionalField(body, key) {
  const v = body[key];
  if (v === undefined) return undefined;
  if (v === null) return '';
  if (typeof v !== 'string') throw err('bad_request', `${key} must be a string`);
  const s = v.trim();
  if (codePoints(s) > MAX_FIELD_CHARS) throw err('too_long', `${key} is longer than ${MAX_FIELD_CHARS} characters`);
  return s;
}

function attrs(value) {
  if (value === undefined) return undefined;
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw err('bad_request', 'attrs must be an object');
  const keys = Object.keys(value);
  if (keys.length > MAX_ATTRS) throw err('too_large', `attrs has more than ${MAX_ATTRS} keys`);
  const out = {};
  for (const k of keys) {
    if (k.length > 64) throw err('bad_request', 'attrs keys are at most 64 characters');
    const v = value[k];
    if (v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) out[k] = v;
    else if (typeof v === 'string') {
      if (codePoints(v) > MAX_FIELD_CHARS) throw err('too_long', `attrs.${k} is longer than ${MAX_FIELD_CHARS} characters`);
      out[k] = v;
    } else throw err('bad_request', `attrs.${k} must be a string, number, boolean or null`);
  }
  return out;
}

function body(req) {
  const b = req.body;
  if (b === undefined || b === null) return {};
  if (typeof b !== 'object' || Array.isArray(b)) throw err('bad_request', 'Body must be a JSON object');
  return wellFormed(b);
}

// PeerJS's own id rule (stock peerjs refuses anything else), with the same length cap as client ids.
const PEER_ID = /^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/;
const isPeerId = (value) => typeof value === 'string' && value.length <= MAX_ID_CHARS && PEER_ID.test(value);

function seqParam(value, name) {
  if (value === undefined || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw err('bad_request', `${name} must be a non-negative integer`);
  return n;
}

function pageQuery(query) {
  const before = seqParam(query.before, 'before');
  const after = seqParam(query.after, 'after');
  if (before !== undefined && after !== undefined) throw err('bad_request', 'use either before or after');
  let limit = DEFAULT_PAGE;
  if (query.limit !== undefined) {
    limit = Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw err('bad_request', `limit must be 1..${MAX_PAGE}`);
  }
  return { before, after, limit };
}

module.exports = {
  messageText, clientId, optionalField, attrs, body, seqParam, pageQuery, codePoints, isPeerId, wellFormed,
  SERVER_ID_PREFIXES,
  MAX_TEXT_CHARS, MAX_TEXT_BYTES, MAX_PAGE,
};
