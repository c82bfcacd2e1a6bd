/**
 * The vocabulary both services' member constructs share: which accounts are members, and how an
 * account outside the organization is invited. A landing zone states its OUs once and gives the
 * same source to GuardDuty's and Detective's `MemberAccounts`.
 */
import { IConstruct } from 'constructs';
import { MemberAccountProperty, OrganizationSourceProperty } from './private/contracts';
import { bindListedAccounts, bindOrganizationSource } from './private/members';

/** One account of an explicit member list. */
export interface MemberAccountDetails {
  /** The 12-digit account id. */
  readonly accountId: string;

  /**
   * The email address of the account's root user (1-64 characters). The service verifies it and,
   * in invitation mode, sends the invitation to it.
   *
   * @default - read from AWS Organizations at deployment (organization mode only)
   */
  readonly email?: string;
}

/** Which accounts of the organization are members, read from AWS Organizations at each deployment. */
export interface OrganizationMemberOptions {
  /**
   * Roots (`r-...`) or organizational units (`ou-...`) whose ACTIVE accounts are members, including
   * the accounts of every OU below them. A list token (e.g. a `CommaDelimitedList` parameter) is
   * accepted and resolved at deployment.
   *
   * @default - every ACTIVE account of the organization
   */
  readonly parentIds?: string[];

  /**
   * Accounts never made members (e.g. ones managed by a `MemberAccount` elsewhere). The
   * administrator's own account is always left out.
   *
   * @default - none
   */
  readonly excludeAccountIds?: string[];

  /**
   * Organizational units (`ou-...`) whose accounts, including those of every OU below them, are
   * never made members (e.g. a suspended or a sandbox OU under an enrolled root). Read from AWS
   * Organizations at each deployment, like `parentIds`. As with `parentIds`, a deployment adds and
   * removes the accounts its old and new sources name: an account that was made a member and
   * later moved into an excluded OU is left as it is (neither named any more).
   *
   * @throws at synth if an id is not an OU id, or is also in `parentIds`
   * @default - none
   */
  readonly excludeParentIds?: string[];
}

/**
 * How an administrator invites an account that is not in its organization (GuardDuty's
 * `InviteMembers`, Detective's `CreateMembers` with a message). The account accepts in its own
 * stack (GuardDuty's `AdministratorAccount`, Detective's `GraphMembership`) before it is enabled.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_invitations.html
 * @see https://docs.aws.amazon.com/detective/latest/adminguide/graph-admin-add-member-accounts.html
 */
export interface MemberInvitation {
  /**
   * A message included in the invitation email (Detective: 1-1000 characters).
   *
   * @default - no message
   */
  readonly message?: string;

  /**
   * Whether to skip the invitation email to the account's root user. The invitation still
   * appears in the account's console and `ListInvitations`.
   *
   * @default false
   */
  readonly disableEmailNotification?: boolean;
}

/** What a source renders into a member-set resource (both services' contracts take this shape). */
interface RenderedSource {
  readonly Accounts?: MemberAccountProperty[];
  readonly Organization?: OrganizationSourceProperty;
}

/**
 * Where a member set takes its accounts from, for GuardDuty's and Detective's `MemberAccounts`
 * alike.
 *
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccountsForParent.html
 */
export abstract class MemberAccountSource {
  /**
   * An explicit list of accounts, in the template. Up to a few thousand accounts: the list's JSON
   * must stay under 400,000 bytes (about 13,000 ids without emails, 6,000 with 25-character
   * emails), because an update sends the old and the new list to the handler in one asynchronous
   * invocation (1 MB at most).
   *
   * @throws at synth for duplicate or malformed account ids, a missing email in invitation mode,
   * or a list over the size limit
   */
  public static fromAccounts(accounts: MemberAccountDetails[]): MemberAccountSource {
    return new ListedAccounts(accounts);
  }

  /**
   * The organization's accounts, or those under some roots and OUs, read from AWS Organizations
   * when the resource is created, updated or deleted. The template holds only the OU ids, so this
   * has no size limit: use it for large organizations (GuardDuty allows 50,000 members).
   *
   * The set is resolved again at each deployment that changes the resource. Accounts that join the
   * OUs between deployments become members through the organization's auto-enable setting
   * (GuardDuty's `OrganizationConfiguration`, the behavior graph's `autoEnableOrganizationMembers`);
   * an account that leaves the OUs is removed at the next deployment that changes the set only
   * while it is still listed under the old OUs.
   *
   * @throws at synth in invitation mode (organization accounts are not invited), or for malformed
   * root, OU or account ids
   */
  public static fromOrganization(options: OrganizationMemberOptions = {}): MemberAccountSource {
    return new OrganizationAccounts(options);
  }

  /**
   * Check the source for a member construct and render it; `service` names who adds the members.
   *
   * @internal
   */
  public abstract _bind(scope: IConstruct, invitation: boolean, service: string): RenderedSource;
}

class ListedAccounts extends MemberAccountSource {
  constructor(private readonly accounts: MemberAccountDetails[]) {
    super();
  }

  public _bind(scope: IConstruct, invitation: boolean, service: string): RenderedSource {
    return { Accounts: bindListedAccounts(scope, this.accounts, invitation, service) };
  }
}

class OrganizationAccounts extends MemberAccountSource {
  constructor(private readonly options: OrganizationMemberOptions) {
    super();
  }

  public _bind(scope: IConstruct, invitation: boolean): RenderedSource {
    return { Organization: bindOrganizationSource(scope, this.options, invitation) };
  }
}
