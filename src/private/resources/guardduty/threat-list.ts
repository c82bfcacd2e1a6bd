/**
 * `Custom::GuardDutyIPSet`, `Custom::GuardDutyThreatIntelSet`, `Custom::GuardDutyTrustedEntitySet`
 * and `Custom::GuardDutyThreatEntitySet`: one contract (the four APIs have the same shape) between
 * the list constructs and their handlers.
 *
 * Not exported from the package.
 */
import { BooleanString } from '../../contracts';
import { defineResourceType } from '../../resource-definition';

/**
 * Properties of the four list resource types (same API shape).
 * Physical id: `<detectorId>:<setId>`.
 */
export interface ThreatListResourceProperties {
  /** Changing it replaces the set. */
  readonly DetectorId: string;
  readonly Name: string;
  /** Changing it replaces the set (the Update APIs cannot change it). */
  readonly Format: string;
  /** The list's URI, `https://s3.<region>.<suffix>/<bucket>/<key>` (at most 300 characters). */
  readonly Location: string;
  readonly Activate: BooleanString;
  /** Account that must own the bucket, when the construct knows it. */
  readonly ExpectedBucketOwner?: string;
  /**
   * A hash of the list's content when the construct knows it (asset or inline list). The object
   * can change at the same location; a new hash makes CloudFormation send an Update, and the
   * handler re-activates the set so GuardDuty reads the new content.
   */
  readonly ContentHash?: string;
  readonly Tags?: Readonly<Record<string, string>>;
}

/** Attributes of the set resources. */
export interface ThreatListResourceAttributes {
  /** The IPSet, ThreatIntelSet, TrustedEntitySet or ThreatEntitySet id. */
  readonly SetId: string;
  readonly SetArn: string;
}

/** `Custom::GuardDutyIPSet`: a trusted IP list. */
export const IpSetResource = defineResourceType<ThreatListResourceProperties, ThreatListResourceAttributes>({
  type: 'Custom::GuardDutyIPSet', label: 'IPSet', noun: 'an IP set',
});

/** `Custom::GuardDutyThreatIntelSet`: a threat IP list. */
export const ThreatIntelSetResource = defineResourceType<ThreatListResourceProperties, ThreatListResourceAttributes>({
  type: 'Custom::GuardDutyThreatIntelSet', label: 'ThreatIntelSet', noun: 'a threat intel set',
});

/** `Custom::GuardDutyTrustedEntitySet`: a trusted entity list (IP addresses and domain names). */
export const TrustedEntitySetResource = defineResourceType<ThreatListResourceProperties, ThreatListResourceAttributes>({
  type: 'Custom::GuardDutyTrustedEntitySet', label: 'TrustedEntitySet', noun: 'a trusted entity set',
});

/** `Custom::GuardDutyThreatEntitySet`: a threat entity list (IP addresses and domain names). */
export const ThreatEntitySetResource = defineResourceType<ThreatListResourceProperties, ThreatListResourceAttributes>({
  type: 'Custom::GuardDutyThreatEntitySet', label: 'ThreatEntitySet', noun: 'a threat entity set',
});
