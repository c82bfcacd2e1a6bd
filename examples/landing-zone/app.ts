/**
 * What a platform team writes: GuardDuty in the security (delegated administrator) account and in
 * a workload account, as part of a landing zone.
 *
 * In your own project, import from the package instead:
 *   import { aws_guardduty as guardduty } from 'cdk-threat-detection';
 */
import { App, RemovalPolicy, Stack, StackProps, Tags } from 'aws-cdk-lib';
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
}

export const INITIAL: LandingZoneSettings = {
  findingPublishingFrequency: guardduty.FindingPublishingFrequency.SIX_HOURS,
  lambdaNetworkLogs: false,
};

export const UPDATED: LandingZoneSettings = {
  findingPublishingFrequency: guardduty.FindingPublishingFrequency.FIFTEEN_MINUTES,
  lambdaNetworkLogs: true,
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

/** The landing zone's threat-detection stacks, with the given settings. */
export function buildLandingZone(app: App, settings: LandingZoneSettings): Stack[] {
  Tags.of(app).add('landing-zone', 'example');
  return [
    // The security account's stack owns its detector: the example deletes it at the end to show
    // the whole lifecycle. A real landing zone keeps the default (RETAIN) and GuardDuty running.
    new ThreatDetectionStack(app, 'SecurityAccountThreatDetection', {
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
