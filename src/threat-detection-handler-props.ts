/**
 * The settings of a stack's handler: vocabulary shared by the public `ThreatDetectionHandler`
 * and the private provider that applies them (a leaf module: it imports no construct).
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';

/**
 * Settings of a stack's handler: the one Lambda function that runs every GuardDuty and Detective
 * custom resource of the stack.
 */
export interface ThreatDetectionHandlerProps {
  /**
   * The function's runtime. The handler is bundled for Node.js 22 and runs on any later one.
   *
   * @default - what aws-cdk-lib picks for the stack's Region (`determineLatestNodeRuntime`:
   * `nodejs24.x` with aws-cdk-lib 2.278), or `nodejs22.x` where that pick is older than Node.js 22
   * (aws-cdk-lib 2.189 picks `nodejs20.x`, whose Node.js reached its end of life)
   * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
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

