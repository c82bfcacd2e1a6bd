/**
 * Bounded retries for the service's eventual consistency (a write not yet visible to a read).
 * Throttling and 5xx are retried by the SDK itself; this is for answers that are valid but stale.
 */
import { PollClock } from './poll';

export interface EventuallyOptions {
  /** Total time to keep trying. */
  readonly timeoutMs: number;
  /** The shortest delay between attempts (see `PollClock`). */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
}

/**
 * Call `attempt` until it returns a value other than `undefined`, or the time is up (then
 * `undefined`).
 */
export async function eventually<T>(attempt: () => Promise<T | undefined>, options: EventuallyOptions): Promise<T | undefined> {
  const clock = new PollClock({ timeoutMs: options.timeoutMs, minDelayMs: options.initialDelayMs, maxDelayMs: options.maxDelayMs });
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (!await clock.sleep()) return undefined;
  }
}
