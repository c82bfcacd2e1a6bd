/**
 * The replay harness against CloudFormation's rules for failures: a failed create rolls back
 * (ROLLBACK_COMPLETE) deleting what it created unless its policy is Retain; a failed update rolls
 * back every resource it changed, runs every rollback step, and reports UPDATE_ROLLBACK_FAILED
 * when one of them fails, rather than hiding it; a stack in UPDATE_ROLLBACK_FAILED takes no update
 * until its rollback is continued (`continueUpdateRollback`, with resources to skip); a create whose
 * rollback fails leaves a ROLLBACK_FAILED stack that remembers what it left, deleted first by the
 * next deploy as the CDK CLI does.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { aws_detective as detective, aws_guardduty as guardduty, ThreatDetectionHandler } from '../../src';
import { replayLandingZone } from '../src/landing-zone-replay';
import { LocalApi } from '../src/local-api/server';
import { CloudFormationReplay, DeploymentFailed } from '../src/replay';
import { replayTimeout } from '../src/timeouts';

// Each test replays at most a few dozen events: its timeout is derived from that work (see replayTimeout).
jest.setTimeout(replayTimeout(30));

const REGION = 'eu-west-1';
const ACCOUNT = '222222222222';
const UNREADABLE = 'https://s3.eu-west-1.amazonaws.com/no-such-bucket/list.txt';

let api: LocalApi;
let replay: CloudFormationReplay;
const dirs: string[] = [];

beforeAll(async () => {
  api = await new LocalApi().start();
});
beforeEach(() => {
  api.reset();
  api.setSettleTime(50);
  replay = new CloudFormationReplay({ api });
});
afterEach(() => replay.close());
afterAll(async () => {
  await api.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function synth(build: (stack: Stack) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-'));
  dirs.push(dir);
  const app = new App({ outdir: dir });
  build(new Stack(app, 'Security', { env: { account: ACCOUNT, region: REGION } }));
  app.synth();
  return dir;
}

const unreadableList = (stack: Stack) => guardduty.ListSource.fromBucket(s3.Bucket.fromBucketName(stack, 'Lists', 'no-such-bucket'), 'list.txt');

const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('the deployment succeeded'); }, (e: unknown) => e as DeploymentFailed);

test.each([
  [RemovalPolicy.DESTROY, 0],
  [RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE, 0],
  [undefined, 0],
  [RemovalPolicy.RETAIN, 1],
])('a failed create rolls back (ROLLBACK_COMPLETE); the detector it created under %s (undefined: the default): %i left', async (removalPolicy, left) => {
  api.guardduty.failLocation(UNREADABLE);
  const dir = synth((stack) => {
    const detector = new guardduty.Detector(stack, 'Detector', { removalPolicy });
    detector.addIpSet('Trusted', { source: unreadableList(stack) });
  });
  const err = await failure(replay.deploy(dir, 'Security'));
  expect(err).toBeInstanceOf(DeploymentFailed);
  expect(err.status).toBe('ROLLBACK_COMPLETE');
  expect(api.guardduty.detectors(ACCOUNT, REGION)).toHaveLength(left);
});

test('a rollback step that fails is reported (UPDATE_ROLLBACK_FAILED), and the other steps still run', async () => {
  api.guardduty.seedDetector(ACCOUNT, REGION);
  api.guardduty.backdateDetectors(ACCOUNT, REGION, 48);
  const graphStack = (tags: Record<string, string>, failing: boolean) => synth((stack) => {
    const graph = new detective.BehaviorGraph(stack, 'Graph', { removalPolicy: RemovalPolicy.DESTROY });
    for (const [k, v] of Object.entries(tags)) Tags.of(graph).add(k, v);
    const detector = guardduty.Detector.fromDetectorId(stack, 'Detector', api.guardduty.detectors(ACCOUNT, REGION)[0].id);
    new guardduty.Filter(stack, 'Filter', { detector, findingCriteria: { severity: guardduty.Condition.greaterThanOrEqual(7) } });
    if (failing) new guardduty.IpSet(stack, 'Trusted', { detector, source: unreadableList(stack) });
  });
  await replay.deploy(graphStack({ owner: 'a' }, false), 'Security');
  api.guardduty.failLocation(UNREADABLE);
  // The rollback of the graph's new tag (UntagResource) is refused.
  api.injectFault({ kind: 'access-denied', operation: 'UntagResource', times: 10 });
  const err = await failure(replay.deploy(graphStack({ owner: 'a', team: 'b' }, true), 'Security'));
  expect(err.status).toBe('UPDATE_ROLLBACK_FAILED');
  expect(err.rollbackFailures).toEqual([expect.stringMatching(/^Graph\w* \(rollback Update\): .*AccessDenied/)]);
  expect(err.reason).toMatch(/^Trusted\w*: /);

  // As CloudFormation: no update until the rollback is continued, and no event sent for it.
  const events = replay.events.length;
  const refused = await failure(replay.deploy(graphStack({ owner: 'a' }, false), 'Security'));
  expect(refused.reason).toMatch(/^Stack:arn:aws:cloudformation:eu-west-1:222222222222:stack\/Security\/[-0-9a-f]+ is in UPDATE_ROLLBACK_FAILED state and can not be updated\.$/);
  expect(refused.status).toBe('UPDATE_ROLLBACK_FAILED');
  expect(replay.events.length).toBe(events);
  // Continued while the refusal lasts, the rollback fails again and the stack stays as it is.
  await expect(replay.continueUpdateRollback('Security')).rejects.toMatchObject({
    status: 'UPDATE_ROLLBACK_FAILED', rollbackFailures: [expect.stringMatching(/^Graph\w* \(rollback Update\): .*AccessDenied/)],
  });
  // Skipping the graph (left as it is, as CloudFormation's resourcesToSkip does) completes it.
  const graph = replay.resources('Security').find((r) => r.logicalId.startsWith('Graph'))!.logicalId;
  await replay.continueUpdateRollback('Security', { resourcesToSkip: [graph] });
  await replay.deploy(graphStack({ owner: 'a' }, false), 'Security');
});

test('a rollback continued after its failure completes, and the stack can be updated again', async () => {
  api.guardduty.seedDetector(ACCOUNT, REGION);
  api.guardduty.backdateDetectors(ACCOUNT, REGION, 48);
  const graphStack = (tags: Record<string, string>, failing: boolean) => synth((stack) => {
    const graph = new detective.BehaviorGraph(stack, 'Graph', { removalPolicy: RemovalPolicy.DESTROY });
    for (const [k, v] of Object.entries(tags)) Tags.of(graph).add(k, v);
    const detector = guardduty.Detector.fromDetectorId(stack, 'Detector', api.guardduty.detectors(ACCOUNT, REGION)[0].id);
    if (failing) new guardduty.IpSet(stack, 'Trusted', { detector, source: unreadableList(stack) });
  });
  await replay.deploy(graphStack({ owner: 'a' }, false), 'Security');
  const graphArn = api.detective.graph(ACCOUNT, REGION)!.arn;
  api.guardduty.failLocation(UNREADABLE);
  // The rollback's UntagResource is refused once: the stack ends UPDATE_ROLLBACK_FAILED.
  api.injectFault({ kind: 'access-denied', operation: 'UntagResource', times: 1 });
  expect((await failure(replay.deploy(graphStack({ owner: 'a', team: 'b' }, true), 'Security'))).status).toBe('UPDATE_ROLLBACK_FAILED');
  expect(api.detective.graph(ACCOUNT, REGION)!.tags).toMatchObject({ team: 'b' });

  await replay.continueUpdateRollback('Security');

  // The graph's update was rolled back (its new tag removed), and the stack takes an update again.
  expect(api.detective.graph(ACCOUNT, REGION)!.arn).toBe(graphArn);
  expect(api.detective.graph(ACCOUNT, REGION)!.tags).not.toHaveProperty('team');
  await replay.deploy(graphStack({ owner: 'c' }, false), 'Security');
  expect(api.detective.graph(ACCOUNT, REGION)!.tags).toMatchObject({ owner: 'c' });
  await expect(replay.continueUpdateRollback('Security')).rejects.toThrow(/not in UPDATE_ROLLBACK_FAILED/);
});

test('a create whose rollback fails is ROLLBACK_FAILED: the stack keeps what it left, and the CLI\'s next deploy deletes it first', async () => {
  const detectorId = api.guardduty.seedDetector(ACCOUNT, REGION);
  const app = (failing: boolean) => synth((stack) => {
    const detector = guardduty.Detector.fromDetectorId(stack, 'Detector', detectorId);
    new guardduty.Filter(stack, 'Filter', {
      detector, filterName: 'archive-low', findingCriteria: { severity: guardduty.Condition.lessThan(2) }, removalPolicy: RemovalPolicy.DESTROY,
    });
    if (failing) new guardduty.IpSet(stack, 'Trusted', { detector, source: unreadableList(stack) });
  });
  api.guardduty.failLocation(UNREADABLE);
  // The IP set fails; the rollback's DeleteFilter is refused.
  api.injectFault({ kind: 'access-denied', operation: 'DeleteFilter', times: 1 });
  const err = await failure(replay.deploy(app(true), 'Security'));
  expect(err.status).toBe('ROLLBACK_FAILED');
  expect(err.rollbackFailures).toEqual([expect.stringMatching(/^Filter\w*: .*DeleteFilter failed: AccessDeniedException/)]);
  // The stack remembers the filter its rollback left, and GuardDuty still has it.
  expect(replay.resources('Security').filter((r) => r.type === 'Custom::GuardDutyFilter').map((r) => r.physicalId)).toHaveLength(1);
  expect(api.guardduty.detectors(ACCOUNT, REGION)[0].filters.map((f) => f.name)).toEqual(['archive-low']);

  // As `cdk deploy` does for a stack whose creation failed: delete it (the filter with it), then create it again.
  const before = replay.events.length;
  await replay.deploy(app(false), 'Security');
  expect(replay.events.slice(before).map((e) => `${e.requestType} ${e.resourceType} ${e.status}`)).toEqual([
    'Delete Custom::GuardDutyFilter SUCCESS',
    'Create Custom::GuardDutyFilter SUCCESS',
  ]);
  expect(api.guardduty.detectors(ACCOUNT, REGION)[0].filters.map((f) => f.name)).toEqual(['archive-low']);
  await replay.destroy(app(false), 'Security');
  expect(api.guardduty.detectors(ACCOUNT, REGION)[0].filters).toEqual([]);
});

test('a datasource package the update started, which Detective cannot stop, never fails the rollback: it is left ingesting', async () => {
  api.guardduty.seedDetector(ACCOUNT, REGION);
  api.guardduty.backdateDetectors(ACCOUNT, REGION, 48);
  const asff = detective.DatasourcePackage.ASFF_SECURITYHUB_FINDING;
  const initial = synth((stack) => { new detective.BehaviorGraph(stack, 'Graph', { removalPolicy: RemovalPolicy.DESTROY, datasourcePackages: [asff] }); });
  await replay.deploy(initial, 'Security');
  api.guardduty.failLocation(UNREADABLE);
  const updated = synth((stack) => {
    new detective.BehaviorGraph(stack, 'Graph', { removalPolicy: RemovalPolicy.DESTROY, datasourcePackages: [asff, detective.DatasourcePackage.EKS_AUDIT] });
    const detector = guardduty.Detector.fromDetectorId(stack, 'Detector', api.guardduty.detectors(ACCOUNT, REGION)[0].id);
    new guardduty.IpSet(stack, 'Trusted', { detector, source: unreadableList(stack) });
  });
  const err = await failure(replay.deploy(updated, 'Security'));
  expect(err.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  const graphUpdates = replay.events.filter((e) => e.requestType === 'Update' && e.logicalId.startsWith('Graph'));
  expect(graphUpdates.map((e) => e.status)).toEqual(['SUCCESS', 'SUCCESS']);
  expect(graphUpdates[1].data?.DatasourcePackagesLeftIngesting).toBe('EKS_AUDIT');
});

test('every event is confirmed with CloudFormation as the replay shows it: a renamed filter\'s old name is deleted in the cleanup phase', async () => {
  const app = (filterName: string) => synth((stack) => {
    new guardduty.Detector(stack, 'Detector', { removalPolicy: RemovalPolicy.DESTROY })
      .addFilter('Archive', { filterName, action: guardduty.FilterAction.ARCHIVE, findingCriteria: { severity: guardduty.Condition.lessThan(2) } });
  });
  await replay.deploy(app('archive-low'), 'Security');
  await replay.deploy(app('archive-lowest'), 'Security');
  const [detector] = api.guardduty.detectors(ACCOUNT, REGION);
  expect(detector.filters.map((f) => f.name)).toEqual(['archive-lowest']);

  // Each event read its resource once; the Update and the cleanup's Delete (of the old name) read the stack's status too.
  const custom = replay.events.length;
  expect(api.callsOf('DescribeStackResource').filter((c) => c.status === 200)).toHaveLength(custom);
  const stackReads = api.callsOf('DescribeStacks');
  expect(replay.events.filter((e) => e.requestType !== 'Create').map((e) => e.requestType)).toEqual(['Update', 'Delete']);
  expect(stackReads).toHaveLength(2);
  expect(replay.events.find((e) => e.requestType === 'Delete')).toMatchObject({
    logicalId: expect.stringMatching(/^DetectorArchive/),
    status: 'SUCCESS',
    physicalId: `${detector.id}:archive-low`,
  });
  const stackId = String(stackReads[0].input.StackName);
  expect(api.cloudformation.stackStatus(stackId)).toBe('UPDATE_COMPLETE');

  await replay.destroy(app('archive-lowest'), 'Security');
  expect(api.cloudformation.stackStatus(stackId)).toBe('DELETE_COMPLETE');
  expect(api.guardduty.detectors(ACCOUNT, REGION)).toEqual([]);
});

test('a stack created again after its create rolled back is a new stack (a new stack id), as CloudFormation makes it', async () => {
  api.guardduty.failLocation(UNREADABLE);
  const dir = synth((stack) => {
    new guardduty.Detector(stack, 'Detector', { removalPolicy: RemovalPolicy.DESTROY }).addIpSet('Trusted', { source: unreadableList(stack) });
  });
  await failure(replay.deploy(dir, 'Security'));
  const first = String(api.callsOf('DescribeStackResource')[0].input.StackName);
  expect(api.cloudformation.stackStatus(first)).toBe('ROLLBACK_COMPLETE');
  api.reset();
  await replay.deploy(synth((stack) => new guardduty.Detector(stack, 'Detector')), 'Security');
  const second = String(api.callsOf('DescribeStackResource')[0].input.StackName);
  expect(second).toMatch(/^arn:aws:cloudformation:eu-west-1:222222222222:stack\/Security\//);
  expect(second).not.toBe(first);
});

test.each([
  [undefined, 'ONE_HOUR', { owner: 'delegation' }],
  [RemovalPolicy.RETAIN, 'FIFTEEN_MINUTES', { owner: 'platform', team: 'sec' }],
])('a failed first deployment that adopted a detector (removal policy %s, undefined: the default) leaves it with frequency %s and tags %j', async (removalPolicy, frequency, tags) => {
  api.guardduty.failLocation(UNREADABLE);
  const existing = api.guardduty.seedDetector(ACCOUNT, REGION, { frequency: 'ONE_HOUR' });
  api.guardduty.detector(ACCOUNT, REGION, existing)!.tags = { owner: 'delegation' };
  const dir = synth((stack) => {
    const detector = new guardduty.Detector(stack, 'Detector', { removalPolicy, findingPublishingFrequency: guardduty.FindingPublishingFrequency.FIFTEEN_MINUTES });
    Tags.of(detector).add('owner', 'platform');
    Tags.of(detector).add('team', 'sec');
    detector.addIpSet('Trusted', { source: unreadableList(stack) });
  });
  const err = await failure(replay.deploy(dir, 'Security'));
  expect(err.status).toBe('ROLLBACK_COMPLETE');
  // Kept either way; put back only where CloudFormation sends the rollback's Delete (not under RETAIN).
  const [detector] = api.guardduty.detectors(ACCOUNT, REGION);
  expect(detector.id).toBe(existing);
  expect(detector.findingPublishingFrequency).toBe(frequency);
  expect(detector.tags).toEqual(tags);
});

describe('execution environments', () => {
  const detectorWithFilter = (stack: Stack) => {
    const detector = new guardduty.Detector(stack, 'Detector', { removalPolicy: RemovalPolicy.DESTROY });
    detector.addFilter('Archive', { filterName: 'archive-low', action: guardduty.FilterAction.ARCHIVE, findingCriteria: { severity: guardduty.Condition.lessThan(4) } });
  };

  test('a function\'s first event is a cold start and its next events reuse the warm environment, as Lambda reuses a sandbox', async () => {
    const dir = synth(detectorWithFilter);
    await replay.deploy(dir, 'Security');
    await replay.destroy(dir, 'Security');
    // One function for the stack: create detector, create filter, delete filter, delete detector.
    expect(replay.events.map((e) => `${e.requestType} ${e.resourceType} ${e.coldStart ? 'cold' : 'warm'} ${e.status}`)).toEqual([
      'Create Custom::GuardDutyDetector cold SUCCESS',
      'Create Custom::GuardDutyFilter warm SUCCESS',
      'Delete Custom::GuardDutyFilter warm SUCCESS',
      'Delete Custom::GuardDutyDetector warm SUCCESS',
    ]);
    expect(api.guardduty.detectors(ACCOUNT, REGION)).toEqual([]);
  });

  test('without sandbox reuse every event is a cold start', async () => {
    await replay.close();
    replay = new CloudFormationReplay({ api, sandboxReuse: false });
    const dir = synth(detectorWithFilter);
    await replay.deploy(dir, 'Security');
    await replay.destroy(dir, 'Security');
    expect(replay.events.map((e) => e.coldStart)).toEqual([true, true, true, true]);
  });

  test('the handler\'s waits run on the emulator\'s clock: a wait for a status that takes 10 minutes gives up at its bound in emulator time', async () => {
    // An IP set activates after the settle time; the handler waits for ACTIVE (up to its own bound).
    api.setSettleTime(600_000);
    const dir = synth((stack) => {
      const detector = new guardduty.Detector(stack, 'Detector', { removalPolicy: RemovalPolicy.DESTROY });
      detector.addIpSet('Trusted', { source: guardduty.ListSource.fromEntries(['198.51.100.0/24']) });
    });
    await failure(replay.deploy(dir, 'Security'));
    const create = replay.events.find((e) => e.resourceType === 'Custom::GuardDutyIPSet' && e.requestType === 'Create')!;
    // The wait gave up at its bound on the emulator's clock, and said what it waited for.
    expect(create.status).toBe('FAILED');
    expect(create.reason).toMatch(/ACTIVATING/);
    expect(create.waitedMs).toBeGreaterThan(60_000);
  });
});

test('a stack with a VPC-configured handler replays: resources the replay does not emulate give placeholder attributes, never a crash', async () => {
  const dir = synth((stack) => {
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    ThreatDetectionHandler.configure(stack, { vpc });
    new guardduty.Detector(stack, 'Detector', { removalPolicy: RemovalPolicy.DESTROY });
  });
  await replay.deploy(dir, 'Security');
  expect(api.guardduty.detectors(ACCOUNT, REGION)).toHaveLength(1);
  // The security group's id reached the function's VPC configuration as a placeholder in its form.
  const fn = replay.resources('Security').find((r) => r.type === 'AWS::Lambda::Function' && r.properties.VpcConfig)!;
  expect((fn.properties.VpcConfig as any).SecurityGroupIds).toEqual([expect.stringMatching(/^sg-[0-9a-f]{17}$/)]);
  await replay.destroy(dir, 'Security');
  expect(api.guardduty.detectors(ACCOUNT, REGION)).toHaveLength(0);
});

test.each([
  [[] as string[], 'the rollback failed again (UPDATE_ROLLBACK_FAILED)', ['UPDATE_ROLLBACK_FAILED', 'UPDATE_ROLLBACK_FAILED']],
  [['Graph'], 'UPDATE_ROLLBACK_COMPLETE', ['UPDATE_ROLLBACK_FAILED']],
])('replayLandingZone with continueRollback (resources to skip: %j): the rollback is continued once, as continue-update-rollback does', async (skip, note, statuses) => {
  const graphStack = (tags: Record<string, string>, failing: boolean) => synth((stack) => {
    const graph = new detective.BehaviorGraph(stack, 'Graph', { removalPolicy: RemovalPolicy.DESTROY });
    for (const [k, v] of Object.entries(tags)) Tags.of(graph).add(k, v);
    if (failing) new guardduty.IpSet(stack, 'Trusted', { detector: guardduty.Detector.fromDetectorId(stack, 'Detector', 'd1'), source: unreadableList(stack) });
  });
  const initial = graphStack({ owner: 'a' }, false);
  const failing = graphStack({ owner: 'a', team: 'b' }, true);
  const graphId = Object.keys(JSON.parse(fs.readFileSync(path.join(initial, 'Security.template.json'), 'utf-8')).Resources)
    .find((id) => id.startsWith('Graph'))!;
  const written: string[] = [];
  const result = await replayLandingZone({
    organization: { managementAccount: { id: '111111111111', email: 'm@example.com', name: 'management' }, accounts: [{ id: ACCOUNT, email: 's@example.com', name: 'security' }] },
    assemblies: [initial, failing],
    api,
    continueRollback: { resourcesToSkip: skip.map(() => graphId) },
    onNote: (n) => written.push(n),
    onStep: (step) => {
      if (step.kind !== 'before') return;
      api.guardduty.seedDetector(ACCOUNT, REGION);
      api.guardduty.backdateDetectors(ACCOUNT, REGION, 48);
      api.guardduty.failLocation(UNREADABLE);
      // The rollback of the graph's new tag (UntagResource) is refused: UPDATE_ROLLBACK_FAILED.
      api.injectFault({ kind: 'access-denied', operation: 'UntagResource', times: 1_000 });
    },
  });
  try {
    // The update's failure, and the continued rollback's when it fails again; the destroy then succeeds.
    expect(result.failures.map((f) => f.status)).toEqual(statuses);
    expect(written).toEqual([`Security: continue-update-rollback${skip.length ? `, skipping ${graphId}` : ''}: ${note}`]);
  } finally {
    await result.close();
  }
}, replayTimeout(20));
