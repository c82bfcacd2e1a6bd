import { App, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { attributesFromModel } from './finding-attributes.model';
import { aws_guardduty as guardduty } from '../../src';
import { documentedAttributes, timestampAttributes } from '../../src/private/finding-attributes';

const { Condition } = guardduty;

function setup() {
  const stack = new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
  const detector = new guardduty.Detector(stack, 'Detector');
  return { stack, detector };
}

test('renders typed criteria with numbers as strings, default action NOOP, DESTROY, tags', () => {
  const { stack, detector } = setup();
  const filter = detector.addFilter('Archive', {
    filterName: 'archive-portscans',
    rank: 3,
    description: 'Known scanners',
    findingCriteria: {
      'type': Condition.equalTo('Recon:EC2/Portscan'),
      'severity': Condition.between(2, 5),
      'updatedAt': Condition.after(new Date('2026-01-01T00:00:00Z')),
      'resource.instanceDetails.tags.key': Condition.matches('scanner*'),
    },
  });
  Tags.of(filter).add('owner', 'security');
  Template.fromStack(stack).hasResource('Custom::GuardDutyFilter', {
    Properties: {
      DetectorId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Detector'), 'DetectorId'] },
      Name: 'archive-portscans',
      Description: 'Known scanners',
      Action: 'NOOP',
      Rank: '3',
      FindingCriteria: {
        'type': { Equals: ['Recon:EC2/Portscan'] },
        'severity': { GreaterThanOrEqual: '2', LessThanOrEqual: '5' },
        'updatedAt': { GreaterThan: '1767225600000' },
        'resource.instanceDetails.tags.key': { Matches: ['scanner*'] },
      },
      Tags: { owner: 'security' },
    },
    DeletionPolicy: 'Delete',
  });
});

test('a default name is made from the path and fits the name rule', () => {
  const { stack, detector } = setup();
  detector.addFilter('A'.repeat(80), { findingCriteria: { severity: Condition.lessThan(4) } });
  const name = Object.values(Template.fromStack(stack).findResources('Custom::GuardDutyFilter'))[0].Properties.Name;
  expect(name).toMatch(/^[A-Za-z0-9._-]{3,64}$/);
});

test('filters of a detector are created in rank order (unranked last, in construction order)', () => {
  const { stack, detector } = setup();
  const c = detector.addFilter('C', { findingCriteria: { severity: Condition.lessThan(2) } });
  const b = detector.addFilter('B', { rank: 2, findingCriteria: { severity: Condition.lessThan(3) } });
  const a = detector.addFilter('A', { rank: 1, findingCriteria: { severity: Condition.lessThan(4) } });
  const template = Template.fromStack(stack);
  const id = (f: guardduty.Filter) => stack.getLogicalId(f.node.defaultChild!.node.defaultChild as any);
  const dependsOn = (f: guardduty.Filter) => template.toJSON().Resources[id(f)].DependsOn ?? [];
  expect(dependsOn(a)).not.toContain(id(b));
  expect(dependsOn(b)).toContain(id(a));
  expect(dependsOn(c)).toContain(id(b));
});

test.each([
  [{}, /`findingCriteria` must have at least one condition/],
  [{ severity: Condition.of({}) }, /findingCriteria\["severity"\]` must use at least one operator/],
  [{ type: Condition.equalTo() }, /findingCriteria\["type"\]`.equalTo must list at least one value/],
  [{ severity: Condition.greaterThan(6.5) }, /findingCriteria\["severity"\]`.greaterThan must be an integer .* got: 6.5/],
  [{ updatedAt: Condition.equalTo('2026-01-01') }, /"updatedAt" is a timestamp \(epoch milliseconds\) and takes only greaterThan/],
  [{ type: Condition.greaterThan(3) }, /"type" takes text values, and greaterThan compare numbers/],
  [{ severity: Condition.between(8, 2) }, /is an empty range: lower bound 8 is above upper bound 2/],
  [{ type: Condition.matches('a', 'b', 'c', 'd', 'e', 'f') }, /matches takes at most 5 patterns, got 6/],
])('criteria errors name the attribute: %#', (criteria, message) => {
  const { detector } = setup();
  expect(() => detector.addFilter('F', { findingCriteria: criteria as any })).toThrow(message);
});

test('an attribute the reference does not list is a warning, not an error', () => {
  const { stack, detector } = setup();
  detector.addFilter('F', { findingCriteria: { 'service.brandNewAttribute': Condition.equalTo('x') } });
  Annotations.fromStack(stack).hasWarning('/Stack/Detector/F', Match.stringLikeRegexp('"service.brandNewAttribute" is not in the GuardDuty API reference'));
});

test.each([
  [{ filterName: 'has space' }, /`filterName` must be letters, digits, "\.", "_" and "-" only \(no spaces\), got: "has space"/],
  [{ filterName: 'ab' }, /`filterName` must be 3-64 characters, got 2: "ab"/],
  [{ rank: 101 }, /`rank` must be an integer from 1 to 100, got: 101/],
  [{ description: 'x'.repeat(513) }, /`description` must be 0-512 characters/],
])('property errors: %#', (options, message) => {
  const { detector } = setup();
  expect(() => detector.addFilter('F', { findingCriteria: { severity: Condition.lessThan(4) }, ...options })).toThrow(message);
});

test('two filters of a detector with the same rank or name fail synthesis', () => {
  const { stack, detector } = setup();
  detector.addFilter('A', { filterName: 'same', rank: 1, findingCriteria: { severity: Condition.lessThan(4) } });
  detector.addFilter('B', { filterName: 'same', rank: 1, findingCriteria: { severity: Condition.lessThan(4) } });
  expect(() => Template.fromStack(stack)).toThrow(/`rank` 1 is also the rank of Stack\/Detector\/A[\s\S]*`filterName` "same" is also the name of Stack\/Detector\/A/);
});

test('more than 100 filters for one detector fail synthesis', () => {
  const { stack, detector } = setup();
  for (let i = 0; i < 101; i++) detector.addFilter(`F${i}`, { findingCriteria: { severity: Condition.lessThan(4) } });
  expect(() => Template.fromStack(stack)).toThrow(/GuardDuty allows 100 filters per account and Region; this stack gives the detector 101/);
});

test('fromFilterAttributes builds the filter ARN', () => {
  const { stack } = setup();
  const f = guardduty.Filter.fromFilterAttributes(stack, 'F', { detectorId: 'abc', filterName: 'x' });
  expect(stack.resolve(f.filterArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':guardduty:eu-west-1:111111111111:detector/abc/filter/x']] });
});

test('the library\'s attribute list equals the vendored model\'s', () => {
  const model = attributesFromModel();
  expect(documentedAttributes()).toEqual(model.attributes);
  expect(timestampAttributes()).toEqual(model.timestamps);
  expect(model.timestamps).toContain('updatedAt');
});

describe('an ARCHIVE filter that archives every finding is a warning, naming the criterion', () => {
  const warnings = (criteria: Record<string, guardduty.Condition>, action = guardduty.FilterAction.ARCHIVE) => {
    const { stack, detector } = setup();
    detector.addFilter('Filter', { action, findingCriteria: criteria });
    return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('archives every finding')).map((w) => String(w.entry.data));
  };
  test.each([
    [{ severity: guardduty.Condition.greaterThanOrEqual(0) }, '{"greaterThanOrEqual":0}'],
    [{ severity: guardduty.Condition.greaterThan(0) }, '{"greaterThan":0}'],
    [{ severity: guardduty.Condition.lessThan(11) }, '{"lessThan":11}'],
    [{ severity: guardduty.Condition.of({ greaterThanOrEqual: 1, lessThanOrEqual: 10 }) }, '{"greaterThanOrEqual":1,"lessThanOrEqual":10}'],
  ])('%j', (criteria, named) => {
    const found = warnings(criteria);
    expect(found).toEqual([expect.stringContaining(`\`findingCriteria["severity"]\` (${named}) matches every severity from 1 to 10`)]);
    expect(found[0]).toContain('[ack: cdk-threat-detection:filterArchivesEverything]');
  });
  test.each<[string, Record<string, guardduty.Condition>, RegExp]>([
    ['a time from 1970', { updatedAt: guardduty.Condition.greaterThanOrEqual(0) },
      /`findingCriteria\["updatedAt"\]` \(\{"greaterThanOrEqual":0\}\) matches every finding from now on/],
    ['an update time after a past date', { updatedAt: guardduty.Condition.after(new Date('2024-01-01T00:00:00Z')) }, /matches every finding from now on/],
    ['a confidence from 0', { confidence: guardduty.Condition.greaterThanOrEqual(0) }, /matches every confidence from 0 to 10/],
    ['severity and first-seen time together', {
      'severity': guardduty.Condition.greaterThan(0),
      'service.eventFirstSeen': guardduty.Condition.after(new Date(0)),
    }, /criteria `findingCriteria\["severity"\]` .* matches every severity from 1 to 10; `findingCriteria\["service\.eventFirstSeen"\]` .* matches every finding from now on/],
    ['a count from 1', { 'service.count': guardduty.Condition.greaterThanOrEqual(1) }, /matches every count from 1/],
  ])('through other criteria: %s', (_name, criteria, message) => {
    expect(warnings(criteria)).toEqual([expect.stringMatching(message)]);
  });
  test.each([
    [{ severity: guardduty.Condition.lessThan(4) }],
    [{ severity: guardduty.Condition.greaterThanOrEqual(2) }],
    [{ severity: guardduty.Condition.greaterThanOrEqual(0), type: guardduty.Condition.equalTo('Recon:EC2/Portscan') }],
    [{ updatedAt: guardduty.Condition.lessThan(1_700_000_000_000) }], // only findings last updated before 2023
    [{ confidence: guardduty.Condition.greaterThanOrEqual(0), resourceType: guardduty.Condition.equalTo('Instance') }],
    [{ 'service.action.networkConnectionAction.localPortDetails.port': guardduty.Condition.greaterThanOrEqual(0) }], // not every finding has it
  ])('no warning for %j', (criteria) => {
    expect(warnings(criteria)).toEqual([]);
  });
  test('a NOOP filter that matches everything archives nothing: no warning', () => {
    expect(warnings({ severity: guardduty.Condition.greaterThanOrEqual(0) }, guardduty.FilterAction.NOOP)).toEqual([]);
  });
});
