// Consecutive messages from the same side (and the same agent) within a few minutes form a group,
// as in the widget: one timestamp, under the last message of the group.
const GAP_MS = 5 * 60 * 1000;

const sameRun = (a, b) => a.dataset.from === b.dataset.from && a.dataset.from !== 'system'
  && (a.dataset.agent || '') === (b.dataset.agent || '')
  && Math.abs(Number(b.dataset.time) - Number(a.dataset.time)) < GAP_MS;
// Pending and failed messages keep their line: it says what happened to them.
const quiet = (m) => !m.classList.contains('pending') && !m.classList.contains('failed');

export function groupMessages(list) {
  const msgs = [...list.children].filter((n) => n.classList.contains('msg'));
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i];
    const next = msgs[i + 1];
    const prev = msgs[i - 1];
    const joinsNext = !!next && m.nextElementSibling === next && sameRun(m, next) && quiet(m);
    m.classList.toggle('grouped', joinsNext);
    m.classList.toggle('cont', !!prev && prev.nextElementSibling === m && sameRun(prev, m));
  }
}
