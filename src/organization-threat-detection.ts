import { Annotations, Duration, RemovalPolicy, Stack, StackProps, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import * as detective from './aws-detective';
import * as guardduty from './aws-guardduty';
import { createFindingsExport, FindingsExportResources, forwardFindings, validateExportRegions } from './organization-findings';
import { ValidationError } from './private/errors';
import { REGION_FACTS, REGION_FACTS_DATE, regionFacts } from './private/region-facts';
import { validateAccountId } from './private/validation';

/** GuardDuty's settings for the whole organization, in every Region. */
export interface OrganizationGuardDutyOptions {
  /**
   * Which organization accounts GuardDuty enables itself in, in every Region: `ALL` enrols the
   * existing accounts too (what Security Hub's GuardDuty.1 control expects), `NEW` only accounts
   * as they join.
   *
   * @default OrganizationAutoEnable.ALL
   */
  readonly autoEnableOrganizationMembers?: guardduty.OrganizationAutoEnable;

  /**
   * Protection plans enabled automatically in the organization's accounts.
   *
   * @default - no plan managed
   */
  readonly features?: guardduty.OrganizationFeatures;

  /**
   * The protection plans of the delegated administrator's own detector.
   *
   * @default - the detector's plans are not managed
   */
  readonly administratorFeatures?: guardduty.DetectorFeatures;

  /**
   * How often the administrator's detector publishes updated findings to EventBridge and S3.
   *
   * @default - GuardDuty's default (six hours) for a new detector, unchanged for an existing one
   */
  readonly findingPublishingFrequency?: guardduty.FindingPublishingFrequency;

  /**
   * Settings that differ in some Regions, by Region name: each replaces the organization-wide
   * `features` and `administratorFeatures` there (e.g. a plan a Region does not offer).
   *
   * @default - the same settings in every Region
   */
  readonly regionOverrides?: { [region: string]: OrganizationGuardDutyRegionOverride };
}

/** GuardDuty settings of one Region that replace the organization-wide ones. */
export interface OrganizationGuardDutyRegionOverride {
  /**
   * Protection plans enabled automatically in this Region.
   *
   * @default - the organization-wide `features`
   */
  readonly features?: guardduty.OrganizationFeatures;

  /**
   * The administrator detector's protection plans in this Region.
   *
   * @default - the organization-wide `administratorFeatures`
   */
  readonly administratorFeatures?: guardduty.DetectorFeatures;
}

/** Detective's settings for the whole organization, in the Regions where Detective is available. */
export interface OrganizationDetectiveOptions {
  /**
   * Whether to delegate Detective and configure its organization behavior graph.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Detective's optional datasource packages, started in every Region's graph.
   *
   * @default - none beyond the core package
   */
  readonly datasourcePackages?: detective.DatasourcePackage[];

  /**
   * Whether new organization accounts become graph members automatically.
   *
   * @default true
   */
  readonly autoEnableOrganizationMembers?: boolean;
}

/**
 * The organization's central export of GuardDuty findings: one bucket and KMS key in the home
 * Region of the delegated administrator account, written to by the administrator's detector in
 * every Region (which exports its members' findings too). GuardDuty writes under
 * `<prefix>AWSLogs/<account>/GuardDuty/<region>/`.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html
 */
export interface OrganizationFindingsExportOptions {
  /**
   * The folder in the bucket GuardDuty writes to, e.g. `guardduty/`.
   *
   * @default 'guardduty/'
   */
  readonly prefix?: string;

  /**
   * The bucket's name.
   *
   * @default - a name CloudFormation generates
   */
  readonly bucketName?: string;

  /**
   * The name of an existing bucket, in the home Region of the administrator account, that receives
   * the findings bucket's server access logs (under the export stack's name).
   *
   * @default - no server access logs
   */
  readonly serverAccessLogsBucketName?: string;

  /**
   * How long exported findings (and their older versions) are kept.
   *
   * @default - kept until deleted
   */
  readonly expiration?: Duration;

  /**
   * What happens to the bucket and key when the export stack is deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Properties of an `OrganizationThreatDetection`. */
export interface OrganizationThreatDetectionProps {
  /** The 12-digit id of the organization's management account, which delegates. */
  readonly managementAccount: string;

  /**
   * The 12-digit id of the account that is GuardDuty's and Detective's delegated administrator in
   * every Region. Changing it has a window, by AWS's rules: the old administrator must be removed in
   * every Region and deregistered from AWS Organizations before the new one is designated
   * (Detective accepts only the registered account). Destroy the construct's stacks under
   * `delegationRemovalPolicy: DESTROY`, then deploy with the new account (README, "Changing the
   * administrator").
   *
   * @see https://docs.aws.amazon.com/guardduty/latest/ug/change-guardduty-delegated-admin.html
   */
  readonly administratorAccount: string;

  /**
   * The Region whose delegation runs first: AWS Organizations registers the delegated
   * administrator once for all Regions, and delegations running at once in several Regions before
   * that registration fail in all but one. The other Regions' delegations wait for this one.
   * It must be one of `regions`.
   */
  readonly homeRegion: string;

  /**
   * The Regions to cover, e.g. `OrganizationThreatDetection.guardDutyRegions()`. Every one must
   * have GuardDuty; Detective is configured where it is available and skipped elsewhere. Opt-in
   * Regions must be enabled in the management and administrator accounts (and bootstrapped).
   */
  readonly regions: string[];

  /**
   * The prefix of the stack names: `<prefix>-Management-<region>` and
   * `<prefix>-Administrator-<region>`.
   *
   * @default - this construct's id
   */
  readonly stackNamePrefix?: string;

  /**
   * GuardDuty's organization settings.
   *
   * @default - every account enabled (ALL), no protection plan managed
   */
  readonly guardDuty?: OrganizationGuardDutyOptions;

  /**
   * Detective's organization settings.
   *
   * @default - Detective delegated and its graph configured where available, new accounts enrolled
   */
  readonly detective?: OrganizationDetectiveOptions;

  /**
   * Export every Region's findings to one bucket and key in the home Region (the export stack
   * `<prefix>-FindingsExport-<homeRegion>`, in the administrator account). The bucket and key
   * policies name GuardDuty's principal of every Region covered: the global one and, for each
   * opt-in Region, its own. The other Regions' stacks get the key's ARN through aws-cdk-lib's
   * cross-Region references (`crossRegionReferences`), which keep it in SSM parameters.
   *
   * @default - no export
   * @throws if the home Region is an opt-in Region and other Regions are not: GuardDuty cannot
   * export a commercial Region's findings to a bucket in an opt-in Region.
   */
  readonly findingsExport?: OrganizationFindingsExportOptions;

  /**
   * What happens to the delegations (GuardDuty's and Detective's, per Region) when a Region's
   * management stack is deleted: RETAIN leaves the administrator in place; DESTROY disables it in
   * that Region.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly delegationRemovalPolicy?: RemovalPolicy;

  /**
   * Properties every stack gets (e.g. `synthesizer`, `terminationProtection`, `tags`); `env` and
   * `stackName` are set by this construct.
   *
   * @default - CDK's defaults
   */
  readonly stackProps?: StackProps;
}

/** What the organization's threat detection has in one Region. */
export interface OrganizationRegion {
  /** The Region's name, e.g. `eu-west-1`. */
  readonly region: string;
  /** The management account's stack in this Region: the delegations. */
  readonly managementStack: Stack;
  /** The delegated administrator's stack in this Region: the detector, organization configuration and graph. */
  readonly administratorStack: Stack;
  /** The administrator's detector in this Region (add filters, lists and exports to it). */
  readonly detector: guardduty.Detector;
  /** GuardDuty's organization configuration in this Region. */
  readonly organizationConfiguration: guardduty.OrganizationConfiguration;
  /**
   * The organization behavior graph in this Region.
   *
   * @default - none: Detective is not available in this Region, or not enabled
   */
  readonly behaviorGraph?: detective.BehaviorGraph;
  /**
   * The export of this Region's findings to the central bucket.
   *
   * @default - none: `findingsExport` is not set
   */
  readonly publishingDestination?: guardduty.PublishingDestination;
}

/** Options for `OrganizationThreatDetection.guardDutyRegions`. */
export interface GuardDutyRegionsOptions {
  /**
   * Include the opt-in Regions (those AWS launched after 20 March 2019, disabled in accounts
   * until enabled).
   *
   * @default false
   */
  readonly includeOptInRegions?: boolean;

  /**
   * The partition.
   *
   * @default 'aws'
   */
  readonly partition?: string;

  /**
   * Regions to leave out.
   *
   * @default - none
   */
  readonly exclude?: string[];
}

/**
 * GuardDuty and Detective for a whole AWS organization, in every Region it covers, from one
 * construct: the stacks per (account, Region) a landing zone deploys, ordered by CloudFormation
 * dependencies. Place it in an `App` or a `Stage` (a CDK Pipelines stage deploys it as one).
 *
 * For each Region it makes two ordinary stacks with stable names:
 * - `<prefix>-Management-<region>` in the management account: GuardDuty's delegated
 *   administrator (`aws_guardduty.OrganizationAdminAccount`) and, where Detective is available,
 *   Detective's (`aws_detective.OrganizationAdminAccount`);
 * - `<prefix>-Administrator-<region>` in the delegated administrator account: the detector
 *   delegation made (adopted, never deleted), the organization configuration (auto-enable of
 *   accounts and protection plans) and, where Detective is available, the organization behavior
 *   graph (adopted), after GuardDuty.
 *
 * Order: the home Region's management stack first (AWS Organizations registers the administrator
 * once; first delegations at once in several Regions fail in all but one), then the other
 * Regions' management stacks, in parallel with `cdk deploy --all --concurrency N`; each
 * administrator stack after its Region's management stack. Members come from the organization's
 * auto-enable; add `MemberAccounts` to a Region's administrator stack for accounts auto-enable
 * does not reach.
 *
 * Why not StackSets: the work is in two accounts (auto-enable covers the members), StackSets
 * cannot deploy to the management account from itself under service-managed permissions, and
 * need an asset bucket in every Region; ordinary stacks get `cdk deploy`, `cdk diff`, CDK
 * Pipelines and the replay as they are.
 *
 * @example
 * import { App } from 'aws-cdk-lib';
 * import { OrganizationThreatDetection } from 'cdk-threat-detection';
 * import * as guardduty from 'cdk-threat-detection/aws-guardduty';
 *
 * const app = new App();
 * const threatDetection = new OrganizationThreatDetection(app, 'ThreatDetection', {
 *   managementAccount: '111111111111',
 *   administratorAccount: '222222222222',
 *   homeRegion: 'eu-west-1',
 *   regions: OrganizationThreatDetection.guardDutyRegions(),
 *   guardDuty: {
 *     features: { s3DataEvents: guardduty.OrganizationAutoEnable.ALL },
 *   },
 * });
 * threatDetection.region('eu-west-1').detector.addFilter('ArchiveLow', {
 *   action: guardduty.FilterAction.ARCHIVE,
 *   rank: 1,
 *   findingCriteria: { severity: guardduty.Condition.lessThan(4) },
 * });
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_organizations.html
 * @see https://docs.aws.amazon.com/detective/latest/adminguide/accounts-orgs-transition.html
 */
export class OrganizationThreatDetection extends Construct {
  /**
   * The Regions where GuardDuty is available, from the library's dated Region facts.
   *
   * @throws if `exclude` names a Region the facts do not have in the partition.
   */
  public static guardDutyRegions(options: GuardDutyRegionsOptions = {}): string[] {
    const partition = options.partition ?? 'aws';
    const inPartition = Object.keys(REGION_FACTS).filter((r) => REGION_FACTS[r].partition === partition);
    const unknown = (options.exclude ?? []).filter((r) => !inPartition.includes(r));
    if (unknown.length > 0) {
      throw new Error(`\`exclude\` names Regions the ${partition} partition does not have (Region facts as of ${REGION_FACTS_DATE}): ${unknown.join(', ')}`);
    }
    return inPartition
      .filter((r) => REGION_FACTS[r].guardDuty && (options.includeOptInRegions || !REGION_FACTS[r].optIn) && !(options.exclude ?? []).includes(r))
      .sort();
  }

  /** The Regions covered, the home Region first. */
  public readonly regions: string[];
  /** The Region whose delegation runs first. */
  public readonly homeRegion: string;
  /** The Regions covered where Detective is not available (or `detective.enabled` is false), so it is not configured. */
  public readonly regionsWithoutDetective: string[];

  /**
   * The home Region's stack of the central findings export, in the administrator account.
   *
   * @default - none: `findingsExport` is not set
   */
  public readonly findingsExportStack?: Stack;
  /**
   * The bucket every Region's findings are exported to.
   *
   * @default - none: `findingsExport` is not set
   */
  public readonly findingsBucket?: s3.IBucket;
  /**
   * The KMS key the exported findings are encrypted with.
   *
   * @default - none: `findingsExport` is not set
   */
  public readonly findingsKey?: kms.IKey;

  private readonly byRegion = new Map<string, OrganizationRegion>();
  private readonly props: OrganizationThreatDetectionProps;
  private readonly prefix: string;
  private forwarding = false;

  constructor(scope: Construct, id: string, props: OrganizationThreatDetectionProps) {
    super(scope, id);
    if (scope.node.scopes.some((s) => Stack.isStack(s))) {
      throw new ValidationError(this, 'OrganizationThreatDetection makes its own stacks: place it in an App or a Stage, not in a Stack');
    }
    validateAccountId(this, 'managementAccount', props.managementAccount);
    validateAccountId(this, 'administratorAccount', props.administratorAccount);
    if (props.managementAccount === props.administratorAccount) {
      throw new ValidationError(this, '`administratorAccount` must be another account than `managementAccount` (AWS recommends a dedicated '
        + `security account as delegated administrator), got ${props.administratorAccount} for both`);
    }
    this.props = props;
    this.prefix = props.stackNamePrefix ?? id;
    this.regions = this.validateRegions(props.regions, props.homeRegion);
    this.homeRegion = props.homeRegion;
    const detectiveEnabled = props.detective?.enabled ?? true;
    this.regionsWithoutDetective = this.regions.filter((r) => !detectiveEnabled || regionFacts(r)?.detective === false);
    const overrides = props.guardDuty?.regionOverrides ?? {};
    const strangers = Object.keys(overrides).filter((r) => !this.regions.includes(r));
    if (strangers.length > 0) {
      throw new ValidationError(this, `\`guardDuty.regionOverrides\` names Regions that are not in \`regions\`: ${strangers.join(', ')}`);
    }
    let central: FindingsExportResources | undefined;
    if (props.findingsExport) {
      validateExportRegions(this, this.homeRegion, this.regions);
      this.findingsExportStack = this.newStack('FindingsExport', this.homeRegion, props.administratorAccount,
        `cdk-threat-detection: the organization's GuardDuty findings of ${this.regions.length} Regions, exported to one bucket`);
      central = createFindingsExport(this.findingsExportStack, props.administratorAccount, this.regions, {
        prefix: normalizeExportPrefix(this, props.findingsExport.prefix),
        bucketName: props.findingsExport.bucketName,
        serverAccessLogsBucketName: props.findingsExport.serverAccessLogsBucketName,
        expiration: props.findingsExport.expiration,
        removalPolicy: props.findingsExport.removalPolicy ?? RemovalPolicy.RETAIN,
      });
      this.findingsBucket = central.bucket;
      this.findingsKey = central.key;
    }
    let homeManagement: Stack | undefined;
    for (const region of this.regions) {
      const managementStack = this.managementStackOf(region);
      // The home Region's delegation registers the administrator in AWS Organizations first.
      if (homeManagement) managementStack.node.addDependency(homeManagement);
      else homeManagement = managementStack;
      this.byRegion.set(region, this.administratorOf(region, managementStack, central));
      this.annotateRegion(managementStack, region, detectiveEnabled);
    }
  }

  /**
   * An EventBridge rule, in the home Region's administrator stack, on the GuardDuty findings of
   * every Region covered (the administrator's and its members'). The first call adds to each other
   * Region's administrator stack a rule that forwards every finding to the home Region's default
   * event bus; the forwarded findings keep their Region (`region`) and account (`detail.accountId`).
   * Options narrow the findings as `Detector.onFinding` does.
   *
   * @throws as `Detector.onFinding` does, for an empty or malformed filter; and where the Regions
   * are outside the commercial partition (EventBridge routes events between Regions "except AWS
   * GovCloud (US) and China"), when there is more than one Region.
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html
   * @see https://aws.amazon.com/blogs/compute/expanding-cross-region-event-routing-with-amazon-eventbridge/
   */
  public onFinding(id: string, options: guardduty.OnFindingOptions = {}): events.Rule {
    const partition = regionFacts(this.homeRegion)?.partition;
    if (this.regions.length > 1 && partition !== undefined && partition !== 'aws') {
      throw new ValidationError(this, 'onFinding forwards findings between Regions, which EventBridge does only in the commercial partition '
        + `("except AWS GovCloud (US) and China"); ${this.homeRegion} is in ${partition}: add a rule per Region with `
        + '`region(r).detector.onFinding(...)` instead');
    }
    if (!this.forwarding) {
      this.forwarding = true;
      for (const r of this.organizationRegions.slice(1)) forwardFindings(r.detector, this.homeRegion);
    }
    return this.region(this.homeRegion).detector.onFinding(id, options);
  }

  /** One of the construct's stacks, named `<prefix>-<kind>-<region>`. */
  private newStack(kind: string, region: string, account: string, description: string): Stack {
    return new Stack(this, `${kind}-${region}`, {
      ...this.props.stackProps,
      env: { account, region },
      stackName: `${this.prefix}-${kind}-${region}`,
      description: this.props.stackProps?.description ?? description,
      crossRegionReferences: this.props.stackProps?.crossRegionReferences
        ?? (this.props.findingsExport !== undefined && account === this.props.administratorAccount ? true : undefined),
    });
  }

  /** The management account's stack in a Region: GuardDuty's delegation, then Detective's where it is. */
  private managementStackOf(region: string): Stack {
    const props = this.props;
    const withDetective = !this.regionsWithoutDetective.includes(region);
    const stack = this.newStack('Management', region, props.managementAccount,
      `cdk-threat-detection: GuardDuty${withDetective ? ' and Detective' : ''} delegated administrator in ${region}`);
    const guardDutyDelegation = new guardduty.OrganizationAdminAccount(stack, 'GuardDutyAdministrator', {
      administratorAccountId: props.administratorAccount,
      removalPolicy: props.delegationRemovalPolicy,
    });
    if (withDetective) {
      // Detective after GuardDuty: its graph needs GuardDuty on in the administrator account.
      new detective.OrganizationAdminAccount(stack, 'DetectiveAdministrator', {
        administratorAccountId: props.administratorAccount,
        removalPolicy: props.delegationRemovalPolicy,
      }).node.addDependency(guardDutyDelegation);
    }
    return stack;
  }

  /** The administrator account's stack in a Region: detector, organization configuration, graph, export. */
  private administratorOf(region: string, managementStack: Stack, central: FindingsExportResources | undefined): OrganizationRegion {
    const props = this.props;
    const withDetective = !this.regionsWithoutDetective.includes(region);
    const administratorStack = this.newStack('Administrator', region, props.administratorAccount,
      `cdk-threat-detection: the organization's GuardDuty${withDetective ? ' and Detective' : ''} settings in ${region}`);
    administratorStack.node.addDependency(managementStack);
    const override = props.guardDuty?.regionOverrides?.[region] ?? {};
    const detector = new guardduty.Detector(administratorStack, 'Detector', {
      features: override.administratorFeatures ?? props.guardDuty?.administratorFeatures,
      findingPublishingFrequency: props.guardDuty?.findingPublishingFrequency,
    });
    const organizationConfiguration = new guardduty.OrganizationConfiguration(administratorStack, 'OrganizationConfiguration', {
      detector,
      autoEnableOrganizationMembers: props.guardDuty?.autoEnableOrganizationMembers ?? guardduty.OrganizationAutoEnable.ALL,
      features: override.features ?? props.guardDuty?.features,
    });
    let behaviorGraph: detective.BehaviorGraph | undefined;
    if (withDetective) {
      behaviorGraph = new detective.BehaviorGraph(administratorStack, 'BehaviorGraph', {
        datasourcePackages: props.detective?.datasourcePackages,
        autoEnableOrganizationMembers: props.detective?.autoEnableOrganizationMembers ?? true,
      });
      // Detective's members need GuardDuty: the graph after GuardDuty's organization settings.
      behaviorGraph.node.addDependency(organizationConfiguration);
    }
    // The export stack writes the policies for every Region's detector: none to add here.
    const publishingDestination = central && detector.addPublishingDestination('FindingsExport', {
      bucket: central.bucket,
      key: central.key,
      prefix: normalizeExportPrefix(this, props.findingsExport?.prefix),
      grantPermissions: false,
    });
    return { region, managementStack, administratorStack, detector, organizationConfiguration, behaviorGraph, publishingDestination };
  }

  /** What each Region has, the home Region first. */
  public get organizationRegions(): OrganizationRegion[] {
    return this.regions.map((r) => this.byRegion.get(r)!);
  }

  /**
   * What a Region has: its stacks, the administrator's detector, organization configuration and graph.
   *
   * @throws if the Region is not one of `regions`.
   */
  public region(region: string): OrganizationRegion {
    const found = this.byRegion.get(region);
    if (!found) throw new ValidationError(this, `${region} is not one of the Regions this construct covers: ${this.regions.join(', ')}`);
    return found;
  }

  /**
   * What synth says about a Region, on its management stack (annotations outside a stack are not
   * reported): Detective skipped where it is not available, and a Region the facts do not know.
   */
  private annotateRegion(stack: Stack, region: string, detectiveEnabled: boolean): void {
    const facts = regionFacts(region);
    if (detectiveEnabled && facts?.detective === false) {
      Annotations.of(stack).addInfo(`Detective is not available in ${region} (Region facts as of ${REGION_FACTS_DATE}): GuardDuty only there.`);
    }
    if (!facts) {
      Annotations.of(stack).addWarningV2('cdk-threat-detection:unknownRegion', `${region} is not in cdk-threat-detection's Region facts (as of `
        + `${REGION_FACTS_DATE}): the library cannot tell whether GuardDuty and Detective are available there or whether it is an opt-in `
        + 'Region. Both services are configured there. Upgrade cdk-threat-detection, or remove the Region if a service is not available.');
    }
  }

  /** Check the Regions against the facts; the home Region first, the others in the order given. */
  private validateRegions(regions: string[], homeRegion: string): string[] {
    if (regions.length === 0) throw new ValidationError(this, '`regions` must name at least one Region');
    const seen = new Set<string>();
    for (const region of regions) {
      if (Token.isUnresolved(region) || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
        throw new ValidationError(this, `\`regions\` must hold Region names such as eu-west-1, got: ${region}`);
      }
      if (seen.has(region)) throw new ValidationError(this, `\`regions\` names ${region} twice`);
      seen.add(region);
      const facts = regionFacts(region);
      if (facts && !facts.guardDuty) {
        throw new ValidationError(this, `GuardDuty is not available in ${region} (Region facts as of ${REGION_FACTS_DATE}): remove it from \`regions\``);
      }
    }
    if (!seen.has(homeRegion)) {
      throw new ValidationError(this, `\`homeRegion\` must be one of \`regions\` (${regions.join(', ')}), got: ${homeRegion}`);
    }
    return [homeRegion, ...regions.filter((r) => r !== homeRegion)];
  }
}

/** The export's folder: `guardduty/` unless given; no leading `/`, no wildcard, a trailing `/`. */
function normalizeExportPrefix(scope: Construct, prefix: string | undefined): string {
  const value = prefix ?? 'guardduty/';
  if (value === '' || Token.isUnresolved(value)) return value;
  if (value.startsWith('/') || value.includes('*')) {
    throw new ValidationError(scope, `\`findingsExport.prefix\` is a folder in the bucket, without a leading "/" or wildcards, got: "${value}"`);
  }
  return value.endsWith('/') ? value : `${value}/`;
}
