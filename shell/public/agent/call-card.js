// The call card: the call on it (ringing, connecting, in call, just ended, with why), its timer, the
// ring tone, and every other ring waiting, each with its own accept and reject.
import { el } from './dom.js';
import { hook } from './state.js';
import { node, bilingual, fmtClock, pad } from './util.js';
import { rings, cs, firstRing } from './call-state.js';
import { shift } from './shift-ui.js';

const startRingTone = () => shift.ringTone(true);
const stopRingTone = () => shift.ringTone(false);

export function setCallState(s) {
  hook.state = s;
  if (hook.lastCall && (cs.active || s === 'ended')) hook.lastCall.state = s;
}

export const statusText = {
  idle: ['空闲', 'idle'],
  ringing: ['来电中', 'ringing'],
  connecting: ['连接中', 'connecting'],
  'in-call': ['通话中', 'in-call'],
  ended: ['通话已结束', 'ended'],
};
export const endReasonText = {
  agent: '您已挂断 you hung up',
  hangup: '访客已挂断 the visitor hung up',
  remote: '通话结束 Call ended', // the visitor's side closed the media: a normal hang-up
  cancelled: '访客已取消 the visitor cancelled',
  'permission-denied': '访客未允许使用麦克风 the visitor did not allow the microphone',
  'no-microphone': '访客没有可用的麦克风 the visitor has no microphone',
  'no-camera': '访客没有可用的摄像头 the visitor has no camera',
  'device-busy': '访客的麦克风或摄像头被占用 the visitor\'s device is in use',
  timeout: '无人接听 no answer',
  visitor_left: '访客已离开 the visitor left',
  answered_elsewhere: '已在其他窗口接听 answered in another window',
  rejected: '已拒绝 rejected',
  failed: '连接失败 connection failed',
  missed: '未接通 missed',
  refused: '无法接听 could not answer',
  error: '通话出错 call error',
  offline: '访客离线 the visitor is offline',
};

export function renderCallCard() {
  clearInterval(cs.tickTimer);
  const ring = firstRing();
  const shown = cs.active || ring || cs.ended;
  el.callCard.hidden = !shown;
  el.callCard.classList.toggle('ringing', !cs.active && !!ring);
  if (!cs.active && ring) startRingTone();
  else stopRingTone();
  shift.counts({ rings: rings.size });
  const s = cs.active ? cs.active.state : ring ? 'ringing' : cs.ended ? 'ended' : hook.state;
  const [zh, en] = statusText[s] || statusText.idle;
  el.callStatus.replaceChildren(bilingual(zh, en));
  if (s === 'ended' && cs.ended && cs.ended.endReason) {
    el.callStatus.append(` · ${endReasonText[cs.ended.endReason] || cs.ended.endReason}`);
  }
  el.callStatus.dataset.state = s;
  if (!shown) return;
  el.callName.textContent = shown.name || shown.visitorId;
  el.callKind.textContent = shown.video ? '视频通话 Video' : '语音通话 Voice';
  const ringingOnly = !cs.active && !!ring;
  el.callAccept.hidden = !ringingOnly;
  el.callReject.hidden = !ringingOnly;
  el.callHangup.hidden = !cs.active;
  el.switchPrompt.hidden = !(cs.active && cs.active.switchReq);
  el.callMute.hidden = !(cs.active && cs.active.localStream && cs.active.localStream.getAudioTracks().length);
  renderRingQueue();
  el.callTimer.hidden = !(cs.active && cs.active.startedAt);
  if (cs.active && cs.active.startedAt) {
    const tick = () => {
      el.callTimer.textContent = fmtClock((Date.now() - cs.active.startedAt) / 1000);
    };
    tick();
    cs.tickTimer = setInterval(() => cs.active && cs.active.startedAt && tick(), 1000);
  }
  if (!cs.active) {
    el.remoteVideo.hidden = true;
    el.remoteAudio.hidden = true;
    el.localVideo.hidden = true;
  }
}

// Every ring the card does not show itself, oldest first, each with its own accept and reject: a pile
// of rings hides no caller. While a call runs they can only be rejected (or wait).
export function renderRingQueue() {
  const waiting = [...rings.values()].slice(cs.active ? 0 : 1);
  el.callQueue.hidden = waiting.length === 0;
  if (!waiting.length) return el.callQueue.replaceChildren();
  const head = node('p', 'call-queue-head', `另有 ${waiting.length} 个来电等待中 ${waiting.length} more waiting`);
  const items = waiting.map((r) => {
    const li = node('li', 'ring-item');
    li.dataset.callId = r.callId;
    const when = new Date(r.at);
    const who = node('span', 'ring-who');
    who.append(node('span', 'ring-kind', r.video ? '🎥' : '📞'), node('span', 'ring-name', r.name || r.visitorId),
      node('span', 'ring-time', `${pad(when.getHours())}:${pad(when.getMinutes())}:${pad(when.getSeconds())}`));
    const accept = node('button', 'btn accept small ring-accept');
    accept.type = 'button';
    accept.append(bilingual('接听', 'Accept'));
    accept.disabled = !!cs.active;
    accept.title = cs.active ? '请先结束当前通话 End the current call first' : '接听 Accept';
    const reject = node('button', 'btn reject small ring-reject');
    reject.type = 'button';
    reject.append(bilingual('拒绝', 'Reject'));
    reject.title = '拒绝 Reject';
    li.append(who, accept, reject);
    return li;
  });
  const ol = node('ol', 'ring-queue');
  ol.append(...items);
  el.callQueue.replaceChildren(head, ol);
  return undefined;
}

export function showEnded(call) {
  cs.ended = { name: call.name, visitorId: call.visitorId, video: call.video, endReason: call.endReason };
  setCallState(rings.size && !cs.active ? 'ringing' : 'ended');
  renderCallCard();
  clearTimeout(cs.endedTimer);
  cs.endedTimer = setTimeout(() => {
    cs.ended = null;
    if (rings.size && !cs.active) setCallState('ringing');
    renderCallCard();
  }, 4000);
}
