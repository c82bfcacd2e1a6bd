/**
 * A landing-zone pipeline that gates on cdk-nag passes with no acknowledgement written by the
 * user: every pack cdk-nag ships, over the example and an app with every construct, finds
 * nothing the library did not satisfy or acknowledge (with its reason).
 */
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { allFindings, CDK_NAG_MAJOR, findings, PACKS } from './nag';
import { buildLandingZone, INITIAL } from '../../examples/landing-zone/app';
import { aws_detective as detective, aws_guardduty as guardduty, OrganizationThreatDetection } from '../../src';
import { everyConstruct } from '../fixtures/every-construct';

test.each(Object.keys(PACKS))(`cdk-nag ${CDK_NAG_MAJOR}: %s finds nothing in the landing-zone example`, (pack) => {
  const app = new App();
  expect(findings(app, buildLandingZone(app, INITIAL), pack)).toEqual([]);
});

test.each(Object.keys(PACKS))(`cdk-nag ${CDK_NAG_MAJOR}: %s finds nothing in an app with every construct`, (pack) => {
  const app = new App();
  expect(findings(app, everyConstruct(app), pack)).toEqual([]);
});

test(`cdk-nag ${CDK_NAG_MAJOR}: the harness sees findings, and only the apps' own resources are left out`, () => {
  const app = new App();
  const all = allFindings(app, everyConstruct(app), 'HIPAASecurityChecks');
  // The fixture's own buckets are not compliant (not the library's to make so), and are reported.
  expect(all).toEqual(expect.arrayContaining([expect.stringMatching(/^Security\/Lists\/Resource HIPAA\.Security-S3BucketSSLRequestsOnly/)]));
  expect(all.filter((f) => !/^(Security\/(Lists|Findings|Alerts|AlertsDlq)|Member\/(Vpc|LogKey))\//.test(f))).toEqual([]);
});

test.each(Object.keys(PACKS))(`cdk-nag ${CDK_NAG_MAJOR}: %s finds nothing in an organization with the central export and forwarded findings, an opt-in Region among its Regions`, (pack) => {
  const app = new App();
  const td = new OrganizationThreatDetection(app, 'TD', {
    managementAccount: '111111111111',
    administratorAccount: '222222222222',
    homeRegion: 'eu-west-1',
    regions: ['eu-west-1', 'af-south-1'],
    findingsExport: { serverAccessLogsBucketName: 'access-logs-222222222222-eu-west-1' },
  });
  const home = td.region('eu-west-1').administratorStack;
  const topic = new sns.Topic(home, 'Alerts', { enforceSSL: true, masterKey: kms.Alias.fromAliasName(home, 'SnsKey', 'alias/aws/sns') });
  td.onFinding('Alert', { target: new targets.SnsTopic(topic, { deadLetterQueue: sqs.Queue.fromQueueArn(home, 'Dlq', 'arn:aws:sqs:eu-west-1:222222222222:alerts-dlq') }) });
  expect(findings(app, app.node.findAll().filter((c): c is Stack => Stack.isStack(c)), pack)).toEqual([]);
});

test.each(Object.keys(PACKS))(`cdk-nag ${CDK_NAG_MAJOR}: %s: an administrator account from a CfnParameter synthesizes, its acknowledgements naming the parameter as cdk-nag does`, (pack) => {
  // Regression: on aws-cdk-lib with Validations, an acknowledgement id holding the token crashed synth, naming nothing.
  const app = new App();
  const stack = new Stack(app, 'Management', { env: { account: '111111111111', region: 'eu-west-1' } });
  const administrator = new CfnParameter(stack, 'AdministratorAccountId', { type: 'String', allowedPattern: '^\\d{12}$' });
  new guardduty.OrganizationAdminAccount(stack, 'GuardDutyAdministrator', { administratorAccountId: administrator.valueAsString });
  new detective.OrganizationAdminAccount(stack, 'DetectiveAdministrator', { administratorAccountId: administrator.valueAsString });
  expect(findings(app, [stack], pack)).toEqual([]);
});

// Two packs (the opt-out is one switch for all): AwsSolutions, and HIPAA Security for the compliance packs' rules.
test.each(['AwsSolutionsChecks', 'HIPAASecurityChecks'])(`cdk-nag ${CDK_NAG_MAJOR}: %s with the library's acknowledgements off reports what they acknowledge, and only that`, (pack) => {
  const app = new App({ context: { 'cdk-threat-detection:nagAcknowledgements': 'false' } });
  const found = findings(app, everyConstruct(app), pack);
  expect(found.length).toBeGreaterThan(0);
  // By default: nothing found, and the rules acknowledged are written in the templates' cdk-nag metadata.
  const quiet = new App();
  expect(findings(quiet, everyConstruct(quiet), pack)).toEqual([]);
  const plain = new App();
  const stacks = everyConstruct(plain);
  const assembly = plain.synth();
  const acknowledged = new Set(stacks.flatMap((s) => Object.values(assembly.getStackByName(s.stackName).template.Resources ?? {})
    .flatMap((r: any) => (r.Metadata?.cdk_nag?.rules_to_suppress ?? []).map((x: { id: string }) => x.id))));
  const rules = new Set(found.map((f) => f.split(' ')[1].replace(/\[.*$/, '')));
  expect([...rules].filter((r) => !acknowledged.has(r))).toEqual([]);
});
