'use strict';
// Calls through the shell's own coturn, between a visitor and an agent that cannot reach each other:
// each browser runs in its own network namespace that reaches only the server's (tests/e2e/netns.js).
// The call must connect through the relay, with the short-lived credentials the backend minted, and
// carry audio both ways; with UDP to the server blocked on the visitor's side, through TURN over TCP.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { launch, openVisitor, waitReady, until } = require('./harness');
const netns = require('./netns');

const why = netns.unavailable();
const missing = ['turnserver', 'iptables'].filter((b) => !netns.have(b));
const PORT = 8080; // the server namespace is ours alone
const TURN_PORT = 3478;
const PASS = `turn-test-${process.pid}`; // not the development password: the server listens off loopback

let net, server, visitorBrowser, agentBrowser, agent, origin;

const launchIn = (ns) => netns.launchIn(net, ns, launch, origin);

// Every RTCPeerConnection a page makes, with the configuration it was made with.
function recordConnections() {
  const Native = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = class extends Native {
    constructor(config, ...rest) {
      super(config, ...rest);
      window.__pcs.push({ pc: this, config: JSON.parse(JSON.stringify(config || {})) });
    }
  };
}

// The connected connection's selected candidate pair and audio received so far.
async function callStats(page) {
  return page.evaluate(async () => {
    for (const { pc, config } of window.__pcs) {
      if (pc.connectionState !== 'connected') continue;
      const stats = await pc.getStats();
      let pair = null;
      stats.forEach((s) => { if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId); });
      if (!pair) return { error: 'no selected candidate pair' };
      const cand = (id) => {
        const c = stats.get(id);
        return c && { type: c.candidateType, relayProtocol: c.relayProtocol, protocol: c.protocol, address: c.address };
      };
      let packets = 0;
      stats.forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'audio') packets += s.packetsReceived; });
      const turn = (config.iceServers || []).filter((s) => s.username);
      return { local: cand(pair.localCandidateId), remote: cand(pair.remoteCandidateId), packets, turnUsers: turn.map((s) => s.username) };
    }
    return { error: 'no connected connection' };
  });
}

async function agentLoginIn(browser) {
  const ctx = await browser.newContext();
  await ctx.addInitScript(recordConnections);
  const page = await ctx.newPage();
  await netns.consoleLogin(page, origin, 'kefu1', PASS, until);
  return page;
}

// What each connection of a page has tried, for a call that does not connect: its states, its local
// candidates and its candidate pairs.
function iceReport(page) {
  return page.evaluate(async () => Promise.all(window.__pcs.map(async ({ pc, config }) => {
    const turn = (config.iceServers || []).filter((x) => x.username).map((x) => x.username);
    const out = { conn: pc.connectionState, ice: pc.iceConnectionState, gather: pc.iceGatheringState, turn, local: [], pairs: [] };
    try {
      const stats = await pc.getStats();
      stats.forEach((x) => {
        if (x.type === 'local-candidate') out.local.push(`${x.candidateType}/${x.protocol}${x.relayProtocol ? '/' + x.relayProtocol : ''}`);
        if (x.type === 'candidate-pair') {
          const l = stats.get(x.localCandidateId), r = stats.get(x.remoteCandidateId);
          out.pairs.push(`${l && l.candidateType}/${l && (l.relayProtocol || l.protocol)}→${r && r.candidateType}:${x.state}`);
        }
      });
    } catch (e) {
      out.error = String(e);
    }
    return out;
  })));
}

// A voice call from a fresh visitor page; returns the visitor's and the agent's stats once audio flows.
// `lateConfig`: /api/config answers only after the click (the chat is up before it): returns the two
// moments too, to show the click came first.
async function relayedCall({ lateConfig = false } = {}) {
  const ctx = await visitorBrowser.newContext();
  await ctx.addInitScript(recordConnections);
  let release, configAt = 0;
  const held = new Promise((r) => { release = r; });
  if (lateConfig) {
    await ctx.route('**/api/config', async (route) => {
      await held;
      await route.continue();
      configAt = Date.now();
    });
  }
  const page = await openVisitor(visitorBrowser, `${origin}/`, { context: ctx });
  await page.evaluate(() => window.Kefu.open());
  await waitReady(page);
  const result = page.evaluate(() => window.Kefu.call({ video: false }).then((e) => e, (e) => ({ error: e.code })));
  const clickedAt = Date.now();
  if (lateConfig) {
    await new Promise((r) => setTimeout(r, 300));
    release();
  }
  await until(() => agent.evaluate(() => window.__kefuAgent.state === 'ringing'), { what: 'the console rings' }).catch(async (e) => {
    const st = await page.evaluate(() => window.Kefu.state());
    throw new Error(`${e.message}: visitor ${st.call}/${st.callReason}; ${page.consoleLines.slice(-8).join(' | ')}`);
  });
  await agent.click('#call-accept');
  // A call still not up after 10 s (the widget gives up at 15): what both sides tried, while they still can say.
  let report = '';
  const slow = setTimeout(async () => {
    report = JSON.stringify({ visitor: await iceReport(page).catch(String), agent: await iceReport(agent).catch(String) });
  }, 10000);
  const outcome = await result;
  clearTimeout(slow);
  if (outcome.state !== 'in-call') await hangUp(page, ctx);
  assert.equal(outcome.state, 'in-call', `${JSON.stringify(outcome)} ${report} visitor console: ${page.consoleLines.slice(-8).join(' | ')} ${server.log().slice(-2000)}`);
  try {
    // Connected in ICE terms first; the stats follow.
    const first = await until(async () => {
      const f = { visitor: await callStats(page), agent: await callStats(agent) };
      return !f.visitor.error && !f.agent.error && f;
    }, { what: 'stats of the connected call' });
    await new Promise((r) => setTimeout(r, 1500));
    const later = { visitor: await callStats(page), agent: await callStats(agent) };
    for (const side of ['visitor', 'agent']) {
      assert.ok(!later[side].error, `${side}: ${later[side].error}`);
      assert.ok(later[side].packets > first[side].packets, `${side} receives audio (${first[side].packets} → ${later[side].packets} packets)`);
    }
    return { page, ctx, clickedAt, configAt, ...later };
  } catch (e) {
    await hangUp(page, ctx);
    throw e;
  }
}

async function hangUp(page, ctx) {
  await page.evaluate(() => window.Kefu.hangup());
  await until(() => agent.evaluate(() => window.__kefuAgent.state === 'ended' || window.__kefuAgent.state === 'idle'), { what: 'the console ends' });
  await ctx.close();
}

const isRelay = (s) => (s.local && s.local.type === 'relay') || (s.remote && s.remote.type === 'relay');

before(async () => {
  if (why || missing.length) return;
  net = netns.createTopology();
  origin = `http://${netns.SERVER_IP}:${PORT}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-turn-'));
  server = await netns.startServerIn(net, { port: PORT, dataDir, env: { KEFU_AGENT_PASS: PASS, KEFU_TURN: '1', KEFU_TURN_PORT: String(TURN_PORT) }, until });
  if (server.exitCode !== null) throw new Error(`server exited: ${server.log()}`);
  assert.match(server.log(), /TURN server/, `coturn started: ${server.log()}`);
  visitorBrowser = await launchIn(net.ns.visitor); // one at a time: launchIn swaps KEFU_CHROMIUM
  agentBrowser = await launchIn(net.ns.agent);
  agent = await agentLoginIn(agentBrowser);
});

after(() => netns.tearDown({ browsers: [visitorBrowser, agentBrowser], server, net })); // the server stops its coturn

const skip = why || false;

test('the visitor and the agent cannot reach each other, only the server', { skip }, () => {
  assert.deepEqual(missing, [], `install ${missing.join(', ')} (bash shell/setup.sh --tests)`);
  assert.equal(net.routes(net.ns.visitor, net.agentIp), false, 'no route from the visitor to the agent');
  assert.equal(net.routes(net.ns.agent, net.visitorIp), false, 'no route from the agent to the visitor');
  assert.equal(net.routes(net.ns.visitor, netns.SERVER_IP), true);
  assert.equal(net.routes(net.ns.agent, netns.SERVER_IP), true);
  assert.ok(net.holds(net.ns.visitor) && net.holds(net.ns.agent), 'each browser runs in its own namespace');
});

test('a call connects through the TURN relay with fresh credentials and audio flows both ways', { skip }, async (t) => {
  assert.deepEqual(missing, []);
  const c = await relayedCall();
  t.diagnostic(`visitor ${JSON.stringify(c.visitor)} agent ${JSON.stringify(c.agent)}`);
  try {
    assert.ok(isRelay(c.visitor), `visitor pair goes through the relay: ${JSON.stringify(c.visitor)}`);
    assert.ok(isRelay(c.agent), `agent pair goes through the relay: ${JSON.stringify(c.agent)}`);
    assert.match(c.visitor.turnUsers[0] || '', /^\d+:v_[0-9a-f]+$/, 'the visitor used credentials minted for it');
    assert.match(c.agent.turnUsers[0] || '', /^\d+:agent-kefu1$/, 'so did the agent');
  } finally {
    await hangUp(c.page, c.ctx);
  }
});

test('with UDP to the server blocked, the call goes through TURN over TCP', { skip }, async (t) => {
  assert.deepEqual(missing, []);
  net.blockUdp(net.ns.visitor, netns.SERVER_IP);
  try {
    const c = await relayedCall();
    t.diagnostic(`visitor ${JSON.stringify(c.visitor)} agent ${JSON.stringify(c.agent)}`);
    try {
      assert.equal(c.visitor.local.type, 'relay', JSON.stringify(c.visitor));
      assert.equal(c.visitor.local.relayProtocol, 'tcp', `the visitor reaches the relay over TCP: ${JSON.stringify(c.visitor)}`);
    } finally {
      await hangUp(c.page, c.ctx);
    }
  } finally {
    net.unblockUdp(net.ns.visitor, netns.SERVER_IP);
  }
});

// The chat socket can be up before /api/config answers. A click then must still wait for the visitor's
// own TURN credentials: with UDP blocked, the agent's UDP relay is out of the visitor's reach, so the
// call connects only through the visitor's relay over TCP. (It once went without them, by chance.)
test('a call clicked before the config came still goes through the visitor\'s own relay', { skip }, async (t) => {
  assert.deepEqual(missing, []);
  net.blockUdp(net.ns.visitor, netns.SERVER_IP);
  try {
    const c = await relayedCall({ lateConfig: true });
    t.diagnostic(`config ${c.configAt - c.clickedAt} ms after the click; visitor ${JSON.stringify(c.visitor)}`);
    try {
      assert.ok(c.configAt > c.clickedAt, 'the click came before the config');
      assert.match(c.visitor.turnUsers[0] || '', /^\d+:v_[0-9a-f]+$/, 'the visitor used credentials minted for it');
      assert.equal(c.visitor.local.type, 'relay', JSON.stringify(c.visitor));
      assert.equal(c.visitor.local.relayProtocol, 'tcp', JSON.stringify(c.visitor));
    } finally {
      await hangUp(c.page, c.ctx);
    }
  } finally {
    net.unblockUdp(net.ns.visitor, netns.SERVER_IP);
  }
});
