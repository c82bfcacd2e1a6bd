/** Batching for the account APIs (lambda/shared/batches.ts): slices, failure messages, tolerated answers. */
import { chunks, describeAccounts, failOnUnprocessed } from '../../../lambda/shared/batches';

test.each([
  [0, []],
  [1, [1]],
  [50, [50]],
  [51, [50, 1]],
  [120, [50, 50, 20]],
])('%i items slice into batches of %j', (n, sizes) => {
  const items = Array.from({ length: n }, (_, i) => i);
  const batches = chunks(items);
  expect(batches.map((b) => b.length)).toEqual(sizes);
  expect(batches.flat()).toEqual(items);
});

test('a failure lists at most ten accounts and counts the rest', () => {
  const entries = Array.from({ length: 12 }, (_, i) => ({ accountId: String(100000000000 + i), reason: 'r' }));
  expect(describeAccounts(entries)).toBe(`${entries.slice(0, 10).map((e) => `${e.accountId} (r)`).join(', ')} and 2 more`);
  expect(describeAccounts(entries.slice(0, 2))).toBe('100000000000 (r), 100000000001 (r)');
});

test.each([
  ['nothing unprocessed', undefined, undefined],
  ['an empty list', [], undefined],
  ['only tolerated answers', [{ AccountId: '111111111111', Result: 'already a member' }], undefined],
  ['an answer not tolerated', [{ AccountId: '111111111111', Result: 'already a member' }, { AccountId: '222222222222', Result: 'boom' }],
    'CreateMembers did not process 1 account(s): 222222222222 (boom)'],
  ['an entry without id or reason', [{}], 'CreateMembers did not process 1 account(s): (unknown account) (no reason given)'],
])('%s', (_name, unprocessed, error) => {
  const call = () => failOnUnprocessed('CreateMembers', unprocessed as any, (r) => r.includes('already a member'));
  if (error) expect(call).toThrow(error);
  else expect(call).not.toThrow();
});
