/**
 * The handler's permissions under IAM evaluation in the replay: removing any one statement of a
 * stack's handler policy makes its lifecycle fail with the action named, and the paths the
 * landing-zone example does not take (a refused filter create explained, a Detective
 * administrator swapped) need the statements granted for them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { aws_detective as detective, aws_guardduty as guardduty } from '../../src';
import { unneededStatements } from '../src/iam-coverage';
import { LocalApi } from '../src/local-api/server';
import { CloudFormationReplay, DeploymentFailed } from '../src/replay';
import { replayTimeout } from '../src/timeouts';

// Each test replays at most a few dozen events: its timeout is derived from that work (see replayTimeout).
jest.setTimeout(replayTimeout(30));

const REGION = 'eu-west-1';
const MANAGEMENT = '111111111111';
const SECURITY = '222222222222';
const AUDIT = '333333333333';
/** The logical id of a stack's handler policy (the provider's `Permissions`). */
const HANDLER_POLICY = 'CdkThreatDetectionProviderPermissions31E003AC';

let api: LocalApi;
let replay: CloudFormationReplay;
const dirs: string[] = [];

beforeAll(async () => {
  api = await new LocalApi().start();
});
/** Forget the services' state and the deployed stacks, as a new organization would. */
async function fresh(): Promise<void> {
  await replay?.close();
  api.reset();
  replay = new CloudFormationReplay({ api });
}
beforeEach(fresh);
afterEach(() => replay.close());
afterAll(async () => {
  await api.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function synth(build: (app: App) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'permissions-'));
  dirs.push(dir);
  const app = new App({ outdir: dir });
  build(app);
  app.synth();
  return dir;
}

/** A copy of an assembly whose stack's handler policy lacks one statement. */
function withoutStatement(dir: string, stackName: string, sid: string): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'permissions-cut-'));
  dirs.push(copy);
  fs.cpSync(dir, copy, { recursive: true });
  const file = path.join(copy, `${stackName}.template.json`);
  const template = JSON.parse(fs.readFileSync(file, 'utf-8'));
  const policy = template.Resources[HANDLER_POLICY];
  const before = policy.Properties.PolicyDocument.Statement.length;
  policy.Properties.PolicyDocument.Statement = policy.Properties.PolicyDocument.Statement.filter((s: any) => s.Sid !== sid);
  expect(policy.Properties.PolicyDocument.Statement).toHaveLength(before - 1);
  fs.writeFileSync(file, JSON.stringify(template));
  return copy;
}

function handlerStatements(dir: string, stackName: string): Array<{ Sid: string; Action: string | string[] }> {
  const template = JSON.parse(fs.readFileSync(path.join(dir, `${stackName}.template.json`), 'utf-8'));
  return template.Resources[HANDLER_POLICY].Properties.PolicyDocument.Statement;
}

describe('a detector stack: create, update (tags), delete', () => {
  const STACK = 'DetectorStack';
  const app = (owner: string) => synth((a) => {
    const stack = new Stack(a, STACK, { env: { account: MANAGEMENT, region: REGION } });
    new guardduty.Detector(stack, 'Detector', { features: { ebsMalwareProtection: true }, removalPolicy: RemovalPolicy.DESTROY });
    Tags.of(stack).add('owner', owner);
  });
  const initial = app('security');
  const updated = app('platform');

  async function lifecycle(first: string, second: string): Promise<void> {
    await replay.deploy(first, STACK);
    await replay.deploy(second, STACK);
    await replay.destroy(second, STACK);
  }

  test('passes under IAM, every statement needed', async () => {
    await lifecycle(initial, updated);
    expect(api.guardduty.detectors(MANAGEMENT, REGION)).toEqual([]);
    expect(unneededStatements(api, [initial, updated])).toEqual([]);
    // First enable in the account: GuardDuty made both service-linked roles in the caller's name.
    expect(api.calls.flatMap((c) => c.authorization).filter((a) => a.action === 'iam:CreateServiceLinkedRole').map((a) => a.resource)).toEqual([
      `arn:aws:iam::${MANAGEMENT}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty`,
      `arn:aws:iam::${MANAGEMENT}:role/aws-service-role/malware-protection.guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDutyMalwareProtection`,
    ]);
  });

  // Every statement of the policy, removed one at a time from both templates; but the log
  // writes, which the Lambda runtime makes and the local API does not serve.
  test.each(handlerStatements(initial, STACK).filter((s) => !['HandlerLogs', 'ConfirmEvents'].includes(s.Sid))
    .map((s) => [s.Sid, [s.Action].flat()] as const))(
    'without %s the lifecycle fails, naming one of its actions', async (sid, actions) => {
      const failure = await lifecycle(withoutStatement(initial, STACK, sid), withoutStatement(updated, STACK, sid))
        .then(() => undefined, (err: unknown) => err);
      expect(failure).toBeInstanceOf(DeploymentFailed);
      const reason = (failure as DeploymentFailed).reason;
      expect(reason).toMatch(/AccessDeniedException: User: arn:aws:sts::111111111111:assumed-role\/\S+ is not authorized to perform: /);
      expect(actions.some((action) => reason.includes(`perform: ${action} on resource`))).toBe(true);
    });

  test('without ConfirmEvents the handler cannot confirm its first event with CloudFormation, so it acts on nothing and answers FAILED', async () => {
    const cut = withoutStatement(initial, STACK, 'ConfirmEvents');
    // Nothing done, and the stack told at once (not left to wait for its timeout), with what to check.
    await expect(replay.deploy(cut, STACK)).rejects.toMatchObject({
      status: 'ROLLBACK_COMPLETE',
      reason: expect.stringMatching(
        /Detector\w+: Detector Detector\w+: CloudFormation could not confirm the event, so nothing was done \(AccessDenied.*cloudformation:DescribeStackResource/),
    });
    // The create, then its rollback's Delete of what the create made (nothing): answered without a service call.
    expect(api.calls.map((c) => `${c.service}:${c.operation}:${c.error ?? 'ok'}`))
      .toEqual(['cloudformation:DescribeStackResource:AccessDenied', 'cloudformation:DescribeStackResource:AccessDenied']);
    expect(api.calls[0].authorization.at(-1)).toMatchObject({
      action: 'cloudformation:DescribeStackResource',
      decision: 'ImplicitlyDenied',
      resource: expect.stringMatching(new RegExp(`^arn:aws:cloudformation:${REGION}:${MANAGEMENT}:stack/${STACK}/`)),
    });
  });
});

test('a filter refused because another stack has its name is explained with ListFilters', async () => {
  const dir = synth((a) => {
    const owner = new Stack(a, 'Owner', { env: { account: SECURITY, region: REGION } });
    const detector = new guardduty.Detector(owner, 'Detector');
    detector.addFilter('Archive', { filterName: 'archive-low', action: guardduty.FilterAction.ARCHIVE, findingCriteria: { severity: guardduty.Condition.lessThan(2) } });
    const other = new Stack(a, 'Other', { env: { account: SECURITY, region: REGION } });
    other.addDependency(owner);
    guardduty.Detector.fromDetectorId(other, 'Detector', detector.detectorId)
      .addFilter('Archive', { filterName: 'archive-low', findingCriteria: { severity: guardduty.Condition.lessThan(3) } });
  });
  await replay.deploy(dir, 'Owner');
  await expect(replay.deploy(dir, 'Other')).rejects.toThrow(/a filter named "archive-low" already exists on detector \w+ and is not this resource's/);
  // ListFilters alone allowed the handler to explain the refusal.
  const other = unneededStatements(api, [dir]).filter((r) => r.stack === 'Other').map((r) => r.statement);
  expect(other).not.toContain(`${HANDLER_POLICY}/GuardDutyFilterList`);

  // Without it the refusal is GuardDuty's bare error, not the explanation.
  await fresh();
  const cut = withoutStatement(dir, 'Other', 'GuardDutyFilterList');
  await replay.deploy(cut, 'Owner');
  const failure = await replay.deploy(cut, 'Other').then(() => undefined, (err: unknown) => err as DeploymentFailed);
  expect(failure?.reason).toMatch(/CreateFilter failed: BadRequestException/);
  expect(failure?.reason).not.toMatch(/already exists on detector/);
});

test('swapping the Detective administrator deregisters the old one, which needs DeregisterDelegatedAdministrator', async () => {
  const admin = (accountId: string) => synth((a) => {
    const stack = new Stack(a, 'Management', { env: { account: MANAGEMENT, region: REGION } });
    new detective.OrganizationAdminAccount(stack, 'Detective', { administratorAccountId: accountId });
  });
  const first = admin(SECURITY);
  const second = admin(AUDIT);
  const setUp = () => {
    const root = api.organization.create(MANAGEMENT, 'management@example.com');
    api.organization.addAccount(SECURITY, 'security@example.com', root);
    api.organization.addAccount(AUDIT, 'audit@example.com', root);
  };

  setUp();
  await replay.deploy(first, 'Management');
  await replay.deploy(second, 'Management');
  expect(api.detective.organizationAdministrator(REGION)).toBe(AUDIT);
  expect([...api.organization.delegatedAdministrators.get('detective.amazonaws.com') ?? []]).toEqual([AUDIT]);
  // Every statement was needed but the grant to continue in a new invocation: nothing here outlasts one.
  expect(unneededStatements(api, [first, second]).filter((s) => !s.statement.endsWith('/ContinueInNewInvocation'))).toEqual([]);

  await fresh();
  setUp();
  await replay.deploy(withoutStatement(first, 'Management', 'OrganizationsDeregisterDelegatedAdministratorForDetective'), 'Management');
  await expect(replay.deploy(withoutStatement(second, 'Management', 'OrganizationsDeregisterDelegatedAdministratorForDetective'), 'Management'))
    .rejects.toThrow(/is not authorized to perform: organizations:DeregisterDelegatedAdministrator on resource: arn:aws:organizations::111111111111:account\/o-\w+\/222222222222/);
});

test('a member given without its email: the handler reads it from AWS Organizations (DescribeAccount), which only the member\'s own grant allows', async () => {
  const MEMBER = '444444444444';
  const dir = synth((a) => {
    const management = new Stack(a, 'Management', { env: { account: MANAGEMENT, region: REGION } });
    new guardduty.OrganizationAdminAccount(management, 'Delegation', { administratorAccountId: SECURITY });
    const security = new Stack(a, 'Security', { env: { account: SECURITY, region: REGION } });
    security.addDependency(management);
    new guardduty.MemberAccount(security, 'Member', { detector: new guardduty.Detector(security, 'Detector'), accountId: MEMBER });
  });
  const root = api.organization.create(MANAGEMENT, 'management@example.com');
  api.organization.addAccount(SECURITY, 'security@example.com', root);
  api.organization.addAccount(MEMBER, 'member@example.com', root);
  await replay.deploy(dir, 'Management');
  await replay.deploy(dir, 'Security');
  expect(api.guardduty.multiAccount.members(SECURITY, REGION).map((m) => [m.accountId, m.email, m.status])).toEqual([[MEMBER, 'member@example.com', 'Enabled']]);
  expect(api.callsOf('DescribeAccount', SECURITY, 'organizations').map((c) => [c.input.AccountId, c.authorization[0].decision, c.authorization[0].grants]))
    .toEqual([[MEMBER, 'Allowed', [`${HANDLER_POLICY}/OrganizationsDescribeAccount`]]]);
  expect(unneededStatements(api, [dir]).filter((r) => r.stack === 'Security').map((r) => r.statement))
    .not.toContain(`${HANDLER_POLICY}/OrganizationsDescribeAccount`);
});
