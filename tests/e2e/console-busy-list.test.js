'use strict';
// A long, busy visitor list does not slow the reply box: with 500 visitors listed and 40 of them
// writing, each line moves one row to the top, and typing still echoes within a frame or two.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../server/helpers');
const { launch, seedVisitors, rawVisitor, openConsole, sleep, quantile } = require('./console-load');

let srv;
let browser;
before(async () => {
  srv = await startServer({ rate: { visitorCreates: 10000 }, sockets: { perAddress: 1000 }, http: { connectionsPerAddress: 1000 } });
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.close();
});

test('500 visitors listed, 40 writing: a keystroke in the reply box echoes in < 50 ms (median)', async () => {
  const page = await openConsole(browser, srv.url, 0);
  const visitors = await seedVisitors(srv.url, 500);
  await page.waitForFunction(() => document.querySelectorAll('.visitor-item').length >= 500, null, { timeout: 60000 });
  const writers = await Promise.all(visitors.slice(0, 40).map((v) => rawVisitor(srv.url, v.token)));
  let n = 0;
  // About 13 lines a second, from visitors lower in the list each time: every one reorders the list.
  const timer = setInterval(() => {
    const w = writers[n % writers.length];
    w.ws.send(JSON.stringify({ type: 'message', data: { id: `w${n}`, text: `第 ${n} 条消息` } }));
    n++;
  }, 75);
  try {
    await page.click('.visitor-item:nth-child(60)');
    await page.waitForSelector('#message-list .msg');
    await page.evaluate(() => {
      const reply = document.getElementById('reply');
      const keys = (window.__keys = []);
      reply.addEventListener('keydown', (e) => keys.push({ t0: e.timeStamp, t1: null }), true);
      reply.addEventListener('input', () => {
        const k = keys[keys.length - 1];
        if (k && k.t1 === null) requestAnimationFrame(() => { k.t1 = performance.now(); });
      });
    });
    await page.focus('#reply');
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('a');
      await sleep(40);
    }
    await sleep(300);
    const ms = (await page.evaluate(() => window.__keys)).filter((k) => k.t1 !== null).map((k) => k.t1 - k.t0);
    assert.ok(ms.length >= 55, `${ms.length} keystrokes echoed`);
    assert.ok(quantile(ms, 0.5) < 50, `keystroke → echo median ${Math.round(quantile(ms, 0.5))} ms (${n} visitor lines meanwhile)`);
    assert.deepEqual(page.problems, []);
  } finally {
    clearInterval(timer);
    for (const w of writers) w.close();
  }
});
