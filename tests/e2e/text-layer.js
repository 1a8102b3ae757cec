'use strict';
// Page helpers for the widget's DOM text layer (web/glue.js, mirror()): the message elements laid over
// the canvas, the selection inside the widget's shadow root, and the panel's keyboard focus.

// The layer's message elements: text, box (page px) and speaker label.
async function layerMessages(page) {
  return page.evaluate(() => {
    const root = document.getElementById('kefu-root').shadowRoot;
    return [...root.querySelectorAll('[role=log] .m')].map((m) => {
      const r = m.firstChild.getBoundingClientRect();
      return { text: m.textContent, who: m.dataset.who, x: r.x, y: r.y, w: r.width, h: r.height };
    });
  });
}

async function selectionText(page) {
  return page.evaluate(() => document.getElementById('kefu-root').shadowRoot.getSelection().toString());
}

// The focused element inside the widget: its aria-label, tag and class.
async function focused(page) {
  return page.evaluate(() => {
    const root = document.getElementById('kefu-root').shadowRoot;
    const a = root.activeElement;
    return a ? { label: a.getAttribute('aria-label') || '', tag: a.tagName.toLowerCase(), cls: a.className } : null;
  });
}

// Presses `key` until the focused element's label is `label` (at most `max` times). A control's twin
// comes with the frame that draws it (a call's bar a moment after the call connects): as a person sees a
// button before tabbing to it, the presses start once a control with that label is there.
async function tabTo(page, label, { key = 'Tab', max = 40 } = {}) {
  await page.waitForFunction((l) => [...document.getElementById('kefu-root').shadowRoot.querySelectorAll('[aria-label]')]
    .some((e) => e.getAttribute('aria-label') === l), label, { timeout: 5000 }).catch(() => {}); // and when it never comes, the presses below say so
  for (let i = 0; i < max; i++) {
    const f = await focused(page);
    if (f && f.label === label) return f;
    await page.keyboard.press(key);
  }
  throw new Error(`${key} never reached "${label}" (at ${JSON.stringify(await focused(page))})`);
}

// The canvas colour (r, g, b) at a page point.
async function canvasPixel(page, x, y) {
  return page.evaluate(({ x, y }) => {
    const c = document.getElementById('kefu-root').shadowRoot.querySelector('canvas');
    const r = c.getBoundingClientRect(), k = c.width / r.width;
    const t = document.createElement('canvas');
    t.width = 1; t.height = 1;
    const g = t.getContext('2d');
    g.drawImage(c, Math.round((x - r.x) * k), Math.round((y - r.y) * k), 1, 1, 0, 0, 1, 1);
    return [...g.getImageData(0, 0, 1, 1).data.slice(0, 3)];
  }, { x, y });
}

// The share of canvas pixels inside the selected text's line boxes that have the colour `want` (r, g, b,
// within `tol` each), and how many were looked at: the selection as the canvas draws it.
async function selectionPaintShare(page, want, tol = 12) {
  return page.evaluate(({ want, tol }) => {
    const root = document.getElementById('kefu-root').shadowRoot;
    const c = root.querySelector('canvas'), s = root.getSelection();
    if (!s.rangeCount || s.isCollapsed) return { share: 0, n: 0 };
    const range = s.getRangeAt(0), boxes = [];
    const it = document.createTreeWalker(root.querySelector('[role=log]'), NodeFilter.SHOW_TEXT);
    for (let n; (n = it.nextNode());) {
      if (!range.intersectsNode(n)) continue;
      const p = document.createRange();
      p.selectNodeContents(n);
      if (n === range.startContainer) p.setStart(n, range.startOffset);
      if (n === range.endContainer) p.setEnd(n, range.endOffset);
      boxes.push(...p.getClientRects());
    }
    const r = c.getBoundingClientRect(), k = c.width / r.width;
    const t = document.createElement('canvas');
    t.width = c.width; t.height = c.height;
    const g = t.getContext('2d');
    g.drawImage(c, 0, 0);
    const d = g.getImageData(0, 0, t.width, t.height).data;
    let hit = 0, n = 0;
    for (const b of boxes) {
      for (let y = Math.ceil((b.top - r.top) * k) + 1; y < Math.floor((b.bottom - r.top) * k) - 1; y++) {
        for (let x = Math.ceil((b.left - r.left) * k) + 1; x < Math.floor((b.right - r.left) * k) - 1; x++) {
          const i = (y * t.width + x) * 4;
          n++;
          if (Math.abs(d[i] - want[0]) <= tol && Math.abs(d[i + 1] - want[1]) <= tol && Math.abs(d[i + 2] - want[2]) <= tol) hit++;
        }
      }
    }
    return { share: n ? hit / n : 0, n };
  }, { want, tol });
}

module.exports = { layerMessages, selectionText, focused, tabTo, canvasPixel, selectionPaintShare };
