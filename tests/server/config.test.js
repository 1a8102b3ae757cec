'use strict';
// Settings a site owner writes into shell/config.json or the environment: a wrong type or a misspelt
// limit stops the start with a message that names it, instead of quietly switching a limit off.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { loadConfig } = require('../../shell/lib/config');

function withFile(settings) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-config-')), 'config.json');
  fs.writeFileSync(file, JSON.stringify(settings));
  return () => loadConfig({ configFile: file }, {});
}

test('the defaults load, and numbers in config.json are taken', () => {
  assert.equal(loadConfig({ configFile: false }, {}).peerGate.staleMs, 8000);
  assert.equal(withFile({ peerGate: { staleMs: 12000 }, rate: { messages: 40 } })().peerGate.staleMs, 12000);
});

test('a limit written as a string, a fraction, a negative or null is refused by name', () => {
  assert.throws(withFile({ peerGate: { staleMs: '8000' } }), /peerGate\.staleMs must be a whole number ≥ 0, not "8000"/);
  assert.throws(withFile({ rate: { messages: -1 } }), /rate\.messages must be a whole number/);
  assert.throws(withFile({ leftGraceMs: 1.5 }), /leftGraceMs must be a whole number/);
  assert.throws(withFile({ http: { keepAliveMs: null } }), /http\.keepAliveMs must be a whole number/);
  assert.throws(() => loadConfig({ configFile: false }, { KEFU_RATE_MESSAGES: 'many' }), /rate\.messages/);
});

test('a misspelt limit is refused instead of being ignored', () => {
  assert.throws(withFile({ peerGate: { staleMS: 1000 } }), /Unknown setting peerGate\.staleMS/);
  assert.throws(withFile({ sockets: { perVistor: 3 } }), /Unknown setting sockets\.perVistor/);
  assert.throws(withFile({ peerGate: 5 }), /peerGate must be an object/);
});
