'use strict';
// Typing indicators are coalesced and limited on the server: a flood of typing frames from one client
// reaches the other side as a few state changes, and an "on" that stops being repeated turns "off".
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { newVisitor, visitorSocket, agentSocket, sleep, serverWithAgent } = require('./helpers');

const INTERVAL = 200;
const QUIET = 600;
let srv;
let agentToken;
before(async () => ({ srv, agentToken } = await serverWithAgent({ rate: { typingIntervalMs: INTERVAL, typingQuietMs: QUIET } })));
after(() => srv.close());

const typingFrames = (client, where = () => true) => client.frames.filter((f) => f.type === 'typing' && where(f.data));

test('4,000 typing frames from a visitor reach the agent as a few state changes, the last state winning', async () => {
  const agent = await agentSocket(srv, agentToken);
  const v = await newVisitor(srv);
  const tab = await visitorSocket(srv, v.token);
  const mine = (d) => d.visitorId === v.visitorId;
  const t0 = Date.now();
  for (let i = 0; i < 4000; i++) {
    tab.send('typing', { on: i % 2 === 0 });
    if (i % 500 === 499) await sleep(100); // spread over about a second
  }
  tab.send('typing', { on: true });
  const sentFor = Date.now() - t0;
  await tab.settled({ timeout: 10000 }); // every typing frame before it has been read
  // The last state comes within an interval of being read.
  for (let i = 0; i < 40 && !(typingFrames(agent, mine).at(-1) || { data: {} }).data.on; i++) await sleep(50);
  await sleep(INTERVAL * 2);
  const got = typingFrames(agent, mine);
  // One frame per interval at most (plus the first one at once), whatever the visitor sends.
  assert.ok(got.length <= Math.ceil((Date.now() - t0) / INTERVAL) + 1, `${got.length} frames in ${sentFor} ms`);
  assert.ok(got.length >= 1);
  for (let i = 1; i < got.length; i++) assert.notEqual(got[i].data.on, got[i - 1].data.on, 'only changes are relayed');
  assert.equal(got.at(-1).data.on, true, 'the state the visitor ended with is shown');
  tab.close();
  agent.close();
});

test('a repeated "on" is relayed once; without repeats it turns "off" after the quiet period', async () => {
  const agent = await agentSocket(srv, agentToken);
  const v = await newVisitor(srv);
  const tab = await visitorSocket(srv, v.token);
  const mine = (d) => d.visitorId === v.visitorId;
  for (let i = 0; i < 50; i++) tab.send('typing', { on: true });
  const on = await agent.next('typing', { where: mine });
  assert.equal(on.data.on, true);
  await sleep(QUIET / 2);
  assert.equal(typingFrames(agent, mine).length, 1, 'repeats within the quiet period are not relayed');
  const off = await agent.next('typing', { where: mine, timeout: QUIET * 2 });
  assert.equal(off.data.on, false, 'the indicator goes off by itself when the visitor stops');
  assert.equal(typingFrames(agent, mine).length, 2);
  tab.close();
  agent.close();
});

test('the agent\'s typing to a visitor is limited the same way', async () => {
  const agent = await agentSocket(srv, agentToken);
  const v = await newVisitor(srv);
  const tab = await visitorSocket(srv, v.token);
  for (let i = 0; i < 2000; i++) agent.send('typing', { visitorId: v.visitorId, on: i % 3 !== 2 });
  agent.send('typing', { visitorId: v.visitorId, on: false });
  const t0 = Date.now();
  await agent.settled(); // every typing frame before it has been read
  await sleep(INTERVAL * 2);
  const got = typingFrames(tab);
  // One change per interval at most over the time the server took to read them, plus the first at once.
  const most = Math.max(4, Math.ceil((Date.now() - t0) / INTERVAL) + 1);
  assert.ok(got.length >= 1 && got.length <= most, `${got.length} typing frames reached the visitor (at most ${most})`);
  assert.equal(got.at(-1).data.on, false);
  // Typing for a visitor that is not connected goes nowhere and costs nothing.
  agent.send('typing', { visitorId: 'v_0000000000000000', on: true });
  await agent.settled();
  tab.close();
  agent.close();
});

test('a typing visitor whose socket closes is shown as not typing', async () => {
  const agent = await agentSocket(srv, agentToken);
  const v = await newVisitor(srv);
  const tab = await visitorSocket(srv, v.token);
  const mine = (d) => d.visitorId === v.visitorId;
  tab.send('typing', { on: true });
  assert.equal((await agent.next('typing', { where: mine })).data.on, true);
  tab.close();
  const off = await agent.next('typing', { where: mine, timeout: 2000 });
  assert.equal(off.data.on, false);
  agent.close();
});
