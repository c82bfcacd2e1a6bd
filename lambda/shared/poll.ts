/**
 * The pacing of every wait in the handler: how long to sleep before reading a status again.
 *
 * The delay is a quarter of the time waited so far, between a floor and a cap, jittered down by up
 * to a fifth (so waits that started together do not poll in step). A status that settles at time
 * t after the wait began is therefore read by 1.25 t (or t plus the floor, for the first second
 * or so): doubling delays see it only by about 2 t. The floor and cap keep the call rate of one
 * wait at 4 reads a second at most, and one read every few seconds in long waits, inside the
 * services' request rates.
 *
 * A wait never runs past the invocation's work deadline (`invocation.ts`), whatever its own timeout.
 */
import { clock } from './clock';
import { invocationDeadline } from './invocation';

export interface PollOptions {
  /** How long the wait may last in all. */
  readonly timeoutMs: number;
  /** The shortest delay between reads. @default 250 */
  readonly minDelayMs?: number;
  /** The longest delay between reads. @default 5000 */
  readonly maxDelayMs?: number;
  /** When the wait began, if before now (a wait continued from an earlier invocation, see `eventStartedAt`). @default now */
  readonly startedAt?: number;
}

/** A wait's clock: started on construction, asked for each next delay. */
export class PollClock {
  private readonly started: number;
  private readonly deadline: number;
  /** Whether the invocation's work deadline, not this wait's own, ends it. */
  public readonly endsWithInvocation: boolean;

  constructor(private readonly options: PollOptions) {
    this.started = Math.min(options.startedAt ?? Number.POSITIVE_INFINITY, clock().now());
    const own = this.started + options.timeoutMs;
    this.endsWithInvocation = invocationDeadline() < own;
    this.deadline = Math.min(own, invocationDeadline());
  }

  /** Milliseconds since the wait began. */
  public get elapsedMs(): number {
    return clock().now() - this.started;
  }

  /** The delay before the next read, or `undefined` when sleeping it would pass the deadline. */
  public nextDelay(): number | undefined {
    const min = this.options.minDelayMs ?? 250;
    const max = this.options.maxDelayMs ?? 5_000;
    const delay = Math.round(Math.min(Math.max(this.elapsedMs / 4, min), max) * (1 - Math.random() / 5));
    return clock().now() + delay > this.deadline ? undefined : delay;
  }

  /** Sleep the next delay; resolves `false` (without sleeping) when the deadline would pass. */
  public async sleep(): Promise<boolean> {
    const delay = this.nextDelay();
    if (delay === undefined) return false;
    await clock().sleep(delay);
    return true;
  }
}
