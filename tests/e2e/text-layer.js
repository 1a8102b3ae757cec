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

// Presses `key` until the focused element's label is `label` (at most `max` times).
async function tabTo(page, label, { key = 'Tab', max = 40 } = {}) {
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

module.exports = { layerMessages, selectionText, focused, tabTo, canvasPixel };
