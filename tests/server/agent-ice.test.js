'use strict';
// The console's TURN credentials (shell/public/agent/ice.js): the strict check of the answer, and the
// standing peer replaced before the credentials run out, never during a call.
const { test, mock, beforeEach, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const SOURCE = fs.readFileSync(path.join(__dirname, '../../shell/public/agent/ice.js'), 'utf8');
const STUN = [{ urls: 'stun:stun.example.com' }];
const HOUR = 3600000;

function load() {
  const window = {};
  const warnings = [];
  vm.runInNewContext(SOURCE, { window, setTimeout, clearTimeout, Date, console: { warn: (...a) => warnings.push(a.join(' ')) } });
  return { KefuIce: window.KefuIce, warnings };
}

const answer = (user, expires) => ({
  iceServers: [...STUN, { urls: ['turn:t.example.com:3478?transport=udp'], username: user, credential: 'pw' }],
  expires,
});

beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_700_000_000_000 }));
afterEach(() => mock.timers.reset());

test('the answer is checked strictly; only the known fields reach the peer', () => {
  const { KefuIce } = load();
  const ok = KefuIce.check({ iceServers: [{ urls: 'stun:s', extra: 1 }, { urls: ['turn:t'], username: 'u', credential: 'c' }], expires: 5 });
  assert.deepEqual(JSON.parse(JSON.stringify(ok.iceServers)), [{ urls: ['stun:s'] }, { urls: ['turn:t'], username: 'u', credential: 'c' }]);
  for (const bad of [null, [], { iceServers: [] }, { iceServers: {}, expires: 5 }, { iceServers: [{ urls: 'http://x' }], expires: 5 },
    { iceServers: [{ urls: 'turn:t' }], expires: 5 }, { iceServers: [{ urls: [] }], expires: 5 }, { iceServers: [{ urls: 'stun:a b' }], expires: 5 },
    { iceServers: [{ urls: 'stun:s', username: 7 }], expires: 5 }, { iceServers: ['stun:s'], expires: 5 }]) {
    assert.throws(() => KefuIce.check(bad), { message: /./ }, JSON.stringify(bad)); // an Error of the script's realm
  }
});

test('credentials are used, and the peer is replaced 80 % into their life when no call runs', async () => {
  const { KefuIce } = load();
  let busy = true;
  let renewed = 0;
  let asked = 0;
  const ice = KefuIce.create({
    request: async () => { asked += 1; return answer(`u${asked}`, Date.now() + HOUR); },
    fallback: () => STUN,
    idle: () => !busy,
    renew: () => { renewed += 1; },
  });
  const servers = await ice.get(true);
  assert.equal(servers[1].username, 'u1');
  mock.timers.tick(0.8 * HOUR - 1);
  assert.equal(renewed, 0);
  mock.timers.tick(1); // due, but a call runs: not now
  assert.equal(renewed, 0);
  busy = false;
  mock.timers.tick(30000);
  assert.equal(renewed, 1);
});

test('without credentials on offer, or when asking fails, the config\'s servers are used', async () => {
  const { KefuIce, warnings } = load();
  let renewed = 0;
  const ice = KefuIce.create({
    request: async () => { throw new Error('HTTP 500'); },
    fallback: () => STUN,
    idle: () => true,
    renew: () => { renewed += 1; },
  });
  assert.deepEqual(await ice.get(false), STUN);
  mock.timers.tick(10 * HOUR);
  assert.equal(renewed, 0, 'nothing to renew');
  assert.deepEqual(await ice.get(true), STUN);
  assert.match(warnings.join(), /HTTP 500/);
  mock.timers.tick(5 * 60000); // tried again later, not in a loop
  assert.equal(renewed, 1);
  ice.stop();
});
