'use strict';
// A refusal for the rate never lets a later message overtake the refused one: the widget writes the refused
// message again after the window, and until it does the visitor's other new messages are refused too.
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, newVisitor, sleep } = require('./helpers');

let srv;
after(async () => { if (srv) await srv.close(); });

const post = (v, id) => api(srv, 'POST', '/api/messages', { token: v.token, body: { id, text: id } });

test('after a rate refusal, later messages wait for the refused one, and the stored order is the written order', async () => {
  srv = await startServer({ rate: { messages: 3, messagesWindowMs: 1000 } });
  const v = await newVisitor(srv);
  for (const id of ['a', 'b', 'c']) assert.equal((await post(v, id)).status, 200);
  assert.equal((await post(v, 'd')).json.error.code, 'rate_limited');
  await sleep(1050); // the window has room again…
  assert.equal((await post(v, 'e')).json.error.code, 'rate_limited', 'e must not be stored before d');
  assert.equal((await post(v, 'd')).status, 200); // …for the refused one first
  assert.equal((await post(v, 'e')).status, 200);
  const r = await api(srv, 'GET', '/api/messages?limit=10', { token: v.token });
  assert.deepEqual(r.json.messages.map((m) => m.id), ['a', 'b', 'c', 'd', 'e']);
  // Another visitor is not held by this one.
  const w = await newVisitor(srv);
  assert.equal((await post(w, 'x')).status, 200);
});

test('a hold whose message never comes back ends after two windows', async () => {
  const v = await newVisitor(srv);
  for (const id of ['a', 'b', 'c']) await post(v, id);
  assert.equal((await post(v, 'lost')).json.error.code, 'rate_limited');
  await sleep(1100); // one window on, the hold is still there
  assert.equal((await post(v, 'next')).json.error.code, 'rate_limited');
  await sleep(1000); // past two windows since the refusal
  assert.equal((await post(v, 'next')).status, 200);
});
