// Internal notes of the conversation on screen: agents only, never sent to the visitor. They are
// stored apart from the messages (POST /api/agent/visitors/:id/notes) and arrive as `note` frames.
export function createNotes({ http, node, fmtTime, selected, el }) {
  const byVisitor = new Map(); // visitorId -> notes, oldest first

  function render() {
    const id = selected();
    const list = (id && byVisitor.get(id)) || [];
    el.count.textContent = String(list.length);
    el.list.replaceChildren(...list.map((n) => {
      const li = node('li', 'note');
      li.dataset.noteId = String(n.id);
      li.append(node('p', 'note-text', n.text), node('span', 'note-meta', `${n.agent} · ${fmtTime(n.time)}`));
      return li;
    }));
  }

  function add(n) {
    if (!n || typeof n.visitorId !== 'string' || typeof n.text !== 'string') return;
    const list = byVisitor.get(n.visitorId);
    if (!list) return; // loaded in full when that conversation is opened
    if (!list.some((x) => x.id === n.id)) list.push(n);
    if (n.visitorId === selected()) render();
  }

  async function open(id) {
    render();
    if (!id) return;
    try {
      const r = await http('GET', `/api/agent/visitors/${encodeURIComponent(id)}/notes`);
      byVisitor.set(id, Array.isArray(r.notes) ? r.notes : []);
    } catch {
      byVisitor.set(id, byVisitor.get(id) || []);
    }
    if (id === selected()) render();
  }

  el.form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const id = selected();
    const text = el.input.value.trim();
    if (!id || !text) return;
    el.error.hidden = true;
    try {
      const r = await http('POST', `/api/agent/visitors/${encodeURIComponent(id)}/notes`, { text });
      el.input.value = '';
      add(r.note);
    } catch (err) {
      el.error.textContent = `备注未保存 Note not saved: ${err.message}`;
      el.error.hidden = false;
    }
  });

  return { open, add, forget: (id) => byVisitor.delete(id) };
}
