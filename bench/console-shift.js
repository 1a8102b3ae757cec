'use strict';
// The agent console over a shift: 500 visitors listed, 50 of them chatting (a message every few seconds
// each, typing in between). Measures, in a Chromium-driven console:
//   - click on a visitor → that conversation rendered (input event to the animation frame showing it);
//   - keystroke in the reply box → echoed (keydown to the first animation frame after the input);
//   - the console tab's JS heap (after a forced GC) through an hour-long shift compressed in time:
//     new visitors arriving, chatters writing, the agent opening conversations and replying; then a
//     stretch with no new visitors and messages only in conversations the console has not loaded,
//     where the heap must stay flat (nothing grows per message beyond the history the console holds).
// A report, not a test: exits 0. Writes bench/console-shift.json.
//   NODE_PATH=shell/node_modules node bench/console-shift.js [--visitors=500] [--chatters=50]
//     [--clicks=20] [--keys=100] [--minutes=60] [--minute-ms=1000]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { launch, post, seedVisitors, rawVisitor, openConsole, visibleRows, timedClick, sleep, quantile } = require('../tests/e2e/console-load');

const arg = (name, def) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.slice(name.length + 3)) : def;
};
const VISITORS = arg('visitors', 500);
const CHATTERS = arg('chatters', 50);
const CLICKS = arg('clicks', 20);
const KEYS = arg('keys', 100);
const MINUTES = arg('minutes', 60);
const MINUTE_MS = arg('minute-ms', 1000);
const ARRIVALS = 8; // new visitors per simulated minute, in the busy part of the shift
const OPENS = 3; // conversations the agent opens (and answers twice) per simulated minute
const round = (x) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);
const log = (...a) => console.error(...a);
const stats = (xs) => ({ median: round(quantile(xs, 0.5)), p95: round(quantile(xs, 0.95)), min: round(Math.min(...xs)), max: round(Math.max(...xs)), n: xs.length });

// Keystroke → echo, measured in the page: from the keydown's time stamp (queueing counts) to the first
// animation frame after the reply box's input event.
function keyProbe() {
  const reply = document.getElementById('reply');
  const keys = (window.__keys = []);
  reply.addEventListener('keydown', (e) => keys.push({ t0: e.timeStamp, t1: null }), true);
  reply.addEventListener('input', () => {
    const k = keys[keys.length - 1];
    if (k && k.t1 === null) requestAnimationFrame(() => { k.t1 = performance.now(); });
  });
}

// What the console holds: rows, loaded messages, DOM nodes, and the JS heap after a full GC.
async function footprint(page, cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
  const held = await page.evaluate(async () => {
    const { state } = await import('/agent/state.js');
    let messages = 0;
    for (const c of state.convs.values()) messages += c.bySeq.size + c.pending.size;
    return { visitors: state.visitors.size, conversationsLoaded: state.convs.size, messages, rows: document.querySelectorAll('.visitor-item').length };
  });
  return { heapMB: round(m.JSHeapUsedSize / 1048576), nodes: m.Nodes, listeners: m.JSEventListeners, ...held };
}

// Chatters: each writes a line every few seconds and types before it. `pick` chooses who writes.
function chatter(sockets, everyMs, pick = () => sockets[Math.floor(Math.random() * sockets.length)]) {
  let n = 0;
  const timer = setInterval(() => {
    const s = pick();
    if (!s || s.ws.readyState !== 1) return;
    s.ws.send(JSON.stringify({ type: 'typing', data: { on: true } }));
    s.ws.send(JSON.stringify({ type: 'message', data: { id: `c${Date.now()}${n++}`, text: `第 ${n} 条：请问订单 KF-${n} 发货了吗？` } }));
  }, everyMs);
  return { stop: () => clearInterval(timer), sent: () => n };
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-bench-'));
  const srv = await require('../shell/server.js').start({
    port: 0, host: '127.0.0.1', dataDir, quiet: true, configFile: false,
    rate: { visitorCreates: 100000, messages: 1000 },
    sockets: { perAddress: 1000 }, http: { connectionsPerAddress: 1000 }, // every visitor here is on loopback
  });
  const browser = await launch();
  const results = { visitors: VISITORS, chatters: CHATTERS, minutes: MINUTES, minuteMs: MINUTE_MS };
  const stops = [];
  try {
    // The console first, so every visitor reaches its list (the sign-in's hello lists 200 at most).
    const page = await openConsole(browser, srv.url, 0);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    log(`seeding ${VISITORS} visitors`);
    const visitors = await seedVisitors(srv.url, VISITORS);
    await page.waitForFunction((n) => document.querySelectorAll('.visitor-item').length >= n, VISITORS, { timeout: 60000 });
    const chatters = await Promise.all(visitors.slice(0, CHATTERS).map((v) => rawVisitor(srv.url, v.token)));
    stops.push(...chatters.map((c) => ({ stop: c.close })));
    const chat = chatter(chatters, Math.max(20, Math.round(4000 / CHATTERS))); // each chatter about every 4 s
    stops.push(chat);
    await sleep(1000);

    // Clicks, on rows where they are now (the list holds its order under the pointer).
    const times = [];
    for (let i = 0; i < CLICKS; i++) {
      const rows = await visibleRows(page);
      const click = await timedClick(page, rows[(i * 7) % rows.length]);
      times.push(click.ms);
      log(`click ${i + 1}/${CLICKS}: ${Math.round(click.ms)} ms`);
      await sleep(250);
    }
    results.clickToRenderedMs = stats(times);

    // Keystrokes in the reply box of the conversation open now.
    await page.evaluate(keyProbe);
    await page.focus('#reply');
    for (let i = 0; i < KEYS; i++) {
      await page.keyboard.press(i % 20 === 19 ? 'Backspace' : 'a');
      await sleep(40);
    }
    await sleep(200);
    const keys = (await page.evaluate(() => window.__keys)).filter((k) => k.t1 !== null).map((k) => k.t1 - k.t0);
    results.keystrokeToEchoMs = stats(keys);
    await page.fill('#reply', '');
    log(`keystroke → echo: median ${results.keystrokeToEchoMs.median} ms`);

    // The shift, compressed: each simulated minute lasts MINUTE_MS.
    const shift = [];
    shift.push({ minute: 0, ...(await footprint(page, cdp)) });
    const busyUntil = Math.round(MINUTES * 2 / 3);
    let arrived = 0;
    const loadedIds = new Set();
    let quiet = null;
    for (let minute = 1; minute <= MINUTES; minute++) {
      const t0 = Date.now();
      if (minute <= busyUntil) {
        const fresh = await seedVisitors(srv.url, ARRIVALS);
        arrived += fresh.length;
        const ids = await page.$$eval('.visitor-item', (li) => li.slice(0, 40).map((n) => n.dataset.visitorId));
        for (let k = 0; k < OPENS; k++) {
          const id = ids[(minute * 5 + k * 3) % ids.length];
          await page.$eval(`.visitor-item[data-visitor-id="${id}"]`, (li) => li.click()); // rows may be moving
          await page.waitForFunction((v) => window.__kefuAgent.selectedVisitorId === v, id);
          loadedIds.add(id);
          for (const line of ['您好，马上为您查询。', '已经发货，单号 SF1234567890。']) {
            await page.fill('#reply', line);
            await page.press('#reply', 'Enter');
          }
        }
      } else if (!quiet) {
        // From here on: no new visitors, and only visitors whose conversation the console never
        // loaded write (their rows update, nothing is added to the held history).
        chat.stop();
        const idle = chatters.filter((c, i) => !loadedIds.has(visitors[i].visitorId));
        quiet = chatter(idle, 40); // 25 messages a second, more than the busy part: growth would show
        stops.push(quiet);
        results.quietChatters = idle.length;
      }
      await sleep(Math.max(0, MINUTE_MS - (Date.now() - t0)));
      if (minute % 10 === 0 || minute === busyUntil || (minute > busyUntil && minute % 5 === 0)) {
        shift.push({ minute, ...(await footprint(page, cdp)) });
        log(`minute ${minute}: ${JSON.stringify(shift[shift.length - 1])}`);
      }
    }
    results.messagesByChatters = chat.sent() + (quiet ? quiet.sent() : 0);
    results.newVisitors = arrived;
    results.shift = shift;
    const atBusyEnd = shift.find((s) => s.minute === busyUntil);
    const last = shift[shift.length - 1];
    results.quietHeapChangeMB = round(last.heapMB - atBusyEnd.heapMB);
    results.quietMessages = quiet ? quiet.sent() : 0;
    results.pageErrors = page.problems;
  } finally {
    for (const s of stops) s.stop();
    await browser.close();
    await srv.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const c = results.clickToRenderedMs;
  const k = results.keystrokeToEchoMs;
  const first = results.shift[0];
  const last = results.shift[results.shift.length - 1];
  console.log(`\nAgent console over a shift: ${VISITORS} visitors listed, ${CHATTERS} chatting`);
  console.log(`  click → conversation rendered: median ${c.median} ms, p95 ${c.p95} ms (${c.n} clicks); target < 50 ms`);
  console.log(`  keystroke → echo in the reply box: median ${k.median} ms, p95 ${k.p95} ms (${k.n} keys); target < 50 ms`);
  console.log(`  shift of ${MINUTES} simulated minutes (${MINUTE_MS} ms each): ${results.newVisitors} new visitors, ${results.messagesByChatters} visitor messages`);
  console.log(`  heap after GC: ${first.heapMB} MB at the start, ${last.heapMB} MB at the end; ${last.rows} rows, ${last.messages} messages held`);
  console.log(`  last third (no new visitors, ${results.quietMessages} messages to unloaded conversations): heap change ${results.quietHeapChangeMB} MB`);
  fs.writeFileSync(path.join(__dirname, 'console-shift.json'), JSON.stringify(results, null, 2) + '\n');
}

main().catch((e) => console.error(e.stack || e)).finally(() => process.exit(0));
