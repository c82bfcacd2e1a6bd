import { CustomResource, RemovalPolicy } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import type { IBehaviorGraph } from './behavior-graph';
import type { MemberInvitation } from './member-account';
import { DetectiveMembersResourceProperties, ResourceTypes } from '../private/contracts';
import { bindListedAccounts, bindOrganizationSource, memberSourceReads, renderInvitation, validateInvitationMessage } from '../private/members';
import { detectiveMemberPermissions } from '../private/permissions';
import { ThreatDetectionProvider } from '../private/provider';
import { validateRemovalPolicy } from '../private/validation';

/** One account of an explicit Detective member list. */
export interface MemberAccountDetails {
  /** The 12-digit account id. */
  readonly accountId: string;

  /**
   * The email address of the account's root user (1-64 characters).
   *
   * @default - read from AWS Organizations at deployment (organization mode only)
   */
  readonly email?: string;
}

/** Which accounts of the organization are members, read from AWS Organizations at each deployment. */
export interface OrganizationMemberOptions {
  /**
   * Roots (`r-...`) or organizational units (`ou-...`) whose ACTIVE accounts are members, including
   * the accounts of every OU below them.
   *
   * @default - every ACTIVE account of the organization
   */
  readonly parentIds?: string[];

  /**
   * Accounts never made members. The administrator's own account is always left out.
   *
   * @default - none
   */
  readonly excludeAccountIds?: string[];
}

/**
 * Where a Detective `MemberAccounts` takes its accounts from.
 *
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccountsForParent.html
 */
export abstract class MemberAccountSource {
  /**
   * An explicit list of accounts, in the template (its JSON must stay under 400,000 bytes, because
   * an update sends the old and the new list to the handler in one 1 MB asynchronous invocation).
   *
   * @throws at synth for duplicate or malformed account ids, or a list over the size limit
   */
  public static fromAccounts(accounts: MemberAccountDetails[]): MemberAccountSource {
    return new ListedAccounts(accounts);
  }

  /**
   * The organization's accounts, or those under some roots and OUs, read from AWS Organizations
   * when the resource is created, updated or deleted. The template holds only the OU ids.
   * Accounts that join later become members through `autoEnableOrganizationMembers` on the graph.
   */
  public static fromOrganization(options: OrganizationMemberOptions = {}): MemberAccountSource {
    return new OrganizationAccounts(options);
  }

  /** @internal */
  public abstract _bind(scope: IConstruct, invitation: boolean): Pick<DetectiveMembersResourceProperties, 'Accounts' | 'Organization'>;
}

class ListedAccounts extends MemberAccountSource {
  constructor(private readonly accounts: MemberAccountDetails[]) {
    super();
  }

  public _bind(scope: IConstruct, invitation: boolean): Pick<DetectiveMembersResourceProperties, 'Accounts'> {
    return { Accounts: bindListedAccounts(scope, this.accounts, invitation, 'Detective') };
  }
}

class OrganizationAccounts extends MemberAccountSource {
  constructor(private readonly options: OrganizationMemberOptions) {
    super();
  }

  public _bind(scope: IConstruct, invitation: boolean): Pick<DetectiveMembersResourceProperties, 'Organization'> {
    return { Organization: bindOrganizationSource(scope, this.options, invitation) };
  }
}

/** Properties of a Detective `MemberAccounts`. */
export interface MemberAccountsProps {
  /** The administrator's behavior graph. Changing it replaces the set. */
  readonly graph: IBehaviorGraph;

  /** The accounts: an explicit list, or read from AWS Organizations. */
  readonly accounts: MemberAccountSource;

  /**
   * Invite the listed accounts instead of enabling them through the organization. Needs an
   * explicit list with emails.
   *
   * @default - organization mode
   */
  readonly invitation?: MemberInvitation;

  /**
   * What happens to the memberships when the set leaves the stack. DESTROY deletes the set's
   * members; RETAIN keeps them.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A set of Detective member accounts in one custom resource.
 *
 * Every write goes in batches of 50 accounts (the API's limit), so N accounts cost ceil(N/50)
 * `CreateMembers` calls. An update reconciles: accounts that left the set are deleted, accounts
 * that joined are added, the rest are left alone. Every batch answer's `UnprocessedAccounts` is
 * read: "already a member" is success, anything else fails the deployment naming the accounts and
 * Detective's reasons. One bounded wait covers every account (ENABLED in organization mode,
 * INVITED or ENABLED in invitation mode); VERIFICATION_FAILED and ACCEPTED_BUT_DISABLED fail with
 * the reason, and a failed create removes the members it added. A member that is
 * ACCEPTED_BUT_DISABLED when a deployment runs is resumed first (`StartMonitoringMember`).
 *
 * A behavior graph has at most 1,200 member accounts (Detective answers
 * ServiceQuotaExceededException beyond).
 *
 * @see https://docs.aws.amazon.com/detective/latest/APIReference/API_CreateMembers.html
 * @see https://docs.aws.amazon.com/detective/latest/adminguide/graph-admin-add-member-accounts.html
 */
export class MemberAccounts extends Construct {
  private readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: MemberAccountsProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    validateRemovalPolicy(this, removalPolicy, 'a member set');
    validateInvitationMessage(this, props.invitation);
    const source = props.accounts._bind(this, props.invitation !== undefined);
    const provider = ThreatDetectionProvider.of(this);
    provider.addPermissions(detectiveMemberPermissions(memberSourceReads(source)));
    const properties: DetectiveMembersResourceProperties = {
      GraphArn: props.graph.graphArn,
      ...source,
      Invitation: renderInvitation(props.invitation),
    };
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: ResourceTypes.DETECTIVE_MEMBERS,
      properties: { ...properties },
      removalPolicy,
    });
  }

  /** How many accounts the set held after the last deployment (a token, resolved at deploy time). */
  public get memberCount(): string {
    return this.resource.getAttString('MemberCount');
  }
}
