import { IResource, ITaggable, RemovalPolicy, Resource, TagManager } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { IDetectorRef } from './detector-ref';
import { createList, listArn, ListParts } from './list-resource';
import { ListKind, ListOptions } from './list-source';

/**
 * A GuardDuty ThreatEntitySet (a threat entity list).
 */
export interface IThreatEntitySet extends IResource {
  /**
   * The ThreatEntitySet's id.
   *
   * @attribute
   */
  readonly threatEntitySetId: string;

  /**
   * The ThreatEntitySet's ARN, `arn:<partition>:guardduty:<region>:<account>:detector/<detectorId>/threatentityset/<threatEntitySetId>`.
   *
   * @attribute
   */
  readonly threatEntitySetArn: string;
}

/** A ThreatEntitySet's settings, without its detector (see `IDetector.addThreatEntitySet`). */
export interface ThreatEntitySetOptions extends ListOptions {
  /**
   * The name shown in the console: 1-300 letters, digits, `-` and `_`.
   *
   * @default - a name made from the construct path
   */
  readonly threatEntitySetName?: string;
}

/** Attributes of an existing ThreatEntitySet, for `ThreatEntitySet.fromThreatEntitySetAttributes`. */
export interface ThreatEntitySetAttributes {
  /** The id of the detector the set belongs to. */
  readonly detectorId: string;
  /** The ThreatEntitySet id. */
  readonly threatEntitySetId: string;
}

/** Properties of a `ThreatEntitySet`. */
export interface ThreatEntitySetProps extends ThreatEntitySetOptions {
  /** The detector of the GuardDuty administrator (or standalone) account. */
  readonly detector: IDetectorRef;
}

/**
 * A GuardDuty threat entity list (ThreatEntitySet): known malicious IP addresses, CIDR ranges
 * and domain names GuardDuty generates findings for. Managed from the administrator account and
 * applied to its members. GuardDuty recommends entity lists over IP lists.
 *
 * The list comes from an `ListSource` and is read as for `TrustedEntitySet`: with the access
 * of the role that creates it (the handler gets `s3:GetObject` on the one object and `kms:Decrypt`
 * through S3 for a key it knows), the same waits, in-place changes and replacement on a new
 * format. GuardDuty documents no quota of threat entity lists per account, so none is checked at
 * synth; a refused create fails with GuardDuty's error. Backed by `Custom::GuardDutyThreatEntitySet`.
 *
 * @example
 * import * as guardduty from 'cdk-threat-detection/aws-guardduty';
 * declare const detector: guardduty.IDetector;
 *
 * new guardduty.ThreatEntitySet(this, 'KnownBad', {
 *   detector,
 *   source: guardduty.ListSource.fromEntries(['192.0.2.66', 'malware-c2.example.net']),
 * });
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_upload-lists.html
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty-lists-prerequisites.html
 */
export class ThreatEntitySet extends Resource implements IThreatEntitySet, ITaggable {
  /** Refer to an existing ThreatEntitySet by its detector id and ThreatEntitySet id. */
  public static fromThreatEntitySetAttributes(scope: Construct, id: string, attrs: ThreatEntitySetAttributes): IThreatEntitySet {
    class Import extends Resource implements IThreatEntitySet {
      public readonly threatEntitySetId = attrs.threatEntitySetId;
      public readonly threatEntitySetArn = listArn(scope, ListKind.THREAT_ENTITIES, attrs.detectorId, attrs.threatEntitySetId);
    }
    return new Import(scope, id);
  }

  public readonly threatEntitySetId: string;
  public readonly threatEntitySetArn: string;
  /** The detector the set belongs to. */
  public readonly detector: IDetectorRef;
  /** Tags of the ThreatEntitySet, applied through `Tags.of(...)`. */
  public readonly tags: TagManager;

  private readonly list: ListParts;

  constructor(scope: Construct, id: string, props: ThreatEntitySetProps) {
    super(scope, id);
    this.detector = props.detector;
    const list = createList(this, ListKind.THREAT_ENTITIES, props, props.threatEntitySetName);
    this.tags = list.tags;
    this.threatEntitySetId = list.setId;
    this.threatEntitySetArn = list.setArn;
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
