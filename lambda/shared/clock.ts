/**
 * The handler's clock: the time waits are measured in, and how they sleep. In Lambda it is real
 * time. Tests that run the handler in the same process as the local API install the emulator's
 * clock (`useClock`), so a wait passes in the emulator's time without sleeping: a status that
 * settles after 30 s is waited for in milliseconds. The replay's Lambda runtime, which loads the
 * bundle in a process of its own, provides the emulator's clock the same way before the bundle
 * loads (`RUNTIME_CLOCK`). Nothing an event carries can change it.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolve after `ms` milliseconds of this clock. */
  sleep(ms: number): Promise<void>;
}

/** Real time. */
export const REAL_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Where a test runtime that loads the bundle (the replay's, see the replay package) puts the clock
 * for it before the bundle loads. Lambda's runtime sets nothing there, so in Lambda the clock is
 * real time.
 */
export const RUNTIME_CLOCK = Symbol.for('cdk-threat-detection.runtime-clock');

let current: Clock = (globalThis as { [RUNTIME_CLOCK]?: Clock })[RUNTIME_CLOCK] ?? REAL_CLOCK;

/** The clock in use. */
export function clock(): Clock {
  return current;
}

/** Install a clock (tests only: the bundle's entry point never calls it). */
export function useClock(next: Clock): void {
  current = next;
}
