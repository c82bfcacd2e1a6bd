/**
 * `Custom::GuardDutyIPSet` and `Custom::GuardDutyThreatIntelSet`: one contract (the two APIs have
 * the same shape) between the `IpSet` and `ThreatIntelSet` constructs and their handlers, and the
 * handlers' permissions.
 *
 * Not exported from the package.
 */
import { BooleanString } from '../../contracts';
import { defineResourceType } from '../../resource-definition';

/**
 * Properties of `Custom::GuardDutyIPSet` and `Custom::GuardDutyThreatIntelSet` (same API shape).
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

/** Attributes of the two set resources. */
export interface ThreatListResourceAttributes {
  /** The IPSet id or ThreatIntelSet id. */
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
