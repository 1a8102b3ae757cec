'use strict';
// Kefu benchmark: bundle sizes, click-to-panel latency (cold and warm), idle cost of an open panel, and
// call set-up time (click on 语音 → remote audio playing) against the seed-style baseline page.
// Prints a table with budgets and writes bench/results.json. A report, not a test: exits 0.
//   NODE_PATH=shell/node_modules node bench/bench.js [--runs=N]   (or bash bench/run.sh)
// Its parts: common.js (options, arithmetic), probes.js (what runs in the pages), open-bench.js (open and
// idle figures), bench-servers.js (static, latency proxy, relay backend), report.js (the table).
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { startServer, launch, agentLogin, until } = require('../tests/e2e/harness');
const { traced } = require('./call-trace');
const { BENCH, DIST, RUNS, ONLY, VERSUS, OPEN_ONLY, TRACE, CONTEXT, KB, median, round, sleep, log } = require('./common');
const { callProbe, agentProbe } = require('./probes');
const { openLatency } = require('./open-bench');
const { startStatic, startLatencyProxy, relayServer } = require('./bench-servers');
const { phaseMedians, row, printTable } = require('./report');

// ------------------------------------------------------------------------------------------------ sizes
function sizes() {
  const file = (name) => {
    const buf = fs.readFileSync(path.join(DIST, name));
    return { raw: buf.length, gzip: zlib.gzipSync(buf, { level: 9 }).length };
  };
  const loader = file('kefu.js');
  const js = file('kefu-app.js');
  const wasm = file('kefu-app.wasm');
  return {
    loader,
    appJs: js,
    appWasm: wasm,
    app: { raw: js.raw + wasm.raw, gzip: js.gzip + wasm.gzip },
  };
}


// ------------------------------------------------------------------------------------------- calls
// The console's steps of the call that started at `t0` (the visitor page's epoch ms), in ms after it.
async function agentSteps(agent, page) {
  const t0 = await page.evaluate(() => performance.timeOrigin + window.__callBench.run.t0);
  const ev = await agent.evaluate(() => window.__agentBench || []);
  const out = {};
  for (const [k, t] of ev) if (t >= t0 && out[k] === undefined) out[k] = t - t0;
  return out;
}

// The agent console answers every ring at once, from inside its page, the same way for both sides.
// `pressMs` > 0: like a person, the button is pressed (pointerdown) and the click follows that much later.
async function autoAccept(agent, pressMs = 0) {
  await agent.evaluate((press) => {
    const btn = document.getElementById('call-accept');
    let pressing = false;
    const tryAccept = () => {
      if (pressing || window.__kefuAgent.state !== 'ringing' || btn.hidden || btn.disabled) return;
      if (!press) return btn.click();
      pressing = true;
      btn.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
      setTimeout(() => { pressing = false; btn.click(); }, press);
    };
    new MutationObserver(tryAccept).observe(btn, { attributes: true });
    setInterval(tryAccept, 5);
  }, pressMs);
}

// The 语音 pill in the panel header: the first of the two translucent pills from the left in the right
// half of the header (found in the canvas pixels; falls back to the header geometry).
async function voicePill(page) {
  return page.evaluate(() => {
    const c = document.getElementById('kefu-root').shadowRoot.querySelector('canvas');
    const r = c.getBoundingClientRect();
    const sx = c.width / r.width;
    const t = document.createElement('canvas');
    t.width = c.width; t.height = 1;
    const g = t.getContext('2d');
    const y = Math.round(18 * sx);
    g.drawImage(c, 0, y, c.width, 1, 0, 0, c.width, 1);
    const d = g.getImageData(0, 0, c.width, 1).data;
    // The header's own colour (the site's brand), read at its left edge; the pills are white at 32/255 over it.
    const brand = [d[4 * 2], d[4 * 2 + 1], d[4 * 2 + 2]];
    const pill = brand.map((v) => v + (255 - v) * 32 / 255);
    const near = (x, col) => Math.abs(d[4 * x] - col[0]) < 6 && Math.abs(d[4 * x + 1] - col[1]) < 6 && Math.abs(d[4 * x + 2] - col[2]) < 6;
    const runs = [];
    let start = -1;
    for (let x = Math.floor(c.width / 2); x <= c.width; x++) {
      const on = x < c.width && near(x, pill);
      if (on && start < 0) start = x;
      if (!on && start >= 0) { if (x - start > 20 * sx) runs.push([start, x]); start = -1; }
    }
    if (runs.length >= 2) return { x: r.left + (runs[0][0] + runs[0][1]) / 2 / sx, y: r.top + 30, found: true };
    return { x: r.left + r.width - 150, y: r.top + 30, found: false };
  });
}

async function peerOpen(page) {
  return new Promise((resolve) => {
    page.on('websocket', (ws) => {
      if (!/\/peerjs\/peerjs\?/.test(ws.url())) return;
      ws.on('framereceived', (f) => { if (/"type":"OPEN"/.test(String(f.payload))) resolve(); });
    });
  });
}

// Waits for a call to complete; on a timeout the error says how far both sides got.
async function untilOrExplain(page, agent, fn, what) {
  try {
    return await until(fn, { timeout: 20000, interval: 20, what });
  } catch (e) {
    const v = await page.evaluate(() => JSON.stringify({
      visitor: window.Kefu ? window.Kefu.state() : window.__seed, phases: window.__callBench.phases,
    })).catch(() => '?');
    const a = await agent.evaluate(() => JSON.stringify({ state: window.__kefuAgent.state, endReason: window.__kefuAgent.lastCall && window.__kefuAgent.lastCall.endReason })).catch(() => '?');
    const lines = (agent.consoleLines || []).slice(-6).join(' | ');
    await page.evaluate(() => (window.__seed ? window.__seed.hangup() : window.Kefu.hangup())).catch(() => {});
    throw new Error(`${e.message}; visitor ${v}; agent console ${a} ${lines}`);
  }
}

// After a call the console may still send a late hang-up report (1.5 s after the visitor's side
// closed); its error answer would end the next call while it connects. The next click waits it out.
let agentQuietAt = 0;
async function agentEnded(agent) {
  await until(() => agent.evaluate(() => window.__kefuAgent.state === 'ended'), { timeout: 15000, interval: 20, what: 'agent console ended' });
  agentQuietAt = Date.now() + 2000;
}
const agentQuiet = () => sleep(Math.max(0, agentQuietAt - Date.now()));

// `allowed`: the visitor allowed the microphone on an earlier visit (the Permissions API says "granted"),
// so there is no prompt; otherwise the prompt is there and the fake UI accepts it at once.
// Without it, the Permissions API is made to say "prompt" as for a first-time visitor (Chromium's fake
// media UI would otherwise report "granted").
async function callContext(browser, allowed, relay) {
  const ctx = await browser.newContext(allowed ? { ...CONTEXT, permissions: ['microphone', 'camera'] } : CONTEXT);
  if (relay) await ctx.addInitScript(relayOnly);
  if (allowed) return ctx;
  await ctx.addInitScript(() => {
    const query = navigator.permissions.query.bind(navigator.permissions);
    navigator.permissions.query = (d) => (d && (d.name === 'microphone' || d.name === 'camera')
      ? Promise.resolve({ state: 'prompt', onchange: null }) : query(d));
  });
  return ctx;
}

// The relay setting: every RTCPeerConnection of a page (widget, seed page, console) gathers and uses
// relay candidates only, so media goes through the local TURN server although a direct path exists.
function relayOnly() {
  const PC = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends PC {
    constructor(config, ...rest) { super({ ...(config || {}), iceTransportPolicy: 'relay' }, ...rest); }
  };
}

async function kefuCall(browser, server, agent, allowed, relay) {
  const ctx = await callContext(browser, allowed, relay);
  try {
    const page = await ctx.newPage();
    await page.addInitScript(callProbe);
    const registered = peerOpen(page);
    await page.goto(server.url + '/');
    await page.evaluate(() => window.Kefu.open());
    await until(() => page.evaluate(() => window.Kefu.state().connected), { timeout: 20000, what: 'widget connected' });
    await Promise.race([registered, sleep(10000).then(() => { throw new Error('no PeerJS pre-registration'); })]);
    await page.waitForTimeout(400);
    const pill = await voicePill(page);
    await page.mouse.move(pill.x, pill.y);
    await page.waitForTimeout(100);
    await agentQuiet();
    await page.evaluate(() => window.__callBench.arm('kefu'));
    await page.mouse.click(pill.x, pill.y);
    const r = await untilOrExplain(page, agent, () => page.evaluate(() => { const x = window.__callBench.run; return x.t1 !== null && x; }),
      'Kefu remote audio playing');
    const state = await page.evaluate(() => window.Kefu.state().call);
    await page.waitForTimeout(100); // long tasks are reported a moment after they end
    const phases = { ...await page.evaluate(() => window.__callBench.phases), ...await agentSteps(agent, page) };
    const blocked = await page.evaluate(() => window.__callBench.blocked());
    await page.evaluate(() => window.Kefu.hangup());
    await agentEnded(agent);
    return { ms: r.t1 - r.t0, state, pillFound: pill.found, phases, blocked, frames: r.frames };
  } finally {
    await ctx.close();
  }
}

async function baselineCall(browser, server, stat, agent, allowed, relay) {
  const ctx = await callContext(browser, allowed, relay);
  try {
    const page = await ctx.newPage();
    await page.addInitScript(callProbe);
    await page.goto(`${stat.url}/seed-visitor.html?server=${encodeURIComponent(server.url)}${relay ? '&turn=1' : ''}`);
    await until(() => page.evaluate(() => window.__seed.ready || window.__seed.error), { timeout: 20000, what: 'baseline ready' });
    const err = await page.evaluate(() => window.__seed.error);
    if (err) throw new Error(`baseline page: ${err}`);
    const box = await page.locator('#voice').boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForTimeout(100);
    await agentQuiet();
    await page.evaluate(() => window.__callBench.arm('baseline'));
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const r = await untilOrExplain(page, agent, () => page.evaluate(() => { const x = window.__callBench.run; return (x.t1 !== null || window.__seed.error) && x; }),
      'baseline remote audio playing');
    const e2 = await page.evaluate(() => window.__seed.error);
    if (e2) throw new Error(`baseline call: ${e2}`);
    const state = await page.evaluate(() => window.__seed.state);
    await page.waitForTimeout(100);
    const phases = { ...await page.evaluate(() => window.__callBench.phases), ...await agentSteps(agent, page) };
    const blocked = await page.evaluate(() => window.__callBench.blocked());
    await page.evaluate(() => window.__seed.hangup());
    await agentEnded(agent);
    return { ms: r.t1 - r.t0, state, phases, blocked };
  } finally {
    await ctx.close();
  }
}

// The floor: both ends of the call in one page, connected directly (bench/floor.html). `ice`: the ICE
// servers for the relay setting (TURN credentials minted by the benchmark), with relay candidates only.
async function floorCall(browser, stat, allowed, ice) {
  const ctx = await callContext(browser, allowed, false);
  try {
    const page = await ctx.newPage();
    await page.addInitScript(callProbe);
    const q = ice ? `?relay=1&ice=${encodeURIComponent(JSON.stringify(ice))}` : '';
    await page.goto(`${stat.url}/floor.html${q}`);
    await until(() => page.evaluate(() => window.__seed.ready || window.__seed.error), { timeout: 20000, what: 'floor ready' });
    const box = await page.locator('#voice').boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForTimeout(100);
    await page.evaluate(() => window.__callBench.arm('baseline'));
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const r = await until(() => page.evaluate(() => { const x = window.__callBench.run; return (x.t1 !== null || window.__seed.error) && x; }),
      { timeout: 20000, interval: 20, what: 'floor remote audio playing' });
    const err = await page.evaluate(() => window.__seed.error);
    if (err) throw new Error(`floor page: ${err}`);
    const phases = await page.evaluate(() => window.__callBench.phases);
    await page.evaluate(() => window.__seed.hangup());
    return { ms: r.t1 - r.t0, phases };
  } finally {
    await ctx.close();
  }
}

async function calls(browser, server, allowed, pressMs, relay, versus) {
  const stat = await startStatic();
  const agent = await agentLogin(browser, server.url, { init: { content: `(${agentProbe})();${relay ? `(${relayOnly})();` : ''}` } });
  const agent2 = versus && await agentLogin(browser, versus.url, { init: { content: `(${agentProbe})();` } });
  if (agent2) await autoAccept(agent2, pressMs);
  const ice = relay ? server.mintIce() : null;
  agent.consoleLines = [];
  agent.on('console', (m) => { if (m.type() !== 'debug') agent.consoleLines.push(`${m.type()}: ${m.text()}`); });
  await autoAccept(agent, pressMs);
  const kefu = [], baseline = [], floor = [], problems = [], frames = [], before = [];
  const phases = { kefu: [], baseline: [], floor: [], before: [] }, blocked = { kefu: [], baseline: [] };
  const traces = [];
  try {
    // One unmeasured call each first: the fake devices and codecs start up on the first call.
    log('  warm-up calls');
    await kefuCall(browser, server, agent, allowed, relay);
    if (agent2) await kefuCall(browser, versus, agent2, allowed, relay);
    await baselineCall(browser, server, stat, agent, allowed, relay);
    await floorCall(browser, stat, allowed, ice);
    for (let i = 0; i < RUNS; i++) {
      for (const [name, run, out] of [
        ['kefu', () => kefuCall(browser, server, agent, allowed, relay), kefu],
        ['baseline', () => baselineCall(browser, server, stat, agent, allowed, relay), baseline],
        ['floor', () => floorCall(browser, stat, allowed, ice), floor],
        ...(agent2 ? [['before', () => kefuCall(browser, versus, agent2, allowed, relay), before]] : []),
      ]) {
        try {
          let r;
          if (TRACE && i === 0 && name === 'kefu') {
            const t = await traced(browser, run);
            r = t.result;
            traces.push(...t.lines);
          } else {
            r = await run();
          }
          out.push(r.ms);
          phases[name].push(r.phases);
          if (blocked[name]) blocked[name].push(r.blocked);
          if (r.frames !== undefined) frames.push(r.frames);
          if (name === 'kefu' && r.state !== 'in-call') problems.push(`kefu run ${i + 1}: state ${r.state}`);
          if (name === 'kefu' && !r.pillFound) problems.push(`kefu run ${i + 1}: 语音 pill located by geometry`);
          log(`  call run ${i + 1}/${RUNS} ${name}: ${round(r.ms)} ms`);
        } catch (e) {
          problems.push(`${name} run ${i + 1}: ${e.message}`);
          log(`  call run ${i + 1}/${RUNS} ${name}: FAILED ${e.message}`);
          if (name !== 'floor') await agentEnded(name === 'before' ? agent2 : agent).catch(() => {});
        }
      }
    }
  } finally {
    stat.close();
    await agent.context().close();
    if (agent2) await agent2.context().close();
  }
  return { kefu, baseline, floor, problems, phases, blocked, frames, before, traces };
}

async function main() {
  const t0 = Date.now();
  const results = { date: new Date().toISOString(), runs: RUNS };
  const rows = [];
  const errors = [];

  const sz = sizes();
  results.sizes = sz;
  const kb = (n) => `${(n / KB).toFixed(1)} KB`;
  rows.push({ section: 'Sizes (web/dist, gzip -9)' });
  rows.push(row('loader kefu.js raw', kb(sz.loader.raw)));
  rows.push(row('loader kefu.js gzip', kb(sz.loader.gzip), '≤ 4 KB', sz.loader.gzip <= 4 * KB));
  rows.push(row('kefu-app.js raw / gzip', `${kb(sz.appJs.raw)} / ${kb(sz.appJs.gzip)}`));
  rows.push(row('kefu-app.wasm raw / gzip', `${kb(sz.appWasm.raw)} / ${kb(sz.appWasm.gzip)}`));
  rows.push(row('app js + wasm raw', kb(sz.app.raw)));
  rows.push(row('app js + wasm gzip', `${kb(sz.app.gzip)} (${sz.app.gzip.toLocaleString('en')} B)`, '≤ 240,000 B', sz.app.gzip <= 240000));

  const server = await startServer();
  const versusServer = VERSUS && await startServer({ root: path.resolve(VERSUS) });
  const browser = await launch();
  results.chromium = browser.version();
  try {
    log('open latency and idle cost');
    if (!ONLY.length) try {
      const o = await openLatency(browser, server);
      const cold = median(o.cold), warm = median(o.warm);
      results.open = {
        cold: {
          samplesMs: o.cold.map((x) => round(x)), medianMs: round(cold), budgetMs: 300, pass: cold <= 300,
          hoverHeadStartMs: o.headStart.map((x) => round(x)), stepsMedianMs: phaseMedians(o.phases),
        },
        warm: { samplesMs: o.warm.map((x) => round(x)), medianMs: round(warm), budgetMs: 50, pass: warm <= 50 },
      };
      results.idle = o.idle && { ...o.idle, scriptMs: round(o.idle.scriptMs), taskMs: round(o.idle.taskMs), budgetFrames: 0, pass: o.idle.frames === 0 };
      rows.push({ section: `Open the panel: click on the launcher → first frame drawn (median of ${RUNS}, new context each)` });
      rows.push(row('first click, app not loaded (cold cache)', `${round(cold)} ms`, '≤ 300 ms', cold <= 300));
      rows.push(row('  range', `${round(Math.min(...o.cold))}–${round(Math.max(...o.cold))} ms`));
      rows.push(row('  load started by hovering, before the click', `${round(median(o.headStart))} ms`));
      for (const [n, v] of Object.entries(results.open.cold.stepsMedianMs)) rows.push(row(`  step: ${n}`, `+${v} ms`));
      rows.push(row('open again, app loaded', `${round(warm)} ms`, '≤ 50 ms', warm <= 50));
      rows.push(row('  range', `${round(Math.min(...o.warm))}–${round(Math.max(...o.warm))} ms`));
      if (o.idle) {
        rows.push({ section: 'Idle panel: open, 1 s settle, then 5 s' });
        rows.push(row('frames rendered', String(o.idle.frames), '0', o.idle.frames === 0));
        rows.push(row('ScriptDuration (whole page)', `${round(o.idle.scriptMs)} ms`));
        rows.push(row('TaskDuration (whole page)', `${round(o.idle.taskMs)} ms`));
      }
    } catch (e) {
      errors.push(`open/idle: ${e.stack || e}`);
    }

    results.call = {};
    const RTT = 40;
    const PRESS = 100;
    const modes = [
      ['allowed', true, 0, 0, 'loopback, microphone allowed on an earlier visit (no prompt)'],
      ['prompt', false, 0, 0, 'loopback, first call: the permission prompt, accepted at once by the fake UI'],
      ['press', false, 0, PRESS, `loopback, first call, the agent's click a ${PRESS} ms press as a person's`],
      ['rtt40', false, RTT, 0, `${RTT} ms round trip to the server, first call (prompt)`],
      ['relay', false, 0, 0, 'through the local TURN server (relay candidates only on every side), first call (prompt)'],
    ].filter(([m]) => !OPEN_ONLY && (!ONLY.length || ONLY.includes(m)));
    for (const [mode, allowed, rtt, press, title] of modes) {
    log(`call set-up, ${mode}`);
    const relay = mode === 'relay';
    let target = server;
    if (relay) {
      const why = await relayServer().then((r) => { target = r; return null; }, (e) => e.message);
      if (why) {
        errors.push(`relay setting skipped: ${why}`);
        continue;
      }
    }
    const proxy = rtt ? await startLatencyProxy(server.url, rtt / 2) : null;
    const vs = versusServer && !relay ? (rtt ? await startLatencyProxy(versusServer.url, rtt / 2) : versusServer) : null;
    try {
      const c = await calls(browser, proxy || target, allowed, press, relay, vs);
      const k = median(c.kefu), b = median(c.baseline), f = median(c.floor);
      const rc = results.call[mode] = {
        kefu: { samplesMs: c.kefu.map((x) => round(x)), medianMs: round(k) },
        baseline: { samplesMs: c.baseline.map((x) => round(x)), medianMs: round(b) },
        floor: { samplesMs: c.floor.map((x) => round(x)), medianMs: round(f) },
        ratio: round(k / b, 2),
        floorRatio: round(k / f, 2),
        stepsMedianMs: { kefu: phaseMedians(c.phases.kefu), baseline: phaseMedians(c.phases.baseline), floor: phaseMedians(c.phases.floor) },
        longTasksMedianMs: { kefu: round(median(c.blocked.kefu)), baseline: round(median(c.blocked.baseline)) },
        kefuFramesMedian: median(c.frames),
        problems: c.problems,
      };
      if (vs) {
        const v = median(c.before);
        rc.before = { dir: VERSUS, samplesMs: c.before.map((x) => round(x)), medianMs: round(v), ratio: round(v / b, 2), floorRatio: round(v / f, 2) };
        rc.stepsMedianMs.before = phaseMedians(c.phases.before);
      }
      rows.push({ section: `Voice call, ${title}: click on 语音 → remote audio playing (loopback, fake devices, median of ${RUNS}, alternating)` });
      rows.push(row('Kefu (panel open, PeerJS pre-registered)', `${round(k)} ms`));
      rows.push(row('  range', `${round(Math.min(...c.kefu))}–${round(Math.max(...c.kefu))} ms (${c.kefu.length} runs)`));
      rows.push(row('baseline: seed-style page, stock peerjs', `${round(b)} ms`));
      rows.push(row('  range', `${round(Math.min(...c.baseline))}–${round(Math.max(...c.baseline))} ms (${c.baseline.length} runs)`));
      rows.push(row('floor: two connections in one page, no server', `${round(f)} ms`));
      rows.push(row('  range', `${round(Math.min(...c.floor))}–${round(Math.max(...c.floor))} ms (${c.floor.length} runs)`));
      rows.push(row('ratio Kefu / baseline', `${round(k / b, 2)}`, mode === 'rtt40' ? '≤ 0.4' : '', mode === 'rtt40' ? k / b <= 0.4 : undefined));
      rows.push(row('ratio Kefu / floor', `${round(k / f, 2)}`, mode === 'allowed' ? '≤ 1.5' : '', mode === 'allowed' ? k / f <= 1.5 : undefined));
      if (rc.before) {
        rows.push(row(`before (${VERSUS})`, `${rc.before.medianMs} ms`));
        rows.push(row('  range', `${round(Math.min(...c.before))}–${round(Math.max(...c.before))} ms (${c.before.length} runs)`));
        rows.push(row('  ratios before / baseline, before / floor', `${rc.before.ratio}, ${rc.before.floorRatio}`));
      }
      rows.push(row('main-thread long tasks during set-up, Kefu', `${rc.longTasksMedianMs.kefu} ms`));
      rows.push(row('main-thread long tasks during set-up, baseline', `${rc.longTasksMedianMs.baseline} ms`));
      rows.push(row('panel frames drawn during set-up, Kefu', `${rc.kefuFramesMedian}`));
      for (const side of ['kefu', 'baseline', 'floor', ...(rc.before ? ['before'] : [])]) {
        rows.push({ section: `Call steps after the click, ${side === 'kefu' ? 'Kefu' : side}, ${mode} (median ms)` });
        for (const [n, v] of Object.entries(rc.stepsMedianMs[side])) rows.push(row(`  ${n}`, `+${v} ms`));
        rows.push(row('  remote audio playing', `+${round({ kefu: k, baseline: b, floor: f, before: rc.before && rc.before.medianMs }[side])} ms`));
      }
      if (c.traces.length) {
        rows.push({ section: `Traced Kefu call, ${mode}` });
        for (const l of c.traces) rows.push(row(l, ''));
        rc.trace = c.traces;
      }
      for (const p of c.problems) errors.push(`call (${mode}): ${p}`);
    } catch (e) {
      errors.push(`calls (${mode}): ${e.stack || e}`);
    } finally {
      if (proxy) proxy.close();
      if (vs && vs !== versusServer) vs.close();
      if (relay) await target.stop().catch(() => {});
    }
    }
  } finally {
    await browser.close();
    await server.stop();
    if (versusServer) await versusServer.stop();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  }

  results.errors = errors;
  results.seconds = round((Date.now() - t0) / 1000);
  console.log(`\nKefu benchmark — Chromium ${results.chromium}, ${RUNS} runs per figure\n`);
  printTable(rows);
  if (errors.length) {
    console.log('\nProblems:');
    for (const e of errors) console.log(`  ${e}`);
  }
  console.log(`\n${results.seconds} s. Results written to bench/results.json`);
  fs.writeFileSync(path.join(BENCH, 'results.json'), JSON.stringify(results, null, 2) + '\n');
}

main().catch((e) => {
  console.error(e.stack || e);
}).finally(() => process.exit(0));
