'use strict';
// A running call survives the network moving under the visitor (docs/PROTOCOL.md §6 "Recovery"): the
// visitor's path is cut for 3 s, then its address changes, in the namespaces of tests/e2e/netns.js
// (each browser reaches only the server, calls go through coturn). After each, audio must flow both
// ways again within 5 s of connectivity returning (after a move: of the change), same call, and the chat
// socket the move left dead is replaced.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { ROOT, launch, openVisitor, waitReady, until, recordConnections } = require('./harness');
const netns = require('./netns');

const why = netns.unavailable();
const missing = ['turnserver', 'iptables'].filter((b) => !netns.have(b));
const PORT = 8080;
const PASS = `recover-test-${process.pid}`;
// bench/recovery.js repeats the cut and the move within the call (the test itself: once each).
const ROUNDS = Math.min(20, Math.max(1, Number(process.env.KEFU_RECOVER_ROUNDS) || 1));
const LIMIT_MS = process.env.KEFU_RECOVER_ROUNDS ? 15000 : 5000; // the benchmark measures, the test asserts

let net, server, visitorBrowser, agentBrowser, agent, origin, dataDir;

const inNs = (ns, ...args) => execFileSync('ip', ['netns', 'exec', ns, ...args], { stdio: 'pipe' });

const launchIn = (ns) => netns.launchIn(net, ns, launch, origin);

// Audio packets received so far over each open connection of the page (the call may have moved), by
// connection: a connection closed meanwhile must not count as audio lost.
const audioByPc = (page) => page.evaluate(async () => {
  const n = {};
  for (const [i, pc] of (window.__pcs || []).entries()) {
    if (pc.connectionState === 'closed') continue;
    n[i] = 0;
    (await pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'audio') n[i] += s.packetsReceived; });
  }
  return n;
});
const grew = (now, base) => Object.keys(now).some((i) => now[i] > (base[i] || 0) + 5);

// Each connection of the page: its states and the candidates it has, local and remote (what a failed
// recovery is read from).
const connections = (page) => page.evaluate(async () => Promise.all((window.__pcs || []).map(async (pc, i) => {
  const c = { i, conn: pc.connectionState, ice: pc.iceConnectionState, sig: pc.signalingState, local: [], remote: [], pair: null };
  if (pc.connectionState === 'closed') return c;
  const stats = await pc.getStats();
  stats.forEach((s) => {
    if (s.type === 'local-candidate' || s.type === 'remote-candidate') c[s.type === 'local-candidate' ? 'local' : 'remote'].push(`${s.candidateType}:${s.address}`);
    if (s.type === 'candidate-pair' && s.nominated) c.pair = `${s.state}`;
  });
  return c;
})));

// Resolves with the ms until both sides received new audio, counted from `since`; when it does not come,
// fails with what each side holds.
async function mediaAgain(page, since, timeout = 15000) {
  const base = { v: await audioByPc(page), a: await audioByPc(agent) };
  const got = { v: false, a: false };
  try {
    await until(async () => {
      if (!got.v) got.v = grew(await audioByPc(page), base.v);
      if (!got.a) got.a = grew(await audioByPc(agent), base.a);
      return got.v && got.a;
    }, { timeout, interval: 100, what: 'audio both ways again' });
  } catch (e) {
    const seen = {
      visitor: got.v, agent: got.a,
      widget: await page.evaluate(() => { const s = window.Kefu.state(); return { call: s.call, reconnecting: s.callReconnecting, connection: s.connection }; }).catch(String),
      console: await agent.evaluate(() => window.__kefuAgent.state).catch(String),
      visitorPcs: await connections(page).catch(String),
      agentPcs: await connections(agent).catch(String),
      serverLog: server.log().split('\n').slice(-15),
    };
    throw new Error(`${e.message}: ${JSON.stringify(seen, null, 1)}`);
  }
  return Date.now() - since;
}

before(async () => {
  if (why || missing.length) return;
  net = netns.createTopology();
  origin = `http://${netns.SERVER_IP}:${PORT}`;
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-recover-'));
  server = await netns.startServerIn(net, { port: PORT, dataDir, env: { KEFU_AGENT_PASS: PASS, KEFU_TURN: '1' }, until });
  visitorBrowser = await launchIn(net.ns.visitor);
  agentBrowser = await launchIn(net.ns.agent);
  const ctx = await agentBrowser.newContext();
  await ctx.addInitScript(recordConnections);
  agent = await ctx.newPage();
  await netns.consoleLogin(agent, origin, 'kefu1', PASS, until);
});

after(() => netns.tearDown({ browsers: [visitorBrowser, agentBrowser], server, net }));

test('a 3 s cut and an address change mid-call: audio flows again within 5 s each time, one call', { skip: why || false }, async (t) => {
  assert.deepEqual(missing, [], `install ${missing.join(', ')} (bash shell/setup.sh --tests)`);
  const ctx = await visitorBrowser.newContext();
  await ctx.addInitScript(recordConnections);
  const page = await openVisitor(visitorBrowser, `${origin}/`, { context: ctx });
  await page.evaluate(() => window.Kefu.open());
  await waitReady(page);
  const result = page.evaluate(() => window.Kefu.call({ video: false }).then((e) => e, (e) => ({ error: e.code })));
  await until(() => agent.evaluate(() => window.__kefuAgent.state === 'ringing'), { what: 'the console rings' });
  await agent.click('#call-accept');
  assert.equal((await result).state, 'in-call');
  await mediaAgain(page, Date.now());
  const callId = await agent.evaluate(() => window.__kefuAgent.lastCall.callId);

  const dev = `cv${net.ns.visitor.slice(3)}`;
  let address = '10.77.1.2';
  for (let round = 1; round <= ROUNDS; round++) {
    // 1. Everything between the visitor and the server dropped for 3 s.
    inNs(net.ns.visitor, 'iptables', '-w', '-I', 'OUTPUT', '-o', dev, '-j', 'DROP');
    inNs(net.ns.visitor, 'iptables', '-w', '-I', 'INPUT', '-i', dev, '-j', 'DROP');
    await new Promise((r) => setTimeout(r, 3000));
    inNs(net.ns.visitor, 'iptables', '-w', '-D', 'OUTPUT', '-o', dev, '-j', 'DROP');
    inNs(net.ns.visitor, 'iptables', '-w', '-D', 'INPUT', '-i', dev, '-j', 'DROP');
    const cutGap = await mediaAgain(page, Date.now());
    t.diagnostic(`after the 3 s cut: audio both ways again ${cutGap} ms after the path returned`);
    assert.ok(cutGap <= LIMIT_MS, `${cutGap} ms`);

    // 2. A new address (as from Wi-Fi to mobile): the old candidate pairs and TURN allocation are dead.
    const next = address === '10.77.1.2' ? '10.77.1.3' : '10.77.1.2';
    execFileSync('ip', ['-n', net.ns.visitor, 'addr', 'del', `${address}/24`, 'dev', dev]);
    execFileSync('ip', ['-n', net.ns.visitor, 'addr', 'add', `${next}/24`, 'dev', dev]);
    address = next;
    execFileSync('ip', ['-n', net.ns.visitor, 'route', 'add', `${netns.SERVER_IP}/32`, 'via', '10.77.1.1']);
    const moved = Date.now();
    let noticed = 0;
    const states = []; // the widget's connections' ICE states as they changed, for the report
    const watch = setInterval(() => page.evaluate(() => [window.Kefu.state().callReconnecting,
      (window.__pcs || []).map((pc) => pc.iceConnectionState).join(',')])
      .then(([r, ice]) => {
        if (r && !noticed) noticed = Date.now() - moved;
        if (!states.length || states[states.length - 1].ice !== ice) states.push({ at: Date.now() - moved, ice });
      }, () => {}), 100);
    const moveGap = await mediaAgain(page, moved).finally(() => clearInterval(watch));
    t.diagnostic(`after the address change: reconnecting after ${noticed} ms, audio both ways again after ${moveGap} ms; ICE ${states.map((x) => `+${x.at} ${x.ice}`).join(' | ')}`);
    // The widget notices when audio stops coming (Chromium's ICE would take 2–6 s to say `disconnected`);
    // Chromium itself learns the new address about 2 s after the change. Audio within 5 s of the change.
    assert.ok(noticed > 0, 'the widget showed Reconnecting…');
    assert.ok(moveGap <= LIMIT_MS, `${moveGap} ms after the change (the widget noticed after ${noticed} ms)`);
    // The chat socket went with the old address, silently. The widget must replace it soon, not after its
    // 25 s keep-alive: the server's own (20-40 s) would drop it first and end the call with it.
    const sent = await page.evaluate((text) => Promise.race([window.Kefu.send(text),
      new Promise((r) => setTimeout(() => r({ late: true }), 8000))]), `换了网络，第 ${round} 次`);
    t.diagnostic(`after the address change: a chat message acknowledged ${Date.now() - moved} ms after the change`);
    assert.ok(sent.seq > 0, `a message sent after the change is acknowledged within 8 s: ${JSON.stringify(sent)}`);
  }

  const st = await page.evaluate(() => window.Kefu.state());
  assert.equal(st.call, 'in-call');
  assert.equal(await agent.evaluate(() => window.__kefuAgent.state), 'in-call');
  assert.equal(await agent.evaluate(() => window.__kefuAgent.lastCall.callId), callId, 'the same call on the console');
  await page.evaluate(() => window.Kefu.hangup());
  await until(() => agent.evaluate(() => window.__kefuAgent.state !== 'in-call'), { what: 'the console ends' });
  const db = require(path.join(ROOT, 'shell/node_modules/better-sqlite3'))(path.join(dataDir, 'kefu.db'), { readonly: true });
  try {
    const rows = db.prepare('SELECT outcome FROM calls').all();
    assert.deepEqual(rows.map((r) => r.outcome), ['completed'], 'one call record');
  } finally {
    db.close();
  }
  await ctx.close();
});
