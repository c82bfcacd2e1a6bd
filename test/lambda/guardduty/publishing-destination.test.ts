/**
 * The publishing destination handler through the real SDK v3 client against the local GuardDuty
 * API, which verifies destinations asynchronously.
 */
import { GuardDutyClient, UpdatePublishingDestinationCommand } from '@aws-sdk/client-guardduty';
import { dispatch } from '../../../lambda/dispatch';
import { failureReason } from '../../../lambda/shared/errors';
import { LocalApi } from '../../../replay/src';
import { CREATED_BY_TAG } from '../../../src/private/contracts';
import { PublishingDestinationResource, PublishingDestinationResourceProperties } from '../../../src/private/resources/guardduty/publishing-destination';
import { ACCOUNT, event, REGION, useLocalApi } from '../events';

const TYPE = PublishingDestinationResource.type;
const BUCKET = 'arn:aws:s3:::findings-bucket/guardduty/';
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
let api: LocalApi;
let detectorId: string;

useLocalApi((started) => {
  api = started;
}, () => {
  detectorId = api.guardduty.seedDetector(ACCOUNT, REGION);
});

function props(overrides: Partial<PublishingDestinationResourceProperties> = {}): PublishingDestinationResourceProperties {
  return { DetectorId: detectorId, DestinationType: 'S3', DestinationArn: BUCKET, KmsKeyArn: KEY, Tags: { owner: 'security' }, ...overrides };
}
const destinations = () => [...api.guardduty.detector(ACCOUNT, REGION, detectorId)!.destinations.values()];

test('create waits for PUBLISHING and returns <detectorId>:<destinationId> and the destination ARN', async () => {
  const result = await dispatch(event('Create', TYPE, props()));
  const [d] = destinations();
  expect(d).toMatchObject({ status: 'PUBLISHING', destinationArn: BUCKET, kmsKeyArn: KEY, tags: { owner: 'security' } });
  expect(result).toEqual({
    physicalResourceId: `${detectorId}:${d.id}`,
    data: { DestinationId: d.id, PublishingDestinationArn: `arn:aws:guardduty:${REGION}:${ACCOUNT}:detector/${detectorId}/publishingdestination/${d.id}` },
  });
  expect(api.callsOf('DescribePublishingDestination').length).toBeGreaterThanOrEqual(2);
});

test('a destination GuardDuty cannot write to fails with what to fix, and is deleted again', async () => {
  api.guardduty.failDestination(BUCKET);
  const err = await dispatch(event('Create', TYPE, props())).catch((e) => e);
  expect(failureReason('PublishingDestination P', err)).toMatch(
    /^PublishingDestination P: publishing destination \w+ \(arn:aws:s3:::findings-bucket\/guardduty\/, key arn:aws:kms:\S+\) is UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY: GuardDuty cannot write to the bucket\. Check that the bucket policy/);
  expect(destinations()).toHaveLength(0);
});

test('a detector that already has a destination: the failure names it (one per detector)', async () => {
  await dispatch(event('Create', TYPE, props(), { logicalId: 'First' }));
  const err = await dispatch(event('Create', TYPE, props(), { logicalId: 'Second' })).catch((e) => e);
  expect(failureReason('PublishingDestination Second', err)).toMatch(/already has a publishing destination, \w+ \(PUBLISHING\), and GuardDuty allows one per detector/);
  expect(destinations()).toHaveLength(1);
});

test('update changes bucket, prefix and key in place and waits for verification again; rollback restores', async () => {
  const created = await dispatch(event('Create', TYPE, props()));
  const next = props({ DestinationArn: 'arn:aws:s3:::other-bucket', Tags: { owner: 'soc' } });
  const result = await dispatch(event('Update', TYPE, next, { physicalResourceId: created.physicalResourceId, oldProperties: props() }));
  expect(result.physicalResourceId).toBe(created.physicalResourceId);
  expect(destinations()[0]).toMatchObject({ destinationArn: 'arn:aws:s3:::other-bucket', status: 'PUBLISHING', tags: { owner: 'soc' } });
  await dispatch(event('Update', TYPE, props(), { physicalResourceId: created.physicalResourceId, oldProperties: next }));
  expect(destinations()[0]).toMatchObject({ destinationArn: BUCKET, tags: { owner: 'security' } });
});

test('an update to an unwritable bucket fails with the status (CloudFormation then rolls back)', async () => {
  const created = await dispatch(event('Create', TYPE, props()));
  api.guardduty.failDestination('arn:aws:s3:::no-policy-bucket');
  const err = await dispatch(event('Update', TYPE, props({ DestinationArn: 'arn:aws:s3:::no-policy-bucket' }), {
    physicalResourceId: created.physicalResourceId, oldProperties: props(),
  })).catch((e) => e);
  expect(failureReason('P', err)).toMatch(/is UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY/);
});

test('delete, delete of what is gone, and delete after the detector is gone all succeed', async () => {
  const created = await dispatch(event('Create', TYPE, props()));
  await dispatch(event('Delete', TYPE, props(), { physicalResourceId: created.physicalResourceId }));
  expect(destinations()).toHaveLength(0);
  await dispatch(event('Delete', TYPE, props(), { physicalResourceId: created.physicalResourceId }));
  api.guardduty.removeDetector(ACCOUNT, REGION, detectorId);
  await dispatch(event('Delete', TYPE, props(), { physicalResourceId: created.physicalResourceId }));
});

test('a lost create response (5xx after commit) is retried with the same client token: one destination', async () => {
  api.injectFault({ kind: 'internal-error-after-commit', operation: 'CreatePublishingDestination', times: 1 });
  await dispatch(event('Create', TYPE, props()));
  expect(destinations()).toHaveLength(1);
});

test('a tags-only update after the destination was deleted out of band creates it again (and so does its rollback)', async () => {
  const created = await dispatch(event('Create', TYPE, props()));
  api.guardduty.detector(ACCOUNT, REGION, detectorId)!.destinations.clear();
  const retagged = props({ Tags: { owner: 'secops' } });
  const updated = await dispatch(event('Update', TYPE, retagged, { physicalResourceId: created.physicalResourceId, oldProperties: props() }));
  expect(updated.physicalResourceId).not.toBe(created.physicalResourceId);
  expect(destinations()).toEqual([expect.objectContaining({ status: 'PUBLISHING', tags: { owner: 'secops', [CREATED_BY_TAG]: expect.any(String) } })]);
  // CloudFormation then deletes the old physical id, which is gone: success.
  await dispatch(event('Delete', TYPE, props(), { physicalResourceId: created.physicalResourceId }));
  expect(destinations()).toHaveLength(1);
});

test('a destination redirected outside CloudFormation is put back by the next update, even one that changes only its tags', async () => {
  const created = await dispatch(event('Create', TYPE, props()));
  const [destinationId] = [...api.guardduty.detector(ACCOUNT, REGION, detectorId)!.destinations.keys()];
  // Redirected by someone with GuardDuty access, through the API.
  const client = new GuardDutyClient({ region: REGION, endpoint: api.url, credentials: api.credentialsFor(ACCOUNT), maxAttempts: 1 });
  await client.send(new UpdatePublishingDestinationCommand({
    DetectorId: detectorId, DestinationId: destinationId, DestinationProperties: { DestinationArn: 'arn:aws:s3:::attacker-bucket', KmsKeyArn: KEY },
  }));
  client.destroy();
  expect(destinations()[0]).toMatchObject({ destinationArn: 'arn:aws:s3:::attacker-bucket' });
  const retagged = props({ Tags: { owner: 'secops' } });
  const updated = await dispatch(event('Update', TYPE, retagged, { physicalResourceId: created.physicalResourceId, oldProperties: props() }));
  expect(updated.physicalResourceId).toBe(created.physicalResourceId);
  expect(destinations()).toEqual([expect.objectContaining({
    destinationArn: BUCKET, kmsKeyArn: KEY, status: 'PUBLISHING', tags: { owner: 'secops', [CREATED_BY_TAG]: expect.any(String) },
  })]);
});

describe('a cleanup\'s Delete (a physical id the resource no longer has) removes only a destination carrying this resource\'s ownership record', () => {
  test('the create records the stack and logical id on the destination', async () => {
    await dispatch(event('Create', TYPE, props(), { logicalId: 'Export' }));
    expect(destinations()[0].tags[CREATED_BY_TAG]).toMatch(/^arn:aws:cloudformation:[^|]+\|Export$/);
  });

  test('this resource\'s old destination is deleted', async () => {
    const created = await dispatch(event('Create', TYPE, props(), { logicalId: 'Export' }));
    await dispatch(event('Delete', TYPE, props(), { logicalId: 'Export', physicalResourceId: created.physicalResourceId }),
      { undoesCreate: false, rollback: false, replaced: true });
    expect(destinations()).toEqual([]);
  });

  test('another resource\'s destination, or one made outside CloudFormation, is kept: no DeletePublishingDestination', async () => {
    const other = await dispatch(event('Create', TYPE, props(), { logicalId: 'OtherExport' }));
    const forged = event('Delete', TYPE, props(), { logicalId: 'Export', physicalResourceId: other.physicalResourceId });
    await expect(dispatch(forged, { undoesCreate: false, rollback: false, replaced: true }))
      .resolves.toEqual({ physicalResourceId: other.physicalResourceId });
    expect(destinations()).toHaveLength(1);
    expect(api.callsOf('DeletePublishingDestination')).toEqual([]);
  });

  test('the resource\'s own physical id (a stack delete, a rollback) is deleted whatever its tags: CloudFormation\'s record ties it to the resource', async () => {
    const created = await dispatch(event('Create', TYPE, props(), { logicalId: 'Export' }));
    destinations()[0].tags = {};
    await dispatch(event('Delete', TYPE, props(), { logicalId: 'Export', physicalResourceId: created.physicalResourceId }));
    expect(destinations()).toEqual([]);
  });
});
