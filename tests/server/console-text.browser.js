'use strict';
// Browser check of what visitors' text and links can do to our pages: bidi overrides in names and
// fields stay inside them in the agent console, a forgotten visitor leaves the console's list, and
// try.html on a real host name cannot be pointed at somebody else's servers. Run by
// tests/e2e/console-text.test.js, or directly: node tests/server/console-text.browser.js
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');
const { startServer, api, newVisitor, visitorSocket, runMain } = require('./helpers');

const shellRequire = createRequire(path.join(__dirname, '../../shell/package.json'));
const { chromium } = shellRequire('playwright-core');
const CHROMIUM = process.env.KEFU_CHROMIUM || '/usr/bin/chromium';
const RLO = '\u202E';

// Left edge, on screen, of the first occurrence of `needle` in the text of `selector`.
function leftOf(page, selector, needle) {
  return page.evaluate(({ selector, needle }) => {
    const root = document.querySelector(selector);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const i = n.data.indexOf(needle);
      if (i < 0) continue;
      const r = document.createRange();
      r.setStart(n, i);
      r.setEnd(n, i + needle.length);
      return r.getBoundingClientRect().left;
    }
    return null;
  }, { selector, needle });
}

async function main() {
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`skipped: no Chromium at ${CHROMIUM}`);
    return;
  }
  const srv = await startServer();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--no-first-run', '--host-resolver-rules=MAP shop.test 127.0.0.1'],
  });
  try {
    // A visitor whose name, email and message open a right-to-left override and never close it.
    const v = await newVisitor(srv, `${RLO}Mallory`);
    await api(srv, 'PATCH', '/api/visitors/me', {
      token: v.token, body: { email: `${RLO}evil@x.example`, phone: '13800000000', attrs: { plan: 'gold' } },
    });
    const tab = await visitorSocket(srv, v.token);
    tab.send('message', { id: 'b1', text: `${RLO}hello there` });
    await tab.next('ack');

    const agent = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await agent.goto(`${srv.url}/agent/`);
    await agent.fill('#login-user', 'kefu1');
    await agent.fill('#login-pass', 'kefu123');
    await agent.click('#login-submit');
    await agent.waitForFunction(() => window.__kefuAgent.wsState === 'online');
    const item = `.visitor-item[data-visitor-id="${v.visitorId}"]`;
    await agent.click(item);
    await agent.waitForSelector('#messages .msg[data-id="b1"], #message-list .msg[data-id="b1"]');

    // The contact line reads left to right, field after field, whatever one field holds.
    const id = await leftOf(agent, '#chat-meta', v.visitorId);
    const email = await leftOf(agent, '#chat-meta', 'evil');
    const phone = await leftOf(agent, '#chat-meta', '13800000000');
    const plan = await leftOf(agent, '#chat-meta', 'plan');
    assert.ok(id < email && email < phone && phone < plan, `fields stay in order: id ${id}, email ${email}, phone ${phone}, plan ${plan}`);
    for (const sel of ['#chat-name', `${item} .name`, '.msg[data-id="b1"] .bubble']) {
      const bidi = await agent.$eval(sel, (e) => getComputedStyle(e).unicodeBidi);
      assert.match(bidi, /isolate|plaintext/, `${sel} is isolated`);
    }

    // Forget me: the row and the open conversation leave the console.
    const gone = await api(srv, 'DELETE', '/api/visitors/me', { token: v.token });
    assert.equal(gone.status, 200);
    await agent.waitForSelector(item, { state: 'detached', timeout: 5000 });
    assert.equal(await agent.evaluate(() => window.__kefuAgent.selectedVisitorId), null);

    // try.html on a real host name: foreign servers in the address are dropped, and the CSP refuses them.
    const port = srv.port;
    const shop = await browser.newPage();
    await shop.goto(`http://shop.test:${port}/try.html?lang=en&peerHost=evil.test&peerPort=9000&peerKey=k&server=http://evil.test:9000`);
    await shop.waitForFunction(() => window.KefuSettings !== undefined);
    const settings = await shop.evaluate(() => window.KefuSettings);
    assert.deepEqual(settings, { lang: 'en' }, 'only harmless settings are taken');
    assert.match(await shop.textContent('#ignored'), /peerHost/);
    const blocked = await shop.evaluate(() => new Promise((resolve) => {
      document.addEventListener('securitypolicyviolation', (e) => resolve(e.blockedURI), { once: true });
      try {
        new WebSocket('ws://evil.test:9000/peerjs');
      } catch (e) {
        resolve(`threw ${e.name}`);
      }
      setTimeout(() => resolve(null), 2000);
    }));
    assert.ok(blocked && /evil\.test|SecurityError/.test(blocked), `the CSP blocks a foreign socket (${blocked})`);
    // The backend's own PeerJS settings are taken.
    await shop.goto(`http://shop.test:${port}/try.html?peerHost=shop.test&peerPort=${port}&peerPath=/peerjs`);
    await shop.waitForFunction(() => window.KefuSettings !== undefined);
    assert.equal((await shop.evaluate(() => window.KefuSettings)).peerHost, 'shop.test');
    // On a developer's loopback address every setting is taken.
    await shop.goto(`${srv.url}/try.html?peerHost=127.0.0.1&peerPort=9000`);
    await shop.waitForFunction(() => window.KefuSettings !== undefined);
    assert.equal((await shop.evaluate(() => window.KefuSettings)).peerPort, 9000);
    console.log('console text browser check passed');
  } finally {
    await browser.close();
    await srv.close();
  }
}

runMain(main);
