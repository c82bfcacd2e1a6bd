/**
 * The organization construct: stacks per (account, Region) with stable names, the order the
 * services need (home Region's delegation first, each administrator stack after its Region's
 * delegation, Detective after GuardDuty), Detective only where available, and refusals at synth.
 */
import { App, Stack, Stage } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { aws_detective as detective, aws_guardduty as guardduty, OrganizationThreatDetection } from '../src';

const MANAGEMENT = '111111111111';
const ADMIN = '222222222222';

function organization(scope: App | Stage, props: Partial<ConstructorParameters<typeof OrganizationThreatDetection>[2]> = {}) {
  return new OrganizationThreatDetection(scope, 'TD', {
    managementAccount: MANAGEMENT,
    administratorAccount: ADMIN,
    homeRegion: 'eu-west-1',
    regions: ['us-east-1', 'eu-west-1', 'ap-northeast-3'],
    ...props,
  });
}

/** Each stack's name and the names of the stacks it depends on, from the cloud assembly. */
function dependencies(app: App | Stage): Record<string, string[]> {
  const assembly = app.synth();
  return Object.fromEntries(assembly.stacks.map((s) => [s.stackName, s.dependencies.filter((d) => d.manifest.type === 'aws:cloudformation:stack').map((d) => (d as any).stackName as string).sort()]));
}

test('two stacks per Region, named by Region and account; the home Region\'s delegation first, each administrator after its delegation', () => {
  const app = new App();
  const td = organization(app);
  expect(td.regions).toEqual(['eu-west-1', 'us-east-1', 'ap-northeast-3']);
  expect(td.organizationRegions.map((r) => [r.managementStack.stackName, r.managementStack.account, r.administratorStack.stackName,
    r.administratorStack.account, r.administratorStack.region])).toEqual([
    ['TD-Management-eu-west-1', MANAGEMENT, 'TD-Administrator-eu-west-1', ADMIN, 'eu-west-1'],
    ['TD-Management-us-east-1', MANAGEMENT, 'TD-Administrator-us-east-1', ADMIN, 'us-east-1'],
    ['TD-Management-ap-northeast-3', MANAGEMENT, 'TD-Administrator-ap-northeast-3', ADMIN, 'ap-northeast-3'],
  ]);
  expect(dependencies(app)).toEqual({
    'TD-Management-eu-west-1': [],
    'TD-Management-us-east-1': ['TD-Management-eu-west-1'],
    'TD-Management-ap-northeast-3': ['TD-Management-eu-west-1'],
    'TD-Administrator-eu-west-1': ['TD-Management-eu-west-1'],
    'TD-Administrator-us-east-1': ['TD-Management-us-east-1'],
    'TD-Administrator-ap-northeast-3': ['TD-Management-ap-northeast-3'],
  });
});

test('the management stacks delegate both services where Detective is available, GuardDuty only where it is not', () => {
  const app = new App();
  const td = organization(app);
  const home = Template.fromStack(td.region('eu-west-1').managementStack);
  home.hasResourceProperties('Custom::GuardDutyOrganizationAdminAccount', { AdminAccountId: ADMIN });
  home.hasResourceProperties('Custom::DetectiveOrganizationAdminAccount', { AdminAccountId: ADMIN });
  const osaka = Template.fromStack(td.region('ap-northeast-3').managementStack);
  osaka.resourceCountIs('Custom::GuardDutyOrganizationAdminAccount', 1);
  osaka.resourceCountIs('Custom::DetectiveOrganizationAdminAccount', 0);
  Template.fromStack(td.region('ap-northeast-3').administratorStack).resourceCountIs('Custom::DetectiveBehaviorGraph', 0);
  expect(td.regionsWithoutDetective).toEqual(['ap-northeast-3']);
  expect(td.region('ap-northeast-3').behaviorGraph).toBeUndefined();
  expect(Annotations.fromStack(td.region('ap-northeast-3').managementStack).findInfo('*', Match.stringLikeRegexp('Detective is not available in ap-northeast-3'))).toHaveLength(1);
  expect(Annotations.fromStack(td.region('eu-west-1').managementStack).findInfo('*', Match.anyValue())).toEqual([]);
});

test('the administrator stack adopts the detector, sets the organization configuration, and adds the graph after GuardDuty', () => {
  const app = new App();
  const td = organization(app, {
    guardDuty: {
      features: { s3DataEvents: guardduty.OrganizationAutoEnable.ALL },
      administratorFeatures: { s3DataEvents: true },
      regionOverrides: { 'us-east-1': { features: { s3DataEvents: guardduty.OrganizationAutoEnable.NEW } } },
    },
    detective: { datasourcePackages: [detective.DatasourcePackage.EKS_AUDIT] },
  });
  const home = Template.fromStack(td.region('eu-west-1').administratorStack);
  home.hasResourceProperties('Custom::GuardDutyOrganizationConfiguration', {
    AutoEnableOrganizationMembers: 'ALL',
    Features: Match.arrayWith([Match.objectLike({ Name: 'S3_DATA_EVENTS', AutoEnable: 'ALL' })]),
  });
  home.hasResourceProperties('Custom::GuardDutyDetector', { Features: Match.arrayWith([Match.objectLike({ Name: 'S3_DATA_EVENTS', Status: 'ENABLED' })]) });
  const graph = home.findResources('Custom::DetectiveBehaviorGraph');
  expect(Object.values(graph)).toHaveLength(1);
  expect(Object.values(graph)[0].DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^OrganizationConfiguration/)]));
  Template.fromStack(td.region('us-east-1').administratorStack).hasResourceProperties('Custom::GuardDutyOrganizationConfiguration', {
    Features: Match.arrayWith([Match.objectLike({ Name: 'S3_DATA_EVENTS', AutoEnable: 'NEW' })]),
  });
});

test('inside a Stage, as a CDK Pipelines stage deploys it: the same stacks and order in the stage\'s assembly', () => {
  const app = new App();
  const stage = new Stage(app, 'Prod');
  organization(stage, { regions: ['eu-west-1', 'eu-central-1'], stackNamePrefix: 'Prod-TD' });
  expect(dependencies(stage)).toEqual({
    'Prod-TD-Management-eu-west-1': [],
    'Prod-TD-Management-eu-central-1': ['Prod-TD-Management-eu-west-1'],
    'Prod-TD-Administrator-eu-west-1': ['Prod-TD-Management-eu-west-1'],
    'Prod-TD-Administrator-eu-central-1': ['Prod-TD-Management-eu-central-1'],
  });
});

test('guardDutyRegions: the Regions with GuardDuty from the facts, opt-in ones on request', () => {
  const defaults = OrganizationThreatDetection.guardDutyRegions();
  expect(defaults).toHaveLength(17);
  expect(defaults).toContain('ap-northeast-3');
  expect(defaults).not.toContain('ap-east-2');
  const all = OrganizationThreatDetection.guardDutyRegions({ includeOptInRegions: true, exclude: ['me-central-1'] });
  expect(all).toHaveLength(33);
  expect(all).toContain('ap-east-2');
  expect(all).not.toContain('me-central-1');
  expect(OrganizationThreatDetection.guardDutyRegions({ partition: 'aws-us-gov' })).toEqual(['us-gov-east-1', 'us-gov-west-1']);
  expect(() => OrganizationThreatDetection.guardDutyRegions({ exclude: ['eu-nowhere-1'] }))
    .toThrow('`exclude` names Regions the aws partition does not have (Region facts as of 2026-08-07): eu-nowhere-1');
});

test('every GuardDuty Region synthesizes: 34 Regions, 68 stacks, Detective in 21', () => {
  const app = new App();
  const td = organization(app, { regions: OrganizationThreatDetection.guardDutyRegions({ includeOptInRegions: true }) });
  expect(app.synth().stacks).toHaveLength(68);
  expect(td.regions.length - td.regionsWithoutDetective.length).toBe(21);
});

test.each([
  [{ homeRegion: 'us-west-2' }, '`homeRegion` must be one of `regions` (us-east-1, eu-west-1, ap-northeast-3), got: us-west-2'],
  [{ regions: [] }, '`regions` must name at least one Region'],
  [{ regions: ['eu-west-1', 'eu-west-1'] }, '`regions` names eu-west-1 twice'],
  [{ regions: ['eu-west-1', 'EU-WEST-1'] }, '`regions` must hold Region names such as eu-west-1, got: EU-WEST-1'],
  [{ regions: ['eu-west-1', 'eu-isoe-west-1'] }, 'GuardDuty is not available in eu-isoe-west-1 (Region facts as of 2026-08-07): remove it from `regions`'],
  [{ administratorAccount: MANAGEMENT }, '`administratorAccount` must be another account than `managementAccount`'],
  [{ managementAccount: '1234' }, 'managementAccount'],
  [{ guardDuty: { regionOverrides: { 'us-west-2': {} } } }, '`guardDuty.regionOverrides` names Regions that are not in `regions`: us-west-2'],
])('%j is refused at synth', (props, message) => {
  expect(() => organization(new App(), props as any)).toThrow(message);
});

test('a Region the facts do not know: a warning that says what to do; both services configured there', () => {
  const app = new App();
  const td = organization(app, { regions: ['eu-west-1', 'eu-future-1'] });
  expect(Annotations.fromStack(td.region('eu-future-1').managementStack)
    .findWarning('*', Match.stringLikeRegexp('eu-future-1 is not in cdk-threat-detection\'s Region facts'))).toHaveLength(1);
  expect(td.region('eu-future-1').behaviorGraph).toBeDefined();
});

test('placed in a Stack, it is refused: it makes its own stacks', () => {
  const stack = new Stack(new App(), 'S');
  expect(() => new OrganizationThreatDetection(stack, 'TD', {
    managementAccount: MANAGEMENT, administratorAccount: ADMIN, homeRegion: 'eu-west-1', regions: ['eu-west-1'],
  })).toThrow('OrganizationThreatDetection makes its own stacks: place it in an App or a Stage, not in a Stack');
});

test('region() of a Region not covered names the Regions', () => {
  expect(() => organization(new App()).region('us-west-2')).toThrow('us-west-2 is not one of the Regions this construct covers: eu-west-1, us-east-1, ap-northeast-3');
});

test('findingsExport: one bucket and key in the home Region; their policies name the global principal and each opt-in Region\'s own, scoped to the administrator\'s detectors', () => {
  const app = new App();
  const td = organization(app, { regions: ['eu-west-1', 'us-east-1', 'af-south-1', 'ap-east-2'], findingsExport: { prefix: 'findings' } });
  expect(td.findingsExportStack?.stackName).toBe('TD-FindingsExport-eu-west-1');
  expect([td.findingsExportStack?.account, td.findingsExportStack?.region]).toEqual([ADMIN, 'eu-west-1']);
  const exportTemplate = Template.fromStack(td.findingsExportStack!);
  const statements = exportTemplate.findResources('AWS::S3::BucketPolicy');
  const bucketStatements = (Object.values(statements)[0] as any).Properties.PolicyDocument.Statement
    .filter((s: any) => s.Sid?.startsWith('AllowGuardDutyPutObject'));
  expect(bucketStatements.map((s: any) => [s.Principal.Service, s.Condition.ArnLike['aws:SourceArn']])).toEqual([
    ['guardduty.amazonaws.com', [expect.anything(), expect.anything()]],
    ['guardduty.af-south-1.amazonaws.com', [expect.anything()]],
    ['guardduty.ap-east-2.amazonaws.com', [expect.anything()]],
  ]);
  const resolved = JSON.stringify(td.findingsExportStack!.resolve(bucketStatements));
  for (const r of ['eu-west-1', 'us-east-1', 'af-south-1', 'ap-east-2']) expect(resolved).toContain(`:guardduty:${r}:${ADMIN}:detector/*`);
  expect(bucketStatements.every((s: any) => s.Condition.StringEquals['aws:SourceAccount'] === ADMIN)).toBe(true);
  exportTemplate.hasResourceProperties('AWS::KMS::Key', {
    EnableKeyRotation: true,
    KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowGuardDutyEncryptFindingsApEast2', Principal: { Service: 'guardduty.ap-east-2.amazonaws.com' }, Action: 'kms:GenerateDataKey' })]) },
  });
  exportTemplate.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
  // Every Region's detector exports there, the key's ARN read through aws-cdk-lib's cross-Region references.
  for (const r of td.organizationRegions) {
    expect(r.publishingDestination).toBeDefined();
    const destination = Template.fromStack(r.administratorStack).findResources('Custom::GuardDutyPublishingDestination');
    expect(Object.values(destination)).toHaveLength(1);
    const kmsKeyArn = JSON.stringify((Object.values(destination)[0] as any).Properties.KmsKeyArn);
    expect(kmsKeyArn).toMatch(r.region === 'eu-west-1' ? /Fn::ImportValue/ : /ExportsReader/);
  }
});

test('findingsExport from an opt-in home Region is refused where other Regions are not opt-in (GuardDuty cannot export there)', () => {
  expect(() => organization(new App(), { homeRegion: 'af-south-1', regions: ['af-south-1', 'eu-west-1'], findingsExport: {} }))
    .toThrow(/home Region af-south-1 is an opt-in Region .* cannot export findings of the other Regions \(eu-west-1\) to a bucket in an opt-in Region/);
  expect(() => organization(new App(), { homeRegion: 'af-south-1', regions: ['af-south-1'], findingsExport: {} })).not.toThrow();
  expect(() => organization(new App(), { findingsExport: { prefix: '/x' } })).toThrow(/`findingsExport.prefix` is a folder in the bucket, .* got: "\/x"/);
});

test('onFinding: one rule in the home Region; each other Region forwards its findings to the home Region\'s default event bus', () => {
  const app = new App();
  const td = organization(app);
  const rule = td.onFinding('High', { minimumSeverity: guardduty.FindingSeverity.HIGH });
  td.onFinding('Critical', { minimumSeverity: guardduty.FindingSeverity.CRITICAL });
  expect(Stack.of(rule).stackName).toBe('TD-Administrator-eu-west-1');
  Template.fromStack(td.region('eu-west-1').administratorStack).resourceCountIs('AWS::Events::Rule', 2);
  for (const region of ['us-east-1', 'ap-northeast-3']) {
    const template = Template.fromStack(td.region(region).administratorStack);
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'] },
      Targets: [Match.objectLike({ Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:events:eu-west-1:${ADMIN}:event-bus/default`]] } })],
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:events:eu-west-1:${ADMIN}:event-bus/default`]] } }] },
    });
    template.resourceCountIs('AWS::IAM::Policy', 0);
  }
});

test('onFinding across Regions outside the commercial partition is refused (EventBridge does not route between Regions there); one Region is fine', () => {
  const gov = organization(new App(), { homeRegion: 'us-gov-west-1', regions: ['us-gov-west-1', 'us-gov-east-1'] });
  expect(() => gov.onFinding('Alert')).toThrow(/EventBridge does only in the commercial partition \("except AWS GovCloud \(US\) and China"\); us-gov-west-1 is in aws-us-gov/);
  const one = organization(new App(), { homeRegion: 'cn-north-1', regions: ['cn-north-1'] });
  expect(() => one.onFinding('Alert')).not.toThrow();
});
