import { IResource, ITaggable, RemovalPolicy, Resource, TagManager } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { IDetectorRef } from './detector-ref';
import { createList, listArn, ListParts } from './list-resource';
import { ListKind, ListOptions } from './list-source';
import { installRenamedMembers } from '../private/renamed';

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
export interface ThreatIntelSetOptions extends ListOptions {
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
  readonly detector: IDetectorRef;
}

/**
 * A GuardDuty threat IP list (ThreatIntelSet): GuardDuty generates findings for activity
 * involving these addresses. Up to six per account and Region, managed from the administrator
 * account and applied to its members.
 *
 * The list comes from an `ListSource` and is read as for `IpSet` (same grants, same waits):
 * name, location and activation change in place; a new file content re-activates the set; a new
 * format replaces it. Backed by `Custom::GuardDutyThreatIntelSet`.
 *
 * @example
 * import * as guardduty from 'cdk-threat-detection/aws-guardduty';
 * declare const detector: guardduty.IDetector;
 *
 * new guardduty.ThreatIntelSet(this, 'KnownBad', {
 *   detector,
 *   source: guardduty.ListSource.fromEntries(['192.0.2.66', '192.0.2.128/25']),
 * });
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_upload-lists.html
 */
export class ThreatIntelSet extends Resource implements IThreatIntelSet, ITaggable {
  /** Refer to an existing ThreatIntelSet by its detector id and ThreatIntelSet id. */
  public static fromThreatIntelSetAttributes(scope: Construct, id: string, attrs: ThreatIntelSetAttributes): IThreatIntelSet {
    class Import extends Resource implements IThreatIntelSet {
      public readonly threatIntelSetId = attrs.threatIntelSetId;
      public readonly threatIntelSetArn = listArn(scope, ListKind.THREAT, attrs.detectorId, attrs.threatIntelSetId);
    }
    return new Import(scope, id);
  }

  public readonly threatIntelSetId: string;
  public readonly threatIntelSetArn: string;
  /** The detector the set belongs to. */
  public readonly detector: IDetectorRef;
  /** Tags of the ThreatIntelSet, applied through `Tags.of(...)`. */
  public readonly tags: TagManager;

  private readonly list: ListParts;

  constructor(scope: Construct, id: string, props: ThreatIntelSetProps) {
    super(scope, id);
    this.detector = props.detector;
    const list = createList(this, ListKind.THREAT, props, props.threatIntelSetName);
    this.tags = list.tags;
    this.threatIntelSetId = list.setId;
    this.threatIntelSetArn = list.setArn;
    this.list = list;
  }

  /**
   * Apply a removal policy to the set's custom resource.
   *
   * @throws for `RemovalPolicy.SNAPSHOT`, which custom resources do not support.
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    this.list.applyRemovalPolicy(policy);
  }
}
installRenamedMembers('aws_guardduty.ThreatIntelSet', ThreatIntelSet);
