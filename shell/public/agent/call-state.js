// What the call modules share: the rings waiting for an answer and the call on the card.
export const rings = new Map(); // callId -> call frame, waiting for an answer
export const cs = {
  active: null, // { callId, visitorId, name, video, state, peer, mediaCall, localStream, remoteStream, ... }
  ended: null, // shown briefly after the end
  endedTimer: 0,
  tickTimer: 0,
};
export const firstRing = () => rings.values().next().value || null;
