/**
 * The emulator's clock. Every time the local API keeps (when a status settles, when a detector was
 * created, list lag) is read from it. A handler running in the same process installs it as its own
 * clock (`useClock` from lambda/shared/clock.ts, done by `startLocalApi` in the handler tests), so
 * a wait advances this clock instead of sleeping: statuses settle, and waits time out, exactly as
 * in real time, but without the real time passing. The replay's handler processes use it too:
 * their runtime asks the replay to advance it for each wait (see ../lambda-runtime.js).
 * Between waits it follows real time (it is real time plus what waits advanced it).
 */
import type { Clock } from '../../../lambda/shared/clock';

export class EmulatorClock implements Clock {
  private advancedMs = 0;

  /** How far ahead of real time this clock is: the sum of every wait it advanced. */
  public get offsetMs(): number {
    return this.advancedMs;
  }

  public now(): number {
    return Date.now() + this.advancedMs;
  }

  /** Advance the clock by `ms` now. */
  public advance(ms: number): void {
    if (ms > 0) this.advancedMs += ms;
  }

  /** Advance the clock by `ms` and yield once, so the local API's answers interleave as with real sleeps. */
  public async sleep(ms: number): Promise<void> {
    this.advancedMs += ms;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The one emulator clock of this process. */
export const emulatorClock = new EmulatorClock();

/** The emulator's time now, in milliseconds since the epoch. */
export function now(): number {
  return emulatorClock.now();
}
