// "The visitor is still being asked for the microphone" on the call card. A widget rings while its
// browser asks the visitor for the microphone (docs/PROTOCOL.md §5 `mic`), so the agent may take the call
// before there is any sound to hear: the card says why it is silent, until the visitor allows it
// (frame call_mic) or the call ends. A feature module: it hears only frames and the console's events.
import { el } from './dom.js';
import { hook, on } from './state.js';
import { onFrame } from './frames.js';
import { cs, firstRing } from './call-state.js';

const asking = new Set(); // callIds whose visitor has not answered the browser's prompt yet
const line = document.createElement('p');
line.className = 'call-asking';
line.hidden = true;
line.setAttribute('role', 'status');
const zh = document.createTextNode('');
const en = document.createElement('span');
en.className = 'en';
line.append(zh, en);
el.callStatus.parentNode.insertBefore(line, el.callStatus.nextSibling);
hook.visitorAsking = false;

// After the core's handlers: the card shows the active call, else the first ring.
function render() {
  setTimeout(() => {
    const shown = cs.active || firstRing();
    const on = !!shown && asking.has(shown.callId);
    hook.visitorAsking = on;
    line.hidden = !on;
    if (!on) return;
    zh.data = shown.video ? '访客正在允许使用麦克风和摄像头… ' : '访客正在允许使用麦克风… ';
    en.textContent = shown.video ? 'The visitor is being asked for the microphone and camera' : 'The visitor is being asked for the microphone';
  }, 0);
}
const valid = (d) => d && typeof d.callId === 'string';

onFrame('call', (c) => {
  if (!valid(c)) return;
  if (c.asking === true) asking.add(c.callId);
  else asking.delete(c.callId);
  render();
});
onFrame('call_mic', (d) => {
  if (valid(d) && d.asking === false && asking.delete(d.callId)) render();
});
// Any ring's end may change which call the card shows.
onFrame('call_end', (d) => {
  if (!valid(d)) return;
  asking.delete(d.callId);
  render();
});
// A reloaded console: the open calls' frames say which visitors are still being asked.
onFrame('hello', (d) => {
  asking.clear();
  for (const c of (d && Array.isArray(d.calls) ? d.calls : [])) if (valid(c) && c.asking === true) asking.add(c.callId);
  render();
});
on('call-end', render);
on('accept', render); // the call taken may be another than the first ring
