// Switching a running call between voice and video, and recovering a lost path (PROTOCOL §6).
// Stock peerjs cannot renegotiate, so the visitor switches a running call by offering a second
// connection for the same call id (metadata.video = the new kind). It keeps the first one until the
// new one is connected, then closes it without a LEAVE; the console's old connection just closes.
import { hook, emit } from './state.js';
import { cs } from './call-state.js';
import { wsSend } from './socket.js';
import { renderCallCard } from './call-card.js';
import { getLocalMedia } from './local-media.js';
import { endCall, attachRemote, showLocalPreview, onMediaGone } from './calls.js';
import { closeMc } from './offers.js';

const SWITCH_ASK_MS = 30000; // the visitor gives up on its own after as long
const SWITCH_CONNECT_MS = 30000;
const REPLACED_MS = 10000; // an old connection the visitor did not close by then is closed here

// Still offered: not closed meanwhile (the visitor's LEAVE closes an unanswered offer silently).
export function stillOffered(mc) {
  const p = mc.provider;
  return !!p && !p.destroyed && p.getConnection(mc.peer, mc.connectionId) === mc;
}

// Tracks of `stream` that `keep` does not carry any more are stopped (the camera light goes off).
export function stopUnshared(stream, keep) {
  if (!stream) return;
  const kept = new Set(keep ? keep.getTracks() : []);
  for (const t of stream.getTracks()) if (!kept.has(t)) t.stop();
}

// ---------------------------------------------------------------- recovery (PROTOCOL §6 "Recovery")
// The visitor's path was lost (network change, outage, another page of the site): it offers a new
// connection for the same call with metadata.recover, of the kind the call has. It takes over like a
// switch, without asking the agent. Meanwhile a lost connection does not end the call at once.
const RECOVER_MS = 30000; // the visitor gives up after as long (CallConfig::recoverTimeoutMs)
const RECOVER_CLOSED_MS = 10000; // a connection the visitor closed: it is back within the server's grace, or gone
export const RECOVER_BIND_MS = 5000; // an offer from a new peer waits this long for the server's call_peer

export function onRecoverOffer(call, mc) {
  const meta = mc.metadata || {};
  if (meta.video !== !!call.video) return closeMc(mc); // same kinds only: a change of kind is a switch
  dropSwitch(call); // a newer attempt replaces one not connected yet
  answerSwitch(call, mc, !!call.video, true);
  return undefined;
}

export function loseMedia(call, reason) {
  if (call.lost) return;
  const lost = { reason };
  lost.timer = setTimeout(() => {
    if (cs.active === call && call.lost === lost) endCall(reason, true);
  }, reason === 'remote' ? RECOVER_CLOSED_MS : RECOVER_MS);
  call.lost = lost;
  hook.reconnecting = true;
  renderCallCard();
}

export function recovered(call) {
  if (!call.lost) return;
  clearTimeout(call.lost.timer);
  call.lost = null;
  hook.reconnecting = false;
}

export function onSwitchOffer(call, mc) {
  const meta = mc.metadata || {};
  // Only the visitor's own peer, naming this call, with the kind it wants.
  if (meta.callId !== call.callId || typeof meta.video !== 'boolean' || mc.peer !== call.remotePeerId) return closeMc(mc);
  // One request at a time: a newer one replaces one still unanswered or not connected yet.
  dropSwitch(call);
  if (!meta.video) return answerSwitch(call, mc, false); // back to voice needs no consent
  // The agent's camera turns on only with the agent's consent.
  const req = { mc, video: true };
  call.switchReq = req;
  hook.switchRequest = { video: true };
  const gone = () => {
    if (call.switchReq !== req) return;
    clearSwitchPrompt(call);
    closeMc(mc);
    renderCallCard();
  };
  mc.on('close', gone);
  req.timer = setTimeout(gone, SWITCH_ASK_MS);
  // An unanswered connection closes without 'close' (LEAVE): look for that while asking.
  req.poll = setInterval(() => stillOffered(mc) || gone(), 1000);
  renderCallCard();
  return undefined;
}

export function clearSwitchPrompt(call) {
  const req = call.switchReq;
  if (!req) return null;
  call.switchReq = null;
  hook.switchRequest = null;
  clearTimeout(req.timer);
  clearInterval(req.poll);
  return req;
}

// Drops the prompt and any switch not finished yet; the call stays on its current connection.
export function dropSwitch(call) {
  const req = clearSwitchPrompt(call);
  if (req) closeMc(req.mc);
  if (call.switching) abandonSwitch(call, call.switching);
}

export function acceptSwitch() {
  const call = cs.active;
  const req = call && clearSwitchPrompt(call);
  if (!req) return;
  renderCallCard();
  if (stillOffered(req.mc)) answerSwitch(call, req.mc, req.video);
  else closeMc(req.mc);
}

export function declineSwitch() {
  const call = cs.active;
  const req = call && clearSwitchPrompt(call);
  if (!req) return;
  closeMc(req.mc);
  wsSend('switch_decline', { visitorId: call.visitorId, callId: call.callId });
  renderCallCard();
}

// Local media for the new connection. The microphone track in use is reused (it keeps its mute
// state and its noise suppression); going to video adds a camera, or answers with the microphone only.
export async function switchMedia(call, video) {
  const mic = call.localStream ? call.localStream.getAudioTracks().filter((t) => t.readyState === 'live') : [];
  if (!mic.length) {
    const s = await getLocalMedia(video);
    if (s) s.getAudioTracks().forEach((t) => { t.enabled = !call.muted; });
    return s;
  }
  if (!video) return new MediaStream(mic);
  let cam = null;
  try {
    if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) cam = await navigator.mediaDevices.getUserMedia({ video: true });
  } catch (err) {
    console.warn('no camera for the switch', err && err.name);
  }
  return new MediaStream(cam ? [...mic, ...cam.getVideoTracks()] : mic);
}

export async function answerSwitch(call, mc, video, recover = false) {
  const sw = { mc, video, local: null, answered: false, remote: null, connected: false, oldGone: false, timer: 0 };
  call.switching = sw;
  mc.on('stream', (remote) => {
    if (call.switching === sw) {
      sw.remote = remote;
      maybeCommitSwitch(call, sw);
    } else if (call.mediaCall === mc) {
      attachRemote(call, remote);
    }
  });
  mc.on('iceStateChanged', (ice) => {
    if (ice !== 'connected' && ice !== 'completed') return;
    sw.connected = true;
    if (call.switching === sw) maybeCommitSwitch(call, sw);
  });
  mc.on('close', () => onMediaGone(call, mc, 'remote'));
  mc.on('error', (err) => {
    console.warn('switch connection error', err && err.type);
    onMediaGone(call, mc, 'failed');
  });
  const live = call.localStream ? call.localStream.getTracks().filter((t) => t.readyState === 'live') : [];
  // A recovery carries on with the tracks the call has (the camera stays as it is).
  const local = recover && live.length ? new MediaStream(live) : await switchMedia(call, video);
  if (cs.active !== call || call.switching !== sw) {
    stopUnshared(local, cs.active === call ? call.localStream : null);
    return;
  }
  sw.local = local;
  if (!stillOffered(mc)) {
    abandonSwitch(call, sw);
    return;
  }
  mc.answer(local || undefined);
  sw.answered = true;
  // The visitor gives up as well when the new connection does not come up.
  sw.timer = setTimeout(() => call.switching === sw && abandonSwitch(call, sw), SWITCH_CONNECT_MS);
}

// The new connection takes over once its stream is here and ICE connected (or the visitor already
// dropped the old one, which it does only after that). Moving over on the stream alone would hang up
// a call whose visitor gave the switch up before the new path came up.
export function maybeCommitSwitch(call, sw) {
  if (cs.active !== call || call.switching !== sw || !sw.remote) return;
  const pc = sw.mc.peerConnection;
  const ice = pc && pc.iceConnectionState;
  if (sw.connected || sw.oldGone || ice === 'connected' || ice === 'completed') commitSwitch(call, sw);
}

export function commitSwitch(call, sw) {
  clearTimeout(sw.timer);
  call.switching = null;
  recovered(call);
  if (call.replaced) {
    // A connection from an earlier switch still lingers: it is of no use now.
    clearTimeout(call.replaced.timer);
    closeMc(call.replaced.mc);
    call.replaced = null;
  }
  const old = { mc: call.mediaCall, local: call.localStream, remote: call.remoteStream, video: call.video, timer: 0 };
  if (!sw.oldGone && old.mc.open) {
    call.replaced = old;
    old.timer = setTimeout(() => {
      if (call.replaced !== old) return;
      call.replaced = null;
      closeMc(old.mc);
    }, REPLACED_MS);
  }
  call.mediaCall = sw.mc;
  call.localStream = sw.local;
  call.video = sw.video;
  stopUnshared(old.local, sw.local);
  attachRemote(call, sw.remote);
  showLocalPreview(call);
  renderCallCard();
  emit('media', { call, mc: sw.mc });
}

// The new connection failed or was given up before it took over: the call goes on as it was,
// unless the visitor already dropped the old one.
export function abandonSwitch(call, sw) {
  if (call.switching !== sw) return;
  call.switching = null;
  clearTimeout(sw.timer);
  closeMc(sw.mc);
  stopUnshared(sw.local, call.localStream);
  if (sw.oldGone && cs.active === call && !call.lost) endCall('failed', true);
}

// Back to the connection a switch replaced (see onMediaGone).
export function revertSwitch(call) {
  const old = call.replaced;
  const failed = call.mediaCall;
  call.replaced = null;
  clearTimeout(old.timer);
  stopUnshared(call.localStream, old.local);
  call.mediaCall = old.mc;
  call.localStream = old.local;
  call.video = old.video;
  closeMc(failed); // after an 'error' it may still be open; its 'close' no longer concerns the call
  if (old.remote) attachRemote(call, old.remote);
  showLocalPreview(call);
  renderCallCard();
  emit('media', { call, mc: old.mc });
}
