// Pass a projen run's output through, and write where its time went: each line projen starts a
// command with ("👾 <task> | <command>") opens a segment that lasts until the next one (or the end).
// Usage: npx projen build 2>&1 | node .ci/timeline.js <file>; the file gets "<seconds>\t<task> | <command>" lines.
'use strict';
const fs = require('node:fs');
const readline = require('node:readline');

const out = process.argv[2];
const segments = [];
let open;
const close = (now) => {
  if (open) segments.push(`${((now - open.start) / 1000).toFixed(0)}\t${open.label}`);
  open = undefined;
};
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  process.stdout.write(`${line}\n`);
  const m = /^👾 (.+)$/.exec(line);
  if (m) {
    const now = Date.now();
    close(now);
    open = { start: now, label: m[1].length > 90 ? `${m[1].slice(0, 87)}...` : m[1] };
  }
}).on('close', () => {
  close(Date.now());
  fs.writeFileSync(out, segments.join('\n') + '\n');
});
