// A minimal Node.js Lambda runtime for the replay harness: load the bundled handler from its asset
// folder, call it with the event it is sent, and exit. One process per invocation, with the
// function's environment, as a fresh Lambda execution environment would have.
'use strict';
const path = require('node:path');

process.once('message', async ({ codeDir, handler, event, timeoutMs }) => {
  const [file, exportName] = handler.split('.');
  const deadline = Date.now() + timeoutMs;
  const context = {
    awsRequestId: event.RequestId,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
  };
  try {
    const mod = require(path.join(codeDir, file));
    await mod[exportName](event, context);
    process.send({ ok: true }, () => process.exit(0));
  } catch (err) {
    process.send({ ok: false, error: String(err && err.stack || err) }, () => process.exit(1));
  }
});
