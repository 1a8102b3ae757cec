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
const { launch, openVisitor, waitReady, until, recordConnections } = require('./harness');
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
  const agentContext = await agentBrowser.newContext();
  await agentContext.addInitScript(recordConnections);
  agent = await agentContext.newPage();
  await netns.consoleLogin(agent, origin, 'kefu1', PASS, until);
});

after(() => netns.tearDown({ browsers: [visitorBrowser, agentBrowser], server, net }));

const levels = async (page) => ({
  widget: await page.evaluate(() => window.Kefu.state().callQuality),
  console: await agent.evaluate(() => (window.__kefuAgent.callQuality || {}).level),
});

// The path each connected connection of a page took (the selected pair's local candidate).
const paths = (p) => p.evaluate(async () => {
  const out = [];
  for (const pc of window.__pcs || []) {
    if (pc.connectionState !== 'connected') continue;
    const r = await pc.getStats();
    r.forEach((s) => {
      const pair = s.type === 'transport' && s.selectedCandidatePairId && r.get(s.selectedCandidatePairId);
      const c = pair && r.get(pair.localCandidateId);
      if (c) out.push(`${c.candidateType}/${c.protocol}${c.relayProtocol ? `/${c.relayProtocol}` : ''}`);
    });
  }
  return out;
});

test('a lossy path shows a poor connection on both sides, and good again once it clears', { skip: why || false }, async (t) => {
  assert.deepEqual(missing, [], `install ${missing.join(', ')} (bash shell/setup.sh --tests)`);
  // Only TURN over UDP is left to the visitor (TCP to the server only for the site itself): the loss
  // below is made on UDP, and a call relayed over TURN/TCP would not see it.
  const onlyUdpRelay = (op) => inNs(net.ns.visitor, 'iptables', '-w', op, 'OUTPUT', '-p', 'tcp', '-d', netns.SERVER_IP, '!', '--dport', String(PORT), '-j', 'REJECT');
  onlyUdpRelay('-A');
  t.after(() => onlyUdpRelay('-D'));
  const context = await visitorBrowser.newContext();
  await context.addInitScript(recordConnections);
  const page = await openVisitor(visitorBrowser, `${origin}/`, { context });
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
  const route = { widget: await paths(page), console: await paths(agent) };
  t.diagnostic(`the call's path: ${JSON.stringify(route)}`);
  // Relayed by the visitor's own allocation or the console's: UDP from the visitor's side either way.
  assert.ok(route.widget.length && route.widget.every((x) => !x.includes('tcp')), `the visitor's side of the call is UDP: ${JSON.stringify(route)}`);
  rule('-I');
  try {
    // Each side is checked on its own: one poll of both pages at the same instant may catch one of them
    // between samples. What each side showed, sample by sample, is in the message when it fails.
    const seen = { widget: false, console: false };
    const trace = [];
    const t0 = Date.now();
    await until(async () => {
      const l = await levels(page);
      trace.push(`${Date.now() - t0}:${l.widget}/${l.console}`);
      seen.widget ||= l.widget === 'poor';
      seen.console ||= l.console === 'poor';
      return seen.widget && seen.console;
    }, { timeout: 15000, interval: 200, what: 'a poor connection on both sides' }).catch(async (e) => {
      const figures = { widget: await page.evaluate(() => window.Kefu.state().callStats), console: await agent.evaluate(() => window.__kefuAgent.callQuality) };
      e.message += ` (seen: ${JSON.stringify(seen)}; figures: ${JSON.stringify(figures)}; path: ${JSON.stringify({ widget: await paths(page), console: await paths(agent) })}; levels: ${trace.filter((x, i) => i % 5 === 0 || i === trace.length - 1).join(' ')})`;
      throw e;
    });
    const s = await page.evaluate(() => window.Kefu.state().callStats);
    t.diagnostic(`widget figures under 25 % loss: ${JSON.stringify(s)}; poor on both sides after ${Date.now() - t0} ms`);
    assert.ok(s.lossPct >= 8, `the loss is in the figures: ${s.lossPct} %`);
    await until(async () => (await agent.locator('.call-quality').getAttribute('data-level')) === 'poor', { timeout: 5000, what: 'the console\'s card showing poor' });
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
