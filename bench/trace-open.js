'use strict';
// Where the cold first open's time goes: one fresh visitor clicks the launcher before the app has loaded,
// with a Chromium performance trace running; prints the page's main-thread work from the click to the
// panel's first frame (top-level tasks, the kinds of work inside them, the hottest functions sampled).
//   NODE_PATH=shell/node_modules node bench/trace-open.js [--runs=N] [--out=trace.json]
const fs = require('node:fs');
const { startServer, launch, until } = require('../tests/e2e/harness');

const RUNS = Number((process.argv.find((a) => a.startsWith('--runs=')) || '').split('=')[1]) || 3;
const OUT = (process.argv.find((a) => a.startsWith('--out=')) || '').split('=')[1];
const VIEWPORT = { width: 1280, height: 800 };
const CATEGORIES = ['devtools.timeline', 'v8', 'v8.execute', 'blink.user_timing', 'disabled-by-default-devtools.timeline',
  'disabled-by-default-v8.cpu_profiler', 'gpu', 'loading', 'blink'];

function probe() {
  const b = (window.__bench = { t0: null, t1: null });
  window.addEventListener('click', (e) => {
    if (b.t0 !== null || !e.target || e.target.id !== 'kefu-root') return;
    b.t0 = performance.now();
    performance.mark('bench:click');
    const tick = () => requestAnimationFrame(() => {
      const st = window.Kefu.state();
      if (st.open && (st.frames || 0) > 0) { b.t1 = performance.now(); performance.mark('bench:drawn'); } else tick();
    });
    tick();
  }, true);
}

function analyse(trace) {
  const ev = trace.traceEvents || trace;
  const click = ev.find((e) => e.name === 'bench:click');
  const drawn = ev.find((e) => e.name === 'bench:drawn');
  if (!click || !drawn) return null;
  const pid = click.pid;
  const main = ev.find((e) => e.pid === pid && e.name === 'thread_name' && e.args.name === 'CrRendererMain');
  const tid = main ? main.tid : click.tid;
  const t0 = click.ts, t1 = drawn.ts;
  const on = ev.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.ts + (e.dur || 0) > t0 && e.ts < t1);
  const ms = (us) => Math.round(us / 100) / 10;
  const out = { totalMs: ms(t1 - t0), marks: {}, tasks: [], kinds: {}, functions: [] };
  for (const e of ev) if (e.pid === pid && /^kefu:/.test(e.name) && e.ts >= t0 && e.ts <= t1) out.marks[e.name] = ms(e.ts - t0);
  for (const e of ev) if (e.pid === pid && e.ph === 'X' && e.ts >= t0 && e.ts < t1 && /Compile|Wasm/i.test(e.name) && e.tid !== tid) {
    out.kinds['(other thread) ' + e.name] = (out.kinds['(other thread) ' + e.name] || 0) + e.dur / 1000;
  }
  for (const e of on.filter((x) => x.name === 'RunTask' || x.name === 'ThreadControllerImpl::RunTask')) {
    if (e.dur < 2000) continue;
    const inner = on.filter((x) => x !== e && x.ts >= e.ts && x.ts + x.dur <= e.ts + e.dur && x.dur > 1000 && x.name !== 'RunTask');
    out.tasks.push({ at: ms(e.ts - t0), dur: ms(e.dur), inner: inner.slice(0, 12).map((x) => `${x.name}${x.args && x.args.data && x.args.data.url ? ' ' + x.args.data.url.split('/').pop() : ''}${x.args && x.args.data && x.args.data.functionName ? ' ' + x.args.data.functionName : ''} @${ms(x.ts - t0)} ${ms(x.dur)}`) });
  }
  for (const e of on) {
    if (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') continue;
    out.kinds[e.name] = (out.kinds[e.name] || 0) + Math.min(e.ts + e.dur, t1) / 1000 - Math.max(e.ts, t0) / 1000;
  }
  for (const k of Object.keys(out.kinds)) out.kinds[k] = Math.round(out.kinds[k] * 10) / 10;
  out.kinds = Object.fromEntries(Object.entries(out.kinds).filter(([, v]) => v >= 1).sort((a, b) => b[1] - a[1]).slice(0, 40));
  // Sampled profile: self time per function between the click and the frame.
  const nodes = new Map(), self = new Map();
  let t = null;
  for (const e of ev) {
    if (e.pid !== pid) continue;
    if (e.name === 'Profile') t = e.args.data.startTime;
    if (e.name !== 'ProfileChunk') continue;
    const d = e.args.data, cp = d.cpuProfile || {};
    for (const n of cp.nodes || []) nodes.set(n.id, n);
    const samples = cp.samples || [], deltas = d.timeDeltas || [];
    for (let i = 0; i < samples.length; i++) {
      t += deltas[i] || 0;
      if (t < t0 || t > t1) continue;
      const n = nodes.get(samples[i]);
      const cf = n && n.callFrame;
      const key = cf ? `${cf.functionName || '(anon)'} ${(cf.url || '').split('/').pop()}:${cf.lineNumber}:${cf.columnNumber}` : '?';
      self.set(key, (self.get(key) || 0) + (deltas[i + 1] || deltas[i] || 0));
    }
  }
  out.functions = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([k, v]) => `${ms(v)} ms ${k}`);
  return out;
}

async function main() {
  const server = await startServer();
  const browser = await launch();
  try {
    for (let i = 0; i <= RUNS; i++) {
      const ctx = await browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN' });
      const page = await ctx.newPage();
      await page.addInitScript(probe);
      let mounted;
      const isMounted = new Promise((r) => { mounted = r; });
      await page.exposeBinding('__benchMounted', () => mounted());
      await page.addInitScript(() => new MutationObserver((recs) => {
        for (const r of recs) for (const n of r.addedNodes) if (n.id === 'kefu-root') window.__benchMounted();
      }).observe(document, { childList: true, subtree: true }));
      if (i > 0) await browser.startTracing(page, { categories: CATEGORIES });
      const nav = page.goto(server.url + '/');
      await isMounted;
      await page.mouse.click(VIEWPORT.width - 50, VIEWPORT.height - 50);
      await nav;
      await until(() => page.evaluate(() => window.__bench.t1 !== null), { timeout: 20000, what: 'panel drawn' });
      if (i > 0) {
        const buf = await browser.stopTracing();
        if (OUT) fs.writeFileSync(OUT.replace(/(\.json)?$/, `-${i}.json`), buf);
        console.log(JSON.stringify(analyse(JSON.parse(buf.toString())), null, 1));
      }
      await ctx.close();
    }
  } finally {
    await browser.close();
    await server.stop();
  }
}
main().catch((e) => { console.error(e); process.exitCode = 1; });
