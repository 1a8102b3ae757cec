// Offers (PeerJS media connections) reaching the standing peer. A ringing call's offer is held until
// the agent accepts: unanswered (stock peerjs keeps the caller's candidates until answer(), so nothing
// reaches the agent's media), or, for a widget's voice offer that holds its media until the accept
// (metadata holdsMedia:true), answered at once with a sender that sends nothing (preAnswer), so ICE and
// DTLS are done by the accept. Offers for a running call are a switch or a recovery (call-switch.js).
import { rings, cs } from './call-state.js';
import { hook } from './state.js';
import { standing } from './standing-peer.js';
import { answerMedia } from './calls.js';
import { placeholderAudio } from './local-media.js';
import { onRecoverOffer, onSwitchOffer, RECOVER_BIND_MS } from './call-switch.js';

export const held = new Map(); // callId -> MediaConnection offered while that call rings
export const strays = []; // [{ mc, timer }] offers that overtook their ring frame
const STRAY_MS = 5000;
const MAX_STRAYS = 8;

export function closeMc(mc) {
  try {
    mc.close();
  } catch {
    /* already closed */
  }
}

// An offer belongs to a call only when it comes from the peer the server bound to that call's visitor
// (the ring's peerId); one that names a call in its metadata must name this one.
export function offerFor(mc, callId, visitorPeerId) {
  if (!visitorPeerId || mc.peer !== visitorPeerId) return false;
  const named = mc.metadata && typeof mc.metadata.callId === 'string' ? mc.metadata.callId : null;
  return !named || named === callId;
}

// Still answerable: on the current standing peer and not closed (a visitor's LEAVE closes an
// unanswered connection without a 'close' event).
export function answerable(mc) {
  const p = mc.provider;
  return !!p && p === standing.peer && !p.destroyed && p.getConnection(mc.peer, mc.connectionId) === mc;
}

export function hold(callId, mc) {
  const old = held.get(callId);
  if (old && old !== mc) closeMc(old); // the visitor sent a fresh offer
  held.set(callId, mc);
  mc.on('close', () => {
    if (held.get(callId) === mc) held.delete(callId);
  });
}

// A stock-peerjs caller (the seed page) sends its microphone the moment it is answered: its offer stays
// unanswered. The widget's says it sends nothing until the accept frame; its remote stream is kept for
// the accept (mc.ahead.stream) and nothing is played before it. The agent's sender has no track until
// the accept puts the microphone in (calls.js answerMedia).
function preAnswer(ring, mc) {
  const meta = mc.metadata || {};
  if (meta.holdsMedia !== true || meta.video === true || ring.video || mc.ahead !== undefined || !answerable(mc)) return;
  const ph = placeholderAudio();
  if (!ph) return;
  try {
    mc.answer(ph);
  } catch (e) {
    console.warn('early answer', e);
    closeMc(mc);
    return;
  }
  const pc = mc.peerConnection;
  const sender = pc && pc.getSenders().find((s) => s.track && s.track.kind === 'audio');
  ph.getTracks().forEach((t) => t.stop());
  if (sender) sender.replaceTrack(null).catch(() => {});
  const ahead = (mc.ahead = { sender, stream: null });
  mc.on('stream', (st) => { ahead.stream = st; });
  mc.on('error', () => mc.ahead && closeMc(mc)); // the visitor offers afresh after the accept
}

// Tests: the RTCPeerConnection of a ringing call's offer answered ahead (the first ring's, or that
// call's), or null; and whether the offer held for a ring was answered.
const heldFor = (callId) => (callId ? held.get(callId) : held.values().next().value);
export const answeringAhead = (callId) => {
  const mc = heldFor(callId);
  return (mc && mc.ahead && mc.peerConnection) || null;
};
hook.earlyConnection = answeringAhead;
hook.heldOffer = (callId) => {
  const mc = heldFor(callId);
  return mc ? { answered: !!mc.peerConnection, holdsMedia: !!(mc.metadata && mc.metadata.holdsMedia === true) } : null;
};

export function release(callId) {
  const mc = held.get(callId);
  if (!mc) return;
  held.delete(callId);
  closeMc(mc);
}

export function takeHeld(callId) {
  const mc = held.get(callId);
  if (!mc) return null;
  held.delete(callId);
  if (answerable(mc)) return mc;
  closeMc(mc);
  return null;
}

export function stray(mc) {
  if (strays.length >= MAX_STRAYS) {
    const oldest = strays.shift();
    clearTimeout(oldest.timer);
    closeMc(oldest.mc);
  }
  const s = { mc };
  s.timer = setTimeout(() => {
    const i = strays.indexOf(s);
    if (i !== -1) strays.splice(i, 1);
    closeMc(mc);
  }, STRAY_MS);
  strays.push(s);
}

export function claimStrays(ring) {
  for (const s of [...strays]) {
    if (!offerFor(s.mc, ring.callId, ring.peerId)) continue;
    strays.splice(strays.indexOf(s), 1);
    clearTimeout(s.timer);
    if (!answerable(s.mc)) {
      closeMc(s.mc);
      continue;
    }
    hold(ring.callId, s.mc);
    preAnswer(ring, s.mc);
  }
}

export function onIncomingMedia(p, mc) {
  const call = cs.active;
  const meta = mc.metadata || {};
  if (call && meta.recover === true && call.peer === p && call.state === 'in-call' && meta.callId === call.callId) {
    if (mc.peer === call.remotePeerId) return onRecoverOffer(call, mc);
    // From a new registration of the visitor: answered only once the server names it (call_peer).
    if (call.pendingRecover) {
      clearTimeout(call.pendingRecover.timer);
      closeMc(call.pendingRecover.mc);
    }
    const w = { mc };
    w.timer = setTimeout(() => {
      if (call.pendingRecover !== w) return;
      call.pendingRecover = null;
      closeMc(mc);
    }, RECOVER_BIND_MS);
    call.pendingRecover = w;
    return undefined;
  }
  // A second offer for a call in progress asks to switch it between voice and video. It may come to
  // a peer that was replaced meanwhile, as long as the call still runs on it.
  if (call && call.peer === p && call.state === 'in-call' && call.mediaCall && offerFor(mc, call.callId, call.remotePeerId)) {
    return onSwitchOffer(call, mc);
  }
  if (p !== standing.peer) return closeMc(mc);
  if (call && offerFor(mc, call.callId, call.remotePeerId)) {
    if (call.state !== 'connecting' || call.mediaCall) return closeMc(mc); // already answered
    if (call.accepted && call.peer === p) return answerMedia(call, mc);
    // Accepted, but the accept frame waits for the peer to open: answered right after it.
    if (call.heldMc && call.heldMc !== mc) closeMc(call.heldMc);
    call.heldMc = mc;
    return undefined;
  }
  for (const ring of rings.values()) {
    if (offerFor(mc, ring.callId, ring.peerId)) {
      hold(ring.callId, mc);
      return preAnswer(ring, mc);
    }
  }
  return stray(mc);
}
