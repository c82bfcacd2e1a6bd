/**
 * The per-stack handler behind every custom resource of the library: one Lambda function, its
 * role and its log group, created on first use in a stack and shared by every construct after.
 *
 * Found through the construct tree (`Stack.of(scope).node.tryFindChild`), never through a static
 * map, so it is right across several apps in one process. Constructs add the permission set of
 * their resource type once; the function depends on its role and policy, and every custom
 * resource depends on the function, so permissions exist before the first event and outlive the
 * last.
 *
 * Not exported from the package.
 */
import * as path from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { NagSuppression, PermissionSet } from './permissions';

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

  private readonly permissionSets = new Set<PermissionSet>();
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

    const policy = this.role.node.tryFindChild('DefaultPolicy') as iam.Policy;
    (policy.node.defaultChild as iam.CfnPolicy).addMetadata('cdk_nag', { rules_to_suppress: this.policySuppressions });
  }

  /** Give the handler the permissions of one resource type (once per stack, however often called). */
  public addPermissions(set: PermissionSet): void {
    if (this.permissionSets.has(set)) return;
    this.permissionSets.add(set);
    for (const statement of set.statements) {
      this.role.addToPrincipalPolicy(statement);
    }
    for (const suppression of set.nagSuppressions) {
      mergeSuppression(this.policySuppressions, suppression);
    }
  }
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
