/**
 * The per-stack handler behind every custom resource of the library: one Lambda function, its
 * role and its log group, created on first use in a stack and shared by every construct after.
 *
 * Found through the construct tree (`Stack.of(scope).node.tryFindChild`), never through a static
 * map, so it is right across several apps in one process. Each construct adds the grants its own
 * properties need; they are rendered at synth into one policy (`Permissions`), statements merged
 * by Sid, so a grant that depends on a removal policy set after construction is decided then. The
 * function depends on its role and policies, and every custom resource depends on the function,
 * so permissions exist before the first event and outlive the last.
 *
 * Not exported from the package.
 */
import * as path from 'node:path';
import { Duration, Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { ValidationError } from './errors';
import { Grant, NagSuppression, PermissionSet } from './permissions';

/** Construct id of the provider under its stack. Part of the API: renaming it replaces the function. */
const PROVIDER_ID = 'CdkThreatDetectionProvider';

/** The bundled handler, built by `projen bundle` and shipped in the package. */
const HANDLER_ASSET = path.join(__dirname, '..', '..', 'assets', 'handler');

export class ThreatDetectionProvider extends Construct {
  /** The stack's provider, created on first use. */
  public static of(scope: IConstruct): ThreatDetectionProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(PROVIDER_ID);
    return existing instanceof ThreatDetectionProvider ? existing : new ThreatDetectionProvider(stack, PROVIDER_ID);
  }

  /** The handler function. */
  public readonly function: lambda.Function;
  /** The handler's role. */
  public readonly role: iam.Role;
  /** The value for a custom resource's `ServiceToken`. */
  public readonly serviceToken: string;

  /** The policy of the grants constructs add (the role's default policy holds only log access). */
  public readonly permissionsPolicy: iam.CfnPolicy;

  private readonly grants: Grant[] = [];
  private readonly policySuppressions: Array<{ id: string; reason: string; applies_to?: string[] }> = [];

  private constructor(scope: Construct, id: string) {
    super(scope, id);

    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: logs.RetentionDays.ONE_YEAR,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'cdk-threat-detection custom resource handler',
    });
    // Only its own log group: no AWSLambdaBasicExecutionRole (which allows every log group).
    logGroup.grantWrite(this.role);

    this.function = new lambda.Function(this, 'Handler', {
      description: 'cdk-threat-detection: GuardDuty and Detective custom resources',
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(HANDLER_ASSET),
      // Waits (set activation, member relationships) run inside one invocation; the handler
      // answers FAILED itself shortly before this limit.
      timeout: Duration.minutes(15),
      memorySize: 256,
      role: this.role,
      logGroup,
    });
    this.serviceToken = this.function.functionArn;

    this.permissionsPolicy = new iam.CfnPolicy(this, 'Permissions', {
      policyName: 'cdk-threat-detection-handler',
      roles: [this.role.roleName],
      policyDocument: Lazy.any({ produce: () => this.renderPolicy() }),
    });
    this.permissionsPolicy.addMetadata('cdk_nag', { rules_to_suppress: this.policySuppressions });
    this.function.node.addDependency(this.permissionsPolicy);
  }

  /** Give the handler what one construct needs (grants already given are merged, not repeated). */
  public addPermissions(set: PermissionSet): void {
    this.grants.push(...set.grants);
    for (const suppression of set.nagSuppressions) {
      mergeSuppression(this.policySuppressions, suppression);
    }
  }

  /** The grants that apply, one statement per Sid, in the order they were first given. */
  private renderPolicy(): Record<string, unknown> {
    const statements = new Map<string, MergedGrant>();
    const stack = Stack.of(this);
    for (const grant of this.grants) {
      if (grant.when && !grant.when()) continue;
      const existing = statements.get(grant.sid);
      if (!existing) {
        statements.set(grant.sid, { ...grant, actions: [...grant.actions], resources: [...grant.resources] });
        continue;
      }
      // One Sid, one statement: the same actions on more resources, or more actions on the same
      // resources; anything else would grant actions on resources no construct asked for.
      const key = (value: unknown) => JSON.stringify(stack.resolve(value));
      const sameConditions = key(existing.conditions ?? {}) === key(grant.conditions ?? {});
      const sameActions = key([...existing.actions].sort()) === key([...grant.actions].sort());
      const sameResources = key(existing.resources) === key(grant.resources);
      if (sameConditions && sameResources) {
        for (const action of grant.actions) if (!existing.actions.includes(action)) existing.actions.push(action);
      } else if (sameConditions && sameActions) {
        const known = new Set(existing.resources.map(key));
        existing.resources.push(...grant.resources.filter((r) => !known.has(key(r))));
      } else {
        throw new ValidationError(this, `two grants named ${grant.sid} differ in more than their actions or their resources; `
          + 'a library bug (give one of them another Sid)');
      }
    }
    return {
      Version: '2012-10-17',
      Statement: withoutCoveredActions([...statements.values()], (value) => JSON.stringify(stack.resolve(value))).map((g) => ({
        Sid: g.sid,
        Effect: 'Allow',
        Action: g.actions.length === 1 ? g.actions[0] : g.actions,
        Resource: g.resources.length === 1 ? g.resources[0] : g.resources,
        ...(g.conditions ? { Condition: g.conditions } : {}),
      })),
    };
  }
}

type MergedGrant = Grant & { actions: string[]; resources: string[] };

/**
 * Drop each action a statement grants that another statement already grants without conditions
 * on the same or more resources (e.g. a behavior graph's GuardDuty reads beside a detector's):
 * every statement left is the only one allowing something, and none is padding. Unconditioned
 * statements are kept first, so one covers a conditioned twin wherever either was added.
 */
function withoutCoveredActions(statements: MergedGrant[], key: (value: unknown) => string): MergedGrant[] {
  const kept: MergedGrant[] = [];
  const covers = (by: MergedGrant, action: string, resources: string[]) => by.conditions === undefined && by.actions.includes(action)
    && resources.every((r) => by.resources.some((b) => b === '*' || key(b) === key(r)));
  const ordered = [...statements.filter((s) => s.conditions === undefined), ...statements.filter((s) => s.conditions !== undefined)];
  for (const statement of ordered) {
    const actions = statement.actions.filter((a) => !kept.some((k) => covers(k, a, statement.resources)));
    if (actions.length > 0) kept.push({ ...statement, actions });
  }
  return statements.flatMap((s) => kept.filter((k) => k.sid === s.sid));
}

/** One entry per rule id (cdk-nag reads the first entry for a rule), with the reasons joined. */
function mergeSuppression(into: Array<{ id: string; reason: string; applies_to?: string[] }>, s: NagSuppression): void {
  const existing = into.find((e) => e.id === s.id);
  if (!existing) {
    into.push({ id: s.id, reason: s.reason, ...(s.appliesTo ? { applies_to: [...s.appliesTo] } : {}) });
    return;
  }
  if (!existing.reason.includes(s.reason)) existing.reason = `${existing.reason} ${s.reason}`;
  if (existing.applies_to && s.appliesTo) {
    existing.applies_to.push(...s.appliesTo.filter((a) => !existing.applies_to!.includes(a)));
  } else {
    delete existing.applies_to;
  }
}
