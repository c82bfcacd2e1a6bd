/**
 * The per-stack handler behind every custom resource of the library: one Lambda function, its
 * role, its log group and its permissions, created on first use in a stack (or first, with
 * options, by the public `ThreatDetectionHandler.configure`) and shared by every construct after.
 *
 * Found through the construct tree (`Stack.of(scope).node.tryFindChild`), never through a static
 * map, so it is right across several apps in one process. Each construct adds the grants its own
 * properties need; they are rendered at synth into one customer managed policy (`Permissions`),
 * statements merged by Sid, so a grant that depends on a removal policy set after construction is
 * decided then. The function depends on its role and policy, and every custom resource depends on
 * the function, so permissions exist before the first event and outlive the last. Grants naming
 * the app's own resources (an entity list's bucket and key) go in a second policy
 * (`ResourceReads`, named by its content) that only the resources needing them wait for, so they
 * make no cycle and a rollback finds the old grants in place.
 *
 * What cdk-nag would report and the library cannot satisfy by default is acknowledged on the
 * resource it concerns, with its reason, in both forms cdk-nag reads: the `cdk_nag` metadata
 * (cdk-nag 2) and `Validations.of(...).acknowledge` (cdk-nag 3, where aws-cdk-lib has it).
 *
 * Not exported from the package.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import { CfnResource, Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { FactName, RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct, IConstruct } from 'constructs';
import { PROVE_PROPERTIES_VARIABLE, STACK_ID_VARIABLE } from './contracts';
import { ValidationError } from './errors';
import { Grant, NagSuppression, nagResourceOf, PermissionSet } from './permissions';
import type { ThreatDetectionHandlerProps } from '../threat-detection-handler-props';

/** Construct id of the provider under its stack. Part of the API: renaming it replaces the function. */
const PROVIDER_ID = 'CdkThreatDetectionProvider';

/** The bundled handler, built by `projen bundle` and shipped in the package. */
const HANDLER_ASSET = path.join(__dirname, '..', '..', 'assets', 'handler');

/**
 * The handler's timeout: waits (set activation, member relationships) run inside one invocation,
 * and the handler answers FAILED itself shortly before this limit.
 */
export const HANDLER_TIMEOUT = Duration.minutes(15);

/**
 * How long CloudFormation waits for a custom resource's answer (`ServiceTimeout`), instead of its
 * default of one hour: the handler's timeout, plus five minutes for an event queued behind others
 * (reserved concurrency) to start and for the answer to arrive. An event the handler never answers
 * (a crash before the answer) fails the resource in 20 minutes. A queued event that starts after
 * this finds its resource no longer in progress and is refused, nothing done.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/crpg-ref.html
 */
export const SERVICE_TIMEOUT = Duration.minutes(20);

/**
 * `ServiceTimeout` of a resource whose events continue in new invocations when one invocation's
 * time runs out (member sets, lists, delegations, invitations, a publishing destination's and a
 * Malware Protection plan's verification, see lambda/shared/continuation.ts): CloudFormation's
 * maximum, one hour, four invocations of the handler's timeout. An event still running then fails
 * the resource.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-customresource.html
 */
export const CONTINUABLE_SERVICE_TIMEOUT = Duration.hours(1);

/** The oldest Node.js the handler is built for (esbuild's `--target=node22`) and tested on. */
export const HANDLER_MIN_NODE = 22;

const nodeVersion = (name: string) => Number(/^nodejs(\d+)\.x$/.exec(name)?.[1] ?? 0);

/** Whether a runtime is the newest Node.js member of the aws-cdk-lib in use (what cdk-nag's latest-runtime rules ask for). */
function isNewestNodeRuntime(runtime: lambda.Runtime): boolean {
  const newest = Math.max(...Object.values(lambda.Runtime).filter((r): r is lambda.Runtime => r instanceof lambda.Runtime && !r.isVariable)
    .map((r) => nodeVersion(r.name)));
  return Token.isUnresolved(runtime.name) || nodeVersion(runtime.name) === newest;
}

/**
 * The handler's default runtime: what aws-cdk-lib itself picks for the stack's Region
 * (`determineLatestNodeRuntime`, its regional fact `latestNodeRuntime`), so the function never runs
 * on a runtime newer than aws-cdk-lib deploys there; `nodejs22.x` where that pick is older than the
 * handler supports (aws-cdk-lib 2.189's facts name `nodejs20.x`, and `nodejs18.x` for a Region they
 * do not know; Node.js 20 reached its end of life on 2026-04-30 and Lambda deprecates a runtime
 * then).
 *
 * For a stack without a Region, aws-cdk-lib's pick is one value when every Region has the same (the
 * string), or a per-Region mapping (`Fn::FindInMap`); the mapping is used only when every Region's
 * value is new enough, and is not added to the template otherwise.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
 */
export function handlerRuntime(scope: IConstruct): lambda.Runtime {
  const stack = Stack.of(scope);
  const fallback = lambda.Runtime.NODEJS_22_X;
  if (Token.isUnresolved(stack.region)) {
    const perRegion = Object.values(RegionInfo.regionMap(FactName.LATEST_NODE_RUNTIME));
    if (perRegion.length === 0 || perRegion.some((name) => nodeVersion(name) < HANDLER_MIN_NODE)) return fallback;
  }
  const picked = lambda.determineLatestNodeRuntime(scope);
  if (Token.isUnresolved(picked.name)) return picked;
  if (nodeVersion(picked.name) < HANDLER_MIN_NODE) return fallback;
  // The enum member of that name where there is one (the same object users compare with).
  return Object.values(lambda.Runtime).find((r): r is lambda.Runtime => r instanceof lambda.Runtime && !r.isVariable && r.name === picked.name)
    ?? picked;
}

/** The execution role's permissions to run the function in a VPC (what AWSLambdaVPCAccessExecutionRole holds). */
const VPC_ACCESS_ACTIONS = ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'];

/** The packs' rule prefixes for a finding every one of them has under its own name. */
const COMPLIANCE_PACKS = ['HIPAA.Security', 'NIST.800.53.R4', 'NIST.800.53.R5', 'PCI.DSS.321'];

export class ThreatDetectionProvider extends Construct {
  /** The stack's provider, created with defaults on first use. */
  public static of(scope: IConstruct): ThreatDetectionProvider {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(PROVIDER_ID);
    return existing instanceof ThreatDetectionProvider ? existing : new ThreatDetectionProvider(stack, PROVIDER_ID, {});
  }

  /**
   * Create the stack's provider with options.
   *
   * @throws if the stack has one already (a construct of the library made it with defaults).
   */
  public static create(scope: IConstruct, options: ThreatDetectionHandlerProps): ThreatDetectionProvider {
    const stack = Stack.of(scope);
    if (stack.node.tryFindChild(PROVIDER_ID)) {
      throw new ValidationError(scope, `the stack ${stack.node.path} has its cdk-threat-detection handler already: configure it `
        + '(ThreatDetectionHandler.configure) once per stack, before the first GuardDuty or Detective construct of the stack');
    }
    return new ThreatDetectionProvider(stack, PROVIDER_ID, options);
  }

  /** The handler function. */
  public readonly function: lambda.Function;
  /** The handler's role. */
  public readonly role: iam.Role;
  /** The handler's log group. */
  public readonly logGroup: logs.ILogGroup;
  /** The value for a custom resource's `ServiceToken`. */
  public readonly serviceToken: string;
  /** The customer managed policy holding everything the handler may do. */
  public readonly permissionsPolicy: iam.CfnManagedPolicy;

  private readonly grants: Grant[] = [];
  private readonly resourceGrants: Grant[] = [];
  /** Holds the one policy of `resourceGrants`, whose id names its content (see `addResourceGrants`). */
  private resourceReads?: Construct;
  private readonly policySuppressions: Array<{ id: string; reason: string; applies_to?: string[] }> = [];
  /** Finding ids acknowledged on the policy already (constructs of one type add the same ones). */
  private readonly acknowledged = new Set<string>();

  private constructor(scope: Construct, id: string, options: ThreatDetectionHandlerProps) {
    super(scope, id);

    if (options.logGroup && (options.logRetention !== undefined || options.logEncryptionKey)) {
      throw new ValidationError(this, '`logRetention` and `logEncryptionKey` configure the log group the library makes; with your own '
        + '`logGroup`, set them on it');
    }
    this.logGroup = options.logGroup ?? new logs.LogGroup(this, 'LogGroup', {
      retention: options.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: options.logEncryptionKey,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'cdk-threat-detection custom resource handler',
    });

    // One customer managed policy (no inline policy: the HIPAA, NIST and PCI packs ask for
    // managed ones) with the log group, VPC placement and every construct's grants.
    this.permissionsPolicy = new iam.CfnManagedPolicy(this, 'Permissions', {
      description: 'cdk-threat-detection: what the custom resource handler of this stack may do',
      roles: [this.role.roleName],
      policyDocument: Lazy.any({ produce: () => this.renderPolicy(this.grants) }),
    });

    this.function = new lambda.Function(this, 'Handler', {
      description: 'cdk-threat-detection: GuardDuty and Detective custom resources',
      runtime: options.runtime ?? handlerRuntime(this),
      handler: 'index.handler',
      code: lambda.Code.fromAsset(HANDLER_ASSET),
      timeout: HANDLER_TIMEOUT,
      memorySize: options.memorySize ?? 256,
      role: this.role,
      logGroup: this.logGroup,
      vpc: options.vpc,
      vpcSubnets: options.vpcSubnets,
      securityGroups: options.securityGroups,
      reservedConcurrentExecutions: options.reservedConcurrentExecutions,
      // The handler acts only on events of its own stack, confirmed with CloudFormation
      // (lambda/shared/event-verification.ts); an event cannot change the environment.
      environment: {
        [STACK_ID_VARIABLE]: Stack.of(this).stackId,
        // The proof of each event's properties by the template (lambda/shared/template-proof.ts) is
        // on unless the app turns it off.
        ...(propertiesProofOn(this) ? {} : { [PROVE_PROPERTIES_VARIABLE]: 'false' }),
      },
    });
    this.function.node.addDependency(this.permissionsPolicy);
    this.serviceToken = this.function.functionArn;

    this.addPermissions({
      grants: [
        { sid: 'HandlerLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] },
        // Confirm each event before acting on it: the event's resource in its stack, the stack's
        // status for the deletes of a replacement's cleanup, and the template (with the stack's
        // parameters and physical ids) that proves the event's properties. Its own stack only.
        {
          sid: 'ConfirmEvents',
          actions: propertiesProofOn(this)
            ? ['cloudformation:DescribeStackResource', 'cloudformation:DescribeStacks', 'cloudformation:GetTemplate', 'cloudformation:ListStackResources']
            : ['cloudformation:DescribeStackResource', 'cloudformation:DescribeStacks'],
          resources: [Stack.of(this).stackId],
        },
      ],
      nagSuppressions: [],
    });
    if (options.vpc) {
      this.addPermissions({
        grants: [{ sid: 'HandlerNetworkInterfaces', actions: VPC_ACCESS_ACTIONS, resources: ['*'] }],
        nagSuppressions: [{
          id: 'AwsSolutions-IAM5',
          reason: 'Lambda creates and deletes the network interfaces of a function in a VPC with its execution role: the ec2 '
            + 'actions of AWSLambdaVPCAccessExecutionRole, on interfaces whose ids are not known in advance.',
          appliesTo: ['Resource::*'],
        }],
      });
    }
    this.acknowledgeDefaults(options);
  }

  /**
   * Give the handler what one construct needs (grants already given are merged, not repeated).
   * Returns the policy holding its resource grants, which the construct's resource must wait for.
   */
  public addPermissions(set: PermissionSet): IConstruct | undefined {
    this.grants.push(...set.grants);
    const resourcePolicy = set.resourceGrants && set.resourceGrants.length > 0 ? this.addResourceGrants(set.resourceGrants) : undefined;
    if (!nagAcknowledgementsOn(this)) return resourcePolicy;
    for (const suppression of set.nagSuppressions.map((n) => withRenderedTokens(this, n))) {
      mergeSuppression(this.policySuppressions, suppression);
      const ids = findingIds(suppression).filter((id) => !this.acknowledged.has(id));
      ids.forEach((id) => this.acknowledged.add(id));
      if (ids.length > 0) acknowledge(this.permissionsPolicy, { ...suppression, appliesTo: undefined }, ids);
    }
    if (this.policySuppressions.length > 0 && !this.permissionsPolicy.getMetadata('cdk_nag')) {
      this.permissionsPolicy.addMetadata('cdk_nag', { rules_to_suppress: this.policySuppressions });
    }
    return resourcePolicy;
  }

  /**
   * The grants that name the app's own resources, in a second customer managed policy on the
   * handler's role, under `ResourceReads`. The function does not depend on it (the named
   * resources may depend on the function, through a detector in a key policy); each resource
   * that needs its grants depends on `ResourceReads` instead.
   *
   * The policy's construct id carries a hash of its content, so a change of what it grants (an
   * entity list's new object) is a new policy: CloudFormation creates it before the resources
   * that depend on it and deletes the old one only in the cleanup after a successful update.
   * A rollback therefore finds the old grants still in place when it puts a resource back (an
   * entity list re-read at its old object, in the caller's name); updating one policy in place
   * would have taken them away before the rollback reached the resource.
   */
  private addResourceGrants(grants: Grant[]): IConstruct {
    this.resourceGrants.push(...grants);
    const holder = this.resourceReads ??= new Construct(this, 'ResourceReads');
    for (const child of [...holder.node.children]) holder.node.tryRemoveChild(child.node.id);
    const content = JSON.stringify(Stack.of(this).resolve(this.renderPolicy(this.resourceGrants)));
    new iam.CfnManagedPolicy(holder, `Policy${createHash('sha256').update(content).digest('hex').slice(0, 8)}`, {
      description: 'cdk-threat-detection: what the custom resource handler of this stack may read of the app\'s own resources, '
        + 'and its invoking itself to continue work longer than one invocation',
      roles: [this.role.roleName],
      policyDocument: Lazy.any({ produce: () => this.renderPolicy(this.resourceGrants) }),
    });
    return holder;
  }

  /**
   * What cdk-nag's packs ask of a Lambda function and its log group that the defaults do not
   * give, acknowledged with why, unless an option gives it.
   */
  private acknowledgeDefaults(options: ThreatDetectionHandlerProps): void {
    const onFunction: NagSuppression[] = [
      ...['HIPAA.Security', 'NIST.800.53.R5', 'Serverless'].map((pack) => ({
        id: `${pack}-LambdaDLQ`,
        reason: 'CloudFormation invokes the handler for custom resource events and the handler answers CloudFormation itself, '
          + 'FAILED included, before its timeout; an event on a dead-letter queue would have no one to replay it.',
      })),
      {
        id: 'Serverless-LambdaTracing',
        reason: 'The handler makes a few API calls per CloudFormation event and logs each with its outcome and request id; '
          + 'X-Ray tracing would add permissions and cost without answering more.',
      },
    ];
    if (!options.runtime && !isNewestNodeRuntime(this.function.runtime)) {
      onFunction.push(...['AwsSolutions-L1', 'Serverless-LambdaLatestVersion'].map((id) => ({
        id,
        reason: `The runtime, ${this.function.runtime.name}, is the one aws-cdk-lib itself deploys in this stack's Region `
          + '(determineLatestNodeRuntime): a newer Runtime member may not be offered in every Region yet. Choose another with '
          + 'ThreatDetectionHandler.configure(stack, { runtime }).',
      })));
    }
    if (!options.vpc) {
      onFunction.push(...COMPLIANCE_PACKS.map((pack) => ({
        id: `${pack}-LambdaInsideVPC`,
        reason: 'The handler calls only AWS APIs (GuardDuty, Detective, Organizations, the CloudFormation response URL) over TLS. '
          + 'Place it in a VPC with ThreatDetectionHandler.configure(stack, { vpc }) where your policy requires it.',
      })));
    }
    if (options.reservedConcurrentExecutions === undefined) {
      onFunction.push(...['HIPAA.Security', 'NIST.800.53.R5'].map((pack) => ({
        id: `${pack}-LambdaConcurrency`,
        reason: 'The handler runs only for this stack\'s CloudFormation events, which bound its concurrency; reserving '
          + 'concurrency would take it from the account\'s pool. Reserve it with ThreatDetectionHandler.configure(stack, '
          + '{ reservedConcurrentExecutions }) where your policy requires it.',
      })));
    }
    suppress(this.function.node.defaultChild as CfnResource, onFunction);
    if (!options.logGroup && !options.logEncryptionKey) {
      suppress(this.logGroup.node.defaultChild as CfnResource, COMPLIANCE_PACKS.map((pack) => ({
        id: `${pack}-CloudWatchLogGroupEncrypted`,
        reason: 'The handler logs no finding, secret or email (it redacts them), and CloudWatch Logs encrypts log data at rest. '
          + 'Give a KMS key with ThreatDetectionHandler.configure(stack, { logEncryptionKey }) where your policy requires it.',
      })));
    }
  }

  /** The grants that apply, one statement per Sid, in the order they were first given. */
  private renderPolicy(grants: Grant[]): Record<string, unknown> {
    const statements = new Map<string, MergedGrant>();
    const stack = Stack.of(this);
    for (const grant of grants) {
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

/**
 * Acknowledge cdk-nag findings, with their reasons, on a resource a construct made beside the
 * handler (e.g. a service role's policy); nothing when there is no resource.
 */
export function acknowledgeNagFindings(resource: IConstruct | undefined, suppressions: NagSuppression[]): void {
  if (resource instanceof CfnResource) suppress(resource, suppressions.map((n) => withRenderedTokens(resource, n)));
}

/**
 * A suppression whose `appliesTo` names a resource with a token of the app (e.g. an account id
 * from a `CfnParameter`), rendered as cdk-nag renders it in its finding (`<Logical>` for a `Ref`):
 * a finding id must be a plain string (aws-cdk-lib refuses a token in an acknowledgement's id).
 */
function withRenderedTokens(scope: IConstruct, suppression: NagSuppression): NagSuppression {
  if (!suppression.appliesTo?.some((a) => Token.isUnresolved(a))) return suppression;
  return {
    ...suppression,
    appliesTo: suppression.appliesTo.map((a) => (Token.isUnresolved(a) ? nagResourceOf(scope, a.replace(/^Resource::/, '')) : a)),
  };
}

/**
 * The context key that turns the library's own cdk-nag acknowledgements off, for a security review
 * that wants to see every finding and decide on each (the reasons stay in the source and the README).
 */
export const NAG_ACKNOWLEDGEMENTS_CONTEXT = 'cdk-threat-detection:nagAcknowledgements';

/**
 * The context key that turns off the proof of each event's properties by the stack's template
 * (lambda/shared/template-proof.ts): `false` for an app whose stacks' events the proof refuses
 * wrongly (say so in an issue), at the cost of acting on properties only the event vouches for.
 */
export const PROVE_PROPERTIES_CONTEXT = 'cdk-threat-detection:proveProperties';

/** Whether the handler proves events' properties by the template (unless the context key is `false` or `"false"`). */
function propertiesProofOn(scope: IConstruct): boolean {
  const value: unknown = scope.node.tryGetContext(PROVE_PROPERTIES_CONTEXT);
  return value !== false && value !== 'false';
}

/** Whether the library acknowledges cdk-nag findings (unless the context key is `false` or `"false"`). */
function nagAcknowledgementsOn(scope: IConstruct): boolean {
  const value: unknown = scope.node.tryGetContext(NAG_ACKNOWLEDGEMENTS_CONTEXT);
  return value !== false && value !== 'false';
}

/** Acknowledge findings on a resource, for cdk-nag 2 (metadata) and cdk-nag 3 (`Validations`). */
function suppress(resource: CfnResource, suppressions: NagSuppression[]): void {
  if (!nagAcknowledgementsOn(resource)) return;
  resource.addMetadata('cdk_nag', {
    rules_to_suppress: suppressions.map((s) => ({ id: s.id, reason: s.reason, ...(s.appliesTo ? { applies_to: s.appliesTo } : {}) })),
  });
  for (const s of suppressions) acknowledge(resource, s);
}

/**
 * `Validations.of(scope).acknowledge`, where the aws-cdk-lib in use has it (cdk-nag 3 reads it;
 * aws-cdk-lib 2.189, the floor, has not). A finding with an `appliesTo` is acknowledged by its
 * finding id, `<rule>[<appliesTo>]`, as cdk-nag 3 reports it.
 */
function acknowledge(scope: IConstruct, suppression: NagSuppression, ids: string[] = findingIds(suppression)): void {
  const validations = (cdk as { Validations?: { of(s: IConstruct): { acknowledge(a: { id: string; reason: string }): void } } }).Validations;
  if (!validations) return;
  for (const id of ids) validations.of(scope).acknowledge({ id, reason: suppression.reason });
}

/** The finding ids cdk-nag 3 reports for a suppression: `<rule>[<appliesTo>]` each, or the rule. */
function findingIds(suppression: NagSuppression): string[] {
  return suppression.appliesTo ? suppression.appliesTo.map((a) => `${suppression.id}[${a}]`) : [suppression.id];
}
