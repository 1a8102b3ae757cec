'use strict';
// What the benchmark's parts share: its command-line options, the visitor's browser context, and the
// arithmetic of the report.
const path = require('node:path');
const { ROOT } = require('../tests/e2e/harness');

const BENCH = __dirname;
const DIST = path.join(ROOT, 'web/dist');
const RUNS = Number((process.argv.find((a) => a.startsWith('--runs=')) || '').split('=')[1]) || 10;
// --calls=relay,rtt40: only these call settings (and no open/idle figures).
const ONLY = ((process.argv.find((a) => a.startsWith('--calls=')) || '').split('=')[1] || '').split(',').filter(Boolean);
// --versus=DIR: also the widget and console of another checkout (its own server, e.g. a worktree of an
// earlier commit with web/dist built), alternating with this one's in the same run ("before" rows).
const VERSUS = ((process.argv.find((a) => a.startsWith('--versus=')) || '').split('=')[1] || '') || null;
// --open: only the open and idle figures (no calls).
const OPEN_ONLY = process.argv.includes('--open');
// --trace: the first measured Kefu call of each setting is traced; where its time went is printed
// (bench/call-trace.js).
const TRACE = process.argv.includes('--trace');
const VIEWPORT = { width: 1280, height: 800 };
const CONTEXT = { viewport: VIEWPORT, locale: 'zh-CN' }; // a Chinese visitor: the widget speaks Chinese
const KB = 1024;

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x, d = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.error(...a); // progress on stderr, the report on stdout

module.exports = { BENCH, DIST, RUNS, ONLY, VERSUS, OPEN_ONLY, TRACE, VIEWPORT, CONTEXT, KB, median, round, sleep, log };
