import { IResource, ITaggable, RemovalPolicy, Resource, TagManager } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { IDetectorRef } from './detector-ref';
import { createList, listArn, ListParts } from './list-resource';
import { ListKind, ListOptions } from './list-source';
import { installRenamedMembers } from '../private/renamed';

/**
 * A GuardDuty IPSet (a trusted IP list).
 */
export interface IIpSet extends IResource {
  /**
   * The IPSet's id.
   *
   * @attribute
   */
  readonly ipSetId: string;

  /**
   * The IPSet's ARN, `arn:<partition>:guardduty:<region>:<account>:detector/<detectorId>/ipset/<ipSetId>`.
   *
   * @attribute
   */
  readonly ipSetArn: string;
}

/** An IPSet's settings, without its detector (see `IDetector.addIpSet`). */
export interface IpSetOptions extends ListOptions {
  /**
   * The name shown in the console: 1-300 letters, digits, spaces, `-` and `_`.
   *
   * @default - a name made from the construct path
   */
  readonly ipSetName?: string;
}

/** Attributes of an existing IPSet, for `IpSet.fromIpSetAttributes`. */
export interface IpSetAttributes {
  /** The id of the detector the set belongs to. */
  readonly detectorId: string;
  /** The IPSet id. */
  readonly ipSetId: string;
}

/** Properties of an `IpSet`. */
export interface IpSetProps extends IpSetOptions {
  /** The detector of the GuardDuty administrator (or standalone) account. */
  readonly detector: IDetectorRef;
}

/**
 * A GuardDuty trusted IP list (IPSet): GuardDuty generates no findings for traffic from these
 * addresses. One per account and Region, managed from the administrator account and applied to
 * its members.
 *
 * The list comes from an `ListSource`: an object in a bucket, a local file, or inline entries.
 * GuardDuty reads it through its service-linked role, to which it grants itself read access in
 * the caller's name; this construct gives the handler exactly the rights that takes, read access
 * to the one object, and, for a bucket encrypted with a key of this app, `kms:Decrypt` in the key
 * policy for the service-linked role.
 *
 * Name, location and activation change in place; a new file content re-activates the set so
 * GuardDuty reads it; a new format replaces the set. Backed by `Custom::GuardDutyIPSet`.
 *
 * @example
 * import * as guardduty from 'cdk-threat-detection/aws-guardduty';
 * declare const detector: guardduty.IDetector;
 *
 * new guardduty.IpSet(this, 'OfficeNetworks', {
 *   detector,
 *   source: guardduty.ListSource.fromEntries(['203.0.113.0/24', '198.51.100.7']),
 * });
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_upload-lists.html
 */
export class IpSet extends Resource implements IIpSet, ITaggable {
  /** Refer to an existing IPSet by its detector id and IPSet id. */
  public static fromIpSetAttributes(scope: Construct, id: string, attrs: IpSetAttributes): IIpSet {
    class Import extends Resource implements IIpSet {
      public readonly ipSetId = attrs.ipSetId;
      public readonly ipSetArn = listArn(scope, ListKind.TRUSTED, attrs.detectorId, attrs.ipSetId);
    }
    return new Import(scope, id);
  }

  public readonly ipSetId: string;
  public readonly ipSetArn: string;
  /** The detector the set belongs to. */
  public readonly detector: IDetectorRef;
  /** Tags of the IPSet, applied through `Tags.of(...)`. */
  public readonly tags: TagManager;

  private readonly list: ListParts;

  constructor(scope: Construct, id: string, props: IpSetProps) {
    super(scope, id);
    this.detector = props.detector;
    const list = createList(this, ListKind.TRUSTED, props, props.ipSetName);
    this.tags = list.tags;
    this.ipSetId = list.setId;
    this.ipSetArn = list.setArn;
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
installRenamedMembers('aws_guardduty.IpSet', IpSet);
