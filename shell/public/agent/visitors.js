// The visitor list: one row per visitor, rewritten in place on a change; the order changes only when it
// must and never under a moving pointer (a row could slide under a click).
import { el } from './dom.js';
import { state, hook } from './state.js';
import { node, fmtTime, setText } from './util.js';
import { teamUi } from './team-ui.js';
import { shift } from './shift-ui.js';
import { select } from './conversation.js';
import { renderChat, renderChatHead } from './chat-view.js';

export const activity = (v) => Math.max(v.lastSeen || 0, v.lastMessage ? v.lastMessage.time : 0);

export function onVisitor(v) {
  if (!v || !v.id) return;
  // A visitor who left without writing anything is not worth a row.
  if (!v.online && !v.lastMessage && v.id !== state.selected) {
    if (state.visitors.delete(v.id)) scheduleLayout();
    return;
  }
  state.visitors.set(v.id, v);
  refreshVisitor(v.id);
  if (v.id === state.selected) renderChatHead();
}

// The visitor asked to be forgotten: its row and its conversation go.
export function onVisitorRemoved(data) {
  const id = data && data.visitorId;
  if (typeof id !== 'string' || !state.visitors.delete(id)) return;
  state.convs.delete(id);
  if (state.selected === id) {
    state.selected = null;
    hook.selectedVisitorId = null;
    renderChat();
  }
  renderVisitors(); // rare: the whole list is laid out again
}

export function previewOf(m) {
  if (!m) return '';
  if (m.from === 'system') return `[${m.text}]`;
  return (m.from === 'agent' ? '我: ' : '') + m.text.replace(/\s+/g, ' ');
}

// The list keeps one row per visitor between updates: a typing, presence or message change rewrites
// that row alone. Rows are put in order again only when the order must change, and not while the
// pointer moves over the list (a row could slide under a click): once it has rested or left.
export const rows = new Map(); // visitorId -> { li, dot, name, time, preview, badge }
const list = { hover: false, pointerAt: 0, keyAt: 0, timer: 0 };
const HOLD_MS = 1500;
// Most recent activity first; the id settles ties, so equal rows never swap.
const byActivity = (a, b) => activity(b) - activity(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
export const filterText = () => el.filter.value.trim().toLowerCase();
export const listed = (v, q) => (!teamUi || teamUi.listed(v)) && (!q || `${v.name} ${v.id} ${v.email || ''}`.toLowerCase().includes(q));

export function fillRow(v) {
  let r = rows.get(v.id);
  if (!r) {
    const li = node('li', 'visitor-item');
    li.dataset.visitorId = v.id;
    r = { li, dot: node('span', 'dot'), name: node('span', 'name'), time: node('span', 'time'), preview: node('span', 'preview'), badge: node('span', 'badge') };
    li.append(r.dot, r.name, r.time, node('span'), r.preview);
    rows.set(v.id, r);
  }
  r.li.classList.toggle('selected', v.id === state.selected);
  r.dot.className = `dot${v.online ? ' online' : ''}`;
  r.dot.title = v.online ? '在线 online' : '离线 offline';
  setText(r.name, v.name || v.id);
  setText(r.time, fmtTime(activity(v)));
  fillPreview(r, v);
  if (v.unread > 0) {
    setText(r.badge, v.unread > 99 ? '99+' : String(v.unread));
    if (r.badge.parentNode !== r.li) r.li.append(r.badge);
  } else {
    r.badge.remove();
  }
  return r;
}

export function fillPreview(r, v) {
  const typing = state.typingOf.has(v.id);
  r.preview.classList.toggle('typing', typing);
  setText(r.preview, typing ? '正在输入… typing…' : previewOf(v.lastMessage));
}

// Puts every listed row in place; moves DOM nodes only where the order differs.
export function renderVisitors() {
  clearTimeout(list.timer);
  list.timer = 0;
  const q = filterText();
  const all = [...state.visitors.values()].sort(byActivity);
  for (const id of [...rows.keys()]) {
    if (!state.visitors.has(id)) {
      rows.get(id).li.remove();
      rows.delete(id);
    }
  }
  const want = all.filter((v) => listed(v, q)).map((v) => fillRow(v).li);
  const have = el.visitorList.children;
  if (want.length !== have.length || want.some((li, i) => have[i] !== li)) {
    // Only the rows out of place move (one visitor writing moves one row), so a long list is not
    // styled and laid out again as a whole.
    const focused = document.activeElement;
    for (let i = 0; i < want.length; i++) if (have[i] !== want[i]) el.visitorList.insertBefore(want[i], have[i] || null);
    while (have.length > want.length) have[want.length].remove(); // filtered out
    if (focused && focused.parentNode === el.visitorList && document.activeElement !== focused) focused.focus(); // a keyboard user keeps their row
  }
  renderListSummary(all);
}

export function renderListSummary(all = [...state.visitors.values()]) {
  el.visitorEmpty.hidden = all.length > 0;
  const online = all.filter((v) => v.online).length;
  el.visitorCount.textContent = all.length ? `${online} 在线 online / ${all.length}` : '';
  if (teamUi) teamUi.renderTabs();
  const unread = all.reduce((n, v) => n + (v.unread || 0), 0);
  shift.counts({ unread });
}

// A new order is laid out soon, but not under a moving pointer.
// The list is held while the pointer moves over it and for a moment after each keyboard move.
const heldUntil = () => Math.max(list.hover ? list.pointerAt + HOLD_MS : 0, list.keyAt + HOLD_MS);
export function scheduleLayout() {
  if (list.timer) return;
  list.timer = setTimeout(() => {
    list.timer = 0;
    if (Date.now() < heldUntil()) scheduleLayout();
    else renderVisitors();
  }, Math.max(0, heldUntil() - Date.now()));
}
export function holdLayout() {
  list.keyAt = Date.now();
}

// One visitor changed: its row is rewritten in place; the list is laid out again only if the row
// is new, gone from the filter, or out of order now.
export function refreshVisitor(id) {
  const v = state.visitors.get(id);
  const r = rows.get(id);
  if (!v || !r || r.li.parentNode !== el.visitorList) {
    if (!v || listed(v, filterText())) scheduleLayout();
    else if (teamUi) teamUi.renderTabs(); // not in this list, but it counts in another one
    return;
  }
  fillRow(v);
  const prev = r.li.previousElementSibling && state.visitors.get(r.li.previousElementSibling.dataset.visitorId);
  const next = r.li.nextElementSibling && state.visitors.get(r.li.nextElementSibling.dataset.visitorId);
  if (!listed(v, filterText()) || (prev && byActivity(prev, v) > 0) || (next && byActivity(v, next) > 0)) scheduleLayout();
  renderListSummary();
}

el.visitorList.addEventListener('click', (e) => {
  const li = e.target.closest('.visitor-item');
  if (li) select(li.dataset.visitorId);
});
const pointerHere = () => {
  list.hover = true;
  list.pointerAt = Date.now();
};
el.visitorList.addEventListener('pointerenter', pointerHere);
el.visitorList.addEventListener('pointermove', pointerHere);
el.visitorList.addEventListener('pointerdown', pointerHere);
el.visitorList.addEventListener('pointerleave', () => {
  list.hover = false;
  if (list.timer) {
    clearTimeout(list.timer);
    list.timer = 0;
    scheduleLayout(); // at once, unless a keyboard move holds it
  }
});
el.filter.addEventListener('input', renderVisitors);

// Sign-out: every row goes.
export function clearVisitorRows() {
  rows.clear();
  el.visitorList.replaceChildren();
}
