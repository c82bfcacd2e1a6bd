import {
  ArnFormat,
  CustomResource,
  IResource,
  Lazy,
  RemovalPolicy,
  Resource,
  Stack,
  TagManager,
  TagType,
  ITaggable,
  Token,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Filter, FilterOptions } from './filter';
import { IpSet, IpSetOptions } from './ip-set';
import { PublishingDestination, PublishingDestinationOptions } from './publishing-destination';
import { ThreatIntelSet, ThreatIntelSetOptions } from './threat-intel-set';
import {
  DetectorDataSourcesProperty,
  DetectorResourceProperties,
  ResourceTypes,
} from '../private/contracts';
import { ValidationError } from '../private/errors';
import { definedKeys, renderFeatures, validateFeatureChoice } from '../private/features';
import { detectorPermissions } from '../private/permissions';
import { ThreatDetectionProvider } from '../private/provider';
import { renderTags, validateRemovalPolicy, validateTags } from '../private/validation';

/**
 * A GuardDuty detector: the resource that represents GuardDuty in one account and Region.
 */
export interface IDetector extends IResource {
  /**
   * The detector's id, e.g. `12abc34d567e8fa901bc2d34e56789f0`.
   *
   * @attribute
   */
  readonly detectorId: string;

  /**
   * The detector's ARN, `arn:<partition>:guardduty:<region>:<account>:detector/<detectorId>`.
   *
   * @attribute
   */
  readonly detectorArn: string;

  /** Add a filter (or, with `FilterAction.ARCHIVE`, a suppression rule) to this detector. */
  addFilter(id: string, options: FilterOptions): Filter;

  /** Add a trusted IP list (IPSet) to this detector. */
  addIpSet(id: string, options: IpSetOptions): IpSet;

  /** Add a threat IP list (ThreatIntelSet) to this detector. */
  addThreatIntelSet(id: string, options: ThreatIntelSetOptions): ThreatIntelSet;

  /** Export this detector's findings to an S3 bucket. */
  addPublishingDestination(id: string, options: PublishingDestinationOptions): PublishingDestination;
}

/**
 * How often GuardDuty exports updates to existing findings (to EventBridge, S3 publishing
 * destinations and, in an organization, to the administrator account). New findings are always
 * exported within about five minutes.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings_cloudwatch.html
 */
export enum FindingPublishingFrequency {
  /** Every 15 minutes. */
  FIFTEEN_MINUTES = 'FIFTEEN_MINUTES',
  /** Every hour. */
  ONE_HOUR = 'ONE_HOUR',
  /** Every 6 hours (the service default). */
  SIX_HOURS = 'SIX_HOURS',
}

/**
 * GuardDuty Runtime Monitoring (`RUNTIME_MONITORING`) and how GuardDuty manages its security
 * agent on each compute type.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/runtime-monitoring.html
 */
export interface RuntimeMonitoringConfiguration {
  /** Whether Runtime Monitoring is enabled. */
  readonly enabled: boolean;

  /**
   * Let GuardDuty deploy and update its agent as an Amazon EKS add-on (`EKS_ADDON_MANAGEMENT`).
   *
   * @default - not managed by this construct: the service default on a new detector, unchanged on an existing one
   */
  readonly eksAddonManagement?: boolean;

  /**
   * Let GuardDuty inject its agent into Amazon ECS tasks on AWS Fargate
   * (`ECS_FARGATE_AGENT_MANAGEMENT`).
   *
   * @default - not managed by this construct: the service default on a new detector, unchanged on an existing one
   */
  readonly ecsFargateAgentManagement?: boolean;

  /**
   * Let GuardDuty install its agent on Amazon EC2 instances through AWS Systems Manager
   * (`EC2_AGENT_MANAGEMENT`).
   *
   * @default - not managed by this construct: the service default on a new detector, unchanged on an existing one
   */
  readonly ec2AgentManagement?: boolean;
}

/**
 * The legacy EKS Runtime Monitoring feature (`EKS_RUNTIME_MONITORING`), which GuardDuty has
 * folded into Runtime Monitoring.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/migrating-from-eksrunmon-to-runtime-monitoring.html
 */
export interface EksRuntimeMonitoringConfiguration {
  /** Whether EKS Runtime Monitoring is enabled. */
  readonly enabled: boolean;

  /**
   * Let GuardDuty manage its agent as an Amazon EKS add-on (`EKS_ADDON_MANAGEMENT`).
   *
   * @default - not managed by this construct
   */
  readonly eksAddonManagement?: boolean;
}

/**
 * The GuardDuty protection plans (detector features) to turn on or off.
 *
 * Each feature is three-state: `true` enables it, `false` disables it, and leaving it out leaves it
 * alone. A new detector starts with every optional feature enabled except Runtime Monitoring (the
 * service's default); a detector that already existed keeps what it has. Removing a feature from
 * this object later does not turn it off: set it to `false` to disable it.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DetectorFeatureConfiguration.html
 */
export interface DetectorFeatures {
  /**
   * S3 Protection: monitor S3 data events (`S3_DATA_EVENTS`).
   *
   * @default - not managed by this construct
   */
  readonly s3DataEvents?: boolean;

  /**
   * EKS Protection: monitor EKS audit logs (`EKS_AUDIT_LOGS`).
   *
   * @default - not managed by this construct
   */
  readonly eksAuditLogs?: boolean;

  /**
   * Malware Protection for EC2: scan EBS volumes of instances with findings (`EBS_MALWARE_PROTECTION`).
   *
   * @default - not managed by this construct
   */
  readonly ebsMalwareProtection?: boolean;

  /**
   * RDS Protection: monitor Aurora and RDS login events (`RDS_LOGIN_EVENTS`).
   *
   * @default - not managed by this construct
   */
  readonly rdsLoginEvents?: boolean;

  /**
   * Lambda Protection: monitor Lambda network activity (`LAMBDA_NETWORK_LOGS`).
   *
   * @default - not managed by this construct
   */
  readonly lambdaNetworkLogs?: boolean;

  /**
   * Runtime Monitoring for EKS, ECS on Fargate and EC2 (`RUNTIME_MONITORING`). Cannot be combined
   * with `eksRuntimeMonitoring`.
   *
   * @default - not managed by this construct (the service leaves it disabled on a new detector)
   */
  readonly runtimeMonitoring?: RuntimeMonitoringConfiguration;

  /**
   * The legacy EKS Runtime Monitoring feature (`EKS_RUNTIME_MONITORING`). Cannot be combined with
   * `runtimeMonitoring`, which includes it.
   *
   * @default - not managed by this construct
   * @deprecated GuardDuty folded EKS Runtime Monitoring into Runtime Monitoring; use `runtimeMonitoring`.
   */
  readonly eksRuntimeMonitoring?: EksRuntimeMonitoringConfiguration;

  /**
   * Protection for AI workloads (`AI_PROTECTION`).
   *
   * @default - not managed by this construct
   */
  readonly aiProtection?: boolean;
}

/**
 * The legacy data-source configuration of a detector. GuardDuty has replaced data sources with
 * features and adds no new data sources; use `DetectorFeatures` instead.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DataSourceConfigurations.html
 * @deprecated use `DetectorFeatures`.
 */
export interface DetectorDataSources {
  /**
   * S3 data event logs.
   *
   * @default - not managed by this construct
   */
  readonly s3Logs?: boolean;

  /**
   * Kubernetes audit logs.
   *
   * @default - not managed by this construct
   */
  readonly kubernetesAuditLogs?: boolean;

  /**
   * Malware Protection scans of EBS volumes of EC2 instances with findings.
   *
   * @default - not managed by this construct
   */
  readonly malwareProtectionEbsVolumes?: boolean;
}

/**
 * Properties of a `Detector`.
 */
export interface DetectorProps {
  /**
   * Whether the detector is enabled. `false` suspends GuardDuty (monitoring stops, findings and
   * settings are kept); deleting the detector instead removes its findings.
   *
   * @default true
   */
  readonly enable?: boolean;

  /**
   * How often updates to existing findings are exported. In a member account the administrator
   * account decides this, and GuardDuty rejects a change.
   *
   * @default - the service default (`SIX_HOURS`) on a new detector; unchanged on an adopted one
   */
  readonly findingPublishingFrequency?: FindingPublishingFrequency;

  /**
   * The protection plans to enable or disable. Only the features named here are managed.
   *
   * @default - no feature is managed: a new detector gets the service defaults, an adopted one keeps its own
   */
  readonly features?: DetectorFeatures;

  /**
   * The legacy data-source configuration. Cannot be combined with `features`.
   *
   * @default - none
   * @deprecated use `features`; GuardDuty adds new protections only as features.
   */
  readonly dataSources?: DetectorDataSources;

  /**
   * What happens to the detector when it is removed from the stack or the stack is deleted.
   *
   * `RemovalPolicy.RETAIN` keeps GuardDuty running (its findings are kept). `RemovalPolicy.DESTROY`
   * deletes the detector, and its findings, but only if this stack created it: a detector that
   * existed before and was adopted is never deleted. `SNAPSHOT` is not supported.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

abstract class DetectorBase extends Resource implements IDetector {
  public abstract readonly detectorId: string;
  public abstract readonly detectorArn: string;

  public addFilter(id: string, options: FilterOptions): Filter {
    return new Filter(this, id, { ...options, detector: this });
  }

  public addIpSet(id: string, options: IpSetOptions): IpSet {
    return new IpSet(this, id, { ...options, detector: this });
  }

  public addThreatIntelSet(id: string, options: ThreatIntelSetOptions): ThreatIntelSet {
    return new ThreatIntelSet(this, id, { ...options, detector: this });
  }

  public addPublishingDestination(id: string, options: PublishingDestinationOptions): PublishingDestination {
    return new PublishingDestination(this, id, { ...options, detector: this });
  }
}

/**
 * The GuardDuty detector of this stack's account and Region, created or adopted.
 *
 * GuardDuty allows one detector per account and Region, and organization auto-enable or a
 * delegated administrator often created it before the stack runs. This construct therefore adopts
 * an existing detector instead of failing: it applies the configured settings and tags to it and
 * records that it adopted it, and it never deletes an adopted detector. A detector the stack
 * created is deleted only under `RemovalPolicy.DESTROY`.
 *
 * Tags are applied with `Tags.of(...)`. Settings change in place; a detector is never replaced.
 *
 * Backed by the `Custom::GuardDutyDetector` custom resource, run by the library's handler
 * function (one per stack).
 *
 * @example
 * import { aws_guardduty } from 'cdk-threat-detection';
 * import { RemovalPolicy, Tags } from 'aws-cdk-lib';
 *
 * const detector = new aws_guardduty.Detector(this, 'Detector', {
 *   findingPublishingFrequency: aws_guardduty.FindingPublishingFrequency.FIFTEEN_MINUTES,
 *   features: {
 *     s3DataEvents: true,
 *     eksAuditLogs: true,
 *     ebsMalwareProtection: true,
 *     rdsLoginEvents: true,
 *     lambdaNetworkLogs: false,
 *     runtimeMonitoring: { enabled: true, eksAddonManagement: true, ecsFargateAgentManagement: true },
 *   },
 * });
 * Tags.of(detector).add('owner', 'security');
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateDetector.html
 */
export class Detector extends DetectorBase implements ITaggable {
  /**
   * Refer to an existing detector by its id, in this stack's account and Region.
   */
  public static fromDetectorId(scope: Construct, id: string, detectorId: string): IDetector {
    class Import extends DetectorBase {
      public readonly detectorId = detectorId;
      public readonly detectorArn = Stack.of(scope).formatArn({
        service: 'guardduty',
        resource: 'detector',
        resourceName: detectorId,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      });
    }
    return new Import(scope, id);
  }

  /**
   * Refer to an existing detector by its ARN.
   *
   * @throws if the ARN is not a detector ARN (when it is known at synth time).
   */
  public static fromDetectorArn(scope: Construct, id: string, detectorArn: string): IDetector {
    const parts = Stack.of(scope).splitArn(detectorArn, ArnFormat.SLASH_RESOURCE_NAME);
    if (!Token.isUnresolved(detectorArn) && (parts.service !== 'guardduty' || parts.resource !== 'detector' || !parts.resourceName)) {
      throw new ValidationError(scope, `\`detectorArn\` must be a GuardDuty detector ARN (arn:<partition>:guardduty:<region>:<account>:detector/<id>), got: ${detectorArn}`);
    }
    class Import extends DetectorBase {
      public readonly detectorId = parts.resourceName!;
      public readonly detectorArn = detectorArn;
    }
    return new Import(scope, id, { account: parts.account, region: parts.region });
  }

  public readonly detectorId: string;
  public readonly detectorArn: string;

  /** Tags of the detector, applied through `Tags.of(...)`. */
  public readonly tags: TagManager;

  private readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: DetectorProps = {}) {
    super(scope, id);

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    validateRemovalPolicy(this, removalPolicy, 'a detector');
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- validated and rendered for users migrating from data sources
    const dataSources = props.dataSources;
    validateFeatureChoice(this, props.features, dataSources);

    this.tags = new TagManager(TagType.MAP, ResourceTypes.GUARDDUTY_DETECTOR);
    this.node.addValidation({ validate: () => [...validateTags(this.tags.tagValues(), 'a detector'), ...this.validateOnePerStack()] });

    const provider = ThreatDetectionProvider.of(this);

    const properties: DetectorResourceProperties = {
      Enable: String(props.enable ?? true) as 'true' | 'false',
      FindingPublishingFrequency: props.findingPublishingFrequency,
      Features: renderFeatures(props.features),
      DataSources: renderDataSources(dataSources),
      Tags: Lazy.any({ produce: () => renderTags(this.tags) }) as unknown as Record<string, string>,
    };

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: ResourceTypes.GUARDDUTY_DETECTOR,
      properties: { ...properties },
      removalPolicy,
    });
    provider.addPermissions(detectorPermissions({
      resource: this.resource,
      malwareProtection: props.features?.ebsMalwareProtection === true || dataSources?.malwareProtectionEbsVolumes === true,
    }));

    this.detectorId = this.resource.getAttString('DetectorId');
    this.detectorArn = this.resource.getAttString('DetectorArn');
  }

  /**
   * A stack is one account and Region, which has one detector: a second one would adopt the first
   * at deploy time and one set of settings would be lost.
   */
  private validateOnePerStack(): string[] {
    const detectors = Stack.of(this).node.findAll().filter((c): c is Detector => c instanceof Detector && Stack.of(c) === Stack.of(this));
    if (detectors.length < 2 || detectors[0] !== this) return [];
    return [`a stack deploys to one account and Region, which has one GuardDuty detector; this stack has ${detectors.length}: `
      + `${detectors.map((d) => d.node.path).join(', ')}. Keep one (import it elsewhere with Detector.fromDetectorId)`];
  }

  /**
   * Apply a removal policy to the detector's custom resource (see `DetectorProps.removalPolicy`).
   *
   * @throws for `RemovalPolicy.SNAPSHOT`, which custom resources do not support.
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    validateRemovalPolicy(this, policy, 'a detector');
    this.resource.applyRemovalPolicy(policy);
  }
}

function renderDataSources(ds: DetectorDataSources | undefined): DetectorDataSourcesProperty | undefined {
  if (!ds || definedKeys(ds).length === 0) return undefined;
  const bool = (v: boolean) => String(v) as 'true' | 'false';
  return {
    S3Logs: ds.s3Logs !== undefined ? { Enable: bool(ds.s3Logs) } : undefined,
    Kubernetes: ds.kubernetesAuditLogs !== undefined ? { AuditLogs: { Enable: bool(ds.kubernetesAuditLogs) } } : undefined,
    MalwareProtection: ds.malwareProtectionEbsVolumes !== undefined
      ? { ScanEc2InstanceWithFindings: { EbsVolumes: bool(ds.malwareProtectionEbsVolumes) } }
      : undefined,
  };
}
