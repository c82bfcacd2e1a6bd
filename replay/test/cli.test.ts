/**
 * The replay command (`./cli.ts`) and its organization file, as a user runs them: a user-style
 * app synthesized to cloud assemblies in a temp directory, replayed with one command whose exit
 * status reflects the outcome; bad inputs answered with exit status 2 and what is wrong.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnParameter, CfnResource, Fn, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { ORGANIZATION } from '../../examples/landing-zone/organization';
import { aws_guardduty as guardduty } from '../../src';
import { main, wrap } from '../src/cli';
import { cidrs } from '../src/intrinsics';
import { checkOrganization, OrganizationDescription } from '../src/organization-file';
import { replayTimeout } from '../src/timeouts';

// Each test replays at most a few dozen events: its timeout is derived from that work (see replayTimeout).
jest.setTimeout(replayTimeout(30));

const MANAGEMENT = '111111111111';
const SECURITY = '222222222222';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

const ORG: OrganizationDescription = {
  managementAccount: { id: MANAGEMENT, email: 'management@example.com' },
  accounts: [{ id: SECURITY, email: 'security@example.com', name: 'security' }],
};

function writeOrganization(value: unknown, raw?: string): string {
  const file = path.join(tempDir('org-'), 'organization.json');
  fs.writeFileSync(file, raw ?? JSON.stringify(value));
  return file;
}

/** A user's app: a detector with a trusted entity list and a filter in the security account. */
function userApp(entries: string[], build?: (stack: Stack) => void): string {
  const dir = tempDir('user-app-');
  const app = new App({ outdir: dir });
  const stack = new Stack(app, 'Security', { env: { account: SECURITY, region: 'eu-west-1' } });
  const detector = new guardduty.Detector(stack, 'Detector', { removalPolicy: RemovalPolicy.DESTROY });
  detector.addTrustedEntitySet('Partners', { source: guardduty.ListSource.fromEntries(entries) });
  detector.addFilter('Archive', { action: guardduty.FilterAction.ARCHIVE, rank: 1, findingCriteria: { severity: guardduty.Condition.lessThan(2) } });
  build?.(stack);
  app.synth();
  return dir;
}

/** Run the command as a terminal `columns` wide would. */
async function run(args: string[], columns = 400): Promise<{ status: number; output: string }> {
  const lines: string[] = [];
  const status = await main(args, (l) => lines.push(l), columns);
  return { status, output: lines.join('\n') };
}

test('create, update, destroy with one command: exit 0, each event, the state after each step, the summary', async () => {
  const org = writeOrganization(ORG);
  // The first assembly as a path relative to the working directory, as a user types it.
  const first = path.relative(process.cwd(), userApp(['updates.example.com']));
  const { status, output } = await run(['--organization', org, first, userApp(['updates.example.com', 'telemetry.example.net'])]);
  expect(status).toBe(0);
  expect(output).toMatch(/^1\. Deploy .* \(create\)$/m);
  expect(output).toMatch(/^ {2}Security Create Custom::GuardDutyTrustedEntitySet DetectorPartners\w+: SUCCESS /m);
  expect(output).toMatch(/^2\. Deploy .* \(update\)$/m);
  expect(output).toMatch(/^ {2}Security Update Custom::GuardDutyTrustedEntitySet DetectorPartners\w+: SUCCESS /m);
  expect(output).toMatch(/^ {4}trusted entity list "Security-Detector-Partners-\w+" ACTIVE \(TXT\)/m);
  expect(output).toMatch(/^ {2}Security Delete Custom::GuardDutyDetector Detector\w+: SUCCESS /m);
  expect(output).toMatch(/^After destroy:\n {2}GuardDuty in eu-west-1\n {2}management account 111111111111: no detector\n {2}security account 222222222222: no detector$/m);
  expect(output).toMatch(/\nOK: \d+ custom resource events \(0 failed\), 0 failed stack operation\(s\), \d+ API calls, 0 of \d+ IAM decisions denied$/);
});

test('long lines wrap at the terminal\'s width (or --width)', async () => {
  const org = writeOrganization(ORG);
  const app = userApp(['updates.example.com']);
  for (const [args, columns, width] of [[[], 80, 80], [['--width', '60'], 200, 60]] as const) {
    const { status, output } = await run(['-o', org, '-q', ...args, app], columns);
    expect(status).toBe(0);
    expect(Math.max(...output.split('\n').map((l) => l.length))).toBeLessThanOrEqual(width);
    expect(output).toMatch(/^ {4}\S/m); // a continuation line
  }
});

test('under injected faults (throttling, 5xx, lost answers, lag) the same landing zone still deploys and goes', async () => {
  const org = writeOrganization(ORG);
  // 3 + 2 + 2 faults in a row on each service's first calls: within the handler's 8 attempts.
  const { status, output } = await run(['-o', org, '--throttle', '3', '--server-errors', '2', '--lost-answers', '2', '--list-lag', '200',
    '--settle', '500', '--quiet', userApp(['updates.example.com'])]);
  expect(output).toMatch(/\nOK: /);
  expect(status).toBe(0);
  expect(output).not.toMatch(/After /);
});

test('a sustained outage (8 server errors in a row, past the handler\'s attempts) fails the stack, exit 1, with the service\'s error', async () => {
  const { status, output } = await run(['-o', writeOrganization(ORG), '-q', '--server-errors', '8', userApp(['updates.example.com'])]);
  expect(status).toBe(1);
  expect(output).toMatch(/^FAILED Security: Detector\w+: Detector Detector\w+: CreateDetector failed: InternalServerErrorException: .* \(ROLLBACK_COMPLETE\)$/m);
});

test('a stack that fails: exit 1, the reason printed, and what was deployed is destroyed', async () => {
  const org = writeOrganization(ORG);
  // Only the management account can delegate GuardDuty's administration: this stack is the security account's.
  const app = userApp(['updates.example.com'], (stack) => new guardduty.OrganizationAdminAccount(stack, 'Admin', { administratorAccountId: SECURITY }));
  const { status, output } = await run(['-o', org, '-q', app]);
  expect(status).toBe(1);
  expect(output).toMatch(/^ {2}Security Create Custom::GuardDutyOrganizationAdminAccount Admin\w+: FAILED /m);
  expect(output).toMatch(/^FAILED Security: Admin\w+: OrganizationAdminAccount Admin\w+: ListOrganizationAdminAccounts failed: BadRequestException: .* \(ROLLBACK_COMPLETE\)$/m);
  expect(output).toMatch(/\nFAILED: \d+ custom resource events \([1-9]\d* failed\), 1 failed stack operation\(s\)/);
});

describe('bad input: exit 2 and what is wrong', () => {
  test.each([
    [[], /--organization <file> is required/],
    [['-o', '/no/such/organization.json', '/tmp'], /organization file \/no\/such\/organization.json: no such file/],
    [['--frobnicate'], /Unknown option '--frobnicate'[\s\S]*Usage: cdk-threat-detection-replay/],
    [['-o', 'ORG', '--throttle', 'many', 'APP'], /--throttle takes a whole number, got: many/],
    [['-o', 'ORG'], /give at least one cloud assembly directory \(cdk.out\)/],
    [['-o', 'ORG', '/no/such/cdk.out'], /\/no\/such\/cdk.out is not a cloud assembly \(no manifest.json\)/],
  ])('%j', async (args, message) => {
    const org = writeOrganization(ORG);
    const app = userApp(['updates.example.com']);
    const { status, output } = await run(args.map((a) => (a === 'ORG' ? org : a === 'APP' ? app : a)));
    expect(status).toBe(2);
    expect(output).toMatch(message);
  });

  test('a malformed organization file', async () => {
    const { status, output } = await run(['-o', writeOrganization(undefined, '{ "managementAccount": '), userApp(['a.example.com'])]);
    expect(status).toBe(2);
    expect(output).toMatch(/organization file .*organization.json is not valid JSON: /);
  });

  test('a stack in an account the organization does not declare', async () => {
    const org = writeOrganization({ managementAccount: ORG.managementAccount });
    const { status, output } = await run(['-o', org, userApp(['a.example.com'])]);
    expect(status).toBe(2);
    expect(output).toMatch(/stack Security in .* deploys to account 222222222222, which the organization does not declare: add it to accounts/);
  });

  test('an environment-agnostic stack', async () => {
    const dir = tempDir('agnostic-');
    const app = new App({ outdir: dir });
    new guardduty.Detector(new Stack(app, 'Anywhere'), 'Detector');
    app.synth();
    const { status, output } = await run(['-o', writeOrganization(ORG), dir]);
    expect(status).toBe(2);
    expect(output).toMatch(/stack Anywhere in .* has no account and Region \(env\)/);
  });
});

describe('the organization file', () => {
  test.each([
    [{}, /organization: managementAccount must be an object, got: undefined/],
    [{ managementAccount: { id: '1111', email: 'm@example.com' } }, /managementAccount.id must be a 12-digit account id, got: "1111"/],
    [{ ...ORG, extra: 1 }, /the top level has unknown key\(s\) extra \(known: managementAccount, /],
    [{ ...ORG, organizationalUnits: [{ id: 'ou-exmp-workloads', name: 'W', parent: 'ou-exmp-missing1' }] },
      /organizationalUnits\[0\].parent must be "root" or the id of an OU listed before it, got: "ou-exmp-missing1"/],
    [{ ...ORG, accounts: [{ id: SECURITY, email: 'not-an-email' }] }, /accounts\[0\].email must be an email address, got: "not-an-email"/],
    [{ ...ORG, accounts: [{ id: MANAGEMENT, email: 'm@example.com' }] }, /accounts\[0\].id is declared twice/],
    [{ ...ORG, accounts: [{ id: SECURITY, email: 's@example.com', parent: 'ou-exmp-nowhere1' }] }, /accounts\[0\].parent must be "root" or the id of an OU/],
    [{ ...ORG, existing: { detectors: [{ account: '999999999999' }] } }, /existing.detectors\[0\].account must be an account the file declares, got: "999999999999"/],
    [{ ...ORG, existing: { detectors: [{ account: SECURITY, ageHours: -1 }] } }, /existing.detectors\[0\].ageHours must be a number of hours, 0 or more/],
  ])('%#: %j', (value, message) => {
    expect(() => checkOrganization(value)).toThrow(message);
  });

  test('the example\'s file is its organization, written out, and passes the checks', () => {
    const file = path.join(__dirname, '..', '..', 'examples', 'landing-zone', 'organization-file.json');
    expect(JSON.parse(fs.readFileSync(file, 'utf-8'))).toEqual(JSON.parse(JSON.stringify(ORGANIZATION)));
    expect(() => checkOrganization(ORGANIZATION)).not.toThrow();
  });
});

test('wrap: at spaces, continuation lines indented under the first', () => {
  expect(wrap('  short', 20)).toEqual(['  short']);
  expect(wrap('  one two three four five six', 14)).toEqual(['  one two', '    three four', '    five six']);
  expect(wrap('x'.repeat(25), 10)).toEqual(['x'.repeat(10), `  ${'x'.repeat(8)}`, `  ${'x'.repeat(7)}`]);
});

test('what the replay itself cannot resolve (Fn::Length, a language-extensions intrinsic) exits 3, saying it is not a failure of the stacks', async () => {
  const app = userApp(['updates.example.com'], (stack) => {
    const list = new CfnParameter(stack, 'List', { type: 'String', default: 'a,b' });
    new CfnResource(stack, 'Count', { type: 'AWS::SSM::Parameter', properties: { Type: 'String', Value: Token.asString(Fn.len(Fn.split(',', list.valueAsString))) } });
  });
  const { status, output } = await run(['-o', writeOrganization(ORG), '-q', app]);
  expect(output).toMatch(/^cdk-threat-detection-replay: the replay could not go on \(its own limit or error, not a failure of your stacks\): The replay harness does not resolve Fn::Length$/m);
  expect(status).toBe(3);
});

test('Fn::Cidr and Fn::GetAZs resolve as CloudFormation documents them', () => {
  // The CloudFormation reference's example: six /27 blocks of 192.168.0.0/24.
  expect(cidrs('192.168.0.0/24', 6, 5)).toEqual(['192.168.0.0/27', '192.168.0.32/27', '192.168.0.64/27', '192.168.0.96/27', '192.168.0.128/27', '192.168.0.160/27']);
  expect(cidrs('10.0.0.0/16', 2, 8)).toEqual(['10.0.0.0/24', '10.0.1.0/24']);
  expect(() => cidrs('10.0.0.0/24', 2, 8)).toThrow(/do not fit/);
});

test('--resources-to-skip without --continue-rollback is bad input (exit 2)', async () => {
  const { status, output } = await run(['-o', writeOrganization(ORG), '--resources-to-skip', 'Graph', userApp(['updates.example.com'])]);
  expect(output).toMatch(/--resources-to-skip goes with --continue-rollback/);
  expect(status).toBe(2);
});
