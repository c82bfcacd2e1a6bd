#!/usr/bin/env node
/**
 * Every public type and member of the jsii assembly (.jsii) has a description (its docstring's
 * summary), as Construct Hub and every language's API reference show it. Runs after compile;
 * exits 1 naming what has none.
 */
const fs = require('node:fs');
const path = require('node:path');

const assembly = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '.jsii'), 'utf8'));
const missing = [];
for (const [fqn, type] of Object.entries(assembly.types)) {
  if (!type.docs?.summary) missing.push(fqn);
  for (const member of [...(type.properties ?? []), ...(type.methods ?? []), ...(type.members ?? [])]) {
    if (!member.docs?.summary) missing.push(`${fqn}.${member.name}`);
  }
}
if (missing.length > 0) {
  console.error(`check-docs: ${missing.length} public symbol(s) without a description:\n  ${missing.join('\n  ')}`);
  process.exit(1);
}
console.log(`check-docs: ${Object.keys(assembly.types).length} public types, each with its members, described`);
