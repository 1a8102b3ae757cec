// 回拨 Call back: the agent calls the visitor of the open conversation (voice or video), e.g. after a
// missed call. The console sends `callback`; the visitor's widget rings with 接听 / 拒绝; its 接听 comes
// back as an ordinary ring (`call`) of this call, which this console accepts by itself, so the call then
// runs like any other. Refusals (busy, offline, not the agent's visitor) and the ring's end (拒绝, no
// answer) are shown next to the buttons. A feature module: frames and the console's exports only.
import { state, hook, on } from './state.js';
import { onFrame } from './frames.js';
import { node, bilingual, rid } from './util.js';
import { wsSend } from './socket.js';
import { cs } from './call-state.js';
import { acceptCall } from './calls.js';
import { select } from './conversation.js';

const bar = node('div', 'callback-bar');
const voice = node('button', 'btn small');
voice.id = 'callback-voice';
voice.type = 'button';
voice.append(bilingual('回拨语音', 'Call back'));
const video = node('button', 'btn small');
video.id = 'callback-video';
video.type = 'button';
video.append(bilingual('回拨视频', 'Video call back'));
const cancel = node('button', 'btn small reject');
cancel.id = 'callback-cancel';
cancel.type = 'button';
cancel.hidden = true;
cancel.append(bilingual('取消', 'Cancel'));
const status = node('span', 'callback-status');
status.id = 'callback-status';
status.setAttribute('role', 'status');
bar.append(voice, video, cancel, status);
Object.assign(bar.style, { display: 'flex', gap: '6px', alignItems: 'center', marginTop: '6px' }); // CSSOM: CSP-clean
status.style.margin = '0';
const head = document.querySelector('#chat-pane .chat-head');
if (head) head.appendChild(bar);

// The call-back of this console: asked (request id) → ringing at the visitor (call id) → answered.
let mine = null; // { reqId, visitorId, video, callId, state: 'asking' | 'ringing' | 'answered' }
hook.callback = null; // tests: { state, reason, callId }

const ENDED = {
  declined: ['访客已拒绝', 'the visitor declined'],
  timeout: ['访客未接听', 'no answer'],
  cancelled: ['已取消', 'cancelled'],
  visitor_left: ['访客已离开', 'the visitor left'],
  agent_left: ['已取消', 'cancelled'],
  offline: ['已取消', 'cancelled'],
  restart: ['已取消', 'cancelled'],
  'permission-denied': ['访客未允许使用麦克风', 'the visitor did not allow the microphone'],
  'no-microphone': ['访客没有可用的麦克风', 'the visitor has no microphone'],
  'no-camera': ['访客没有可用的摄像头', 'the visitor has no camera'],
  'device-busy': ['访客的设备被占用', 'the visitor\'s device is in use'],
};

function show(zh, en, cls = '') {
  status.className = `callback-status ${cls}`;
  status.replaceChildren(zh ? bilingual(zh, en) : '');
}

function render() {
  const v = state.selected ? state.visitors.get(state.selected) : null;
  const idle = !mine && !cs.active;
  for (const b of [voice, video]) {
    b.disabled = !idle || !v || !v.online;
    b.title = !v || v.online ? '' : '访客不在线 The visitor is offline';
  }
  cancel.hidden = !(mine && mine.state === 'ringing');
  hook.callback = mine ? { state: mine.state, callId: mine.callId || null, reason: null } : hook.callback;
}

function place(wantVideo) {
  const visitorId = state.selected;
  if (!visitorId || mine || cs.active) return;
  mine = { reqId: rid(), visitorId, video: wantVideo, callId: null, state: 'asking' };
  if (!wsSend('callback', { visitorId, video: wantVideo, id: mine.reqId })) {
    mine = null;
    show('未连接', 'not connected', 'form-error');
  } else {
    show('正在呼叫访客…', 'calling the visitor…');
  }
  render();
}

function finish(reason, text) {
  mine = null;
  hook.callback = { state: 'ended', reason, callId: hook.callback && hook.callback.callId };
  show(text[0], text[1], reason === 'declined' || reason === 'error' ? 'form-error' : '');
  render();
}

voice.addEventListener('click', () => place(false));
video.addEventListener('click', () => place(true));
cancel.addEventListener('click', () => {
  if (mine && mine.callId) wsSend('hangup', { visitorId: mine.visitorId, callId: mine.callId });
});

onFrame('callback', (d) => {
  // One this console placed before it was reloaded, still ringing: the server tells it again after hello,
  // and its conversation opens, where the call-back's status and 取消 are.
  if (!mine && !cs.active && d && typeof d.callId === 'string' && typeof d.visitorId === 'string' && d.state === 'ringing') {
    mine = { reqId: null, visitorId: d.visitorId, video: d.video === true, callId: null, state: 'asking' };
    if (state.selected !== d.visitorId) setTimeout(() => mine && mine.visitorId === d.visitorId && select(d.visitorId), 0);
  }
  if (!mine || !d || d.visitorId !== mine.visitorId || mine.callId) return;
  mine.callId = d.callId;
  mine.state = 'ringing';
  show('正在呼叫访客…', 'ringing at the visitor…');
  render();
});

// The refusal of our request: the server echoes the request id.
onFrame('error', (e) => {
  if (!mine || !e || e.id !== mine.reqId || mine.callId) return;
  finish('error', [`无法回拨：${e.message || e.code}`, e.code || 'refused']);
});

// 接听: the visitor's answer rings here as a call; accept it once the core has taken the ring in.
onFrame('call', (c) => {
  if (!mine || !c || c.callId !== mine.callId) return;
  mine.state = 'answered';
  show('访客已接听', 'answered');
  setTimeout(() => {
    acceptCall(c.callId);
    mine = null;
    render();
  }, 0);
});

onFrame('call_end', (d) => {
  if (!mine || !d || d.callId !== mine.callId) return;
  finish(d.reason, ENDED[d.reason] || ['通话结束', d.reason || 'ended']);
});

onFrame('visitor', () => setTimeout(render, 0)); // after the core has stored the summary
on('select', () => {
  if (!mine) show('', '');
  render();
});
on('call-end', () => {
  if (!mine) show('', ''); // the call card told the rest
  render();
});
on('leave', () => {
  mine = null;
  render();
});
render();
