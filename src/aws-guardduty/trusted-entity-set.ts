import { IResource, ITaggable, RemovalPolicy, Resource, TagManager } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { IDetectorRef } from './detector-ref';
import { createList, listArn, ListParts } from './list-resource';
import { ListKind, ListOptions } from './list-source';

/**
 * A GuardDuty TrustedEntitySet (a trusted entity list).
 */
export interface ITrustedEntitySet extends IResource {
  /**
   * The TrustedEntitySet's id.
   *
   * @attribute
   */
  readonly trustedEntitySetId: string;

  /**
   * The TrustedEntitySet's ARN, `arn:<partition>:guardduty:<region>:<account>:detector/<detectorId>/trustedentityset/<trustedEntitySetId>`.
   *
   * @attribute
   */
  readonly trustedEntitySetArn: string;
}

/** A TrustedEntitySet's settings, without its detector (see `IDetector.addTrustedEntitySet`). */
export interface TrustedEntitySetOptions extends ListOptions {
  /**
   * The name shown in the console: 1-300 letters, digits, `-` and `_`.
   *
   * @default - a name made from the construct path
   */
  readonly trustedEntitySetName?: string;
}

/** Attributes of an existing TrustedEntitySet, for `TrustedEntitySet.fromTrustedEntitySetAttributes`. */
export interface TrustedEntitySetAttributes {
  /** The id of the detector the set belongs to. */
  readonly detectorId: string;
  /** The TrustedEntitySet id. */
  readonly trustedEntitySetId: string;
}

/** Properties of a `TrustedEntitySet`. */
export interface TrustedEntitySetProps extends TrustedEntitySetOptions {
  /** The detector of the GuardDuty administrator (or standalone) account. */
  readonly detector: IDetectorRef;
}

/**
 * A GuardDuty trusted entity list (TrustedEntitySet): IP addresses, CIDR ranges and domain
 * names GuardDuty generates no findings for. One per account and Region ("at any given time, you
 * can have only one trusted entity set"), managed from the administrator account and applied to
 * its members. GuardDuty recommends entity lists over IP lists.
 *
 * The list comes from an `ListSource`: an object in a bucket, a local file, or inline entries
 * (checked at synth: domain names are taken). Unlike an IP list, GuardDuty reads an entity list
 * with the access of the role that creates it (no policy on its service-linked role), so the
 * handler is granted `s3:GetObject` on the one object and, for a bucket encrypted with a KMS key
 * it knows, `kms:Decrypt` through S3; a key policy that does not let the account's IAM policies
 * grant it must allow the handler's role. An imported bucket's owner, when not given, is checked
 * by GuardDuty to be the set's own account.
 *
 * Name, location and activation change in place; a new file content re-activates the set so
 * GuardDuty reads it; a new format replaces the set (and, with one allowed, needs the old set
 * removed first). The deployment waits until the set is ACTIVE (or INACTIVE) and fails with
 * GuardDuty's error details when it is ERROR. Backed by `Custom::GuardDutyTrustedEntitySet`.
 *
 * @example
 * import * as guardduty from 'cdk-threat-detection/aws-guardduty';
 * declare const detector: guardduty.IDetector;
 *
 * new guardduty.TrustedEntitySet(this, 'Partners', {
 *   detector,
 *   source: guardduty.ListSource.fromEntries(['203.0.113.0/24', 'updates.example.com']),
 * });
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_upload-lists.html
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty-lists-prerequisites.html
 */
export class TrustedEntitySet extends Resource implements ITrustedEntitySet, ITaggable {
  /** Refer to an existing TrustedEntitySet by its detector id and TrustedEntitySet id. */
  public static fromTrustedEntitySetAttributes(scope: Construct, id: string, attrs: TrustedEntitySetAttributes): ITrustedEntitySet {
    class Import extends Resource implements ITrustedEntitySet {
      public readonly trustedEntitySetId = attrs.trustedEntitySetId;
      public readonly trustedEntitySetArn = listArn(scope, ListKind.TRUSTED_ENTITIES, attrs.detectorId, attrs.trustedEntitySetId);
    }
    return new Import(scope, id);
  }

  public readonly trustedEntitySetId: string;
  public readonly trustedEntitySetArn: string;
  /** The detector the set belongs to. */
  public readonly detector: IDetectorRef;
  /** Tags of the TrustedEntitySet, applied through `Tags.of(...)`. */
  public readonly tags: TagManager;

  private readonly list: ListParts;

  constructor(scope: Construct, id: string, props: TrustedEntitySetProps) {
    super(scope, id);
    this.detector = props.detector;
    const list = createList(this, ListKind.TRUSTED_ENTITIES, props, props.trustedEntitySetName);
    this.tags = list.tags;
    this.trustedEntitySetId = list.setId;
    this.trustedEntitySetArn = list.setArn;
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
