/**
 * Replay a landing zone's cloud assemblies against the local API: the organization set up from
 * its description, the first assembly deployed stack by stack (each as its own account, in the
 * manifest's dependency order, as `cdk deploy --all` would), each next assembly deployed as an
 * update, then every stack destroyed in reverse (as `cdk destroy --all`). A stack that fails
 * stops the deployment of the stacks after it, as the CDK CLI stops; the destroy still runs.
 *
 * The typed API behind the `replay` command (`./cli.ts`) and the repository's example.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalApi } from './local-api/server';
import { applyOrganization, checkOrganization, declaredAccounts, OrganizationDescription } from './organization-file';
import { CloudFormationReplay, DeploymentFailed, ReplayEvent } from './replay';

/**
 * Faults the local API injects into GuardDuty, Detective and AWS Organizations (each service
 * counted apart), to see a landing zone survive them. CloudFormation's own API is left alone.
 */
export interface ReplayFaults {
  /** The first N calls to each service are answered `ThrottlingException`; the SDK retries them. */
  readonly throttle?: number;
  /** The first N calls to each service are answered with the service's 5xx, without running. */
  readonly serverErrors?: number;
  /** The first N calls to each service run, then are answered with a 5xx: the caller cannot tell they took effect. */
  readonly lostAnswers?: number;
  /** Read-after-write lag of list operations (a resource made is listed this much later), ms. */
  readonly listLagMs?: number;
  /** How long asynchronous transitions take (list activation, member enablement, deletions), ms. */
  readonly settleMs?: number;
}

/** The services faults go to (signing names). */
const FAULTED_SERVICES = ['guardduty', 'detective', 'organizations'];

/** A step of the replay, for `onStep`. */
export interface ReplayStep {
  /** `before` (the organization set up), `deploy` (an assembly), `destroy`. */
  readonly kind: 'before' | 'deploy' | 'destroy';
  /** 1-based index of the assembly deployed (deploy steps). */
  readonly assemblyIndex?: number;
  readonly assembly?: string;
  /** The stacks in the order they were (or were to be) deployed or destroyed. */
  readonly stacks: ReadonlyArray<string>;
  /** The Region of the first assembly's first stack (the organization's detectors and graphs are seeded there by default). */
  readonly region: string;
  /** Every Region the assemblies deploy to, the first stack's first. */
  readonly regions: ReadonlyArray<string>;
}

export interface LandingZoneReplayOptions {
  /** The organization (see `./organization-file.ts`). */
  readonly organization: OrganizationDescription;
  /** Cloud assembly directories (`cdk.out`): the first is deployed, each next one as an update. */
  readonly assemblies: ReadonlyArray<string>;
  /**
   * Destroy every stack after the last assembly.
   *
   * @default true
   */
  readonly destroy?: boolean;
  readonly faults?: ReplayFaults;
  /**
   * How many stacks deploy at once, each after the stacks it depends on, as `cdk deploy --all
   * --concurrency N` does. After a failure no new stack starts; those under way finish.
   *
   * @default 1
   */
  readonly concurrency?: number;
  /**
   * After an update ends UPDATE_ROLLBACK_FAILED, continue its rollback once, as `aws cloudformation
   * continue-update-rollback` does (the console's "Continue update rollback"): the failed rollback
   * steps run again, except those of `resourcesToSkip` (left as they are). The update still counts
   * as failed; a rollback that fails again is a failure too.
   *
   * @default - the stack is left in UPDATE_ROLLBACK_FAILED (it can still be destroyed)
   */
  readonly continueRollback?: { readonly resourcesToSkip?: ReadonlyArray<string> };
  /** Called with each custom resource event as it completes. */
  readonly onEvent?: (event: ReplayEvent) => void;
  /** Called with each note of what the replay did beside the events (e.g. a rollback continued). */
  readonly onNote?: (note: string) => void;
  /** Called after each step, with the local API holding the state then. */
  readonly onStep?: (step: ReplayStep, api: LocalApi) => Promise<void> | void;
  /**
   * The local API to run against (the caller keeps it: `stop()` it when done).
   *
   * @default - one started and stopped by `close()`
   */
  readonly api?: LocalApi;
}

/** What a replay did. */
export interface LandingZoneReplayResult {
  /** Every custom resource event, in order. */
  readonly events: ReadonlyArray<ReplayEvent>;
  /** Each failed stack deployment or deletion, with CloudFormation's resulting status and reason. */
  readonly failures: ReadonlyArray<DeploymentFailed>;
  /** What the replay could not evaluate (e.g. an AWS managed policy it cannot read). */
  readonly warnings: ReadonlyArray<string>;
  /** The local API: service state and the call log (`api.calls`), until `close()`. */
  readonly api: LocalApi;
  /** Whether every stack deployed and every deletion completed. */
  readonly ok: boolean;
  /** Stop the local API (when the replay started it). */
  close(): Promise<void>;
}

/** A bad input: a missing assembly, a stack of an account the organization does not declare. */
export class ReplayInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayInputError';
  }
}

/** A stack of an assembly: its artifact id, account and Region, and the stacks it depends on. */
export interface AssemblyStack {
  readonly id: string;
  /** The (nested) assembly directory holding it: a Stage's stacks are in the stage's own directory. */
  readonly dir: string;
  readonly account: string;
  readonly region: string;
  readonly dependencies: ReadonlyArray<string>;
}

/**
 * The stacks of a cloud assembly in deployment order: each after the stacks it depends on, in the
 * manifest's order otherwise (the order the CDK CLI deploys them in). A CDK Stage is a nested
 * assembly: its stacks are read from its directory, after the stacks of the assembly around it
 * and in the order the stages appear (as `cdk deploy --all` deploys a stage's stacks).
 */
export function assemblyStacks(dir: string): AssemblyStack[] {
  const stacks = readAssembly(dir);
  const seen = new Map<string, string>();
  for (const s of stacks) {
    if (seen.has(s.id)) {
      throw new ReplayInputError(`two stacks have the artifact id ${s.id} (in ${seen.get(s.id)} and ${s.dir}): give the stages' stacks distinct ids`);
    }
    seen.set(s.id, s.dir);
  }
  if (stacks.length === 0) throw new ReplayInputError(`${dir} holds no stack`);
  return stacks;
}

/** One assembly's stacks in deployment order, then its nested assemblies' (Stages). */
function readAssembly(dir: string): AssemblyStack[] {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new ReplayInputError(`${dir} is not a cloud assembly (no manifest.json): give the directory \`cdk synth\` writes (cdk.out)`);
  }
  let manifest: { artifacts?: Record<string, any> };
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf-8'));
  } catch (err) {
    throw new ReplayInputError(`${manifestFile} is not valid JSON: ${(err as Error).message}`);
  }
  const artifacts = manifest.artifacts ?? {};
  const stacks = Object.entries(artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack').map(([id, a]) => {
    const env = /^aws:\/\/([^/]+)\/(.+)$/.exec(String(a.environment ?? ''));
    if (!env || env[1] === 'unknown-account' || env[2] === 'unknown-region') {
      throw new ReplayInputError(`stack ${id} in ${dir} has no account and Region (env): the replay deploys each stack as its account; `
        + 'give it `env: { account, region }`');
    }
    return { id, dir, account: env[1], region: env[2], dependencies: (a.dependencies ?? []).filter((d: string) => artifacts[d]?.type === 'aws:cloudformation:stack') };
  });
  const ordered: AssemblyStack[] = [];
  const visit = (stack: AssemblyStack, trail: string[]) => {
    if (ordered.includes(stack)) return;
    if (trail.includes(stack.id)) throw new ReplayInputError(`${dir}: stacks depend on each other in a cycle: ${[...trail, stack.id].join(' -> ')}`);
    for (const dep of stack.dependencies) visit(stacks.find((s) => s.id === dep)!, [...trail, stack.id]);
    ordered.push(stack);
  };
  stacks.forEach((s) => visit(s, []));
  const nested = Object.values(artifacts).filter((a) => a.type === 'cdk:cloud-assembly');
  return [...ordered, ...nested.flatMap((a) => readAssembly(path.join(dir, a.properties?.directoryName ?? '')))];
}

/**
 * Run `deploy` for each stack once the stacks it depends on have deployed, up to `concurrency` at
 * once; after a failure, start no more. Resolves with whether any failed.
 */
async function deployInOrder(stacks: AssemblyStack[], concurrency: number, deploy: (stack: AssemblyStack) => Promise<boolean>): Promise<boolean> {
  const done = new Set<string>();
  const started = new Set<string>();
  let failed = false;
  const running = new Set<Promise<void>>();
  const ready = () => stacks.filter((s) => !started.has(s.id) && s.dependencies.every((d) => done.has(d)));
  for (;;) {
    for (const stack of failed ? [] : ready()) {
      if (running.size >= concurrency) break;
      started.add(stack.id);
      const run = deploy(stack).then((ok) => {
        if (ok) done.add(stack.id);
        else failed = true;
      }).finally(() => running.delete(run));
      running.add(run);
    }
    if (running.size === 0) return failed || started.size < stacks.length;
    await Promise.race(running);
  }
}

/** `continue-update-rollback` of a stack, once: a rollback that fails again is one more failure. */
async function continueRollback(replay: CloudFormationReplay, stackId: string, resourcesToSkip: ReadonlyArray<string>,
  failures: DeploymentFailed[], onNote?: (note: string) => void): Promise<void> {
  const skipping = resourcesToSkip.length > 0 ? `, skipping ${resourcesToSkip.join(', ')}` : '';
  try {
    await replay.continueUpdateRollback(stackId, { resourcesToSkip });
    onNote?.(`${stackId}: continue-update-rollback${skipping}: UPDATE_ROLLBACK_COMPLETE`);
  } catch (err) {
    if (!(err instanceof DeploymentFailed)) throw err;
    failures.push(err);
    onNote?.(`${stackId}: continue-update-rollback${skipping}: the rollback failed again (UPDATE_ROLLBACK_FAILED)`);
  }
}

/** Replay the assemblies in the organization: create, each update, destroy. */
export async function replayLandingZone(options: LandingZoneReplayOptions): Promise<LandingZoneReplayResult> {
  const organization = checkOrganization(options.organization);
  if (options.assemblies.length === 0) throw new ReplayInputError('give at least one cloud assembly (cdk.out) to replay');
  if (options.concurrency !== undefined && (!Number.isInteger(options.concurrency) || options.concurrency < 1)) {
    throw new ReplayInputError(`concurrency must be a whole number of 1 or more, got: ${options.concurrency}`);
  }
  const plans = options.assemblies.map((dir) => ({ dir, stacks: assemblyStacks(dir) }));
  const accounts = declaredAccounts(organization);
  for (const { dir, stacks } of plans) {
    for (const s of stacks) {
      if (!accounts.has(s.account)) {
        throw new ReplayInputError(`stack ${s.id} in ${dir} deploys to account ${s.account}, which the organization does not declare: `
          + 'add it to accounts (in the organization) or outsideAccounts');
      }
    }
  }
  const region = plans[0].stacks[0].region;
  const regions = [...new Set([region, ...plans.flatMap((p) => p.stacks.map((st) => st.region))])];

  const api = options.api ?? await new LocalApi().start();
  const replay = new CloudFormationReplay({ api, onEvent: options.onEvent });
  const failures: DeploymentFailed[] = [];
  const close = async () => {
    await replay.close();
    if (!options.api) await api.stop();
  };
  try {
    applyOrganization(api, organization, region);
    const faults = options.faults ?? {};
    for (const service of FAULTED_SERVICES) {
      if (faults.throttle) api.injectFault({ kind: 'throttle', service, times: faults.throttle });
      if (faults.serverErrors) api.injectFault({ kind: 'internal-error', service, times: faults.serverErrors });
      if (faults.lostAnswers) api.injectFault({ kind: 'internal-error-after-commit', service, times: faults.lostAnswers });
    }
    if (faults.listLagMs !== undefined) api.setListLag(faults.listLagMs);
    if (faults.settleMs !== undefined) api.setSettleTime(faults.settleMs);
    await options.onStep?.({ kind: 'before', stacks: [], region, regions }, api);

    /** Each deployed stack and the last assembly that holds it (the destroy reads its template there). */
    const deployed = new Map<string, string>();
    for (const [i, { dir, stacks }] of plans.entries()) {
      const failed = await deployInOrder(stacks, options.concurrency ?? 1, async (stack) => {
        try {
          await replay.deploy(stack.dir, stack.id);
          deployed.set(stack.id, stack.dir);
          return true;
        } catch (err) {
          if (!(err instanceof DeploymentFailed)) throw err;
          failures.push(err);
          if (err.status === 'UPDATE_ROLLBACK_FAILED' && options.continueRollback) {
            await continueRollback(replay, stack.id, options.continueRollback.resourcesToSkip ?? [], failures, options.onNote);
          }
          // A created stack that rolled back is gone; an updated one stays at its old template.
          if (replay.resources(stack.id).length > 0) deployed.set(stack.id, deployed.get(stack.id) ?? stack.dir);
          return false;
        }
      });
      await options.onStep?.({ kind: 'deploy', assemblyIndex: i + 1, assembly: dir, stacks: stacks.map((s) => s.id), region, regions }, api);
      if (failed) break;
    }

    if (options.destroy !== false) {
      const last = plans[plans.length - 1].stacks.map((s) => s.id);
      const order = [...last.filter((id) => deployed.has(id)).reverse(), ...[...deployed.keys()].filter((id) => !last.includes(id)).reverse()];
      for (const id of order) {
        try {
          await replay.destroy(deployed.get(id)!, id);
        } catch (err) {
          if (!(err instanceof DeploymentFailed)) throw err;
          failures.push(err);
        }
      }
      await options.onStep?.({ kind: 'destroy', stacks: order, region, regions }, api);
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { events: replay.events, failures, warnings: replay.warnings, api, ok: failures.length === 0, close };
}
