/**
 * The organization construct replayed across Regions through the real bundled handler: a Stage
 * (as CDK Pipelines deploys it) with three Regions, one of them (ap-northeast-3) without
 * Detective. Every Region ends delegated and configured in GuardDuty, Detective where it exists,
 * and no call reaches a service in a Region where it has no endpoint.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, RemovalPolicy, Stage } from 'aws-cdk-lib';
import { formatCoverage, OrganizationDescription, readCoverage, replayLandingZone, replayTimeout } from '../replay/src';
import { OrganizationThreatDetection } from '../src';

const MANAGEMENT = '111111111111';
const ADMIN = '222222222222';
const WORKLOAD = '333333333333';
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-northeast-3'];

const ORGANIZATION: OrganizationDescription = {
  managementAccount: { id: MANAGEMENT, email: 'management@example.com', name: 'management' },
  accounts: [
    { id: ADMIN, email: 'security@example.com', name: 'security' },
    { id: WORKLOAD, email: 'workload@example.com', name: 'workload' },
  ],
};

function synth(regions: string[]): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'organization-'));
  const app = new App({ outdir });
  const stage = new Stage(app, 'Prod');
  new OrganizationThreatDetection(stage, 'TD', {
    managementAccount: MANAGEMENT,
    administratorAccount: ADMIN,
    homeRegion: 'eu-west-1',
    regions,
    delegationRemovalPolicy: RemovalPolicy.DESTROY,
  });
  app.synth();
  return outdir;
}

test('a Stage of three Regions: delegated and configured everywhere, Detective where it exists, then torn down', async () => {
  const assembly = synth(REGIONS);
  const coverage: Record<string, string[]> = {};
  const result = await replayLandingZone({
    organization: ORGANIZATION,
    assemblies: [assembly],
    onStep: async (step, api) => {
      coverage[step.kind] = formatCoverage(await readCoverage(api, MANAGEMENT, step.regions));
    },
  });
  try {
    expect(result.failures.map((f) => f.message)).toEqual([]);
    expect(result.ok).toBe(true);
    const rows = await readCoverage(result.api, MANAGEMENT, REGIONS);
    // After the destroy (delegations under DESTROY): nothing delegated anywhere.
    expect(rows.map((r) => [r.region, r.guardDuty.administrator, r.detective.available, r.detective.administrator]))
      .toEqual([['eu-west-1', undefined, true, undefined], ['us-east-1', undefined, true, undefined], ['ap-northeast-3', undefined, false, undefined]]);
    expect(coverage.deploy).toEqual([
      '  Region          GuardDuty | Detective',
      `  eu-west-1       admin ${ADMIN}, auto-enable ALL, 1 members, 0 export(s) | admin ${ADMIN}, auto-enable true, 0 members`,
      `  us-east-1       admin ${ADMIN}, auto-enable ALL, 1 members, 0 export(s) | admin ${ADMIN}, auto-enable true, 0 members`,
      // The last Region's auto-enable has not reached the workload account yet ("up to 24 hours").
      `  ap-northeast-3  admin ${ADMIN}, auto-enable ALL, 0 members (+1 pending), 0 export(s) | not available`,
    ]);
    // The stacks went in dependency order: the home Region's delegation first.
    const creates = result.events.filter((e) => e.requestType === 'Create');
    expect(creates.slice(0, 2).map((e) => [e.stack, e.resourceType])).toEqual([
      [expect.stringMatching(/^ProdTDManagementeuwest1/), 'Custom::GuardDutyOrganizationAdminAccount'],
      [expect.stringMatching(/^ProdTDManagementeuwest1/), 'Custom::DetectiveOrganizationAdminAccount'],
    ]);
    // No call to a service where it has no endpoint, and none denied.
    expect(result.api.calls.filter((c) => c.status === 0)).toEqual([]);
    expect(result.api.calls.flatMap((c) => c.authorization).filter((d) => d.decision !== 'Allowed')).toEqual([]);
  } finally {
    await result.close();
    fs.rmSync(assembly, { recursive: true, force: true });
  }
}, replayTimeout(40));
