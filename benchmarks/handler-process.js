// One fresh "Lambda" process for the benchmarks: load a handler, run one event, report the
// process's CPU (user + system, module loading included), its peak resident memory, and the wall
// time since it started, then exit. The case, { file, event }, comes in HANDLER_PROCESS_CASE or, for
// events larger than the environment holds, in the file HANDLER_PROCESS_CASE_FILE names.
'use strict';
const fs = require('node:fs');
const { performance } = require('node:perf_hooks');

const { file, event } = JSON.parse(process.env.HANDLER_PROCESS_CASE ?? fs.readFileSync(process.env.HANDLER_PROCESS_CASE_FILE, 'utf-8'));
(async () => {
  const mod = require(file);
  const loadedMs = performance.now();
  const deadline = Date.now() + 900_000;
  const context = { getRemainingTimeInMillis: () => deadline - Date.now(), awsRequestId: event.RequestId, functionName: 'bench' };
  await mod.handler(event, context);
  const cpu = process.cpuUsage();
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`\n${JSON.stringify({ loadedMs, wallMs: performance.now(), cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb })}\n`);
})().catch((err) => {
  process.stderr.write(String(err && err.stack || err));
  process.exit(1);
});
