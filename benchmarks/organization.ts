/**
 * What `OrganizationThreatDetection` costs across Regions, with figures, not assertions:
 *
 * - synth: stacks, templates' total size and synth time, for the 17 default Regions and all 34
 *   GuardDuty Regions of the commercial partition (opt-in included), with the central export and
 *   findings forwarded to the home Region;
 * - replay of the 17-Region organization in a Stage (create and destroy, delegations under
 *   DESTROY): custom resource events, API calls, the handlers' waits on the emulator's clock, and
 *   the wall time with stacks deployed one at a time and eight at a time.
 *
 * Fails when a replay does not end with every Region delegated and configured.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, RemovalPolicy, Stage } from 'aws-cdk-lib';
import { OrganizationDescription, readCoverage, replayLandingZone } from '../replay/src';
import { OrganizationThreatDetection } from '../src';

const MANAGEMENT = '111111111111';
const ADMIN = '222222222222';
const ORGANIZATION: OrganizationDescription = {
  managementAccount: { id: MANAGEMENT, email: 'management@example.com', name: 'management' },
  accounts: [
    { id: ADMIN, email: 'security@example.com', name: 'security' },
    { id: '333333333333', email: 'workload@example.com', name: 'workload' },
  ],
};

function synth(regions: string[]): { dir: string; stacks: number; bytes: number; ms: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'organization-benchmark-'));
  const started = performance.now();
  const app = new App({ outdir: dir });
  const stage = new Stage(app, 'Prod');
  const td = new OrganizationThreatDetection(stage, 'TD', {
    managementAccount: MANAGEMENT,
    administratorAccount: ADMIN,
    homeRegion: 'us-east-1',
    regions,
    findingsExport: { removalPolicy: RemovalPolicy.DESTROY },
    delegationRemovalPolicy: RemovalPolicy.DESTROY,
  });
  td.onFinding('Findings');
  const assembly = app.synth();
  const ms = performance.now() - started;
  const stages = assembly.nestedAssemblies.map((n) => n.nestedAssembly);
  const stackArtifacts = stages.flatMap((s) => s.stacks);
  const bytes = stackArtifacts.reduce((sum, s) => sum + fs.statSync(s.templateFullPath).size, 0);
  return { dir, stacks: stackArtifacts.length, bytes, ms };
}

async function replay(dir: string, regions: string[], concurrency: number): Promise<string> {
  const started = performance.now();
  let covered = 0;
  const result = await replayLandingZone({
    organization: ORGANIZATION,
    assemblies: [dir],
    concurrency,
    onStep: async (step, api) => {
      if (step.kind !== 'deploy') return;
      const rows = await readCoverage(api, MANAGEMENT, regions);
      covered = rows.filter((r) => r.guardDuty.administrator === ADMIN && r.guardDuty.autoEnable === 'ALL'
        && r.guardDuty.exports === 1 && (!r.detective.available || r.detective.administrator === ADMIN)).length;
    },
  });
  const wallMs = performance.now() - started;
  try {
    if (!result.ok || covered !== regions.length) {
      throw new Error(`the ${regions.length}-Region replay failed (${covered} Regions covered): ${result.failures.map((f) => f.message).join('; ')}`);
    }
    const waited = result.events.reduce((sum, e) => sum + e.waitedMs, 0);
    return `${result.events.length} events, ${result.api.calls.length} API calls, handlers' waits ${(waited / 1000).toFixed(0)} s of emulator time, `
      + `${(wallMs / 1000).toFixed(1)} s wall`;
  } finally {
    await result.close();
  }
}

async function main(): Promise<void> {
  const defaults = OrganizationThreatDetection.guardDutyRegions();
  const all = OrganizationThreatDetection.guardDutyRegions({ includeOptInRegions: true });
  // Warm-up: the first synth of a process also loads and compiles aws-cdk-lib's modules.
  fs.rmSync(synth(['us-east-1']).dir, { recursive: true, force: true });
  console.log('OrganizationThreatDetection, synth (one Stage, after a warm-up synth):');
  const synthed: Record<number, ReturnType<typeof synth>> = {};
  for (const regions of [defaults, all]) {
    const s = synth(regions);
    synthed[regions.length] = s;
    console.log(`  ${regions.length} Regions: ${s.stacks} stacks, ${(s.bytes / 1024).toFixed(0)} KiB of templates `
      + `(${(s.bytes / s.stacks / 1024).toFixed(1)} KiB per stack), synth ${(s.ms / 1000).toFixed(2)} s`);
  }
  console.log(`Replay of the ${defaults.length}-Region organization (create, destroy), through the bundled handler:`);
  for (const concurrency of [1, 8]) {
    console.log(`  --concurrency ${concurrency}: ${await replay(synthed[defaults.length].dir, defaults, concurrency)}`);
  }
  for (const s of Object.values(synthed)) fs.rmSync(s.dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
