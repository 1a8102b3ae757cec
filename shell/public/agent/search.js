// Search across all conversations (GET /api/agent/search): message text, visitor name, e-mail, phone.
// Results replace the visitor list while the box holds a query; a click opens that conversation.
const DEBOUNCE_MS = 250;

export function createSearch({ http, node, fmtTime, open, el }) {
  let timer = 0;
  let asked = 0; // answers to older queries arriving late are dropped

  function clear() {
    el.results.hidden = true;
    el.results.replaceChildren();
    el.list.hidden = false;
  }

  function item(visitorId, title, text, time) {
    const li = node('li', 'search-hit');
    li.dataset.visitorId = visitorId;
    li.tabIndex = 0;
    const head = node('div', 'hit-head');
    head.append(node('bdi', 'hit-name', title), node('span', 'hit-time', time ? fmtTime(time) : ''));
    li.append(head);
    if (text) li.append(node('p', 'hit-text', text));
    return li;
  }

  function render(r) {
    const hits = [];
    for (const v of r.visitors || []) hits.push(item(v.id, v.name || v.id, [v.email, v.phone].filter(Boolean).join(' · '), v.lastSeen));
    for (const m of r.messages || []) hits.push(item(m.visitorId, m.name || m.visitorId, m.text, m.time));
    if (!hits.length) hits.push(node('li', 'search-none', '没有找到 Nothing found'));
    el.results.replaceChildren(...hits);
    el.results.hidden = false;
    el.list.hidden = true;
  }

  async function run(q) {
    const mine = ++asked;
    try {
      const r = await http('GET', `/api/agent/search?q=${encodeURIComponent(q)}`);
      if (mine === asked && el.input.value.trim() === q) render(r);
    } catch (err) {
      if (mine !== asked) return;
      el.results.replaceChildren(node('li', 'search-none', `搜索失败 Search failed: ${err.message}`));
      el.results.hidden = false;
    }
  }

  el.input.addEventListener('input', () => {
    clearTimeout(timer);
    const q = el.input.value.trim();
    if (!q) {
      asked++;
      clear();
      return;
    }
    timer = setTimeout(() => run(q), DEBOUNCE_MS);
  });
  el.input.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      el.input.value = '';
      asked++;
      clear();
    }
  });
  const pick = (e) => {
    const li = e.target.closest('li[data-visitor-id]');
    if (li) open(li.dataset.visitorId);
  };
  el.results.addEventListener('click', pick);
  el.results.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') pick(e);
  });

  return { clear };
}
