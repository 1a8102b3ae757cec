// The agent's microphone and camera for a call. With the microphone already allowed it starts when a
// call rings, so the accept finds it ready: its tracks stay disabled and in no connection until the
// accept (an offer answered ahead has a sender without a track, offers.js), and go when the ring ends
// otherwise. Without that permission
// pressing 接受 starts it (a prompt only after the agent chose), and a press that is no click releases it.
import { cs, rings } from './call-state.js';

export async function getLocalMedia(video) {
  const audio = { noiseSuppression: true, echoCancellation: true };
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return null;
  try {
    return await navigator.mediaDevices.getUserMedia({ audio, video });
  } catch (err) {
    console.warn('getUserMedia failed', err && err.name);
  }
  if (video) {
    try {
      return await navigator.mediaDevices.getUserMedia({ audio, video: false });
    } catch {
      /* fall through: receive only */
    }
  }
  return null; // answer receive-only
}


// The Permissions API's answers, kept current: a ring must not raise a prompt.
const allowed = {};
if (navigator.permissions && navigator.permissions.query) {
  for (const name of ['microphone', 'camera']) {
    navigator.permissions.query({ name }).then((p) => {
      allowed[name] = p.state === 'granted';
      p.onchange = () => { allowed[name] = p.state === 'granted'; };
    }, () => {});
  }
}
const enableAll = (s, on) => s && s.getTracks().forEach((t) => { t.enabled = on; });

let pressMedia = null; // {video, promise, timer, callId (opened for that ring), dropped}
export function dropPressMedia() {
  if (!pressMedia) return;
  pressMedia.dropped = true;
  clearTimeout(pressMedia.timer);
  pressMedia.promise.then((s) => s && s.getTracks().forEach((t) => t.stop()));
  pressMedia = null;
}
export function takePressMedia(video) {
  const m = pressMedia;
  if (!m || m.video !== video) {
    dropPressMedia();
    return null;
  }
  clearTimeout(m.timer);
  pressMedia = null;
  return m.promise.then((s) => { enableAll(s, true); return s; });
}
export function pressAccept(ring) {
  if (!ring || cs.active || pressMedia) return;
  pressMedia = { video: !!ring.video, promise: getLocalMedia(!!ring.video), timer: setTimeout(dropPressMedia, 3000) };
}
// A new voice ring, the first waiting and no call on: the microphone starts now if that needs no prompt.
export function ringMedia(ring, answering = null) {
  // Not the camera: its light would go on for a call the agent may not take (the press still starts it).
  if (!ring || ring.video || cs.active || pressMedia || rings.values().next().value !== ring) return;
  if (!allowed.microphone) return;
  const m = { video: false, callId: ring.callId, dropped: false };
  // The answer made while it rings (`answering()` gives its connection, offers.js) goes first: started together, the two compete
  // for the machine and both come later (measured on 2 cores: the microphone 39 ms instead of 5, the answer
  // 7 ms later). It is needed only at the accept, and starts well before the path is up.
  // A task later, an offer that came with the ring has been taken too.
  m.promise = new Promise((r) => setTimeout(r, 0))
    .then(() => answered(answering && answering()))
    .then(() => (m.dropped ? null : getLocalMedia(false)))
    .then((s) => { enableAll(s, false); return s; });
  // The ring's own end releases it (dropRingMedia); this only covers a ring that is never heard of again.
  m.timer = setTimeout(dropPressMedia, 40000);
  pressMedia = m;
}
// Once the connection's local answer is set, or it closed: at once without one, 200 ms at most.
function answered(pc) {
  if (!pc) return Promise.resolve();
  const done = () => pc.signalingState === 'closed' || (pc.signalingState === 'stable' && !!pc.localDescription);
  if (done()) return Promise.resolve();
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      pc.removeEventListener('signalingstatechange', check);
      resolve();
    };
    const check = () => done() && finish();
    const timer = setTimeout(finish, 200);
    pc.addEventListener('signalingstatechange', check);
  });
}
export function dropRingMedia(callId) {
  if (pressMedia && pressMedia.callId === callId) dropPressMedia();
}
// A stream with one audio track that never carries sound: a voice call's answer can then be made before
// the microphone is there (the sender gets no track until it is, see answerMedia), instead of after it.
let silence = null;
export function placeholderAudio() {
  const AC = window.AudioContext || window.webkitAudioContext;
  if (!AC) return null;
  try {
    if (!silence) {
      silence = new AC();
      silence.suspend().catch(() => {});
    }
    return silence.createMediaStreamDestination().stream;
  } catch {
    return null;
  }
}

// Tests: the devices held before an accept ({callId, tracks: [{kind, enabled, live}]}), or null.
export async function heldMedia() {
  const m = pressMedia;
  const s = m && await m.promise;
  if (!s || m !== pressMedia) return null;
  return { callId: m.callId || null, tracks: s.getTracks().map((t) => ({ kind: t.kind, enabled: t.enabled, live: t.readyState === 'live' })) };
}
