'use strict';
// Business hours: a weekly schedule in a time zone. docs/PROTOCOL.md §3 "Business hours".
//   { "tz": "Asia/Shanghai", "days": { "mon": [["09:00","18:00"]], …, "sun": [] } }
// A day without intervals is closed. An interval whose end is not after its start runs past midnight
// into the next day ("22:00"–"02:00"); "24:00" ends at midnight. null means always open.
const { err } = require('./errors');

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;
const MAX_PER_DAY = 4;

const minutes = (t) => (t === '24:00' ? 1440 : Number(t.slice(0, 2)) * 60 + Number(t.slice(3)));

const formatters = new Map(); // time zone -> Intl.DateTimeFormat (making one costs ~50 µs)
function formatter(tz) {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    if (formatters.size > 500) formatters.clear();
    formatters.set(tz, f);
  }
  return f;
}

function validTimeZone(tz) {
  if (typeof tz !== 'string' || !tz || tz.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(tz)) return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

// Checks an admin's schedule; returns a clean copy (only known keys) or throws bad_request.
function normalizeSchedule(s) {
  if (s === null) return null;
  if (!s || typeof s !== 'object' || Array.isArray(s)) throw err('bad_request', 'hours must be an object {tz, days} or null');
  if (!validTimeZone(s.tz)) throw err('bad_request', 'hours.tz must be an IANA time zone such as Asia/Shanghai');
  const days = s.days;
  if (!days || typeof days !== 'object' || Array.isArray(days)) throw err('bad_request', 'hours.days must be an object of mon…sun');
  const out = { tz: s.tz, days: {} };
  for (const k of Object.keys(days)) {
    if (!DAYS.includes(k)) throw err('bad_request', `Unknown day in hours.days: ${String(k).slice(0, 10)} (use mon…sun)`);
  }
  for (const d of DAYS) {
    const list = days[d] === undefined ? [] : days[d];
    if (!Array.isArray(list) || list.length > MAX_PER_DAY) throw err('bad_request', `hours.days.${d} must be a list of at most ${MAX_PER_DAY} ["HH:MM","HH:MM"] pairs`);
    out.days[d] = list.map((iv) => {
      if (!Array.isArray(iv) || iv.length !== 2 || !iv.every((t) => typeof t === 'string' && TIME.test(t))) {
        throw err('bad_request', `hours.days.${d}: each interval is ["HH:MM","HH:MM"] (00:00 to 24:00)`);
      }
      if (iv[0] === iv[1] || iv[0] === '24:00') throw err('bad_request', `hours.days.${d}: an interval must not be empty`);
      return [iv[0], iv[1]];
    });
  }
  return out;
}

// The weekday (0 = Sunday) and minute of the day at `nowMs` in `tz`.
function localTime(tz, nowMs) {
  const parts = formatter(tz).formatToParts(new Date(nowMs));
  const get = (t) => (parts.find((p) => p.type === t) || {}).value;
  const day = DAYS.indexOf(String(get('weekday')).slice(0, 3).toLowerCase());
  return { day, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

function isOpen(schedule, nowMs = Date.now()) {
  if (!schedule) return true;
  let t;
  try {
    t = localTime(schedule.tz, nowMs);
  } catch {
    return true; // a zone this Node no longer knows: never lock everyone out
  }
  const today = schedule.days[DAYS[t.day]] || [];
  const yesterday = schedule.days[DAYS[(t.day + 6) % 7]] || [];
  for (const [a, b] of today) {
    const s = minutes(a);
    const e = minutes(b);
    if (e > s ? t.minute >= s && t.minute < e : t.minute >= s) return true;
  }
  // Yesterday's intervals that run past midnight.
  for (const [a, b] of yesterday) {
    const s = minutes(a);
    const e = minutes(b);
    if (e <= s && t.minute < e) return true;
  }
  return false;
}

module.exports = { normalizeSchedule, isOpen, validTimeZone, DAYS };
