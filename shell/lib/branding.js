'use strict';
// Branding an admin sets (docs/PROTOCOL.md §3 "Branding"): the primary colour, the launcher's label,
// welcome and away texts per language (site-wide, and per group), and the launcher's offsets.
const { err } = require('./errors');

const HEX = /^#[0-9a-fA-F]{6}$/;
const LANG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/;
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const MIN_CONTRAST = 4.5;

// WCAG 2 relative luminance and the contrast of white text on `hex`.
function luminance(hex) {
  const ch = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
}
const contrastWithWhite = (hex) => 1.05 / (luminance(hex) + 0.05);

function primaryColour(x) {
  if (x === null) return null;
  if (typeof x !== 'string' || !HEX.test(x)) throw err('bad_request', 'primary must be a colour like #2f7d4f');
  const ratio = contrastWithWhite(x);
  if (ratio < MIN_CONTRAST) {
    throw err('bad_request', `primary ${x} has a contrast of ${ratio.toFixed(2)}:1 with white text; at least ${MIN_CONTRAST}:1 is needed (choose a darker colour)`);
  }
  return x.toLowerCase();
}

// { "zh-CN": "…", "en": "…" }: at most 8 languages, each text 1..max characters, no control characters
// (newlines allowed) and no bidi overrides.
function texts(x, field, max) {
  if (x === null || x === undefined) return {};
  if (typeof x !== 'object' || Array.isArray(x)) throw err('bad_request', `${field} must be an object of language → text`);
  const keys = Object.keys(x);
  if (keys.length > 8) throw err('bad_request', `${field}: at most 8 languages`);
  const out = {};
  for (const k of keys) {
    if (!LANG.test(k)) throw err('bad_request', `${field}: ${k.slice(0, 20)} is not a language tag such as zh-CN or en`);
    const t = x[k];
    if (typeof t !== 'string' || CONTROL.test(t)) throw err('bad_request', `${field}.${k} must be text without control characters`);
    const s = t.trim();
    if ([...s].length > max) throw err('too_long', `${field}.${k} is longer than ${max} characters`);
    if (s) out[k] = s;
  }
  return out;
}

function offset(x, field) {
  if (!Number.isInteger(x) || x < 0 || x > 400) throw err('bad_request', `${field} must be a whole number of pixels, 0 to 400`);
  return x;
}

const DEFAULT_BRANDING = { primary: null, launcher: {}, welcome: {}, away: {}, offsetX: 20, offsetY: 20 };

// A whole branding object (PUT /api/admin/branding); fields left out keep `current`.
function normalizeBranding(b, current = DEFAULT_BRANDING) {
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw err('bad_request', 'branding must be an object');
  const known = Object.keys(DEFAULT_BRANDING);
  const unknown = Object.keys(b).find((k) => !known.includes(k));
  if (unknown !== undefined) throw err('bad_request', `Unknown branding field: ${unknown.slice(0, 40)}`);
  const out = { ...DEFAULT_BRANDING, ...current };
  if (b.primary !== undefined) out.primary = primaryColour(b.primary);
  if (b.launcher !== undefined) out.launcher = texts(b.launcher, 'launcher', 20);
  if (b.welcome !== undefined) out.welcome = texts(b.welcome, 'welcome', 500);
  if (b.away !== undefined) out.away = texts(b.away, 'away', 500);
  if (b.offsetX !== undefined) out.offsetX = offset(b.offsetX, 'offsetX');
  if (b.offsetY !== undefined) out.offsetY = offset(b.offsetY, 'offsetY');
  return out;
}

// A group's own texts (PUT /api/admin/groups/:id/texts): { welcome?, away? }.
function normalizeGroupTexts(b) {
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw err('bad_request', 'texts must be an object {welcome, away}');
  const unknown = Object.keys(b).find((k) => k !== 'welcome' && k !== 'away');
  if (unknown !== undefined) throw err('bad_request', `Unknown field: ${unknown.slice(0, 40)}`);
  return { welcome: texts(b.welcome, 'welcome', 500), away: texts(b.away, 'away', 500) };
}

module.exports = { contrastWithWhite, primaryColour, normalizeBranding, normalizeGroupTexts, DEFAULT_BRANDING, MIN_CONTRAST };
