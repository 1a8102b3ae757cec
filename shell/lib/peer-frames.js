'use strict';
// Checks one text frame a PeerJS client sent, before the stock server parses it. The stock server
// relays any JSON it can parse and later fails in JSON.stringify on a payload nested thousands deep,
// closing the *recipient's* socket; so the nesting is measured on the raw text, without recursion.
const { ID_RE } = require('./peer-credentials');

const CLIENT_TYPES = new Set(['HEARTBEAT', 'OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE']);

// Deepest nesting of objects/arrays in a JSON text; strings (and their escapes) do not count.
function jsonDepth(text) {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) {
      inString = true;
    } else if (c === 123 || c === 91) {
      if (++depth > max) max = depth;
    } else if (c === 125 || c === 93) {
      depth--;
    }
  }
  return max;
}

// -> {ok:true, type, dst, frame} or {ok:false, reason}
function checkClientFrame(raw, isBinary, { maxBytes, maxDepth }) {
  if (isBinary) return { ok: false, reason: 'binary frame' };
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw);
  if (Buffer.byteLength(text, 'utf8') > maxBytes) return { ok: false, reason: 'frame too large' };
  if (jsonDepth(text) > maxDepth) return { ok: false, reason: 'frame nested too deep' };
  let frame;
  try {
    frame = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (!frame || typeof frame !== 'object' || Array.isArray(frame)) return { ok: false, reason: 'not an object' };
  const type = frame.type;
  if (typeof type !== 'string' || !CLIENT_TYPES.has(type)) return { ok: false, reason: 'unknown type' };
  if (type === 'HEARTBEAT') return { ok: true, type, dst: null, text };
  // A LEAVE without dst would make the stock server drop the sender's registration while our socket
  // stays open, and frames for that id would then queue past the gate's limits. No client of ours sends
  // one (peerjs and the widget always name dst): refuse it like any other malformed frame.
  if (typeof frame.dst !== 'string' || !ID_RE.test(frame.dst) || frame.dst.length > 100) return { ok: false, reason: 'bad dst' };
  if (type !== 'LEAVE' && (!frame.payload || typeof frame.payload !== 'object' || Array.isArray(frame.payload))) {
    return { ok: false, reason: 'bad payload' };
  }
  return { ok: true, type, dst: frame.dst, text };
}

module.exports = { checkClientFrame, jsonDepth, CLIENT_TYPES };
