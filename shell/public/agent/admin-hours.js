// A weekly schedule editor for the admin page: a time zone and, per day, "09:00-12:00, 13:00-18:00".
// value() gives the schedule the server takes (shell/lib/hours.js), or null for always open; it throws
// an Error naming the day for text it cannot read (the server checks everything again).
import { node } from './util.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const RANGE = /^(\d{1,2}:\d{2})\s*[-–~至到]\s*(\d{1,2}:\d{2})$/;
const pad = (t) => (t.length === 4 ? `0${t}` : t);

export function hoursEditor(schedule, dayNames, { allowAlways = false } = {}) {
  const box = node('div', 'hours-editor');
  let always = null;
  if (allowAlways) {
    const l = node('label', 'check');
    always = node('input');
    always.type = 'checkbox';
    always.name = 'always';
    always.checked = schedule === null;
    l.append(always, ' 全天候（不设工作时间） Always open');
    box.append(l);
  }
  const tzLabel = node('label', '', '时区 Time zone ');
  const tz = node('input');
  tz.name = 'tz';
  tz.maxLength = 64;
  tz.value = (schedule && schedule.tz) || Intl.DateTimeFormat().resolvedOptions().timeZone || 'Asia/Shanghai';
  tzLabel.append(tz);
  const days = node('div', 'hours-days');
  const inputs = {};
  for (const d of DAYS) {
    const l = node('label', '', `${dayNames[d]} ${d} `);
    const i = node('input');
    i.name = `day-${d}`;
    i.placeholder = '休息 closed';
    i.value = schedule ? (schedule.days[d] || []).map(([a, b]) => `${a}-${b}`).join(', ') : (d === 'sat' || d === 'sun' ? '' : '09:00-18:00');
    inputs[d] = i;
    l.append(i);
    days.append(l);
  }
  box.append(tzLabel, days);
  const sync = () => {
    const off = always && always.checked;
    tz.disabled = off;
    for (const i of Object.values(inputs)) i.disabled = off;
  };
  if (always) always.addEventListener('change', sync);
  sync();

  function value() {
    if (always && always.checked) return null;
    const out = { tz: tz.value.trim(), days: {} };
    for (const d of DAYS) {
      const text = inputs[d].value.trim();
      out.days[d] = !text ? [] : text.split(/[,，;；]/).map((part) => {
        const m = RANGE.exec(part.trim());
        if (!m) throw new Error(`${dayNames[d]} ${d}: "${part.trim()}" 应为 09:00-18:00 (should be like 09:00-18:00)`);
        return [pad(m[1]), pad(m[2])];
      });
    }
    return out;
  }
  return { node: box, value };
}
