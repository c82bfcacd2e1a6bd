import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { aws_guardduty as guardduty } from '../../src';

const { ListSource, ListFormat } = guardduty;
const FIXTURE = path.join(__dirname, 'fixtures', 'trusted.txt');

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

test('inline entries become a TXT asset with a content hash; the handler may let GuardDuty\'s role read it', () => {
  const { stack, detector } = setup();
  detector.addIpSet('Trusted', { ipSetName: 'Office networks', source: ListSource.fromEntries(['203.0.113.0/24', ' 198.51.100.7 ', '2001:db8::/32']) });
  const template = Template.fromStack(stack);
  const [resource] = Object.values(template.findResources('Custom::GuardDutyIPSet')) as any[];
  expect(resource.Properties).toMatchObject({
    Name: 'Office networks',
    Format: 'TXT',
    Activate: 'true',
    ExpectedBucketOwner: '111111111111',
    ContentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
  });
  expect(JSON.stringify(resource.Properties.Location)).toMatch(new RegExp(`https://s3.eu-west-1.\\$\\{AWS::URLSuffix\\}/cdk-hnb659fds-assets-111111111111-eu-west-1/${resource.Properties.ContentHash}.txt`));
  const statements = policyStatements(stack);
  // GuardDuty reads the list as its service-linked role, after putting that role's policy in the
  // caller's name; the handler itself reads no object (the guide documents no such need).
  expect(statements).toContainEqual(expect.objectContaining({
    Sid: 'GuardDutyServiceRoleListPolicy',
    Action: ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'],
    Resource: {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' },
        ':role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty']],
    },
  }));
  expect(statements.flatMap((st: any) => [st.Action].flat())).not.toContain('s3:GetObject');
  // CreateIPSet is star-only; the set's own actions are scoped to IP sets.
  expect(statements).toContainEqual(expect.objectContaining({ Sid: 'GuardDutyIPSetCreate', Action: ['guardduty:CreateIPSet', 'guardduty:ListIPSets'], Resource: '*' }));
  expect(statements).toContainEqual(expect.objectContaining({
    Sid: 'GuardDutyIPSet',
    Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':guardduty:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':detector/*/ipset/*']] },
  }));
});

test('the same entries give the same hash; different entries a different one', () => {
  const hash = (entries: string[]) => {
    const { stack, detector } = setup();
    detector.addThreatIntelSet('Bad', { source: ListSource.fromEntries(entries) });
    return (Object.values(Template.fromStack(stack).findResources('Custom::GuardDutyThreatIntelSet'))[0] as any).Properties.ContentHash;
  };
  expect(hash(['192.0.2.1'])).toBe(hash(['192.0.2.1']));
  expect(hash(['192.0.2.1'])).not.toBe(hash(['192.0.2.2']));
});

test('a local file is checked (TXT) and deployed as an asset', () => {
  const { stack, detector } = setup();
  detector.addIpSet('Trusted', { source: ListSource.fromAsset(FIXTURE) });
  const [resource] = Object.values(Template.fromStack(stack).findResources('Custom::GuardDutyIPSet')) as any[];
  expect(resource.Properties.ContentHash).toMatch(/^[0-9a-f]{64}$/);
});

test('a bucket object: location from the bucket, its owner, decrypt for the handler and GuardDuty\'s role, and a dependency on the key', () => {
  const { stack, detector } = setup();
  const key = new kms.Key(stack, 'Key');
  const bucket = new s3.Bucket(stack, 'Lists', { encryptionKey: key });
  detector.addThreatIntelSet('Bad', { source: ListSource.fromBucket(bucket, 'threats/stix.xml'), format: ListFormat.STIX, activate: false });
  const template = Template.fromStack(stack);
  template.hasResource('Custom::GuardDutyThreatIntelSet', {
    Properties: {
      Format: 'STIX',
      Activate: 'false',
      ExpectedBucketOwner: '111111111111',
      ContentHash: Match.absent(),
      Location: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('^/threats/stix.xml$')])] },
    },
    DependsOn: Match.arrayWith([stack.getLogicalId(key.node.defaultChild as kms.CfnKey)]),
  });
  template.hasResourceProperties('AWS::KMS::Key', {
    KeyPolicy: {
      Statement: Match.arrayWith([Match.objectLike({
        Sid: 'AllowGuardDutyServiceRoleToReadLists',
        Action: 'kms:Decrypt',
        Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty']] } },
      })]),
    },
  });
});

test('an imported key is a warning with the statement to add', () => {
  const { stack, detector } = setup();
  const bucket = s3.Bucket.fromBucketAttributes(stack, 'Lists', {
    bucketName: 'central-lists',
    encryptionKey: kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:222222222222:key/abc'),
  });
  detector.addIpSet('Trusted', { source: ListSource.fromBucket(bucket, 'trusted.txt', { expectedBucketOwner: '222222222222' }) });
  Annotations.fromStack(stack).hasWarning('/Stack/Detector/Trusted', Match.stringLikeRegexp('add to its key policy a statement allowing kms:Decrypt'));
  Template.fromStack(stack).hasResourceProperties('Custom::GuardDutyIPSet', { ExpectedBucketOwner: '222222222222' });
});

test.each([
  [() => ListSource.fromEntries(['203.0.113.0/24', 'example.com']), /the inline list: entry 2 must be an IPv4 or IPv6 address or CIDR range \(IP lists take no domain names or IPv6 zone ids: put domain names in an entity list, TrustedEntitySet or ThreatEntitySet\), got: "example.com"/],
  [() => ListSource.fromEntries(['10.0.0.0/33']), /entry 1 must be an IPv4 or IPv6 address or CIDR range .*got: "10.0.0.0\/33"/],
  [() => ListSource.fromEntries([]), /the inline list must have at least one IP address or CIDR range/],
  [() => ListSource.fromEntries(Array.from({ length: 2001 }, (_, i) => `10.0.${Math.floor(i / 256)}.${i % 256}`)), /at most 2,000 IP addresses and CIDR ranges in a trusted IP list, the inline list has 2001/],
  [() => ListSource.fromAsset('/no/such/file.txt'), /the list file must be an existing file, got: \/no\/such\/file.txt/],
])('list errors name the entry: %#', (source, message) => {
  const { detector } = setup();
  expect(() => detector.addIpSet('Trusted', { source: source() })).toThrow(message);
});

test('inline lists are plaintext; IPSet names follow the service\'s character rule', () => {
  const { detector } = setup();
  expect(() => detector.addIpSet('A', { source: ListSource.fromEntries(['192.0.2.1']), format: ListFormat.STIX }))
    .toThrow(/an inline list is written as plaintext: `format` must be TXT, got: STIX/);
  expect(() => detector.addIpSet('B', { ipSetName: 'bad/name', source: ListSource.fromEntries(['192.0.2.1']) }))
    .toThrow(/`ipSetName` must be letters, digits, spaces, "-" and "_" only, got: "bad\/name"/);
});

test('quotas per detector: 1 IPSet, 6 ThreatIntelSets', () => {
  const one = setup();
  one.detector.addIpSet('A', { source: ListSource.fromEntries(['192.0.2.1']) });
  one.detector.addIpSet('B', { source: ListSource.fromEntries(['192.0.2.2']) });
  expect(() => Template.fromStack(one.stack)).toThrow(/GuardDuty allows 1 trusted IP list \(IPSet\) per account and Region; this stack gives the detector 2: Stack\/Detector\/A, Stack\/Detector\/B/);
  const seven = setup();
  for (let i = 0; i < 7; i++) seven.detector.addThreatIntelSet(`T${i}`, { source: ListSource.fromEntries([`192.0.2.${i}`]) });
  expect(() => Template.fromStack(seven.stack)).toThrow(/GuardDuty allows 6 threat IP lists \(ThreatIntelSets\) per account and Region; this stack gives the detector 7/);
});

describe('a trusted list that trusts everything, or much of the address space, is a warning, naming the entries', () => {
  const warnings = (entries: string[]) => {
    const { stack, detector } = setup();
    detector.addIpSet('Trusted', { source: ListSource.fromEntries(entries) });
    return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('trusts every IPv'))
      .map((w) => String(w.entry.data));
  };
  test.each([
    [['0.0.0.0/0'], 'IPv4', '0.0.0.0/0'],
    [['::/0', '203.0.113.0/24'], 'IPv6', '::/0'],
    [['0.0.0.0/1', '128.0.0.0/1'], 'IPv4', '0.0.0.0/1, 128.0.0.0/1'],
    [['::/1', '8000::/2', 'c000::/2'], 'IPv6', '::/1, 8000::/2, c000::/2'],
  ])('%j', (entries, version, named) => {
    expect(warnings(entries)).toEqual([expect.stringContaining(`the inline list trusts every ${version} address (${named})`)]);
    expect(warnings(entries)[0]).toContain('[ack: cdk-threat-detection:trustedListCoversAllAddresses]');
  });
  test.each([
    [['203.0.113.0/24', '2001:db8::/32']],
    [['0.0.0.0/1']], // half the space
    [['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/3', '224.0.0.0/4', '240.0.0.0/5', '248.0.0.0/6', '252.0.0.0/7', '254.0.0.0/8']], // all but 255/8
    [['::ffff:192.0.2.1']],
  ])('no warning for %j', (entries) => {
    expect(warnings(entries)).toEqual([]);
  });
  const large = (entries: string[]) => {
    const { stack, detector } = setup();
    detector.addIpSet('Trusted', { source: ListSource.fromEntries(entries) });
    return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('trustedListCoversLargeRange')).map((w) => String(w.entry.data));
  };
  const publicSlash8s = Array.from({ length: 223 }, (_, i) => i + 1).filter((o) => ![10, 100, 127, 169, 172, 192, 198, 203].includes(o)).map((o) => `${o}.0.0.0/8`);
  test.each<[string, string[], RegExp]>([
    ['half the IPv4 space', ['0.0.0.0/1'], /trusts 50% of the IPv4 address space .*largest entries: 0\.0\.0\.0\/1\)/],
    ['all but 255/8', ['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/3', '224.0.0.0/4', '240.0.0.0/5', '248.0.0.0/6', '252.0.0.0/7', '254.0.0.0/8'],
      /trusts 99\.6% of the IPv4 address space/],
    ['every public /8', publicSlash8s, /trusts 83\.98% of the IPv4 address space/],
    ['one /8', ['10.0.0.0/8'], /trusts 0\.39% of the IPv4 address space .*largest entries: 10\.0\.0\.0\/8/],
    ['IPv4-mapped IPv6, counted as IPv4', ['::ffff:0:0/97'], /trusts 50% of the IPv4 address space .*::ffff:0:0\/97/],
    ['an IPv6 /8', ['2000::/8'], /trusts 0\.39% of the IPv6 address space/],
  ])('%s: a warning by the share of the space it covers, naming the largest entries', (_name, entries, message) => {
    expect(large(entries)).toEqual([expect.stringMatching(message)]);
  });
  test.each([
    [['203.0.113.0/24', '198.51.100.0/24', '2001:db8::/32']],
    [['11.0.0.0/9']], // half a /8
    [['::ffff:192.0.2.0/120']],
  ])('no warning for %j (less than a /8\'s worth)', (entries) => {
    expect(large(entries)).toEqual([]);
  });
  test('every IPv4 address written as IPv4-mapped IPv6 (::ffff:0:0/96) is trusting every IPv4 address', () => {
    expect(warnings(['::ffff:0:0/96'])).toEqual([expect.stringContaining('the inline list trusts every IPv4 address (::ffff:0:0/96)')]);
  });
  test('a threat list of everything is not a trusted one: no warning', () => {
    const { stack, detector } = setup();
    detector.addThreatIntelSet('Threats', { source: ListSource.fromEntries(['0.0.0.0/0']) });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('trusts every'))).toEqual([]);
  });
});

test('an IPv6 zone id is refused, as GuardDuty refuses it', () => {
  const { detector } = setup();
  expect(() => detector.addIpSet('Trusted', { source: ListSource.fromEntries(['fe80::1%eth0']) }))
    .toThrow(/entry 1 must be an IPv4 or IPv6 address or CIDR range \(IP lists take no domain names or IPv6 zone ids: .*\), got: "fe80::1%eth0"/);
});

describe('a bucket key becomes a location GuardDuty reads as that key', () => {
  const bucketOf = (stack: Stack) => s3.Bucket.fromBucketName(stack, 'Lists', 'central-lists');

  test.each([
    ['lists/trusted.txt', 'lists/trusted.txt'],
    ['lists/my list?v=2#.txt', 'lists/my%20list%3Fv%3D2%23.txt'],
    ['überall/liste.txt', '%C3%BCberall/liste.txt'],
  ])('%s -> .../%s', (key, encoded) => {
    const { stack, detector } = setup();
    detector.addIpSet('Trusted', { source: ListSource.fromBucket(bucketOf(stack), key) });
    const [set] = Object.values<any>(Template.fromStack(stack).findResources('Custom::GuardDutyIPSet'));
    expect(JSON.stringify(stack.resolve(set.Properties.Location))).toContain(`/central-lists/${encoded}"`);
  });

  test.each(['../other/trusted.txt', 'lists/./trusted.txt', 'lists/..'])('%s is refused: a URL resolves the dot segments', (key) => {
    const { stack, detector } = setup();
    expect(() => detector.addIpSet('Trusted', { source: ListSource.fromBucket(bucketOf(stack), key) }))
      .toThrow(/must not have "\." or "\.\." segments/);
  });
});
