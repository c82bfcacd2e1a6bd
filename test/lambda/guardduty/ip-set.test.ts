/**
 * The IPSet and ThreatIntelSet handlers (one lifecycle, two APIs) through the real SDK v3 client
 * against the local GuardDuty API, whose sets activate and delete asynchronously.
 */
import { dispatch } from '../../../lambda/dispatch';
import { failureReason } from '../../../lambda/shared/errors';
import { IpSetResource, ThreatIntelSetResource, ThreatListResourceProperties } from '../../../src/private/resources/guardduty/threat-list';
import { now as emulatorNow } from '../../local-api/clock';
import { GuardDutyMessages } from '../../local-api/guardduty-state';
import { LocalApi } from '../../local-api/server';
import { ACCOUNT, event, REGION, startLocalApi } from '../events';

let api: LocalApi;
let detectorId: string;

beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(async () => api.stop());
beforeEach(() => {
  api.reset();
  detectorId = api.guardduty.seedDetector(ACCOUNT, REGION);
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

const LOCATION = 'https://s3.us-east-1.amazonaws.com/lists-bucket/trusted.txt';

describe.each([
  { kind: 'IPSet', type: IpSetResource.type, collection: 'ipSets' as const, get: 'GetIPSet', update: 'UpdateIPSet', segment: 'ipset', quota: 1 },
  { kind: 'ThreatIntelSet', type: ThreatIntelSetResource.type, collection: 'threatIntelSets' as const, get: 'GetThreatIntelSet', update: 'UpdateThreatIntelSet', segment: 'threatintelset', quota: 6 },
])('$kind', ({ kind, type, collection, get, update, segment, quota }) => {
  function props(overrides: Partial<ThreatListResourceProperties> = {}): ThreatListResourceProperties {
    return {
      DetectorId: detectorId,
      Name: 'Office networks',
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
    const result = await dispatch(event('Create', type, props()));
    const [set] = sets();
    expect(set).toMatchObject({ status: 'ACTIVE', name: 'Office networks', location: LOCATION, expectedBucketOwner: ACCOUNT, tags: { owner: 'security' } });
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
      expect(failureReason(`${kind} L`, err)).toMatch(/already has 1 IPSet\(s\) .*GuardDuty's quota per account and Region \(1\); a replacement/);
      return;
    }
    const replaced = await dispatch(event('Update', type, props({ Format: 'STIX' }), { physicalResourceId: created.physicalResourceId, oldProperties: props() }));
    expect(replaced.physicalResourceId).not.toBe(created.physicalResourceId);
    await dispatch(event('Delete', type, props(), { physicalResourceId: created.physicalResourceId }));
    expect(sets().map((s) => s.format)).toEqual(['STIX']);
  });

  test(`past the quota of ${quota}, the failure names the quota and the existing sets`, async () => {
    for (let i = 0; i < quota; i++) await dispatch(event('Create', type, props({ Name: `list-${i}` })));
    const err = await dispatch(event('Create', type, props({ Name: 'one-more' }))).catch((e) => e);
    expect(failureReason(`${kind} L`, err)).toMatch(new RegExp(`already has ${quota} ${kind}\\(s\\)`));
  });

  test('delete waits until the set is gone; delete again (already gone) succeeds', async () => {
    const created = await dispatch(event('Create', type, props()));
    await dispatch(event('Delete', type, props(), { physicalResourceId: created.physicalResourceId }));
    expect(sets()).toHaveLength(0);
    await dispatch(event('Delete', type, props(), { physicalResourceId: created.physicalResourceId }));
    api.guardduty.removeDetector(ACCOUNT, REGION, detectorId);
    await dispatch(event('Delete', type, props(), { physicalResourceId: created.physicalResourceId }));
  });

  test('gone is decided by listing, whatever GuardDuty\'s words for an unknown set: AWS documents "An invalid ipSetId is specified"', async () => {
    jest.replaceProperty(GuardDutyMessages, 'NO_SUCH_RESOURCE', `The request is rejected because an invalid ${kind === 'IPSet' ? 'ipSetId' : 'threatIntelSetId'} is specified.` as any);
    const created = await dispatch(event('Create', type, props()));
    const setId = created.physicalResourceId.split(':')[1];
    // Deleted out of band: the Delete and the Update's "create it again" both see it gone.
    api.guardduty.detector(ACCOUNT, REGION, detectorId)![collection].delete(setId);
    const updated = await dispatch(event('Update', type, props({ Name: 'renamed' }), { physicalResourceId: created.physicalResourceId, oldProperties: props() }));
    expect(updated.physicalResourceId).not.toBe(created.physicalResourceId);
    api.guardduty.detector(ACCOUNT, REGION, detectorId)![collection].clear();
    await dispatch(event('Delete', type, props(), { physicalResourceId: updated.physicalResourceId }));
    expect(api.callsOf(kind === 'IPSet' ? 'ListIPSets' : 'ListThreatIntelSets').length).toBeGreaterThan(0);
  });

  test('a refused read of a set that is still listed is an error, not gone', async () => {
    const created = await dispatch(event('Create', type, props()));
    api.injectFault({ kind: 'access-denied', operation: get, times: 20 });
    await expect(dispatch(event('Delete', type, props(), { physicalResourceId: created.physicalResourceId })))
      .rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(sets()).toHaveLength(1);
  });

  test('a 5xx on create is retried with the same client token: one set', async () => {
    api.injectFault({ kind: 'internal-error-after-commit', operation: kind === 'IPSet' ? 'CreateIPSet' : 'CreateThreatIntelSet', times: 1 });
    await dispatch(event('Create', type, props()));
    expect(sets()).toHaveLength(1);
  });
});
