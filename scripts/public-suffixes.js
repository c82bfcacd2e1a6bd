#!/usr/bin/env node
// Copy tldts's self-contained build (the Public Suffix List compiled into a trie, with its lookup
// functions; no dependency) into the package's assets, with its licence and the list's notice, for
// the synth-time check of trusted entity lists (src/private/public-suffixes.ts). Only this file
// ships, not the tldts package with its three builds and source maps.
//
// Usage: node scripts/public-suffixes.js <out-dir>
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const out = process.argv[2];
if (!out) throw new Error('usage: node scripts/public-suffixes.js <out-dir>');
const root = path.dirname(require.resolve('tldts/package.json'));
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8'));
const build = path.join(root, 'dist', 'index.cjs.min.js');
fs.mkdirSync(out, { recursive: true });
fs.copyFileSync(build, path.join(out, 'tldts.js'));
const notice = [
  `assets/public-suffixes/tldts.js is ${pkg.name} ${pkg.version} (${pkg.homepage ?? 'https://github.com/remusao/tldts'}), its`,
  'dist/index.cjs.min.js build, unmodified. It embeds the Public Suffix List (https://publicsuffix.org/),',
  'whose data is made available under the Mozilla Public License 2.0 (https://mozilla.org/MPL/2.0/);',
  'its source is https://publicsuffix.org/list/public_suffix_list.dat.',
  '',
  `${pkg.name} is licensed under the ${pkg.license} licence:`,
  '',
  fs.readFileSync(path.join(root, 'LICENSE'), 'utf-8').trim(),
  '',
].join('\n');
fs.writeFileSync(path.join(out, 'THIRD-PARTY-NOTICES.txt'), notice);
console.log(`public-suffixes: ${pkg.name} ${pkg.version}, ${fs.statSync(build).size.toLocaleString('en-US')} bytes -> ${out}`);
