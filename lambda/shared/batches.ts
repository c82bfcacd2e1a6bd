/**
 * Batching for the account APIs: GuardDuty takes at most 50 account ids per call, and reports
 * per-account failures in `UnprocessedAccounts` of an HTTP 200 answer, which must be read: a
 * handler that only catches exceptions reports success for accounts that failed.
 */
import { HandlerError } from './errors';

/** Account ids per GuardDuty member call (`AccountIds`/`AccountDetails`: 1-50 in the API model). */
export const ACCOUNTS_PER_CALL = 50;

/** `items` in consecutive slices of at most `size`. */
export function chunks<T>(items: ReadonlyArray<T>, size: number = ACCOUNTS_PER_CALL): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Reads in flight at once (member statuses, organization pages): a read of 50,000 members is 1,000
 * calls, which one at a time at 300 ms a call take 300 s of a 15-minute invocation, and a member
 * set that continues in a new invocation reads them again there. Writes stay one at a time.
 */
export const READS_AT_ONCE = 4;

/**
 * `read` each item, `READS_AT_ONCE` at a time, the results in the items' order; `beforeWave` runs
 * before each group starts (e.g. to stop when the invocation's time is over).
 */
export async function readInWaves<T, R>(items: ReadonlyArray<T>, read: (item: T) => Promise<R>, beforeWave?: (done: number) => void): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += READS_AT_ONCE) {
    beforeWave?.(i);
    results.push(...await Promise.all(items.slice(i, i + READS_AT_ONCE).map(read)));
  }
  return results;
}

/** One entry of a batch answer's `UnprocessedAccounts`. */
export interface UnprocessedAccount {
  readonly AccountId?: string;
  readonly Result?: string;
}

/** Accounts listed in a failure message before "and N more". */
const LISTED = 10;

/** "111111111111 (reason), 222222222222 (reason) and 3 more". */
export function describeAccounts(entries: ReadonlyArray<{ readonly accountId: string; readonly reason: string }>): string {
  const shown = entries.slice(0, LISTED).map((e) => `${e.accountId} (${e.reason})`).join(', ');
  return entries.length > LISTED ? `${shown} and ${entries.length - LISTED} more` : shown;
}

/**
 * Throw when a batch answer lists accounts that failed for a reason `tolerated` does not accept,
 * naming the operation, each account and GuardDuty's reason.
 */
export function failOnUnprocessed(operation: string, unprocessed: ReadonlyArray<UnprocessedAccount> | undefined,
  tolerated: (result: string) => boolean = () => false): void {
  const failed = (unprocessed ?? [])
    .filter((u) => !tolerated(u.Result ?? ''))
    .map((u) => ({ accountId: u.AccountId ?? '(unknown account)', reason: u.Result ?? 'no reason given' }));
  if (failed.length > 0) {
    throw new HandlerError(`${operation} did not process ${failed.length} account(s): ${describeAccounts(failed)}`);
  }
}
