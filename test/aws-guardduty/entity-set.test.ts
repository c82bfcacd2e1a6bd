/**
 * TrustedEntitySet and ThreatEntitySet: entity lists (IP addresses and domain names), read by
 * GuardDuty with the caller's access, so the handler's grants differ from the IP lists'.
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { aws_guardduty as guardduty } from '../../src';

const { ListSource, ListFormat } = guardduty;

function setup() {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
  const detector = new guardduty.Detector(stack, 'Detector');
  return { app, stack, detector };
}

function policyStatements(stack: Stack): any[] {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy');
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

const ARN_PREFIX = ['arn:', { Ref: 'AWS::Partition' }, ':guardduty:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }];

test('inline entries with a domain: the handler may read that one asset object, and puts no policy on GuardDuty\'s role', () => {
  const { stack, detector } = setup();
  const set = detector.addTrustedEntitySet('Partners', {
    trustedEntitySetName: 'partners', source: ListSource.fromEntries(['203.0.113.0/24', 'updates.example.com']),
  });
  const template = Template.fromStack(stack);
  const [resource] = Object.values(template.findResources('Custom::GuardDutyTrustedEntitySet')) as any[];
  expect(resource.Properties).toMatchObject({ Name: 'partners', Format: 'TXT', Activate: 'true', ExpectedBucketOwner: '111111111111' });
  const hash = resource.Properties.ContentHash;
  expect(hash).toMatch(/^[0-9a-f]{64}$/);
  const statements = policyStatements(stack);
  expect(statements).toContainEqual({
    Sid: 'GuardDutyEntityListObjects',
    Effect: 'Allow',
    Action: 's3:GetObject',
    Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::cdk-hnb659fds-assets-111111111111-eu-west-1/${hash}.txt`]] },
  });
  expect(statements.flatMap((st: any) => [st.Action].flat())).not.toContain('iam:PutRolePolicy');
  expect(statements).toContainEqual(expect.objectContaining({
    Sid: 'GuardDutyTrustedEntitySetCreate',
    // ListDetectors is in the detector's statement already.
    Action: ['guardduty:CreateTrustedEntitySet', 'guardduty:ListTrustedEntitySets'],
    Resource: '*',
  }));
  expect(statements).toContainEqual(expect.objectContaining({
    Sid: 'GuardDutyTrustedEntitySet',
    Action: ['guardduty:GetTrustedEntitySet', 'guardduty:UpdateTrustedEntitySet', 'guardduty:DeleteTrustedEntitySet'],
    Resource: { 'Fn::Join': ['', [...ARN_PREFIX, ':detector/*/trustedentityset/*']] },
  }));
  expect(stack.resolve(set.trustedEntitySetId)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^DetectorPartners/), 'SetId'] });
});

test('a bucket list under a key of the app: read and decrypt through S3 for the handler, nothing for GuardDuty\'s role; waits for the key', () => {
  const { stack, detector } = setup();
  const key = new kms.Key(stack, 'Key');
  const bucket = new s3.Bucket(stack, 'Lists', { encryptionKey: key });
  detector.addThreatEntitySet('Bad', { source: ListSource.fromBucket(bucket, 'feeds/stix.xml'), format: ListFormat.STIX });
  const template = Template.fromStack(stack);
  const keyId = stack.getLogicalId(key.node.defaultChild as kms.CfnKey);
  const bucketId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
  template.hasResource('Custom::GuardDutyThreatEntitySet', {
    Properties: { Format: 'STIX', ContentHash: Match.absent(), ExpectedBucketOwner: '111111111111' },
    DependsOn: Match.arrayWith([keyId, bucketId]),
  });
  const statements = policyStatements(stack);
  expect(statements).toContainEqual(expect.objectContaining({
    Sid: 'GuardDutyEntityListObjects', Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/feeds/stix.xml']] },
  }));
  expect(statements).toContainEqual(expect.objectContaining({
    Sid: 'GuardDutyEntityListKeys',
    Action: 'kms:Decrypt',
    Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
    Condition: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' } },
  }));
  // The key policy gets no statement for GuardDuty's service-linked role (an IP list's need).
  const keyPolicy = JSON.stringify(template.findResources('AWS::KMS::Key'));
  expect(keyPolicy).not.toContain('AllowGuardDutyServiceRoleToReadLists');
});

test('the grants naming the app\'s bucket and key are in their own policy, which the set waits for and the function does not', () => {
  const { stack, detector } = setup();
  const key = new kms.Key(stack, 'Key');
  const bucket = new s3.Bucket(stack, 'Lists', { encryptionKey: key });
  // A key whose policy names the detector (a publishing destination's grant to GuardDuty): the
  // function's own policy naming this key would be a cycle, key -> detector -> function -> policy -> key.
  detector.addPublishingDestination('Export', { bucket: new s3.Bucket(stack, 'Findings'), key });
  detector.addThreatEntitySet('Bad', { source: ListSource.fromBucket(bucket, 'feeds/bad.txt') });
  const template = Template.fromStack(stack);
  const policies = template.findResources('AWS::IAM::ManagedPolicy');
  const reads = Object.entries<any>(policies).filter(([, p]) => JSON.stringify(p).includes('GuardDutyEntityListObjects'));
  expect(reads.map(([id]) => id)).toEqual([expect.stringMatching(/^CdkThreatDetectionProviderResourceReads/)]);
  // (beside the grant to continue in a new invocation, on the function itself, which the
  // destination's and the set's waits share)
  expect(reads[0][1].Properties.PolicyDocument.Statement.map((st: any) => st.Sid))
    .toEqual(['ContinueInNewInvocation', 'GuardDutyEntityListObjects', 'GuardDutyEntityListKeys']);
  const [setId, set] = Object.entries<any>(template.findResources('Custom::GuardDutyThreatEntitySet'))[0];
  expect(set.DependsOn).toContain(reads[0][0]);
  const [, fn] = Object.entries<any>(template.findResources('AWS::Lambda::Function'))[0];
  expect(fn.DependsOn ?? []).not.toContain(reads[0][0]);
  expect(setId).toMatch(/^DetectorBad/);
});

test('the reads policy is named by what it grants: a new list object is a new policy (the old one stays until the cleanup)', () => {
  const readsPolicyId = (entries: string[], other: string[] = ['192.0.2.1']) => {
    const { stack, detector } = setup();
    detector.addTrustedEntitySet('Trusted', { source: ListSource.fromEntries(entries) });
    detector.addThreatEntitySet('Threats', { source: ListSource.fromEntries(other) });
    const ids = Object.keys(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy')).filter((id) => id.includes('ResourceReads'));
    expect(ids).toHaveLength(1);
    return ids[0];
  };
  const first = readsPolicyId(['example.com']);
  expect(readsPolicyId(['example.com'])).toBe(first);
  expect(readsPolicyId(['example.net'])).not.toBe(first);
  expect(readsPolicyId(['example.com'], ['192.0.2.2'])).not.toBe(first);
});

test('two sets share one object statement; sets of both kinds are scoped to their own resource types', () => {
  const { stack, detector } = setup();
  const bucket = s3.Bucket.fromBucketName(stack, 'Lists', 'central-lists');
  detector.addTrustedEntitySet('Trusted', { source: ListSource.fromBucket(bucket, 'trusted.txt') });
  detector.addThreatEntitySet('Threats', { source: ListSource.fromBucket(bucket, 'threats.txt') });
  const statements = policyStatements(stack);
  const objects = statements.filter((st) => st.Sid === 'GuardDutyEntityListObjects');
  expect(objects).toHaveLength(1);
  expect(stack.resolve(objects[0].Resource)).toEqual([
    { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::central-lists/trusted.txt']] },
    { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::central-lists/threats.txt']] },
  ]);
  expect(statements).toContainEqual(expect.objectContaining({
    Sid: 'GuardDutyThreatEntitySet', Resource: { 'Fn::Join': ['', [...ARN_PREFIX, ':detector/*/threatentityset/*']] },
  }));
  // An imported bucket's owner is left to GuardDuty, which checks it is the set's own account.
  Template.fromStack(stack).hasResourceProperties('Custom::GuardDutyTrustedEntitySet', { ExpectedBucketOwner: Match.absent() });
});

test('a list in a bucket imported with another account names that account as ExpectedBucketOwner (GuardDuty checks it before reading)', () => {
  const stack = new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
  const detector = new guardduty.Detector(stack, 'Detector');
  const central = s3.Bucket.fromBucketAttributes(stack, 'Central', { bucketName: 'central-lists', account: '999999999999' });
  detector.addTrustedEntitySet('Partners', { source: guardduty.ListSource.fromBucket(central, 'trusted.txt') });
  detector.addIpSet('Offices', { source: guardduty.ListSource.fromBucket(central, 'offices.txt') });
  // Imported with the stack's own account (or without one, above): nothing claimed.
  const own = s3.Bucket.fromBucketAttributes(stack, 'Own', { bucketName: 'own-lists', account: '111111111111' });
  detector.addThreatEntitySet('Threats', { source: guardduty.ListSource.fromBucket(own, 'bad.txt') });
  const template = Template.fromStack(stack);
  template.hasResourceProperties('Custom::GuardDutyTrustedEntitySet', { ExpectedBucketOwner: '999999999999' });
  template.hasResourceProperties('Custom::GuardDutyIPSet', { ExpectedBucketOwner: '999999999999' });
  template.hasResourceProperties('Custom::GuardDutyThreatEntitySet', { ExpectedBucketOwner: Match.absent() });
});

describe('entries: IP addresses, CIDR ranges and domain names', () => {
  test.each([
    ['example.com'], [`${'abcdefghi.'.repeat(25)}com`], ['api.eu-west-1.example.co.uk'], ['xn--bcher-kva.example'], ['example.com.'], ['a-b.c0'], ['2001:db8::/32'], ['198.51.100.7'],
  ])('%s is taken', (entry) => {
    const { stack, detector } = setup();
    detector.addThreatEntitySet('Bad', { source: ListSource.fromEntries([entry]) });
    Template.fromStack(stack).resourceCountIs('Custom::GuardDutyThreatEntitySet', 1);
  });

  test.each([
    ['https://example.com/feed'],
    ['*.example.com'],
    ['localhost'],
    ['-bad.example.com'],
    ['bad-.example.com'],
    ['bücher.example'],
    ['example.com:443'],
    ['1.2.3'],
    [`${'a'.repeat(64)}.example.com`],
    [`${'abcdefghi.'.repeat(25)}comm`], // 254 characters
    ['10.0.0.0/33'],
  ])('%s is refused, naming the entry and the rule', (entry) => {
    const { detector } = setup();
    expect(() => detector.addTrustedEntitySet('Trusted', { source: ListSource.fromEntries(['192.0.2.1', entry]) }))
      .toThrow(new RegExp('the inline list: entry 2 must be an IPv4 or IPv6 address, a CIDR range or a domain name \\(letters, digits and "-" in '
        + `dot-separated labels of 1-63 characters, at most 253 characters, no scheme, path, port or wildcard; .*\\), got: "${entry.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`));
  });

  test('an empty list names what it takes', () => {
    const { detector } = setup();
    expect(() => detector.addTrustedEntitySet('Trusted', { source: ListSource.fromEntries([]) }))
      .toThrow(/the inline list must have at least one IP address, CIDR range or domain name, got none/);
  });

  test('an IP list refuses a domain name and points to the entity lists', () => {
    const { detector } = setup();
    expect(() => detector.addIpSet('Trusted', { source: ListSource.fromEntries(['example.com']) }))
      .toThrow(/IP lists take no domain names .*put domain names in an entity list, TrustedEntitySet or ThreatEntitySet\), got: "example.com"/);
  });

  test('a trusted entity list that trusts every IPv4 address warns; a threat entity list does not', () => {
    const trusted = setup();
    trusted.detector.addTrustedEntitySet('Trusted', { source: ListSource.fromEntries(['0.0.0.0/0', 'example.com']) });
    Annotations.fromStack(trusted.stack).hasWarning('/Stack/Detector/Trusted', Match.stringLikeRegexp('the inline list trusts every IPv4 address \\(0.0.0.0/0\\)'));
    const threat = setup();
    threat.detector.addThreatEntitySet('Threats', { source: ListSource.fromEntries(['0.0.0.0/0']) });
    expect(Annotations.fromStack(threat.stack).findWarning('*', Match.stringLikeRegexp('trusts every'))).toEqual([]);
  });
});

test('names: letters, digits, "-" and "_" (no spaces, unlike an IPSet\'s)', () => {
  const { detector } = setup();
  expect(() => detector.addTrustedEntitySet('A', { trustedEntitySetName: 'Office networks', source: ListSource.fromEntries(['192.0.2.1']) }))
    .toThrow(/`trustedEntitySetName` must be letters, digits, "-" and "_" only, got: "Office networks"/);
  expect(() => detector.addThreatEntitySet('B', { threatEntitySetName: 'a'.repeat(301), source: ListSource.fromEntries(['192.0.2.1']) }))
    .toThrow(/`threatEntitySetName`/);
});

test('quota: one trusted entity list per account and Region; threat entity lists have no documented quota, so none is checked', () => {
  const two = setup();
  two.detector.addTrustedEntitySet('A', { source: ListSource.fromEntries(['192.0.2.1']) });
  two.detector.addTrustedEntitySet('B', { source: ListSource.fromEntries(['192.0.2.2']) });
  expect(() => Template.fromStack(two.stack)).toThrow(/GuardDuty allows 1 trusted entity list \(TrustedEntitySet\) per account and Region; this stack gives the detector 2: Stack\/Detector\/A, Stack\/Detector\/B/);
  const many = setup();
  for (let i = 0; i < 8; i++) many.detector.addThreatEntitySet(`T${i}`, { source: ListSource.fromEntries([`192.0.2.${i}`]) });
  Template.fromStack(many.stack).resourceCountIs('Custom::GuardDutyThreatEntitySet', 8);
  // The trusted IP list and the trusted entity list are counted apart.
  const both = setup();
  both.detector.addIpSet('Ip', { source: ListSource.fromEntries(['192.0.2.1']) });
  both.detector.addTrustedEntitySet('Entities', { source: ListSource.fromEntries(['example.com']) });
  Template.fromStack(both.stack);
});

test('imports by attributes give the set\'s ARN', () => {
  const { stack } = setup();
  const trusted = guardduty.TrustedEntitySet.fromTrustedEntitySetAttributes(stack, 'T', { detectorId: 'd1', trustedEntitySetId: 's1' });
  const threat = guardduty.ThreatEntitySet.fromThreatEntitySetAttributes(stack, 'X', { detectorId: 'd1', threatEntitySetId: 's2' });
  expect(stack.resolve(trusted.trustedEntitySetArn)).toEqual({
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':guardduty:eu-west-1:111111111111:detector/d1/trustedentityset/s1']],
  });
  expect(stack.resolve(threat.threatEntitySetArn)).toEqual({
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':guardduty:eu-west-1:111111111111:detector/d1/threatentityset/s2']],
  });
  expect(threat.threatEntitySetId).toBe('s2');
});

test('RemovalPolicy.SNAPSHOT is refused; RETAIN is kept on the custom resource', () => {
  const { stack, detector } = setup();
  const set = detector.addTrustedEntitySet('T', { source: ListSource.fromEntries(['192.0.2.1']) });
  expect(() => set.applyRemovalPolicy(RemovalPolicy.SNAPSHOT)).toThrow(/SNAPSHOT/);
  set.applyRemovalPolicy(RemovalPolicy.RETAIN);
  Template.fromStack(stack).hasResource('Custom::GuardDutyTrustedEntitySet', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
});

test.each([
  ['addIpSet', 'an IP set'],
  ['addThreatIntelSet', 'a threat intel set'],
  ['addTrustedEntitySet', 'a trusted entity set'],
  ['addThreatEntitySet', 'a threat entity set'],
] as const)('%s: SNAPSHOT is refused at construction and by applyRemovalPolicy, naming the list one way (%s)', (add, noun) => {
  const message = new RegExp(`\`removalPolicy\` must be RETAIN, RETAIN_ON_UPDATE_OR_DELETE or DESTROY; ${noun} has no snapshot, got: SNAPSHOT`);
  const source = ListSource.fromEntries(['192.0.2.1']);
  expect(() => setup().detector[add]('L', { source, removalPolicy: RemovalPolicy.SNAPSHOT })).toThrow(message);
  expect(() => setup().detector[add]('L', { source }).applyRemovalPolicy(RemovalPolicy.SNAPSHOT)).toThrow(message);
});

test('a trusted entity list naming AWS\'s own DNS suffix (amazonaws.com, api.aws) warns, naming the entries; a threat list does not', () => {
  const stack = new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
  const detector = new guardduty.Detector(stack, 'Detector');
  detector.addTrustedEntitySet('Trusted', { source: guardduty.ListSource.fromEntries(['updates.example.com', 'AmazonAWS.com.', 'api.aws', 'mybucket.s3.amazonaws.com']) });
  detector.addThreatEntitySet('Threats', { source: guardduty.ListSource.fromEntries(['amazonaws.com']) });
  const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('trustedListTrustsAwsDomain')).map((w) => [w.id, String(w.entry.data)]);
  expect(warnings).toEqual([['/Stack/Detector/Trusted', expect.stringMatching(/^the inline list trusts AmazonAWS\.com\., api\.aws: AWS's own DNS suffix/)]]);
});

test('a trusted entity list naming a public suffix (co.uk, github.io, s3.amazonaws.com) warns, naming the entries; a name under one does not', () => {
  const stack = new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
  const detector = new guardduty.Detector(stack, 'Detector');
  detector.addTrustedEntitySet('Trusted', {
    source: guardduty.ListSource.fromEntries(['updates.example.co.uk', 'CO.UK.', 'github.io', 'mycorp.github.io', 's3.amazonaws.com', '198.51.100.7']),
  });
  detector.addThreatEntitySet('Threats', { source: guardduty.ListSource.fromEntries(['co.uk']) });
  const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('trustedListTrustsPublicSuffix')).map((w) => [w.id, String(w.entry.data)]);
  expect(warnings).toEqual([['/Stack/Detector/Trusted', expect.stringMatching(
    /^the inline list trusts CO\.UK\., github\.io, s3\.amazonaws\.com: public suffixes of the Public Suffix List \(publicsuffix\.org\), under which anyone can register/)]]);
  // AWS's own DNS suffixes keep their own warning, not this one too.
  const aws = new Stack(new App(), 'Aws', { env: { account: '111111111111', region: 'eu-west-1' } });
  new guardduty.Detector(aws, 'Detector').addTrustedEntitySet('Trusted', { source: guardduty.ListSource.fromEntries(['api.aws']) });
  expect(Annotations.fromStack(aws).findWarning('*', Match.stringLikeRegexp('trustedListTrustsPublicSuffix'))).toEqual([]);
});
