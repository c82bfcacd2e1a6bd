/**
 * Replay a synthesized app (`cdk.out`) against the local API, as CloudFormation would deploy it:
 * resources in dependency order, intrinsics resolved between them, and every custom resource sent
 * to the **bundled handler from its asset folder** (in an execution environment kept warm between a
 * function's events, as Lambda keeps one; see `./sandbox.ts`) with Create, Update (with the old properties),
 * and Delete events, including the Delete of an old physical id after a replacement, and a
 * rollback (Update back to the old properties, Delete of what was created) when a resource fails.
 *
 * Resources other than custom resources and their functions are not run: they get deterministic
 * stand-in physical ids and attributes, so templates resolve.
 */
import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { evaluateCondition, references, resolve, ResolveContext } from './intrinsics';
import type { NamedPolicy, PolicyDocument, Principal } from './local-api/iam';
import { LocalApi, ServiceRole } from './local-api/server';
import { NATIVE_RESOURCES } from './native-resources';
import { InvocationOutcome, SandboxPool } from './sandbox';
import { responseObjectKey, TEST_RESPONSE_ORIGIN_VARIABLE } from '../../lambda/shared/response-url';

interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
  readonly Condition?: string;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

interface Template {
  readonly Resources: Record<string, TemplateResource>;
  readonly Parameters?: Record<string, { Type: string; Default?: string }>;
  readonly Mappings?: ResolveContext['mappings'];
  readonly Conditions?: Record<string, unknown>;
  readonly Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

/** A resource as deployed. */
export interface DeployedResource {
  readonly logicalId: string;
  readonly type: string;
  readonly physicalId: string;
  readonly properties: Record<string, unknown>;
  readonly attributes: Record<string, unknown>;
  readonly deletionPolicy?: string;
  readonly updateReplacePolicy?: string;
  /** Logical ids this resource depends on in its template (references and DependsOn). */
  readonly dependsOn: string[];
}

/** One custom resource event sent and its answer. */
export interface ReplayEvent {
  readonly stack: string;
  readonly requestType: 'Create' | 'Update' | 'Delete';
  readonly logicalId: string;
  readonly resourceType: string;
  readonly status: 'SUCCESS' | 'FAILED';
  readonly physicalId: string;
  readonly reason?: string;
  readonly data?: Record<string, string>;
  /**
   * Wall time of the invocation, from the event sent to the handler's return (the answer
   * included; a cold start includes starting the environment and loading the code). Machine
   * dependent: for figures, not for assertions.
   */
  readonly durationMs: number;
  /** The invocation started a new execution environment (the function's first event, or one after a timeout). */
  readonly coldStart: boolean;
  /**
   * Time the handler's waits took on the emulator's clock, ms: what the event would have waited in
   * AWS for the statuses the local API settles, and the same on any machine.
   */
  readonly waitedMs: number;
  /**
   * The invocations of the handler the event took: 1, or more when it ran out of one invocation's
   * time and continued in new ones (asynchronous invocations the handler queued with Lambda).
   */
  readonly invocations: number;
  /**
   * Whether Lambda stopped an invocation of the event at the function's timeout: the handler is
   * meant to answer (or continue) before it, so any work still running then was abandoned.
   */
  readonly timedOut: boolean;
}

/** The status CloudFormation leaves a stack in after a failed deployment or deletion. */
export type FailedStackStatus = 'ROLLBACK_COMPLETE' | 'ROLLBACK_FAILED' | 'UPDATE_ROLLBACK_COMPLETE' | 'UPDATE_ROLLBACK_FAILED'
| 'DELETE_FAILED';

export class DeploymentFailed extends Error {
  constructor(public readonly stack: string, public readonly reason: string,
    /** The stack's status afterwards, as CloudFormation would report it. */
    public readonly status: FailedStackStatus = 'DELETE_FAILED',
    /** The rollback steps that failed too (each its resource and reason). */
    public readonly rollbackFailures: ReadonlyArray<string> = []) {
    super(`${stack}: ${reason} (${status}${rollbackFailures.length > 0 ? `; rollback failed: ${rollbackFailures.join('; ')}` : ''})`);
  }
}

interface StackArtifact {
  readonly name: string;
  readonly template: Template;
  readonly account: string;
  readonly region: string;
  /** asset hash → absolute folder of a file asset. */
  readonly assets: Map<string, string>;
}

/** One step of a rollback: the resource it rolls back, and how. */
interface RollbackStep {
  readonly logicalId: string;
  readonly run: () => Promise<void>;
}

/** One deployment of a stack in progress: what its phases (resources, rollback, cleanup) share. */
interface DeployRun {
  readonly stackName: string;
  readonly artifact: StackArtifact;
  readonly stack: DeployedStack;
  /** The stack as it was, for an update; `undefined` for a create. */
  readonly previous?: DeployedStack;
  readonly ctx: ResolveContext;
  readonly conditions: Record<string, boolean>;
  readonly graph: ReturnType<typeof dependencyGraph>;
  /** The stack's resources before the deployment, which a rollback restores. */
  readonly before: Map<string, DeployedResource>;
  /** How to undo each resource deployed so far, in deployment order. */
  readonly undo: RollbackStep[];
  /** Resources replaced (their old side), deleted in the cleanup phase. */
  readonly replaced: DeployedResource[];
  /** Replacements a rollback undid: their new physical ids are deleted in the rollback's cleanup. */
  readonly rollbackCleanup: DeployedResource[];
}

interface DeployedStack {
  readonly stackId: string;
  readonly account: string;
  readonly region: string;
  readonly resources: Map<string, DeployedResource>;
  readonly exports: Record<string, string>;
  /** The template and parameter values the stack was last deployed with (what GetTemplate shows after an update's rollback). */
  deployed?: { readonly template: Template; readonly parameters: Record<string, string> };
}

export interface ReplayOptions {
  readonly api: LocalApi;
  /** Account for environment-agnostic stacks. */
  readonly defaultAccount?: string;
  /** Region for environment-agnostic stacks. */
  readonly defaultRegion?: string;
  /** Called with each event as it completes. */
  readonly onEvent?: (event: ReplayEvent) => void;
  /**
   * Run each function as its role, with the role's policies from the template (inline, attached
   * `AWS::IAM::Policy` and customer managed policies, and its permissions boundary), so the local
   * API authorizes every call as AWS would. Off, functions call as their account's allow-all
   * caller.
   *
   * @default true
   */
  readonly enforceIam?: boolean;
  /**
   * Keep each function's execution environment warm between its events, as Lambda reuses a
   * sandbox: the first event of a function (and the first after a timeout or a change of the
   * function) is a cold start, the next ones run in the same process. Off, every event is a cold
   * start in a new process.
   *
   * @default true
   */
  readonly sandboxReuse?: boolean;
}

export class CloudFormationReplay {
  /** Every custom resource event sent, in order. */
  public readonly events: ReplayEvent[] = [];
  /** What the replay could not evaluate (e.g. an AWS managed policy on a function's role), once each. */
  public readonly warnings: string[] = [];
  private readonly stacks = new Map<string, DeployedStack>();
  /** Stacks of each name created and gone (rolled back or deleted), for each new stack's id. */
  private readonly creations = new Map<string, number>();
  private readonly responses = new Map<string, (body: any) => void>();
  /** Stacks in ROLLBACK_FAILED (a failed create whose rollback failed), with the template they were created from. */
  private readonly failedCreations = new Map<string, StackArtifact>();
  /** Stacks in UPDATE_ROLLBACK_FAILED: the rollback steps that failed, for `continueUpdateRollback`. */
  private readonly failedRollbacks = new Map<string, { steps: RollbackStep[]; cleanup: DeployedResource[]; artifact: StackArtifact }>();
  private server?: http.Server;
  private serverAddress?: Promise<string>;
  private readonly sandboxes: SandboxPool;

  /** The stacks being deployed (a new one is not yet in `stacks`); several at once with a concurrent deployment. */
  private readonly deploying = new Set<DeployedStack>();

  constructor(private readonly options: ReplayOptions) {
    this.sandboxes = new SandboxPool(options.sandboxReuse !== false);
    if (options.enforceIam !== false) {
      // The services act as the roles the stacks deployed (e.g. GuardDuty as a Malware Protection plan's role).
      options.api.serviceRoles = (roleArn) => this.serviceRole(roleArn);
      options.api.bucketKeys = (bucketName) => this.bucketKey(bucketName);
    }
  }

  /** Deploy (create or update) a stack to the template in a cloud assembly. */
  public async deploy(assemblyDir: string, stackName: string): Promise<void> {
    const artifact = this.readStack(assemblyDir, stackName);
    const previous = this.stacks.get(stackName);
    if (previous && this.failedCreations.has(stackName)) {
      // The CDK CLI deletes a stack whose creation failed (ROLLBACK_COMPLETE or ROLLBACK_FAILED)
      // before creating it again; what the failed rollback left is deleted then, or the deploy fails.
      await this.destroy(assemblyDir, stackName).catch((err: unknown) => {
        if (!(err instanceof DeploymentFailed)) throw err;
        throw new DeploymentFailed(stackName, `Failed deleting stack ${stackName} that had previously failed creation (current state: DELETE_FAILED): ${err.reason}`);
      });
      return this.deploy(assemblyDir, stackName);
    }
    if (previous && this.failedRollbacks.has(stackName)) {
      // CloudFormation's own refusal; `continueUpdateRollback` is the way out (or deleting the stack).
      throw new DeploymentFailed(stackName, `Stack:${previous.stackId} is in UPDATE_ROLLBACK_FAILED state and can not be updated.`, 'UPDATE_ROLLBACK_FAILED');
    }
    const stack: DeployedStack = previous ?? {
      // A stack created again (after a rolled-back create, which the CDK CLI deletes first) is a new stack with a new id.
      stackId: `arn:aws:cloudformation:${artifact.region}:${artifact.account}:stack/${stackName}/${this.newStackUuid(stackName)}`,
      account: artifact.account,
      region: artifact.region,
      resources: new Map(),
      exports: {},
    };
    this.deploying.add(stack);
    // Emulator time passes only while every stack under way waits (stacks deployed at once).
    this.sandboxes.beginWork(stack.stackId);
    // What CloudFormation shows the handler while it confirms each event (see the handler's event-verification.ts).
    this.options.api.cloudformation.setStack(stack.stackId, previous ? 'UPDATE_IN_PROGRESS' : 'CREATE_IN_PROGRESS');
    const conditions: Record<string, boolean> = {};
    const ctx = this.resolveContext(artifact, stack, conditions);
    // GetTemplate shows the template being deployed from the start (see the local API's cloudformation.ts).
    this.options.api.cloudformation.setTemplate(stack.stackId, artifact.template, ctx.parameters);
    for (const name of Object.keys(artifact.template.Conditions ?? {})) {
      conditions[name] = evaluateCondition(name, artifact.template.Conditions!, ctx);
    }
    const run: DeployRun = {
      stackName,
      artifact,
      stack,
      previous,
      ctx,
      conditions,
      graph: dependencyGraph(artifact.template),
      before: new Map(stack.resources),
      undo: [],
      replaced: [],
      rollbackCleanup: [],
    };
    try {
      try {
        for (const logicalId of dependencyOrder(run.graph)) await this.deployResource(run, logicalId);
      } catch (err) {
        await this.rollBack(run, err);
      }
      await this.cleanUp(run);
    } finally {
      this.deploying.delete(stack);
      this.sandboxes.endWork(stack.stackId);
    }
  }

  /** Create or update one resource of a deployment, and record how its rollback undoes it. */
  private async deployResource(run: DeployRun, logicalId: string): Promise<void> {
    const { stack, artifact, stackName, graph } = run;
    const resource = artifact.template.Resources[logicalId];
    if (resource.Condition && !run.conditions[resource.Condition]) return;
    const properties = resolve(resource.Properties ?? {}, run.ctx) as Record<string, unknown>;
    const old = stack.resources.get(logicalId);
    if (NATIVE_RESOURCES[resource.Type]) return this.deployNativeResource(run, logicalId, properties, old);
    if (!isCustomResource(resource.Type)) {
      const standing = standIn(logicalId, resource, properties, artifact, stack, graph.get(logicalId)!);
      stack.resources.set(logicalId, standing);
      // Listed with its physical id, as ListStackResources shows every resource of the stack.
      this.options.api.cloudformation.setResource(stack.stackId, logicalId, {
        type: resource.Type, physicalId: standing.physicalId, status: old ? 'UPDATE_COMPLETE' : 'CREATE_COMPLETE',
      });
      return;
    }
    if (old && JSON.stringify(old.properties) === JSON.stringify(properties)) return;
    const event = old
      ? await this.send(stack, artifact, stackName, 'Update', logicalId, resource.Type, properties, old)
      : await this.send(stack, artifact, stackName, 'Create', logicalId, resource.Type, properties);
    const deployed: DeployedResource = {
      logicalId,
      type: resource.Type,
      physicalId: event.physicalId,
      properties,
      attributes: event.data ?? {},
      deletionPolicy: resource.DeletionPolicy,
      updateReplacePolicy: resource.UpdateReplacePolicy,
      dependsOn: graph.get(logicalId)!,
    };
    stack.resources.set(logicalId, deployed);
    // CloudFormation rolls back the failed resource too: an Update back to its old
    // properties, or a Delete of what the failed Create reported.
    if (old && event.status === 'SUCCESS' && old.physicalId !== deployed.physicalId) {
      // A replacement: the rollback sends no Update; CloudFormation goes back to the old
      // physical id (its cleanup has not run) and deletes the new one in the rollback's cleanup.
      run.replaced.push(old);
      run.undo.push({
        logicalId,
        run: async () => {
          this.options.api.cloudformation.setResource(stack.stackId, logicalId, { type: old.type, physicalId: old.physicalId, status: 'UPDATE_COMPLETE' });
          run.rollbackCleanup.push(deployed);
        },
      });
    } else if (old) {
      run.undo.push({ logicalId, run: () => this.rollbackUpdate(stack, artifact, stackName, deployed, old, run.rollbackCleanup) });
    } else {
      // A resource created by the failed deployment is deleted on rollback unless its policy is
      // Retain (RetainExceptOnCreate deletes it: the reason that policy exists).
      run.undo.push({ logicalId, run: () => this.deleteResource(stack, artifact, stackName, deployed, deployed.deletionPolicy !== 'Retain') });
    }
    if (event.status === 'FAILED') throw new DeploymentFailed(stackName, `${logicalId}: ${event.reason}`);
  }

  /** Create or update a resource the local API serves itself (see `native-resources.ts`). */
  private async deployNativeResource(run: DeployRun, logicalId: string, properties: Record<string, unknown>, old?: DeployedResource): Promise<void> {
    const { stack, artifact, stackName } = run;
    const resource = artifact.template.Resources[logicalId];
    const native = NATIVE_RESOURCES[resource.Type]!;
    if (old && JSON.stringify(old.properties) === JSON.stringify(properties)) return;
    const context = {
      api: this.options.api,
      account: stack.account,
      region: stack.region,
      clientToken: createHash('sha256').update(`${stack.stackId}/${logicalId}`).digest('hex').slice(0, 64),
    };
    let result;
    try {
      result = old ? await native.update(context, old.physicalId, properties, old.properties) : await native.create(context, properties);
    } catch (e) {
      throw new DeploymentFailed(stackName, `${logicalId}: Resource handler returned message: "${(e as Error).message}" (${(e as Error).name})`);
    }
    const deployed: DeployedResource = {
      logicalId,
      type: resource.Type,
      physicalId: result.physicalId,
      properties,
      attributes: result.attributes,
      deletionPolicy: resource.DeletionPolicy,
      updateReplacePolicy: resource.UpdateReplacePolicy,
      dependsOn: run.graph.get(logicalId)!,
    };
    stack.resources.set(logicalId, deployed);
    this.options.api.cloudformation.setResource(stack.stackId, logicalId, {
      type: resource.Type, physicalId: result.physicalId, status: old ? 'UPDATE_COMPLETE' : 'CREATE_COMPLETE',
    });
    if (old && old.physicalId !== result.physicalId) {
      run.replaced.push(old);
      run.undo.push({ logicalId, run: async () => { run.rollbackCleanup.push(deployed); } });
    } else if (old) {
      run.undo.push({ logicalId, run: async () => { await native.update(context, old.physicalId, old.properties, properties); } });
    } else {
      run.undo.push({ logicalId, run: () => this.deleteResource(stack, artifact, stackName, deployed, deployed.deletionPolicy !== 'Retain') });
    }
  }

  /**
   * Roll a failed deployment back and throw its failure with the stack's final status.
   * CloudFormation runs every rollback step, and reports a step that fails (the stack then ends in
   * ROLLBACK_FAILED or UPDATE_ROLLBACK_FAILED) rather than stopping at it.
   */
  private async rollBack(run: DeployRun, err: unknown): Promise<never> {
    const { stack, stackName, artifact, previous, rollbackCleanup } = run;
    const cfn = this.options.api.cloudformation;
    const rollbackFailures: string[] = [];
    const reasonOf = (e: unknown) => (e instanceof DeploymentFailed ? e.reason : String(e));
    cfn.setStack(stack.stackId, previous ? 'UPDATE_ROLLBACK_IN_PROGRESS' : 'ROLLBACK_IN_PROGRESS');
    // An update's rollback goes back to the template the stack was deployed with.
    if (previous?.deployed) cfn.setTemplate(stack.stackId, previous.deployed.template, previous.deployed.parameters);
    const failedSteps: RollbackStep[] = [];
    for (const step of run.undo.reverse()) {
      const failure = await step.run().then(() => undefined, reasonOf);
      if (failure) {
        rollbackFailures.push(failure);
        failedSteps.push(step);
      }
    }
    // An update whose rollback failed stays UPDATE_ROLLBACK_FAILED until the rollback is continued.
    if (previous && failedSteps.length > 0) this.failedRollbacks.set(stackName, { steps: failedSteps, cleanup: rollbackCleanup, artifact });
    const attempted = new Map(stack.resources);
    stack.resources.clear();
    run.before.forEach((v, k) => stack.resources.set(k, v));
    if (previous && rollbackFailures.length === 0 && rollbackCleanup.length > 0) {
      cfn.setStack(stack.stackId, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
      for (const r of rollbackCleanup) {
        const failure = await this.deleteResource(stack, artifact, stackName, r, true).then(() => undefined, reasonOf);
        // CloudFormation reports a failed cleanup delete as a warning; the stack is rolled back.
        if (failure) this.warn(`${stackName}: rollback cleanup of ${r.logicalId} (${r.physicalId}) failed: ${failure}`);
      }
    }
    if (!previous && failedSteps.length > 0) {
      // ROLLBACK_FAILED: the stack stays, with what its rollback could not delete (and the
      // resources the replay stands in for, which CloudFormation keeps while their dependents stay).
      const left = new Set(failedSteps.map((step) => step.logicalId));
      for (const [id, r] of attempted) {
        if (left.has(id) || (!isCustomResource(r.type) && !NATIVE_RESOURCES[r.type])) stack.resources.set(id, r);
      }
      this.stacks.set(stackName, stack);
      this.failedCreations.set(stackName, artifact);
    } else if (!previous) {
      this.stacks.delete(stackName);
      this.creations.set(stackName, (this.creations.get(stackName) ?? 0) + 1);
    }
    const status: FailedStackStatus = previous
      ? (rollbackFailures.length > 0 ? 'UPDATE_ROLLBACK_FAILED' : 'UPDATE_ROLLBACK_COMPLETE')
      : (rollbackFailures.length > 0 ? 'ROLLBACK_FAILED' : 'ROLLBACK_COMPLETE');
    cfn.setStack(stack.stackId, status);
    if (!(err instanceof DeploymentFailed)) throw err;
    throw new DeploymentFailed(stackName, err.reason, status, rollbackFailures);
  }

  /** A successful deployment's cleanup phase: what the new template no longer has, then the old side of replacements. */
  private async cleanUp(run: DeployRun): Promise<void> {
    const { stack, artifact, stackName, previous, before } = run;
    const cfn = this.options.api.cloudformation;
    const removed = [...before.values()].filter((r) => !(r.logicalId in artifact.template.Resources));
    if (previous) cfn.setStack(stack.stackId, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    for (const r of reverseOrder(removed, before)) {
      stack.resources.delete(r.logicalId);
      await this.deleteResource(stack, artifact, stackName, r, false);
    }
    for (const r of run.replaced) {
      if (r.updateReplacePolicy !== 'Retain') await this.deleteResource(stack, artifact, stackName, r, true);
    }
    for (const output of Object.values(artifact.template.Outputs ?? {})) {
      if (output.Export) stack.exports[String(resolve(output.Export.Name, run.ctx))] = String(resolve(output.Value, run.ctx));
    }
    cfn.setStack(stack.stackId, previous ? 'UPDATE_COMPLETE' : 'CREATE_COMPLETE');
    stack.deployed = { template: artifact.template, parameters: run.ctx.parameters };
    this.stacks.set(stackName, stack);
  }

  /**
   * Continue the rollback of a stack in UPDATE_ROLLBACK_FAILED, as CloudFormation's
   * ContinueUpdateRollback does: the rollback steps that failed run again (the resources named in
   * `resourcesToSkip` are skipped, left as they are); when all succeed the stack is
   * UPDATE_ROLLBACK_COMPLETE and can be updated again, else it stays UPDATE_ROLLBACK_FAILED and
   * this throws with what failed.
   *
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-continueupdaterollback.html
   */
  public async continueUpdateRollback(stackName: string, options: { readonly resourcesToSkip?: ReadonlyArray<string> } = {}): Promise<void> {
    const failed = this.failedRollbacks.get(stackName);
    const stack = this.stacks.get(stackName);
    if (!failed || !stack) throw new Error(`${stackName} is not in UPDATE_ROLLBACK_FAILED: there is no rollback to continue`);
    const cfn = this.options.api.cloudformation;
    cfn.setStack(stack.stackId, 'UPDATE_ROLLBACK_IN_PROGRESS');
    const reasonOf = (e: unknown) => (e instanceof DeploymentFailed ? e.reason : String(e));
    const stillFailing: RollbackStep[] = [];
    const failures: string[] = [];
    for (const step of failed.steps) {
      if (options.resourcesToSkip?.includes(step.logicalId)) continue;
      const failure = await step.run().then(() => undefined, reasonOf);
      if (failure) {
        stillFailing.push(step);
        failures.push(failure);
      }
    }
    if (stillFailing.length > 0) {
      this.failedRollbacks.set(stackName, { ...failed, steps: stillFailing });
      cfn.setStack(stack.stackId, 'UPDATE_ROLLBACK_FAILED');
      throw new DeploymentFailed(stackName, 'the rollback could not be continued', 'UPDATE_ROLLBACK_FAILED', failures);
    }
    this.failedRollbacks.delete(stackName);
    if (failed.cleanup.length > 0) {
      cfn.setStack(stack.stackId, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
      for (const r of failed.cleanup) {
        const failure = await this.deleteResource(stack, failed.artifact, stackName, r, true).then(() => undefined, reasonOf);
        if (failure) this.warn(`${stackName}: rollback cleanup of ${r.logicalId} (${r.physicalId}) failed: ${failure}`);
      }
    }
    cfn.setStack(stack.stackId, 'UPDATE_ROLLBACK_COMPLETE');
  }

  /** Delete a deployed stack: every resource in reverse dependency order. */
  public async destroy(assemblyDir: string, stackName: string): Promise<void> {
    const stack = this.stacks.get(stackName);
    if (!stack) return;
    // A stack in ROLLBACK_FAILED holds what its own template made (its function's code included).
    const artifact = this.failedCreations.get(stackName) ?? this.readStack(assemblyDir, stackName);
    const cfn = this.options.api.cloudformation;
    cfn.setStack(stack.stackId, 'DELETE_IN_PROGRESS');
    try {
      for (const r of reverseOrder([...stack.resources.values()], stack.resources)) {
        await this.deleteResource(stack, artifact, stackName, r, false);
      }
    } catch (err) {
      cfn.setStack(stack.stackId, 'DELETE_FAILED');
      throw err;
    }
    cfn.setStack(stack.stackId, 'DELETE_COMPLETE');
    this.failedRollbacks.delete(stackName);
    this.failedCreations.delete(stackName);
    this.stacks.delete(stackName);
    this.creations.set(stackName, (this.creations.get(stackName) ?? 0) + 1);
  }

  /** The deployed resources of a stack. */
  public resources(stackName: string): DeployedResource[] {
    return [...(this.stacks.get(stackName)?.resources.values() ?? [])];
  }

  /** One deployed custom resource's attributes (`Fn::GetAtt` values). */
  public attributes(stackName: string, logicalIdPrefix: string): Record<string, unknown> {
    const found = this.resources(stackName).filter((r) => r.logicalId.startsWith(logicalIdPrefix) && isCustomResource(r.type));
    if (found.length !== 1) throw new Error(`expected one custom resource ${logicalIdPrefix}* in ${stackName}, found ${found.length}`);
    return found[0].attributes;
  }

  /** Stop every execution environment and the response endpoint. */
  public async close(): Promise<void> {
    this.sandboxes.close();
    const server = this.server;
    this.server = undefined;
    this.serverAddress = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  }

  private async rollbackUpdate(stack: DeployedStack, artifact: StackArtifact, stackName: string, current: DeployedResource, old: DeployedResource,
    cleanup: DeployedResource[]) {
    // The rollback Update addresses the physical id the resource has now, with the old properties;
    // a physical id it moves away from is deleted in the rollback's cleanup phase.
    const event = await this.send(stack, artifact, stackName, 'Update', old.logicalId, old.type, old.properties, current);
    if (event.status === 'FAILED') throw new DeploymentFailed(stackName, `${old.logicalId} (rollback Update): ${event.reason}`);
    if (event.physicalId !== current.physicalId) cleanup.push(current);
  }

  private async deleteResource(stack: DeployedStack, artifact: StackArtifact, stackName: string, r: DeployedResource, force: boolean) {
    const native = NATIVE_RESOURCES[r.type];
    if (!isCustomResource(r.type) && !native) return;
    if (!force && (r.deletionPolicy === 'Retain' || r.deletionPolicy === 'RetainExceptOnCreate')) return;
    if (native) {
      try {
        await native.delete({ api: this.options.api, account: stack.account, region: stack.region, clientToken: '' }, r.physicalId);
      } catch (e) {
        throw new DeploymentFailed(stackName, `${r.logicalId}: Resource handler returned message: "${(e as Error).message}" (${(e as Error).name})`);
      }
      return;
    }
    const event = await this.send(stack, artifact, stackName, 'Delete', r.logicalId, r.type, r.properties, r);
    if (event.status === 'FAILED') throw new DeploymentFailed(stackName, `${r.logicalId}: ${event.reason}`);
  }

  private async send(stack: DeployedStack, artifact: StackArtifact, stackName: string, requestType: ReplayEvent['requestType'],
    logicalId: string, resourceType: string, properties: Record<string, unknown>, existing?: DeployedResource): Promise<ReplayEvent> {
    const serviceToken = String(properties.ServiceToken);
    const fn = [...stack.resources.values()].find((r) => r.type === 'AWS::Lambda::Function' && r.attributes.Arn === serviceToken);
    if (!fn) throw new Error(`${logicalId}: ServiceToken ${serviceToken} is not a function of stack ${stackName}`);
    const url = await this.responseServer();
    const requestId = randomUUID();
    const event = {
      RequestType: requestType,
      ServiceToken: serviceToken,
      // As CloudFormation makes it: the object key names the stack, the resource and the request.
      ResponseURL: `${url}/${encodeURIComponent(responseObjectKey({ StackId: stack.stackId, LogicalResourceId: logicalId, RequestId: requestId }))
        .replace(/%2F/g, '/')}?X-Amz-Signature=replay`,
      StackId: stack.stackId,
      RequestId: requestId,
      ResourceType: resourceType,
      LogicalResourceId: logicalId,
      PhysicalResourceId: existing?.physicalId,
      ResourceProperties: properties,
      OldResourceProperties: requestType === 'Update' ? existing?.properties : undefined,
    };
    const cfn = this.options.api.cloudformation;
    const shown = cfn.resource(stack.stackId, logicalId);
    // A Delete of a physical id the resource no longer has (a replacement's cleanup) leaves the
    // resource as it is; every other event shows the resource in progress.
    const ownsPhysicalId = requestType !== 'Delete' || shown === undefined || shown.physicalId === existing?.physicalId;
    const verb = requestType === 'Create' ? 'CREATE' : requestType === 'Update' ? 'UPDATE' : 'DELETE';
    if (ownsPhysicalId) {
      cfn.setResource(stack.stackId, logicalId, { type: resourceType, physicalId: existing?.physicalId, status: `${verb}_IN_PROGRESS` });
    }
    const started = Date.now();
    const { answer, outcome } = await this.invoke(fn, artifact, stack, event);
    if (ownsPhysicalId) {
      if (requestType === 'Delete' && answer.Status === 'SUCCESS') {
        cfn.removeResource(stack.stackId, logicalId);
      } else {
        cfn.setResource(stack.stackId, logicalId, {
          type: resourceType,
          physicalId: answer.PhysicalResourceId,
          status: `${verb}_${answer.Status === 'SUCCESS' ? 'COMPLETE' : 'FAILED'}`,
        });
      }
    }
    const replayEvent: ReplayEvent = {
      durationMs: Date.now() - started,
      coldStart: outcome.coldStart,
      invocations: outcome.invocations ?? 1,
      timedOut: outcome.timedOut,
      waitedMs: outcome.waitedMs,
      stack: stackName,
      requestType,
      logicalId,
      resourceType,
      status: answer.Status,
      physicalId: answer.PhysicalResourceId,
      reason: answer.Reason,
      data: answer.Data,
    };
    this.events.push(replayEvent);
    this.options.onEvent?.(replayEvent);
    return replayEvent;
  }

  /**
   * Run the function's bundled code in one of its execution environments (warm when one is idle,
   * see `./sandbox.ts`) and wait for its answer at the ResponseURL.
   */
  private async invoke(fn: DeployedResource, artifact: StackArtifact, stack: DeployedStack, event: Record<string, any>)
    : Promise<{ answer: any; outcome: InvocationOutcome }> {
    const code = fn.properties.Code as { S3Key: string };
    const hash = code.S3Key.replace(/\.zip$/, '');
    const codeDir = artifact.assets.get(hash);
    if (!codeDir) throw new Error(`asset ${code.S3Key} of ${fn.logicalId} is not in the cloud assembly`);
    const timeoutMs = Number(fn.properties.Timeout ?? 3) * 1000;
    const variables = ((fn.properties.Environment as any)?.Variables ?? {}) as Record<string, string>;
    const answered = new Promise<any>((resolveAnswer) => this.responses.set(event.RequestId, resolveAnswer));
    // Lambda keeps an environment for one version and configuration of a function.
    const key = JSON.stringify([stack.stackId, fn.physicalId, codeDir, fn.properties]);
    const environment = () => ({
      PATH: process.env.PATH,
      NODE_NO_WARNINGS: '1',
      AWS_LAMBDA_FUNCTION_NAME: fn.physicalId,
      AWS_LAMBDA_FUNCTION_TIMEOUT: String(timeoutMs / 1000),
      ...variables,
      ...this.options.api.environmentFor(stack.account, stack.region, this.principalOf(fn, stack)),
      // The harness's response endpoint, allowed by the handler in tests only (see response-url.ts).
      [TEST_RESPONSE_ORIGIN_VARIABLE]: new URL(event.ResponseURL).origin,
    });
    // A warm environment keeps its session; IAM evaluates it against the role's policies as they
    // are now. A session the local API no longer knows (it was reset) needs a new environment.
    const warm = (env: Record<string, string | undefined>) => this.options.enforceIam === false
      || this.options.api.iam.updateRole(env.AWS_ACCESS_KEY_ID!, this.rolePolicies(this.roleOf(fn, stack), stack, fn.logicalId)) !== undefined;
    const functionArn = String(fn.attributes.Arn);
    this.options.api.lambda.registerFunction(functionArn);
    const run = (payload: Record<string, unknown>) => this.sandboxes.invoke(key, environment,
      { codeDir, handler: String(fn.properties.Handler), event: payload, timeoutMs, functionArn }, warm, stack.stackId);
    let outcome = await run(event);
    let answer = await Promise.race([answered, Promise.resolve(undefined)]);
    // An event that ran out of time continues in the invocations the handler queued with Lambda
    // (asynchronous Invoke), run here one after the other as Lambda would, until one answers.
    for (let next = this.options.api.lambda.take(functionArn, (p) => p.RequestId === event.RequestId); !answer && next;
      next = this.options.api.lambda.take(functionArn, (p) => p.RequestId === event.RequestId)) {
      const continued = await run(next.payload);
      outcome = {
        coldStart: outcome.coldStart,
        timedOut: outcome.timedOut || continued.timedOut,
        waitedMs: outcome.waitedMs + continued.waitedMs,
        output: `${outcome.output}${continued.output}`,
        invocations: (outcome.invocations ?? 1) + 1,
      };
      answer = await Promise.race([answered, Promise.resolve(undefined)]);
    }
    this.responses.delete(event.RequestId);
    if (!answer) {
      throw new Error(`${event.LogicalResourceId}: the handler sent no response (CloudFormation would wait an hour). Its output:\n${outcome.output}`);
    }
    return { answer, outcome };
  }

  /**
   * The session a function runs as: its role with the policies the stack deployed for it, or the
   * account's allow-all caller when IAM is not enforced.
   */
  private principalOf(fn: DeployedResource, stack: DeployedStack): Principal | undefined {
    if (this.options.enforceIam === false) return undefined;
    return this.roleSession(this.roleOf(fn, stack), stack, fn.logicalId, fn.physicalId);
  }

  /** The role of a deployed stack a function runs as. */
  private roleOf(fn: DeployedResource, stack: DeployedStack): DeployedResource {
    const roleArn = String(fn.properties.Role ?? '');
    const role = [...stack.resources.values()].find((r) => r.type === 'AWS::IAM::Role' && r.attributes.Arn === roleArn);
    if (!role) throw new Error(`${fn.logicalId}: its role ${roleArn} is not a role of this stack; the replay cannot tell its permissions`);
    return role;
  }

  /** A session of a role of a deployed stack, with the policies the stack gave it (see `enforceIam`). */
  private roleSession(role: DeployedResource, stack: DeployedStack, user: string, sessionName: string): Principal {
    return this.options.api.iam.registerRole({
      account: stack.account, roleName: role.physicalId, sessionName, ...this.rolePolicies(role, stack, user),
    });
  }

  /** The policies a deployed stack gives one of its roles now: inline, attached, managed, and its permissions boundary. */
  private rolePolicies(role: DeployedResource, stack: DeployedStack, user: string): { policies: NamedPolicy[]; permissionsBoundary?: NamedPolicy } {
    const resources = [...stack.resources.values()];
    const name = role.physicalId;
    const managedArns = new Set((role.properties.ManagedPolicyArns as string[] | undefined) ?? []);
    const policies: NamedPolicy[] = [];
    for (const inline of (role.properties.Policies as Array<{ PolicyName: string; PolicyDocument: PolicyDocument }> | undefined) ?? []) {
      policies.push({ name: inline.PolicyName, document: inline.PolicyDocument });
    }
    for (const r of resources) {
      const attachedTo = (r.properties.Roles as string[] | undefined) ?? [];
      if (r.type === 'AWS::IAM::Policy' && attachedTo.includes(name)) {
        policies.push({ name: String(r.properties.PolicyName ?? r.logicalId), document: r.properties.PolicyDocument as PolicyDocument });
      }
      if (r.type === 'AWS::IAM::ManagedPolicy' && (attachedTo.includes(name) || managedArns.has(r.physicalId))) {
        managedArns.delete(r.physicalId);
        policies.push({ name: r.logicalId, document: r.properties.PolicyDocument as PolicyDocument });
      }
    }
    for (const arn of managedArns) this.warn(`${user}: managed policy ${arn} is not in the stack; its permissions are not counted`);
    let permissionsBoundary: NamedPolicy | undefined;
    const boundaryArn = role.properties.PermissionsBoundary as string | undefined;
    if (boundaryArn) {
      const boundary = resources.find((r) => r.type === 'AWS::IAM::ManagedPolicy' && r.physicalId === boundaryArn);
      if (boundary) {
        permissionsBoundary = { name: boundary.logicalId, document: boundary.properties.PolicyDocument as PolicyDocument };
      } else {
        this.warn(`${user}: permissions boundary ${boundaryArn} is not in the stack; it is not applied`);
      }
    }
    return { policies, permissionsBoundary };
  }

  /** Every deployed stack, and the one being deployed. */
  private allStacks(): DeployedStack[] {
    const stacks = [...this.stacks.values()];
    for (const deploying of this.deploying) if (!stacks.includes(deploying)) stacks.push(deploying);
    return stacks;
  }

  /** A role of a deployed stack as a service would assume it: its policies now, and the services its trust policy names. */
  private serviceRole(roleArn: string): ServiceRole | undefined {
    for (const stack of this.allStacks()) {
      const role = [...stack.resources.values()].find((r) => r.type === 'AWS::IAM::Role' && r.attributes.Arn === roleArn);
      if (!role) continue;
      const trust = (role.properties.AssumeRolePolicyDocument as PolicyDocument | undefined)?.Statement ?? [];
      const trustedServices = [trust].flat().filter((st: any) => st.Effect === 'Allow' && [st.Action].flat().includes('sts:AssumeRole'))
        .flatMap((st: any) => [st.Principal?.Service ?? []].flat().map(String));
      return { principal: this.roleSession(role, stack, role.logicalId, 'service'), trustedServices };
    }
    return undefined;
  }

  /**
   * The KMS key a deployed bucket encrypts new objects with by default: its ARN, and its key
   * policy when the key is a key of a deployed stack (KMS evaluates it with the caller's policies).
   */
  private bucketKey(bucketName: string): { keyArn: string; keyPolicy?: PolicyDocument } | undefined {
    for (const stack of this.allStacks()) {
      const bucket = [...stack.resources.values()].find((r) => r.type === 'AWS::S3::Bucket' && r.physicalId === bucketName);
      const rules = (bucket?.properties.BucketEncryption as any)?.ServerSideEncryptionConfiguration ?? [];
      const keyArn = rules.map((rule: any) => rule.ServerSideEncryptionByDefault?.KMSMasterKeyID).find(Boolean);
      if (!keyArn) continue;
      const key = this.allStacks().flatMap((s) => [...s.resources.values()]).find((r) => r.type === 'AWS::KMS::Key' && r.attributes.Arn === keyArn);
      return { keyArn: String(keyArn), keyPolicy: key?.properties.KeyPolicy as PolicyDocument | undefined };
    }
    return undefined;
  }

  /** The first stack of a name has a deterministic id from its name; each later one, from its name and count. */
  private newStackUuid(stackName: string): string {
    const count = this.creations.get(stackName) ?? 0;
    return deterministicUuid(count === 0 ? stackName : `${stackName}#${count}`);
  }

  private warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  /** The ResponseURL server's address, started once (stacks deployed at once share it). */
  private responseServer(): Promise<string> {
    this.serverAddress ??= new Promise<string>((resolveAddress) => {
      const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          // The request id is the object key's last part (`<StackId>|<LogicalResourceId>|<RequestId>`).
          const requestId = decodeURIComponent(new URL(req.url ?? '/', 'http://replay').pathname).split('|').pop() ?? '';
          this.responses.get(requestId)?.(JSON.parse(Buffer.concat(chunks).toString('utf-8')));
          res.writeHead(200).end();
        });
      });
      this.server = server;
      server.listen(0, '127.0.0.1', () => resolveAddress(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
    });
    return this.serverAddress;
  }

  private resolveContext(artifact: StackArtifact, stack: DeployedStack, conditions: Record<string, boolean>): ResolveContext {
    const parameters: Record<string, string> = {};
    for (const [name, p] of Object.entries(artifact.template.Parameters ?? {})) {
      // The bootstrap version check reads an SSM parameter; a recent bootstrap stack is assumed.
      parameters[name] = p.Type.startsWith('AWS::SSM::Parameter::Value') ? '99' : String(p.Default ?? '');
    }
    const allExports = () => Object.assign({}, ...[...this.stacks.values()].map((s) => s.exports), stack.exports);
    return {
      pseudo: {
        'AWS::AccountId': stack.account,
        'AWS::Region': stack.region,
        'AWS::Partition': 'aws',
        'AWS::URLSuffix': 'amazonaws.com',
        'AWS::StackName': artifact.name,
        'AWS::StackId': stack.stackId,
      },
      parameters,
      mappings: artifact.template.Mappings ?? {},
      conditions,
      get exports() { return allExports(); },
      ref: (id) => {
        const r = stack.resources.get(id);
        if (!r) throw new Error(`Ref to ${id}, which is not deployed yet`);
        return r.physicalId;
      },
      getAtt: (id, attribute) => {
        const r = stack.resources.get(id);
        if (!r) throw new Error(`Fn::GetAtt ${id}.${attribute}, which is not deployed yet`);
        if (attribute in r.attributes) return r.attributes[attribute];
        // A custom resource that did not return the attribute fails in CloudFormation too.
        if (isCustomResource(r.type) || NATIVE_RESOURCES[r.type]) throw new Error(`${id} (${r.type}) has no attribute ${attribute}`);
        return placeholderAttribute(stack, r, attribute);
      },
    };
  }

  private readStack(assemblyDir: string, stackName: string): StackArtifact {
    const manifest = JSON.parse(fs.readFileSync(path.join(assemblyDir, 'manifest.json'), 'utf-8'));
    const entry = Object.entries<any>(manifest.artifacts).find(([id, a]) =>
      a.type === 'aws:cloudformation:stack' && (id === stackName || a.displayName === stackName));
    if (!entry) throw new Error(`no stack ${stackName} in ${assemblyDir}`);
    const [id, artifact] = entry;
    const [, account, region] = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment)!;
    const assets = new Map<string, string>();
    for (const dep of artifact.dependencies ?? []) {
      const a = manifest.artifacts[dep];
      if (a?.type !== 'cdk:asset-manifest') continue;
      const assetManifest = JSON.parse(fs.readFileSync(path.join(assemblyDir, a.properties.file), 'utf-8'));
      for (const [hash, file] of Object.entries<any>(assetManifest.files ?? {})) {
        // Absolute: the handler's process loads its code from here, whatever the caller's directory.
        assets.set(hash, path.resolve(assemblyDir, file.source.path));
      }
    }
    return {
      name: id,
      template: JSON.parse(fs.readFileSync(path.join(assemblyDir, artifact.properties.templateFile), 'utf-8')),
      account: account === 'unknown-account' ? this.options.defaultAccount ?? '111111111111' : account,
      region: region === 'unknown-region' ? this.options.defaultRegion ?? 'us-east-1' : region,
      assets,
    };
  }
}

/** Id prefixes of the EC2 attributes CloudFormation documents as return values (e.g. `GroupId`: `sg-…`). */
const ID_PREFIXES: Record<string, string> = {
  GroupId: 'sg',
  DefaultSecurityGroup: 'sg',
  AllocationId: 'eipalloc',
  SubnetId: 'subnet',
  VpcId: 'vpc',
  RouteTableId: 'rtb',
  NetworkAclId: 'acl',
  DefaultNetworkAcl: 'acl',
  InternetGatewayId: 'igw',
  NatGatewayId: 'nat',
  NetworkInterfaceId: 'eni',
};

/**
 * An attribute of a resource the replay stands in for: a property of the same name where the
 * template gives one (e.g. a subnet's `VpcId`), an id in its documented form for the EC2 ids
 * above, else a deterministic placeholder. Never a crash: a user's stack may hold any type.
 */
function placeholderAttribute(stack: DeployedStack, r: DeployedResource, attribute: string): string {
  const given = r.properties[attribute];
  if (typeof given === 'string') return given;
  const hash = createHash('sha256').update(`${stack.stackId}/${r.logicalId}/${attribute}`).digest('hex');
  const prefix = ID_PREFIXES[attribute];
  if (prefix) return `${prefix}-${hash.slice(0, 17)}`;
  if (attribute === 'PublicIp') return `192.0.2.${parseInt(hash.slice(0, 2), 16) % 254 + 1}`;
  return `${r.logicalId}.${attribute}-${hash.slice(0, 12)}`;
}

function isCustomResource(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}

/** Deterministic stand-ins for resources the harness does not run. */
function standIn(logicalId: string, resource: TemplateResource, properties: Record<string, unknown>,
  artifact: StackArtifact, stack: DeployedStack, dependsOn: string[]): DeployedResource {
  if (resource.Type === 'AWS::S3::Bucket') {
    // Bucket names are global and lowercase; the ARN has no Region or account.
    const name = String(properties.BucketName ?? `${artifact.name}-${logicalId}`.toLowerCase().replace(/[^a-z0-9.-]/g, '-').slice(0, 63));
    return { logicalId, type: resource.Type, physicalId: name, properties, attributes: { Arn: `arn:aws:s3:::${name}` }, dependsOn };
  }
  if (resource.Type === 'AWS::KMS::Key') {
    const keyId = createHash('sha256').update(`${stack.account}/${stack.region}/${artifact.name}/${logicalId}`).digest('hex');
    const id = `${keyId.slice(0, 8)}-${keyId.slice(8, 12)}-${keyId.slice(12, 16)}-${keyId.slice(16, 20)}-${keyId.slice(20, 32)}`;
    return { logicalId, type: resource.Type, physicalId: id, properties, attributes: { Arn: `arn:aws:kms:${stack.region}:${stack.account}:key/${id}`, KeyId: id }, dependsOn };
  }
  if (resource.Type === 'AWS::IAM::Role') {
    const name = roleName(artifact.name, logicalId, properties);
    const rolePath = String(properties.Path ?? '/');
    return {
      logicalId,
      type: resource.Type,
      physicalId: name,
      properties,
      attributes: { Arn: `arn:aws:iam::${stack.account}:role${rolePath}${name}`, RoleId: `AROA${deterministicUuid(name).replace(/-/g, '').slice(0, 17).toUpperCase()}` },
      dependsOn,
    };
  }
  if (resource.Type === 'AWS::IAM::ManagedPolicy') {
    // Ref of a managed policy is its ARN.
    const name = String(properties.ManagedPolicyName ?? `${artifact.name}-${logicalId}`.slice(0, 128));
    const arn = `arn:aws:iam::${stack.account}:policy${String(properties.Path ?? '/')}${name}`;
    return { logicalId, type: resource.Type, physicalId: arn, properties, attributes: { PolicyArn: arn }, dependsOn };
  }
  const physicalId = String(properties.FunctionName ?? properties.RoleName ?? properties.LogGroupName ?? `${artifact.name}-${logicalId}`);
  const service = resource.Type.split('::')[1]?.toLowerCase() ?? 'unknown';
  const arn = resource.Type === 'AWS::Lambda::Function'
    ? `arn:aws:lambda:${stack.region}:${stack.account}:function:${physicalId}`
    : resource.Type === 'AWS::Logs::LogGroup'
      ? `arn:aws:logs:${stack.region}:${stack.account}:log-group:${physicalId}:*`
      : `arn:aws:${service}:${stack.region}:${stack.account}:${logicalId.toLowerCase()}/${physicalId}`;
  return { logicalId, type: resource.Type, physicalId, properties, attributes: { Arn: arn }, dependsOn };
}

/**
 * The name a role gets: its `RoleName`, or one CloudFormation makes from the stack and logical id
 * (role names are at most 64 characters).
 */
export function roleName(stackName: string, logicalId: string, properties: Record<string, unknown>): string {
  return String(properties.RoleName ?? `${stackName}-${logicalId}`.slice(0, 64));
}

/** Each resource's dependencies within the template (DependsOn and references). */
export function dependencyGraph(template: Template): Map<string, string[]> {
  return new Map(Object.entries(template.Resources).map(([id, r]) => {
    const set = references(r.Properties ?? {});
    for (const d of [r.DependsOn ?? []].flat()) set.add(d);
    return [id, [...set].filter((d) => d in template.Resources)];
  }));
}

/** Topological order: every resource after what it depends on; throws on a dependency cycle. */
export function dependencyOrder(graph: Map<string, string[]>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw new Error(`circular dependency at ${id}`);
    state.set(id, 'visiting');
    (graph.get(id) ?? []).filter((d) => graph.has(d)).forEach(visit);
    state.set(id, 'done');
    order.push(id);
  };
  [...graph.keys()].sort().forEach(visit);
  return order;
}

/** Resources in the reverse of their dependency order (dependents first). */
function reverseOrder(resources: DeployedResource[], all: Map<string, DeployedResource>): DeployedResource[] {
  const graph = new Map([...all.values()].map((r) => [r.logicalId, r.dependsOn]));
  const wanted = new Set(resources.map((r) => r.logicalId));
  return dependencyOrder(graph).reverse().filter((id) => wanted.has(id)).map((id) => all.get(id)!);
}

function deterministicUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
