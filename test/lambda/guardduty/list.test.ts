/**
 * The list handlers (one lifecycle, four APIs: IPSet, ThreatIntelSet, TrustedEntitySet,
 * ThreatEntitySet) through the real SDK v3 client against the local GuardDuty API, whose sets
 * activate and delete asynchronously.
 */
import { dispatch } from '../../../lambda/dispatch';
import { failureReason } from '../../../lambda/shared/errors';
import { emulatorNow, GuardDutyMessages, LocalApi } from '../../../replay/src';
import { CREATED_BY_TAG } from '../../../src/private/contracts';
import {
  ListResourceProperties,
} from '../../../src/private/resources/guardduty/list';
import { ACCOUNT, event, REGION, useLocalApi } from '../events';

let api: LocalApi;
let detectorId: string;

useLocalApi((started) => {
  api = started;
}, () => {
  detectorId = api.guardduty.seedDetector(ACCOUNT, REGION);
});

const LOCATION = 'https://s3.us-east-1.amazonaws.com/lists-bucket/trusted.txt';

const KINDS = [
  { kind: 'IPSet', type: 'Custom::GuardDutyIPSet', collection: 'ipSets' as const, segment: 'ipset', quota: 1 as number | undefined, name: 'Office networks' },
  { kind: 'ThreatIntelSet', type: 'Custom::GuardDutyThreatIntelSet', collection: 'threatIntelSets' as const, segment: 'threatintelset', quota: 6, name: 'Office networks' },
  { kind: 'TrustedEntitySet', type: 'Custom::GuardDutyTrustedEntitySet', collection: 'trustedEntitySets' as const, segment: 'trustedentityset', quota: 1, name: 'Office-networks' },
  // GuardDuty documents no quota of threat entity sets.
  { kind: 'ThreatEntitySet', type: 'Custom::GuardDutyThreatEntitySet', collection: 'threatEntitySets' as const, segment: 'threatentityset', quota: undefined, name: 'Office-networks' },
];

describe.each(KINDS)('$kind', ({ kind, type, collection, segment, quota, name }) => {
  const get = `Get${kind}`;
  const update = `Update${kind}`;
  function props(overrides: Partial<ListResourceProperties> = {}): ListResourceProperties {
    return {
      DetectorId: detectorId,
      Name: name,
      Format: 'TXT',
      Location: LOCATION,
      Activate: 'true',
      ExpectedBucketOwner: ACCOUNT,
      ContentHash: 'aaa',
      Tags: { owner: 'security' },
      ...overrides,
    };
  }
  const sets = () => [...api.guardduty.detector(ACCOUNT, REGION, detectorId)![collection].values()];

  test('create waits until ACTIVE and returns <detectorId>:<setId> and the ARN', async () => {
    // A minute to read the list, on the emulator's clock (which also runs in real time): a loaded
    // machine cannot let it settle before the first read.
    api.setSettleTime(60_000);
    const result = await dispatch(event('Create', type, props()));
    const [set] = sets();
    expect(set).toMatchObject({ status: 'ACTIVE', name, location: LOCATION, expectedBucketOwner: ACCOUNT, tags: { owner: 'security' } });
    expect(result).toEqual({
      physicalResourceId: `${detectorId}:${set.id}`,
      data: { SetId: set.id, SetArn: `arn:aws:guardduty:${REGION}:${ACCOUNT}:detector/${detectorId}/${segment}/${set.id}` },
    });
    // The first read sees ACTIVATING: the handler polled until the set settled.
    expect(api.callsOf(get).length).toBeGreaterThanOrEqual(2);
  });

  test('activate=false waits for INACTIVE', async () => {
    await dispatch(event('Create', type, props({ Activate: 'false' })));
    expect(sets()[0].status).toBe('INACTIVE');
  });

  test('an unreadable list fails the create with the status and advice, and leaves no set behind', async () => {
    api.guardduty.failLocation(LOCATION);
    const err = await dispatch(event('Create', type, props())).catch((e) => e);
    expect(failureReason(`${kind} L`, err)).toMatch(new RegExp(`^${kind} L: ${kind} \\w+ \\(${LOCATION}\\) is ERROR: GuardDuty could not read or parse the list`));
    expect(sets()).toHaveLength(0);
  });

  test('a new content hash re-activates the set (GuardDuty reads the list again); name and location change in place', async () => {
    const created = await dispatch(event('Create', type, props()));
    const next = props({ ContentHash: 'bbb', Name: 'Offices', Location: `${LOCATION}.v2`, Tags: {} });
    const result = await dispatch(event('Update', type, next, { physicalResourceId: created.physicalResourceId, oldProperties: props() }));
    expect(result.physicalResourceId).toBe(created.physicalResourceId);
    expect(sets()[0]).toMatchObject({ status: 'ACTIVE', name: 'Offices', location: `${LOCATION}.v2`, reads: 2, tags: {} });
  });

  test('an update waits while the set is still activating (GuardDuty refuses changes meanwhile)', async () => {
    api.setSettleTime(1200);
    const e = event('Create', type, props({ Activate: 'false' }));
    const created = await dispatch(e);
    api.guardduty.detector(ACCOUNT, REGION, detectorId)![collection].forEach((s) => { s.status = 'ACTIVATING'; s.next = 'ACTIVE'; s.settlesAt = emulatorNow() + 1200; });
    await dispatch(event('Update', type, props({ Activate: 'false', Name: 'Later' }), { physicalResourceId: created.physicalResourceId, oldProperties: props({ Activate: 'false' }) }));
    expect(api.callsOf(update).map((c) => c.status)).toEqual([200]);
    expect(sets()[0]).toMatchObject({ name: 'Later', status: 'INACTIVE' });
  });

  test('a new format is a replacement (a new set); the old one goes with the later Delete', async () => {
    const created = await dispatch(event('Create', type, props({ Format: 'TXT' })));
    if (quota === 1) {
      // One trusted list per account and Region: the replacement cannot be made before the old one goes.
      const err = await dispatch(event('Update', type, props({ Format: 'STIX' }), { physicalResourceId: created.physicalResourceId, oldProperties: props() })).catch((e) => e);
      expect(failureReason(`${kind} L`, err)).toMatch(new RegExp(`already has 1 ${kind}\\(s\\) .*GuardDuty's quota per account and Region \\(1\\); a replacement`));
      return;
    }
    const replaced = await dispatch(event('Update', type, props({ Format: 'STIX' }), { physicalResourceId: created.physicalResourceId, oldProperties: props() }));
    expect(replaced.physicalResourceId).not.toBe(created.physicalResourceId);
    await dispatch(event('Delete', type, props(), { physicalResourceId: created.physicalResourceId }));
    expect(sets().map((s) => s.format)).toEqual(['STIX']);
  });

  // A kind without a documented quota gets no quota explanation (ThreatEntitySet).
  if (quota !== undefined) {
    test(`past the quota of ${quota}, the failure names the quota and the existing sets`, async () => {
      for (let i = 0; i < quota!; i++) await dispatch(event('Create', type, props({ Name: `list-${i}` })));
      const err = await dispatch(event('Create', type, props({ Name: 'one-more' }))).catch((e) => e);
      expect(failureReason(`${kind} L`, err)).toMatch(new RegExp(`already has ${quota} ${kind}\\(s\\)`));
    });
  }

  test('delete waits until the set is gone; delete again (already gone) succeeds', async () => {
    const created = await dispatch(event('Create', type, props()));
    await dispatch(event('Delete', type, props(), { physicalResourceId: created.physicalResourceId }));
    expect(sets()).toHaveLength(0);
    await dispatch(event('Delete', type, props(), { physicalResourceId: created.physicalResourceId }));
    api.guardduty.removeDetector(ACCOUNT, REGION, detectorId);
    await dispatch(event('Delete', type, props(), { physicalResourceId: created.physicalResourceId }));
  });

  test('gone is decided by listing, whatever GuardDuty\'s words for an unknown set: AWS documents "An invalid ipSetId is specified"', async () => {
    jest.replaceProperty(GuardDutyMessages, 'NO_SUCH_RESOURCE', `The request is rejected because an invalid ${kind[0].toLowerCase()}${kind.slice(1)}Id is specified.` as any);
    const created = await dispatch(event('Create', type, props()));
    const setId = created.physicalResourceId.split(':')[1];
    // Deleted out of band: the Delete and the Update's "create it again" both see it gone.
    api.guardduty.detector(ACCOUNT, REGION, detectorId)![collection].delete(setId);
    const updated = await dispatch(event('Update', type, props({ Name: 'renamed' }), { physicalResourceId: created.physicalResourceId, oldProperties: props() }));
    expect(updated.physicalResourceId).not.toBe(created.physicalResourceId);
    api.guardduty.detector(ACCOUNT, REGION, detectorId)![collection].clear();
    await dispatch(event('Delete', type, props(), { physicalResourceId: updated.physicalResourceId }));
    expect(api.callsOf(`List${kind}s`).length).toBeGreaterThan(0);
  });

  test('a refused read of a set that is still listed is an error, not gone', async () => {
    const created = await dispatch(event('Create', type, props()));
    api.injectFault({ kind: 'access-denied', operation: get, times: 20 });
    await expect(dispatch(event('Delete', type, props(), { physicalResourceId: created.physicalResourceId })))
      .rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(sets()).toHaveLength(1);
  });

  test('a 5xx on create is retried with the same client token: one set', async () => {
    api.injectFault({ kind: 'internal-error-after-commit', operation: `Create${kind}`, times: 1 });
    await dispatch(event('Create', type, props()));
    expect(sets()).toHaveLength(1);
  });

  test('a cleanup\'s Delete removes the set only when it carries this resource\'s ownership record; the resource\'s own id whatever its tags', async () => {
    const ours = await dispatch(event('Create', type, props(), { logicalId: 'List' }));
    expect(sets()[0].tags[CREATED_BY_TAG]).toMatch(/\|List$/);
    const cleanup = { undoesCreate: false, rollback: false, replaced: true };
    // A forged cleanup Delete naming this set from another logical resource of the same type: kept, no Delete call.
    await dispatch(event('Delete', type, props(), { logicalId: 'OtherList', physicalResourceId: ours.physicalResourceId }), cleanup);
    expect(sets().filter((s) => s.status !== 'DELETED')).toHaveLength(1);
    expect(api.callsOf(`Delete${kind}`)).toEqual([]);
    // The same set without any record (made outside CloudFormation, or before the record): kept too.
    sets()[0].tags = {};
    await dispatch(event('Delete', type, props(), { logicalId: 'List', physicalResourceId: ours.physicalResourceId }), cleanup);
    expect(api.callsOf(`Delete${kind}`)).toEqual([]);
    // The resource's own physical id (a stack delete): CloudFormation's record ties it to the resource.
    await dispatch(event('Delete', type, props(), { logicalId: 'List', physicalResourceId: ours.physicalResourceId }));
    expect(sets().filter((s) => s.status !== 'DELETED')).toEqual([]);
  });
});

describe.each(KINDS.filter((k) => k.kind.endsWith('EntitySet')))('$kind: GuardDuty reads the list with the caller\'s access', ({ kind, type, collection }) => {
  const OBJECT = 'arn:aws:s3:::lists-bucket/trusted.txt';
  function props(overrides: Partial<ListResourceProperties> = {}): ListResourceProperties {
    return { DetectorId: detectorId, Name: 'partners', Format: 'TXT', Location: LOCATION, Activate: 'true', ...overrides };
  }
  const sets = () => [...api.guardduty.detector(ACCOUNT, REGION, detectorId)![collection].values()];
  function actAsRole(statements: unknown[]): void {
    const principal = api.iam.registerRole({
      account: ACCOUNT,
      roleName: 'Handler',
      sessionName: 'handler',
      policies: [{ name: 'handler', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'guardduty:*', Resource: '*' }, ...statements] } }],
    });
    Object.assign(process.env, api.environmentFor(ACCOUNT, REGION, principal));
  }
  afterEach(() => Object.assign(process.env, api.environmentFor(ACCOUNT, REGION)));

  test('a caller without s3:GetObject on the list: ERROR, and the failure carries GuardDuty\'s error details; no set left', async () => {
    actAsRole([]);
    const err = await dispatch(event('Create', type, props())).catch((e) => e);
    const reason = failureReason(`${kind} L`, err);
    expect(reason).toMatch(new RegExp(`^${kind} L: ${kind} \\w+ \\(${LOCATION}\\) is ERROR: GuardDuty could not read or parse the list.*handler's role may read it \\(s3:GetObject`));
    expect(reason).toContain(`(GuardDuty: Access denied: arn:aws:sts::${ACCOUNT}:assumed-role/Handler/handler is not allowed s3:GetObject on ${OBJECT})`);
    expect(sets()).toHaveLength(0);
  });

  test('with s3:GetObject on that object (and nothing else of S3), the set activates', async () => {
    actAsRole([{ Effect: 'Allow', Action: 's3:GetObject', Resource: OBJECT }]);
    await dispatch(event('Create', type, props()));
    expect(sets()[0].status).toBe('ACTIVE');
  });

  test('re-activating after a list moved checks the new object: a grant on the old one is not enough', async () => {
    actAsRole([{ Effect: 'Allow', Action: 's3:GetObject', Resource: OBJECT }]);
    const created = await dispatch(event('Create', type, props()));
    const moved = 'https://s3.us-east-1.amazonaws.com/lists-bucket/v2/trusted.txt';
    const err = await dispatch(event('Update', type, props({ Location: moved }), { physicalResourceId: created.physicalResourceId, oldProperties: props() }))
      .catch((e) => e);
    expect(failureReason(`${kind} L`, err)).toContain('s3:GetObject on arn:aws:s3:::lists-bucket/v2/trusted.txt');
  });

  test('an unreadable object: ERROR with the details', async () => {
    api.guardduty.failLocation(LOCATION);
    const err = await dispatch(event('Create', type, props())).catch((e) => e);
    expect(failureReason(`${kind} L`, err)).toContain(`(GuardDuty: The list at ${LOCATION} could not be read)`);
  });
});
