'use strict';
// At most `rate.ringsPerAddress` calls ring at once from one client address: throwaway rings from one
// place cannot bury an honest caller from another one.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const {
  startServer, api, newVisitor, agentLogin, agentSocket, sleep, agentPeers, serverWithAgent,
} = require('./helpers');

let srv;
let agentToken;
before(async () => ({ srv, agentToken } = await serverWithAgent({ rate: { visitorCreates: 1000 } })));
after(() => srv.close());

// POST /2/callKefu from a chosen loopback source address (127.0.0.0/8 all reach the server).
function callKefuFrom(localAddress, v, body) {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = http.request(`${srv.url}/2/callKefu`, {
      method: 'POST',
      localAddress,
      headers: { authorization: `Bearer ${v.token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
    }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}
const ring = (from, v) => callKefuFrom(from, v, { action: 'callpeer', kefu_id: 'kefu1', visitor_id: v.visitorId });
const cancel = (from, v, callId) => callKefuFrom(from, v, { action: 'cancel', call_id: callId });

test('a fourth ringing call from one address is 429 rate_limited; other addresses still ring', async () => {
  const agent = await agentSocket(srv, agentToken);
  const throwaway = [];
  for (let i = 0; i < 4; i++) throwaway.push(await newVisitor(srv, `扰 ${i}`));
  const ok = [];
  for (const v of throwaway.slice(0, 3)) {
    const r = await ring('127.0.0.1', v);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    ok.push(r.json.callId);
  }
  const fourth = await ring('127.0.0.1', throwaway[3]);
  assert.equal(fourth.status, 429);
  assert.equal(fourth.json.error.code, 'rate_limited');
  const rings = agent.frames.filter((f) => f.type === 'call').map((f) => f.data.callId);
  await sleep(200);
  assert.equal(agent.frames.filter((f) => f.type === 'call').length, 3, 'the refused call never rang');

  // An honest caller elsewhere is not held up by them.
  const honest = await newVisitor(srv, '王女士');
  const h = await ring('127.0.0.2', honest);
  assert.equal(h.status, 200, JSON.stringify(h.json));
  assert.equal((await agent.next('call', { where: (d) => d.callId === h.json.callId })).data.name, '王女士');

  // A ring that ends frees its place.
  assert.equal((await cancel('127.0.0.1', throwaway[0], ok[0])).status, 200);
  const again = await ring('127.0.0.1', throwaway[3]);
  assert.equal(again.status, 200, JSON.stringify(again.json));
  for (const [v, id] of [[throwaway[1], ok[1]], [throwaway[2], ok[2]], [throwaway[3], again.json.callId]]) await cancel('127.0.0.1', v, id);
  await cancel('127.0.0.2', honest, h.json.callId);
  assert.deepEqual(rings, ok);
  agent.close();
});

test('an answered call no longer counts as ringing', async () => {
  const P = await agentPeers(srv, agentToken, ['agentpeer1']);
  const agent = await agentSocket(srv, agentToken);
  const vs = [];
  for (let i = 0; i < 4; i++) vs.push(await newVisitor(srv));
  const ids = [];
  for (const v of vs.slice(0, 3)) ids.push((await ring('127.0.0.3', v)).json.callId);
  agent.send('accept', { visitorId: vs[0].visitorId, callId: ids[0], peerId: P['agentpeer1'] });
  await agent.settled();
  const r = await ring('127.0.0.3', vs[3]);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  await api(srv, 'POST', '/2/callKefu', { token: vs[0].token, body: { action: 'hangup', call_id: ids[0] } });
  for (const [v, id] of [[vs[1], ids[1]], [vs[2], ids[2]], [vs[3], r.json.callId]]) await cancel('127.0.0.3', v, id);
  agent.close();
});

test('the cap is a setting', async () => {
  const one = await startServer({ rate: { ringsPerAddress: 1 } });
  try {
    const agent = await agentSocket(one, await agentLogin(one));
    const a = await newVisitor(one);
    const b = await newVisitor(one);
    const body = (v) => ({ action: 'callpeer', kefu_id: 'kefu1', visitor_id: v.visitorId });
    assert.equal((await api(one, 'POST', '/2/callKefu', { token: a.token, body: body(a) })).status, 200);
    const second = await api(one, 'POST', '/2/callKefu', { token: b.token, body: body(b) });
    assert.equal(second.status, 429);
    assert.equal(second.json.error.code, 'rate_limited');
    agent.close();
  } finally {
    await one.close();
  }
});
