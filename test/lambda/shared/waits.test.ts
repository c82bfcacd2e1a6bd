/**
 * The bounded waits (lambda/shared/waiters.ts, lambda/shared/retry.ts) on jest's clock: they end on
 * the wanted status, fail at once on a failure status, and give up at their deadline naming the
 * status, never sleeping past it.
 */
import { eventually } from '../../../lambda/shared/retry';
import { waitForStatus } from '../../../lambda/shared/waiters';
import { silenceHandlerLogs } from '../events';

beforeEach(() => {
  jest.useFakeTimers();
  silenceHandlerLogs();
});
afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

/** Run `promise` to its end, advancing the fake clock; resolve with its outcome and the time it took. */
async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: Error; elapsed: number }> {
  const started = Date.now();
  let done = false;
  const outcome = promise.then((value) => ({ value }), (error) => ({ error })).finally(() => { done = true; });
  while (!done) await jest.advanceTimersByTimeAsync(100);
  return { ...(await outcome), elapsed: Date.now() - started };
}

function statuses(...sequence: Array<string | undefined>): () => Promise<string | undefined> {
  let i = 0;
  return async () => sequence[Math.min(i++, sequence.length - 1)];
}

test('waitForStatus ends on a wanted status, gone included', async () => {
  expect((await settle(waitForStatus({ what: 'IPSet x', read: statuses('ACTIVATING', 'ACTIVE'), until: ['ACTIVE'], timeoutMs: 60_000 }))).value)
    .toBe('ACTIVE');
  expect((await settle(waitForStatus({ what: 'IPSet x', read: statuses('DELETE_PENDING', undefined), until: [undefined], timeoutMs: 60_000 })))
    .value).toBeUndefined();
});

test('waitForStatus fails at once on a failure status, with what to do', async () => {
  const read = jest.fn(statuses('ACTIVATING', 'ERROR', 'ACTIVE'));
  const { error } = await settle(waitForStatus({
    what: 'IPSet x', read, until: ['ACTIVE'], failOn: { ERROR: 'GuardDuty could not read the list' }, timeoutMs: 60_000,
  }));
  expect(error?.message).toBe('IPSet x is ERROR: GuardDuty could not read the list');
  expect(read).toHaveBeenCalledTimes(2);
});

test('waitForStatus gives up at its deadline, naming the last status, without sleeping past it', async () => {
  const { error, elapsed } = await settle(waitForStatus({ what: 'IPSet x', read: statuses('ACTIVATING'), until: ['ACTIVE'], timeoutMs: 30_000 }));
  expect(error?.message).toBe('IPSet x is still ACTIVATING after 30 s, expected ACTIVE');
  expect(elapsed).toBeLessThanOrEqual(30_100);
});

test('eventually returns the first defined value, or undefined at its deadline', async () => {
  expect((await settle(eventually(jest.fn(statuses(undefined, undefined, 'x')), { timeoutMs: 10_000 }))).value).toBe('x');
  const { value, elapsed } = await settle(eventually(async () => undefined, { timeoutMs: 5_000 }));
  expect(value).toBeUndefined();
  expect(elapsed).toBeLessThanOrEqual(5_100);
});

describe('a settled status is seen within 1.25 times the time it took to settle', () => {
  test.each([2_000, 5_000, 13_000, 40_000, 200_000])('settled after %i ms', async (settlesAfterMs) => {
    let started = 0;
    const read = async () => (Date.now() - started >= settlesAfterMs ? 'ACTIVE' : 'ACTIVATING');
    started = Date.now();
    const { value, elapsed } = await settle(waitForStatus({ what: 'x', read, until: ['ACTIVE'], timeoutMs: 600_000 }));
    expect(value).toBe('ACTIVE');
    expect(elapsed).toBeGreaterThanOrEqual(settlesAfterMs);
    // The poll clock's own granularity in this test is 100 ms (see settle).
    expect(elapsed).toBeLessThanOrEqual(settlesAfterMs * 1.25 + 100);
  });

  test('and never polls more than 4 times a second', async () => {
    const read = jest.fn(async () => 'ACTIVATING');
    await settle(waitForStatus({ what: 'x', read, until: ['ACTIVE'], timeoutMs: 10_000 }));
    expect(read.mock.calls.length).toBeLessThanOrEqual(10_000 / 250 + 1);
  });
});
