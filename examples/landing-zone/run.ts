/**
 * `npx projen example`: synthesize the landing zone, then replay it against the local GuardDuty,
 * Detective and Organizations API through the bundled handler, as each account: create, update (a
 * feature, the finding frequency, a filter, the threat list's entries, the organization's
 * auto-enable setting, one more OU of members and one more Detective datasource package), delete;
 * printing what the services hold after each step.
 *
 * Then the same organization in every Region (`organization-wide.ts`): the 17 default Regions,
 * deployed eight stacks at a time, updated with an opt-in Region the workload account has not
 * enabled, and torn down, with the coverage of each (Region, service) after each step.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildLandingZone, INITIAL, LandingZoneSettings, UPDATED } from './app';
import { ORGANIZATION } from './organization';
import { buildOrganizationWide, INITIAL_REGIONS, ORGANIZATION_WIDE, UPDATED_REGIONS } from './organization-wide';
import { declaredAccounts, formatCoverage, printState, readCoverage, ReplayEvent, replayLandingZone } from '../../replay/src';

const ACCOUNTS = declaredAccounts(ORGANIZATION);

function synth(settings: LandingZoneSettings): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landing-zone-'));
  const app = new App({ outdir: dir });
  buildLandingZone(app, settings);
  app.synth();
  return dir;
}

function printEvent(e: ReplayEvent): void {
  const reason = e.reason ? ` (${e.reason})` : '';
  console.log(`  ${e.stack} ${e.requestType} ${e.resourceType} ${e.logicalId}: ${e.status} ${e.physicalId}${reason}`);
}

async function main(): Promise<void> {
  const initial = synth(INITIAL);
  const updated = synth(UPDATED);
  const titles: Record<string, string> = {
    before: 'Before (the organization exists; GuardDuty is off everywhere)',
    1: 'After create',
    2: 'After update',
    destroy: 'After delete',
  };
  // The replay API the `replay` command runs: the organization, create, update, destroy.
  const result = await replayLandingZone({
    organization: ORGANIZATION,
    assemblies: [initial, updated],
    onEvent: printEvent,
    onStep: async (step, stepApi) => {
      console.log(`\n${titles[step.kind === 'deploy' ? step.assemblyIndex! : step.kind]}:`);
      await printState(stepApi, ACCOUNTS, step.region, (line) => console.log(line));
      if (step.kind === 'before') console.log('\n1. Create (cdk deploy)');
      if (step.kind === 'deploy' && step.assemblyIndex === 1) {
        console.log('\n2. Update: Lambda Protection on, findings every 15 minutes, archive below severity 4, one more known-bad range, '
          + 'auto-enable ALL accounts, the sandbox OU enrolled in both services, and Security Hub findings ingested by Detective');
      }
      if (step.kind === 'deploy' && step.assemblyIndex === 2) console.log('\n3. Delete (cdk destroy)');
    },
  });
  const { api } = result;
  try {
    if (!result.ok) throw new Error(`the example failed: ${result.failures.map((f) => f.message).join('; ')}`);
    const calls = api.calls.filter((c) => c.service === 'guardduty');
    const detectiveCalls = api.calls.filter((c) => c.service === 'detective');
    const organizationCalls = api.calls.filter((c) => c.service === 'organizations');
    const errors = [...calls, ...detectiveCalls].filter((c) => c.status >= 400).map((c) => `${c.service} ${c.operation}`);
    const byAccount = (list: typeof calls) => [...ACCOUNTS]
      .map(([id, name]) => `${name} ${list.filter((c) => c.account === id).length}`).join(', ');
    console.log(`\n${result.events.length} custom resource events; ${calls.length} GuardDuty API calls (${byAccount(calls)}), `
      + `${detectiveCalls.length} Detective API calls (${byAccount(detectiveCalls)}) and ${organizationCalls.length} AWS Organizations calls; `
      + `${errors.length} answered with an error, as designed (${errors.join(', ')}): "detector already exists" for each adopted `
      + 'detector, and "no such resource" once a deleted set is gone');
    const wall = (events: typeof result.events) => {
      const ms = events.map((e) => e.durationMs).sort((a, b) => a - b);
      return `${Math.round(ms.reduce((a, b) => a + b, 0) / Math.max(ms.length, 1))} ms on average, median ${ms[Math.floor(ms.length / 2)] ?? 0} ms`;
    };
    const cold = result.events.filter((e) => e.coldStart);
    const warm = result.events.filter((e) => !e.coldStart);
    const waited = result.events.reduce((sum, e) => sum + e.waitedMs, 0);
    console.log(`Replay: ${cold.length} cold starts (${wall(cold)}) and ${warm.length} events in a warm handler process (${wall(warm)}); `
      + `the handlers' waits took ${(waited / 1000).toFixed(1)} s on the emulator's clock and no real time`);
    const handlerCalls = api.calls.filter((c) => c.principal.includes(':assumed-role/'));
    const decisions = handlerCalls.flatMap((c) => c.authorization);
    console.log(`IAM: each handler ran as its role with the policies its stack deployed; ${handlerCalls.length} calls, `
      + `${decisions.length} authorization decisions (${decisions.filter((d) => d.dependentOf).length} checked by the services in the `
      + `caller's name), ${decisions.filter((d) => d.decision !== 'Allowed').length} denied`);
    fs.rmSync(initial, { recursive: true, force: true });
    fs.rmSync(updated, { recursive: true, force: true });
  } finally {
    await result.close();
  }
}

/** Part 2: the organization in every Region, from one construct. */
async function organizationWide(): Promise<void> {
  const dirs = [INITIAL_REGIONS, UPDATED_REGIONS].map((regions) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'organization-wide-'));
    const app = new App({ outdir: dir });
    buildOrganizationWide(app, regions);
    app.synth();
    return dir;
  });
  console.log(`\n\nThe organization in every Region: OrganizationThreatDetection in a Stage, ${INITIAL_REGIONS.length} Regions, `
    + 'deployed eight stacks at a time (cdk deploy --all --concurrency 8), the home Region\'s delegation first');
  const titles: Record<string, string> = { before: 'Before', 1: 'After create', 2: `After update (${UPDATED_REGIONS.at(-1)} added)`, destroy: 'After delete' };
  let failedCoverage = 0;
  const result = await replayLandingZone({
    organization: ORGANIZATION_WIDE,
    assemblies: dirs,
    concurrency: 8,
    onStep: async (step, stepApi) => {
      const rows = await readCoverage(stepApi, ORGANIZATION_WIDE.managementAccount.id, step.assemblyIndex === 1 ? INITIAL_REGIONS : UPDATED_REGIONS);
      if (step.kind === 'deploy') {
        failedCoverage += rows.filter((r) => !r.guardDuty.administrator || r.guardDuty.autoEnable !== 'ALL' || (r.guardDuty.exports ?? 0) !== 1
          || (r.detective.available && !r.detective.administrator)).length;
      }
      console.log(`\n${titles[step.kind === 'deploy' ? step.assemblyIndex! : step.kind]}:`);
      formatCoverage(rows).forEach((line) => console.log(line));
    },
  });
  try {
    if (!result.ok || failedCoverage > 0) {
      throw new Error(`the organization-wide example failed (${failedCoverage} Regions not covered): ${result.failures.map((f) => f.message).join('; ')}`);
    }
    const waited = result.events.reduce((sum, e) => sum + e.waitedMs, 0);
    console.log(`\n${result.events.length} custom resource events, ${result.api.calls.length} API calls; the handlers' waits took `
      + `${(waited / 1000).toFixed(0)} s on the emulator's clock; the workload account is RegionDisabled in ${UPDATED_REGIONS.at(-1)} `
      + '(it has not enabled that opt-in Region), reported, not a failure');
  } finally {
    await result.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(organizationWide).catch((err) => {
  console.error(err);
  process.exit(1);
});
