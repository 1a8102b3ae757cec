'use strict';
// The benchmark's printed table.
const { median, round } = require('./common');

// Median time of each step after the click, over the runs that reached it, in the order they happen.
function phaseMedians(list) {
  const names = [...new Set(list.flatMap((p) => Object.keys(p || {})))];
  const out = {};
  for (const n of names) out[n] = round(median(list.map((p) => (p && p[n] !== undefined ? p[n] : NaN))));
  return Object.fromEntries(Object.entries(out).sort((a, b) => a[1] - b[1]));
}

function row(metric, value, budget, pass) {
  return { metric, value, budget: budget || '', mark: pass === undefined ? '' : pass ? 'PASS' : 'OVER' };
}

function printTable(rows) {
  const w = ['metric', 'value', 'budget', 'mark'].map((k) => Math.max(k.length, ...rows.map((r) => width(r[k]))));
  const pad = (s, n, right) => { const sp = ' '.repeat(Math.max(0, n - width(s))); return right ? sp + s : s + sp; };
  const line = (r) => `${pad(r.metric, w[0])}  ${pad(r.value, w[1], true)}  ${pad(r.budget, w[2])}  ${r.mark}`;
  console.log(line({ metric: 'metric', value: 'value', budget: 'budget', mark: 'mark' }));
  console.log('-'.repeat(w[0] + w[1] + w[2] + w[3] + 6));
  for (const r of rows) console.log(r.section ? `\n${r.section}` : line(r));
}
// Terminal columns: CJK characters take two.
function width(s) { return [...String(s)].reduce((n, ch) => n + (/[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0); }


module.exports = { phaseMedians, row, printTable };
