#!/usr/bin/env node
/**
 * The Go module's constructs requirement at the bottom of the package's peer range (^10.0.0 ->
 * v10.0.0), as npm, PyPI (constructs>=10.0.0) and NuGet ([10.0.0,11.0.0)) declare it. jsii-pacmak
 * writes the version installed in this repository instead (10.5.1, which cdk-nag 2.38, a test
 * dependency, needs), and Go's minimum version selection would then hold every Go user to it.
 * compat/constructs-10.0 tests the library on constructs 10.0.0.
 *
 * Usage: node scripts/go-mod-constructs.js <dir holding the generated Go module(s)>
 */
const fs = require('node:fs');
const path = require('node:path');

const range = require('../package.json').peerDependencies.constructs;
const floor = /^\^(\d+\.\d+\.\d+)$/.exec(range)?.[1];
if (!floor) throw new Error(`constructs peer range ${range} is not a caret range`);
const goMods = fs.readdirSync(process.argv[2]).map((d) => path.join(process.argv[2], d, 'go.mod')).filter((f) => fs.existsSync(f));
if (goMods.length === 0) throw new Error(`no go.mod under ${process.argv[2]}`);
for (const file of goMods) {
  const text = fs.readFileSync(file, 'utf8');
  const pattern = /(github\.com\/aws\/constructs-go\/constructs\/v10 )v\d+\.\d+\.\d+/;
  if (!pattern.test(text)) throw new Error(`${file}: no constructs requirement`);
  fs.writeFileSync(file, text.replace(pattern, `$1v${floor}`));
  console.log(`${path.relative(process.cwd(), file)}: constructs v${floor} (the peer range ${range})`);
}
