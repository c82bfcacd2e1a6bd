/**
 * Work longer than one invocation: an event whose resource type and request are continuable (the
 * member resources, whose engine re-reads the members each time, and every type that waits on a
 * service's status: lists, publishing destinations, delegated administrators, invitations, a
 * Malware Protection plan's status; see each type's `continuable`) and that runs out of time is
 * not answered FAILED; the handler invokes its own function again, asynchronously, with the same
 * event and a continuation marker, and the next invocation runs the event again from the start.
 *
 * Why this mechanism (and not aws-cdk's provider framework with `isComplete`): the handler already
 * answers CloudFormation itself and confirms every event with it; the framework would add a Step
 * Functions state machine and a second function per stack, and its polling would run the same
 * re-derivation. The cost here is one `lambda:InvokeFunction` grant on the function itself.
 *
 * What is trusted, and what is not:
 * - **Nothing of the progress comes from the payload.** The next invocation runs the event again:
 *   the member engine reads which accounts are members and in which status, so the work already
 *   done is skipped because the services say it is done. The marker only counts invocations.
 * - **The event is confirmed again** with CloudFormation (`event-verification.ts`) in every
 *   invocation: a forged continuation of an event whose resource is no longer in progress is
 *   refused, nothing called. A marker that is not a whole number from 1 to `MAX_CONTINUATIONS` is
 *   refused the same way.
 * - **The count is bounded**: `MAX_CONTINUATIONS` new invocations after the first, five handler
 *   timeouts in all, more than CloudFormation's `ServiceTimeout` for these types (one hour), after
 *   which CloudFormation fails the resource; the last invocation answers FAILED itself.
 * - **What a create made**: a create that continued and then fails answers with the resource's own
 *   physical id, so CloudFormation's rollback Delete removes the set's accounts (as deleting the
 *   set does). Accounts that were members before that create are removed with them; a create in
 *   one invocation still removes exactly the members it added.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { MAX_ATTEMPTS } from './clients';
import { CustomResourceEvent } from './custom-resource';
import { HandlerError } from './errors';
import { eventMayContinue, undoIfNotContinued } from './invocation';

/** The key of the marker in a continued event. */
export const CONTINUATION_KEY = 'CdkThreatDetectionContinuation';

/** New invocations an event may take after its first: with it, five handler timeouts (75 min) cover the one-hour ServiceTimeout. */
export const MAX_CONTINUATIONS = 4;

/**
 * The work has more to do than this invocation has time for. Thrown where the remaining work can
 * be re-derived from the services (between batches, when a wait reaches the invocation's end);
 * the entry point continues the event in a new invocation when its type allows, and otherwise
 * answers FAILED with this message.
 */
export class ContinuationNeeded extends HandlerError {
  constructor(where: string) {
    super(`the function ran out of time ${where}`);
    this.name = 'ContinuationNeeded';
  }
}

/**
 * Clean up after a step of a create failed (delete the set or destination it made): at once, or,
 * when the step only stopped to continue in a new invocation, not now but only if that
 * continuation does not happen (see `undoIfNotContinued`). Cleaning up at once there would delete
 * what the continuation goes on waiting for, and it would make it again from the start, forever.
 */
export async function cleanUpUnlessContinuing(err: unknown, cleanUp: () => Promise<void>): Promise<void> {
  if (err instanceof ContinuationNeeded && eventMayContinue()) {
    undoIfNotContinued(cleanUp);
    return;
  }
  await cleanUp();
}

/** The invocation count an event carries: 0 for CloudFormation's own event, 1 to `MAX_CONTINUATIONS` for a continuation. */
export function continuationOf(event: CustomResourceEvent<unknown>): { readonly attempt: number } | { readonly refused: string } {
  const marker = (event as unknown as Record<string, unknown>)[CONTINUATION_KEY];
  if (marker === undefined) return { attempt: 0 };
  const attempt = (marker as { Attempt?: unknown } | null)?.Attempt;
  if (typeof attempt !== 'number' || !Number.isInteger(attempt) || attempt < 1 || attempt > MAX_CONTINUATIONS) {
    return { refused: `the continuation marker is not a whole number of invocations from 1 to ${MAX_CONTINUATIONS}` };
  }
  return { attempt };
}

/** The event as CloudFormation sent it: without the marker. */
export function withoutContinuation<E extends CustomResourceEvent<unknown>>(event: E): E {
  const { [CONTINUATION_KEY]: _marker, ...rest } = event as unknown as Record<string, unknown>;
  return rest as unknown as E;
}

/**
 * Invoke the function again, asynchronously (Lambda queues the event and returns at once), with
 * the event and the next marker. Rejects when Lambda does not accept it.
 */
export async function continueInNewInvocation(event: CustomResourceEvent<unknown>, attempt: number, functionArn: string): Promise<void> {
  const client = new LambdaClient({ maxAttempts: MAX_ATTEMPTS });
  const payload = { ...withoutContinuation(event), [CONTINUATION_KEY]: { Attempt: attempt } };
  const answer = await client.send(new InvokeCommand({
    FunctionName: functionArn,
    InvocationType: 'Event',
    Payload: new TextEncoder().encode(JSON.stringify(payload)),
  }));
  if (answer.StatusCode !== 202) throw new HandlerError(`Lambda answered ${answer.StatusCode} to the asynchronous invocation`);
}
