/**
 * Permissions GuardDuty and Detective check on the caller when an operation makes them act in the
 * caller's name: creating a service-linked role, registering a delegated administrator with AWS
 * Organizations, putting the list-reading policy on GuardDuty's role. The Service Authorization
 * Reference lists no dependent actions for these operations, so each entry cites the user guide
 * (or AWS managed policy) that documents it. What is documented but not emulated is said in the
 * README ("Permissions").
 */
import type { ArnFacts, AuthorizationRequest } from './iam';
import { resourceFor } from './iam';
import type { OrganizationState } from './organizations';

type Input = Record<string, any>;

/** A service-linked role: the service principal and the role's name. */
interface ServiceLinkedRole {
  readonly service: string;
  readonly roleName: string;
}

const GUARDDUTY_ROLE: ServiceLinkedRole = { service: 'guardduty.amazonaws.com', roleName: 'AWSServiceRoleForAmazonGuardDuty' };
const MALWARE_PROTECTION_ROLE: ServiceLinkedRole = {
  service: 'malware-protection.guardduty.amazonaws.com',
  roleName: 'AWSServiceRoleForAmazonGuardDutyMalwareProtection',
};
const DETECTIVE_ROLE: ServiceLinkedRole = { service: 'detective.amazonaws.com', roleName: 'AWSServiceRoleForDetective' };

function roleArn(facts: ArnFacts, account: string, role: ServiceLinkedRole): string {
  return `arn:${facts.partition}:iam::${account}:role/aws-service-role/${role.service}/${role.roleName}`;
}

/** What the dependency rules read: the caller, the organization, and which service-linked roles exist. */
export interface DependencyState {
  readonly organization: OrganizationState;
  /** Whether the account has the role (made earlier, or implied by what the service already holds). */
  hasServiceLinkedRole(account: string, roleName: string): boolean;
  /** Record that the service made the role (after the caller was allowed to). */
  addServiceLinkedRole(account: string, roleName: string): void;
}

/** A dependent permission to evaluate, and what the service does once it is allowed. */
export interface DependentPermission extends AuthorizationRequest {
  readonly onAllowed?: () => void;
}

/**
 * `iam:CreateServiceLinkedRole` for a role the account does not have yet.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/using-service-linked-roles.html ("You must
 *   configure permissions to allow an IAM entity … to create … a service-linked role"; GuardDuty
 *   creates it when GuardDuty is enabled)
 */
function createServiceLinkedRole(state: DependencyState, facts: ArnFacts, account: string, role: ServiceLinkedRole,
  dependentOf: string): DependentPermission[] {
  if (state.hasServiceLinkedRole(account, role.roleName)) return [];
  return [{
    action: 'iam:CreateServiceLinkedRole',
    resource: roleArn(facts, account, role),
    context: { 'iam:AWSServiceName': role.service },
    dependentOf,
    onAllowed: () => state.addServiceLinkedRole(account, role.roleName),
  }];
}

/** A request turns on EBS malware protection (the feature, or the legacy data source). */
function enablesMalwareProtection(input: Input): boolean {
  const feature = (input.Features ?? []).some((f: Input) => f.Name === 'EBS_MALWARE_PROTECTION' && f.Status === 'ENABLED');
  const dataSource = input.DataSources?.MalwareProtection?.ScanEc2InstanceWithFindings?.EbsVolumes === true;
  return feature || dataSource;
}

/** The Organizations calls a service makes in the management account's name to delegate administration. */
async function delegation(facts: ArnFacts, organization: OrganizationState, servicePrincipal: string, adminAccount: string,
  reads: string[], dependentOf: string): Promise<DependentPermission[]> {
  const orgFacts: ArnFacts = { ...facts, organizationId: organization.organizationId, managementAccount: organization.managementAccount };
  const requests: DependentPermission[] = [];
  const servicePrincipalContext = { 'organizations:ServicePrincipal': servicePrincipal };
  if (!organization.serviceAccess.has(servicePrincipal)) {
    requests.push({
      action: 'organizations:EnableAWSServiceAccess',
      resource: '*',
      context: servicePrincipalContext,
      dependentOf,
      onAllowed: () => organization.serviceAccess.add(servicePrincipal),
    });
  }
  // The management account cannot be a delegated administrator: naming itself registers nothing.
  const registered = organization.delegatedAdministrators.get(servicePrincipal)?.has(adminAccount) ?? false;
  if (adminAccount !== organization.managementAccount && !registered) {
    requests.push({
      action: 'organizations:RegisterDelegatedAdministrator',
      resource: await resourceFor('organizations:RegisterDelegatedAdministrator', { AccountId: adminAccount }, orgFacts),
      context: servicePrincipalContext,
      dependentOf,
    });
  }
  for (const action of reads) {
    const resource = action === 'organizations:DescribeAccount'
      ? await resourceFor(action, { AccountId: adminAccount }, orgFacts)
      : '*';
    requests.push({ action, resource, context: {}, dependentOf });
  }
  return requests;
}

/** The permissions the service checks on the caller for this request, beyond the action itself. */
export async function dependentPermissions(operation: string, input: Input, account: string, facts: ArnFacts,
  state: DependencyState): Promise<DependentPermission[]> {
  switch (operation) {
    case 'guardduty:CreateDetector':
      return [
        ...createServiceLinkedRole(state, facts, account, GUARDDUTY_ROLE, operation),
        // @see https://docs.aws.amazon.com/guardduty/latest/ug/slr-permissions-malware-protection.html
        ...(enablesMalwareProtection(input) ? createServiceLinkedRole(state, facts, account, MALWARE_PROTECTION_ROLE, operation) : []),
      ];
    case 'guardduty:UpdateDetector':
      return enablesMalwareProtection(input) ? createServiceLinkedRole(state, facts, account, MALWARE_PROTECTION_ROLE, operation) : [];

    // GuardDuty gives its service-linked role read access to each list through an inline policy it
    // puts on that role in the caller's name.
    // @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_upload-lists.html ("Permissions
    //   required to upload trusted IP lists and threat lists": iam:PutRolePolicy, iam:DeleteRolePolicy)
    case 'guardduty:CreateIPSet':
    case 'guardduty:UpdateIPSet':
    case 'guardduty:CreateThreatIntelSet':
    case 'guardduty:UpdateThreatIntelSet':
      return [{ action: 'iam:PutRolePolicy', resource: roleArn(facts, account, GUARDDUTY_ROLE), context: {}, dependentOf: operation }];
    case 'guardduty:DeleteIPSet':
    case 'guardduty:DeleteThreatIntelSet':
      return [{ action: 'iam:DeleteRolePolicy', resource: roleArn(facts, account, GUARDDUTY_ROLE), context: {}, dependentOf: operation }];

    // "In addition to permissions to GuardDuty actions, you must also have permissions to the
    // following actions to successfully configure options for exporting findings": of that list
    // (the rest serve the console: create and list buckets, list aliases), s3:GetBucketLocation
    // on the destination bucket.
    // @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html
    case 'guardduty:CreatePublishingDestination':
    case 'guardduty:UpdatePublishingDestination': {
      const destination = input.DestinationProperties?.DestinationArn;
      const bucket = typeof destination === 'string' ? /^(arn:[^:]+:s3:::[^/]+)/.exec(destination)?.[1] : undefined;
      return bucket ? [{ action: 's3:GetBucketLocation', resource: bucket, context: {}, dependentOf: operation }] : [];
    }

    // @see https://docs.aws.amazon.com/guardduty/latest/ug/organizations_permissions.html (the
    //   Organizations actions, and iam:CreateServiceLinkedRole when the management account names
    //   itself). Of the documented reads, organizations:DescribeOrganizationalUnit names no OU the
    //   request implies, so it is granted but not evaluated here.
    case 'guardduty:EnableOrganizationAdminAccount': {
      const admin = String(input.AdminAccountId);
      return [
        ...await delegation(facts, state.organization, GUARDDUTY_ROLE.service, admin, [
          'organizations:ListDelegatedAdministrators',
          'organizations:ListAWSServiceAccessForOrganization',
          'organizations:DescribeAccount',
          'organizations:DescribeOrganization',
          'organizations:ListAccounts',
        ], operation),
        ...(admin === account ? createServiceLinkedRole(state, facts, account, GUARDDUTY_ROLE, operation) : []),
      ];
    }

    // "Detective calls Organizations to make that account the delegated administrator account"
    // (Detective API reference, EnableOrganizationAdminAccount); the AWS managed policy
    // AmazonDetectiveOrganizationsAccess grants exactly these, conditioned on Detective's service
    // principal, and iam:CreateServiceLinkedRole for Detective's role, which is created in the
    // management account when Detective is given trusted access.
    // @see https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonDetectiveOrganizationsAccess.html
    // @see https://docs.aws.amazon.com/organizations/latest/userguide/services-that-can-integrate-detective.html
    case 'detective:EnableOrganizationAdminAccount':
      return [
        ...await delegation(facts, state.organization, DETECTIVE_ROLE.service, String(input.AccountId), [], operation),
        ...createServiceLinkedRole(state, facts, account, DETECTIVE_ROLE, operation),
      ];
    default:
      return [];
  }
}

/**
 * What GuardDuty reads in the caller's name when it activates an entity list ("the role you use
 * to create entity lists must have the s3:GetObject permission"): the object, and, for a bucket
 * whose default key is known, `kms:Decrypt` on it through S3 (evaluated with the key policy).
 * Unlike the permissions above, a denial does not refuse the call: the list ends in ERROR (see
 * the server's `readEntityList`).
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty-lists-prerequisites.html
 */
export function entityListReads(bucket: string, key: string, region: string, bucketKey?: { keyArn: string }):
Array<AuthorizationRequest & { readonly usesKeyPolicy: boolean }> {
  return [
    { action: 's3:GetObject', resource: `arn:aws:s3:::${bucket}/${key}`, context: {}, usesKeyPolicy: false },
    ...(bucketKey
      ? [{ action: 'kms:Decrypt', resource: bucketKey.keyArn, context: { 'kms:ViaService': `s3.${region}.amazonaws.com` }, usesKeyPolicy: true }]
      : []),
  ];
}

/** Role names the services above create, for state kept by the caller of `dependentPermissions`. */
export const SERVICE_LINKED_ROLE_NAMES = {
  guardDuty: GUARDDUTY_ROLE.roleName,
  malwareProtection: MALWARE_PROTECTION_ROLE.roleName,
  detective: DETECTIVE_ROLE.roleName,
} as const;
