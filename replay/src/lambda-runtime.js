// A minimal Node.js Lambda runtime for the replay: one execution environment (sandbox) of one
// function, with the function's environment. It loads the bundled handler from its asset folder on
// the first event (the cold start) and keeps it loaded for the next events it is sent, as Lambda
// reuses a warm environment: module state, open sockets and work an earlier invocation left
// running all carry over. The replay starts a new environment when the function changes, after a
// timeout or a crash, or for every event when asked to (`sandboxReuse: false`).
//
// Time: the handler's waits run on the local API's emulator clock. Before the bundle loads, this
// runtime provides the clock the handler's `clock()` reads (lambda/shared/clock.ts, RUNTIME_CLOCK):
// `now()` is the emulator's time, and `sleep(ms)` asks the replay to advance the emulator's clock
// by `ms` instead of waiting, so a status that settles after 300 ms, or a wait that gives up after
// 5 minutes, takes no real time. Everything else (the SDK's retry backoff, sockets) keeps real time.
'use strict';
const path = require('node:path');

/** Emulator time minus real time, as the replay last said. */
let offsetMs = 0;
const sleeping = new Map();
let sleeps = 0;

globalThis[Symbol.for('cdk-threat-detection.runtime-clock')] = {
  now: () => Date.now() + offsetMs,
  sleep: (ms) => new Promise((resolve) => {
    const id = ++sleeps;
    sleeping.set(id, resolve);
    process.send({ type: 'sleep', id, ms });
  }),
};

const loaded = new Map();

async function invoke({ codeDir, handler, event, timeoutMs, functionArn }) {
  const [file, exportName] = handler.split('.');
  const deadline = Date.now() + offsetMs + timeoutMs;
  const context = {
    awsRequestId: event.RequestId,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    invokedFunctionArn: functionArn,
    getRemainingTimeInMillis: () => Math.max(deadline - (Date.now() + offsetMs), 0),
  };
  const modulePath = path.join(codeDir, file);
  let mod = loaded.get(modulePath);
  if (!mod) {
    mod = require(modulePath);
    loaded.set(modulePath, mod);
  }
  await mod[exportName](event, context);
}

process.on('message', (message) => {
  if (message.type === 'woke') {
    offsetMs = message.offsetMs;
    const resolve = sleeping.get(message.id);
    sleeping.delete(message.id);
    resolve?.();
    return;
  }
  if (message.type === 'invoke') {
    offsetMs = message.offsetMs;
    invoke(message).then(
      () => process.send({ type: 'done', ok: true }),
      (err) => process.send({ type: 'done', ok: false, error: String((err && err.stack) || err) }),
    );
  }
});
