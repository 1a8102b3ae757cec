'use strict';
// Where the time of one call set-up goes (bench.js --trace): the browser-wide Chromium trace of a call,
// reduced to what ran on the widget's and the console's main threads (and the GPU and browser processes)
// between the click and the remote audio playing. The pages mark their steps with console.timeStamp
// ('kefu t0', 'kefu t1', 'console: …'), which the trace keeps on the same clock as the tasks.

const CATEGORIES = [
  'toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing',
];

// Runs `fn` with the browser traced; returns fn's result and the trace's summary lines.
async function traced(browser, fn) {
  await browser.startTracing(undefined, { categories: CATEGORIES });
  let result;
  let buf;
  try {
    result = await fn();
  } finally {
    buf = await browser.stopTracing();
  }
  return { result, lines: summarize(JSON.parse(buf.toString()).traceEvents || []) };
}

const TASK = new Set(['ThreadControllerImpl::RunTask', 'RunTask']);
const ms = (us) => Math.round(us / 100) / 10;

// A task's biggest parts: the timeline events inside it, by name (script by file and function).
function parts(events, task) {
  const end = task.ts + task.dur;
  const by = new Map();
  for (const e of events) {
    if (e === task || e.ph !== 'X' || e.ts < task.ts || e.ts + (e.dur || 0) > end || TASK.has(e.name)) continue;
    let name = e.name;
    const d = e.args && e.args.data;
    if ((name === 'FunctionCall' || name === 'EventDispatch' || name === 'TimerFire') && d) {
      const where = d.url ? `${String(d.url).split('/').pop().split('?')[0]}:${d.functionName || ''}` : d.type || '';
      name = `${name}(${where})`;
    }
    by.set(name, (by.get(name) || 0) + (e.dur || 0));
  }
  return [...by].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([n, d]) => `${n} ${ms(d)}`).join(', ');
}

function summarize(all) {
  const names = new Map(); // "pid:tid" -> thread name
  const procs = new Map(); // pid -> process name
  for (const e of all) {
    if (e.ph !== 'M') continue;
    if (e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
    if (e.name === 'process_name') procs.set(e.pid, e.args.name);
  }
  const stamps = all.filter((e) => e.name === 'TimeStamp' && e.args && e.args.data && typeof e.args.data.message === 'string');
  const t0e = stamps.find((e) => e.args.data.message === 'kefu t0');
  const t1e = stamps.find((e) => e.args.data.message === 'kefu t1');
  if (!t0e || !t1e) return ['trace: the call\'s marks are missing'];
  const t0 = t0e.ts;
  const t1 = t1e.ts;
  const consoleStamp = stamps.find((e) => e.args.data.message.startsWith('console:') && e.ts >= t0);
  const lines = [`trace: click → audio ${ms(t1 - t0)} ms; tasks ≥ 2 ms on each main thread, at ms after the click`];
  const threads = [
    ['widget', `${t0e.pid}:${t0e.tid}`],
    ...(consoleStamp ? [['console', `${consoleStamp.pid}:${consoleStamp.tid}`]] : []),
  ];
  for (const [key, name] of names) {
    const pid = Number(key.split(':')[0]);
    const proc = procs.get(pid) || '';
    if (name === 'CrGpuMain' || name === 'VizCompositorThread') threads.push([`gpu ${name}`, key]);
    if (/Browser/.test(proc) && (name === 'CrBrowserMain' || name === 'Chrome_IOThread')) threads.push([`browser ${name}`, key]);
  }
  const byThread = new Map();
  for (const e of all) {
    if (e.ph !== 'X' || e.ts + (e.dur || 0) < t0 || e.ts > t1) continue;
    const k = `${e.pid}:${e.tid}`;
    if (!byThread.has(k)) byThread.set(k, []);
    byThread.get(k).push(e);
  }
  for (const [label, key] of threads) {
    const evs = byThread.get(key) || [];
    // Outermost tasks only (a RunTask nests in ThreadControllerImpl::RunTask).
    const tasks = [];
    for (const e of evs.filter((x) => TASK.has(x.name)).sort((a, b) => a.ts - b.ts || b.dur - a.dur)) {
      const last = tasks[tasks.length - 1];
      if (!last || e.ts >= last.ts + last.dur) tasks.push(e);
    }
    const busy = tasks.reduce((n, e) => n + Math.min(e.ts + e.dur, t1) - Math.max(e.ts, t0), 0);
    lines.push(`  ${label}: busy ${ms(busy)} ms of ${ms(t1 - t0)}`);
    if (!/^(widget|console)$/.test(label)) continue;
    const marks = stamps.filter((e) => `${e.pid}:${e.tid}` === key && e.ts >= t0 && e.ts <= t1);
    const rows = [
      ...marks.map((e) => [e.ts, `    +${ms(e.ts - t0)}  · ${e.args.data.message}`]),
      ...tasks.filter((e) => e.dur >= 2000).map((e) => [e.ts, `    +${ms(e.ts - t0)}  ${ms(e.dur)} ms: ${parts(evs, e)}`]),
    ].sort((a, b) => a[0] - b[0]);
    for (const [, l] of rows) lines.push(l);
  }
  return lines;
}

module.exports = { traced, summarize };
