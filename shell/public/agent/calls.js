// Calls: rings (in the order they came), accepting one (answered from the standing peer), the media
// connection that carries it, rejecting, and ending it. The switch between voice and video and the
// recovery of a lost path are in call-switch.js; offers held before the accept in offers.js.
import { el } from './dom.js';
import { state, hook, emit } from './state.js';
import { bilingual } from './util.js';
import { rings, cs, firstRing } from './call-state.js';
import { shift } from './shift-ui.js';
import { wsSend } from './socket.js';
import { select } from './conversation.js';
import { renderCallCard, setCallState, showEnded } from './call-card.js';
import { getLocalMedia, takePressMedia, pressAccept, ringMedia, dropRingMedia, heldMedia, placeholderAudio } from './local-media.js';
import { standing, standingOpen, startStanding, stopStanding } from './standing-peer.js';
import { closeMc, answerable, takeHeld, release, claimStrays, answeringAhead } from './offers.js';
import {
  clearSwitchPrompt, acceptSwitch, declineSwitch, loseMedia, revertSwitch, abandonSwitch, maybeCommitSwitch, onRecoverOffer, stillOffered,
} from './call-switch.js';

const unlockAudio = () => shift.unlockAudio();

export function onRing(c) {
  if (!c || !c.callId) return;
  if (cs.active && cs.active.callId === c.callId) return;
  addRing(c);
  // The card in a task of its own, after what is already queued: an offer that came with the ring (on
  // the other socket) is then answered before the card's first picture rather than after it.
  setTimeout(() => {
    if (!rings.has(c.callId)) return;
    if (!cs.active) setCallState('ringing');
    renderCallCard();
  }, 0);
}

// The visitor took its running call up from a new PeerJS registration (POST /2/callKefu rebind): only
// offers from that peer are answered from now on, and one that came first is answered now.
export function onCallPeer(d) {
  const call = cs.active;
  if (!d || !call || d.callId !== call.callId || typeof d.peerId !== 'string') return;
  call.remotePeerId = d.peerId;
  const waiting = call.pendingRecover;
  call.pendingRecover = null;
  if (waiting) {
    clearTimeout(waiting.timer);
    if (waiting.mc.peer === d.peerId && stillOffered(waiting.mc)) onRecoverOffer(call, waiting.mc);
    else closeMc(waiting.mc);
  }
}

export function onCallEnd(d) {
  if (!d) return;
  if (cs.active && cs.active.callId === d.callId) {
    endCall(d.reason || 'ended', false);
    return;
  }
  const ring = rings.get(d.callId);
  if (ring) {
    rings.delete(d.callId);
    release(d.callId);
    dropRingMedia(d.callId);
    if (cs.active) renderCallCard();
    else showEnded({ ...ring, endReason: d.reason });
  }
}

// The calls still ringing according to the server's hello: stale rings go, missed ones come.
export function syncRings(calls) {
  const ringing = new Set(calls.filter((c) => c.state === 'ringing').map((c) => c.callId));
  for (const id of [...rings.keys()]) {
    if (!ringing.has(id)) {
      rings.delete(id);
      release(id);
      dropRingMedia(id);
    }
  }
  for (const c of calls) {
    if (c.state === 'ringing' && (!cs.active || cs.active.callId !== c.callId)) addRing(c);
  }
}

// Rings keep the order they came in (oldest first) and the time this console first saw them. A new
// one first takes the offer that came ahead of it (answered at once when it holds its media), then the
// rest: the answer is what the visitor waits for.
export function addRing(c) {
  const old = rings.get(c.callId);
  rings.set(c.callId, { ...c, at: old ? old.at : Date.now() });
  claimStrays(c);
  if (old) return;
  ringMedia(rings.get(c.callId), () => answeringAhead(c.callId));
  shift.ring(c);
}
hook.heldMedia = heldMedia;

export async function acceptCall(callId) {
  const ring = callId ? rings.get(callId) : firstRing();
  if (!ring || cs.active) return;
  rings.delete(ring.callId);
  clearTimeout(cs.endedTimer);
  cs.ended = null;
  const call = {
    callId: ring.callId, visitorId: ring.visitorId, name: ring.name, video: !!ring.video, remotePeerId: ring.peerId || null,
    state: 'connecting', peer: null, peerId: null, mediaCall: null, heldMc: takeHeld(ring.callId), early: false,
    accepted: false, confirmed: false, confirmWs: null, confirmAt: 0,
    localStream: null, remoteStream: null, media: null, startedAt: 0, endedAt: 0, endReason: null, muted: false,
    switchReq: null, switching: null, replaced: null, // voice <-> video switch, see onSwitchOffer
    lost: null, pendingRecover: null, // recovery, see onRecoverOffer
  };
  cs.active = call;
  hook.lastCall = call;
  emit('accept', { call });
  // The microphone first: it is what the answer waits for. The conversation view follows once the
  // answer is out, so its rendering does not compete with setting up the call.
  const pressed = takePressMedia(call.video);
  call.micOnPress = !!pressed;
  call.media = (pressed || getLocalMedia(call.video)).then((s) => {
    call.mediaReady = true;
    if (cs.active !== call) {
      if (s) s.getTracks().forEach((t) => t.stop());
      return null;
    }
    call.localStream = s;
    showLocalPreview(call);
    renderCallCard();
    return s;
  });
  showConversationSoon(call, 1000); // or sooner, once the answer is out (answerMedia)
  setCallState('connecting');
  renderCallCard();

  let peer;
  try {
    peer = await standingOpen(10000);
  } catch (err) {
    console.error('no peer to answer with', err && err.message);
    if (cs.active === call) endCall('error', true);
    return;
  }
  if (cs.active !== call) return;
  call.peer = peer;
  call.peerId = peer.id;
  if (!wsSend('accept', { visitorId: call.visitorId, peerId: peer.id, callId: call.callId })) {
    endCall('error', false);
    return;
  }
  call.accepted = true;
  // The server answers frames in order: a pong after this ping without an error before it means the
  // accept was taken. A refusal must end the call even when an early offer already made it in-call.
  if (wsSend('ping', {})) {
    state.pingsSent++;
    call.confirmWs = state.ws;
    call.confirmAt = state.pingsSent;
  }
  // The visitor's offer should arrive within seconds of the accept.
  call.connectTimer = setTimeout(() => cs.active === call && call.state === 'connecting' && endCall('failed', true), 30000);
  const early = call.heldMc;
  call.heldMc = null;
  if (early && answerable(early)) {
    call.early = true;
    answerMedia(call, early);
  } else if (early) {
    closeMc(early); // closed meanwhile: the visitor sends a new offer after the accept
  }
}

// After socket.js counted the pong: the accept was taken when no error came before this pong.
export function confirmAccept() {
  const call = cs.active;
  if (call && call.accepted && !call.confirmed && call.confirmWs === state.ws && state.pongsSeen >= call.confirmAt) {
    call.confirmed = true;
  }
}

// The conversation view (a history fetch and a full render) waits until the answer has been made, so it
// does not compete with setting up the call; the call card shows the call meanwhile.
export function showConversationSoon(call, ms) {
  clearTimeout(call.selectTimer);
  call.selectTimer = setTimeout(() => {
    if (cs.active === call && state.selected !== call.visitorId) select(call.visitorId);
  }, ms);
}

export async function answerMedia(call, mc) {
  call.mediaCall = mc;
  call.remotePeerId = mc.peer;
  call.resumes = !!(mc.metadata && mc.metadata.resumes === true);
  clearTimeout(call.connectTimer);
  // Answered while it rang (offers.js preAnswer): only the microphone goes in now.
  const ahead = mc.ahead;
  mc.ahead = null;
  // A voice call is answered at once, the microphone put in when it is there (ICE and DTLS meanwhile).
  const early = !ahead && !call.mediaReady && !call.video && placeholderAudio();
  const local = ahead || early || await call.media;
  if (cs.active !== call) return; // endCall closed the connection
  if (ahead) {
    fillSender(call, mc.peerConnection, ahead.sender);
  } else {
    mc.answer(local || undefined);
    if (early) fillSender(call, mc.peerConnection, silence(mc, early));
  }
  showConversationSoon(call, 300);
  call.state = 'in-call';
  call.startedAt = Date.now();
  setCallState('in-call');
  renderCallCard();
  mc.on('stream', (remote) => call.mediaCall === mc && attachRemote(call, remote));
  if (ahead && ahead.stream) attachRemote(call, ahead.stream);
  mc.on('close', () => onMediaGone(call, mc, 'remote'));
  mc.on('error', (err) => {
    console.warn('media connection error', err);
    onMediaGone(call, mc, 'failed');
  });
  emit('media', { call, mc });
}

// The answer went out with a placeholder track: the sender sends nothing (no track) until the
// microphone replaces it.
function silence(mc, placeholder) {
  const pc = mc.peerConnection;
  const sender = pc && pc.getSenders().find((s) => s.track && s.track.kind === 'audio');
  placeholder.getTracks().forEach((t) => t.stop());
  if (sender) sender.replaceTrack(null).catch(() => {});
  return sender;
}
function fillSender(call, pc, sender) {
  if (!sender) return;
  call.media.then((s) => {
    const mic = s && s.getAudioTracks()[0];
    if (mic && cs.active === call && pc.signalingState !== 'closed') sender.replaceTrack(mic).catch((e) => console.warn('replaceTrack', e));
  });
}

// Plays the visitor's stream: in the video element when it carries video, else in the audio element.
// 'stream' comes once per track, so a later call may move it to the video element.
export function attachRemote(call, remote) {
  if (cs.active !== call || !remote) return;
  call.remoteStream = remote;
  const video = remote.getVideoTracks().length > 0;
  const [show, hide] = video ? [el.remoteVideo, el.remoteAudio] : [el.remoteAudio, el.remoteVideo];
  if (hide.srcObject) {
    hide.pause();
    hide.srcObject = null;
  }
  hide.hidden = true;
  if (show.srcObject !== remote) show.srcObject = remote;
  show.hidden = false;
  show.play().catch(() => {});
}

// The agent's own camera preview, shown while the call is a video call with a camera.
export function showLocalPreview(call) {
  const s = call.localStream;
  if (call.video && s && s.getVideoTracks().length) {
    if (el.localVideo.srcObject !== s) el.localVideo.srcObject = s;
    el.localVideo.hidden = false;
    el.localVideo.play().catch(() => {});
  } else {
    el.localVideo.pause();
    el.localVideo.srcObject = null;
    el.localVideo.hidden = true;
  }
}

// The call's media connection (current or replaced by a switch) closed or failed.
export function onMediaGone(call, mc, reason) {
  if (cs.active !== call) return;
  const old = call.replaced;
  if (old && old.mc === mc) {
    // The connection a switch replaced: the visitor drops it once the new one is up.
    clearTimeout(old.timer);
    call.replaced = null;
    return;
  }
  const sw = call.switching;
  if (sw && sw.mc === mc) return abandonSwitch(call, sw);
  if (call.mediaCall !== mc) return undefined;
  if (call.lost) return undefined; // already waiting for the visitor to come back
  if (sw && sw.answered) {
    // The visitor drops the old connection only once the new one is connected on its side.
    sw.oldGone = true;
    return maybeCommitSwitch(call, sw);
  }
  // The visitor gave up a switch we already moved to (its new connection never came up on its side)
  // and still talks over the connection it had: go back to that one.
  if (old && old.mc.open) return revertSwitch(call);
  // A stock-peerjs visitor hangs up by closing the connection and never re-dials: end at once.
  if (!call.resumes) return endCall(reason, true);
  return loseMedia(call, reason); // the visitor re-dials (recovery) or the server ends the call
}

export function rejectCall(callId) {
  const ring = callId ? rings.get(callId) : firstRing();
  if (!ring) return;
  rings.delete(ring.callId);
  release(ring.callId);
  dropRingMedia(ring.callId);
  wsSend('reject', { visitorId: ring.visitorId, callId: ring.callId });
  if (cs.active) return renderCallCard(); // a queued ring turned down during a call: the call stays
  hook.lastCall = { callId: ring.callId, visitorId: ring.visitorId, video: !!ring.video, state: 'ended', endReason: 'rejected', peerId: null, remoteStream: null };
  showEnded({ ...ring, endReason: 'rejected' });
}

// Ends the running call: media closed, tracks stopped, UI back within a moment. The standing peer
// stays for the next call; only a peer already replaced meanwhile is destroyed.
export function endCall(reason, notifyServer) {
  const call = cs.active;
  if (!call) return;
  cs.active = null;
  clearTimeout(call.connectTimer);
  call.state = 'ended';
  call.endReason = reason;
  call.endedAt = Date.now();
  if (notifyServer) {
    // When the media closed on the visitor's side, its own hang-up report (with its duration) usually
    // reaches the server first; ours follows as a safety net and is ignored for an ended call.
    const report = () => wsSend('hangup', { visitorId: call.visitorId, callId: call.callId });
    if (reason === 'remote') setTimeout(report, 1500);
    else report();
  }
  // A switch in progress has a second connection (and maybe a camera) of its own: both go.
  if (call.lost) clearTimeout(call.lost.timer);
  if (call.pendingRecover) {
    clearTimeout(call.pendingRecover.timer);
    closeMc(call.pendingRecover.mc);
  }
  call.lost = null;
  call.pendingRecover = null;
  hook.reconnecting = false;
  const { switchReq: req, switching: sw, replaced: old } = call;
  clearSwitchPrompt(call);
  for (const x of [req, sw, old]) if (x) clearTimeout(x.timer);
  call.switching = null;
  call.replaced = null;
  for (const mc of [call.mediaCall, call.heldMc, req && req.mc, sw && sw.mc, old && old.mc]) if (mc) closeMc(mc);
  call.heldMc = null;
  for (const s of [call.localStream, call.remoteStream, sw && sw.local, old && old.local]) if (s) s.getTracks().forEach((t) => t.stop());
  if (call.peer && call.peer !== standing.peer) {
    try {
      call.peer.destroy();
    } catch {
      /* already destroyed */
    }
  }
  for (const m of [el.remoteVideo, el.remoteAudio, el.localVideo]) {
    m.pause();
    m.srcObject = null;
    m.hidden = true;
  }
  setCallState('ended');
  showEnded(call);
  emit('call-end', { call });
}

el.callAccept.addEventListener('pointerdown', () => pressAccept(firstRing()));
el.callAccept.addEventListener('click', () => {
  unlockAudio();
  acceptCall();
});
el.callReject.addEventListener('click', () => rejectCall());
// The queue's own buttons act on their ring.
const queuedRing = (e, cls) => {
  const b = e.target.closest(`button.${cls}`);
  const li = b && b.closest('.ring-item');
  return li ? rings.get(li.dataset.callId) || null : null;
};
el.callQueue.addEventListener('pointerdown', (e) => pressAccept(queuedRing(e, 'ring-accept')));
el.callQueue.addEventListener('click', (e) => {
  const accept = queuedRing(e, 'ring-accept');
  if (accept) {
    unlockAudio();
    acceptCall(accept.callId);
    return;
  }
  const reject = queuedRing(e, 'ring-reject');
  if (reject) rejectCall(reject.callId);
});
el.callHangup.addEventListener('click', () => endCall('agent', true));
el.switchAccept.addEventListener('click', acceptSwitch);
el.switchDecline.addEventListener('click', declineSwitch);
el.callMute.addEventListener('click', () => {
  const call = cs.active;
  if (!call || !call.localStream) return;
  call.muted = !call.muted;
  call.localStream.getAudioTracks().forEach((t) => {
    t.enabled = !call.muted;
  });
  el.callMute.replaceChildren(call.muted ? bilingual('取消静音', 'Unmute') : bilingual('静音', 'Mute'));
});
window.addEventListener('beforeunload', () => {
  if (cs.active) endCall('agent', true);
});
window.addEventListener('pagehide', () => {
  if (cs.active) endCall('agent', true);
  stopStanding();
});
// Back from the back/forward cache: register again.
window.addEventListener('pageshow', (e) => {
  if (e.persisted && state.agent) startStanding();
});

// An error frame right after our accept, before its pong: the accept was refused (answered
// elsewhere, or the call ended meanwhile).
export function onCallError(e) {
  if (cs.active && cs.active.accepted && !cs.active.confirmed && (e.code === 'conflict' || e.code === 'not_found')) {
    endCall('refused', false);
  }
}
