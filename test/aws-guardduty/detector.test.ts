import { App, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { aws_guardduty as guardduty, ThreatDetectionHandler } from '../../src';
import { handlerRuntime } from '../../src/private/provider';

function stack(id = 'Stack') {
  return new Stack(new App(), id, { env: { account: '111111111111', region: 'eu-west-1' } });
}

describe('Detector', () => {
  test('renders the custom resource with only the features and settings given', () => {
    const s = stack();
    new guardduty.Detector(s, 'Detector', {
      findingPublishingFrequency: guardduty.FindingPublishingFrequency.ONE_HOUR,
      features: {
        s3DataEvents: true,
        lambdaNetworkLogs: false,
        runtimeMonitoring: { enabled: true, ec2AgentManagement: false, eksAddonManagement: true },
      },
    });

    const template = Template.fromStack(s);
    template.hasResource('Custom::GuardDutyDetector', {
      Properties: {
        ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CdkThreatDetectionProviderHandler'), 'Arn'] },
        Enable: 'true',
        FindingPublishingFrequency: 'ONE_HOUR',
        Features: [
          { Name: 'S3_DATA_EVENTS', Status: 'ENABLED' },
          { Name: 'LAMBDA_NETWORK_LOGS', Status: 'DISABLED' },
          {
            Name: 'RUNTIME_MONITORING',
            Status: 'ENABLED',
            AdditionalConfiguration: [
              { Name: 'EKS_ADDON_MANAGEMENT', Status: 'ENABLED' },
              { Name: 'EC2_AGENT_MANAGEMENT', Status: 'DISABLED' },
            ],
          },
        ],
        DataSources: Match.absent(),
        Tags: Match.absent(),
      },
      DeletionPolicy: 'RetainExceptOnCreate',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('defaults: enabled, nothing else managed, retained but for a failed first deployment', () => {
    const s = stack();
    new guardduty.Detector(s, 'Detector');
    const props = Object.values(Template.fromStack(s).findResources('Custom::GuardDutyDetector'))[0];
    expect(Object.keys(props.Properties).sort()).toEqual(['Enable', 'ServiceTimeout', 'ServiceToken']);
    expect(props.Properties.Enable).toBe('true');
    expect(props.DeletionPolicy).toBe('RetainExceptOnCreate');
  });

  test('suspend, legacy data sources and DESTROY', () => {
    const s = stack();
    new guardduty.Detector(s, 'Detector', {
      enabled: false,
      dataSources: { s3Logs: false, kubernetesAuditLogs: true, malwareProtectionEbsVolumes: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Template.fromStack(s).hasResource('Custom::GuardDutyDetector', {
      Properties: {
        Enable: 'false',
        DataSources: {
          S3Logs: { Enable: 'false' },
          Kubernetes: { AuditLogs: { Enable: 'true' } },
          MalwareProtection: { ScanEc2InstanceWithFindings: { EbsVolumes: 'true' } },
        },
        Features: Match.absent(),
      },
      DeletionPolicy: 'Delete',
    });
  });

  test('tags from Tags.of on the detector and its scopes', () => {
    const s = stack();
    const detector = new guardduty.Detector(s, 'Detector');
    Tags.of(s).add('cost-center', '1234');
    Tags.of(detector).add('owner', 'security');
    Template.fromStack(s).hasResourceProperties('Custom::GuardDutyDetector', {
      Tags: { 'cost-center': '1234', 'owner': 'security' },
    });
  });

  test('applyRemovalPolicy reaches the custom resource', () => {
    const s = stack();
    const detector = new guardduty.Detector(s, 'Detector');
    detector.applyRemovalPolicy(RemovalPolicy.DESTROY);
    Template.fromStack(s).hasResource('Custom::GuardDutyDetector', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  });

  test('attributes come from the custom resource', () => {
    const s = stack();
    const detector = new guardduty.Detector(s, 'Detector');
    const logicalId = Object.keys(Template.fromStack(s).findResources('Custom::GuardDutyDetector'))[0];
    expect(s.resolve(detector.detectorId)).toEqual({ 'Fn::GetAtt': [logicalId, 'DetectorId'] });
    expect(s.resolve(detector.detectorArn)).toEqual({ 'Fn::GetAtt': [logicalId, 'DetectorArn'] });
  });

  test.each<[string, () => void, RegExp]>([
    [
      'features with data sources',
      () => new guardduty.Detector(stack(), 'D', { features: { s3DataEvents: true }, dataSources: { s3Logs: true } }),
      /Default\/D|D: `features` and `dataSources` cannot be used together .* got features \{s3DataEvents\}/,
    ],
    [
      'Runtime Monitoring with EKS Runtime Monitoring',
      () => new guardduty.Detector(stack(), 'D', {
        features: { runtimeMonitoring: { enabled: true }, eksRuntimeMonitoring: { enabled: false } },
      }),
      /`features.runtimeMonitoring` and `features.eksRuntimeMonitoring` cannot be used together/,
    ],
    [
      'SNAPSHOT removal policy',
      () => new guardduty.Detector(stack(), 'D', { removalPolicy: RemovalPolicy.SNAPSHOT }),
      /`removalPolicy` must be RETAIN, RETAIN_ON_UPDATE_OR_DELETE or DESTROY.*got: SNAPSHOT/,
    ],
    [
      'SNAPSHOT through applyRemovalPolicy',
      () => new guardduty.Detector(stack(), 'D').applyRemovalPolicy(RemovalPolicy.SNAPSHOT),
      /got: SNAPSHOT/,
    ],
    [
      'an ARN that is not a detector ARN',
      () => guardduty.Detector.fromDetectorArn(stack(), 'D', 'arn:aws:guardduty:eu-west-1:111111111111:filter/x'),
      /`detectorArn` must be a GuardDuty detector ARN .* got: arn:aws:guardduty:eu-west-1:111111111111:filter\/x/,
    ],
  ])('synth error: %s', (_, build, message) => {
    expect(build).toThrow(message);
  });

  test('errors name the construct path', () => {
    expect(() => new guardduty.Detector(stack('MyStack'), 'Org', { removalPolicy: RemovalPolicy.SNAPSHOT }))
      .toThrow(/^MyStack\/Org: /);
  });

  test.each([
    ['aws:reserved', 'not starting with "aws:"'],
    ['has space', 'got: "has space"'],
  ])('invalid tag key %s fails synth', (key, message) => {
    const s = stack();
    Tags.of(new guardduty.Detector(s, 'D')).add(key, 'v');
    expect(() => Template.fromStack(s)).toThrow(message);
  });

  test('more than 49 tags fail synth (the library keeps one), and the ownership record\'s key is reserved', () => {
    const s = stack();
    const d = new guardduty.Detector(s, 'D');
    for (let i = 0; i < 50; i++) Tags.of(d).add(`k${i}`, 'v');
    // GuardDuty's 50, less the ownership record the handler adds to a detector it creates.
    expect(() => Template.fromStack(s)).toThrow('GuardDuty allows at most 49 tags on a detector besides the one the library keeps, got: 50');
    const reserved = stack();
    Tags.of(new guardduty.Detector(reserved, 'D')).add('cdk-threat-detection:created-by', 'me');
    expect(() => Template.fromStack(reserved)).toThrow('the tag key cdk-threat-detection:created-by is reserved by this library (its ownership record)');
  });

  test('fromDetectorId and fromDetectorArn', () => {
    const s = stack();
    const byId = guardduty.Detector.fromDetectorId(s, 'ById', 'abc123');
    expect(byId.detectorId).toBe('abc123');
    expect(s.resolve(byId.detectorArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':guardduty:eu-west-1:111111111111:detector/abc123']],
    });
    const byArn = guardduty.Detector.fromDetectorArn(s, 'ByArn', 'arn:aws:guardduty:us-east-1:222222222222:detector/def456');
    expect(byArn.detectorId).toBe('def456');
    expect(byArn.env).toEqual({ account: '222222222222', region: 'us-east-1' });
  });
});

describe('the handler provider', () => {
  test('one handler function per stack however many detectors, each stack its own', () => {
    const app = new App();
    const a = new Stack(app, 'A');
    const b = new Stack(app, 'B');
    const one = new guardduty.Detector(a, 'One');
    one.addFilter('Filter', { findingCriteria: { severity: guardduty.Condition.lessThan(4) } });
    new guardduty.Detector(b, 'Three');

    for (const [s, resources] of [[a, 2], [b, 1]] as const) {
      const template = Template.fromStack(s);
      template.resourceCountIs('AWS::Lambda::Function', 1);
      template.resourceCountIs('Custom::GuardDutyDetector', 1);
      expect(Object.keys(template.toJSON().Resources).filter((id) => id.startsWith('One') || id.startsWith('Three'))).toHaveLength(resources);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: handlerRuntime(s).name,
        Handler: 'index.handler',
        Timeout: 900,
      });
    }
  });

  test('the role may write only its own log group, read only its own stack and manage only detectors of its account and Region', () => {
    const s = stack();
    new guardduty.Detector(s, 'Two', { features: { ebsMalwareProtection: true }, removalPolicy: RemovalPolicy.DESTROY });
    const template = Template.fromStack(s);

    // No AWS managed policy, no inline policy: one customer managed policy, on this role only.
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent(), Policies: Match.absent() });
    template.resourceCountIs('AWS::IAM::Policy', 0);
    const [[roleId]] = Object.entries(template.findResources('AWS::IAM::Role'));
    const [permissions] = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).map((p) => p.Properties);
    expect(permissions.Roles).toEqual([{ Ref: roleId }]);
    const logGroupId = Object.keys(template.findResources('AWS::Logs::LogGroup'))[0];
    const statements = permissions.PolicyDocument.Statement;
    const detectorArn = {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':guardduty:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':detector/*']],
    };
    // Malware protection and DESTROY add what they need.
    expect(statements).toEqual([
      { Sid: 'HandlerLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] } },
      // Each event is confirmed with CloudFormation, its properties proven by the template, on this stack only.
      {
        Sid: 'ConfirmEvents',
        Effect: 'Allow',
        Action: ['cloudformation:DescribeStackResource', 'cloudformation:DescribeStacks', 'cloudformation:GetTemplate', 'cloudformation:ListStackResources'],
        Resource: { Ref: 'AWS::StackId' },
      },
      { Sid: 'GuardDutyDetectorCreate', Effect: 'Allow', Action: ['guardduty:CreateDetector', 'guardduty:ListDetectors'], Resource: '*' },
      { Sid: 'GuardDutyDetector', Effect: 'Allow', Action: ['guardduty:GetDetector', 'guardduty:UpdateDetector'], Resource: detectorArn },
      { Sid: 'GuardDutyDetectorDelete', Effect: 'Allow', Action: 'guardduty:DeleteDetector', Resource: detectorArn },
      { Sid: 'GuardDutyTagging', Effect: 'Allow', Action: ['guardduty:TagResource', 'guardduty:UntagResource'], Resource: detectorArn },
      expect.objectContaining({
        Sid: 'GuardDutyServiceLinkedRoles',
        Condition: { StringEquals: { 'iam:AWSServiceName': ['guardduty.amazonaws.com', 'malware-protection.guardduty.amazonaws.com'] } },
      }),
    ]);
  });

  test('DeleteDetector only where CloudFormation can delete the detector, decided after applyRemovalPolicy', () => {
    const sids = (s: Stack) => Object.values(Template.fromStack(s).findResources('AWS::IAM::ManagedPolicy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement.map((st: any) => st.Sid));
    const retained = stack();
    new guardduty.Detector(retained, 'Detector', { removalPolicy: RemovalPolicy.RETAIN });
    expect(sids(retained)).not.toContain('GuardDutyDetectorDelete');
    // The default, RETAIN_ON_UPDATE_OR_DELETE: a failed first deployment deletes what it created.
    const byDefault = stack();
    new guardduty.Detector(byDefault, 'Detector');
    expect(sids(byDefault)).toContain('GuardDutyDetectorDelete');
    const destroyedLater = stack();
    new guardduty.Detector(destroyedLater, 'Detector').applyRemovalPolicy(RemovalPolicy.DESTROY);
    expect(sids(destroyedLater)).toContain('GuardDutyDetectorDelete');
    const retainedOnUpdateOrDelete = stack();
    new guardduty.Detector(retainedOnUpdateOrDelete, 'Detector').applyRemovalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
    // RetainExceptOnCreate: a failed create's rollback deletes it.
    expect(sids(retainedOnUpdateOrDelete)).toContain('GuardDutyDetectorDelete');
  });

  test('the function waits for its policies, and each detector for the function', () => {
    const s = stack();
    new guardduty.Detector(s, 'Detector');
    const template = Template.fromStack(s);
    const [fnId, fn] = Object.entries(template.findResources('AWS::Lambda::Function'))[0];
    const policyIds = Object.keys(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(policyIds).toHaveLength(1);
    expect(fn.DependsOn).toEqual(expect.arrayContaining(policyIds));
    template.hasResourceProperties('Custom::GuardDutyDetector', { ServiceToken: { 'Fn::GetAtt': [fnId, 'Arn'] } });
  });

  test('no warnings at synth', () => {
    const s = stack();
    new guardduty.Detector(s, 'Detector', { features: { s3DataEvents: true } });
    expect(Annotations.fromStack(s).findWarning('*', Match.anyValue())).toEqual([]);
  });
});

test('snapshot of a fully configured detector (asset hashes scrubbed)', () => {
  const s = stack();
  // The default runtime follows the aws-cdk-lib in use (the versions matrix runs two): pinned here.
  ThreatDetectionHandler.configure(s, { runtime: Runtime.NODEJS_22_X });
  const detector = new guardduty.Detector(s, 'Detector', {
    findingPublishingFrequency: guardduty.FindingPublishingFrequency.FIFTEEN_MINUTES,
    features: {
      s3DataEvents: true,
      eksAuditLogs: true,
      ebsMalwareProtection: true,
      rdsLoginEvents: true,
      lambdaNetworkLogs: false,
      aiProtection: true,
      runtimeMonitoring: { enabled: true, eksAddonManagement: true, ecsFargateAgentManagement: true, ec2AgentManagement: false },
    },
    removalPolicy: RemovalPolicy.DESTROY,
  });
  Tags.of(detector).add('owner', 'security');
  const json = JSON.stringify(Template.fromStack(s).toJSON(), null, 1).replace(/[0-9a-f]{64}/g, '<asset-hash>');
  expect(JSON.parse(json)).toMatchSnapshot();
});

test('two detectors in one stack are a synth error: the account and Region has one', () => {
  const s = new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
  new guardduty.Detector(s, 'One');
  new guardduty.Detector(s, 'Two');
  guardduty.Detector.fromDetectorId(s, 'Imported', 'abc'); // an import is not a second detector
  expect(() => Template.fromStack(s)).toThrow(/this stack has 2: Stack\/One, Stack\/Two. Keep one \(import it elsewhere with Detector.fromDetectorId\)/);
});

describe('importers by attributes', () => {
  const s = () => new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });

  test('fromDetectorAttributes builds the ARN in the given account and Region', () => {
    const st = s();
    const detector = guardduty.Detector.fromDetectorAttributes(st, 'D', { detectorId: 'abc123', account: '222222222222', region: 'us-east-1' });
    expect(st.resolve(detector.detectorArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':guardduty:us-east-1:222222222222:detector/abc123']],
    });
    expect(detector.env).toEqual({ account: '222222222222', region: 'us-east-1' });
  });

  test('fromDetectorAttributes refuses an empty id or one over the API\'s 300 characters', () => {
    expect(() => guardduty.Detector.fromDetectorAttributes(s(), 'D', { detectorId: '' })).toThrow(/`detectorId`/);
    expect(() => guardduty.Detector.fromDetectorAttributes(s(), 'D', { detectorId: 'a'.repeat(301) })).toThrow(/`detectorId`/);
  });

  test('set and destination importers name the resource under its detector', () => {
    const st = s();
    const ipSet = guardduty.IpSet.fromIpSetAttributes(st, 'I', { detectorId: 'abc', ipSetId: 'i1' });
    const threat = guardduty.ThreatIntelSet.fromThreatIntelSetAttributes(st, 'T', { detectorId: 'abc', threatIntelSetId: 't1' });
    const dest = guardduty.PublishingDestination.fromPublishingDestinationAttributes(st, 'P', { detectorId: 'abc', destinationId: 'd1' });
    const tail = (arn: string) => JSON.stringify(st.resolve(arn)).match(/:detector\/[^"]+/)![0];
    expect([tail(ipSet.ipSetArn), tail(threat.threatIntelSetArn), tail(dest.publishingDestinationArn)])
      .toEqual([':detector/abc/ipset/i1', ':detector/abc/threatintelset/t1', ':detector/abc/publishingdestination/d1']);
    expect([ipSet.ipSetId, threat.threatIntelSetId, dest.destinationId]).toEqual(['i1', 't1', 'd1']);
  });
});

test('enabled: false (a suspended detector) is a warning that says what it stops; enabled or left out, none', () => {
  const warnings = (props: guardduty.DetectorProps) => {
    const s = new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
    new guardduty.Detector(s, 'Detector', props);
    return Annotations.fromStack(s).findWarning('*', Match.stringLikeRegexp('detectorSuspended')).map((w) => String(w.entry.data));
  };
  expect(warnings({ enabled: false })).toEqual([expect.stringMatching(/^`enabled: false` suspends GuardDuty in this account and Region: it stops monitoring/)]);
  expect(warnings({ enabled: true })).toEqual([]);
  expect(warnings({})).toEqual([]);
});
