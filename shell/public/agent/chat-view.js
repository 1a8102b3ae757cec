// The conversation on screen: its head (name, presence, contact details) and its messages, with day
// separators, read marks, and a retry button on a reply that failed.
import { el } from './dom.js';
import { state } from './state.js';
import { node, fmtTime } from './util.js';
import { teamUi } from './team-ui.js';
import { shift } from './shift-ui.js';
import { conv } from './conversation.js';
import { sendText } from './reply.js';

export function renderChatHead() {
  const v = state.visitors.get(state.selected);
  if (!v) return;
  el.chatName.textContent = v.name || v.id;
  el.chatDot.className = `dot${v.online ? ' online' : ''}`;
  el.chatPresence.textContent = v.online ? '在线 online' : `离线 offline · ${fmtTime(v.lastSeen)}`;
  const bits = [v.id];
  if (v.email) bits.push(v.email);
  if (v.phone) bits.push(v.phone);
  for (const [k, val] of Object.entries(v.attrs || {})) bits.push(`${k}: ${val}`);
  // Each field in its own <bdi>: a direction override in one (U+202E …) cannot reorder the others.
  el.chatMeta.replaceChildren(...bits.flatMap((b, i) => (i ? [' · ', node('bdi', '', b)] : [node('bdi', '', b)])));
  if (teamUi) teamUi.renderHead();
}

export function messageNode(m, c) {
  const div = node('div', 'msg');
  div.dataset.from = m.from;
  if (m.seq) div.dataset.seq = String(m.seq);
  div.dataset.id = m.id;
  div.dataset.time = String(m.time);
  if (m.agent) div.dataset.agent = m.agent;
  if (m.kind) div.dataset.kind = m.kind;
  let text = m.text;
  if (m.kind === 'call') text = `${m.call && m.call.video ? '🎥' : '📞'} ${m.text}`;
  div.append(node('div', 'bubble', text));
  const meta = node('div', 'meta');
  const parts = [];
  if (m.from === 'agent' && m.agent) parts.push(m.agent);
  parts.push(fmtTime(m.time));
  if (m.pending && !m.failed) parts.push('发送中 sending');
  if (m.from === 'agent' && m.seq && c.visitorReadSeq >= m.seq) parts.push('已读 read');
  meta.textContent = parts.join(' · ');
  if (m.failed) {
    div.classList.add('failed');
    const reason = m.failed === 'too_long' ? '太长 too long' : m.failed === 'rate_limited' ? '发送太快 too fast' : m.error || m.failed;
    meta.append(` · 发送失败 failed (${reason})`);
    const retry = node('button', 'btn ghost retry', '重发 Retry');
    retry.type = 'button';
    retry.dataset.retry = m.id;
    meta.append(retry);
  } else if (m.pending) {
    div.classList.add('pending');
  }
  div.append(meta);
  return div;
}

// Rebuilds the selected conversation. `toBottom` forces the view to the newest message;
// `keepOffset` keeps what the agent sees in place after older messages were prepended.
export function renderChat(toBottom = false, keepOffset = false) {
  const id = state.selected;
  el.chatEmpty.hidden = !!id;
  el.chatPane.hidden = !id;
  if (!id) {
    el.messageList.replaceChildren();
    el.typing.hidden = true;
    return;
  }
  renderChatHead();
  const c = conv(id);
  const box = el.messages;
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 60;
  const fromBottom = box.scrollHeight - box.scrollTop;
  const sorted = [...c.bySeq.values()].sort((a, b) => a.seq - b.seq);
  const pending = [...c.pending.values()].sort((a, b) => a.time - b.time);
  const nodes = [];
  let lastDay = '';
  for (const m of sorted.concat(pending)) {
    const day = new Date(m.time).toDateString();
    if (day !== lastDay) {
      nodes.push(node('p', 'day', new Date(m.time).toLocaleDateString('zh-CN', { year: 'numeric', month: 'long', day: 'numeric', weekday: 'short' })));
      lastDay = day;
    }
    nodes.push(messageNode(m, c));
  }
  el.messageList.replaceChildren(...nodes);
  shift.rendered(el.messageList);
  el.loadOlder.hidden = !(c.loaded && c.hasMore);
  el.historyStart.hidden = !(c.loaded && !c.hasMore && c.bySeq.size > 0);
  el.typing.hidden = !state.typingOf.has(id);
  if (keepOffset) box.scrollTop = box.scrollHeight - fromBottom;
  else if (toBottom || atBottom) box.scrollTop = box.scrollHeight;
}

el.messageList.addEventListener('click', (e) => {
  const b = e.target.closest('button[data-retry]');
  if (!b || !state.selected) return;
  const c = conv(state.selected);
  const p = c.pending.get(b.dataset.retry);
  if (!p) return;
  c.pending.delete(p.id);
  sendText(p.text);
});
