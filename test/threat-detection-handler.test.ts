/**
 * The stack's handler, configured: runtime, memory, VPC placement, log group, reserved
 * concurrency; reachable for boundaries and Aspects; the function's logical id never moves.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { buildLandingZone, INITIAL } from '../examples/landing-zone/app';
import { aws_guardduty as guardduty, ThreatDetectionHandler, ThreatDetectionHandlerProps } from '../src';
import { everyConstruct } from './fixtures/every-construct';

const stack = () => new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
const functionId = (s: Stack) => Object.keys(Template.fromStack(s).findResources('AWS::Lambda::Function'))[0];

/** aws-cdk-lib's own pick of a Node.js runtime for a stack (its Region's fact), as a name or a token. */
const cdkPick = (region?: string) => lambda.determineLatestNodeRuntime(new Stack(new App(), 'Pick', region ? { env: { region } } : {})).name;
const major = (name: string) => Number(/^nodejs(\d+)\.x$/.exec(name)?.[1] ?? NaN);

test('defaults: aws-cdk-lib\'s own runtime for the Region (nodejs22.x where it picks older), 256 MiB, no VPC, a log group kept a year', () => {
  const s = stack();
  new guardduty.Detector(s, 'Detector');
  const template = Template.fromStack(s);
  const picked = cdkPick('eu-west-1');
  const expected = major(picked) >= 22 ? picked : 'nodejs22.x';
  template.hasResourceProperties('AWS::Lambda::Function', {
    Runtime: expected, MemorySize: 256, Timeout: 900, VpcConfig: Match.absent(), ReservedConcurrentExecutions: Match.absent(),
  });
  template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: Match.absent() });
  expect(ThreatDetectionHandler.of(s).function.node.path).toBe('Stack/CdkThreatDetectionProvider/Handler');
});

test.each(['us-east-1', 'eu-west-1', 'ap-southeast-7', 'il-central-1', 'us-gov-west-1', 'cn-north-1', 'xx-future-1'])(
  'in %s the runtime is never newer than aws-cdk-lib\'s own pick, and never older than Node.js 22', (region) => {
    const s = new Stack(new App(), 'Stack', { env: { account: '111111111111', region } });
    new guardduty.Detector(s, 'Detector');
    const runtime = Object.values(Template.fromStack(s).findResources('AWS::Lambda::Function'))[0].Properties.Runtime as string;
    expect(major(runtime)).toBe(Math.max(22, major(cdkPick(region))));
  });

test('a stack without a Region: aws-cdk-lib\'s pick when every Region\'s is Node.js 22 or later, else nodejs22.x and no mapping left behind', () => {
  const s = new Stack(new App(), 'Agnostic');
  new guardduty.Detector(s, 'Detector');
  const template = Template.fromStack(s).toJSON();
  const runtime = Object.values(template.Resources as Record<string, { Type: string; Properties: { Runtime: unknown } }>)
    .find((r) => r.Type === 'AWS::Lambda::Function')!.Properties.Runtime;
  const picked = cdkPick();
  if (typeof runtime === 'string') {
    expect(runtime).toBe(major(picked) >= 22 ? picked : 'nodejs22.x');
    expect(JSON.stringify(template.Mappings ?? {})).not.toContain('nodejs');
  } else {
    // aws-cdk-lib's per-Region mapping: every value Node.js 22 or later.
    expect(runtime).toEqual({ 'Fn::FindInMap': ['LatestNodeRuntimeMap', { Ref: 'AWS::Region' }, 'value'] });
    const values = Object.values(template.Mappings.LatestNodeRuntimeMap as Record<string, { value: string }>).map((v) => major(v.value));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(22);
  }
});

test('every setting reaches the function, and its logical id stays', () => {
  const plain = stack();
  new guardduty.Detector(plain, 'Detector');
  const s = stack();
  const vpc = new ec2.Vpc(s, 'Vpc');
  const securityGroup = new ec2.SecurityGroup(s, 'Handler', { vpc });
  const key = new kms.Key(s, 'Logs');
  ThreatDetectionHandler.configure(s, {
    runtime: lambda.Runtime.NODEJS_22_X,
    memorySize: 1024,
    vpc,
    securityGroups: [securityGroup],
    reservedConcurrentExecutions: 2,
    logRetention: logs.RetentionDays.THREE_MONTHS,
    logEncryptionKey: key,
  });
  new guardduty.Detector(s, 'Detector');
  const template = Template.fromStack(s);
  template.hasResourceProperties('AWS::Lambda::Function', {
    Runtime: 'nodejs22.x',
    MemorySize: 1024,
    ReservedConcurrentExecutions: 2,
    VpcConfig: { SubnetIds: Match.anyValue(), SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Handler'), 'GroupId'] }] },
  });
  template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Logs'), 'Arn'] } });
  // In a VPC, the role may manage the function's network interfaces (no AWS managed policy).
  template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'HandlerNetworkInterfaces', Resource: '*' })]) },
  });
  expect(functionId(s)).toBe(functionId(plain));
});

test('your own log group: the handler writes to it', () => {
  const s = stack();
  const logGroup = new logs.LogGroup(s, 'Mine');
  ThreatDetectionHandler.configure(s, { logGroup });
  new guardduty.Detector(s, 'Detector');
  const template = Template.fromStack(s);
  template.resourceCountIs('AWS::Logs::LogGroup', 1);
  template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^Mine') } } });
  template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'HandlerLogs', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Mine'), 'Arn'] } })]) },
  });
});

test('the function and role are reachable: a permissions boundary applies to the handler\'s role', () => {
  const s = stack();
  new guardduty.Detector(s, 'Detector');
  const boundary = new iam.ManagedPolicy(s, 'Boundary', { statements: [new iam.PolicyStatement({ actions: ['guardduty:*'], resources: ['*'] })] });
  iam.PermissionsBoundary.of(ThreatDetectionHandler.of(s).role).apply(boundary);
  Template.fromStack(s).hasResourceProperties('AWS::IAM::Role', { PermissionsBoundary: { Ref: Match.stringLikeRegexp('^Boundary') } });
  expect(ThreatDetectionHandler.of(s).function).toBe(ThreatDetectionHandler.of(s).function);
});

test.each<[ThreatDetectionHandlerProps | 'late', RegExp]>([
  ['late', /has its cdk-threat-detection handler already: configure it \(ThreatDetectionHandler.configure\) once per stack, before the first/],
  [{ memorySize: 64 }, /`memorySize` must be a whole number of MiB from 128 to 10240, got: 64/],
  [{ reservedConcurrentExecutions: 0 }, /`reservedConcurrentExecutions` must be a whole number of at least 1, got: 0/],
  [{ runtime: lambda.Runtime.PYTHON_3_12 }, /`runtime` must be a Node.js runtime \(the handler is JavaScript\), got: python3.12/],
  [{ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } }, /`vpcSubnets` and `securityGroups` place the function in `vpc`, which is not given/],
  [{ logGroup: 'mine' as any, logRetention: logs.RetentionDays.ONE_DAY }, /`logRetention` and `logEncryptionKey` configure the log group the library makes/],
])('synth error: %j', (props, message) => {
  const s = stack();
  if (props === 'late') {
    new guardduty.Detector(s, 'Detector');
    expect(() => ThreatDetectionHandler.configure(s, {})).toThrow(message);
  } else {
    const withLogGroup = props.logGroup ? { ...props, logGroup: new logs.LogGroup(s, 'Mine') } : props;
    expect(() => ThreatDetectionHandler.configure(s, withLogGroup)).toThrow(message);
  }
});

test('every custom resource, in an app with every construct and in the example, has a ServiceTimeout: the handler\'s timeout and five minutes, or an hour where it may continue', () => {
  const app = new App();
  const stacks = [...everyConstruct(app), ...buildLandingZone(app, INITIAL)];
  let count = 0;
  for (const s of stacks) {
    const template = Template.fromStack(s).toJSON();
    const timeout = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Handler === 'index.handler')?.Properties.Timeout;
    const custom = Object.entries<any>(template.Resources).filter(([, resource]) => resource.Type.startsWith('Custom::'));
    for (const [id, r] of custom) {
      // Member resources and the types that wait on a service (lists, delegations, invitations,
      // verifications) continue in new invocations when one is not enough: CloudFormation's maximum, an hour.
      const continuable = new RegExp('^Custom::((GuardDuty|Detective)Members?|(GuardDuty|Detective)OrganizationAdminAccount|DetectiveGraphMembership|'
        + 'GuardDuty(IPSet|ThreatIntelSet|TrustedEntitySet|ThreatEntitySet|PublishingDestination|AdministratorAccount|MalwareProtectionPlanStatus))$').test(r.Type);
      expect([id, r.Properties.ServiceTimeout]).toEqual([id, continuable ? '3600' : '1200']);
      if (!continuable) expect(Number(r.Properties.ServiceTimeout)).toBe(Number(timeout) + 300);
      count++;
    }
  }
  expect(count).toBeGreaterThan(40);
});

describe('the proof of each event\'s properties by the template (lambda/shared/template-proof.ts)', () => {
  const confirmEvents = (s: Stack) => Object.values<any>(Template.fromStack(s).findResources('AWS::IAM::ManagedPolicy'))
    .flatMap((p) => p.Properties.PolicyDocument.Statement).find((st: any) => st.Sid === 'ConfirmEvents');
  const environment = (s: Stack) => Object.values<any>(Template.fromStack(s).findResources('AWS::Lambda::Function'))[0].Properties.Environment.Variables;

  test('on by default: the role may read its own stack\'s template and resources, and the function is not told otherwise', () => {
    const s = stack();
    new guardduty.Detector(s, 'Detector');
    expect(confirmEvents(s).Action).toEqual(['cloudformation:DescribeStackResource', 'cloudformation:DescribeStacks',
      'cloudformation:GetTemplate', 'cloudformation:ListStackResources']);
    expect(Object.keys(environment(s))).toEqual(['STACK_ID']);
  });

  test.each([false, 'false'])('the context key cdk-threat-detection:proveProperties=%p turns it off: no template reads granted, the function told', (value) => {
    const s = new Stack(new App({ context: { 'cdk-threat-detection:proveProperties': value } }), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
    new guardduty.Detector(s, 'Detector');
    expect(confirmEvents(s).Action).toEqual(['cloudformation:DescribeStackResource', 'cloudformation:DescribeStacks']);
    expect(environment(s)).toEqual({ STACK_ID: { Ref: 'AWS::StackId' }, PROVE_PROPERTIES: 'false' });
  });
});
