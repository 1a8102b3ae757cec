'use strict';
// Agent console under a typing flood: 200 visitors listed, one of them sending bursts of 4,000 typing
// frames over a raw socket while a Chromium-driven console clicks other visitors. Reports the time from
// the click's input event to the animation frame that shows the conversation (median, p95), and how many
// typing frames reached an agent socket. A report, not a test: exits 0. Writes bench/console-typing.json.
//   NODE_PATH=shell/node_modules node bench/console-typing.js [--clicks=N] [--frames=N] [--visitors=N]
//     [--shell=DIR]    the backend to run (a shell/ folder; default this checkout's), e.g. an older one
//     [--public=DIR]   the console pages to serve (default that backend's own public/)
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createRequire } = require('node:module');
const { launch, post, seedVisitors, rawVisitor, openConsole, visibleRows, timedClick, sleep, quantile } = require('../tests/e2e/console-load');

const arg = (name, def) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : def;
};
const CLICKS = Number(arg('clicks', 20));
const FRAMES = Number(arg('frames', 4000));
const VISITORS = Number(arg('visitors', 200));
const ROOT = path.resolve(__dirname, '..');
const SHELL = path.resolve(arg('shell', path.join(ROOT, 'shell')));
const PUBLIC = arg('public', null);
const round = (x) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);
const log = (...a) => console.error(...a);

// Counts the typing frames an agent socket is sent, as the console would get them.
async function typingCounter(url) {
  const WebSocket = createRequire(path.join(SHELL, 'package.json'))('ws');
  const login = await post(url, '/api/agent/login', { username: 'kefu1', password: 'kefu123' });
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/agent`);
  const counter = { typing: 0, close: () => ws.close() };
  ws.on('error', () => {});
  ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', data: { token: login.json.token } })));
  ws.on('message', (raw) => {
    if (JSON.parse(raw).type === 'typing') counter.typing++;
  });
  return counter;
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-bench-'));
  const options = { port: 0, host: '127.0.0.1', dataDir, quiet: true, configFile: false, rate: { visitorCreates: 100000 } };
  if (PUBLIC) options.publicDir = path.resolve(PUBLIC);
  const srv = await require(path.join(SHELL, 'server.js')).start(options);
  const browser = await launch();
  const shown = (d) => (d.startsWith(ROOT + path.sep) ? path.relative(ROOT, d) : d);
  const results = { shell: shown(SHELL), public: shown(options.publicDir || path.join(SHELL, 'public')), visitors: VISITORS, framesPerClick: FRAMES };
  try {
    log(`seeding ${VISITORS} visitors`);
    const visitors = await seedVisitors(srv.url, VISITORS);
    const page = await openConsole(browser, srv.url, VISITORS);
    const counter = await typingCounter(srv.url);
    const spammer = await rawVisitor(srv.url, visitors[0].token);
    await page.waitForFunction((id) => document.querySelector('.visitor-item').dataset.visitorId === id, visitors[0].visitorId);
    await sleep(500);
    const rows = (await visibleRows(page)).filter((r) => r.id !== visitors[0].visitorId);
    const times = [];
    const t0 = Date.now();
    for (let i = 0; i < CLICKS; i++) {
      spammer.burst(FRAMES);
      await sleep(30);
      const click = await timedClick(page, rows[i % rows.length]);
      times.push(click.ms);
      log(`click ${i + 1}/${CLICKS}: ${Math.round(click.ms)} ms`);
      await page.evaluate(() => 0); // the page has caught up
      await sleep(300);
    }
    results.seconds = round((Date.now() - t0) / 1000);
    results.clickToRenderedMs = {
      median: round(quantile(times, 0.5)), p95: round(quantile(times, 0.95)),
      min: round(Math.min(...times)), max: round(Math.max(...times)), samples: times.map(round),
    };
    results.typingFramesSent = FRAMES * CLICKS;
    results.typingFramesToAnAgent = counter.typing;
    results.pageErrors = page.problems;
    spammer.close();
    counter.close();
  } finally {
    await browser.close();
    await srv.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const c = results.clickToRenderedMs;
  console.log(`\nAgent console, ${VISITORS} visitors listed, ${FRAMES} typing frames per click from one visitor, ${CLICKS} clicks`);
  console.log(`  backend ${results.shell}, console ${results.public}`);
  console.log(`  click → conversation rendered: median ${c.median} ms, p95 ${c.p95} ms (min ${c.min}, max ${c.max}); target < 100 ms`);
  console.log(`  typing frames: ${results.typingFramesSent} sent, ${results.typingFramesToAnAgent} relayed to an agent socket`);
  fs.writeFileSync(path.join(__dirname, 'console-typing.json'), JSON.stringify(results, null, 2) + '\n');
}

main().catch((e) => console.error(e.stack || e)).finally(() => process.exit(0));
