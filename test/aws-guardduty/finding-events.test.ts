/**
 * `IDetector.onFinding`: the rule's rendered pattern is asked of EventBridge's matching rules (the
 * local API's TestEventPattern, through the real client) against GuardDuty's finding events, so
 * numeric, prefix and anything-but matching are what decide, not the pattern's text.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { LocalApi } from '../../replay/src';
import { aws_guardduty as guardduty } from '../../src';
import { findingEvent, PatternTester, rulePattern, scanResultEvent } from '../fixtures/finding-events';

const ACCOUNT = '111111111111';
const MEMBER = '222222222222';
const REGION = 'eu-west-1';

let api: LocalApi;
let tester: PatternTester;
beforeAll(async () => {
  api = await new LocalApi().start();
  tester = new PatternTester(api, ACCOUNT, REGION);
});
afterAll(async () => {
  tester.destroy();
  await api.stop();
});

function stackWith(options?: guardduty.OnFindingOptions) {
  const stack = new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: REGION } });
  const detector = new guardduty.Detector(stack, 'Detector');
  const rule = detector.onFinding('Alert', options);
  return { stack, detector, rule, pattern: rulePattern(Template.fromStack(stack)) };
}

async function verdicts(pattern: unknown, events: Array<Record<string, unknown>>): Promise<boolean[]> {
  return Promise.all(events.map((e) => tester.matches(pattern, e)));
}

describe('onFinding patterns under EventBridge matching', () => {
  test('no filter: every finding the account receives, nothing else GuardDuty sends', async () => {
    const { pattern } = stackWith();
    expect(await verdicts(pattern, [
      findingEvent({ severity: 1 }),
      findingEvent({ severity: 9.5, accountId: MEMBER }),
      scanResultEvent(),
      { ...findingEvent(), source: 'aws.securityhub' },
    ])).toEqual([true, true, false, false]);
  });

  test.each([
    ['LOW', guardduty.FindingSeverity.LOW, [[1, true], [3.9, true], [10, true]]],
    ['MEDIUM', guardduty.FindingSeverity.MEDIUM, [[3.9, false], [4, true], [6.9, true]]],
    ['HIGH', guardduty.FindingSeverity.HIGH, [[6.9, false], [6.99, false], [7, true], [8.9, true], [10, true]]],
    ['CRITICAL', guardduty.FindingSeverity.CRITICAL, [[8.9, false], [9, true], [10, true]]],
    ['of(8)', guardduty.FindingSeverity.of(8), [[7.9, false], [8, true]]],
  ] as Array<[string, guardduty.FindingSeverity, Array<[number, boolean]>]>)('minimumSeverity %s: numeric matching on the band boundary', async (_name, severity, cases) => {
    const { pattern } = stackWith({ minimumSeverity: severity });
    expect(await verdicts(pattern, cases.map(([s]) => findingEvent({ severity: s })))).toEqual(cases.map(([, want]) => want));
  });

  test('findingTypes (exact) and findingTypePrefixes (prefix) are alternatives', async () => {
    const { pattern } = stackWith({
      findingTypes: ['CryptoCurrency:EC2/BitcoinTool.B!DNS'],
      findingTypePrefixes: ['UnauthorizedAccess:IAMUser/', 'Recon:'],
    });
    expect(await verdicts(pattern, [
      findingEvent({ type: 'CryptoCurrency:EC2/BitcoinTool.B!DNS' }),
      findingEvent({ type: 'CryptoCurrency:EC2/BitcoinTool.B' }),
      findingEvent({ type: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS' }),
      findingEvent({ type: 'UnauthorizedAccess:EC2/SSHBruteForce' }),
      findingEvent({ type: 'Recon:EC2/PortProbeUnprotectedPort' }),
      findingEvent({ type: 'Backdoor:EC2/C&CActivity.B' }),
    ])).toEqual([true, false, true, false, true, false]);
  });

  test('excludeFindingTypes: anything but those types', async () => {
    const { pattern } = stackWith({ excludeFindingTypes: ['Recon:EC2/PortProbeUnprotectedPort', 'Recon:EC2/Portscan'] });
    expect(await verdicts(pattern, [
      findingEvent({ type: 'Recon:EC2/PortProbeUnprotectedPort' }),
      findingEvent({ type: 'Recon:EC2/Portscan' }),
      findingEvent({ type: 'Recon:EC2/PortProbeEMRUnprotectedPort' }),
    ])).toEqual([false, false, true]);
  });

  test('filters are ANDed: severity, resource type and the account the finding is about', async () => {
    const { pattern } = stackWith({ minimumSeverity: guardduty.FindingSeverity.HIGH, resourceTypes: ['AccessKey', 'S3Bucket'], accounts: [MEMBER] });
    expect(await verdicts(pattern, [
      findingEvent({ severity: 8, resourceType: 'AccessKey', accountId: MEMBER }),
      findingEvent({ severity: 8, resourceType: 'S3Bucket', accountId: MEMBER }),
      findingEvent({ severity: 5, resourceType: 'AccessKey', accountId: MEMBER }),
      findingEvent({ severity: 8, resourceType: 'Instance', accountId: MEMBER }),
      findingEvent({ severity: 8, resourceType: 'AccessKey', accountId: ACCOUNT }),
    ])).toEqual([true, true, false, false, false]);
  });

  test("the rule's own eventPattern option is merged in (here: one Region's findings)", async () => {
    const { pattern } = stackWith({ minimumSeverity: guardduty.FindingSeverity.HIGH, eventPattern: { region: [REGION] } });
    expect(await verdicts(pattern, [
      findingEvent({ severity: 8 }),
      findingEvent({ severity: 8, region: 'us-east-1' }),
    ])).toEqual([true, false]);
  });
});

describe('onFinding rule', () => {
  test('the target is added, in the detector stack, and the rule is enabled', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: REGION } });
    const topic = new sns.Topic(stack, 'Alerts');
    new guardduty.Detector(stack, 'Detector').onFinding('High', {
      minimumSeverity: guardduty.FindingSeverity.HIGH,
      target: new targets.SnsTopic(topic),
      description: 'High-severity GuardDuty findings',
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::Rule', {
      State: 'ENABLED',
      Description: 'High-severity GuardDuty findings',
      Targets: [{ Arn: { Ref: stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic) } }],
    });
  });

  test('works on an imported detector of the same account', async () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: REGION } });
    guardduty.Detector.fromDetectorId(stack, 'Imported', '12abc34d567e8fa901bc2d34e56789f0').onFinding('Any', { minimumSeverity: guardduty.FindingSeverity.CRITICAL });
    const pattern = rulePattern(Template.fromStack(stack));
    expect(await verdicts(pattern, [findingEvent({ severity: 9.1 }), findingEvent({ severity: 8 })])).toEqual([true, false]);
  });

  test.each([
    [{ findingTypes: [] }, /`findingTypes` must not be empty/],
    [{ accounts: ['12345'] }, /`accounts` must be a 12-digit account id, got: "12345"/],
    [{ resourceTypes: ['EC2 Instance'] }, /`resourceTypes` must be a resource type/],
    [{ findingTypePrefixes: ['Recon: EC2'] }, /`findingTypePrefixes` must be a finding type/],
    [{ findingTypes: ['Recon:EC2/Portscan'], excludeFindingTypes: ['Recon:EC2/PortProbeUnprotectedPort'] }, /`excludeFindingTypes` cannot be combined/],
  ] as Array<[guardduty.OnFindingOptions, RegExp]>)('bad options are refused at synth: %j', (options, message) => {
    expect(() => stackWith(options)).toThrow(message);
  });

  test('a detector of another account cannot have the rule: findings go to its own account', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: REGION } });
    const imported = guardduty.Detector.fromDetectorAttributes(stack, 'Member', { detectorId: 'abc', account: MEMBER });
    expect(() => imported.onFinding('Alert')).toThrow(/detector is in account 222222222222 and the stack in 111111111111/);
  });

  test('FindingSeverity.of refuses a score outside 1-10', () => {
    expect(() => guardduty.FindingSeverity.of(0.5)).toThrow(/1.0 to 10.0, got: 0.5/);
    expect(() => guardduty.FindingSeverity.of(11)).toThrow(/got: 11/);
  });
});
