import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { ValidationError } from './private/errors';
import { ThreatDetectionProvider } from './private/provider';

/**
 * Settings of a stack's handler: the one Lambda function that runs every GuardDuty and Detective
 * custom resource of the stack.
 */
export interface ThreatDetectionHandlerProps {
  /**
   * The function's runtime. The handler is bundled for Node.js 22 and runs on any later one.
   *
   * @default - the newest Node.js runtime of the aws-cdk-lib in use (`nodejs22.x` with 2.189,
   * `nodejs24.x` with today's), the same for every Region
   */
  readonly runtime?: lambda.Runtime;

  /**
   * Memory of the function, in MiB (128 to 10,240). Member sets of tens of thousands of accounts
   * read more.
   *
   * @default 256
   */
  readonly memorySize?: number;

  /**
   * A VPC to run the function in. It calls GuardDuty, Detective, AWS Organizations and the
   * CloudFormation response URL (Amazon S3), so the subnets need a route to them (a NAT gateway
   * or VPC endpoints). The role gets the network interface permissions Lambda needs.
   *
   * @default - not in a VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Where in the VPC.
   *
   * @default - the VPC's private subnets (aws-cdk's default); only with `vpc`
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the function in the VPC.
   *
   * @default - one made for the function, allowing all outbound traffic; only with `vpc`
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * Your own log group for the function. The handler gets write access to it.
   *
   * @default - a log group made for the function, kept one year
   */
  readonly logGroup?: logs.ILogGroup;

  /**
   * How long the log group made for the function keeps events. Not with `logGroup`.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * A KMS key to encrypt the log group made for the function (its key policy must allow
   * CloudWatch Logs). Not with `logGroup`.
   *
   * @default - encrypted by CloudWatch Logs
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * Concurrency reserved for the function (one event per custom resource change at a time).
   *
   * @default - none reserved
   */
  readonly reservedConcurrentExecutions?: number;
}

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
 * import { aws_guardduty as guardduty, ThreatDetectionHandler } from 'cdk-threat-detection';
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
