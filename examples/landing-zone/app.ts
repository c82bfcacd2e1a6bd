/**
 * What a platform team writes: GuardDuty and Detective across an organization's landing zone. The
 * management account delegates GuardDuty and Detective to the security account; the security
 * account (delegated administrator) sets the organization's auto-enable settings, enrols the
 * workload OUs as members of both, adopts the behavior graph delegation made and starts its
 * optional datasource packages, and manages suppression rules, IP lists and the findings export,
 * alerts on severe findings and scans a partner upload bucket for malware;
 * workload accounts adopt the detector the organization gave them; and an account-vending pair of
 * stacks invites an account outside the organization to both services and accepts in it.
 *
 * In your own project, import from the package instead:
 *   import { aws_detective as detective, aws_guardduty as guardduty, MemberAccountSource } from 'cdk-threat-detection';
 */
import * as path from 'node:path';
import { App, Duration, RemovalPolicy, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { aws_detective as detective, aws_guardduty as guardduty, MemberAccountSource } from '../../src';

export const REGION = 'eu-west-1';
export const MANAGEMENT_ACCOUNT = '111111111111';
export const SECURITY_ACCOUNT = '222222222222';
export const WORKLOAD_ACCOUNT = '333333333333';
/** A vended account outside the organization (e.g. an acquisition), added by invitation. */
export const VENDED_ACCOUNT = '444444444444';
export const VENDED_ACCOUNT_EMAIL = 'aws-acquired-app@example.com';

/** The organization's OUs the landing zone enrols (ids from AWS Organizations). */
export const WORKLOADS_OU = 'ou-exmp-workloads';
export const SANDBOX_OU = 'ou-exmp-sandboxes';

/** The settings the example changes between its first and second deployment. */
export interface LandingZoneSettings {
  readonly findingPublishingFrequency: guardduty.FindingPublishingFrequency;
  /** Lambda Protection on or off. */
  readonly lambdaNetworkLogs: boolean;
  /** Findings below this severity are archived as they arrive. */
  readonly archiveBelowSeverity: number;
  /** The threat intelligence team's list of known-bad addresses. */
  readonly knownBadAddresses: string[];
  /** Which organization accounts GuardDuty enables by itself. */
  readonly autoEnableOrganizationMembers: guardduty.OrganizationAutoEnable;
  /** The OUs whose accounts are GuardDuty and Detective members. */
  readonly memberOus: string[];
  /** Detective's optional datasource packages. */
  readonly datasourcePackages: detective.DatasourcePackage[];
  /** The cost center every resource of the landing zone is tagged with. */
  readonly costCenter: string;
  /** Findings (the organization's, in the administrator account) at or above this band page the SOC. */
  readonly alertSeverity: guardduty.FindingSeverity;
  /** The upload bucket's prefixes scanned for malware. */
  readonly scannedPrefixes: string[];
  /** Partner services the workloads call, trusted by domain name and address (a trusted entity list). */
  readonly trustedPartners: string[];
  /** EC2 instances GuardDuty-initiated malware scans skip, by tag (for the organization's members too). */
  readonly malwareScanExclusions: guardduty.ScanTag[];
}

export const INITIAL: LandingZoneSettings = {
  findingPublishingFrequency: guardduty.FindingPublishingFrequency.SIX_HOURS,
  lambdaNetworkLogs: false,
  archiveBelowSeverity: 3,
  knownBadAddresses: ['192.0.2.66', '192.0.2.128/25'],
  autoEnableOrganizationMembers: guardduty.OrganizationAutoEnable.NEW,
  memberOus: [WORKLOADS_OU],
  datasourcePackages: [detective.DatasourcePackage.EKS_AUDIT],
  costCenter: 'security-1001',
  alertSeverity: guardduty.FindingSeverity.HIGH,
  scannedPrefixes: ['incoming/'],
  trustedPartners: ['updates.example.com', '198.51.100.0/24'],
  malwareScanExclusions: [{ key: 'malware-scan', value: 'skip' }],
};

export const UPDATED: LandingZoneSettings = {
  findingPublishingFrequency: guardduty.FindingPublishingFrequency.FIFTEEN_MINUTES,
  lambdaNetworkLogs: true,
  archiveBelowSeverity: 4,
  knownBadAddresses: ['192.0.2.66', '192.0.2.128/25', '2001:db8:bad::/48'],
  autoEnableOrganizationMembers: guardduty.OrganizationAutoEnable.ALL,
  memberOus: [WORKLOADS_OU, SANDBOX_OU],
  datasourcePackages: [detective.DatasourcePackage.EKS_AUDIT, detective.DatasourcePackage.ASFF_SECURITYHUB_FINDING],
  costCenter: 'security-2002',
  alertSeverity: guardduty.FindingSeverity.MEDIUM,
  scannedPrefixes: ['incoming/', 'partner-drop/'],
  trustedPartners: ['updates.example.com', 'telemetry.example.net', '198.51.100.0/24'],
  malwareScanExclusions: [{ key: 'malware-scan', value: 'skip' }, { key: 'workload-type', value: 'forensics' }],
};

interface ThreatDetectionStackProps extends StackProps {
  readonly settings: LandingZoneSettings;
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Delegation or organization enrolment made this account's detector before the stack: the stack
   * adopts it and never deletes it, whatever `removalPolicy` says. It keeps the detector's default
   * removal policy (RETAIN_ON_UPDATE_OR_DELETE), under which a failed first deployment's rollback
   * puts back the settings the detector had before the stack adopted it.
   */
  readonly adoptsDetector?: boolean;
  /**
   * The account becomes an invited GuardDuty member: once it is, its administrator governs its
   * finding publishing frequency and protection plans, so its own detector sets neither (it starts
   * with GuardDuty's defaults; an invited member's plans cannot be pushed before it accepts, so
   * a landing zone that manages them enrolls the account through the organization instead).
   */
  readonly settingsFromAdministrator?: boolean;
}

/** The GuardDuty baseline every account of the landing zone gets. */
export class ThreatDetectionStack extends Stack {
  public readonly detector: guardduty.Detector;

  constructor(scope: Construct, id: string, props: ThreatDetectionStackProps) {
    super(scope, id, props);
    this.detector = new guardduty.Detector(this, 'Detector', props.settingsFromAdministrator ? {
      removalPolicy: props.removalPolicy,
    } : {
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
      removalPolicy: props.adoptsDetector ? undefined : props.removalPolicy,
    });
    Tags.of(this.detector).add('owner', 'platform-security');
  }
}

/**
 * What only the GuardDuty administrator (security) account manages, and members inherit:
 * suppression rules, trusted and threat IP lists, and the export of findings to S3.
 */
export class SecurityAccountStack extends ThreatDetectionStack {
  /** The organization behavior graph (Detective administrator). */
  public readonly graph: detective.BehaviorGraph;

  constructor(scope: Construct, id: string, props: ThreatDetectionStackProps) {
    super(scope, id, props);
    this.addSuppressionRules(props.settings);
    this.addLists(props.settings);
    const alerts = this.addFindingsExportAndAlerts(props.settings);
    this.addUploadScanning(props.settings, alerts);
    this.graph = this.addOrganization(props.settings);
  }

  /** Suppression rules, applied in rank order. */
  private addSuppressionRules(settings: LandingZoneSettings): void {
    const detector = this.detector;
    detector.addFilter('ArchiveLowSeverity', {
      filterName: 'archive-low-severity',
      description: 'Findings below the severity the SOC triages',
      action: guardduty.FilterAction.ARCHIVE,
      rank: 1,
      findingCriteria: { severity: guardduty.Condition.lessThan(settings.archiveBelowSeverity) },
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
  }

  /** A trusted IP list from a file in the repository, a threat list written inline, EBS malware scan settings and a trusted entity list. */
  private addLists(settings: LandingZoneSettings): void {
    const detector = this.detector;
    detector.addIpSet('TrustedNetworks', {
      ipSetName: 'Trusted networks',
      source: guardduty.ListSource.fromAsset(path.join(__dirname, 'trusted-ips.txt')),
    });
    detector.addThreatIntelSet('KnownBadAddresses', {
      threatIntelSetName: 'Known bad addresses',
      source: guardduty.ListSource.fromEntries(settings.knownBadAddresses),
    });
    // EBS malware scans: keep the snapshots of infected volumes for the SOC, and skip tagged
    // instances. The administrator's settings are its organization members' too.
    new guardduty.MalwareScanSettings(this, 'MalwareScanSettings', {
      detector,
      ebsSnapshotPreservation: guardduty.EbsSnapshotPreservation.RETENTION_WITH_FINDING,
      scanResourceCriteria: { exclude: settings.malwareScanExclusions },
    });
    // Partner services trusted by domain name as well as address: an entity list, which GuardDuty
    // reads with the handler's access (it is granted s3:GetObject on this one list object).
    detector.addTrustedEntitySet('TrustedPartners', {
      trustedEntitySetName: 'trusted-partners',
      source: guardduty.ListSource.fromEntries(settings.trustedPartners),
    });

  }

  /** Findings exported to an encrypted bucket kept for a year, and severe findings to the SOC; the SOC's alert target. */
  private addFindingsExportAndAlerts(settings: LandingZoneSettings): targets.SnsTopic {
    const detector = this.detector;
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

    // Alerts: the organization's findings at or above a severity band (this administrator account
    // receives its members' findings too) and malware found in uploads, to the SOC's topic. A
    // delivery EventBridge cannot make lands in a dead-letter queue.
    const alerts = new sns.Topic(this, 'SecurityAlerts', { displayName: 'GuardDuty alerts', enforceSSL: true });
    const undelivered = new sqs.Queue(this, 'UndeliveredAlerts', { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true });
    const toSoc = new targets.SnsTopic(alerts, { deadLetterQueue: undelivered });
    detector.onFinding('SevereFindings', { minimumSeverity: settings.alertSeverity, target: toSoc });
    return toSoc;
  }

  /**
   * Malware Protection for S3 on the partner upload bucket: new objects under the scanned
   * prefixes are scanned and tagged with the result; malware pages the SOC.
   */
  private addUploadScanning(settings: LandingZoneSettings, toSoc: targets.SnsTopic): void {
    const uploads = new s3.Bucket(this, 'PartnerUploads', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: new kms.Key(this, 'UploadsKey', { enableKeyRotation: true, description: 'Partner uploads' }),
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      serverAccessLogsPrefix: 'access-logs/',
    });
    const scan = new guardduty.MalwareProtectionPlan(this, 'PartnerUploadsScan', {
      bucket: uploads,
      objectPrefixes: settings.scannedPrefixes,
      tagScannedObjects: true,
    });
    scan.onMalwareScanResult('MalwareFound', { scanResultStatuses: [guardduty.MalwareScanResultStatus.THREATS_FOUND], target: toSoc });
  }

  /**
   * The organization in both services; returns the organization behavior graph.
   */
  private addOrganization(settings: LandingZoneSettings): detective.BehaviorGraph {
    const detector = this.detector;
    // The organization: GuardDuty on in every new (then every) account, with S3 Protection and
    // Runtime Monitoring for new accounts; and the workload OUs' accounts enrolled as members now,
    // read from AWS Organizations at deployment (any number of accounts, one resource).
    new guardduty.OrganizationConfiguration(this, 'OrganizationConfiguration', {
      detector,
      autoEnableOrganizationMembers: settings.autoEnableOrganizationMembers,
      features: {
        s3DataEvents: guardduty.OrganizationAutoEnable.ALL,
        runtimeMonitoring: {
          autoEnable: guardduty.OrganizationAutoEnable.NEW,
          eksAddonManagement: guardduty.OrganizationAutoEnable.NEW,
        },
      },
    });
    // The workload OUs, stated once for both services.
    const workloads = MemberAccountSource.fromOrganization({ parentIds: settings.memberOus });
    const guardDutyMembers = new guardduty.MemberAccounts(this, 'WorkloadMembers', {
      detector,
      accounts: workloads,
      features: { lambdaNetworkLogs: settings.lambdaNetworkLogs },
      // The workload account serves the AI applications: AI Protection there only.
      featureOverrides: [{ accountIds: [WORKLOAD_ACCOUNT], features: { aiProtection: true } }],
    });

    // Detective: delegation made the organization behavior graph, which this adopts (and never
    // deletes); new accounts are enabled automatically, the workload OUs' accounts now. Detective
    // members need GuardDuty, so they are enrolled after GuardDuty's.
    const graph = new detective.BehaviorGraph(this, 'BehaviorGraph', {
      datasourcePackages: settings.datasourcePackages,
      autoEnableOrganizationMembers: true,
    });
    Tags.of(graph).add('owner', 'platform-security');
    const detectiveMembers = new detective.MemberAccounts(this, 'WorkloadGraphMembers', {
      graph,
      accounts: workloads,
    });
    detectiveMembers.node.addDependency(guardDutyMembers);
    return graph;
  }
}

/**
 * The management account: its own detector (so it can be enrolled too), and GuardDuty's and
 * Detective's delegated administrator for the organization in this Region.
 */
export class ManagementAccountStack extends ThreatDetectionStack {
  constructor(scope: Construct, id: string, props: ThreatDetectionStackProps) {
    super(scope, id, props);
    new guardduty.OrganizationAdminAccount(this, 'GuardDutyAdministrator', {
      administratorAccountId: SECURITY_ACCOUNT,
      // The example removes everything at the end; a real landing zone keeps the default.
      removalPolicy: props.removalPolicy,
    });
    new detective.OrganizationAdminAccount(this, 'DetectiveAdministrator', {
      administratorAccountId: SECURITY_ACCOUNT,
      removalPolicy: props.removalPolicy,
    });
  }
}

/** Account vending, administrator side: one invited member per vended account outside the organization. */
export class VendedAccountMembershipStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps & { readonly detectorId: string; readonly graph: detective.IBehaviorGraph }) {
    super(scope, id, props);
    new guardduty.MemberAccount(this, 'Member', {
      detector: guardduty.Detector.fromDetectorId(this, 'SecurityDetector', props.detectorId),
      accountId: VENDED_ACCOUNT,
      email: VENDED_ACCOUNT_EMAIL,
      invitation: { message: 'Welcome to the landing zone: please accept the security team\'s GuardDuty invitation.' },
    });
    new detective.MemberAccount(this, 'GraphMember', {
      graph: props.graph,
      accountId: VENDED_ACCOUNT,
      email: VENDED_ACCOUNT_EMAIL,
      invitation: { message: 'Welcome to the landing zone: please accept the security team\'s Detective invitation.' },
    });
  }
}

/** Account vending, member side: GuardDuty on in the vended account, and both invitations accepted. */
export class VendedAccountStack extends ThreatDetectionStack {
  constructor(scope: Construct, id: string, props: ThreatDetectionStackProps) {
    super(scope, id, props);
    new guardduty.AdministratorAccount(this, 'Administrator', {
      detector: this.detector,
      administratorAccountId: SECURITY_ACCOUNT,
    });
    // Detective's member must have GuardDuty, or it ends ACCEPTED_BUT_DISABLED.
    const membership = new detective.GraphMembership(this, 'GraphMembership', { administratorAccountId: SECURITY_ACCOUNT });
    membership.node.addDependency(this.detector);
  }
}

/** The landing zone's threat-detection stacks, with the given settings, in deployment order. */
export function buildLandingZone(app: App, settings: LandingZoneSettings): Stack[] {
  Tags.of(app).add('landing-zone', 'example');
  Tags.of(app).add('cost-center', settings.costCenter);
  // The example deletes everything at the end to show the whole lifecycle; a real landing zone
  // keeps the defaults (RETAIN_ON_UPDATE_OR_DELETE: kept, but a failed first deployment leaves the
  // account as it found it) and GuardDuty running. Adopted detectors are kept either way.
  const management = new ManagementAccountStack(app, 'ManagementAccountThreatDetection', {
    env: { account: MANAGEMENT_ACCOUNT, region: REGION },
    settings,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const security = new SecurityAccountStack(app, 'SecurityAccountThreatDetection', {
    env: { account: SECURITY_ACCOUNT, region: REGION },
    settings,
    removalPolicy: RemovalPolicy.DESTROY,
    adoptsDetector: true,
  });
  // Delegation made the security account's detector, and enrolment the workload account's: the
  // stacks adopt them, and never delete them.
  const workload = new ThreatDetectionStack(app, 'WorkloadAccountThreatDetection', {
    env: { account: WORKLOAD_ACCOUNT, region: REGION },
    settings,
    removalPolicy: RemovalPolicy.DESTROY,
    adoptsDetector: true,
  });
  const vendingMembership = new VendedAccountMembershipStack(app, 'VendedAccountMembership', {
    env: { account: SECURITY_ACCOUNT, region: REGION },
    detectorId: security.detector.detectorId,
    graph: security.graph,
  });
  const vended = new VendedAccountStack(app, 'VendedAccountThreatDetection', {
    env: { account: VENDED_ACCOUNT, region: REGION },
    settings,
    settingsFromAdministrator: true,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  security.node.addDependency(management);
  workload.node.addDependency(security);
  vended.node.addDependency(vendingMembership);
  return [management, security, workload, vendingMembership, vended];
}
