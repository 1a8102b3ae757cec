// Console feature module: a link to the admin page for admins, and a 留言 mark on every conversation
// whose visitor left an e-mail or phone number while nobody could answer (summary `contactLeft`, which
// the server clears when an agent replies). Rows belong to visitors.js: the marks are kept on them
// from the outside, whenever the list changes.
import { el } from './dom.js';
import { state, on } from './state.js';
import { node } from './util.js';
import { onFrame } from './frames.js';

const css = node('link');
css.rel = 'stylesheet';
css.href = '/agent/admin.css';
document.head.append(css);

on('enter', ({ agent } = {}) => {
  const old = document.getElementById('admin-link');
  if (old) old.remove();
  if (!agent || agent.role !== 'admin') return;
  const a = node('a', 'btn small admin-link', '管理 ');
  a.id = 'admin-link';
  a.href = '/agent/admin.html';
  a.append(node('span', 'en', 'Admin'));
  const name = document.getElementById('agent-name');
  name.parentNode.insertBefore(a, name);
});
on('leave', () => {
  const old = document.getElementById('admin-link');
  if (old) old.remove();
});

function markRows() {
  for (const li of el.visitorList.querySelectorAll('li[data-visitor-id]')) {
    const v = state.visitors.get(li.dataset.visitorId);
    const c = v && v.contactLeft;
    let mark = li.querySelector('.contact-mark');
    if (!c) {
      if (mark) mark.remove();
      continue;
    }
    const title = `${c.reason === 'hours' ? '非工作时间留言 Left outside business hours' : '无人接待时留言 Left while nobody was available'}: ${[v.email, v.phone].filter(Boolean).join(' / ')}`;
    if (!mark) {
      mark = node('span', 'contact-mark', '留言');
      li.append(mark);
    }
    if (mark.title !== title) mark.title = title;
  }
}
let queued = false;
function schedule() {
  if (queued) return;
  queued = true;
  // A timer, not an animation frame: a console in a background window must keep its marks current too.
  setTimeout(() => {
    queued = false;
    markRows();
  }, 0);
}
// After the list's own handling of the frame (a summary may change nothing the row shows), and whenever
// the list redraws rows.
onFrame('hello', schedule);
onFrame('visitor', schedule);
new MutationObserver(schedule).observe(el.visitorList, { childList: true, subtree: true, characterData: true });
