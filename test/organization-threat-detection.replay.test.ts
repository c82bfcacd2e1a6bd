/**
 * The organization construct replayed across Regions through the real bundled handler: a Stage
 * (as CDK Pipelines deploys it) with three Regions, one of them (ap-northeast-3) without
 * Detective. Every Region ends delegated and configured in GuardDuty, Detective where it exists,
 * and no call reaches a service in a Region where it has no endpoint.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DescribePublishingDestinationCommand, GuardDutyClient, ListDetectorsCommand, ListPublishingDestinationsCommand } from '@aws-sdk/client-guardduty';
import { App, RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import { SECURITY_ACCOUNT, WORKLOAD_ACCOUNT, WORKLOADS_OU } from '../examples/landing-zone/app';
import { ORGANIZATION as EXAMPLE_ORGANIZATION } from '../examples/landing-zone/organization';
import { formatCoverage, OrganizationDescription, readCoverage, RegionCoverage, replayLandingZone, replayTimeout } from '../replay/src';
import { aws_guardduty as guardduty, MemberAccountSource, OrganizationThreatDetection } from '../src';

const MANAGEMENT = '111111111111';
const ADMIN = '222222222222';
const WORKLOAD = '333333333333';
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-northeast-3'];

const ORGANIZATION: OrganizationDescription = {
  managementAccount: { id: MANAGEMENT, email: 'management@example.com', name: 'management' },
  accounts: [
    { id: ADMIN, email: 'security@example.com', name: 'security' },
    { id: WORKLOAD, email: 'workload@example.com', name: 'workload' },
  ],
};

function synth(regions: string[]): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'organization-'));
  const app = new App({ outdir });
  const stage = new Stage(app, 'Prod');
  new OrganizationThreatDetection(stage, 'TD', {
    managementAccount: MANAGEMENT,
    administratorAccount: ADMIN,
    homeRegion: 'eu-west-1',
    regions,
    delegationRemovalPolicy: RemovalPolicy.DESTROY,
  });
  app.synth();
  return outdir;
}

test('a Stage of three Regions: delegated and configured everywhere, Detective where it exists, then torn down', async () => {
  const assembly = synth(REGIONS);
  const coverage: Record<string, string[]> = {};
  let deployed: RegionCoverage[] = [];
  const result = await replayLandingZone({
    organization: ORGANIZATION,
    assemblies: [assembly],
    onStep: async (step, api) => {
      const rows = await readCoverage(api, MANAGEMENT, step.regions);
      if (step.kind === 'deploy') deployed = rows;
      coverage[step.kind] = formatCoverage(rows);
    },
  });
  try {
    expect(result.failures.map((f) => f.message)).toEqual([]);
    expect(result.ok).toBe(true);
    const rows = await readCoverage(result.api, MANAGEMENT, REGIONS);
    // After the destroy (delegations under DESTROY): nothing delegated anywhere.
    expect(rows.map((r) => [r.region, r.guardDuty.administrator, r.detective.available, r.detective.administrator]))
      .toEqual([['eu-west-1', undefined, true, undefined], ['us-east-1', undefined, true, undefined], ['ap-northeast-3', undefined, false, undefined]]);
    // After the deployment: every Region delegated and configured, the workload account enrolled by
    // ALL (enabled, or still on its way where the last Region's setting was written: "up to 24 hours").
    expect(deployed.map((r) => [r.region, r.guardDuty.administrator, r.guardDuty.autoEnable, r.guardDuty.members + (r.guardDuty.pending ?? 0),
      r.detective.available ? r.detective.administrator : 'not available'])).toEqual([
      ['eu-west-1', ADMIN, 'ALL', 1, ADMIN], ['us-east-1', ADMIN, 'ALL', 1, ADMIN], ['ap-northeast-3', ADMIN, 'ALL', 1, 'not available'],
    ]);
    expect(coverage.deploy[0]).toBe('  Region          GuardDuty | Detective');
    expect(coverage.deploy[3]).toMatch(/^ {2}ap-northeast-3 {2}admin 222222222222, auto-enable ALL, .* \| not available$/);
    // GuardDuty's AWS Organizations registration went with the last Region (the home Region's stack, destroyed last).
    expect(result.api.callsOf('DeregisterDelegatedAdministrator').filter((c) => c.input.ServicePrincipal === 'guardduty.amazonaws.com')
      .map((c) => c.region)).toEqual(['eu-west-1']);
    expect([...result.api.organization.delegatedAdministrators.get('guardduty.amazonaws.com') ?? []]).toEqual([]);
    // Detective's too, with its last Region that has Detective.
    expect(result.api.callsOf('DeregisterDelegatedAdministrator').filter((c) => c.input.ServicePrincipal === 'detective.amazonaws.com')
      .map((c) => c.region)).toEqual(['eu-west-1']);
    expect([...result.api.organization.delegatedAdministrators.get('detective.amazonaws.com') ?? []]).toEqual([]);
    // The stacks went in dependency order: the home Region's delegation first.
    const creates = result.events.filter((e) => e.requestType === 'Create');
    expect(creates.slice(0, 2).map((e) => [e.stack, e.resourceType])).toEqual([
      [expect.stringMatching(/^ProdTDManagementeuwest1/), 'Custom::GuardDutyOrganizationAdminAccount'],
      [expect.stringMatching(/^ProdTDManagementeuwest1/), 'Custom::DetectiveOrganizationAdminAccount'],
    ]);
    // No call to a service where it has no endpoint, and none denied.
    expect(result.api.calls.filter((c) => c.status === 0)).toEqual([]);
    expect(result.api.calls.flatMap((c) => c.authorization).filter((d) => d.decision !== 'Allowed')).toEqual([]);
  } finally {
    await result.close();
    fs.rmSync(assembly, { recursive: true, force: true });
  }
}, replayTimeout(40));

const FOUR_REGIONS = ['eu-west-1', 'us-east-1', 'us-west-2', 'eu-central-1'];

test('deployed four stacks at a time (--concurrency 4): the home Region\'s delegation first, then the rest at once, all succeed', async () => {
  const assembly = synth(FOUR_REGIONS);
  const result = await replayLandingZone({ organization: ORGANIZATION, assemblies: [assembly], concurrency: 4, destroy: false });
  try {
    expect(result.failures.map((f) => f.message)).toEqual([]);
    const enables = result.api.callsOf('EnableOrganizationAdminAccount').filter((c) => c.service === 'guardduty');
    expect(enables.map((c) => [c.region, c.status])).toEqual([['eu-west-1', 200], ...FOUR_REGIONS.slice(1).map(() => [expect.any(String), 200])]);
    expect((await readCoverage(result.api, MANAGEMENT, FOUR_REGIONS)).map((r) => r.guardDuty.administrator)).toEqual(FOUR_REGIONS.map(() => ADMIN));
  } finally {
    await result.close();
    fs.rmSync(assembly, { recursive: true, force: true });
  }
}, replayTimeout(60));

test('without the home-first order, first delegations in four Regions at once fail in all but one (the order is what makes it work)', async () => {
  // What the construct does, less the dependency on the home Region's stack: the anchors' way.
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'organization-'));
  const app = new App({ outdir });
  for (const region of FOUR_REGIONS) {
    const stack = new Stack(app, `Delegation-${region}`, { env: { account: MANAGEMENT, region } });
    new guardduty.OrganizationAdminAccount(stack, 'GuardDutyAdministrator', { administratorAccountId: ADMIN });
  }
  app.synth();
  const result = await replayLandingZone({ organization: ORGANIZATION, assemblies: [outdir], concurrency: 4, destroy: false });
  try {
    const enables = result.api.callsOf('EnableOrganizationAdminAccount');
    expect(enables.filter((c) => c.status === 200)).toHaveLength(1);
    expect(enables.filter((c) => c.status === 400).map((c) => c.error)).toEqual(['BadRequestException', 'BadRequestException', 'BadRequestException']);
    expect(result.failures).toHaveLength(3);
    expect(result.failures.map((f) => f.message).join('\n')).toContain('The request is rejected because an invalid or out-of-range value is specified');
  } finally {
    await result.close();
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}, replayTimeout(30));

test('an account that has not enabled an opt-in Region is reported there as RegionDisabled, and the Region is still covered', async () => {
  const regions = ['eu-west-1', 'af-south-1'];
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'organization-'));
  const app = new App({ outdir });
  const td = new OrganizationThreatDetection(app, 'TD', { managementAccount: MANAGEMENT, administratorAccount: ADMIN, homeRegion: 'eu-west-1', regions });
  // The workload OU's accounts are enrolled now (auto-enable NEW, so the member set does it).
  for (const r of td.organizationRegions) {
    new guardduty.MemberAccounts(r.administratorStack, 'Members', { detector: r.detector, accounts: MemberAccountSource.fromAccounts([{ accountId: WORKLOAD }]) });
  }
  app.synth();
  const organization: OrganizationDescription = {
    ...ORGANIZATION,
    accounts: [
      { id: ADMIN, email: 'security@example.com', name: 'security' },
      { id: WORKLOAD, email: 'workload@example.com', name: 'workload', disabledRegions: ['af-south-1'] },
    ],
  };
  const result = await replayLandingZone({ organization, assemblies: [outdir], destroy: false });
  try {
    expect(result.failures.map((f) => f.message)).toEqual([]);
    const members = result.events.filter((e) => e.resourceType === 'Custom::GuardDutyMembers');
    expect(members.map((e) => [e.stack.replace(/[A-F0-9]{8}$/, ''), e.status, e.data])).toEqual([
      ['TDAdministratoreuwest1', 'SUCCESS', { MemberCount: '1', ExcludedAccounts: '' }],
      ['TDAdministratorafsouth1', 'SUCCESS', { MemberCount: '0', ExcludedAccounts: WORKLOAD }],
    ]);
    const coverage = await readCoverage(result.api, MANAGEMENT, regions);
    expect(coverage.map((r) => [r.region, r.guardDuty.administrator, r.guardDuty.members])).toEqual([['eu-west-1', ADMIN, 1], ['af-south-1', ADMIN, 0]]);
    // The account's own calls in the Region it has not enabled are refused, as AWS refuses them.
    expect(result.api.guardduty.multiAccount.members(ADMIN, 'af-south-1').map((m) => [m.accountId, m.status])).toEqual([[WORKLOAD, 'RegionDisabled']]);
  } finally {
    await result.close();
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}, replayTimeout(30));

test('the central export: every Region\'s detector publishes to the home Region\'s bucket and key, the key\'s ARN carried by aws-cdk-lib\'s cross-Region references', async () => {
  const regions = ['eu-west-1', 'us-east-1', 'af-south-1'];
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'organization-'));
  const app = new App({ outdir });
  const td = new OrganizationThreatDetection(app, 'TD', {
    managementAccount: MANAGEMENT,
    administratorAccount: ADMIN,
    homeRegion: 'eu-west-1',
    regions,
    findingsExport: { bucketName: 'org-guardduty-findings' },
    delegationRemovalPolicy: RemovalPolicy.DESTROY,
  });
  td.onFinding('HighSeverity', { minimumSeverity: guardduty.FindingSeverity.HIGH });
  app.synth();
  const destinations: Record<string, unknown> = {};
  const result = await replayLandingZone({
    organization: ORGANIZATION,
    assemblies: [outdir],
    onStep: async (step, api) => {
      if (step.kind !== 'deploy') return;
      for (const region of regions) {
        const client = new GuardDutyClient({ region, endpoint: api.url, credentials: api.credentialsFor(ADMIN), maxAttempts: 1 });
        const detectorId = (await client.send(new ListDetectorsCommand({}))).DetectorIds![0];
        const [destination] = (await client.send(new ListPublishingDestinationsCommand({ DetectorId: detectorId }))).Destinations!;
        const described = await client.send(new DescribePublishingDestinationCommand({
          DetectorId: detectorId,
          DestinationId: destination.DestinationId,
        }));
        destinations[region] = [described.Status, described.DestinationProperties?.DestinationArn, described.DestinationProperties?.KmsKeyArn];
        client.destroy();
      }
    },
  });
  try {
    expect(result.failures.map((f) => f.message)).toEqual([]);
    const keyArn = expect.stringMatching(/^arn:aws:kms:eu-west-1:222222222222:key\/[0-9a-f-]{36}$/);
    const expected = ['PUBLISHING', 'arn:aws:s3:::org-guardduty-findings/guardduty/', keyArn];
    expect(destinations).toEqual({ 'eu-west-1': expected, 'us-east-1': expected, 'af-south-1': expected });
    // One key for all: the same ARN in every Region.
    expect(new Set(Object.values(destinations).map((d) => (d as string[])[2])).size).toBe(1);
    // Torn down too (no failure): each Region's stack before the export stack, whose parameters they import.
    expect(result.api.calls.flatMap((c) => c.authorization).filter((d) => d.decision !== 'Allowed')).toEqual([]);
  } finally {
    await result.close();
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}, replayTimeout(30));

test('removing a Region whose stacks still exist: the export stack\'s update is refused, naming the stack that imports the key (destroy its stacks first)', async () => {
  const synthExport = (regions: string[]) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'organization-'));
    const app = new App({ outdir });
    new OrganizationThreatDetection(app, 'TD', { managementAccount: MANAGEMENT, administratorAccount: ADMIN, homeRegion: 'eu-west-1', regions, findingsExport: {} });
    app.synth();
    return outdir;
  };
  const before = synthExport(['eu-west-1', 'us-east-1']);
  const after = synthExport(['eu-west-1']);
  const result = await replayLandingZone({ organization: ORGANIZATION, assemblies: [before, after], destroy: false });
  try {
    expect(result.failures.map((f) => f.message)).toEqual([expect.stringMatching(
      /^TDFindingsExporteuwest1\w*: ExportsWriteruseast1\w*: .*Exports cannot be updated: \n\/cdk\/exports\/TD-Administrator-us-east-1\/\S+ is in use by stack\(s\) TD-Administrator-us-east-1/s)]);
  } finally {
    await result.close();
    for (const dir of [before, after]) fs.rmSync(dir, { recursive: true, force: true });
  }
}, replayTimeout(20));

test('an update that names an OU id with a typo ends UPDATE_ROLLBACK_COMPLETE, its reason naming the OU; the members stay', async () => {
  const synthMembers = (parentIds: string[]) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'organization-'));
    const app = new App({ outdir });
    const td = new OrganizationThreatDetection(app, 'TD', {
      managementAccount: EXAMPLE_ORGANIZATION.managementAccount.id,
      administratorAccount: SECURITY_ACCOUNT,
      homeRegion: 'eu-west-1',
      regions: ['eu-west-1'],
      guardDuty: { autoEnableOrganizationMembers: guardduty.OrganizationAutoEnable.NEW },
      delegationRemovalPolicy: RemovalPolicy.DESTROY,
    });
    const home = td.region('eu-west-1');
    new guardduty.MemberAccounts(home.administratorStack, 'Workloads', {
      detector: home.detector,
      accounts: MemberAccountSource.fromOrganization({ parentIds }),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    app.synth();
    return outdir;
  };
  const initial = synthMembers([WORKLOADS_OU]);
  const typo = synthMembers(['ou-exmp-typo1234']);
  let members: string[] = [];
  const result = await replayLandingZone({
    organization: EXAMPLE_ORGANIZATION,
    assemblies: [initial, typo],
    onStep: async (step, api) => {
      if (step.kind === 'deploy') members = api.guardduty.multiAccount.members(SECURITY_ACCOUNT, 'eu-west-1').map((m) => m.accountId);
    },
  });
  try {
    expect(result.failures.map((f) => [f.status, f.message])).toEqual([['UPDATE_ROLLBACK_COMPLETE',
      expect.stringMatching(/Workloads.*`parentIds` \(MemberAccountSource.fromOrganization\) names ou-exmp-typo1234, which is not a root or OU of this organization/)]]);
    expect(members).toEqual([WORKLOAD_ACCOUNT]);
  } finally {
    await result.close();
    for (const dir of [initial, typo]) fs.rmSync(dir, { recursive: true, force: true });
  }
}, replayTimeout(30));
