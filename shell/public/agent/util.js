// Helpers shared by every console module: element lookup, DOM building, text and time formatting.
// Chat text only ever reaches the page through textContent (node(), setText()).
export const $ = (id) => document.getElementById(id);
export const chars = (s) => [...s].length;
export const rid = () => `a_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
export const pad = (n) => String(n).padStart(2, '0');

export function fmtTime(t) {
  const d = new Date(t);
  const now = new Date();
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (d.toDateString() === now.toDateString()) return hm;
  if (d.getFullYear() === now.getFullYear()) return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}`;
}

export function fmtClock(secs) {
  const s = Math.max(0, Math.floor(secs));
  const h = Math.floor(s / 3600);
  return h ? `${h}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}` : `${pad(Math.floor(s / 60))}:${pad(s % 60)}`;
}

export function node(tag, cls, text) {
  const n = document.createElement(tag);
  if (cls) n.className = cls;
  if (text !== undefined) n.textContent = text;
  return n;
}

export function bilingual(zh, en) {
  const frag = document.createDocumentFragment();
  frag.append(`${zh} `, node('span', 'en', en));
  return frag;
}

// Writes only on a change, so an unchanged row costs no layout.
export const setText = (n, t) => {
  if (n.textContent !== t) n.textContent = t;
};
