/**
 * The property contracts between the constructs (which write custom resource properties) and the
 * handler (which reads them). One source of truth for every key: the construct builds a value of
 * these types and the handler parses one.
 *
 * CloudFormation hands every scalar in custom resource properties to the handler as a string
 * ("Custom resources properties are always converted to strings"), so scalars are typed as strings
 * here and converted by the handler. Arrays and objects keep their shape.
 *
 * A handler must keep accepting every shape it ever accepted: rollbacks and deletes replay the
 * properties an older version of the library wrote.
 *
 * Not exported from the package.
 */

/**
 * The tag a resource carries when this library's handler created it (value
 * `<StackId>|<LogicalResourceId>`): the ownership record that tells a retried create (Lambda
 * retries an invocation; a client token the service ignored) its own earlier creation from a
 * resource that was there before, without relying on the token. Reserved: users cannot set it.
 */
export const CREATED_BY_TAG = 'cdk-threat-detection:created-by';

/**
 * The handler function's environment variable holding its own stack's id: the provider sets it
 * from `AWS::StackId`, the handler confirms every event's StackId against it (an event cannot
 * change the environment).
 */
export const STACK_ID_VARIABLE = 'STACK_ID';

/**
 * The handler function's environment variable that turns the template proof of an event's
 * properties off when `"false"` (set from the context key `cdk-threat-detection:proveProperties`;
 * see lambda/shared/template-proof.ts). Absent: the proof runs.
 */
export const PROVE_PROPERTIES_VARIABLE = 'PROVE_PROPERTIES';

/** `"true"` or `"false"`, as CloudFormation delivers booleans. */
export type BooleanString = 'true' | 'false';

/** One detector feature as written by the construct (the API's `DetectorFeatureConfiguration`). */
export interface DetectorFeatureProperty {
  /** API feature name, e.g. `S3_DATA_EVENTS`. */
  readonly Name: string;
  /** `ENABLED` or `DISABLED`. */
  readonly Status: string;
  /** Additional configuration, e.g. `EKS_ADDON_MANAGEMENT`. */
  readonly AdditionalConfiguration?: ReadonlyArray<{ readonly Name: string; readonly Status: string }>;
}

/** How an administrator invites members that are not in its organization (`InviteMembers`). */
export interface MemberInvitationProperty {
  readonly Message?: string;
  readonly DisableEmailNotification?: BooleanString;
}

/** One account of an explicit member list. */
export interface MemberAccountProperty {
  readonly AccountId: string;
  readonly Email?: string;
}

/** Accounts read from AWS Organizations at run time. */
export interface OrganizationSourceProperty {
  /** Roots or OUs whose accounts (recursively, through child OUs) are members; absent: every account. */
  readonly ParentIds?: ReadonlyArray<string>;
  /** Accounts never made members. */
  readonly ExcludeAccountIds?: ReadonlyArray<string>;
  /** OUs whose accounts (recursively, through child OUs) are never made members. */
  readonly ExcludeParentIds?: ReadonlyArray<string>;
}

/** Attributes of a member set (both services). */
export interface MemberSetAttributes {
  /** How many accounts the set held after the last create or update (the excluded ones not counted). */
  readonly MemberCount: string;
  /**
   * The set's accounts that cannot be members in this Region by their own setting, comma-separated
   * (GuardDuty's `RegionDisabled`: an opt-in Region the account has not enabled); reported, not a failure.
   */
  readonly ExcludedAccounts: string;
}
