// Canned replies (GET /api/agent/canned: the agent's teams' and the shared ones). Typing `/` at the
// start of a word in the reply box opens a picker that narrows as you type; ↑/↓ move, Enter or Tab
// inserts, Esc closes. The inserted text replaces the `/word` and stays editable before sending.
const TOKEN = /(^|\s)\/([^\s/]*)$/;
const MAX_SHOWN = 8;

export function createCanned({ http, node, reply, form, picker }) {
  let replies = [];
  let shown = [];
  let active = 0;
  let blurTimer = 0;

  async function load() {
    try {
      const r = await http('GET', '/api/agent/canned');
      replies = (Array.isArray(r.replies) ? r.replies : []).filter((x) => x && typeof x.title === 'string' && typeof x.text === 'string');
    } catch {
      replies = [];
    }
  }

  const token = () => TOKEN.exec(reply.value.slice(0, reply.selectionStart));

  function close() {
    picker.hidden = true;
    shown = [];
  }

  function render() {
    picker.replaceChildren(...shown.map((r, i) => {
      const li = node('li', 'canned-item');
      li.dataset.index = String(i);
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', String(i === active));
      li.append(node('strong', '', r.title), node('span', 'canned-text', r.text));
      return li;
    }));
    picker.hidden = shown.length === 0;
  }

  function update() {
    clearTimeout(blurTimer); // typing again: the box has the focus back, a pending close is stale
    const t = token();
    if (!t) return close();
    const q = t[2].toLowerCase();
    shown = replies.filter((r) => !q || r.title.toLowerCase().includes(q) || r.text.toLowerCase().includes(q)).slice(0, MAX_SHOWN);
    active = Math.min(active, Math.max(0, shown.length - 1));
    render();
  }

  function insert(r) {
    const t = token();
    if (!r || !t) return close();
    const end = reply.selectionStart;
    const start = end - t[2].length - 1;
    reply.value = reply.value.slice(0, start) + r.text + reply.value.slice(end);
    const caret = start + r.text.length;
    reply.setSelectionRange(caret, caret);
    close();
    reply.focus();
    // The console's own listeners (counter, typing, draft) see the change as typing.
    reply.dispatchEvent(new Event('input', { bubbles: true }));
  }

  reply.addEventListener('input', update);
  // Closed a moment after the box loses the focus, so a click on an item still lands.
  reply.addEventListener('blur', () => {
    clearTimeout(blurTimer);
    blurTimer = setTimeout(close, 150);
  });
  // Capture on the form: runs before the reply box's own Enter-sends handler.
  form.addEventListener('keydown', (e) => {
    if (picker.hidden || e.target !== reply) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      active = (active + (e.key === 'ArrowDown' ? 1 : shown.length - 1)) % shown.length;
      render();
    } else if ((e.key === 'Enter' && !e.isComposing) || e.key === 'Tab') {
      insert(shown[active]);
    } else if (e.key === 'Escape') {
      close();
    } else {
      return;
    }
    e.preventDefault();
    e.stopPropagation();
  }, true);
  picker.addEventListener('mousedown', (e) => e.preventDefault()); // keeps the focus in the box
  picker.addEventListener('click', (e) => {
    const li = e.target.closest('li[data-index]');
    if (li) insert(shown[Number(li.dataset.index)]);
  });

  return { load, close };
}
