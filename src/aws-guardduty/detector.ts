import {
  Annotations,
  ArnFormat,
  Lazy,
  RemovalPolicy,
  Resource,
  Stack,
  TagManager,
  TagType,
  ITaggable,
  Token,
} from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { IDetectorRef } from './detector-ref';
import type { DetectorDataSources, DetectorFeatures } from './features';
import { Filter, FilterOptions } from './filter';
import type { OnFindingOptions } from './finding-events';
import { IpSet, IpSetOptions } from './ip-set';
import { PublishingDestination, PublishingDestinationOptions } from './publishing-destination';
import { ThreatEntitySet, ThreatEntitySetOptions } from './threat-entity-set';
import { ThreatIntelSet, ThreatIntelSetOptions } from './threat-intel-set';
import { TrustedEntitySet, TrustedEntitySetOptions } from './trusted-entity-set';
import { recordAdministratorGoverned } from '../private/administrator-governed';
import { ValidationError } from '../private/errors';
import { definedKeys, renderFeatures, validateFeatureChoice } from '../private/features';
import { rejectRenamedProperties } from '../private/renamed';
import { DetectorDataSourcesProperty, DetectorResource } from '../private/resources/guardduty/detector';
import { detectorPermissions } from '../private/resources/guardduty/detector.permissions';
import { ThreatDetectionResource } from '../private/threat-detection-resource';
import {
  GUARDDUTY_OWNED_TAG_LIMIT, renderTags, validateRemovalPolicy, validateSameEnvironment, validateString, validateTags,
} from '../private/validation';

/**
 * A GuardDuty detector: the resource that represents GuardDuty in one account and Region.
 */
export interface IDetector extends IDetectorRef {

  /** Add a filter (or, with `FilterAction.ARCHIVE`, a suppression rule) to this detector. */
  addFilter(id: string, options: FilterOptions): Filter;

  /** Add a trusted IP list (IPSet) to this detector. */
  addIpSet(id: string, options: IpSetOptions): IpSet;

  /** Add a threat IP list (ThreatIntelSet) to this detector. */
  addThreatIntelSet(id: string, options: ThreatIntelSetOptions): ThreatIntelSet;

  /** Add a trusted entity list (TrustedEntitySet: IP addresses and domain names) to this detector. */
  addTrustedEntitySet(id: string, options: TrustedEntitySetOptions): TrustedEntitySet;

  /** Add a threat entity list (ThreatEntitySet: IP addresses and domain names) to this detector. */
  addThreatEntitySet(id: string, options: ThreatEntitySetOptions): ThreatEntitySet;

  /** Export this detector's findings to an S3 bucket. */
  addPublishingDestination(id: string, options: PublishingDestinationOptions): PublishingDestination;

  /**
   * Let a principal read this account's findings: `guardduty:GetFindings`, `ListFindings` and
   * `GetFindingsStatistics`, with `ListDetectors` to find the detector and `GetDetector` on it.
   *
   * The finding actions have no resource type in AWS's authorization data (they are authorized on
   * `*` only, whatever detector the request names), so they are granted on `*`; `GetDetector` is
   * granted on this detector's ARN. In an administrator account the findings include its members'.
   *
   * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonguardduty.html
   */
  grantReadFindings(grantee: iam.IGrantable): iam.Grant;

  /**
   * Let a principal read findings (as `grantReadFindings`) and manage them: archive and unarchive
   * (`guardduty:ArchiveFindings`, `UnarchiveFindings`) and give feedback on them
   * (`UpdateFindingsFeedback`). The finding actions are authorized on `*` only (see
   * `grantReadFindings`). A member account cannot archive findings; its administrator can.
   *
   * @see https://docs.aws.amazon.com/guardduty/latest/ug/findings_suppression-rule.html
   */
  grantManageFindings(grantee: iam.IGrantable): iam.Grant;

  /**
   * Let a principal generate sample findings (`guardduty:CreateSampleFindings`, authorized on `*`
   * only), to test the alerting built on them.
   *
   * @see https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateSampleFindings.html
   */
  grantCreateSampleFindings(grantee: iam.IGrantable): iam.Grant;

  /**
   * An EventBridge rule, in the detector's stack, on the findings this detector's account receives
   * on its default event bus (`source` `aws.guardduty`, `detail-type` `GuardDuty Finding`),
   * narrowed by severity, finding type, resource type and account (see `OnFindingOptions`). In an
   * administrator account the findings include its members'.
   *
   * @throws if a filter is empty or holds an empty or malformed value, if `excludeFindingTypes` is
   * combined with `findingTypes` or `findingTypePrefixes`, or if the detector is in another account
   * or Region than the stack (EventBridge delivers findings only to the detector's own account and
   * Region).
   * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings_cloudwatch.html
   */
  onFinding(id: string, options?: OnFindingOptions): events.Rule;
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

/** Attributes of an existing detector, for `Detector.fromDetectorAttributes`. */
export interface DetectorAttributes {
  /** The detector id (the API's `DetectorId`: 1-300 characters). */
  readonly detectorId: string;

  /**
   * The detector's account.
   *
   * @default - the stack's account
   */
  readonly account?: string;

  /**
   * The detector's Region.
   *
   * @default - the stack's Region
   */
  readonly region?: string;
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
  readonly enabled?: boolean;

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
   * `RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE` (the default) keeps GuardDuty running (its findings
   * are kept) when the detector leaves the stack, but a failed first deployment's rollback leaves
   * the account as it found it: a detector the create made is deleted, and one it adopted gets
   * back the status, frequency, features and tags it had. `RemovalPolicy.RETAIN` keeps the
   * detector even then (CloudFormation sends no delete, so an adopted detector keeps the stack's
   * settings). `RemovalPolicy.DESTROY` deletes the detector, and its findings, but only if this
   * stack created it: a detector that existed before and was adopted is never deleted. `SNAPSHOT`
   * is not supported.
   *
   * @default RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE
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

  public addTrustedEntitySet(id: string, options: TrustedEntitySetOptions): TrustedEntitySet {
    return new TrustedEntitySet(this, id, { ...options, detector: this });
  }

  public addThreatEntitySet(id: string, options: ThreatEntitySetOptions): ThreatEntitySet {
    return new ThreatEntitySet(this, id, { ...options, detector: this });
  }

  public addPublishingDestination(id: string, options: PublishingDestinationOptions): PublishingDestination {
    return new PublishingDestination(this, id, { ...options, detector: this });
  }

  public grantReadFindings(grantee: iam.IGrantable): iam.Grant {
    return this.grantFindings(grantee, FINDING_READS);
  }

  public grantManageFindings(grantee: iam.IGrantable): iam.Grant {
    return this.grantFindings(grantee, [...FINDING_READS, ...FINDING_WRITES]);
  }

  public grantCreateSampleFindings(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['guardduty:CreateSampleFindings'], resourceArns: ['*'] });
  }

  public onFinding(id: string, options: OnFindingOptions = {}): events.Rule {
    this.validateSameEnvironment('onFinding');
    const rule = new events.Rule(this, id, options);
    rule.addTarget(options.target);
    rule.addEventPattern({
      source: ['aws.guardduty'],
      detailType: ['GuardDuty Finding'],
      detail: findingDetailPattern(this, options),
    });
    return rule;
  }

  /** Findings go to the default event bus of the detector's account and Region only. */
  private validateSameEnvironment(method: string): void {
    validateSameEnvironment(this, this.env, (what, mine, stacks) => `${method}: the detector is in ${what} ${mine} and the stack in `
      + `${stacks}; GuardDuty sends findings to the default event bus of the detector's own ${what}, so the rule must be in a stack there`);
  }

  /** The finding actions (authorized on `*` only), and the detector reads that find this detector. */
  private grantFindings(grantee: iam.IGrantable, actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: [...actions, 'guardduty:ListDetectors'], resourceArns: ['*'] })
      .combine(iam.Grant.addToPrincipal({ grantee, actions: ['guardduty:GetDetector'], resourceArns: [this.detectorArn] }));
  }
}

/** Reading findings. No resource type in AWS's authorization data: authorized on `*` only. */
const FINDING_READS = ['guardduty:GetFindings', 'guardduty:ListFindings', 'guardduty:GetFindingsStatistics'];

/** Managing findings. No resource type in AWS's authorization data: authorized on `*` only. */
const FINDING_WRITES = ['guardduty:ArchiveFindings', 'guardduty:UnarchiveFindings', 'guardduty:UpdateFindingsFeedback'];

/**
 * The GuardDuty detector of this stack's account and Region, created or adopted.
 *
 * GuardDuty allows one detector per account and Region, and organization auto-enable or a
 * delegated administrator often created it before the stack runs. This construct therefore adopts
 * an existing detector instead of failing: it applies the configured settings and tags to it and
 * records that it adopted it, and it never deletes an adopted detector (a failed first deployment
 * puts back the settings it changed). A detector the stack created is deleted under
 * `RemovalPolicy.DESTROY`, or by a failed first deployment under the default.
 *
 * `grantReadFindings`, `grantManageFindings` and `grantCreateSampleFindings` give a role what an
 * analyst, a responder or an alerting test needs.
 *
 * Tags are applied with `Tags.of(...)`. Settings change in place; a detector is never replaced.
 *
 * Backed by the `Custom::GuardDutyDetector` custom resource, run by the library's handler
 * function (one per stack).
 *
 * @example
 * import * as guardduty from 'cdk-threat-detection/aws-guardduty';
 * import { RemovalPolicy, Tags } from 'aws-cdk-lib';
 *
 * const detector = new guardduty.Detector(this, 'Detector', {
 *   findingPublishingFrequency: guardduty.FindingPublishingFrequency.FIFTEEN_MINUTES,
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
   * Refer to an existing detector by its attributes (its id, and its account and Region when they
   * are not the stack's).
   *
   * @throws if the detector id is empty or longer than 300 characters (the API's `DetectorId`),
   * when it is known at synth time.
   */
  public static fromDetectorAttributes(scope: Construct, id: string, attrs: DetectorAttributes): IDetector {
    validateString(scope, 'detectorId', attrs.detectorId, { min: 1, max: 300 });
    class Import extends DetectorBase {
      public readonly detectorId = attrs.detectorId;
      public readonly detectorArn = Stack.of(scope).formatArn({
        service: 'guardduty',
        resource: 'detector',
        resourceName: attrs.detectorId,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        account: attrs.account,
        region: attrs.region,
      });
    }
    return new Import(scope, id, { account: attrs.account, region: attrs.region });
  }

  /**
   * Refer to an existing detector by its id, in this stack's account and Region.
   *
   * @throws as `fromDetectorAttributes`.
   */
  public static fromDetectorId(scope: Construct, id: string, detectorId: string): IDetector {
    return Detector.fromDetectorAttributes(scope, id, { detectorId });
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

  private readonly resource: ThreatDetectionResource<unknown, { DetectorId: string; DetectorArn: string; Adopted: string }>;

  constructor(scope: Construct, id: string, props: DetectorProps = {}) {
    super(scope, id);
    rejectRenamedProperties(this, 'aws_guardduty.Detector', props);

    // eslint-disable-next-line @typescript-eslint/no-deprecated -- validated and rendered for users migrating from data sources
    const dataSources = props.dataSources;
    validateFeatureChoice(this, props.features, dataSources);

    this.tags = new TagManager(TagType.MAP, DetectorResource.type);
    this.node.addValidation({ validate: () => [...validateTags(this.tags.tagValues(), 'a detector besides the one the library keeps', GUARDDUTY_OWNED_TAG_LIMIT), ...this.validateOnePerStack()] });

    if (props.enabled === false) {
      // Security Hub's GuardDuty.1 control fails a suspended detector; say so where it is decided.
      Annotations.of(this).addWarningV2('cdk-threat-detection:detectorSuspended', '`enabled: false` suspends GuardDuty in this account and '
        + 'Region: it stops monitoring and generates no findings until enabled again (findings and settings are kept). Leave it out to '
        + 'keep GuardDuty on, or acknowledge this warning if the suspension is meant.');
    }
    const malwareProtection = props.features?.ebsMalwareProtection === true || dataSources?.malwareProtectionEbsVolumes === true;
    this.resource = new ThreatDetectionResource(this, 'Resource', DetectorResource, {
      properties: {
        Enable: String(props.enabled ?? true) as 'true' | 'false',
        FindingPublishingFrequency: props.findingPublishingFrequency,
        Features: renderFeatures(props.features),
        DataSources: renderDataSources(dataSources),
        Tags: Lazy.any({ produce: () => renderTags(this.tags) }) as unknown as Record<string, string>,
      },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      permissions: (resource) => detectorPermissions({ resource, malwareProtection }),
    });
    this.detectorId = this.resource.attribute('DetectorId');
    this.detectorArn = this.resource.attribute('DetectorArn');
    recordAdministratorGoverned(this, [
      ...(props.findingPublishingFrequency !== undefined ? ['findingPublishingFrequency'] : []),
      ...(props.features !== undefined ? ['features'] : []),
      ...(dataSources !== undefined ? ['dataSources'] : []),
    ]);
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

/** The `detail` part of an `onFinding` pattern, after checking the options. */
function findingDetailPattern(scope: Construct, options: OnFindingOptions): Record<string, unknown> | undefined {
  const list = (property: keyof OnFindingOptions, values: string[] | undefined, rule?: { pattern: RegExp; description: string }) => {
    if (values === undefined) return undefined;
    if (!Token.isUnresolved(values) && values.length === 0) {
      throw new ValidationError(scope, `onFinding: \`${property}\` must not be empty (leave it out to match any value)`);
    }
    values.forEach((v) => validateString(scope, `${property}`, v, { min: 1, max: 512, ...rule }));
    return values;
  };
  const types = list('findingTypes', options.findingTypes, FINDING_TYPE);
  const prefixes = list('findingTypePrefixes', options.findingTypePrefixes, FINDING_TYPE);
  const excluded = list('excludeFindingTypes', options.excludeFindingTypes, FINDING_TYPE);
  const resourceTypes = list('resourceTypes', options.resourceTypes, { pattern: /^[A-Za-z0-9]+$/, description: 'a resource type such as Instance or AccessKey' });
  const accounts = list('accounts', options.accounts, { pattern: /^\d{12}$/, description: 'a 12-digit account id' });
  if (excluded && (types || prefixes)) {
    throw new ValidationError(scope, 'onFinding: `excludeFindingTypes` cannot be combined with `findingTypes` or `findingTypePrefixes`: '
      + 'EventBridge ORs the matchers of one field, so the exclusion would let every other type through');
  }
  const detail: Record<string, unknown> = {};
  if (options.minimumSeverity) detail.severity = events.Match.greaterThanOrEqual(options.minimumSeverity.minimumScore);
  if (types || prefixes) {
    detail.type = events.Match.anyOf(
      ...(types ?? []).map((t) => events.Match.exactString(t)),
      ...(prefixes ?? []).map((p) => events.Match.prefix(p)),
    );
  }
  if (excluded) detail.type = events.Match.anythingBut(...excluded);
  if (resourceTypes) detail.resource = { resourceType: resourceTypes };
  if (accounts) detail.accountId = accounts;
  return Object.keys(detail).length > 0 ? detail : undefined;
}

/** A finding type: `ThreatPurpose:ResourceTypeAffected/ThreatFamilyName.DetectionMechanism!Artifact`, no spaces. */
const FINDING_TYPE = { pattern: /^\S+$/, description: 'a finding type (or its start) without spaces, e.g. Recon:EC2/PortProbeUnprotectedPort' };

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
