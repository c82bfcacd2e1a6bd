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

/** `"true"` or `"false"`, as CloudFormation delivers booleans. */
export type BooleanString = 'true' | 'false';

/** CloudFormation resource types of the custom resources. Part of the API: changing one replaces. */
export const ResourceTypes = {
  GUARDDUTY_DETECTOR: 'Custom::GuardDutyDetector',
  GUARDDUTY_FILTER: 'Custom::GuardDutyFilter',
  GUARDDUTY_IP_SET: 'Custom::GuardDutyIPSet',
  GUARDDUTY_THREAT_INTEL_SET: 'Custom::GuardDutyThreatIntelSet',
  GUARDDUTY_PUBLISHING_DESTINATION: 'Custom::GuardDutyPublishingDestination',
  GUARDDUTY_MEMBER: 'Custom::GuardDutyMember',
  GUARDDUTY_MEMBERS: 'Custom::GuardDutyMembers',
  GUARDDUTY_ADMINISTRATOR_ACCOUNT: 'Custom::GuardDutyAdministratorAccount',
  GUARDDUTY_ORGANIZATION_ADMIN_ACCOUNT: 'Custom::GuardDutyOrganizationAdminAccount',
  GUARDDUTY_ORGANIZATION_CONFIGURATION: 'Custom::GuardDutyOrganizationConfiguration',
  DETECTIVE_BEHAVIOR_GRAPH: 'Custom::DetectiveBehaviorGraph',
  DETECTIVE_MEMBER: 'Custom::DetectiveMember',
  DETECTIVE_MEMBERS: 'Custom::DetectiveMembers',
  DETECTIVE_GRAPH_MEMBERSHIP: 'Custom::DetectiveGraphMembership',
  DETECTIVE_ORGANIZATION_ADMIN_ACCOUNT: 'Custom::DetectiveOrganizationAdminAccount',
} as const;

/** One detector feature as written by the construct (the API's `DetectorFeatureConfiguration`). */
export interface DetectorFeatureProperty {
  /** API feature name, e.g. `S3_DATA_EVENTS`. */
  readonly Name: string;
  /** `ENABLED` or `DISABLED`. */
  readonly Status: string;
  /** Additional configuration, e.g. `EKS_ADDON_MANAGEMENT`. */
  readonly AdditionalConfiguration?: ReadonlyArray<{ readonly Name: string; readonly Status: string }>;
}

/** The legacy `DataSources` block (deprecated by the service in favour of features). */
export interface DetectorDataSourcesProperty {
  readonly S3Logs?: { readonly Enable: BooleanString };
  readonly Kubernetes?: { readonly AuditLogs: { readonly Enable: BooleanString } };
  readonly MalwareProtection?: {
    readonly ScanEc2InstanceWithFindings: { readonly EbsVolumes: BooleanString };
  };
}

/** Properties of `Custom::GuardDutyDetector`. */
export interface DetectorResourceProperties {
  /** Whether the detector is enabled (`false` suspends it). */
  readonly Enable: BooleanString;
  /** `FIFTEEN_MINUTES` | `ONE_HOUR` | `SIX_HOURS`; absent: service default / left as is. */
  readonly FindingPublishingFrequency?: string;
  /** Only the features the user declared; absent features are not touched. */
  readonly Features?: ReadonlyArray<DetectorFeatureProperty>;
  /** Legacy data sources; never together with `Features`. */
  readonly DataSources?: DetectorDataSourcesProperty;
  /** Tags managed by the stack (a map, as GuardDuty takes them). */
  readonly Tags?: Readonly<Record<string, string>>;
}

/** Attributes (`Fn::GetAtt`) returned by `Custom::GuardDutyDetector`. */
export interface DetectorResourceAttributes {
  readonly DetectorId: string;
  readonly DetectorArn: string;
  /** `"true"` when the detector existed before this resource and was adopted. */
  readonly Adopted: BooleanString;
}

/**
 * Physical resource id of a detector the stack adopted rather than created. The detector id alone
 * would not tell a later Delete that the detector is not the stack's to remove, and Delete events
 * carry only the physical id and properties.
 */
export const ADOPTED_DETECTOR_PREFIX = 'adopted:';

/**
 * One condition of a filter's finding criteria, in the API's `Condition` shape with only the
 * current operators. Numbers are strings, as CloudFormation delivers them.
 */
export interface ConditionProperty {
  readonly Equals?: string[];
  readonly NotEquals?: string[];
  readonly GreaterThan?: string;
  readonly GreaterThanOrEqual?: string;
  readonly LessThan?: string;
  readonly LessThanOrEqual?: string;
  readonly Matches?: string[];
  readonly NotMatches?: string[];
}

/** Properties of `Custom::GuardDutyFilter`. Physical id: `<detectorId>:<name>`. */
export interface FilterResourceProperties {
  /** Changing it replaces the filter. */
  readonly DetectorId: string;
  /** The filter's identity: changing it replaces the filter. */
  readonly Name: string;
  readonly Description?: string;
  /** `NOOP` or `ARCHIVE`. */
  readonly Action: string;
  /** 1-100. */
  readonly Rank?: string;
  /** Finding attribute to condition. */
  readonly FindingCriteria: Readonly<Record<string, ConditionProperty>>;
  readonly Tags?: Readonly<Record<string, string>>;
}

/** Attributes of `Custom::GuardDutyFilter`. */
export interface FilterResourceAttributes {
  readonly FilterName: string;
  readonly FilterArn: string;
}

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

/** Properties of `Custom::GuardDutyPublishingDestination`. Physical id: `<detectorId>:<destinationId>`. */
export interface PublishingDestinationResourceProperties {
  /** Changing it replaces the destination. */
  readonly DetectorId: string;
  /** `S3` (the only type). Changing it replaces the destination. */
  readonly DestinationType: string;
  /** Bucket ARN, with `/<prefix>` when findings go under a prefix. */
  readonly DestinationArn: string;
  readonly KmsKeyArn: string;
  readonly Tags?: Readonly<Record<string, string>>;
}

/** Attributes of `Custom::GuardDutyPublishingDestination`. */
export interface PublishingDestinationResourceAttributes {
  readonly DestinationId: string;
  /** The destination's own ARN (`detector/<id>/publishingdestination/<destinationId>`), not the bucket's. */
  readonly PublishingDestinationArn: string;
}

/** How an administrator invites members that are not in its organization (`InviteMembers`). */
export interface MemberInvitationProperty {
  readonly Message?: string;
  readonly DisableEmailNotification?: BooleanString;
}

/**
 * Properties of `Custom::GuardDutyMember` (one account). Physical id: `<detectorId>:<accountId>`;
 * a new account or detector replaces the member.
 */
export interface MemberResourceProperties {
  /** The administrator's detector. */
  readonly DetectorId: string;
  readonly AccountId: string;
  /** Absent in organization mode: the handler reads it from AWS Organizations. */
  readonly Email?: string;
  /** Present in invitation mode (the account is invited); absent in organization mode. */
  readonly Invitation?: MemberInvitationProperty;
  /** Features pushed to the member's detector with `UpdateMemberDetectors` (organization mode). */
  readonly Features?: ReadonlyArray<DetectorFeatureProperty>;
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
}

/**
 * Properties of `Custom::GuardDutyMembers` (a set of accounts). Exactly one of `Accounts` and
 * `Organization`. Physical id: `<detectorId>:members:<logicalId>`; a new detector replaces it.
 */
export interface MembersResourceProperties {
  readonly DetectorId: string;
  readonly Accounts?: ReadonlyArray<MemberAccountProperty>;
  readonly Organization?: OrganizationSourceProperty;
  readonly Invitation?: MemberInvitationProperty;
  readonly Features?: ReadonlyArray<DetectorFeatureProperty>;
}

/** Attributes of `Custom::GuardDutyMembers`. */
export interface MembersResourceAttributes {
  /** How many accounts the set held after the last create or update. */
  readonly MemberCount: string;
}

/**
 * Properties of `Custom::GuardDutyAdministratorAccount` (member side). Physical id:
 * `<detectorId>:administrator`: an account has one administrator, so a new administrator is an
 * in-place update (disassociate, then accept), never a replacement.
 */
export interface AdministratorAccountResourceProperties {
  /** The member account's own detector. */
  readonly DetectorId: string;
  readonly AdministratorAccountId: string;
}

/**
 * Properties of `Custom::GuardDutyOrganizationAdminAccount`. Physical id:
 * `guardduty-organization-admin:<region>`: one delegated administrator per organization and
 * Region, so a new account is an in-place update.
 */
export interface OrganizationAdminAccountResourceProperties {
  readonly AdminAccountId: string;
}

/** One feature of the organization configuration (`OrganizationFeatureConfiguration`). */
export interface OrganizationFeatureProperty {
  readonly Name: string;
  /** `NEW` | `ALL` | `NONE`. */
  readonly AutoEnable: string;
  readonly AdditionalConfiguration?: ReadonlyArray<{ readonly Name: string; readonly AutoEnable: string }>;
}

/**
 * Properties of `Custom::GuardDutyOrganizationConfiguration`. Physical id:
 * `<detectorId>:organization-configuration:<logicalId>`.
 */
export interface OrganizationConfigurationResourceProperties {
  /** The delegated administrator's detector. */
  readonly DetectorId: string;
  /** `NEW` | `ALL` | `NONE`; absent: left as it is. */
  readonly AutoEnableOrganizationMembers?: string;
  /**
   * Only the features named are managed. Delete (sent only under `RemovalPolicy.DESTROY`) sets
   * what this resource manages back to `NONE`.
   */
  readonly Features?: ReadonlyArray<OrganizationFeatureProperty>;
}

/**
 * The tag a behavior graph carries when the stack created it (value `<StackId>|<LogicalResourceId>`):
 * the physical id must be exactly the graph ARN, so whether the stack created or adopted the graph
 * is recorded on the graph itself. Reserved: users cannot set it.
 */
export const GRAPH_CREATED_BY_TAG = 'cdk-threat-detection:created-by';

/**
 * Properties of `Custom::DetectiveBehaviorGraph`. Physical id: the graph ARN, exactly: an account
 * has one graph per Region and CreateGraph returns the existing one, so any other physical id would
 * let a replacement's cleanup delete the live graph.
 */
export interface BehaviorGraphResourceProperties {
  /** Tags managed by the stack (a map). Never the reserved `GRAPH_CREATED_BY_TAG`. */
  readonly Tags?: Readonly<Record<string, string>>;
  /** Optional datasource packages to ingest (`EKS_AUDIT`, `ASFF_SECURITYHUB_FINDING`); absent: not managed. */
  readonly DatasourcePackages?: ReadonlyArray<string>;
  /** Organization auto-enable of new accounts (`UpdateOrganizationConfiguration`); absent: not managed. */
  readonly AutoEnableOrganizationMembers?: BooleanString;
}

/** Attributes of `Custom::DetectiveBehaviorGraph`. */
export interface BehaviorGraphResourceAttributes {
  readonly GraphArn: string;
  /** `"true"` when the graph existed before the stack (it is never deleted by the stack). */
  readonly Adopted: BooleanString;
}

/**
 * Properties of `Custom::DetectiveMember` (one account). Physical id: `<graphArn>/<accountId>`;
 * a new account or graph replaces the member. The email, message and notification setting are
 * used when the account is added; changing them later has no effect on a member.
 */
export interface DetectiveMemberResourceProperties {
  readonly GraphArn: string;
  readonly AccountId: string;
  /** Absent in organization mode: the handler reads it from AWS Organizations. */
  readonly EmailAddress?: string;
  /** Present in invitation mode. */
  readonly Invitation?: MemberInvitationProperty;
}

/** Attributes of `Custom::DetectiveMember`. */
export interface DetectiveMemberResourceAttributes {
  readonly AccountId: string;
  /** `ENABLED` or `INVITED` after the deployment. */
  readonly Status: string;
}

/**
 * Properties of `Custom::DetectiveMembers` (a set). Exactly one of `Accounts` and `Organization`.
 * Physical id: `<graphArn>/members/<logicalId>`; a new graph replaces it.
 */
export interface DetectiveMembersResourceProperties {
  readonly GraphArn: string;
  readonly Accounts?: ReadonlyArray<MemberAccountProperty>;
  readonly Organization?: OrganizationSourceProperty;
  readonly Invitation?: MemberInvitationProperty;
}

/** Attributes of `Custom::DetectiveMembers` (the same as GuardDuty's member set). */
export type DetectiveMembersResourceAttributes = MembersResourceAttributes;

/**
 * Properties of `Custom::DetectiveGraphMembership` (member side): exactly one of `GraphArn` and
 * `AdministratorAccountId` (an administrator has one graph per Region). Physical id:
 * `<graphArn>/membership`, with the graph the invitation came from; another graph is a replacement
 * (accept the new, then leave the old, whose ARN Delete reads from the physical id).
 */
export interface GraphMembershipResourceProperties {
  readonly GraphArn?: string;
  readonly AdministratorAccountId?: string;
}

/** Attributes of `Custom::DetectiveGraphMembership`. */
export interface GraphMembershipResourceAttributes {
  /** The graph whose invitation was accepted. */
  readonly GraphArn: string;
  readonly Status: string;
}

/** Attributes of `Custom::DetectiveOrganizationAdminAccount`. */
export interface DetectiveOrganizationAdminAccountResourceAttributes {
  readonly AdminAccountId: string;
  /** The organization behavior graph, in the administrator account. */
  readonly GraphArn: string;
}
