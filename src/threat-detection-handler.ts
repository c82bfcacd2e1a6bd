import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { ValidationError } from './private/errors';
import { ThreatDetectionProvider } from './private/provider';
import { ThreatDetectionHandlerProps } from './threat-detection-handler-props';

/**
 * The handler of a stack: the one Lambda function (with its role and log group) that runs every
 * GuardDuty and Detective custom resource of the stack, made on the first construct's use.
 *
 * Configure it with `configure` before the stack's first GuardDuty or Detective construct; reach
 * it with `of` to add a permissions boundary, Aspects or acknowledgements. Its construct ids do
 * not depend on the settings, so changing one updates the function in place.
 *
 * @example
 * import { Stack } from 'aws-cdk-lib';
 * import * as ec2 from 'aws-cdk-lib/aws-ec2';
 * import * as iam from 'aws-cdk-lib/aws-iam';
 * import { ThreatDetectionHandler } from 'cdk-threat-detection';
 * import * as guardduty from 'cdk-threat-detection/aws-guardduty';
 *
 * declare const stack: Stack;
 * declare const vpc: ec2.IVpc;
 * declare const boundary: iam.IManagedPolicy;
 * ThreatDetectionHandler.configure(stack, { vpc, reservedConcurrentExecutions: 2 });
 * new guardduty.Detector(stack, 'Detector');
 * iam.PermissionsBoundary.of(ThreatDetectionHandler.of(stack).role).apply(boundary);
 */
export class ThreatDetectionHandler {
  /**
   * Make the stack's handler with these settings.
   *
   * @param scope the stack, or any construct in it
   * @throws if the stack's handler exists already (call it before the first GuardDuty or
   *   Detective construct of the stack), or if a setting is out of range
   */
  public static configure(scope: IConstruct, props: ThreatDetectionHandlerProps): ThreatDetectionHandler {
    validate(scope, props);
    return new ThreatDetectionHandler(ThreatDetectionProvider.create(scope, props));
  }

  /**
   * The stack's handler, made with the default settings if the stack has none yet.
   *
   * @param scope the stack, or any construct in it
   */
  public static of(scope: IConstruct): ThreatDetectionHandler {
    return new ThreatDetectionHandler(ThreatDetectionProvider.of(scope));
  }

  /** The handler function. */
  public readonly function: lambda.Function;

  /** The function's role. */
  public readonly role: iam.Role;

  /** The function's log group. */
  public readonly logGroup: logs.ILogGroup;

  private constructor(provider: ThreatDetectionProvider) {
    this.function = provider.function;
    this.role = provider.role;
    this.logGroup = provider.logGroup;
  }
}

function validate(scope: IConstruct, props: ThreatDetectionHandlerProps): void {
  const { memorySize, reservedConcurrentExecutions: reserved } = props;
  if (memorySize !== undefined && !Token.isUnresolved(memorySize) && (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10240)) {
    throw new ValidationError(scope, `\`memorySize\` must be a whole number of MiB from 128 to 10240, got: ${memorySize}`);
  }
  if (reserved !== undefined && !Token.isUnresolved(reserved) && (!Number.isInteger(reserved) || reserved < 1)) {
    throw new ValidationError(scope, `\`reservedConcurrentExecutions\` must be a whole number of at least 1, got: ${reserved}`);
  }
  if (props.runtime && props.runtime.family !== lambda.RuntimeFamily.NODEJS) {
    throw new ValidationError(scope, `\`runtime\` must be a Node.js runtime (the handler is JavaScript), got: ${props.runtime.name}`);
  }
  if (!props.vpc && (props.vpcSubnets || props.securityGroups)) {
    throw new ValidationError(scope, '`vpcSubnets` and `securityGroups` place the function in `vpc`, which is not given');
  }
}
