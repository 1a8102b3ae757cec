'use strict';
// Shared pieces of the browser tests: a real Kefu server in a child process (so it can be killed and
// restarted), headless Chromium with fake camera and microphone, and page helpers.
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const net = require('node:net');
const { spawn } = require('node:child_process');
const assert = require('node:assert/strict');
const { chromium } = require('playwright-core');

const ROOT = path.resolve(__dirname, '../..');
const ARTIFACTS = path.join(ROOT, 'tests/artifacts');
const AGENT = { user: 'kefu1', pass: 'kefu123' };

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-quic', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist',
];

// A port below Linux's ephemeral range (32768-60999): a server restarted on it later finds it free, where
// one the kernel handed out could meanwhile be some outgoing socket's source port.
function freePort() {
  const tryPort = (port) => new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(0));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(port)));
  });
  return (async () => {
    for (let i = 0; i < 50; i++) {
      const port = await tryPort(20000 + Math.floor(Math.random() * 12000));
      if (port) return port;
    }
    throw new Error('no free port found between 20000 and 32000');
  })();
}

// `root`: another checkout's backend and files (the benchmark's --versus).
async function startServer({ port, dataDir, env, root = ROOT } = {}) {
  port = port || await freePort();
  dataDir = dataDir || fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-e2e-'));
  const child = spawn(process.execPath, [path.join(root, 'shell/server.js'), '--port', String(port), '--data', dataDir, '--quiet'], {
    env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${out}`);
    try {
      const r = await fetch(`${url}/api/config`);
      if (r.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error(`server did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url, port, dataDir, child, log: () => out,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    },
  };
}

async function launch(extraArgs = [], { fakeUi = true } = {}) {
  const args = CHROMIUM_ARGS.filter((a) => fakeUi || a !== '--use-fake-ui-for-media-stream').concat(extraArgs);
  return chromium.launch({ executablePath: process.env.KEFU_CHROMIUM || '/usr/bin/chromium', headless: true, args });
}

// A visitor page with the widget; collects console warnings/errors and CSP violations.
async function openVisitor(browser, url, { context } = {}) {
  const ctx = context || await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  page.problems = [];
  page.consoleLines = [];
  page.on('console', (m) => { page.consoleLines.push(`${m.type()}: ${m.text()}`); if (m.type() === 'error') page.problems.push(m.text()); });
  page.on('pageerror', (e) => page.problems.push(String(e)));
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(url);
  return page;
}

async function waitReady(page, timeout = 20000) {
  await page.waitForFunction(() => window.Kefu && window.Kefu.state().ready && window.Kefu.state().connected, null, { timeout });
}

// `init`: a script for every page of the console's context (before the console's own scripts).
async function agentLogin(browser, url, { init } = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  if (init) await ctx.addInitScript(init);
  const page = await ctx.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(String(e)));
  await page.goto(`${url}/agent/`);
  await page.fill('#login-user', AGENT.user);
  await page.fill('#login-pass', AGENT.pass);
  await page.click('#login-submit');
  await page.waitForSelector('#reply', { state: 'attached' });
  return page;
}

async function visitorMessages(page) {
  return page.evaluate(() => window.Kefu.messages());
}

// True if the canvas shows more than a flat fill (a real drawing).
async function canvasStats(page) {
  return page.evaluate(() => {
    const root = document.getElementById('kefu-root').shadowRoot;
    const c = root.querySelector('canvas');
    const t = document.createElement('canvas');
    t.width = c.width; t.height = c.height;
    const g = t.getContext('2d');
    g.drawImage(c, 0, 0);
    const d = g.getImageData(0, 0, t.width, t.height).data;
    const colours = new Set();
    let opaque = 0;
    for (let i = 0; i < d.length; i += 16) {
      if (d[i + 3] > 0) opaque++;
      colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    }
    return { width: c.width, height: c.height, colours: colours.size, opaqueFraction: opaque / (d.length / 16) };
  });
}

function artifact(name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

const until = async (fn, { timeout = 10000, interval = 50, what = 'condition' } = {}) => {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, interval));
  }
};

// Polls `read` until it gives the same value three times in a row (still twice: one stall of a loaded
// machine is not a stop); resolves with that value.
async function untilStill(read, { interval = 300, timeout = 8000, what = 'a still value' } = {}) {
  let last = await read();
  let still = 0;
  await until(async () => {
    const now = await read();
    still = now === last ? still + 1 : 0;
    last = now;
    return still >= 2;
  }, { interval, timeout, what });
  return last;
}

// An init script: every RTCPeerConnection the page makes is kept in window.__pcs.
function recordConnections() {
  const Native = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...a) {
      super(...a);
      window.__pcs.push(this);
    }
  };
}

// Audio packets the page received so far over every open connection of recordConnections (the call may
// have moved from one to the next).
const audioIn = (page) => page.evaluate(async () => {
  let n = 0;
  for (const pc of window.__pcs || []) {
    if (pc.connectionState === 'closed') continue;
    (await pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'audio') n += s.packetsReceived; });
  }
  return n;
});

// A test file's usual before(): one server, one Chromium and (unless agent is false) a signed-in console.
// Whatever did start is stopped again when a later part fails, so after() has nothing half-made to close.
async function startFile({ server: serverOptions, agent = true } = {}) {
  const server = await startServer(serverOptions);
  let browser;
  try {
    browser = await launch();
    return { server, browser, agent: agent ? await agentLogin(browser, server.url) : undefined };
  } catch (e) {
    if (browser) await browser.close();
    await server.stop();
    throw e;
  }
}

// The matching after(): the browser first (its pages talk to the server), then the server.
async function stopFile({ browser, server } = {}) {
  if (browser) await browser.close();
  if (server) await server.stop();
}

// Runs one of tests/server's *.browser.js checks in a child process and asserts it passed (`passed`: its
// closing line) and ran in a real Chromium (it says "skipped" where there is none).
async function runBrowserCheck(name, { passed, timeout }) {
  const child = spawn(process.execPath, [path.join(ROOT, 'tests/server', name)], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const code = await new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('close', (c) => { clearTimeout(t); resolve(c); }); // 'close': its output is all read
  });
  assert.equal(code, 0, out);
  assert.match(out, passed);
  assert.doesNotMatch(out, /^skipped/m, 'Chromium must be there');
}

module.exports = {
  ROOT, AGENT, startServer, launch, openVisitor, waitReady, agentLogin, visitorMessages, canvasStats, artifact, until, untilStill, freePort,
  startFile, stopFile, runBrowserCheck, recordConnections, audioIn,
};

// The shell's try page: query parameters become window.KefuSettings.
async function openWithSettings(browser, url, settings) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(String(e)));
  await page.goto(`${url}/try.html?${new URLSearchParams(settings)}`);
  return page;
}

module.exports.openWithSettings = openWithSettings;
