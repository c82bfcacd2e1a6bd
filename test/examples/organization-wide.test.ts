/**
 * The organization-wide part of the example (`examples/landing-zone/organization-wide.ts`, which
 * `npx projen example` replays with its coverage matrix): its stacks, and that adding a Region
 * changes nothing but that Region's two stacks.
 */
import { App } from 'aws-cdk-lib';
import { ADDED_REGION, buildOrganizationWide, INITIAL_REGIONS, ORGANIZATION_WIDE, UPDATED_REGIONS } from '../../examples/landing-zone/organization-wide';

/** Each stack's name and template, from a fresh synth of the Regions. */
function templates(regions: string[]): Map<string, string> {
  const app = new App();
  buildOrganizationWide(app, regions);
  const stage = app.synth().nestedAssemblies[0].nestedAssembly;
  return new Map(stage.stacks.map((s) => [s.stackName, JSON.stringify(s.template)]));
}

test('17 Regions, two stacks each, and the home Region\'s export stack; Detective everywhere but ap-northeast-3', () => {
  const initial = templates(INITIAL_REGIONS);
  expect(INITIAL_REGIONS).toHaveLength(17);
  expect(initial.size).toBe(35);
  expect(initial.has('ThreatDetection-FindingsExport-eu-west-1')).toBe(true);
  expect(initial.get('ThreatDetection-Management-ap-northeast-3')).not.toContain('Custom::DetectiveOrganizationAdminAccount');
  expect(initial.get('ThreatDetection-Management-eu-west-1')).toContain('Custom::DetectiveOrganizationAdminAccount');
});

test('adding a Region adds its two stacks and changes no other stack but the export\'s: its policies and a cross-Region reference', () => {
  const initial = templates(INITIAL_REGIONS);
  const updated = templates(UPDATED_REGIONS);
  const added = [...updated.keys()].filter((name) => !initial.has(name));
  expect(added.sort()).toEqual([`ThreatDetection-Administrator-${ADDED_REGION}`, `ThreatDetection-Management-${ADDED_REGION}`]);
  const changed = [...initial.keys()].filter((name) => updated.get(name) !== initial.get(name));
  expect(changed).toEqual(['ThreatDetection-FindingsExport-eu-west-1']);
  const before = JSON.parse(initial.get('ThreatDetection-FindingsExport-eu-west-1')!).Resources;
  const after = JSON.parse(updated.get('ThreatDetection-FindingsExport-eu-west-1')!).Resources;
  const differs = Object.keys(after).filter((id) => JSON.stringify(after[id]) !== JSON.stringify(before[id]));
  // Key and bucket policies; aws-cdk-lib's writer of the new Region's parameters, and its role, now allowed there.
  expect(differs.map((id) => after[id].Type).sort()).toEqual(['AWS::IAM::Role', 'AWS::KMS::Key', 'AWS::S3::BucketPolicy', 'Custom::CrossRegionExportWriter']);
  // The opt-in Region's own principal, in both policies.
  expect(JSON.stringify(after)).toContain(`guardduty.${ADDED_REGION}.amazonaws.com`);
  expect(JSON.stringify(before)).not.toContain(`guardduty.${ADDED_REGION}.amazonaws.com`);
});

test('the organization the replay runs it in: the workload account has not enabled the added opt-in Region', () => {
  expect(ORGANIZATION_WIDE.accounts?.filter((a) => a.disabledRegions?.length).map((a) => [a.name, a.disabledRegions])).toEqual([['workload', [ADDED_REGION]]]);
});
