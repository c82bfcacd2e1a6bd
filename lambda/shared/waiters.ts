/**
 * Waiting for an asynchronous status (a set activating, a destination being verified): poll a
 * read until the status is one of the wanted ones, fail on a failure status, give up at a
 * deadline. Bounded so a stuck resource fails the deployment with its status instead of holding
 * the Lambda until its timeout.
 */
import { ContinuationNeeded } from './continuation';
import { HandlerError } from './errors';
import { eventMayContinue } from './invocation';
import { log } from './log';
import { PollClock } from './poll';

export interface StatusWait<S extends string> {
  /** What is being waited for, for messages, e.g. `IPSet 1a2b...`. */
  readonly what: string;
  /** Read the current status; `undefined` when the resource is gone. */
  readonly read: () => Promise<S | undefined>;
  /** Statuses that end the wait successfully. `undefined` (gone) may be one. */
  readonly until: ReadonlyArray<S | undefined>;
  /** Statuses that end the wait with a failure; the message says what to do. */
  readonly failOn?: Partial<Record<S, string>>;
  /**
   * What the service says of a failure status (e.g. a set's error details), appended to the
   * failure in parentheses; nothing when it answers `undefined` or the read fails.
   */
  readonly failureDetails?: (status: S) => Promise<string | undefined>;
  readonly timeoutMs: number;
  /**
   * In an event that may continue in a new invocation (continuation.ts), wait past `timeoutMs`:
   * the wait then ends with the invocation and goes on in the next one, bounded by the number of
   * invocations and CloudFormation's ServiceTimeout (a delete waiting for GuardDuty to finish reading a list).
   */
  readonly whileContinuable?: boolean;
  /** The shortest delay between reads (see `PollClock`). */
  readonly initialDelayMs?: number;
  /** The longest delay between reads. */
  readonly maxDelayMs?: number;
}

/** Resolve with the final status, or throw a `HandlerError` naming the status. */
export async function waitForStatus<S extends string>(wait: StatusWait<S>): Promise<S | undefined> {
  const timeoutMs = wait.whileContinuable && eventMayContinue() ? Number.POSITIVE_INFINITY : wait.timeoutMs;
  const clock = new PollClock({ timeoutMs, minDelayMs: wait.initialDelayMs, maxDelayMs: wait.maxDelayMs });
  let status: S | undefined;
  for (;;) {
    status = await wait.read();
    if (wait.until.includes(status)) return status;
    const failure = status !== undefined ? wait.failOn?.[status] : undefined;
    if (failure !== undefined) {
      const details = wait.failureDetails ? await wait.failureDetails(status!).catch(() => undefined) : undefined;
      throw new HandlerError(`${wait.what} is ${status}: ${failure}${details ? ` (${details})` : ''}`);
    }
    log.info('Waiting', { what: wait.what, status: status ?? 'gone', expected: wait.until.map((s) => s ?? 'gone') });
    if (!await clock.sleep()) break;
  }
  const expected = wait.until.map((s) => s ?? 'gone').join(' or ');
  if (clock.endsWithInvocation) {
    // The event continues in a new invocation where its type allows, or fails saying to deploy again.
    throw new ContinuationNeeded(`while ${wait.what} is still ${status ?? 'gone'} after ${Math.round(clock.elapsedMs / 1000)} s, expected ${expected}`);
  }
  throw new HandlerError(`${wait.what} is still ${status ?? 'gone'} after ${Math.round(wait.timeoutMs / 1000)} s, expected ${expected}`);
}
