import { IResource, ITaggable, Names, RemovalPolicy, Resource, Stack, TagManager, TagType } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { IDetector } from './detector';
import { createIpListResource, IpListResource, setQuotaValidation } from './ip-list-resource';
import { IpListFormat, IpListKind } from './ip-list-source';
import type { IpListOptions } from './ip-set';
import { ThreatIntelSetResource } from '../private/resources/guardduty/threat-list';
import { validateRemovalPolicy, validateTags } from '../private/validation';

/**
 * A GuardDuty ThreatIntelSet (a threat IP list).
 */
export interface IThreatIntelSet extends IResource {
  /**
   * The ThreatIntelSet's id.
   *
   * @attribute
   */
  readonly threatIntelSetId: string;

  /**
   * The ThreatIntelSet's ARN, `arn:<partition>:guardduty:<region>:<account>:detector/<detectorId>/threatintelset/<threatIntelSetId>`.
   *
   * @attribute
   */
  readonly threatIntelSetArn: string;
}

/** A ThreatIntelSet's settings, without its detector (see `IDetector.addThreatIntelSet`). */
export interface ThreatIntelSetOptions extends IpListOptions {
  /**
   * The name, 1-300 characters; GuardDuty shows it in the findings the list produces.
   *
   * @default - a name made from the construct path
   */
  readonly threatIntelSetName?: string;
}

/** Attributes of an existing ThreatIntelSet, for `ThreatIntelSet.fromThreatIntelSetAttributes`. */
export interface ThreatIntelSetAttributes {
  /** The id of the detector the set belongs to. */
  readonly detectorId: string;
  /** The ThreatIntelSet id. */
  readonly threatIntelSetId: string;
}

/** Properties of a `ThreatIntelSet`. */
export interface ThreatIntelSetProps extends ThreatIntelSetOptions {
  /** The detector of the GuardDuty administrator (or standalone) account. */
  readonly detector: IDetector;
}

/**
 * A GuardDuty threat IP list (ThreatIntelSet): GuardDuty generates findings for activity
 * involving these addresses. Up to six per account and Region, managed from the administrator
 * account and applied to its members.
 *
 * The list comes from an `IpListSource` and is read as for `IpSet` (same grants, same waits):
 * name, location and activation change in place; a new file content re-activates the set; a new
 * format replaces it. Backed by `Custom::GuardDutyThreatIntelSet`.
 *
 * @example
 * import { aws_guardduty } from 'cdk-threat-detection';
 * declare const detector: aws_guardduty.IDetector;
 *
 * new aws_guardduty.ThreatIntelSet(this, 'KnownBad', {
 *   detector,
 *   source: aws_guardduty.IpListSource.fromEntries(['192.0.2.66', '192.0.2.128/25']),
 * });
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_upload-lists.html
 */
export class ThreatIntelSet extends Resource implements IThreatIntelSet, ITaggable {
  /** Refer to an existing ThreatIntelSet by its detector id and ThreatIntelSet id. */
  public static fromThreatIntelSetAttributes(scope: Construct, id: string, attrs: ThreatIntelSetAttributes): IThreatIntelSet {
    class Import extends Resource implements IThreatIntelSet {
      public readonly threatIntelSetId = attrs.threatIntelSetId;
      public readonly threatIntelSetArn = Stack.of(scope).formatArn({
        service: 'guardduty', resource: 'detector', resourceName: `${attrs.detectorId}/threatintelset/${attrs.threatIntelSetId}`,
      });
    }
    return new Import(scope, id);
  }

  public readonly threatIntelSetId: string;
  public readonly threatIntelSetArn: string;
  /** The detector the set belongs to. */
  public readonly detector: IDetector;
  /** Tags of the ThreatIntelSet, applied through `Tags.of(...)`. */
  public readonly tags: TagManager;

  private readonly resource: IpListResource;

  constructor(scope: Construct, id: string, props: ThreatIntelSetProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    this.detector = props.detector;
    this.tags = new TagManager(TagType.MAP, ThreatIntelSetResource.type);
    const quota = setQuotaValidation(this, IpListKind.THREAT, props.detector);
    this.node.addValidation({
      validate: () => [
        ...validateTags(this.tags.tagValues(), 'a ThreatIntelSet'),
        ...quota(),
      ],
    });
    this.resource = createIpListResource(this, {
      kind: IpListKind.THREAT,
      detector: props.detector,
      name: props.threatIntelSetName ?? Names.uniqueResourceName(this, { maxLength: 300, separator: '-' }),
      source: props.source,
      format: props.format ?? IpListFormat.TXT,
      activate: props.activate ?? true,
      removalPolicy,
      tags: this.tags,
    });
    this.threatIntelSetId = this.resource.attribute('SetId');
    this.threatIntelSetArn = this.resource.attribute('SetArn');
  }

  /**
   * Apply a removal policy to the set's custom resource.
   *
   * @throws for `RemovalPolicy.SNAPSHOT`, which custom resources do not support.
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    // The same check (and wording) the custom resource applies to the policy given at construction.
    validateRemovalPolicy(this, policy, ThreatIntelSetResource.noun);
    this.resource.applyRemovalPolicy(policy);
  }
}
