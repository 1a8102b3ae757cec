// The reply box: counter, Enter to send, replies sent (resent after a reconnect until acknowledged),
// and typing both ways (ours sent at most every 3 s; the visitor's shown in the list and the chat).
import { el } from './dom.js';
import { state, MAX_CHARS } from './state.js';
import { chars, rid } from './util.js';
import { shift } from './shift-ui.js';
import { wsSend } from './socket.js';
import { conv } from './conversation.js';
import { renderChat } from './chat-view.js';
import { rows, fillPreview } from './visitors.js';

export function updateCounter() {
  const n = chars(el.reply.value.trim());
  el.replyCount.textContent = `${n} / ${MAX_CHARS}`;
  el.replyCount.classList.toggle('over', n > MAX_CHARS);
  el.replyError.hidden = true;
}

export function sendText(text) {
  const id = state.selected;
  const c = conv(id);
  const m = { id: rid(), from: 'agent', text, time: Date.now(), kind: 'text', pending: true, agent: state.agent && state.agent.name };
  c.pending.set(m.id, m);
  renderChat(true);
  wsSend('message', { visitorId: id, id: m.id, text }); // resent on reconnect if the socket is down
}

export function submitReply() {
  if (!state.selected) return;
  const text = el.reply.value.trim();
  if (!text) return;
  if (chars(text) > MAX_CHARS) {
    el.replyError.textContent = `消息超过 ${MAX_CHARS} 字 Message is longer than ${MAX_CHARS} characters`;
    el.replyError.hidden = false;
    return;
  }
  el.reply.value = '';
  shift.sent(state.selected);
  updateCounter();
  sendMyTyping(false);
  sendText(text);
}

el.replyForm.addEventListener('submit', (e) => {
  e.preventDefault();
  submitReply();
});
el.reply.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
    e.preventDefault();
    submitReply();
  }
});
el.reply.addEventListener('input', () => {
  updateCounter();
  if (el.reply.value.trim()) sendMyTyping(true);
  else sendMyTyping(false);
});
el.reply.addEventListener('blur', () => sendMyTyping(false));

export function sendMyTyping(on) {
  const t = state.myTyping;
  clearTimeout(t.offTimer);
  if (on) {
    const now = Date.now();
    if (!t.on || t.visitorId !== state.selected || now - t.sentAt > 3000) {
      t.on = true;
      t.visitorId = state.selected;
      t.sentAt = now;
      wsSend('typing', { visitorId: t.visitorId, on: true });
    }
    t.offTimer = setTimeout(() => sendMyTyping(false), 4000);
  } else if (t.on) {
    t.on = false;
    wsSend('typing', { visitorId: t.visitorId, on: false });
  }
}

// Cheap per frame, whatever a server sends: a timer reset, and the DOM touched only on a change.
export function onTyping(d) {
  if (!d || typeof d.visitorId !== 'string') return;
  const was = state.typingOf.has(d.visitorId);
  clearTimeout(state.typingOf.get(d.visitorId));
  if (d.on) state.typingOf.set(d.visitorId, setTimeout(() => clearVisitorTyping(d.visitorId), 6000));
  else state.typingOf.delete(d.visitorId);
  if (was !== !!d.on) refreshTyping(d.visitorId);
}
export function clearVisitorTyping(id) {
  if (!state.typingOf.has(id)) return;
  clearTimeout(state.typingOf.get(id));
  state.typingOf.delete(id);
  refreshTyping(id);
}
export function refreshTyping(id) {
  el.typing.hidden = !(state.selected && state.typingOf.has(state.selected));
  const r = rows.get(id);
  const v = state.visitors.get(id);
  if (r && v) fillPreview(r, v);
}
