/**
 * One way to find a detector's siblings (src/private/siblings.ts), tested through the constructs
 * that use it, with an owned detector, the same detector imported twice, and two detectors: quotas,
 * overlaps and write ordering all key a detector the same way.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { aws_guardduty as guardduty, MemberAccountSource } from '../../src';

const { OrganizationAutoEnable, ListSource } = guardduty;

type DetectorOf = (scope: Stack, n: number) => guardduty.IDetector;
const owned: DetectorOf = (() => {
  const cache = new WeakMap<Stack, guardduty.IDetector>();
  return (scope) => cache.get(scope) ?? (cache.set(scope, new guardduty.Detector(scope, 'Detector')), cache.get(scope)!);
})();
const importedTwice: DetectorOf = (scope, n) => guardduty.Detector.fromDetectorId(scope, `Imported${n}`, 'abc123');
const importedByAttributes: DetectorOf = (scope, n) => guardduty.Detector.fromDetectorAttributes(scope, `ByAttributes${n}`, { detectorId: 'abc123' });

function stack(): Stack {
  return new Stack(new App(), 'Stack', { env: { account: '222222222222', region: 'eu-west-1' } });
}

function errors(s: Stack): string {
  try {
    Template.fromStack(s);
    return '';
  } catch (e) {
    return String(e);
  }
}

describe.each([
  ['an owned detector', owned],
  ['the same detector imported twice', importedTwice],
  ['the same detector imported by id and by attributes', (s: Stack, n: number) => (n === 1 ? importedTwice : importedByAttributes)(s, n)],
] as Array<[string, DetectorOf]>)('%s', (_name, detectorOf) => {
  test('two organization configurations managing one plan: an error naming the other', () => {
    const s = stack();
    new guardduty.OrganizationConfiguration(s, 'A', { detector: detectorOf(s, 1), features: { s3DataEvents: OrganizationAutoEnable.ALL } });
    new guardduty.OrganizationConfiguration(s, 'B', { detector: detectorOf(s, 2), features: { s3DataEvents: OrganizationAutoEnable.NEW } });
    expect(errors(s)).toMatch(/Stack\/B.*features S3_DATA_EVENTS are also managed by Stack\/A for the same detector/s);
  });

  test('settings writers of the detector run one at a time, in construction order', () => {
    const s = stack();
    new guardduty.OrganizationConfiguration(s, 'A', { detector: detectorOf(s, 1), autoEnableOrganizationMembers: OrganizationAutoEnable.ALL });
    new guardduty.MemberAccounts(s, 'Members', { detector: detectorOf(s, 2), accounts: MemberAccountSource.fromOrganization() });
    new guardduty.OrganizationConfiguration(s, 'B', { detector: detectorOf(s, 3), features: { s3DataEvents: OrganizationAutoEnable.ALL } });
    const resources = Template.fromStack(s).toJSON().Resources;
    const id = (prefix: string) => Object.keys(resources).find((k) => k.startsWith(prefix) && resources[k].Type.startsWith('Custom::'))!;
    expect(resources[id('Members')].DependsOn).toContain(id('A'));
    expect(resources[id('B')].DependsOn).toContain(id('Members'));
  });

  test('a second IPSet of the detector is over the quota of one', () => {
    const s = stack();
    new guardduty.IpSet(s, 'One', { detector: detectorOf(s, 1), source: ListSource.fromEntries(['203.0.113.0/24']) });
    new guardduty.IpSet(s, 'Two', { detector: detectorOf(s, 2), source: ListSource.fromEntries(['198.51.100.0/24']) });
    expect(errors(s)).toMatch(/GuardDuty allows 1 trusted IP list \(IPSet\) per account and Region; this stack gives the detector 2: Stack\/One, Stack\/Two/);
  });

  test('two filters of the detector with one name: an error', () => {
    const s = stack();
    const criteria = { severity: guardduty.Condition.greaterThanOrEqual(7) };
    new guardduty.Filter(s, 'F1', { detector: detectorOf(s, 1), filterName: 'same', findingCriteria: criteria });
    new guardduty.Filter(s, 'F2', { detector: detectorOf(s, 2), filterName: 'same', findingCriteria: criteria });
    expect(errors(s)).toMatch(/`filterName` "same" is also the name of Stack\/F1/);
  });
});

test('two different detectors are not siblings', () => {
  const s = stack();
  const a = guardduty.Detector.fromDetectorId(s, 'A', 'aaa');
  const b = guardduty.Detector.fromDetectorId(s, 'B', 'bbb');
  new guardduty.OrganizationConfiguration(s, 'ConfigA', { detector: a, features: { s3DataEvents: OrganizationAutoEnable.ALL } });
  new guardduty.OrganizationConfiguration(s, 'ConfigB', { detector: b, features: { s3DataEvents: OrganizationAutoEnable.ALL } });
  new guardduty.IpSet(s, 'SetA', { detector: a, source: ListSource.fromEntries(['203.0.113.0/24']) });
  new guardduty.IpSet(s, 'SetB', { detector: b, source: ListSource.fromEntries(['203.0.113.0/24']) });
  expect(errors(s)).toBe('');
  const resources = Template.fromStack(s).toJSON().Resources;
  const configB = Object.keys(resources).find((k) => k.startsWith('ConfigB') && resources[k].Type.startsWith('Custom::'))!;
  expect(resources[configB].DependsOn ?? []).not.toEqual(expect.arrayContaining([expect.stringMatching(/^ConfigA/)]));
});

test('writers of one detector in two stacks are chained within each stack only: no dependency across stacks, no cycle', () => {
  const app = new App();
  const env = { account: '222222222222', region: 'eu-west-1' };
  const a = new Stack(app, 'A', { env });
  const b = new Stack(app, 'B', { env });
  const detector = new guardduty.Detector(a, 'Detector');
  new guardduty.OrganizationConfiguration(a, 'InA', { detector, autoEnableOrganizationMembers: OrganizationAutoEnable.ALL });
  new guardduty.OrganizationConfiguration(b, 'InB', { detector, features: { s3DataEvents: OrganizationAutoEnable.ALL } });
  new guardduty.MemberAccounts(b, 'MembersInB', { detector, accounts: MemberAccountSource.fromOrganization() });
  // B uses A's detector id (B depends on A); had the library chained B's writers after A's, a user's
  // dependency of A on B would make a cycle. Synthesis of both succeeds, and B's second writer waits for its first.
  const templateB = Template.fromStack(b).toJSON().Resources;
  expect(Template.fromStack(a).toJSON()).toBeDefined();
  const id = (prefix: string) => Object.keys(templateB).find((k) => k.startsWith(prefix) && templateB[k].Type.startsWith('Custom::'))!;
  // (and for its handler's grant to continue in new invocations, in the stack's resource-reads policy)
  const resourceReads = Object.keys(templateB).find((k) => k.startsWith('CdkThreatDetectionProviderResourceReadsPolicy'))!;
  expect(templateB[id('MembersInB')].DependsOn).toEqual([resourceReads, id('InB')].sort());
  expect(templateB[id('InB')].DependsOn).toBeUndefined();
  expect(b.dependencies.map((s) => s.stackName)).toEqual(['A']);
  expect(a.dependencies).toEqual([]);
});
