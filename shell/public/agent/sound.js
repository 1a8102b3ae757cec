// Sounds of the console, synthesized with WebAudio (no audio file): a two-tone ring repeated while a
// call rings, a short chime for a message. Browsers start an AudioContext suspended until the page
// gets a click or key press; after a reload that has not happened yet, so a visible prompt asks for
// one (#sound-prompt) and any press anywhere unlocks the sound.
const RING_EVERY_MS = 2200;

export function createSound({ prompt, hook }) {
  let ctx = null;
  let ringTimer = 0;
  hook.beeps = 0; // tones actually played (on a running context), for tests
  hook.soundUnlocked = false;

  const running = () => !!ctx && ctx.state === 'running';
  function showState() {
    hook.soundUnlocked = running();
    if (prompt) prompt.hidden = running();
  }

  // Without a press the context stays suspended; with one it runs. Safe to call any time.
  function unlock() {
    try {
      if (!ctx) {
        ctx = new (window.AudioContext || window.webkitAudioContext)();
        ctx.addEventListener('statechange', showState);
      }
      if (ctx.state === 'suspended') ctx.resume().then(showState, showState);
    } catch {
      ctx = null;
    }
    showState();
  }

  function tone(at, freq, peak = 0.08, length = 0.35) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(peak, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + length);
    osc.connect(gain).connect(ctx.destination);
    osc.start(at);
    osc.stop(at + length + 0.05);
    hook.beeps++;
  }

  // Tones on a suspended context would be queued silently: they are played only while it runs.
  function play(tones) {
    if (!running()) return;
    try {
      const t = ctx.currentTime;
      for (const [dt, freq, peak, length] of tones) tone(t + dt, freq, peak, length);
    } catch {
      /* audio unavailable */
    }
  }

  function ring(on) {
    if (!on) {
      clearInterval(ringTimer);
      ringTimer = 0;
      return;
    }
    if (ringTimer) return;
    const once = () => play([[0, 660], [0.45, 880]]);
    once();
    ringTimer = setInterval(once, RING_EVERY_MS);
  }

  const chime = () => play([[0, 988, 0.05, 0.18], [0.12, 1319, 0.05, 0.25]]);

  // The first press anywhere unlocks; the prompt is a button for that press.
  for (const type of ['pointerdown', 'keydown']) document.addEventListener(type, unlock, { capture: true });
  if (prompt) prompt.addEventListener('click', unlock);

  return { unlock, ring, chime, running };
}
