'use strict';
// Business hours on their own (shell/lib/hours.js): time zones, day wrap, the checks on a schedule.
const test = require('node:test');
const assert = require('node:assert/strict');
const { isOpen, normalizeSchedule } = require('../../shell/lib/hours.js');

const week = (intervals, tz = 'Asia/Shanghai') => normalizeSchedule({
  tz, days: { mon: intervals, tue: intervals, wed: intervals, thu: intervals, fri: intervals },
});
const at = (iso) => Date.parse(iso);

test('a weekday schedule in Asia/Shanghai: open 09:00–18:00 Beijing time, closed at night and at weekends', () => {
  const s = week([['09:00', '18:00']]);
  // Monday 2026-11-30 09:00 in Shanghai is 01:00 UTC.
  assert.equal(isOpen(s, at('2026-11-30T00:59:00Z')), false, '08:59 Beijing');
  assert.equal(isOpen(s, at('2026-11-30T01:00:00Z')), true, '09:00 Beijing');
  assert.equal(isOpen(s, at('2026-11-30T09:59:00Z')), true, '17:59 Beijing');
  assert.equal(isOpen(s, at('2026-11-30T10:00:00Z')), false, '18:00 Beijing');
  // Saturday noon in Shanghai, although it is still Friday in UTC−8.
  assert.equal(isOpen(s, at('2026-12-05T04:00:00Z')), false);
  // Friday 23:30 UTC is Saturday 07:30 in Shanghai: closed; the same instant in New York is Friday 18:30.
  assert.equal(isOpen(s, at('2026-12-04T23:30:00Z')), false);
  assert.equal(isOpen(week([['09:00', '19:00']], 'America/New_York'), at('2026-12-04T23:30:00Z')), true);
});

test('an interval past midnight runs into the next day, including from Friday into Saturday and Sunday into Monday', () => {
  const s = normalizeSchedule({ tz: 'UTC', days: { fri: [['22:00', '02:00']], sun: [['20:00', '24:00']], mon: [['00:00', '01:00']] } });
  assert.equal(isOpen(s, at('2026-12-04T21:59:00Z')), false, 'Fri 21:59');
  assert.equal(isOpen(s, at('2026-12-04T23:59:00Z')), true, 'Fri 23:59');
  assert.equal(isOpen(s, at('2026-12-05T01:59:00Z')), true, 'Sat 01:59 (Friday\'s interval)');
  assert.equal(isOpen(s, at('2026-12-05T02:00:00Z')), false, 'Sat 02:00');
  assert.equal(isOpen(s, at('2026-12-06T23:59:00Z')), true, 'Sun 23:59 (24:00 end)');
  assert.equal(isOpen(s, at('2026-12-07T00:30:00Z')), true, 'Mon 00:30');
  assert.equal(isOpen(s, at('2026-12-07T01:00:00Z')), false, 'Mon 01:00');
});

test('daylight saving: 09:00 in Europe/Berlin is 08:00 UTC in winter and 07:00 UTC in summer', () => {
  const s = week([['09:00', '17:00']], 'Europe/Berlin');
  assert.equal(isOpen(s, at('2026-11-30T07:30:00Z')), false);
  assert.equal(isOpen(s, at('2026-11-30T08:00:00Z')), true);
  assert.equal(isOpen(s, at('2026-06-01T07:00:00Z')), true);
  assert.equal(isOpen(s, at('2026-06-01T15:00:00Z')), false);
});

test('no schedule is always open; bad schedules are refused with a message naming the field', () => {
  assert.equal(isOpen(null), true);
  assert.equal(normalizeSchedule(null), null);
  const bad = [
    [{ tz: 'Mars/Olympus', days: {} }, /tz/],
    [{ tz: 'UTC', days: { monday: [] } }, /Unknown day/],
    [{ tz: 'UTC', days: { mon: [['9:00', '18:00']] } }, /HH:MM/],
    [{ tz: 'UTC', days: { mon: [['09:00', '25:00']] } }, /HH:MM/],
    [{ tz: 'UTC', days: { mon: [['09:00', '09:00']] } }, /empty/],
    [{ tz: 'UTC', days: { mon: Array(5).fill(['01:00', '02:00']) } }, /at most 4/],
    [{ tz: 'UTC', days: { mon: 'always' } }, /list/],
    [{ tz: 'UTC', days: [] }, /days/],
    [{ tz: '../../etc', days: {} }, /tz/],
    [JSON.parse('{"tz":"UTC","days":{"__proto__":[["01:00","02:00"]]}}'), /Unknown day/],
    ['09-18', /object/],
  ];
  for (const [s, re] of bad) {
    assert.throws(() => normalizeSchedule(s), (e) => e.code === 'bad_request' && re.test(e.message), JSON.stringify(s));
  }
  // Unknown keys are dropped, every day is present in the result.
  assert.deepEqual(normalizeSchedule({ tz: 'UTC', days: { mon: [['09:00', '12:00']] }, extra: 1 }).days.sun, []);
});
