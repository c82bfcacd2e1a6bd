/**
 * An event longer than one invocation, replayed: the handler queues its continuation with Lambda
 * (an asynchronous Invoke, authorized under IAM by the grant the member set gives the handler on
 * its own function), and the replay runs the queued invocations one after another, as Lambda
 * would, until one answers CloudFormation.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { aws_guardduty as guardduty, MemberAccountSource } from '../../src';
import { unneededStatements } from '../src/iam-coverage';
import { LocalApi } from '../src/local-api/server';
import { CloudFormationReplay } from '../src/replay';
import { replayTimeout } from '../src/timeouts';

jest.setTimeout(replayTimeout(20));

const REGION = 'eu-west-1';
const MANAGEMENT = '111111111111';
const SECURITY = '222222222222';
/** The handler's timeout in this test: 100 s, of which the handler keeps 80 s for cleanup and its answer. */
const TIMEOUT_SECONDS = 100;
/** How long a new member takes to be Enabled, on the emulator's clock: longer than one invocation's work. */
const ENABLE_MS = 60_000;

let api: LocalApi;
let replay: CloudFormationReplay;
let dir: string;

beforeAll(async () => {
  api = await new LocalApi().start();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'continuation-'));
  const app = new App({ outdir: dir });
  const management = new Stack(app, 'Management', { env: { account: MANAGEMENT, region: REGION } });
  new guardduty.OrganizationAdminAccount(management, 'Delegation', { administratorAccountId: SECURITY });
  const security = new Stack(app, 'Security', { env: { account: SECURITY, region: REGION } });
  const detector = new guardduty.Detector(security, 'Detector', { removalPolicy: RemovalPolicy.DESTROY });
  new guardduty.MemberAccounts(security, 'Workloads', {
    detector,
    accounts: MemberAccountSource.fromAccounts(Array.from({ length: 120 }, (_, i) => ({
      accountId: String(500000000000 + i), email: `member-${i}@example.com`,
    }))),
  });
  app.synth();
  // A short function timeout, as a set too large for 15 minutes would meet.
  const file = path.join(dir, 'Security.template.json');
  const template = JSON.parse(fs.readFileSync(file, 'utf-8'));
  const fn = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function');
  fn.Properties.Timeout = TIMEOUT_SECONDS;
  fs.writeFileSync(file, JSON.stringify(template));
});
afterAll(async () => {
  await replay?.close();
  await api.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a member set whose members take longer than an invocation continues in new ones until they are Enabled', async () => {
  api.reset();
  const root = api.organization.create(MANAGEMENT, 'management@example.com');
  api.organization.addAccount(SECURITY, 'security@example.com', root);
  for (let i = 0; i < 120; i++) api.organization.addAccount(String(500000000000 + i), `member-${i}@example.com`, root);
  replay = new CloudFormationReplay({ api });
  await replay.deploy(dir, 'Management');
  api.setSettleTime(ENABLE_MS);
  await replay.deploy(dir, 'Security');

  const create = replay.events.find((e) => e.resourceType === 'Custom::GuardDutyMembers' && e.requestType === 'Create')!;
  expect(create.status).toBe('SUCCESS');
  expect(create.invocations).toBeGreaterThan(2);
  expect(create.waitedMs).toBeGreaterThanOrEqual(ENABLE_MS - 20_000);
  expect(api.guardduty.multiAccount.members(SECURITY, REGION).filter((m) => m.status === 'Enabled')).toHaveLength(120);
  // Each continuation was an asynchronous Invoke of the function itself, allowed by its own grant.
  const invokes = api.callsOf('Invoke', SECURITY, 'lambda');
  expect(invokes).toHaveLength(create.invocations - 1);
  expect(invokes.every((c) => c.status === 202)).toBe(true);
  expect(invokes.flatMap((c) => c.authorization).map((a) => a.resource)).toEqual(
    invokes.map(() => expect.stringMatching(new RegExp(`^arn:aws:lambda:${REGION}:${SECURITY}:function:`))));

  await replay.destroy(dir, 'Security');
  expect(api.guardduty.multiAccount.members(SECURITY, REGION)).toEqual([]);
  // The grant was the only statement allowing those calls (the detector's own statements are for
  // paths this stack does not take: it adopted the detector delegation made).
  // (The Management stack's grant, for its delegation's waits, was not needed: they fit in one invocation.)
  const security = unneededStatements(api, [dir]).filter((s) => s.stack === 'Security');
  expect(security.map((s) => s.statement)).not.toContainEqual(expect.stringMatching(/ContinueInNewInvocation$/));
  expect(security.filter((s) => s.actions.includes('lambda:InvokeFunction'))).toEqual([]);
});
