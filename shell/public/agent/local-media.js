// The agent's microphone and camera for a call. Pressing 接受 is the decision: the microphone starts
// on the press, so the click finds it (nearly) ready; a press that does not become a click releases it.
import { cs } from './call-state.js';

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


let pressMedia = null; // {video, promise, timer}
export function dropPressMedia() {
  if (!pressMedia) return;
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
  return m.promise;
}
export function pressAccept(ring) {
  if (!ring || cs.active || pressMedia) return;
  pressMedia = { video: !!ring.video, promise: getLocalMedia(!!ring.video), timer: setTimeout(dropPressMedia, 3000) };
}
