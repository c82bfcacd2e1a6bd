/**
 * What a platform team writes: GuardDuty in the security (delegated administrator) account and in
 * a workload account, as part of a landing zone.
 *
 * In your own project, import from the package instead:
 *   import { aws_guardduty as guardduty } from 'cdk-threat-detection';
 */
import * as path from 'node:path';
import { App, Duration, RemovalPolicy, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { aws_guardduty as guardduty } from '../../src';

export const REGION = 'eu-west-1';
export const SECURITY_ACCOUNT = '222222222222';
export const WORKLOAD_ACCOUNT = '333333333333';

/** The settings the example changes between its first and second deployment. */
export interface LandingZoneSettings {
  readonly findingPublishingFrequency: guardduty.FindingPublishingFrequency;
  /** Lambda Protection on or off. */
  readonly lambdaNetworkLogs: boolean;
  /** Findings below this severity are archived as they arrive. */
  readonly archiveBelowSeverity: number;
  /** The threat intelligence team's list of known-bad addresses. */
  readonly knownBadAddresses: string[];
}

export const INITIAL: LandingZoneSettings = {
  findingPublishingFrequency: guardduty.FindingPublishingFrequency.SIX_HOURS,
  lambdaNetworkLogs: false,
  archiveBelowSeverity: 3,
  knownBadAddresses: ['192.0.2.66', '192.0.2.128/25'],
};

export const UPDATED: LandingZoneSettings = {
  findingPublishingFrequency: guardduty.FindingPublishingFrequency.FIFTEEN_MINUTES,
  lambdaNetworkLogs: true,
  archiveBelowSeverity: 4,
  knownBadAddresses: ['192.0.2.66', '192.0.2.128/25', '2001:db8:bad::/48'],
};

interface ThreatDetectionStackProps extends StackProps {
  readonly settings: LandingZoneSettings;
  readonly removalPolicy?: RemovalPolicy;
}

/** The GuardDuty baseline every account of the landing zone gets. */
export class ThreatDetectionStack extends Stack {
  public readonly detector: guardduty.Detector;

  constructor(scope: Construct, id: string, props: ThreatDetectionStackProps) {
    super(scope, id, props);
    this.detector = new guardduty.Detector(this, 'Detector', {
      findingPublishingFrequency: props.settings.findingPublishingFrequency,
      features: {
        s3DataEvents: true,
        eksAuditLogs: true,
        ebsMalwareProtection: true,
        rdsLoginEvents: true,
        lambdaNetworkLogs: props.settings.lambdaNetworkLogs,
        runtimeMonitoring: {
          enabled: true,
          eksAddonManagement: true,
          ecsFargateAgentManagement: true,
          ec2AgentManagement: false,
        },
      },
      removalPolicy: props.removalPolicy,
    });
    Tags.of(this.detector).add('owner', 'platform-security');
  }
}

/**
 * What only the GuardDuty administrator (security) account manages, and members inherit:
 * suppression rules, trusted and threat IP lists, and the export of findings to S3.
 */
export class SecurityAccountStack extends ThreatDetectionStack {
  constructor(scope: Construct, id: string, props: ThreatDetectionStackProps) {
    super(scope, id, props);
    const detector = this.detector;

    // Suppression rules, applied in rank order.
    detector.addFilter('ArchiveLowSeverity', {
      filterName: 'archive-low-severity',
      description: 'Findings below the severity the SOC triages',
      action: guardduty.FilterAction.ARCHIVE,
      rank: 1,
      findingCriteria: { severity: guardduty.Condition.lessThan(props.settings.archiveBelowSeverity) },
    });
    detector.addFilter('ArchiveScannerPortscans', {
      filterName: 'archive-scanner-portscans',
      description: 'Port scans of the instances tagged as vulnerability scanners',
      action: guardduty.FilterAction.ARCHIVE,
      rank: 2,
      findingCriteria: {
        'type': guardduty.Condition.equalTo('Recon:EC2/Portscan'),
        'resource.instanceDetails.tags.key': guardduty.Condition.equalTo('vulnerability-scanner'),
      },
    });

    // A trusted IP list from a file in the repository, and a threat list written inline.
    detector.addIpSet('TrustedNetworks', {
      ipSetName: 'Trusted networks',
      source: guardduty.IpListSource.fromAsset(path.join(__dirname, 'trusted-ips.txt')),
    });
    detector.addThreatIntelSet('KnownBadAddresses', {
      threatIntelSetName: 'Known bad addresses',
      source: guardduty.IpListSource.fromEntries(props.settings.knownBadAddresses),
    });

    // Findings exported to an encrypted bucket kept for a year.
    const key = new kms.Key(this, 'FindingsKey', { enableKeyRotation: true, description: 'GuardDuty findings export' });
    const bucket = new s3.Bucket(this, 'FindingsBucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      serverAccessLogsPrefix: 'access-logs/',
    });
    detector.addPublishingDestination('FindingsExport', { bucket, key, prefix: 'guardduty/' });
  }
}

/** The landing zone's threat-detection stacks, with the given settings. */
export function buildLandingZone(app: App, settings: LandingZoneSettings): Stack[] {
  Tags.of(app).add('landing-zone', 'example');
  return [
    // The security account's stack owns its detector: the example deletes it at the end to show
    // the whole lifecycle. A real landing zone keeps the default (RETAIN) and GuardDuty running.
    new SecurityAccountStack(app, 'SecurityAccountThreatDetection', {
      env: { account: SECURITY_ACCOUNT, region: REGION },
      settings,
      removalPolicy: RemovalPolicy.DESTROY,
    }),
    // Organization auto-enable already made this account's detector: the stack adopts it, and
    // never deletes it, even under DESTROY.
    new ThreatDetectionStack(app, 'WorkloadAccountThreatDetection', {
      env: { account: WORKLOAD_ACCOUNT, region: REGION },
      settings,
      removalPolicy: RemovalPolicy.DESTROY,
    }),
  ];
}
