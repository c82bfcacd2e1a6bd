/**
 * Lambda's `Invoke`, as far as the handler uses it: an asynchronous invocation (`InvocationType:
 * Event`) of a function the replay deployed, by which an event that ran out of time continues in
 * a new invocation. Lambda queues the event and answers 202 at once; the replay runs the queued
 * invocations (`take`). A synchronous invocation, or one of a function the local API does not
 * know, is answered as Lambda answers it.
 *
 * Not validated by a service model: the project's models are GuardDuty's, Detective's,
 * Organizations' and CloudFormation's. The request's shape is checked here instead: the path
 * `/2015-03-31/functions/{FunctionName}/invocations`, a JSON payload of at most 1 MiB (Lambda's
 * quota for an asynchronous invocation's payload).
 *
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
import type { WireResponse } from './model';

/** One invocation Lambda accepted and has not run yet. */
export interface QueuedInvocation {
  readonly functionArn: string;
  readonly payload: Record<string, unknown>;
}

/** Lambda's quota for an asynchronous invocation's payload. */
const MAX_ASYNC_PAYLOAD_BYTES = 1024 * 1024;

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

function lambdaError(status: number, type: string, message: string): WireResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': type },
    body: JSON.stringify({ Type: 'User', message }),
  };
}

export class LambdaState {
  private readonly functions = new Set<string>();
  private readonly queue: QueuedInvocation[] = [];

  /** A function the account has (the replay registers the functions it deploys): `arn:aws:lambda:<region>:<account>:function:<name>`. */
  public registerFunction(functionArn: string): void {
    this.functions.add(functionArn);
  }

  /** Forget functions and queued invocations. */
  public reset(): void {
    this.functions.clear();
    this.queue.length = 0;
  }

  /** The queued invocations, oldest first (read-only). */
  public get queued(): ReadonlyArray<QueuedInvocation> {
    return this.queue;
  }

  /** Take the oldest queued invocation of a function that `matches`, if any. */
  public take(functionArn: string, matches: (payload: Record<string, unknown>) => boolean = () => true): QueuedInvocation | undefined {
    const index = this.queue.findIndex((q) => q.functionArn === functionArn && matches(q.payload));
    return index < 0 ? undefined : this.queue.splice(index, 1)[0];
  }

  /** The function an Invoke request names (its name or ARN, in the caller's account and Region), or why none. */
  public parse(method: string, pathname: string, account: string, region: string): { functionArn: string } | { error: WireResponse } {
    const matched = INVOKE_PATH.exec(pathname);
    if (method !== 'POST' || !matched) return { error: lambdaError(404, 'UnknownOperationException', `No lambda operation at ${method} ${pathname}`) };
    const name = decodeURIComponent(matched[1]);
    const functionArn = name.startsWith('arn:') ? name.replace(/:(\$LATEST|\d+)$/, '') : `arn:aws:lambda:${region}:${account}:function:${name}`;
    return { functionArn };
  }

  /** Invoke: queue an asynchronous invocation (202), or answer as Lambda does. */
  public invoke(functionArn: string, invocationType: string | undefined, body: string): WireResponse {
    if (!this.functions.has(functionArn)) {
      return lambdaError(404, 'ResourceNotFoundException', `Function not found: ${functionArn}`);
    }
    if (invocationType !== 'Event') {
      return lambdaError(400, 'InvalidParameterValueException', 'The local API serves asynchronous invocations only (InvocationType Event)');
    }
    if (Buffer.byteLength(body) > MAX_ASYNC_PAYLOAD_BYTES) {
      return lambdaError(413, 'RequestTooLargeException', `Request must be smaller than ${MAX_ASYNC_PAYLOAD_BYTES} bytes for the InvokeAsync operation`);
    }
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      return lambdaError(400, 'InvalidRequestContentException', 'Could not parse request body into json');
    }
    this.queue.push({ functionArn, payload: payload as Record<string, unknown> });
    return { status: 202, headers: { 'x-amzn-requestid': `invoke-${this.queue.length}` }, body: '' };
  }
}
