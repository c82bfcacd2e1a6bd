/**
 * What the sweeps share: the landing-zone example synthesized into a temporary cloud assembly (with
 * the stacks in deployment order), and one local API for a sweep file, the handler's logs kept out
 * of the output.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import {
  buildLandingZone, LandingZoneSettings, MANAGEMENT_ACCOUNT, REGION, SECURITY_ACCOUNT, VENDED_ACCOUNT, WORKLOAD_ACCOUNT,
} from '../../examples/landing-zone/app';
import { SANDBOX_ACCOUNTS } from '../../examples/landing-zone/organization';
import { LocalApi, replayTimeout } from '../../replay/src';

/**
 * The timeout of one test of the example's lifecycle: deploy, update and destroy (56 events), and
 * a second deployment or a rollback on top (see `replayTimeout`).
 */
export const LIFECYCLE_TIMEOUT_MS = replayTimeout(2 * 56);

/** A synthesized landing zone: its assembly folder and its stacks in deployment order. */
export interface SynthesizedLandingZone {
  readonly dir: string;
  readonly stacks: string[];
}

/** Synthesize the example with the given settings into a new temporary folder. */
export function synthLandingZone(settings: LandingZoneSettings, prefix: string): SynthesizedLandingZone {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const app = new App({ outdir: dir });
  const stacks = buildLandingZone(app, settings).map((s) => s.stackName);
  app.synth();
  return { dir, stacks };
}

/**
 * Register the sweep file's hooks: a local API started before its tests and stopped after, the
 * assemblies' folders removed, and `summary()` printed at the end. Returns the API's accessor.
 */
export function sweepFixture(assemblies: ReadonlyArray<SynthesizedLandingZone>, summary: () => string): () => LocalApi {
  let api: LocalApi | undefined;
  beforeAll(async () => {
    api = await new LocalApi().start();
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterAll(async () => {
    await api?.stop();
    for (const a of assemblies) fs.rmSync(a.dir, { recursive: true, force: true });
    process.stdout.write(summary());
  });
  return () => {
    if (!api) throw new Error('the local API is started in beforeAll');
    return api;
  };
}

/** The landing zone's accounts whose services the sweeps compare. */
export const SWEPT_ACCOUNTS = [MANAGEMENT_ACCOUNT, SECURITY_ACCOUNT, WORKLOAD_ACCOUNT, VENDED_ACCOUNT, ...SANDBOX_ACCOUNTS];

const sorted = <T>(items: T[]) => [...items].map((i) => JSON.stringify(i)).sort();

/** What the services hold for the landing zone's accounts, without timestamps or generated ids (the sweeps compare it before and after a rollback). */
export function servicesState(api: LocalApi): any {
  const gd = api.guardduty;
  return {
    guardDutyAdministrator: gd.multiAccount.delegatedAdministrator(REGION) ?? null,
    detectiveAdministrator: api.detective.organizationAdministrator(REGION) ?? null,
    accounts: Object.fromEntries(SWEPT_ACCOUNTS.map((account) => {
      const detectors = gd.detectors(account, REGION).map((d) => ({
        status: d.status,
        frequency: d.findingPublishingFrequency,
        features: sorted([...d.features].map(([name, f]) => `${name}=${f.status}${[...f.additional].map(([n, a]) => ` ${n}=${a.status}`).join('')}`)),
        tags: d.tags,
        filters: d.filters.map((f) => f.name),
        ipSets: [...d.ipSets.values()].filter((s) => s.status !== 'DELETED').map((s) => s.name),
        threatIntelSets: [...d.threatIntelSets.values()].filter((s) => s.status !== 'DELETED').map((s) => s.name),
        destinations: [...d.destinations.values()].map((x) => x.destinationArn),
        organizationConfiguration: (() => {
          try {
            const c = gd.multiAccount.organizationConfiguration(account, REGION);
            return { members: c.autoEnableOrganizationMembers, features: sorted([...c.features].map(([n, f]) => `${n}=${f.autoEnable}`)) };
          } catch {
            return null;
          }
        })(),
      }));
      const graph = api.detective.graph(account, REGION);
      return [account, {
        detectors,
        members: sorted(gd.multiAccount.members(account, REGION).map((m) => `${m.accountId} ${m.status}`)),
        administrator: gd.multiAccount.administrator(account, REGION)?.accountId ?? null,
        // Datasource packages are not compared: a started one cannot be stopped through the API.
        graph: graph ? { tags: graph.tags, autoEnable: graph.autoEnable, members: sorted([...graph.members.values()].map((m) => `${m.accountId} ${m.status}`)) } : null,
        memberships: sorted(api.detective.memberships(account, REGION).map((m) => `${m.graphArn} ${m.status}`)),
        malwareProtectionPlans: sorted(gd.malwareProtection.of(account, REGION).map((p) => p.bucketName)),
      }];
    })),
  };
}
