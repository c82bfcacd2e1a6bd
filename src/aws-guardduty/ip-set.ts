import { IResource, ITaggable, Names, RemovalPolicy, Resource, Stack, TagManager, TagType } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { IDetector } from './detector';
import { createIpListResource, IpListResource, setQuotaValidation } from './ip-list-resource';
import { IpListFormat, IpListKind, IpListSource } from './ip-list-source';
import { IpSetResource } from '../private/resources/guardduty/threat-list';
import { validateRemovalPolicy, validateTags } from '../private/validation';

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

/**
 * Settings shared by GuardDuty's four lists: trusted and threat IP lists (IPSet, ThreatIntelSet)
 * and trusted and threat entity lists (TrustedEntitySet, ThreatEntitySet).
 */
export interface IpListOptions {
  /** The list GuardDuty reads. */
  readonly source: IpListSource;

  /**
   * The list's file format. Changing it replaces the set.
   *
   * @default IpListFormat.TXT
   */
  readonly format?: IpListFormat;

  /**
   * Whether GuardDuty uses the list. The deployment waits until the set is ACTIVE (or INACTIVE
   * when false) and fails with the set's status when GuardDuty cannot read the list (ERROR).
   *
   * @default true
   */
  readonly activate?: boolean;

  /**
   * What happens to the set when it leaves the stack.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** An IPSet's settings, without its detector (see `IDetector.addIpSet`). */
export interface IpSetOptions extends IpListOptions {
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
  readonly detector: IDetector;
}

/**
 * A GuardDuty trusted IP list (IPSet): GuardDuty generates no findings for traffic from these
 * addresses. One per account and Region, managed from the administrator account and applied to
 * its members.
 *
 * The list comes from an `IpListSource`: an object in a bucket, a local file, or inline entries.
 * GuardDuty reads it through its service-linked role, to which it grants itself read access in
 * the caller's name; this construct gives the handler exactly the rights that takes, read access
 * to the one object, and, for a bucket encrypted with a key of this app, `kms:Decrypt` in the key
 * policy for the service-linked role.
 *
 * Name, location and activation change in place; a new file content re-activates the set so
 * GuardDuty reads it; a new format replaces the set. Backed by `Custom::GuardDutyIPSet`.
 *
 * @example
 * import { aws_guardduty } from 'cdk-threat-detection';
 * declare const detector: aws_guardduty.IDetector;
 *
 * new aws_guardduty.IpSet(this, 'OfficeNetworks', {
 *   detector,
 *   source: aws_guardduty.IpListSource.fromEntries(['203.0.113.0/24', '198.51.100.7']),
 * });
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_upload-lists.html
 */
export class IpSet extends Resource implements IIpSet, ITaggable {
  /** Refer to an existing IPSet by its detector id and IPSet id. */
  public static fromIpSetAttributes(scope: Construct, id: string, attrs: IpSetAttributes): IIpSet {
    class Import extends Resource implements IIpSet {
      public readonly ipSetId = attrs.ipSetId;
      public readonly ipSetArn = Stack.of(scope).formatArn({
        service: 'guardduty', resource: 'detector', resourceName: `${attrs.detectorId}/ipset/${attrs.ipSetId}`,
      });
    }
    return new Import(scope, id);
  }

  public readonly ipSetId: string;
  public readonly ipSetArn: string;
  /** The detector the set belongs to. */
  public readonly detector: IDetector;
  /** Tags of the IPSet, applied through `Tags.of(...)`. */
  public readonly tags: TagManager;

  private readonly resource: IpListResource;

  constructor(scope: Construct, id: string, props: IpSetProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    this.detector = props.detector;
    this.tags = new TagManager(TagType.MAP, IpSetResource.type);
    const quota = setQuotaValidation(this, IpListKind.TRUSTED, props.detector);
    this.node.addValidation({
      validate: () => [
        ...validateTags(this.tags.tagValues(), 'an IPSet'),
        ...quota(),
      ],
    });
    this.resource = createIpListResource(this, {
      kind: IpListKind.TRUSTED,
      detector: props.detector,
      name: props.ipSetName ?? Names.uniqueResourceName(this, { maxLength: 300, separator: '-' }),
      source: props.source,
      format: props.format ?? IpListFormat.TXT,
      activate: props.activate ?? true,
      removalPolicy,
      tags: this.tags,
    });
    this.ipSetId = this.resource.attribute('SetId');
    this.ipSetArn = this.resource.attribute('SetArn');
  }

  /**
   * Apply a removal policy to the set's custom resource.
   *
   * @throws for `RemovalPolicy.SNAPSHOT`, which custom resources do not support.
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    // The same check (and wording) the custom resource applies to the policy given at construction.
    validateRemovalPolicy(this, policy, IpSetResource.noun);
    this.resource.applyRemovalPolicy(policy);
  }
}
