/**
 * The organization's findings in one place, for `OrganizationThreatDetection`: the central export
 * (a bucket and key in the home Region, written to by every Region's detector) and the forwarding
 * of findings to the home Region's default event bus. Not exported from the package: the public
 * surface is `OrganizationThreatDetection`'s `findingsExport` and `onFinding`.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import * as guardduty from './aws-guardduty';
import { ValidationError } from './private/errors';
import { acknowledgeNagFindings } from './private/provider';
import { REGION_FACTS_DATE, regionFacts } from './private/region-facts';

/** What the export is made of. */
export interface FindingsExportResources {
  readonly bucket: s3.Bucket;
  readonly key: kms.Key;
}

/** The export's settings, as `OrganizationFindingsExportOptions` gives them. */
export interface FindingsExportSettings {
  readonly prefix: string;
  readonly bucketName?: string;
  readonly serverAccessLogsBucketName?: string;
  readonly removalPolicy: RemovalPolicy;
  readonly expiration?: Duration;
}

/**
 * GuardDuty exports a Region's findings to a bucket in any commercial Region, except that findings
 * of a commercial Region cannot go to a bucket in an opt-in Region.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html#guardduty-export-findings-considerations
 */
export function validateExportRegions(scope: Construct, homeRegion: string, regions: string[]): void {
  if (!regionFacts(homeRegion)?.optIn) return;
  const commercial = regions.filter((r) => r !== homeRegion && regionFacts(r)?.optIn === false);
  if (commercial.length > 0) {
    throw new ValidationError(scope, `\`findingsExport\`: the home Region ${homeRegion} is an opt-in Region (Region facts as of `
      + `${REGION_FACTS_DATE}), and GuardDuty cannot export findings of the other Regions (${commercial.join(', ')}) to a bucket in an `
      + 'opt-in Region: choose a home Region that is not opt-in, or leave `findingsExport` out');
  }
}

/**
 * The bucket and key, in the home Region's export stack, with the policies GuardDuty needs in every
 * covered Region: one statement per service principal (the global one, and each opt-in Region's
 * own), scoped to the administrator account's detectors in those Regions.
 */
export function createFindingsExport(stack: Stack, administratorAccount: string, regions: string[],
  settings: FindingsExportSettings): FindingsExportResources {
  const key = new kms.Key(stack, 'FindingsKey', {
    description: 'cdk-threat-detection: encrypts the GuardDuty findings the organization exports',
    enableKeyRotation: true,
    removalPolicy: settings.removalPolicy,
  });
  const bucket = new s3.Bucket(stack, 'FindingsBucket', {
    bucketName: settings.bucketName,
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: key,
    bucketKeyEnabled: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    versioned: true,
    serverAccessLogsBucket: settings.serverAccessLogsBucketName
      ? s3.Bucket.fromBucketName(stack, 'ServerAccessLogs', settings.serverAccessLogsBucketName) : undefined,
    serverAccessLogsPrefix: settings.serverAccessLogsBucketName ? `${stack.stackName}/` : undefined,
    lifecycleRules: settings.expiration ? [{ expiration: settings.expiration, noncurrentVersionExpiration: settings.expiration }] : undefined,
    removalPolicy: settings.removalPolicy,
  });
  for (const [principal, sourceRegions] of principalsOf(regions)) {
    const conditions = {
      StringEquals: { 'aws:SourceAccount': administratorAccount },
      ArnLike: { 'aws:SourceArn': sourceRegions.map((r) => `arn:${stack.partition}:guardduty:${r}:${administratorAccount}:detector/*`) },
    };
    const servicePrincipal = new iam.ServicePrincipal(principal);
    const sid = principal === 'guardduty.amazonaws.com' ? '' : sidOf(principal);
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: `AllowGuardDutyGetBucketLocation${sid}`,
      principals: [servicePrincipal],
      actions: ['s3:GetBucketLocation'],
      resources: [bucket.bucketArn],
      conditions,
    }));
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: `AllowGuardDutyPutObject${sid}`,
      principals: [servicePrincipal],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects(`${settings.prefix}*`)],
      conditions,
    }));
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: `AllowGuardDutyEncryptFindings${sid}`,
      principals: [servicePrincipal],
      actions: ['kms:GenerateDataKey'],
      resources: ['*'],
      conditions,
    }));
  }
  acknowledgeNagFindings(bucket.node.defaultChild, [
    ...['HIPAA.Security', 'NIST.800.53.R4', 'NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => ({
      id: `${pack}-S3BucketReplicationEnabled`,
      reason: 'The organization\'s findings have one home Region by design (findingsExport); replicating them is the landing zone\'s '
        + 'retention decision (add a replication rule to findingsBucket). GuardDuty keeps each finding for 90 days as well.',
    })),
    {
      id: 'NIST.800.53.R4-S3BucketDefaultLockEnabled',
      reason: 'Object Lock can only be set when a bucket is created and then binds every object for its retention: the landing zone\'s '
        + 'decision, not a default. The bucket is versioned, and its policy lets GuardDuty only put objects.',
    },
    ...(settings.serverAccessLogsBucketName ? [] : ['AwsSolutions-S1', ...['HIPAA.Security', 'NIST.800.53.R4', 'NIST.800.53.R5', 'PCI.DSS.321']
      .map((pack) => `${pack}-S3BucketLoggingEnabled`)].map((id) => ({
      id,
      reason: 'Server access logs go to a bucket the landing zone owns (its log archive), which the library cannot make: set '
        + 'findingsExport.serverAccessLogsBucketName.',
    }))),
  ]);
  return { bucket, key };
}

/**
 * GuardDuty's service principal per source Region: `guardduty.amazonaws.com` for the Regions
 * enabled by default, `guardduty.<region>.amazonaws.com` for each opt-in Region (a Region the
 * facts do not know is taken as enabled by default, as `PublishingDestination` warns).
 */
function principalsOf(regions: string[]): Map<string, string[]> {
  const byPrincipal = new Map<string, string[]>();
  for (const region of regions) {
    const principal = regionFacts(region)?.optIn ? `guardduty.${region}.amazonaws.com` : 'guardduty.amazonaws.com';
    byPrincipal.set(principal, [...byPrincipal.get(principal) ?? [], region]);
  }
  return byPrincipal;
}

function sidOf(principal: string): string {
  return principal.split('.')[1].split('-').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');
}

/**
 * A rule in each other Region's administrator stack that sends every GuardDuty finding there to the
 * home Region's default event bus (EventBridge routes events between Regions; the forwarded event
 * keeps its `source` and `region`).
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html
 */
export function forwardFindings(detector: guardduty.Detector, homeRegion: string): events.Rule {
  const stack = Stack.of(detector);
  const homeBus = events.EventBus.fromEventBusArn(stack, 'HomeRegionEventBus',
    `arn:${stack.partition}:events:${homeRegion}:${stack.account}:event-bus/default`);
  // A role with a managed policy (not aws-cdk-lib's inline default), allowed to put events on that bus only.
  const role = new iam.Role(detector, 'ForwardFindingsRole', {
    assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
    description: `cdk-threat-detection: forwards GuardDuty findings of ${stack.region} to ${homeRegion}`,
  });
  new iam.ManagedPolicy(detector, 'ForwardFindingsPolicy', {
    roles: [role],
    statements: [new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [homeBus.eventBusArn] })],
  });
  const rule = detector.onFinding('ForwardFindingsToHomeRegion', {
    description: `cdk-threat-detection: every GuardDuty finding of ${stack.region} to the default event bus of ${homeRegion}`,
    // The target would add its own inline policy to the role: the managed policy above grants the same.
    target: new targets.EventBus(homeBus, { role: role.withoutPolicyUpdates() }),
  });
  acknowledgeNagFindings(rule.node.defaultChild, [{
    id: 'Serverless-EventBusDLQ',
    reason: 'EventBridge retries delivery to the home Region\'s event bus for 24 hours; a finding not delivered stays in GuardDuty '
      + '(90 days) and, with findingsExport, in the central bucket. A dead-letter queue per Region would be one more resource per '
      + 'Region to watch, for events that are not lost.',
  }]);
  return rule;
}
