#!/usr/bin/env node
/**
 * The third-party notice of the bundled handler (assets/handler/THIRD-PARTY-NOTICES.txt): every
 * npm package esbuild put into the bundle (from its metafile, `--metafile`), with its version,
 * licence and the licence's text (and an Apache-2.0 NOTICE file where the package has one), so
 * the package and every function deployed from it carry the notices their licences ask for.
 *
 * Fails when a bundled package has no licence text, or a licence outside the permissive ones this
 * project ships (a new dependency with another licence is a decision, not a side effect).
 *
 * Usage: node scripts/handler-notice.js <metafile> <output>
 */
const fs = require('node:fs');
const path = require('node:path');

const ALLOWED = new Set(['MIT', 'Apache-2.0', 'BSD-2-Clause', 'BSD-3-Clause', 'ISC', '0BSD']);
const [metafile, output] = process.argv.slice(2);
const root = path.join(__dirname, '..');
const meta = JSON.parse(fs.readFileSync(metafile, 'utf8'));

/** The package directory of a bundled input (`node_modules/@scope/name` or `node_modules/name`), if any. */
function packageDir(input) {
  const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  return m ? path.resolve(root, m[1]) : undefined;
}

const packages = new Map();
for (const input of Object.keys(meta.inputs)) {
  const dir = packageDir(input);
  if (!dir || packages.has(dir)) continue;
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  packages.set(dir, manifest);
}

const problems = [];
const sections = [...packages.entries()]
  .sort(([, a], [, b]) => `${a.name}@${a.version}`.localeCompare(`${b.name}@${b.version}`))
  .map(([dir, manifest]) => {
    const license = typeof manifest.license === 'string' ? manifest.license : manifest.license?.type;
    if (!ALLOWED.has(license)) problems.push(`${manifest.name}@${manifest.version}: licence ${license ?? '(none)'} is not one this project ships`);
    const files = fs.readdirSync(dir);
    const licenseFile = files.find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
    const noticeFile = files.find((f) => /^notice(\.(md|txt))?$/i.test(f));
    if (!licenseFile) problems.push(`${manifest.name}@${manifest.version}: no licence file`);
    const text = licenseFile ? fs.readFileSync(path.join(dir, licenseFile), 'utf8').trim() : '';
    const notice = noticeFile ? `\n\nNOTICE:\n${fs.readFileSync(path.join(dir, noticeFile), 'utf8').trim()}` : '';
    return `${manifest.name} ${manifest.version} (${license})\n${manifest.homepage ?? ''}\n\n${text}${notice}`;
  });

if (problems.length > 0) {
  console.error(`handler-notice: ${problems.join('\n')}`);
  process.exit(1);
}

const rule = `\n\n${'-'.repeat(78)}\n\n`;
fs.writeFileSync(output, [
  'Third-party software in this handler bundle (index.js), built by esbuild from the npm packages below.',
  `${packages.size} packages: ${[...new Set([...packages.values()].map((m) => m.license))].sort().join(', ')}.`,
].join('\n') + rule + sections.join(rule) + '\n');
console.log(`handler-notice: ${packages.size} packages -> ${path.relative(root, output)}`);
