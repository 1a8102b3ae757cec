'use strict';
// The agent console under load: many listed visitors, one visitor flooding typing frames over a raw
// socket, and clicks on visitors timed inside the page, from the input event to the conversation on
// screen. Shared by tests/e2e/agent-console-load.test.js and bench/console-typing.js.
const path = require('node:path');
const { createRequire } = require('node:module');

const shellRequire = createRequire(path.join(__dirname, '../../shell/package.json'));
const WebSocket = shellRequire('ws');
const { chromium } = shellRequire('playwright-core');

const CHROMIUM = process.env.KEFU_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required'];

const launch = () => chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });

async function post(url, p, body, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const r = await fetch(url + p, { method: 'POST', headers, body: JSON.stringify(body) });
  const json = await r.json().catch(() => null);
  return { status: r.status, json };
}

// `n` visitors that each wrote one line (so the console lists them), made 20 at a time.
async function seedVisitors(url, n) {
  const out = [];
  for (let i = 0; i < n; i += 20) {
    const batch = await Promise.all(Array.from({ length: Math.min(20, n - i) }, async (_, k) => {
      const name = `访客 ${String(i + k).padStart(3, '0')}`;
      const r = await post(url, '/api/visitors', { name });
      if (r.status !== 201) throw new Error(`visitor creation failed: ${r.status}`);
      const text = `第 ${i + k} 位访客的问题`;
      const m = await post(url, '/api/messages', { id: `seed${i + k}`, text }, r.json.token);
      if (m.status !== 200) throw new Error(`seed message failed: ${m.status}`);
      return { ...r.json, name, text };
    }));
    out.push(...batch);
  }
  return out;
}

// A visitor's chat socket, driven by hand: burst(n) sends n typing frames at once, on and off in turn.
async function rawVisitor(url, token) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/visitor`);
  ws.on('error', () => {});
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'auth', data: { token } }));
  await new Promise((resolve) => ws.on('message', (raw) => JSON.parse(raw).type === 'hello' && resolve()));
  return {
    ws,
    burst(n) {
      for (let i = 0; i < n; i++) ws.send(JSON.stringify({ type: 'typing', data: { on: i % 2 === 0 } }));
    },
    close: () => ws.close(),
  };
}

// Records each click on a visitor row from its input event's time stamp (so time spent queued behind
// other work counts) to the animation frame on which that visitor's conversation is rendered.
function clickProbe() {
  const clicks = (window.__clicks = []);
  document.getElementById('visitor-list').addEventListener('click', (e) => {
    const li = e.target.closest('.visitor-item');
    if (!li) return;
    const c = { id: li.dataset.visitorId, name: li.querySelector('.name').textContent, t0: e.timeStamp, t1: null };
    clicks.push(c);
    const done = () => window.__kefuAgent.selectedVisitorId === c.id
      && document.getElementById('chat-name').textContent === c.name
      && document.querySelector('#message-list .msg') !== null;
    const check = () => {
      if (c.t1 !== null || clicks[clicks.length - 1] !== c) return;
      if (done()) c.t1 = performance.now();
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  }, true);
}

async function openConsole(browser, url, count) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(String(e)));
  await page.goto(`${url}/agent/`);
  await page.fill('#login-user', 'kefu1');
  await page.fill('#login-pass', 'kefu123');
  await page.click('#login-submit');
  await page.waitForFunction(() => window.__kefuAgent.wsState === 'online');
  await page.waitForFunction((n) => document.querySelectorAll('.visitor-item').length >= n, count, { timeout: 30000 });
  await page.evaluate(clickProbe);
  return page;
}

// Where each row visible now is; typing does not reorder the list, so these stay valid during a flood.
async function visibleRows(page) {
  return page.evaluate(() => {
    const box = document.getElementById('visitor-list').getBoundingClientRect();
    return [...document.querySelectorAll('.visitor-item')].map((li) => {
      const r = li.getBoundingClientRect();
      return { id: li.dataset.visitorId, x: r.left + r.width / 2, y: r.top + r.height / 2, visible: r.top >= box.top && r.bottom <= box.bottom };
    }).filter((r) => r.visible);
  });
}

// Clicks at the row's place with no readiness checks of the page (a person does not wait either);
// resolves with the visitor the click reached and the click-to-rendered time measured in the page.
async function timedClick(page, row, timeout = 120000) {
  const n = page.clicksMade || 0; // counted here: asking a busy page would wait for it
  page.clicksMade = n + 1;
  await page.mouse.click(row.x, row.y);
  const handle = await page.waitForFunction((i) => {
    const c = window.__clicks[i];
    return c && c.t1 !== null ? { id: c.id, ms: c.t1 - c.t0 } : null;
  }, n, { timeout, polling: 50 });
  return handle.jsonValue();
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};

module.exports = { launch, CHROMIUM, post, seedVisitors, rawVisitor, openConsole, visibleRows, timedClick, sleep, quantile };
