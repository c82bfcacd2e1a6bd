/**
 * The same organization in every Region: what a platform team writes to cover the whole
 * organization with `OrganizationThreatDetection`, inside a Stage (as a CDK Pipeline deploys it).
 * The management account delegates GuardDuty and Detective to the security account in every
 * Region, the home Region first; the security account adopts each Region's detector and graph and
 * sets the organization's auto-enable there. Detective is configured where it is available. Every
 * Region's findings are exported to one bucket in the home Region, and forwarded to its event bus,
 * where one rule sends the severe ones to the SOC.
 *
 * In your own project, import from the package instead:
 *   import { OrganizationThreatDetection, aws_detective as detective, aws_guardduty as guardduty } from 'cdk-threat-detection';
 */
import { App, Duration, RemovalPolicy, Stage, Tags } from 'aws-cdk-lib';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { MANAGEMENT_ACCOUNT, REGION, SECURITY_ACCOUNT, WORKLOAD_ACCOUNT } from './app';
import { ORGANIZATION } from './organization';
import type { OrganizationDescription } from '../../replay/src';
import { aws_detective as detective, aws_guardduty as guardduty, OrganizationThreatDetection } from '../../src';

/** The Regions of the first deployment: every Region GuardDuty has that accounts have by default (17). */
export const INITIAL_REGIONS = OrganizationThreatDetection.guardDutyRegions();
/** The update adds an opt-in Region (Cape Town), which the workload account has not enabled. */
export const ADDED_REGION = 'af-south-1';
export const UPDATED_REGIONS = [...INITIAL_REGIONS, ADDED_REGION];

/** The example's organization, with the workload account's opt-in Region not enabled. */
export const ORGANIZATION_WIDE: OrganizationDescription = {
  ...ORGANIZATION,
  accounts: (ORGANIZATION.accounts ?? []).map((a) => (a.id === WORKLOAD_ACCOUNT ? { ...a, disabledRegions: [ADDED_REGION] } : a)),
};

/** The organization's threat detection in `regions`, in a Stage named `Organization`. */
export function buildOrganizationWide(app: App, regions: string[]): OrganizationThreatDetection {
  const stage = new Stage(app, 'Organization');
  const threatDetection = new OrganizationThreatDetection(stage, 'ThreatDetection', {
    managementAccount: MANAGEMENT_ACCOUNT,
    administratorAccount: SECURITY_ACCOUNT,
    homeRegion: REGION,
    regions,
    guardDuty: {
      autoEnableOrganizationMembers: guardduty.OrganizationAutoEnable.ALL,
      features: {
        s3DataEvents: guardduty.OrganizationAutoEnable.ALL,
        runtimeMonitoring: { autoEnable: guardduty.OrganizationAutoEnable.NEW, eksAddonManagement: guardduty.OrganizationAutoEnable.NEW },
      },
      administratorFeatures: { s3DataEvents: true, runtimeMonitoring: { enabled: true, eksAddonManagement: true } },
    },
    detective: { datasourcePackages: [detective.DatasourcePackage.EKS_AUDIT] },
    findingsExport: { expiration: Duration.days(365), removalPolicy: RemovalPolicy.DESTROY },
    // The example removes everything at the end; a real landing zone keeps the default (RETAIN).
    delegationRemovalPolicy: RemovalPolicy.DESTROY,
  });
  // Severe findings of every Region, forwarded to the home Region, to the SOC's topic there.
  const home = threatDetection.region(REGION).administratorStack;
  const alerts = new sns.Topic(home, 'SecurityAlerts', { displayName: 'GuardDuty alerts, every Region', enforceSSL: true });
  const undelivered = new sqs.Queue(home, 'UndeliveredAlerts', { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true });
  threatDetection.onFinding('SevereFindings', {
    minimumSeverity: guardduty.FindingSeverity.HIGH,
    target: new targets.SnsTopic(alerts, { deadLetterQueue: undelivered }),
  });
  Tags.of(stage).add('landing-zone', 'example');
  // Filters, lists and exports are per Region: one suppression rule in every Region.
  for (const r of threatDetection.organizationRegions) {
    r.detector.addFilter('ArchiveLowSeverity', {
      filterName: 'archive-low-severity',
      action: guardduty.FilterAction.ARCHIVE,
      rank: 1,
      findingCriteria: { severity: guardduty.Condition.lessThan(3) },
    });
  }
  return threatDetection;
}
