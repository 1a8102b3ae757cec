// Call quality and the visitor's microphone on the call card: the connection's round-trip time, loss,
// jitter and bitrate from getStats once every 1.5 s while a call runs, shown as three bars (good / fair /
// poor) with a "poor connection" line, and 访客已静音 while the visitor is muted (frame call_mute).
// A feature module: it hears the call through the console's events and frames, nothing else.
import { el } from './dom.js';
import { hook, on } from './state.js';
import { onFrame } from './frames.js';
import { cs } from './call-state.js';

// The widget's thresholds (src/core/call_quality.hpp), so both sides of a call name the same level.
const LIMITS = [['rttMs', 250, 500], ['lossPct', 2, 8], ['jitterMs', 30, 60]];
const LEVELS = ['unknown', 'good', 'fair', 'poor'];
export function classify(s) {
  let q = 0;
  for (const [k, fair, poor] of LIMITS) {
    const v = s[k];
    if (typeof v === 'number' && v >= 0) q = Math.max(q, v >= poor ? 3 : v >= fair ? 2 : 1);
  }
  return q;
}
const TEXT = {
  good: ['通话质量良好', 'Good connection'],
  fair: ['通话质量一般', 'Fair connection'],
  poor: ['网络较差，通话可能不清晰', 'Poor connection: the call may break up'],
};

const link = document.createElement('link');
link.rel = 'stylesheet';
link.href = '/agent/quality.css';
document.head.appendChild(link);

const box = document.createElement('p');
box.className = 'call-quality';
box.hidden = true;
box.setAttribute('role', 'status'); // a change of level is announced, not each sample
const bars = document.createElement('span');
bars.className = 'bars';
bars.setAttribute('aria-hidden', 'true');
for (let i = 0; i < 3; i++) bars.appendChild(document.createElement('i'));
const label = document.createElement('span');
box.append(bars, label);
const muted = document.createElement('p');
muted.className = 'call-muted';
muted.hidden = true;
muted.setAttribute('role', 'status');
muted.textContent = '访客已静音 ';
const mutedEn = document.createElement('span');
mutedEn.className = 'en';
mutedEn.textContent = 'The visitor muted the microphone';
muted.appendChild(mutedEn);
el.callStatus.after(box, muted);

let poll = 0;
let pc = null;
let prev = null;
let shown = 0;
let betterRun = 0;
hook.callQuality = null; // {level, rttMs, lossPct, jitterMs, kbpsIn, kbpsOut} while a call runs
hook.visitorMuted = false;

function show(level) {
  box.hidden = !level;
  if (!level) return;
  const name = LEVELS[level];
  box.dataset.level = name;
  const [zh, en] = TEXT[name];
  label.textContent = `${zh} ${en}`;
}

async function sample() {
  // The call's connection now: a switch or a recovery may have replaced the one the poll started with.
  const mc = cs.active && cs.active.mediaCall;
  if (mc && mc.peerConnection && mc.peerConnection !== pc) {
    pc = mc.peerConnection;
    prev = null;
  }
  const conn = pc;
  if (!conn || conn.connectionState !== 'connected') return;
  let report;
  try {
    report = await conn.getStats();
  } catch {
    return;
  }
  if (conn !== pc) return;
  const now = performance.now();
  let lost = 0, got = 0, bin = 0, bout = 0, jitter = -1, rrtt = -1, rloss = -1, sel = null;
  const pairs = new Map();
  report.forEach((s) => {
    if (s.type === 'inbound-rtp') {
      lost += s.packetsLost || 0;
      got += s.packetsReceived || 0;
      bin += s.bytesReceived || 0;
      if (s.jitter >= 0) jitter = Math.max(jitter, s.jitter * 1000);
    } else if (s.type === 'outbound-rtp') bout += s.bytesSent || 0;
    else if (s.type === 'remote-inbound-rtp') {
      if (s.fractionLost >= 0) rloss = Math.max(rloss, s.fractionLost * 100);
      if (s.roundTripTime >= 0) rrtt = Math.max(rrtt, s.roundTripTime * 1000);
    } else if (s.type === 'candidate-pair') pairs.set(s.id, s);
    else if (s.type === 'transport' && s.selectedCandidatePairId) sel = s.selectedCandidatePairId;
  });
  const pair = pairs.get(sel) || [...pairs.values()].find((p) => p.nominated && p.state === 'succeeded');
  const rtt = pair && pair.currentRoundTripTime >= 0 ? pair.currentRoundTripTime * 1000 : rrtt;
  let loss = -1;
  const dt = prev ? now - prev.t : 0;
  if (prev) {
    const dl = Math.max(0, lost - prev.lost), dg = Math.max(0, got - prev.got);
    if (dl + dg > 0) loss = (100 * dl) / (dl + dg);
  }
  loss = Math.max(loss, rloss);
  const round = (x) => (x < 0 ? null : Math.round(x * 10) / 10);
  const figures = {
    rttMs: round(rtt), lossPct: round(loss), jitterMs: round(jitter),
    kbpsIn: dt > 0 ? round((Math.max(0, bin - prev.bin) * 8) / dt) : null,
    kbpsOut: dt > 0 ? round((Math.max(0, bout - prev.bout) * 8) / dt) : null,
  };
  prev = { t: now, lost, got, bin, bout };
  // Worse shows at once, better after two samples in a row (as the widget does).
  const q = classify({ rttMs: rtt, lossPct: loss, jitterMs: jitter });
  if (q) {
    if (!shown || q >= shown) {
      shown = q;
      betterRun = 0;
    } else if (++betterRun >= 2) {
      shown = q;
      betterRun = 0;
    }
  }
  hook.callQuality = { level: LEVELS[shown], ...figures };
  if (box.dataset.level !== LEVELS[shown] || box.hidden) show(shown);
}

function stop() {
  clearInterval(poll);
  poll = 0;
  pc = null;
  prev = null;
  shown = 0;
  betterRun = 0;
  hook.callQuality = null;
  show(0);
}

function setMuted(on) {
  hook.visitorMuted = on;
  muted.hidden = !on;
}

// The call's media connection, at the answer and after each voice/video switch or recovery.
on('media', ({ mc }) => {
  if (!mc || !mc.peerConnection) return;
  if (pc !== mc.peerConnection) prev = null;
  pc = mc.peerConnection;
  if (!poll) poll = setInterval(sample, 1500);
  sample();
});
on('call-end', () => {
  stop();
  setMuted(false);
});
onFrame('call_mute', (d) => {
  if (!d || typeof d.muted !== 'boolean' || !cs.active || d.callId !== cs.active.callId) return;
  setMuted(d.muted);
});
// A reloaded console: the running call's frame says whether its visitor is muted.
onFrame('hello', (d) => {
  const mine = cs.active && ((d && d.calls) || []).find((c) => c.callId === cs.active.callId);
  setMuted(!!(mine && mine.muted === true));
});
