/**
 * GuardDuty's lists, defined once: trusted and threat IP lists (the IPSet and ThreatIntelSet
 * APIs) and trusted and threat entity lists (TrustedEntitySet, ThreatEntitySet). The four APIs
 * have the same shape (Create/Get/Update/Delete/List with name, format, location and activation);
 * what differs between them is a row of `LIST_KINDS`, which the constructs, the handler, the
 * permissions and the handler registry all read. A fifth kind is a row here, a row of SDK
 * commands in the handler (`lambda/guardduty/list.ts`, which alone may import the SDK), its public
 * construct (jsii needs a class per type) and its tests.
 *
 * "List" is GuardDuty's own name for the family ("entity lists and IP lists"); "set" is the API's
 * name for one list (`CreateIPSet`).
 *
 * Pure (no aws-cdk-lib), so the handler bundle imports it. Not exported from the package.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_upload-lists.html
 */
import { BooleanString } from '../../contracts';
import { defineResourceType, ResourceTypeDefinition } from '../../resource-definition';

/**
 * Every request of a list continues in a new invocation when GuardDuty's reading of the list
 * (ACTIVATING) outlasts the invocation: running it again is safe, because a create's client token
 * (the event's stack, logical id and request id) returns the set the first invocation made, an
 * update waits out the transition and writes the same settings, and a delete (a rollback's
 * included, which would otherwise fail and leave the set behind) waits on, then deletes.
 */
const LIST_CONTINUABLE = ['Create', 'Update', 'Delete'] as const;

/**
 * Properties of the list resource types (the same for the four kinds).
 * Physical id: `<detectorId>:<setId>`.
 */
export interface ListResourceProperties {
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

/** Attributes of the list resource types. */
export interface ListResourceAttributes {
  /** The IPSet, ThreatIntelSet, TrustedEntitySet or ThreatEntitySet id. */
  readonly SetId: string;
  readonly SetArn: string;
}

/** A list's API noun: `Create<api>`, `Get<api>`, `List<api>s`. */
export type ListApiName = 'IPSet' | 'ThreatIntelSet' | 'TrustedEntitySet' | 'ThreatEntitySet';

/** The kinds of list, by the values of the public `ListKind` enum. */
export type ListKindName = 'TRUSTED' | 'THREAT' | 'TRUSTED_ENTITIES' | 'THREAT_ENTITIES';

/** Everything that differs between two kinds of list. */
export interface ListKindDefinition {
  /** The API noun. */
  readonly api: ListApiName;
  /** The custom resource type. */
  readonly resource: ResourceTypeDefinition<ListResourceProperties, ListResourceAttributes>;
  /** The set id's member in the API's requests and responses, e.g. `IpSetId`. */
  readonly idMember: string;
  /** The ARN path segment after the detector, e.g. `ipset` (Service Authorization Reference). */
  readonly arnSegment: string;
  /** The construct property naming the set, for synth-time errors. */
  readonly nameProperty: string;
  /** GuardDuty's name rule for this API, where it documents one (names are 1-300 characters in all). */
  readonly namePattern?: { readonly pattern: RegExp; readonly description: string };
  /** Sets per account and Region, where GuardDuty documents the quota (none documented: not checked). */
  readonly quota?: number;
  /** Entries per list, where GuardDuty documents the limit (none for entity lists: not counted). */
  readonly maxEntries?: number;
  /** How the quota error names the sets. */
  readonly plural: string;
  /**
   * Entity lists take domain names too, and GuardDuty reads them with the caller's access
   * (`s3:GetObject` in the handler's role); IP lists are read by GuardDuty's service-linked role.
   */
  readonly entityList: boolean;
  /** Trusted lists silence findings (so a list that trusts too much is warned about); threat lists raise them. */
  readonly trusted: boolean;
}

const IP_LIST_NAME = { pattern: /^[A-Za-z0-9 _-]+$/, description: 'letters, digits, spaces, "-" and "_" only' };
const ENTITY_LIST_NAME = { pattern: /^[A-Za-z0-9_-]+$/, description: 'letters, digits, "-" and "_" only' };

/**
 * The four kinds of list.
 *
 * - Quotas: one IPSet and six ThreatIntelSets per account and Region; one TrustedEntitySet ("at
 *   any given time, you can have only one trusted entity set"); none documented for
 *   ThreatEntitySets.
 * - Entries: 2,000 per trusted IP list and 250,000 per threat IP list ("You can't request a quota
 *   increase"); none documented for entity lists.
 * - Names: CreateIPSet allows "alphanumeric, whitespace, dash (-), and underscores (_)"; the entity
 *   set APIs "lowercase letters, uppercase letters, numbers, dash (-), and underscore (_)";
 *   CreateThreatIntelSet documents no rule.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_limits.html
 * @see https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateIPSet.html
 * @see https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateTrustedEntitySet.html
 */
export const LIST_KINDS: Readonly<Record<ListKindName, ListKindDefinition>> = {
  TRUSTED: {
    api: 'IPSet',
    resource: defineResourceType({ type: 'Custom::GuardDutyIPSet', label: 'IPSet', noun: 'an IP set', continuable: LIST_CONTINUABLE }),
    idMember: 'IpSetId',
    arnSegment: 'ipset',
    nameProperty: 'ipSetName',
    namePattern: IP_LIST_NAME,
    quota: 1,
    maxEntries: 2_000,
    plural: 'trusted IP list (IPSet)',
    entityList: false,
    trusted: true,
  },
  THREAT: {
    api: 'ThreatIntelSet',
    resource: defineResourceType({ type: 'Custom::GuardDutyThreatIntelSet', label: 'ThreatIntelSet', noun: 'a threat intel set', continuable: LIST_CONTINUABLE }),
    idMember: 'ThreatIntelSetId',
    arnSegment: 'threatintelset',
    nameProperty: 'threatIntelSetName',
    quota: 6,
    maxEntries: 250_000,
    plural: 'threat IP lists (ThreatIntelSets)',
    entityList: false,
    trusted: false,
  },
  TRUSTED_ENTITIES: {
    api: 'TrustedEntitySet',
    resource: defineResourceType({ type: 'Custom::GuardDutyTrustedEntitySet', label: 'TrustedEntitySet', noun: 'a trusted entity set', continuable: LIST_CONTINUABLE }),
    idMember: 'TrustedEntitySetId',
    arnSegment: 'trustedentityset',
    nameProperty: 'trustedEntitySetName',
    namePattern: ENTITY_LIST_NAME,
    quota: 1,
    plural: 'trusted entity list (TrustedEntitySet)',
    entityList: true,
    trusted: true,
  },
  THREAT_ENTITIES: {
    api: 'ThreatEntitySet',
    resource: defineResourceType({ type: 'Custom::GuardDutyThreatEntitySet', label: 'ThreatEntitySet', noun: 'a threat entity set', continuable: LIST_CONTINUABLE }),
    idMember: 'ThreatEntitySetId',
    arnSegment: 'threatentityset',
    nameProperty: 'threatEntitySetName',
    namePattern: ENTITY_LIST_NAME,
    plural: 'threat entity lists (ThreatEntitySets)',
    entityList: true,
    trusted: false,
  },
};

/** The kinds of list, in table order. */
export const LIST_KIND_DEFINITIONS: readonly ListKindDefinition[] = Object.values(LIST_KINDS);
