/**
 * The handler's clock: the time waits are measured in, and how they sleep. In Lambda it is real
 * time. Tests that run the handler in the same process as the local API install the emulator's
 * clock (`useClock`), so a wait passes in the emulator's time without sleeping: a status that
 * settles after 30 s is waited for in milliseconds. Nothing an event carries can change it.
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

let current: Clock = REAL_CLOCK;

/** The clock in use. */
export function clock(): Clock {
  return current;
}

/** Install a clock (tests only: the bundle's entry point never calls it). */
export function useClock(next: Clock): void {
  current = next;
}
