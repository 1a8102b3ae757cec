'use strict';
// Kefu benchmark: frame times while a visitor drag-selects text across bubbles and wheel-scrolls a
// 200-message history. Two figures per action: the page's frame interval (requestAnimationFrame
// deltas; 16.7 ms is 60 fps) and the time each frame's callbacks took (the app's own frame work,
// drawn or not). Prints median and p95 and writes bench/scroll.json. A report, not a test: exits 0.
//   NODE_PATH=shell/node_modules node bench/scroll.js [--messages=N] [--rounds=N]   (or bash bench/run.sh scroll)
const fs = require('node:fs');
const path = require('node:path');
const { startServer, launch, openVisitor, waitReady, until } = require('../tests/e2e/harness');

const arg = (k, d) => Number((process.argv.find((a) => a.startsWith(`--${k}=`)) || '').split('=')[1]) || d;
const MESSAGES = arg('messages', 200);
const ROUNDS = arg('rounds', 3);
const log = (...a) => console.error(...a);
const round = (x) => Math.round(x * 10) / 10;
const pct = (xs, p) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN;
};

// Before any page script: every animation frame's callbacks are timed (the widget draws in one), and an
// independent loop notes each frame's start while recording.
function frameProbe() {
  const F = (window.__frames = { on: false, starts: [], work: [] });
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) => raf((t) => {
    const t0 = performance.now();
    try { cb(t); } finally { if (F.on) F.work.push(performance.now() - t0); }
  });
  const loop = (t) => { if (F.on) F.starts.push(t); raf(loop); };
  raf(loop);
}

const start = (page) => page.evaluate(() => {
  const F = window.__frames, s = window.Kefu.state();
  F.starts = []; F.work = []; F.on = true; F.app0 = [s.frames, s.frameMs];
});
const stop = (page) => page.evaluate(() => {
  const F = window.__frames;
  F.on = false;
  const deltas = F.starts.slice(1).map((t, i) => t - F.starts[i]);
  const s = window.Kefu.state(); // the app's own count of frames drawn and the time they took
  return { deltas, work: F.work, appFrames: s.frames - F.app0[0], appMs: s.frameMs - F.app0[1] };
});
const nextFrame = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));

async function main() {
  // A high message rate, so the history can be written quickly through the real send path.
  const server = await startServer({ env: { KEFU_RATE_MESSAGES: '100000', KEFU_RATE_WINDOW_MS: '1000' } });
  const browser = await launch();
  const results = { date: new Date().toISOString(), messages: MESSAGES, rounds: ROUNDS, chromium: browser.version() };
  try {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    await ctx.addInitScript(frameProbe);
    const page = await openVisitor(browser, server.url + '/', { context: ctx });
    await page.evaluate(() => window.Kefu.open());
    await waitReady(page);
    log(`writing ${MESSAGES} messages`);
    await page.evaluate(async (n) => {
      const texts = ['您好，我想查一下订单 QS2025%d 的物流', 'tracking 7730 %d 5678, arriving tomorrow?', '好的，谢谢！👍',
        '请问可以开发票吗？公司抬头是杭州某某科技有限公司，税号 91330100%d。'];
      for (let i = 0; i < n; i++) await window.Kefu.send(texts[i % texts.length].replace('%d', String(1000 + i)));
    }, MESSAGES);
    await until(() => page.evaluate((n) => window.Kefu.messages().length >= n, MESSAGES), { timeout: 60000, what: 'history written' });
    await page.waitForTimeout(500);
    const list = await page.evaluate(() => {
      const r = document.getElementById('kefu-root').shadowRoot.querySelector('[role=log]').getBoundingClientRect();
      return { x: r.x, y: r.y, w: r.width, h: r.height };
    });
    const cx = list.x + list.w / 2, cy = list.y + list.h / 2;
    const all = { scroll: { deltas: [], work: [], appFrames: 0, appMs: 0 }, select: { deltas: [], work: [], appFrames: 0, appMs: 0 } };
    const add = (a, s) => { a.deltas.push(...s.deltas); a.work.push(...s.work); a.appFrames += s.appFrames; a.appMs += s.appMs; };

    for (let r = 0; r < ROUNDS; r++) {
      log(`round ${r + 1}/${ROUNDS}: wheel`);
      await page.mouse.move(cx, cy);
      await start(page);
      // Up through the history and back down, one wheel step per frame.
      for (const dir of [-1, 1]) {
        for (let i = 0; i < 40; i++) {
          await page.mouse.wheel(0, dir * 120);
          await nextFrame(page);
        }
      }
      add(all.scroll, await stop(page));

      log(`round ${r + 1}/${ROUNDS}: drag-select`);
      await page.evaluate(() => document.getSelection().removeAllRanges());
      // From the first line of a bubble near the top of the list down across the bubbles below it.
      const from = await page.evaluate((top) => {
        const ms = [...document.getElementById('kefu-root').shadowRoot.querySelectorAll('[role=log] .m')];
        const m = ms.map((e) => e.firstChild.getBoundingClientRect()).find((b) => b.y > top + 10);
        return m && { x: m.x + 2, y: m.y + 8 };
      }, list.y);
      if (!from) throw new Error('no message in view to select from');
      await page.mouse.move(from.x, from.y);
      await start(page);
      await page.mouse.down();
      const steps = 60;
      for (let i = 1; i <= steps; i++) {
        await page.mouse.move(from.x + (list.w * 0.6 * i) / steps, from.y + ((list.y + list.h - 20 - from.y) * i) / steps);
        await nextFrame(page);
      }
      await page.mouse.up();
      await nextFrame(page);
      add(all.select, await stop(page));
      const selected = await page.evaluate(() => document.getElementById('kefu-root').shadowRoot.getSelection().toString().length);
      if (!selected) throw new Error('the drag selected nothing');
    }
    for (const k of ['scroll', 'select']) {
      const a = all[k];
      results[k] = {
        frames: a.deltas.length + 1,
        intervalMs: { median: round(pct(a.deltas, 0.5)), p95: round(pct(a.deltas, 0.95)) },
        workMs: { median: round(pct(a.work, 0.5)), p95: round(pct(a.work, 0.95)) },
        appFramesDrawn: a.appFrames, appMsPerFrame: round(a.appMs / Math.max(1, a.appFrames)),
      };
    }
    results.problems = page.problems;
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
  console.log(`\nKefu frame times — Chromium ${results.chromium}, ${MESSAGES} messages, ${ROUNDS} rounds\n`);
  const rows = [['', 'frames', 'interval median', 'interval p95', 'frame work median', 'frame work p95', 'app frames drawn', 'app ms each']];
  for (const [k, title] of [['scroll', 'wheel-scroll the history'], ['select', 'drag-select across bubbles']]) {
    const x = results[k];
    rows.push([title, String(x.frames), `${x.intervalMs.median} ms`, `${x.intervalMs.p95} ms`, `${x.workMs.median} ms`, `${x.workMs.p95} ms`,
      String(x.appFramesDrawn), `${x.appMsPerFrame} ms`]);
  }
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => (i ? c.padStart(w[i]) : c.padEnd(w[i]))).join('  '));
  console.log('\n60 fps: interval ≤ 16.7 ms. Results written to bench/scroll.json');
  if (results.problems && results.problems.length) console.log(`Page problems: ${results.problems.join('; ')}`);
  fs.writeFileSync(path.join(__dirname, 'scroll.json'), JSON.stringify(results, null, 2) + '\n');
}

main().catch((e) => {
  console.error(e.stack || e);
}).finally(() => process.exit(0));
