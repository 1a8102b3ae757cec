// Keyboard shortcuts: move through the visitor list, open a conversation, reply, search, and a ? overlay
// listing them all (the same list as the help line under the visitor list). A feature module.
import { el } from './dom.js';
import { state, hook } from './state.js';
import { $ } from './util.js';
import { rows, holdLayout } from './visitors.js';
import { select } from './conversation.js';

const help = $('shortcut-help');
const search = $('search-q');
const picker = $('canned-picker');

const typingIn = (t) => !!t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
const rowOf = (n) => (n && n.parentNode === el.visitorList ? n : null);

// The row the keys move from: the focused one, else the open conversation's.
function currentRow() {
  const r = rows.get(state.selected);
  return rowOf(document.activeElement) || (r && rowOf(r.li));
}

function focusRow(li) {
  if (!li) return;
  li.tabIndex = -1;
  li.focus();
  li.scrollIntoView({ block: 'nearest' });
  hook.keyRow = li.dataset.visitorId;
}

// One row down (step 1) or up (-1), stopping at the ends; the list keeps its order meanwhile, as it
// does under the pointer, so the row the agent aims at stays where it is.
function move(step) {
  const items = [...el.visitorList.children];
  if (!items.length) return null;
  const at = items.indexOf(currentRow());
  const i = at === -1 ? (step > 0 ? 0 : items.length - 1) : Math.min(items.length - 1, Math.max(0, at + step));
  holdLayout();
  focusRow(items[i]);
  return items[i];
}

function showHelp(on) {
  help.hidden = !on;
  if (on) $('shortcut-close').focus();
}

document.addEventListener('keydown', (e) => {
  if (el.console.hidden || e.isComposing || e.ctrlKey || e.metaKey) return;
  const t = e.target;
  // Anywhere, also while typing: the next or previous conversation opens.
  if (e.altKey && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
    const li = move(e.key === 'ArrowDown' ? 1 : -1);
    if (li) select(li.dataset.visitorId);
    e.preventDefault();
    return;
  }
  if (e.altKey) return;
  if (e.key === 'Escape') {
    if (!help.hidden) showHelp(false);
    else if (t === el.reply && picker.hidden) focusRow(currentRow()); // back to the list
    else return;
    e.preventDefault();
    return;
  }
  if (typingIn(t)) return;
  const row = rowOf(t);
  switch (e.key) {
    case 'j': case 'ArrowDown': move(1); break;
    case 'k': case 'ArrowUp': move(-1); break;
    case 'Enter': case 'o':
      if (!row) return;
      select(row.dataset.visitorId);
      break;
    case 'r':
      if (!state.selected) return;
      el.reply.focus();
      break;
    case '/': search.focus(); break;
    case '?': showHelp(help.hidden); break;
    default: return;
  }
  e.preventDefault();
});

$('shortcut-close').addEventListener('click', () => showHelp(false));
$('shortcut-open').addEventListener('click', () => showHelp(true));
help.addEventListener('click', (e) => {
  if (e.target === help) showHelp(false); // a click beside the card
});
