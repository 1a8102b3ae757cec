// Minifies the app script emcc wrote (web/dist/kefu-app.js) in place with terser from shell/node_modules:
// emcc leaves the --extern-pre/post-js glue as written, and the whole file is about a third smaller
// gzipped once compressed and its local names shortened. Top-level names (KefuModule, the Kefu API) and
// properties are kept. Without terser (no `npm install` in shell/ yet) the file stays as it is.
'use strict';
const fs = require('fs');
const path = require('path');

const file = process.argv[2];
let terser;
try {
  terser = require(require.resolve('terser', { paths: [path.join(__dirname, '../shell/node_modules')] }));
} catch {
  console.log('kefu: terser not installed (npm install in shell/); kefu-app.js left unminified');
  process.exit(0);
}
const src = fs.readFileSync(file, 'utf8');
terser.minify(src, { ecma: 2017, compress: { passes: 2 }, mangle: true, format: { comments: false } }).then((r) => {
  fs.writeFileSync(file, r.code);
}, (e) => {
  console.error(`kefu: minifying ${file} failed: ${e.message}`);
  process.exit(1);
});
