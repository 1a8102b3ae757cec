'use strict';
// Call quality under a bad network: in the namespaces of tests/e2e/netns.js (the call relayed by coturn),
// a call starts good on both sides; then a quarter of the visitor's UDP datagrams are dropped both ways
// (iptables `statistic`: this kernel has no netem) and both the widget and the console must show a poor
// connection, with the loss in the figures; once the loss stops, both come back to good.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { launch, openVisitor, waitReady, until } = require('./harness');
const netns = require('./netns');

const why = netns.unavailable();
const missing = ['turnserver', 'iptables'].filter((b) => !netns.have(b));
const PORT = 8080;
const PASS = `quality-test-${process.pid}`;

let net, server, visitorBrowser, agentBrowser, agent, origin, dataDir;

const inNs = (ns, ...args) => execFileSync('ip', ['netns', 'exec', ns, ...args], { stdio: 'pipe' });

const launchIn = (ns) => netns.launchIn(net, ns, launch, origin);

before(async () => {
  if (why || missing.length) return;
  net = netns.createTopology();
  origin = `http://${netns.SERVER_IP}:${PORT}`;
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-quality-'));
  server = await netns.startServerIn(net, { port: PORT, dataDir, env: { KEFU_AGENT_PASS: PASS, KEFU_TURN: '1' }, until });
  visitorBrowser = await launchIn(net.ns.visitor);
  agentBrowser = await launchIn(net.ns.agent);
  agent = await (await agentBrowser.newContext()).newPage();
  await netns.consoleLogin(agent, origin, 'kefu1', PASS, until);
});

after(() => netns.tearDown({ browsers: [visitorBrowser, agentBrowser], server, net }));

const levels = async (page) => ({
  widget: await page.evaluate(() => window.Kefu.state().callQuality),
  console: await agent.evaluate(() => (window.__kefuAgent.callQuality || {}).level),
});

test('a lossy path shows a poor connection on both sides, and good again once it clears', { skip: why || false }, async (t) => {
  assert.deepEqual(missing, [], `install ${missing.join(', ')} (bash shell/setup.sh --tests)`);
  const page = await openVisitor(visitorBrowser, `${origin}/`, { context: await visitorBrowser.newContext() });
  await page.evaluate(() => window.Kefu.open());
  await waitReady(page);
  const result = page.evaluate(() => window.Kefu.call({ video: false }).then((e) => e, (e) => ({ error: e.code })));
  await until(() => agent.evaluate(() => window.__kefuAgent.state === 'ringing'), { what: 'the console rings' });
  await agent.click('#call-accept');
  assert.equal((await result).state, 'in-call');
  await until(async () => {
    const l = await levels(page);
    return l.widget === 'good' && l.console === 'good';
  }, { timeout: 15000, what: 'a good connection on both sides first' });

  const dev = `cv${net.ns.visitor.slice(3)}`;
  const rule = (op) => {
    inNs(net.ns.visitor, 'iptables', '-w', op, 'OUTPUT', '-o', dev, '-p', 'udp', '-m', 'statistic', '--mode', 'random', '--probability', '0.25', '-j', 'DROP');
    inNs(net.ns.visitor, 'iptables', '-w', op, 'INPUT', '-i', dev, '-p', 'udp', '-m', 'statistic', '--mode', 'random', '--probability', '0.25', '-j', 'DROP');
  };
  rule('-I');
  try {
    await until(async () => {
      const l = await levels(page);
      return l.widget === 'poor' && l.console === 'poor';
    }, { timeout: 15000, interval: 200, what: 'a poor connection on both sides' });
    const s = await page.evaluate(() => window.Kefu.state().callStats);
    t.diagnostic(`widget figures under 25 % loss: ${JSON.stringify(s)}`);
    assert.ok(s.lossPct >= 8, `the loss is in the figures: ${s.lossPct} %`);
    assert.equal(await agent.locator('.call-quality').getAttribute('data-level'), 'poor');
    assert.match(await agent.locator('.call-quality').textContent(), /网络较差/);
  } finally {
    rule('-D');
  }
  await until(async () => {
    const l = await levels(page);
    return l.widget === 'good' && l.console === 'good';
  }, { timeout: 20000, interval: 200, what: 'good again on both sides' });
  await page.evaluate(() => window.Kefu.hangup());
  await until(() => agent.evaluate(() => window.__kefuAgent.state !== 'in-call'), { what: 'the console ends' });
});
