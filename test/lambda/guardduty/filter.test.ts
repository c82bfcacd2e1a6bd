/**
 * The filter handler through the real SDK v3 client against the local GuardDuty API.
 */
import { dispatch } from '../../../lambda/dispatch';
import { CREATE_FAILED_PHYSICAL_ID } from '../../../lambda/shared/custom-resource';
import { failureReason } from '../../../lambda/shared/errors';
import { GuardDutyQuotas, LocalApi } from '../../../replay/src';
import { FilterResource, FilterResourceProperties } from '../../../src/private/resources/guardduty/filter';
import { ACCOUNT, event, REGION, useLocalApi } from '../events';

const TYPE = FilterResource.type;
let api: LocalApi;
let detectorId: string;

useLocalApi((started) => {
  api = started;
}, () => {
  detectorId = api.guardduty.seedDetector(ACCOUNT, REGION);
});

function props(overrides: Partial<FilterResourceProperties> = {}): FilterResourceProperties {
  return {
    DetectorId: detectorId,
    Name: 'archive-low',
    Description: 'Low severity',
    Action: 'ARCHIVE',
    Rank: '1',
    FindingCriteria: {
      severity: { LessThan: '4' },
      updatedAt: { GreaterThan: '1767225600000' },
      type: { Equals: ['Recon:EC2/Portscan'] },
    },
    Tags: { owner: 'security' },
    ...overrides,
  };
}

const filters = () => api.guardduty.detector(ACCOUNT, REGION, detectorId)!.filters;

test('create sends typed criteria (numbers as Longs), returns <detectorId>:<name> and the ARN', async () => {
  const result = await dispatch(event('Create', TYPE, props()));
  expect(result).toEqual({
    physicalResourceId: `${detectorId}:archive-low`,
    data: {
      FilterName: 'archive-low',
      FilterArn: `arn:aws:guardduty:${REGION}:${ACCOUNT}:detector/${detectorId}/filter/archive-low`,
    },
  });
  expect(filters()).toHaveLength(1);
  expect(filters()[0]).toMatchObject({
    action: 'ARCHIVE',
    rank: 1,
    tags: { owner: 'security' },
    criteria: { Criterion: { severity: { LessThan: 4 }, updatedAt: { GreaterThan: 1767225600000 }, type: { Equals: ['Recon:EC2/Portscan'] } } },
  });
});

test('a retried create (same request) gets the same filter back', async () => {
  const e = event('Create', TYPE, props());
  await dispatch(e);
  await dispatch(e);
  expect(filters()).toHaveLength(1);
  expect(api.callsOf('CreateFilter').map((c) => c.status)).toEqual([200, 200]);
});

test('with the client token not honoured, a retried create finds its own filter by its ownership record; another resource\'s filter of that name still fails', async () => {
  api.guardduty.ignoreClientTokens = true;
  const e = event('Create', TYPE, props());
  const first = await dispatch(e);
  const second = await dispatch(e);
  expect(second).toEqual(first);
  expect(filters()).toHaveLength(1);
  expect(api.callsOf('CreateFilter').map((c) => c.status)).toEqual([200, 400]);
  await expect(dispatch(event('Create', TYPE, props(), { logicalId: 'AnotherFilter' }))).rejects.toThrow(/already exists on detector .* and is not this resource's/);
});

test('update changes action, criteria, description (cleared) and tags in place', async () => {
  const created = await dispatch(event('Create', TYPE, props()));
  const next = props({ Action: 'NOOP', Description: undefined, FindingCriteria: { severity: { GreaterThanOrEqual: '7' } }, Tags: { team: 'soc' } });
  const result = await dispatch(event('Update', TYPE, next, { physicalResourceId: created.physicalResourceId, oldProperties: props() }));
  expect(result.physicalResourceId).toBe(created.physicalResourceId);
  expect(filters()[0]).toMatchObject({ action: 'NOOP', description: undefined, tags: { team: 'soc' } });
  expect(filters()[0].criteria).toEqual({ Criterion: { severity: { GreaterThanOrEqual: 7 } } });
  expect(api.callsOf('UntagResource')).toHaveLength(1);
  expect(api.callsOf('CreateFilter')).toHaveLength(1);
});

test('a new name is a replacement: the new filter is created, the old one deleted by the later Delete', async () => {
  const created = await dispatch(event('Create', TYPE, props()));
  const replaced = await dispatch(event('Update', TYPE, props({ Name: 'archive-low-2' }), { physicalResourceId: created.physicalResourceId, oldProperties: props() }));
  expect(replaced.physicalResourceId).toBe(`${detectorId}:archive-low-2`);
  expect(filters().map((f) => f.name).sort()).toEqual(['archive-low', 'archive-low-2']);
  await dispatch(event('Delete', TYPE, props(), { physicalResourceId: created.physicalResourceId }));
  expect(filters().map((f) => f.name)).toEqual(['archive-low-2']);
});

test('rollback replays the old properties', async () => {
  const created = await dispatch(event('Create', TYPE, props()));
  const next = props({ Rank: '2', Action: 'NOOP' });
  await dispatch(event('Update', TYPE, next, { physicalResourceId: created.physicalResourceId, oldProperties: props() }));
  await dispatch(event('Update', TYPE, props(), { physicalResourceId: created.physicalResourceId, oldProperties: next }));
  expect(filters()[0]).toMatchObject({ action: 'ARCHIVE', rank: 1, tags: { owner: 'security' } });
});

test('an update of a filter deleted out of band creates it again', async () => {
  const created = await dispatch(event('Create', TYPE, props()));
  api.guardduty.detector(ACCOUNT, REGION, detectorId)!.filters = [];
  await dispatch(event('Update', TYPE, props({ Action: 'NOOP' }), { physicalResourceId: created.physicalResourceId, oldProperties: props() }));
  expect(filters()).toHaveLength(1);
  expect(filters()[0].action).toBe('NOOP');
});

test('delete of a filter (or detector) already gone succeeds; create-failed ids call nothing', async () => {
  const created = await dispatch(event('Create', TYPE, props()));
  await dispatch(event('Delete', TYPE, props(), { physicalResourceId: created.physicalResourceId }));
  await dispatch(event('Delete', TYPE, props(), { physicalResourceId: created.physicalResourceId }));
  api.guardduty.removeDetector(ACCOUNT, REGION, detectorId);
  await dispatch(event('Delete', TYPE, props(), { physicalResourceId: created.physicalResourceId }));
  const calls = api.calls.length;
  await dispatch(event('Delete', TYPE, props(), { physicalResourceId: CREATE_FAILED_PHYSICAL_ID }));
  expect(api.calls.length).toBe(calls);
});

test('a Delete naming a filter this resource did not make (another stack\'s, a forged cleanup Delete) keeps it', async () => {
  const theirs = await dispatch(event('Create', TYPE, props({ Name: 'theirs' }), { logicalId: 'AnotherStacksFilter' }));
  // A Delete for this logical id naming that filter's physical id.
  await dispatch(event('Delete', TYPE, props(), { physicalResourceId: theirs.physicalResourceId }));
  expect(filters().map((f) => f.name)).toEqual(['theirs']);
  expect(api.callsOf('DeleteFilter')).toHaveLength(0);
  // Its own resource's Delete removes it.
  await dispatch(event('Delete', TYPE, props({ Name: 'theirs' }), { physicalResourceId: theirs.physicalResourceId, logicalId: 'AnotherStacksFilter' }));
  expect(filters()).toEqual([]);
});

test('throttling is retried by the client', async () => {
  api.injectFault({ kind: 'throttle', operation: 'CreateFilter', times: 2 });
  await dispatch(event('Create', TYPE, props()));
  expect(api.callsOf('CreateFilter').map((c) => c.status)).toEqual([400, 400, 200]);
  expect(filters()).toHaveLength(1);
});

test('past the quota, the failure names the quota and the filter count', async () => {
  for (let i = 0; i < GuardDutyQuotas.FILTERS; i++) {
    await dispatch(event('Create', TYPE, props({ Name: `f-${i}`, Rank: undefined })));
  }
  const err = await dispatch(event('Create', TYPE, props())).catch((e) => e);
  expect(failureReason('Filter F', err)).toMatch(/^Filter F: detector \w+ already has 100 filters, GuardDuty's quota per account and Region \(100, not adjustable\)/);
});

test('a name taken by another filter fails naming it', async () => {
  await dispatch(event('Create', TYPE, props()));
  const err = await dispatch(event('Create', TYPE, props(), { logicalId: 'Other' })).catch((e) => e);
  expect(failureReason('Filter Other', err)).toMatch(/a filter named "archive-low" already exists/);
});

test('filters land at their rank, so creating in rank order gives the ranks asked for', async () => {
  await dispatch(event('Create', TYPE, props({ Name: 'first', Rank: '1' })));
  await dispatch(event('Create', TYPE, props({ Name: 'second', Rank: '2' })));
  await dispatch(event('Create', TYPE, props({ Name: 'third', Rank: undefined })));
  expect(filters().map((f) => [f.name, f.rank])).toEqual([['first', 1], ['second', 2], ['third', 3]]);
});
