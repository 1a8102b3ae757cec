// The visitor panel above the conversation: the page the visitor is on now (kept current by the
// `page` frames the widget's page views cause), where they came from, browser and OS, language, their
// local time and time zone, first seen, visits, pages viewed and earlier conversations.
// A feature module. Everything shown is the visitor's own data: text only, links only for http(s).
import { state, http, on } from './state.js';
import { onFrame } from './frames.js';
import { $, node, fmtTime } from './util.js';

const el = { now: $('vp-now'), facts: $('vp-facts'), pages: $('vp-pages'), convs: $('vp-convs') };
const shown = { id: null, info: null, clock: 0, asked: 0 };

function link(url, text) {
  let ok = false;
  try {
    ok = ['http:', 'https:'].includes(new URL(url).protocol);
  } catch {
    ok = false;
  }
  if (!ok) return node('bdi', '', text || url);
  const a = node('a', '', text || url);
  a.href = url;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  a.title = url;
  return a;
}

// "21:05 (Asia/Shanghai, UTC+8)" from the zone the widget reported, else from its offset alone.
function localTime(info) {
  const off = Number.isInteger(info.tzOffset) ? -info.tzOffset : null;
  const utc = off === null ? '' : `UTC${off >= 0 ? '+' : '-'}${Math.floor(Math.abs(off) / 60)}${Math.abs(off) % 60 ? `:${String(Math.abs(off) % 60).padStart(2, '0')}` : ''}`;
  let time = '';
  if (info.tz) {
    try {
      time = new Intl.DateTimeFormat('zh-CN', { timeZone: info.tz, hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date());
    } catch {
      time = '';
    }
  }
  if (!time && off !== null) {
    const d = new Date(Date.now() + off * 60000);
    time = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  }
  if (!time) return '';
  const zone = [info.tz, utc].filter(Boolean).join(', ');
  return zone ? `${time} (${zone})` : time;
}

function fact(key, label, value) {
  if (value === '' || value === null || value === undefined) return [];
  const dd = node('dd');
  dd.dataset.k = key;
  dd.append(value);
  return [node('dt', '', label), dd];
}

function renderNow(info) {
  const p = info.page;
  el.now.replaceChildren(p ? `· ${p.title || p.url}` : '');
}

function render() {
  const info = shown.info;
  if (!info) {
    el.now.replaceChildren();
    el.facts.replaceChildren();
    el.pages.replaceChildren();
    el.convs.replaceChildren();
    return;
  }
  renderNow(info);
  const p = info.page;
  el.facts.replaceChildren(
    ...fact('page', '当前页面 Page', p ? link(p.url, p.title || p.url) : ''),
    ...fact('referrer', '来源 Referrer', info.referrer ? link(info.referrer) : ''),
    ...fact('browser', '浏览器 Browser', [info.browser, info.os].filter(Boolean).join(' · ')),
    ...fact('lang', '语言 Language', info.lang),
    ...fact('time', '当地时间 Local time', localTime(info)),
    ...fact('first', '首次访问 First seen', info.firstSeen ? fmtTime(info.firstSeen) : ''),
    ...fact('visits', '访问次数 Visits', info.visits ? String(info.visits) : ''),
  );
  el.pages.replaceChildren(...info.pages.slice(1, 10).map((v) => {
    const li = node('li');
    li.append(`${fmtTime(v.time)} `, link(v.url, v.title || v.url));
    return li;
  }));
  el.convs.replaceChildren(...info.conversations.filter((c) => !c.current).map((c) => {
    const li = node('li', 'vp-conv', `${fmtTime(c.start)} · ${c.messages} 条消息 messages${c.first ? ` · ${c.first}` : ''}`);
    li.dataset.lastSeq = String(c.lastSeq);
    return li;
  }));
}

async function load(id) {
  const asked = ++shown.asked;
  shown.id = id;
  shown.info = null;
  render();
  try {
    const info = await http('GET', `/api/agent/visitors/${encodeURIComponent(id)}/info`);
    if (asked !== shown.asked) return; // another conversation was opened meanwhile
    shown.info = info;
  } catch (err) {
    if (asked === shown.asked) console.warn('visitor info failed', err && err.message);
  }
  render();
}

on('select', ({ id }) => load(id));
on('leave', () => {
  shown.id = null;
  shown.info = null;
  shown.asked++;
  render();
});
// The visitor moved to another page: the panel shows it at once.
onFrame('page', (d) => {
  if (!d || d.visitorId !== shown.id || !shown.info || typeof d.url !== 'string') return;
  const view = { url: d.url, title: typeof d.title === 'string' ? d.title : '', time: d.time };
  shown.info.page = view;
  shown.info.pages = [view, ...shown.info.pages].slice(0, 20);
  render();
});
// The local time moves on.
shown.clock = setInterval(() => {
  if (shown.info && state.selected === shown.id && !document.hidden) render();
}, 60000);
