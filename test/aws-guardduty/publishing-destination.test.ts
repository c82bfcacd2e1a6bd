import { App, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { aws_guardduty as guardduty } from '../../src';

function setup(region?: string) {
  const stack = new Stack(new App(), 'Stack', region ? { env: { account: '111111111111', region } } : {});
  const detector = new guardduty.Detector(stack, 'Detector');
  const key = new kms.Key(stack, 'Key');
  const bucket = new s3.Bucket(stack, 'Findings', { encryptionKey: key });
  return { stack, detector, key, bucket };
}

const detectorConditions = {
  StringEquals: {
    'aws:SourceAccount': '111111111111',
    'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^Detector'), 'DetectorArn'] },
  },
};

test('writes scoped bucket and key policy statements, depends on them, and gives the handler the bucket location', () => {
  const { stack, detector, key, bucket } = setup('eu-west-1');
  const destination = detector.addPublishingDestination('Export', { bucket, key, prefix: 'guardduty' });
  Tags.of(destination).add('owner', 'security');
  const template = Template.fromStack(stack);
  template.hasResource('Custom::GuardDutyPublishingDestination', {
    Properties: {
      DestinationType: 'S3',
      DestinationArn: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Findings'), 'Arn'] }, '/guardduty/']] },
      KmsKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
      Tags: { owner: 'security' },
    },
    DependsOn: Match.arrayWith([Match.stringLikeRegexp('^FindingsPolicy'), Match.stringLikeRegexp('^Key')]),
    DeletionPolicy: 'Delete',
  });
  template.hasResourceProperties('AWS::S3::BucketPolicy', {
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({ Sid: 'AllowGuardDutyGetBucketLocation', Principal: { Service: 'guardduty.amazonaws.com' }, Action: 's3:GetBucketLocation', Condition: detectorConditions }),
        Match.objectLike({
          Sid: 'AllowGuardDutyPutObject',
          Action: 's3:PutObject',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.anyValue(), 'Arn'] }, '/guardduty/*']] },
          Condition: detectorConditions,
        }),
      ]),
    },
  });
  template.hasResourceProperties('AWS::KMS::Key', {
    KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowGuardDutyEncryptFindings', Action: 'kms:GenerateDataKey', Condition: detectorConditions })]) },
  });
  const statements = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
  // GuardDuty's guide: the caller needs s3:GetBucketLocation on the bucket (and no KMS action).
  expect(statements).toContainEqual({ Action: 's3:GetBucketLocation', Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Findings/), 'Arn'] } });
  expect(statements.flatMap((st: any) => [st.Action].flat()).filter((a: string) => a.startsWith('kms:'))).toEqual([]);
});

test('an opt-in Region uses its regional service principal', () => {
  const { stack, detector, key, bucket } = setup('me-south-1');
  detector.addPublishingDestination('Export', { bucket, key });
  Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
    KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'guardduty.me-south-1.amazonaws.com' } })]) },
  });
});

test.each(['ap-east-2', 'ap-southeast-6'])('%s, an opt-in Region the floor aws-cdk-lib does not know, uses its regional principal', (region) => {
  const { stack, detector, key, bucket } = setup(region);
  detector.addPublishingDestination('Export', { bucket, key });
  const template = Template.fromStack(stack);
  for (const [type, property] of [['AWS::KMS::Key', 'KeyPolicy'], ['AWS::S3::BucketPolicy', 'PolicyDocument']]) {
    template.hasResourceProperties(type, {
      [property]: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: `guardduty.${region}.amazonaws.com` } })]) },
    });
  }
  expect(JSON.stringify(template.toJSON())).not.toContain('"Service":"guardduty.amazonaws.com"');
  expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('Region facts'))).toEqual([]);
});

test('a Region the facts do not know: aws-cdk-lib\'s answer, and a warning that says what to do', () => {
  const { stack, detector, key, bucket } = setup('us-future-1');
  detector.addPublishingDestination('Export', { bucket, key });
  Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
    KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'guardduty.amazonaws.com' } })]) },
  });
  const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('Region us-future-1 is not in cdk-threat-detection\'s Region facts'));
  expect(warnings).toHaveLength(1);
  expect(JSON.stringify(warnings[0].entry.data)).toContain('cdk-threat-detection:optInRegions');
});

test('the cdk-threat-detection:optInRegions context makes a Region opt-in, at synth and in the deploy-time condition', () => {
  const app = new App({ context: { 'cdk-threat-detection:optInRegions': ['us-future-1'] } });
  const stack = new Stack(app, 'Stack', { env: { account: '111111111111', region: 'us-future-1' } });
  const detector = new guardduty.Detector(stack, 'Detector');
  const key = new kms.Key(stack, 'Key');
  detector.addPublishingDestination('Export', { bucket: new s3.Bucket(stack, 'Findings', { encryptionKey: key }), key });
  Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
    KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'guardduty.us-future-1.amazonaws.com' } })]) },
  });
  expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('Region facts'))).toEqual([]);

  const agnostic = new Stack(new App({ context: { 'cdk-threat-detection:optInRegions': ['us-future-1'] } }), 'Agnostic');
  const detector2 = new guardduty.Detector(agnostic, 'Detector');
  const key2 = new kms.Key(agnostic, 'Key');
  detector2.addPublishingDestination('Export', { bucket: new s3.Bucket(agnostic, 'Findings', { encryptionKey: key2 }), key: key2 });
  expect(JSON.stringify(Template.fromStack(agnostic).toJSON().Conditions.CdkThreatDetectionOptInRegion)).toContain('"us-future-1"');
});

test('a context value that is not a list of Regions is refused, naming it', () => {
  const app = new App({ context: { 'cdk-threat-detection:optInRegions': 'ap-east-2' } });
  const stack = new Stack(app, 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
  const detector = new guardduty.Detector(stack, 'Detector');
  const key = new kms.Key(stack, 'Key');
  expect(() => detector.addPublishingDestination('Export', { bucket: new s3.Bucket(stack, 'Findings', { encryptionKey: key }), key }))
    .toThrow('The context value "cdk-threat-detection:optInRegions" must be a list of Region names (e.g. ["ap-east-2"]), got: "ap-east-2"');
});

test('a Region unknown at synth time picks the principal with a condition on AWS::Region', () => {
  const { stack, detector, key, bucket } = setup();
  detector.addPublishingDestination('Export', { bucket, key });
  const template = Template.fromStack(stack).toJSON();
  const condition = JSON.stringify(template.Conditions.CdkThreatDetectionOptInRegion);
  expect(condition).toContain('"me-south-1"');
  expect(condition).toContain('"af-south-1"');
  // Opt-in Regions newer than the floor aws-cdk-lib's table, from the library's own facts.
  expect(condition).toContain('"ap-east-2"');
  expect(condition).toContain('"ap-southeast-6"');
  expect(condition).not.toContain('"us-east-1"');
  expect(JSON.stringify(template.Resources)).toContain('{"Fn::If":["CdkThreatDetectionOptInRegion",{"Fn::Join":["",["guardduty.",{"Ref":"AWS::Region"},".amazonaws.com"]]},"guardduty.amazonaws.com"]}');
});

test('an imported bucket and key: a warning with the statements to add', () => {
  const stack = new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
  const detector = new guardduty.Detector(stack, 'Detector');
  detector.addPublishingDestination('Export', {
    bucket: s3.Bucket.fromBucketName(stack, 'B', 'central-findings'),
    key: kms.Key.fromKeyArn(stack, 'K', 'arn:aws:kms:eu-west-1:222222222222:key/abc'),
  });
  Annotations.fromStack(stack).hasWarning('/Stack/Detector/Export', Match.stringLikeRegexp('could not be added.*AllowGuardDutyPutObject.*AllowGuardDutyEncryptFindings'));
});

test('grantPermissions: false writes no statements', () => {
  const { stack, detector, key, bucket } = setup('eu-west-1');
  detector.addPublishingDestination('Export', { bucket, key, grantPermissions: false });
  expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toContain('AllowGuardDuty');
});

test('errors: prefix form, Regions, one destination per detector', () => {
  const { detector, key, bucket } = setup('eu-west-1');
  expect(() => detector.addPublishingDestination('A', { bucket, key, prefix: '/abs' })).toThrow(/`prefix` is a folder in the bucket, without a leading "\/" or wildcards, got: "\/abs"/);
  const other = new Stack(new App(), 'Other', { env: { account: '111111111111', region: 'eu-west-1' } });
  const d = new guardduty.Detector(other, 'D');
  const farKey = kms.Key.fromKeyArn(other, 'K', 'arn:aws:kms:us-east-1:111111111111:key/abc');
  expect(() => d.addPublishingDestination('X', { bucket: new s3.Bucket(other, 'B'), key: farKey })).toThrow(/same Region, got bucket in eu-west-1 and key in us-east-1/);

  const two = setup('eu-west-1');
  two.detector.addPublishingDestination('A', { bucket: two.bucket, key: two.key });
  two.detector.addPublishingDestination('B', { bucket: two.bucket, key: two.key, prefix: 'b' });
  expect(() => Template.fromStack(two.stack)).toThrow(/GuardDuty allows one publishing destination per detector; this stack gives the detector 2/);
});
