/**
 * The local API authorizes every request of a role as AWS would, from AWS's authorization data:
 * star-only actions match only "*", resource-scoped ones the ARN the request touches, condition
 * keys come from the request, and the permissions the services check in the caller's name are
 * checked too. A denial is the service's own AccessDeniedException.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CreateGraphCommand,
  DetectiveClient,
  EnableOrganizationAdminAccountCommand as EnableDetectiveAdminCommand,
  ListOrganizationAdminAccountsCommand as ListDetectiveAdminsCommand,
} from '@aws-sdk/client-detective';
import {
  CreateDetectorCommand,
  CreateIPSetCommand,
  CreateMembersCommand,
  GetDetectorCommand,
  GuardDutyClient,
  ListDetectorsCommand,
} from '@aws-sdk/client-guardduty';
import { DescribeAccountCommand, ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { NamedPolicy, Principal } from '../../src/local-api/iam';
import { IAM_LEDGER_VARIABLE, LocalApi } from '../../src/local-api/server';

const REGION = 'eu-west-1';
const ACCOUNT = '111111111111';
const DETECTOR_ARNS = `arn:aws:guardduty:${REGION}:${ACCOUNT}:detector/*`;

let api: LocalApi;
beforeAll(async () => { api = await new LocalApi().start(); });
afterAll(async () => { await api.stop(); });
beforeEach(() => api.reset());

function role(statements: unknown[], options: { account?: string; boundary?: unknown[] } = {}): Principal {
  const policy = (name: string, s: unknown[]): NamedPolicy => ({ name, document: { Version: '2012-10-17', Statement: s } });
  return api.iam.registerRole({
    account: options.account ?? ACCOUNT,
    roleName: 'handler',
    sessionName: 'test',
    policies: [policy('inline', statements)],
    permissionsBoundary: options.boundary ? policy('boundary', options.boundary) : undefined,
  });
}
const allow = (action: string | string[], resource: string | string[] = '*', condition?: unknown) =>
  ({ Effect: 'Allow', Action: action, Resource: resource, ...(condition ? { Condition: condition } : {}) });

const clientConfig = (principal: Principal) => ({ region: REGION, endpoint: api.url, credentials: api.credentialsOf(principal), maxAttempts: 1 });
const guardDuty = (principal: Principal) => new GuardDutyClient(clientConfig(principal));

/** The error a call fails with (name, HTTP status, message). */
async function denial(call: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  const err = await call.then(() => undefined, (e: any) => e);
  expect(err).toBeDefined();
  return { name: err.name, status: err.$metadata?.httpStatusCode, message: err.message };
}

test('a star-only action granted on an ARN is denied, as AWS evaluates it against "*" only', async () => {
  api.guardduty.seedDetector(ACCOUNT, 'us-east-1'); // the service-linked role exists
  const principal = role([allow('guardduty:CreateMembers', DETECTOR_ARNS), allow('guardduty:CreateDetector')]);
  const { DetectorId } = await guardDuty(principal).send(new CreateDetectorCommand({ Enable: true }));
  const err = await denial(guardDuty(principal).send(new CreateMembersCommand({ DetectorId, AccountDetails: [{ AccountId: '222222222222', Email: 'a@example.com' }] })));
  expect(err).toEqual({
    name: 'AccessDeniedException',
    status: 403,
    message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/handler/test is not authorized to perform: guardduty:CreateMembers on resource: * `
      + 'because no identity-based policy allows the guardduty:CreateMembers action',
  });
  const call = api.callsOf('CreateMembers')[0];
  expect(call).toMatchObject({ status: 403, error: 'AccessDeniedException', principal: `arn:aws:sts::${ACCOUNT}:assumed-role/handler/test` });
  expect(call.authorization).toEqual([expect.objectContaining({ action: 'guardduty:CreateMembers', resource: '*', decision: 'ImplicitlyDenied', grants: [] })]);
});

test('a resource-scoped action is evaluated on the ARN the request touches', async () => {
  const detectorId = api.guardduty.seedDetector(ACCOUNT, REGION);
  const other = role([allow('guardduty:GetDetector', `arn:aws:guardduty:${REGION}:${ACCOUNT}:detector/another`)]);
  expect((await denial(guardDuty(other).send(new GetDetectorCommand({ DetectorId: detectorId })))).message)
    .toContain(`perform: guardduty:GetDetector on resource: arn:aws:guardduty:${REGION}:${ACCOUNT}:detector/${detectorId} `);
  const right = role([{ Sid: 'Read', ...allow('guardduty:GetDetector', DETECTOR_ARNS) }]);
  await guardDuty(right).send(new GetDetectorCommand({ DetectorId: detectorId }));
  expect(api.callsOf('GetDetector').at(-1)!.authorization[0]).toMatchObject({ decision: 'Allowed', grants: ['inline/Read'] });
});

test('condition keys come from the request: aws:RequestTag and aws:TagKeys', async () => {
  api.guardduty.seedDetector(ACCOUNT, 'us-east-1'); // the service-linked role exists
  const principal = role([allow('guardduty:CreateDetector', '*', { StringEquals: { 'aws:RequestTag/owner': 'security' } })]);
  expect((await denial(guardDuty(principal).send(new CreateDetectorCommand({ Enable: true, Tags: { owner: 'someone' } })))).name)
    .toBe('AccessDeniedException');
  await guardDuty(principal).send(new CreateDetectorCommand({ Enable: true, Tags: { owner: 'security' } }));
  expect(api.callsOf('CreateDetector').at(-1)!.authorization[0].context).toMatchObject({ 'aws:RequestTag/owner': 'security', 'aws:TagKeys': ['owner'] });
});

test('an explicit deny and a permissions boundary are applied, each with AWS\'s wording', async () => {
  const denied = role([allow('guardduty:ListDetectors'), { Effect: 'Deny', Action: 'guardduty:*', Resource: '*' }]);
  expect((await denial(guardDuty(denied).send(new ListDetectorsCommand({})))).message).toMatch(/with an explicit deny in an identity-based policy$/);
  const bounded = role([allow('guardduty:ListDetectors')], { boundary: [allow('guardduty:GetDetector', DETECTOR_ARNS)] });
  expect((await denial(guardDuty(bounded).send(new ListDetectorsCommand({})))).message)
    .toMatch(/because no permissions boundary allows the guardduty:ListDetectors action$/);
});

test('the first detector of an account needs iam:CreateServiceLinkedRole for GuardDuty\'s role', async () => {
  const principal = role([allow('guardduty:CreateDetector')]);
  const err = await denial(guardDuty(principal).send(new CreateDetectorCommand({ Enable: true })));
  expect(err.message).toContain('perform: iam:CreateServiceLinkedRole on resource: '
    + `arn:aws:iam::${ACCOUNT}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty (needed by guardduty:CreateDetector)`);
  expect(api.guardduty.detectors(ACCOUNT, REGION)).toEqual([]);

  const allowed = role([allow('guardduty:CreateDetector'), allow('iam:CreateServiceLinkedRole', '*', { StringEquals: { 'iam:AWSServiceName': 'guardduty.amazonaws.com' } })]);
  await guardDuty(allowed).send(new CreateDetectorCommand({ Enable: true }));
  // The role exists now: a detector in another Region needs no such permission.
  await new GuardDutyClient({ ...clientConfig(principal), region: 'us-east-1' }).send(new CreateDetectorCommand({ Enable: true }));
});

test('a list needs iam:PutRolePolicy on GuardDuty\'s role, which GuardDuty writes in the caller\'s name', async () => {
  const detectorId = api.guardduty.seedDetector(ACCOUNT, REGION);
  const principal = role([allow('guardduty:CreateIPSet')]);
  const input = { DetectorId: detectorId, Name: 'trusted', Format: 'TXT' as const, Location: 'https://s3.amazonaws.com/bucket/trusted.txt', Activate: true };
  expect((await denial(guardDuty(principal).send(new CreateIPSetCommand(input)))).message)
    .toContain(`perform: iam:PutRolePolicy on resource: arn:aws:iam::${ACCOUNT}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty`);
  const allowed = role([allow('guardduty:CreateIPSet'),
    allow('iam:PutRolePolicy', `arn:aws:iam::${ACCOUNT}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty`)]);
  await guardDuty(allowed).send(new CreateIPSetCommand(input));
});

test('Detective: the API ListOrganizationAdminAccounts is authorized by the action ListOrganizationAdminAccount', async () => {
  api.organization.create(ACCOUNT, 'management@example.com');
  const client = (p: Principal) => new DetectiveClient(clientConfig(p));
  const plural = role([allow('detective:ListOrganizationAdminAccounts')]);
  const err = await denial(client(plural).send(new ListDetectiveAdminsCommand({})));
  expect(err).toMatchObject({ name: 'AccessDeniedException', status: 403 });
  expect(err.message).toContain('perform: detective:ListOrganizationAdminAccount on resource: *');
  await client(role([allow('detective:ListOrganizationAdminAccount')])).send(new ListDetectiveAdminsCommand({}));
  // CreateGraph is star-only too.
  expect((await denial(client(role([allow('detective:CreateGraph', `arn:aws:detective:${REGION}:${ACCOUNT}:graph:*`)])).send(new CreateGraphCommand({}))))
    .name).toBe('AccessDeniedException');
});

test('Detective delegation needs the Organizations actions Detective calls, conditioned on its service principal', async () => {
  const root = api.organization.create(ACCOUNT, 'management@example.com');
  api.organization.addAccount('222222222222', 'security@example.com', root);
  const client = (p: Principal) => new DetectiveClient(clientConfig(p));
  const onlyDetective = { StringEquals: { 'organizations:ServicePrincipal': 'detective.amazonaws.com' } };
  const forGuardDuty = { StringEquals: { 'organizations:ServicePrincipal': 'guardduty.amazonaws.com' } };
  const statements = (condition: unknown) => [
    allow('detective:EnableOrganizationAdminAccount'),
    allow(['organizations:EnableAWSServiceAccess', 'organizations:RegisterDelegatedAdministrator'], '*', condition),
    allow('iam:CreateServiceLinkedRole', '*', { StringEquals: { 'iam:AWSServiceName': 'detective.amazonaws.com' } }),
  ];
  expect((await denial(client(role(statements(forGuardDuty))).send(new EnableDetectiveAdminCommand({ AccountId: '222222222222' })))).message)
    .toContain('perform: organizations:EnableAWSServiceAccess on resource: * (needed by detective:EnableOrganizationAdminAccount)');
  await client(role(statements(onlyDetective))).send(new EnableDetectiveAdminCommand({ AccountId: '222222222222' }));
  const checked = api.callsOf('EnableOrganizationAdminAccount').at(-1)!.authorization.map((a) => `${a.action} ${a.resource}`);
  expect(checked).toEqual([
    'detective:EnableOrganizationAdminAccount *',
    'organizations:EnableAWSServiceAccess *',
    expect.stringMatching(new RegExp(`^organizations:RegisterDelegatedAdministrator arn:aws:organizations::${ACCOUNT}:account/o-\\w+/222222222222$`)),
    `iam:CreateServiceLinkedRole arn:aws:iam::${ACCOUNT}:role/aws-service-role/detective.amazonaws.com/AWSServiceRoleForDetective`,
  ]);
});

test('Organizations answers its own AccessDeniedException (JSON 1.1), resources built from the organization', async () => {
  const root = api.organization.create(ACCOUNT, 'management@example.com');
  api.organization.addAccount('222222222222', 'security@example.com', root);
  const client = (p: Principal) => new OrganizationsClient({ ...clientConfig(p), region: 'us-east-1' });
  const principal = role([allow('organizations:DescribeAccount', `arn:aws:organizations::${ACCOUNT}:account/o-*/222222222222`)]);
  await client(principal).send(new DescribeAccountCommand({ AccountId: '222222222222' }));
  expect(await denial(client(principal).send(new ListAccountsCommand({})))).toMatchObject({ name: 'AccessDeniedException', status: 400 });
});

test('with enforcement off, a denial is recorded and the request goes through', async () => {
  api.guardduty.seedDetector(ACCOUNT, 'us-east-1');
  api.iam.enforce = false;
  await guardDuty(role([])).send(new CreateDetectorCommand({ Enable: true }));
  expect(api.guardduty.detectors(ACCOUNT, REGION)).toHaveLength(1);
  expect(api.callsOf('CreateDetector')[0]).toMatchObject({ status: 200, authorization: [expect.objectContaining({ decision: 'ImplicitlyDenied' })] });
  api.reset();
  expect(api.iam.enforce).toBe(true);
});

test('the allow-all caller of direct handler tests is not evaluated', async () => {
  const client = new GuardDutyClient({ region: REGION, endpoint: api.url, credentials: api.credentialsFor(ACCOUNT) });
  await client.send(new CreateDetectorCommand({ Enable: true }));
  expect(api.callsOf('CreateDetector')[0]).toMatchObject({
    principal: `arn:aws:iam::${ACCOUNT}:root`,
  });
  // Nothing is evaluated: the action and what GuardDuty checks in the caller's name are all allowed.
  expect(api.callsOf('CreateDetector')[0].authorization.map((a) => `${a.action} ${a.decision} ${a.grants}`)).toEqual([
    'guardduty:CreateDetector Allowed (allow-all caller)',
    'iam:CreateServiceLinkedRole Allowed (allow-all caller)',
  ]);
});

test('the IAM ledger: a local API stopped with the ledger folder set writes each Sid and action a statement allowed, kept across resets', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-ledger-'));
  const previous = process.env[IAM_LEDGER_VARIABLE];
  process.env[IAM_LEDGER_VARIABLE] = dir;
  const own = await new LocalApi().start();
  try {
    const principal = own.iam.registerRole({
      account: ACCOUNT,
      roleName: 'handler',
      sessionName: 'test',
      policies: [{ name: 'inline', document: { Version: '2012-10-17', Statement: [{ Sid: 'Reads', Effect: 'Allow', Action: ['guardduty:ListDetectors', 'guardduty:GetDetector'], Resource: '*' }] } }],
    });
    const client = new GuardDutyClient({ region: REGION, endpoint: own.url, credentials: own.credentialsOf(principal), maxAttempts: 1 });
    await client.send(new ListDetectorsCommand({}));
    own.reset();
    // Denied (the role was forgotten by the reset): nothing more in the ledger.
    await client.send(new ListDetectorsCommand({})).catch(() => undefined);
  } finally {
    await own.stop();
    if (previous === undefined) delete process.env[IAM_LEDGER_VARIABLE];
    else process.env[IAM_LEDGER_VARIABLE] = previous;
  }
  const files = fs.readdirSync(dir);
  expect(files).toHaveLength(1);
  expect(JSON.parse(fs.readFileSync(path.join(dir, files[0]), 'utf-8'))).toEqual(['Reads|guardduty:ListDetectors']);
  fs.rmSync(dir, { recursive: true, force: true });
});
