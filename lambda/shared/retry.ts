/**
 * Bounded retries for the service's eventual consistency (a write not yet visible to a read).
 * Throttling and 5xx are retried by the SDK itself; this is for answers that are valid but stale.
 */

export interface EventuallyOptions {
  /** Total time to keep trying. */
  readonly timeoutMs: number;
  /** First wait; doubles up to `maxDelayMs`. */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
}

/**
 * Call `attempt` until it returns a value other than `undefined`, or the time is up (then
 * `undefined`).
 */
export async function eventually<T>(attempt: () => Promise<T | undefined>, options: EventuallyOptions): Promise<T | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  let delay = options.initialDelayMs ?? 250;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() + delay > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, options.maxDelayMs ?? 5_000);
  }
}
