/**
 * Entity lists through the replay: GuardDuty reads each list with the handler's access (the
 * local API evaluates `s3:GetObject` as the handler's role, with its synthesized policies), so
 * the reads policy must hold the list's object whenever GuardDuty reads it, including when a
 * rollback puts a list back at its old object.
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { useReplay } from './harness';
import { aws_guardduty as guardduty } from '../../src';
import { DeploymentFailed } from '../src/replay';
import { replayTimeout } from '../src/timeouts';

// Each test replays at most a few dozen events: its timeout is derived from that work (see replayTimeout).
jest.setTimeout(replayTimeout(30));

const REGION = 'eu-west-1';
const ACCOUNT = '222222222222';

const h = useReplay('Lists', { account: ACCOUNT, region: REGION });
const synth = (build: (stack: Stack) => void) => h.synth(build);

const detector = () => h.api.guardduty.detectors(ACCOUNT, REGION)[0];
const trusted = () => [...detector().trustedEntitySets.values()];

/** A detector with a trusted entity list, and a filter made after the list (to fail an update after the list changed). */
function listsApp(entries: string[], filterDescription: string): string {
  return synth((stack) => {
    const d = new guardduty.Detector(stack, 'Detector', { removalPolicy: RemovalPolicy.DESTROY });
    const list = d.addTrustedEntitySet('Partners', { source: guardduty.ListSource.fromEntries(entries) });
    const filter = d.addFilter('Archive', {
      action: guardduty.FilterAction.ARCHIVE,
      rank: 1,
      description: filterDescription,
      findingCriteria: { severity: guardduty.Condition.lessThan(2) },
    });
    filter.node.addDependency(list);
  });
}

test('a failed update after a list changed rolls the list back to its old object, which the old reads policy still allows', async () => {
  await h.replay.deploy(listsApp(['updates.example.com'], 'first'), 'Lists');
  const [created] = trusted();
  expect(created).toMatchObject({ status: 'ACTIVE', reads: 1 });
  const oldLocation = created.location;

  // The update changes the list (a new object, a new reads policy), then the filter's update is denied.
  h.api.injectFault({ kind: 'access-denied', operation: 'UpdateFilter', times: 1 });
  const err = await h.replay.deploy(listsApp(['updates.example.com', 'telemetry.example.net'], 'second'), 'Lists').catch((e) => e);
  expect(err).toBeInstanceOf(DeploymentFailed);
  expect((err as DeploymentFailed).status).toBe('UPDATE_ROLLBACK_COMPLETE');

  // The list was read at the new object, then at the old one again by the rollback: both allowed.
  expect(trusted()).toEqual([expect.objectContaining({ id: created.id, status: 'ACTIVE', location: oldLocation, reads: 3 })]);
  const reads = h.api.calls.filter((c) => c.operation === 'UpdateTrustedEntitySet').flatMap((c) => c.authorization)
    .filter((a) => a.action === 's3:GetObject').map((a) => [a.decision, a.resource.split('/').pop()]);
  expect(reads).toEqual([['Allowed', expect.stringMatching(/\.txt$/)], ['Allowed', oldLocation.split('/').pop()]]);
  expect(h.replay.events.filter((e) => e.status === 'FAILED').map((e) => e.logicalId)).toEqual([expect.stringMatching(/^DetectorArchive/)]);

  await h.replay.destroy(listsApp(['updates.example.com'], 'first'), 'Lists');
  expect(h.api.guardduty.detectors(ACCOUNT, REGION)).toEqual([]);
});

test('a list in a bucket under the app\'s key: read (and decrypted through S3) with the handler\'s grants, which the list waits for', async () => {
  const dir = synth((stack) => {
    const key = new kms.Key(stack, 'Key');
    const bucket = new s3.Bucket(stack, 'Bucket', { bucketName: 'lists-bucket', encryptionKey: key });
    const d = new guardduty.Detector(stack, 'Detector');
    // The key's policy names the detector (the export's grant to GuardDuty): the reads cannot be in the function's policy.
    d.addPublishingDestination('Export', { bucket: new s3.Bucket(stack, 'Findings', { bucketName: 'findings-bucket' }), key });
    d.addThreatEntitySet('Feeds', { source: guardduty.ListSource.fromBucket(bucket, 'feeds/bad.txt') });
  });
  await h.replay.deploy(dir, 'Lists');
  expect([...detector().threatEntitySets.values()]).toEqual([expect.objectContaining({ status: 'ACTIVE', errorDetails: undefined })]);
  const decisions = h.api.calls.filter((c) => c.operation === 'CreateThreatEntitySet').flatMap((c) => c.authorization)
    .filter((a) => ['s3:GetObject', 'kms:Decrypt'].includes(a.action)).map((a) => [a.action, a.decision, a.resource]);
  expect(decisions).toEqual([
    ['s3:GetObject', 'Allowed', 'arn:aws:s3:::lists-bucket/feeds/bad.txt'],
    ['kms:Decrypt', 'Allowed', expect.stringMatching(/^arn:aws:kms:eu-west-1:222222222222:key\//)],
  ]);
  await h.replay.destroy(dir, 'Lists');
});

test('a threat entity list with new entries is updated in place (UpdateThreatEntitySet) and read again, allowed by the handler\'s grants', async () => {
  const app = (entries: string[]) => synth((stack) => {
    new guardduty.Detector(stack, 'Detector', { removalPolicy: RemovalPolicy.DESTROY })
      .addThreatEntitySet('Feeds', { source: guardduty.ListSource.fromEntries(entries) });
  });
  await h.replay.deploy(app(['bad.example.net']), 'Lists');
  const [created] = [...detector().threatEntitySets.values()];
  await h.replay.deploy(app(['bad.example.net', 'worse.example.org']), 'Lists');
  expect([...detector().threatEntitySets.values()]).toEqual([expect.objectContaining({ id: created.id, status: 'ACTIVE', reads: 2 })]);
  const updates = h.api.callsOf('UpdateThreatEntitySet');
  expect(updates.map((c) => [c.status, c.authorization.map((a) => `${a.action} ${a.decision}`)])).toEqual([
    [200, ['guardduty:UpdateThreatEntitySet Allowed', 's3:GetObject Allowed']],
  ]);
  await h.replay.destroy(app(['bad.example.net', 'worse.example.org']), 'Lists');
});
