// One fresh "Lambda" process for the cold-start benchmark: load a handler, run one event, report
// the process's CPU and wall time since it started (module loading included), then exit.
'use strict';
const { performance } = require('node:perf_hooks');

const { file, event } = JSON.parse(process.env.COLD_START_CASE);
(async () => {
  const mod = require(file);
  const loadedMs = performance.now();
  const context = { getRemainingTimeInMillis: () => 60_000, awsRequestId: event.RequestId, functionName: 'bench' };
  await mod.handler(event, context);
  const cpu = process.cpuUsage();
  process.stdout.write(`\n${JSON.stringify({ loadedMs, wallMs: performance.now(), cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
})().catch((err) => {
  process.stderr.write(String(err && err.stack || err));
  process.exit(1);
});
