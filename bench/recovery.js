'use strict';
// Recovery gap of a running call (docs/PROTOCOL.md §6 "Recovery"): runs tests/e2e/call-recover.test.js
// with KEFU_RECOVER_ROUNDS=N (one call through coturn in network namespaces; N times a 3 s cut of the
// visitor's path and a change of its address) and call-navigate.test.js N times, and reports the medians. Needs root, iproute2,
// iptables and coturn, like the test. Writes bench/recovery.json. A report: always exits 0.
//   node bench/recovery.js [--rounds=10]
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const arg = process.argv.find((a) => a.startsWith('--rounds='));
const rounds = Math.min(20, Math.max(1, Number(arg ? arg.split('=')[1] : 10) || 10));

const run = spawnSync(process.execPath, ['--test', path.join(root, 'tests/e2e/call-recover.test.js')], {
  cwd: root,
  env: { ...process.env, KEFU_RECOVER_ROUNDS: String(rounds), NODE_PATH: path.join(root, 'shell/node_modules') },
  encoding: 'utf8',
  timeout: 60000 + rounds * 30000,
});
const out = `${run.stdout || ''}${run.stderr || ''}`;
// The navigation (loopback): tests/e2e/call-navigate.test.js, once per round.
const nav = [];
for (let i = 0; i < rounds; i++) {
  const r = spawnSync(process.execPath, ['--test', path.join(root, 'tests/e2e/call-navigate.test.js')], {
    cwd: root, env: { ...process.env, NODE_PATH: path.join(root, 'shell/node_modules') }, encoding: 'utf8', timeout: 120000,
  });
  const m = /second page (\d+) ms/.exec(`${r.stdout || ''}`);
  if (m) nav.push(Number(m[1]));
}
const grab = (re) => [...out.matchAll(re)].map((m) => Number(m[1]));
const cut = grab(/after the 3 s cut: audio both ways again (\d+) ms/g);
const noticed = grab(/reconnecting after (\d+) ms/g);
const move = grab(/after the address change: reconnecting after \d+ ms, audio both ways again after (\d+) ms/g);
const median = (a) => {
  if (!a.length) return null;
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : Math.round((s[s.length / 2 - 1] + s[s.length / 2]) / 2);
};
const result = {
  rounds,
  completed: Math.min(cut.length, move.length),
  cutMs: { median: median(cut), all: cut },
  moveNoticedMs: { median: median(noticed), all: noticed },
  moveMs: { median: median(move), all: move },
  navigationMs: { median: null, all: nav },
  passed: run.status === 0,
};
if (/# skip|skipped 1/.test(out) && !cut.length) result.skipped = (out.match(/# SKIP (.*)/) || [])[1] || 'skipped (network namespaces unavailable)';
console.log('Recovery gap (audio both ways again), median of %d', result.completed);
console.log('  after a 3 s cut, from the path returning:   %s ms  %j', result.cutMs.median, cut);
console.log('  after an address change, from the change:   %s ms  %j', result.moveMs.median, move);
console.log('    of which until ICE said disconnected:    %s ms  %j', result.moveNoticedMs.median, noticed);
result.navigationMs.median = median(nav);
console.log('  after a navigation, from leaving the page:  %s ms  %j', result.navigationMs.median, nav);
if (!result.passed) console.log(out.split('\n').filter((l) => /not ok|error|Error/.test(l)).slice(0, 10).join('\n'));
fs.writeFileSync(path.join(__dirname, 'recovery.json'), `${JSON.stringify(result, null, 2)}\n`);
