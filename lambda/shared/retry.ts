/**
 * Bounded retries for the service's eventual consistency (a write not yet visible to a read).
 * Throttling and 5xx are retried by the SDK itself; this is for answers that are valid but stale.
 */
import { ContinuationNeeded } from './continuation';
import { log } from './log';
import { PollClock } from './poll';

export interface EventuallyOptions {
  /** Total time to keep trying. */
  readonly timeoutMs: number;
  /** The shortest delay between attempts (see `PollClock`). */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /**
   * What is awaited, for the message when the invocation's time, not the wait's own, ends it: the
   * wait then throws `ContinuationNeeded` (the event continues in a new invocation where its type
   * allows, see continuation.ts) instead of answering `undefined` as if the time were up.
   */
  readonly what?: string;
}

/**
 * Call `attempt` until it returns a value other than `undefined`, or the time is up (then
 * `undefined`). When the invocation's work deadline comes before the wait's own end, it throws
 * `ContinuationNeeded` instead: the time the wait was given has not been waited.
 */
export async function eventually<T>(attempt: () => Promise<T | undefined>, options: EventuallyOptions): Promise<T | undefined> {
  const clock = new PollClock({ timeoutMs: options.timeoutMs, minDelayMs: options.initialDelayMs, maxDelayMs: options.maxDelayMs });
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (await clock.sleep()) continue;
    if (clock.endsWithInvocation) {
      throw new ContinuationNeeded(`while waiting ${Math.round(clock.elapsedMs / 1000)} s for ${options.what ?? 'a change to become visible'}`);
    }
    return undefined;
  }
}

/**
 * Run a write whose outcome is decided by the state it leaves, not by the answer to its retry. A
 * write that took effect but whose answer was lost (a 5xx after the fact) is retried by the SDK,
 * and the retry may be refused because the first attempt already did the work ("no such
 * invitation", "already disabled", a set still activating). After any error, `holds` reads the
 * state: when it already holds, the write took effect and the error is not one.
 */
export async function writeThenConfirm(what: string, write: () => Promise<unknown>, holds: () => Promise<boolean>): Promise<void> {
  try {
    await write();
  } catch (err) {
    if (!await holds().catch(() => false)) throw err;
    log.info(`${what}: the call answered an error, but the state it makes already holds`, { error: String(err) });
  }
}
