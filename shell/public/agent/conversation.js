// Conversations: their messages (by seq, plus replies not acknowledged yet), opening one, history
// pages, catching up after a reconnect, and the message, ack, error and read frames.
import { el } from './dom.js';
import { state, hook, http, emit } from './state.js';
import { shift } from './shift-ui.js';
import { wsSend } from './socket.js';
import { leaveExpired } from './session.js';
import { rows, refreshVisitor } from './visitors.js';
import { renderChat } from './chat-view.js';
import { updateCounter, sendMyTyping, clearVisitorTyping } from './reply.js';

export const PAGE = 30;

export function conv(id) {
  let c = state.convs.get(id);
  if (!c) {
    c = { bySeq: new Map(), pending: new Map(), loaded: false, hasMore: false, loading: false, visitorReadSeq: 0, readSent: 0 };
    const v = state.visitors.get(id);
    if (v && v.visitorReadSeq) c.visitorReadSeq = v.visitorReadSeq;
    state.convs.set(id, c);
  }
  return c;
}
export const oldestSeq = (c) => Math.min(...c.bySeq.keys());
export const newestSeq = (c) => (c.bySeq.size ? Math.max(...c.bySeq.keys()) : 0);

export function addMessages(c, list) {
  for (const m of list) {
    c.bySeq.set(m.seq, m);
    c.pending.delete(m.id);
  }
}

export async function select(id) {
  if (!id) return;
  const focused = document.activeElement;
  if (state.selected && state.selected !== id) sendMyTyping(false);
  const before = rows.get(state.selected);
  if (before) before.li.classList.remove('selected');
  state.selected = id;
  hook.selectedVisitorId = id;
  el.reply.value = shift.draftFor(id);
  updateCounter();
  const row = rows.get(id);
  if (row) row.li.classList.add('selected');
  const c = conv(id);
  renderChat(true);
  shift.opened(id);
  emit('select', { id });
  if (!c.loaded) await loadPage(id, false);
  markRead();
  // Into the reply box, unless the agent moved on meanwhile (another row, the search, …).
  const now = document.activeElement;
  if (state.selected === id && (now === focused || now === document.body || !now)) el.reply.focus();
}

export async function loadPage(id, older) {
  const c = conv(id);
  if (c.loading) return;
  c.loading = true;
  try {
    const qs = new URLSearchParams({ limit: String(PAGE) });
    if (older && c.bySeq.size) qs.set('before', String(oldestSeq(c)));
    const r = await http('GET', `/api/agent/visitors/${encodeURIComponent(id)}/messages?${qs}`);
    addMessages(c, r.messages);
    if (older || !c.loaded) c.hasMore = r.hasMore;
    c.loaded = true;
  } catch (err) {
    if (err.status === 401) return leaveExpired();
    console.warn('history load failed', err);
  } finally {
    c.loading = false;
  }
  if (id === state.selected) renderChat(!older, older);
}

export async function catchUp(id) {
  const c = conv(id);
  let more = true;
  while (more) {
    try {
      const r = await http('GET', `/api/agent/visitors/${encodeURIComponent(id)}/messages?after=${newestSeq(c)}&limit=100`);
      addMessages(c, r.messages);
      more = r.hasMore && r.messages.length > 0;
    } catch {
      more = false;
    }
  }
  if (id === state.selected) renderChat();
}


el.loadOlder.addEventListener('click', () => state.selected && loadPage(state.selected, true));
el.messages.addEventListener('scroll', () => {
  const c = state.selected && state.convs.get(state.selected);
  if (c && c.loaded && c.hasMore && !c.loading && el.messages.scrollTop < 40) loadPage(state.selected, true);
});

export function onMessage(m) {
  if (!m || !m.visitorId) return;
  shift.message(m, !(state.visitors.get(m.visitorId) || {}).lastMessage);
  const c = state.convs.get(m.visitorId);
  if (c && c.loaded) {
    addMessages(c, [m]);
    if (m.visitorId === state.selected) {
      renderChat();
      if (m.from === 'visitor') markRead();
    }
  }
  if (m.from === 'visitor') clearVisitorTyping(m.visitorId);
  const v = state.visitors.get(m.visitorId);
  if (v) {
    v.lastMessage = m;
    refreshVisitor(v.id);
  }
}

export function onAck(a) {
  const c = state.convs.get(a.visitorId);
  if (!c) return;
  const p = c.pending.get(a.id);
  if (p) {
    c.pending.delete(a.id);
    c.bySeq.set(a.seq, { id: a.id, seq: a.seq, from: 'agent', text: p.text, time: a.time, kind: 'text', agent: state.agent && state.agent.name });
  }
  if (a.visitorId === state.selected) renderChat();
}

export // An error frame about a reply of ours marks it failed (with a retry button); true when it was one.
function onError(e) {
  if (!e) return true;
  if (e.id) {
    for (const [vid, c] of state.convs) {
      const p = c.pending.get(e.id);
      if (p) {
        p.failed = e.code || 'error';
        p.error = e.message;
        if (vid === state.selected) renderChat();
        return true;
      }
    }
  }
  console.warn('server error frame', e);
  return false;
}

export function onRead(r) {
  if (!r || r.by !== 'visitor') return;
  const c = state.convs.get(r.visitorId);
  if (c) {
    c.visitorReadSeq = Math.max(c.visitorReadSeq, r.seq);
    if (r.visitorId === state.selected) renderChat();
  }
}

export function markRead() {
  const id = state.selected;
  if (!id || document.visibilityState !== 'visible') return;
  const c = state.convs.get(id);
  const v = state.visitors.get(id);
  const seq = Math.max(c ? newestSeq(c) : 0, v && v.lastMessage ? v.lastMessage.seq : 0);
  if (!seq || !c || seq <= c.readSent) return;
  if (wsSend('read', { visitorId: id, seq })) c.readSent = seq;
}
document.addEventListener('visibilitychange', markRead);
window.addEventListener('focus', markRead);
