/**
 * GuardDuty across accounts in the local API: members and their relationship statuses, invitations
 * visible in the invited account, the organization's delegated administrator and its organization
 * configuration. State lives in each account's Region state (administrator and member side) and,
 * for the delegated administrator, per Region for the whole organization.
 *
 * Messages marked "verified" are GuardDuty's own, as users quote them in public issues; the others
 * (no public quote found) use GuardDuty's generic messages, so a handler cannot come to depend on
 * wording the real service may not use.
 */
import { randomBytes } from 'node:crypto';
import { now as emulatorNow } from './clock';
import { ServiceContext } from './errors';
import {
  AdministratorState, applyFeatures, badRequest, DetectorState, GuardDutyMessages, Handler, Input, InvitationState, MemberState,
  newDetector, OrganizationConfigurationState, RegionState, requestedFeatures, settle,
} from './guardduty-state';
import { OrganizationState } from './organizations';
import { page } from './paging';

export const MemberMessages = {
  /** Verified: cloud-custodian#3209 (CreateMembers UnprocessedAccounts). */
  ALREADY_MEMBER: 'The request is rejected because the given account ID is already a member or associated member of the current account.',
  /** Verified: cloud-custodian#3209 (InviteMembers UnprocessedAccounts). */
  ALREADY_INVITED: 'The request is rejected because the current account has already invited or is already the GuardDuty master of the given member account ID.',
  /** Verified: aws-security-reference-architecture-examples#151 (UpdateMemberDetectors UnprocessedAccounts). */
  NOT_ASSOCIATED: 'The request is rejected because the given account ID is not an associated member of account the current account.',
  /** Verified: superwerker#84 (CreateMembers UnprocessedAccounts for a management account without a detector). */
  MANAGEMENT_MUST_ENABLE: 'Operation failed because your organization master must first enable GuardDuty to be added as a member',
  /** Verified: terraform-provider-aws organization_admin_account (DisableOrganizationAdminAccount). */
  ADMIN_ALREADY_DISABLED:
    'The request failed because the delegated administrator account has already been disabled and/or GuardDuty protection has been disabled.',
  /**
   * A delegation while the first one's AWS Organizations registration is in progress. The
   * behaviour is aws-secure-environment-accelerator#778's (delegating in 17 Regions at once fails
   * in 16; rerunning after the first completes succeeds); its error there is cut off
   * ("InvalidInputException: The reques…"), so the wording is GuardDuty's generic BadRequest that
   * aws-security-reference-architecture-examples#178 shows for a first-time
   * EnableOrganizationAdminAccount (unconfirmed for this case).
   */
  REGISTRATION_IN_PROGRESS: 'The request is rejected because an invalid or out-of-range value is specified as an input parameter.',
  /** Partly verified: landing-zone-accelerator matches "another account is already enabled as GuardDuty delegated administrator". */
  ANOTHER_ADMIN: 'The request failed because another account is already enabled as GuardDuty delegated administrator for the organization.',
} as const;

/**
 * How long the first delegation's AWS Organizations registration takes, in emulator time. AWS
 * documents no figure; in aws-secure-environment-accelerator#778 the other Regions succeeded once
 * the first Region's stack had finished. Long enough that concurrent stacks' delegations fall
 * inside it whatever the machine's load (the emulator's clock also follows real time); a handler
 * that waits for the registration waits on the emulator's clock, not in real time.
 */
const REGISTRATION_MS = 30_000;

/** GuardDuty's service principal, under which it registers its delegated administrator in Organizations. */
export const GUARDDUTY_SERVICE_PRINCIPAL = 'guardduty.amazonaws.com';

/** "A delegated GuardDuty administrator account can manage a maximum of 50,000 members" (GuardDuty user guide). */
export const MAX_MEMBERS = 50_000;

interface DelegatedAdminState {
  readonly accountId: string;
  status: string;
  next?: string;
  settlesAt: number;
}

/** The features an organization can auto-enable, and their additional configuration. */
const ORGANIZATION_FEATURES: Record<string, string[]> = {
  S3_DATA_EVENTS: [],
  EKS_AUDIT_LOGS: [],
  EBS_MALWARE_PROTECTION: [],
  RDS_LOGIN_EVENTS: [],
  LAMBDA_NETWORK_LOGS: [],
  RUNTIME_MONITORING: ['EKS_ADDON_MANAGEMENT', 'ECS_FARGATE_AGENT_MANAGEMENT', 'EC2_AGENT_MANAGEMENT'],
};
const LEGACY_ORGANIZATION_FEATURES: Record<string, string[]> = { EKS_RUNTIME_MONITORING: ['EKS_ADDON_MANAGEMENT'], AI_PROTECTION: [] };

export function newOrganizationConfiguration(): OrganizationConfigurationState {
  return {
    autoEnableOrganizationMembers: 'NONE',
    features: new Map(Object.entries(ORGANIZATION_FEATURES).map(([name, additional]) => [
      name, { autoEnable: 'NONE', additional: new Map(additional.map((a) => [a, 'NONE'])) },
    ])),
    writes: 0,
  };
}

/** Statuses ListMembers returns when `OnlyAssociated` is true (its default). */
const ASSOCIATED = ['Enabled', 'Disabled'];

export interface MultiAccountHost {
  readonly lagMs: () => number;
  readonly settleMs: () => number;
  readonly organization: OrganizationState;
  region(account: string, region: string): RegionState;
  ownDetector(region: RegionState, detectorId: string): DetectorState;
}

export class GuardDutyMultiAccount {
  public readonly handlers: Record<string, Handler> = {
    CreateMembers: (r, i, c) => this.createMembers(r, i, c),
    InviteMembers: (r, i, c) => this.inviteMembers(r, i, c),
    GetMembers: (r, i, c) => this.getMembers(r, i, c),
    ListMembers: (r, i, c) => this.listMembers(r, i, c),
    DisassociateMembers: (r, i, c) => this.disassociateMembers(r, i, c),
    DeleteMembers: (r, i, c) => this.deleteMembers(r, i, c),
    UpdateMemberDetectors: (r, i, c) => this.updateMemberDetectors(r, i, c),
    GetMemberDetectors: (r, i, c) => this.getMemberDetectors(r, i, c),
    ListInvitations: (r, i) => this.listInvitations(r, i),
    GetInvitationsCount: (r) => ({ InvitationsCount: this.visibleInvitations(r).length }),
    AcceptAdministratorInvitation: (r, i, c) => this.acceptInvitation(r, i.DetectorId, i.AdministratorId, i.InvitationId, c),
    AcceptInvitation: (r, i, c) => this.acceptInvitation(r, i.DetectorId, i.MasterId, i.InvitationId, c),
    GetAdministratorAccount: (r, i) => ({ Administrator: this.administratorOf(r, i.DetectorId) }),
    GetMasterAccount: (r, i) => ({ Master: this.administratorOf(r, i.DetectorId) }),
    DisassociateFromAdministratorAccount: (r, i, c) => this.disassociateFromAdministrator(r, i, c),
    DisassociateFromMasterAccount: (r, i, c) => this.disassociateFromAdministrator(r, i, c),
    EnableOrganizationAdminAccount: (_r, i, c) => this.enableOrganizationAdmin(i, c),
    DisableOrganizationAdminAccount: (_r, i, c) => this.disableOrganizationAdmin(i, c),
    ListOrganizationAdminAccounts: (_r, i, c) => this.listOrganizationAdmins(i, c),
    DescribeOrganizationConfiguration: (r, i, c) => this.describeOrganizationConfiguration(r, i, c),
    UpdateOrganizationConfiguration: (r, i, c) => this.updateOrganizationConfiguration(r, i, c),
  };

  /** The organization's delegated administrator, per Region. */
  private readonly admins = new Map<string, DelegatedAdminState>();
  /** The Region whose delegation started the AWS Organizations registration in progress. */
  private registeringRegion?: string;
  /** Accounts whose invitation email fails verification (for tests). */
  private readonly failingEmails = new Set<string>();

  constructor(private readonly host: MultiAccountHost) {}

  public reset(): void {
    this.admins.clear();
    this.registeringRegion = undefined;
    this.failingEmails.clear();
  }

  /** Make the invitation email to an account fail verification (for tests). */
  public failEmailVerification(accountId: string): void {
    this.failingEmails.add(accountId);
  }

  /** The members of an administrator account in a Region, settled (for assertions). */
  public members(account: string, region: string): MemberState[] {
    return [...this.host.region(account, region).members.values()].map((m) => settle(m));
  }

  /** The account's administrator in a Region (for assertions). */
  public administrator(account: string, region: string): AdministratorState | undefined {
    return this.host.region(account, region).administrator;
  }

  /** The organization configuration a delegated administrator holds in a Region (for assertions). */
  public organizationConfiguration(account: string, region: string): OrganizationConfigurationState {
    return this.host.region(account, region).organizationConfiguration;
  }

  /** The delegated administrator of a Region, settled. */
  public delegatedAdministrator(region: string): { accountId: string; status: string } | undefined {
    const admin = this.admins.get(region);
    if (!admin) return undefined;
    settle(admin);
    if (admin.status === 'GONE') {
      // The AWS Organizations registration stays: removing it is "a one-time global action" of
      // the management account (DeregisterDelegatedAdministrator), after the last Region.
      this.admins.delete(region);
      return undefined;
    }
    return { accountId: admin.accountId, status: admin.status };
  }

  private isDelegatedAdministrator(context: ServiceContext): boolean {
    const admin = this.delegatedAdministrator(context.region);
    return admin?.accountId === context.account && admin.status === 'ENABLED';
  }

  // ---------------------------------------------------------------- administrator side

  private createMembers(region: RegionState, input: Input, context: ServiceContext): Record<string, unknown> {
    this.host.ownDetector(region, input.DetectorId);
    const unprocessed: Array<{ AccountId: string; Result: string }> = [];
    const org = this.host.organization;
    const viaOrganization = this.isDelegatedAdministrator(context);
    for (const { AccountId: accountId, Email: email } of input.AccountDetails as Array<{ AccountId: string; Email: string }>) {
      if (accountId === context.account || !/^\d{12}$/.test(accountId)) {
        unprocessed.push({ AccountId: accountId, Result: GuardDutyMessages.INVALID_VALUE });
        continue;
      }
      const existing = region.members.get(accountId);
      if (existing && settle(existing).status !== 'Removed' && existing.status !== 'Resigned') {
        unprocessed.push({ AccountId: accountId, Result: MemberMessages.ALREADY_MEMBER });
        continue;
      }
      if (region.members.size >= MAX_MEMBERS) {
        unprocessed.push({ AccountId: accountId, Result: GuardDutyMessages.INVALID_VALUE });
        continue;
      }
      const inOrganization = viaOrganization && org.accounts.get(accountId)?.state === 'ACTIVE';
      if (inOrganization && accountId === org.managementAccount && this.host.region(accountId, context.region).detectors.size === 0) {
        unprocessed.push({ AccountId: accountId, Result: MemberMessages.MANAGEMENT_MUST_ENABLE });
        continue;
      }
      this.addMember(region, accountId, email, inOrganization, context);
    }
    return { UnprocessedAccounts: unprocessed };
  }

  /**
   * A member of the administrator's detector: an organization account is enabled (after the
   * settle time) with GuardDuty turned on in it; another account waits for an invitation.
   */
  private addMember(region: RegionState, accountId: string, email: string, inOrganization: boolean, context: ServiceContext): void {
    if (!this.host.organization.regionEnabled(accountId, context.region)) {
      // The member's Region is an opt-in Region it has not enabled: GuardDuty cannot run there.
      region.members.set(accountId, {
        accountId, email, status: 'RegionDisabled', settlesAt: 0, viaOrganization: inOrganization, updatedAt: new Date(emulatorNow()),
      });
      return;
    }
    region.members.set(accountId, {
      accountId,
      email,
      status: 'Created',
      next: inOrganization ? 'Enabled' : undefined,
      settlesAt: emulatorNow() + this.host.settleMs(),
      viaOrganization: inOrganization,
      updatedAt: new Date(emulatorNow()),
    });
    if (inOrganization) {
      // "As a delegated administrator, using CreateMembers will enable GuardDuty in the added
      // member accounts", with the organization's auto-enable settings for protection plans.
      const memberRegion = this.host.region(accountId, context.region);
      if (memberRegion.detectors.size === 0) {
        const detector = newDetector(this.host.lagMs());
        applyFeatures(detector, this.autoEnabledFeatures(region.organizationConfiguration));
        memberRegion.detectors.set(detector.id, detector);
      }
      memberRegion.administrator = { accountId: context.account };
    }
  }

  /**
   * `ALL`: "all accounts in the organization have GuardDuty enabled automatically" ("It may take up
   * to 24 hours": here the settle time): every active organization account that is not yet a
   * member becomes one, enabled once it settles (the management account only once it has a
   * detector, as CreateMembers requires: "your organization master must first enable GuardDuty to
   * be added as a member").
   *
   * @see https://docs.aws.amazon.com/guardduty/latest/APIReference/API_UpdateOrganizationConfiguration.html
   */
  private enrolAllAccounts(region: RegionState, context: ServiceContext): void {
    const org = this.host.organization;
    for (const [accountId, account] of org.accounts) {
      if (account.state !== 'ACTIVE' || accountId === context.account) continue;
      const existing = region.members.get(accountId);
      if (existing && !['Removed', 'Resigned'].includes(settle(existing).status)) continue;
      if (accountId === org.managementAccount && this.host.region(accountId, context.region).detectors.size === 0) continue;
      if (region.members.size >= MAX_MEMBERS) return;
      this.addMember(region, accountId, account.email, true, context);
    }
  }

  private autoEnabledFeatures(config: OrganizationConfigurationState) {
    return [...config.features.entries()].map(([name, f]) => ({
      name,
      status: f.autoEnable === 'NONE' ? 'DISABLED' : 'ENABLED',
      additional: [...f.additional.entries()].map(([n, a]) => ({ name: n, status: a === 'NONE' ? 'DISABLED' : 'ENABLED' })),
    }));
  }

  private inviteMembers(region: RegionState, input: Input, context: ServiceContext): Record<string, unknown> {
    this.host.ownDetector(region, input.DetectorId);
    const unprocessed: Array<{ AccountId: string; Result: string }> = [];
    for (const accountId of input.AccountIds as string[]) {
      const member = region.members.get(accountId);
      if (!member) {
        unprocessed.push({ AccountId: accountId, Result: MemberMessages.NOT_ASSOCIATED });
        continue;
      }
      settle(member);
      if (member.viaOrganization || ['Invited', 'Enabled', 'EmailVerificationInProgress'].includes(member.status)) {
        unprocessed.push({ AccountId: accountId, Result: MemberMessages.ALREADY_INVITED });
        continue;
      }
      const now = new Date(emulatorNow());
      member.status = 'EmailVerificationInProgress';
      member.next = this.failingEmails.has(accountId) ? 'EmailVerificationFailed' : 'Invited';
      member.settlesAt = emulatorNow() + this.host.settleMs();
      member.invitedAt = now;
      member.updatedAt = now;
      if (!this.failingEmails.has(accountId)) {
        this.host.region(accountId, context.region).invitations.set(context.account, {
          invitationId: randomBytes(16).toString('hex'),
          invitedAt: now,
          visibleFrom: emulatorNow() + this.host.lagMs(),
        });
      }
    }
    return { UnprocessedAccounts: unprocessed };
  }

  private memberView(member: MemberState, context: ServiceContext): Record<string, unknown> {
    settle(member);
    const memberDetector = member.status === 'Enabled'
      ? [...this.host.region(member.accountId, context.region).detectors.keys()][0]
      : undefined;
    return {
      AccountId: member.accountId,
      DetectorId: memberDetector,
      MasterId: context.account,
      AdministratorId: context.account,
      Email: member.email,
      RelationshipStatus: member.status,
      InvitedAt: member.invitedAt?.toISOString(),
      UpdatedAt: member.updatedAt.toISOString(),
    };
  }

  private getMembers(region: RegionState, input: Input, context: ServiceContext): Record<string, unknown> {
    this.host.ownDetector(region, input.DetectorId);
    const members: Array<Record<string, unknown>> = [];
    const unprocessed: Array<{ AccountId: string; Result: string }> = [];
    for (const accountId of input.AccountIds as string[]) {
      const member = region.members.get(accountId);
      if (member) members.push(this.memberView(member, context));
      else unprocessed.push({ AccountId: accountId, Result: MemberMessages.NOT_ASSOCIATED });
    }
    return { Members: members, UnprocessedAccounts: unprocessed };
  }

  private listMembers(region: RegionState, input: Input, context: ServiceContext): Record<string, unknown> {
    this.host.ownDetector(region, input.DetectorId);
    const onlyAssociated = String(input.OnlyAssociated ?? 'true').toLowerCase() !== 'false';
    const all = [...region.members.values()].map((m) => settle(m));
    const members = onlyAssociated ? all.filter((m) => ASSOCIATED.includes(m.status)) : all;
    const result = page(members, input.MaxResults, input.NextToken, 50, () => badRequest(GuardDutyMessages.INVALID_VALUE));
    return { Members: result.items.map((m) => this.memberView(m, context)), NextToken: result.nextToken };
  }

  private disassociateMembers(region: RegionState, input: Input, context: ServiceContext): Record<string, unknown> {
    this.host.ownDetector(region, input.DetectorId);
    const unprocessed: Array<{ AccountId: string; Result: string }> = [];
    for (const accountId of input.AccountIds as string[]) {
      const member = region.members.get(accountId);
      if (!member) {
        unprocessed.push({ AccountId: accountId, Result: MemberMessages.NOT_ASSOCIATED });
        continue;
      }
      settle(member);
      member.status = 'Removed';
      member.next = undefined;
      member.updatedAt = new Date(emulatorNow());
      this.releaseMember(accountId, context);
    }
    return { UnprocessedAccounts: unprocessed };
  }

  private deleteMembers(region: RegionState, input: Input, context: ServiceContext): Record<string, unknown> {
    this.host.ownDetector(region, input.DetectorId);
    const unprocessed: Array<{ AccountId: string; Result: string }> = [];
    for (const accountId of input.AccountIds as string[]) {
      if (!region.members.delete(accountId)) {
        unprocessed.push({ AccountId: accountId, Result: MemberMessages.NOT_ASSOCIATED });
        continue;
      }
      this.releaseMember(accountId, context);
    }
    return { UnprocessedAccounts: unprocessed };
  }

  /** The member account's side of a removal: no administrator, no pending invitation from the caller. */
  private releaseMember(accountId: string, context: ServiceContext): void {
    const memberRegion = this.host.region(accountId, context.region);
    if (memberRegion.administrator?.accountId === context.account) memberRegion.administrator = undefined;
    memberRegion.invitations.delete(context.account);
  }

  private updateMemberDetectors(region: RegionState, input: Input, context: ServiceContext): Record<string, unknown> {
    this.host.ownDetector(region, input.DetectorId);
    const features = requestedFeatures(input);
    const unprocessed: Array<{ AccountId: string; Result: string }> = [];
    for (const accountId of input.AccountIds as string[]) {
      const member = region.members.get(accountId);
      const detector = [...this.host.region(accountId, context.region).detectors.values()][0];
      if (!member || settle(member).status !== 'Enabled' || !detector) {
        unprocessed.push({ AccountId: accountId, Result: MemberMessages.NOT_ASSOCIATED });
        continue;
      }
      applyFeatures(detector, features);
    }
    return { UnprocessedAccounts: unprocessed };
  }

  private getMemberDetectors(region: RegionState, input: Input, context: ServiceContext): Record<string, unknown> {
    this.host.ownDetector(region, input.DetectorId);
    const configurations: Array<Record<string, unknown>> = [];
    const unprocessed: Array<{ AccountId: string; Result: string }> = [];
    for (const accountId of input.AccountIds as string[]) {
      const member = region.members.get(accountId);
      const detector = [...this.host.region(accountId, context.region).detectors.values()][0];
      if (!member || settle(member).status !== 'Enabled' || !detector) {
        unprocessed.push({ AccountId: accountId, Result: MemberMessages.NOT_ASSOCIATED });
        continue;
      }
      const status = (name: string) => detector.features.get(name)?.status ?? 'DISABLED';
      configurations.push({
        AccountId: accountId,
        DataSources: {
          CloudTrail: { Status: 'ENABLED' },
          DNSLogs: { Status: 'ENABLED' },
          FlowLogs: { Status: 'ENABLED' },
          S3Logs: { Status: status('S3_DATA_EVENTS') },
        },
        Features: [...detector.features.entries()]
          .filter(([name]) => name in ORGANIZATION_FEATURES || name in LEGACY_ORGANIZATION_FEATURES)
          .map(([name, f]) => ({
            Name: name,
            Status: f.status,
            UpdatedAt: f.updatedAt,
            AdditionalConfiguration: f.additional.size > 0
              ? [...f.additional.entries()].map(([n, a]) => ({ Name: n, Status: a.status, UpdatedAt: a.updatedAt }))
              : undefined,
          })),
      });
    }
    if (configurations.length === 0) throw badRequest(GuardDutyMessages.INVALID_PARAMETERS);
    return { MemberDataSourceConfigurations: configurations, UnprocessedAccounts: unprocessed };
  }

  // ---------------------------------------------------------------- member side

  private visibleInvitations(region: RegionState): Array<[string, InvitationState]> {
    const now = emulatorNow();
    return [...region.invitations.entries()].filter(([, inv]) => inv.visibleFrom <= now);
  }

  private listInvitations(region: RegionState, input: Input): Record<string, unknown> {
    const result = page(this.visibleInvitations(region), input.MaxResults, input.NextToken, 50,
      () => badRequest(GuardDutyMessages.INVALID_VALUE));
    return {
      Invitations: result.items.map(([inviter, inv]) => ({
        AccountId: inviter,
        InvitationId: inv.invitationId,
        RelationshipStatus: 'Invited',
        InvitedAt: inv.invitedAt.toISOString(),
      })),
      NextToken: result.nextToken,
    };
  }

  private acceptInvitation(region: RegionState, detectorId: string, administratorId: string, invitationId: string,
    context: ServiceContext): Record<string, unknown> {
    this.host.ownDetector(region, detectorId);
    const invitation = region.invitations.get(administratorId);
    if (!invitation || invitation.invitationId !== invitationId) throw badRequest(GuardDutyMessages.INVALID_PARAMETERS);
    if (region.administrator && region.administrator.accountId !== administratorId) {
      // An account has one administrator at a time.
      throw badRequest(GuardDutyMessages.INVALID_PARAMETERS);
    }
    const member = this.host.region(administratorId, context.region).members.get(context.account);
    if (!member) throw badRequest(GuardDutyMessages.INVALID_PARAMETERS);
    settle(member);
    member.status = 'Enabled';
    member.next = undefined;
    member.updatedAt = new Date(emulatorNow());
    region.administrator = { accountId: administratorId, invitationId, invitedAt: invitation.invitedAt };
    region.invitations.delete(administratorId);
    return {};
  }

  private administratorOf(region: RegionState, detectorId: string): Record<string, unknown> {
    this.host.ownDetector(region, detectorId);
    const admin = region.administrator;
    if (!admin) return {};
    return {
      AccountId: admin.accountId,
      InvitationId: admin.invitationId,
      RelationshipStatus: 'Enabled',
      InvitedAt: admin.invitedAt?.toISOString(),
    };
  }

  private disassociateFromAdministrator(region: RegionState, input: Input, context: ServiceContext): Record<string, unknown> {
    this.host.ownDetector(region, input.DetectorId);
    const admin = region.administrator;
    if (!admin) return {};
    // Members the organization's delegated administrator manages cannot leave on their own.
    if (!admin.invitationId) throw badRequest(GuardDutyMessages.INVALID_PARAMETERS);
    const member = this.host.region(admin.accountId, context.region).members.get(context.account);
    if (member) {
      member.status = 'Resigned';
      member.next = undefined;
      member.updatedAt = new Date(emulatorNow());
    }
    region.administrator = undefined;
    return {};
  }

  // ---------------------------------------------------------------- organization

  private requireManagementAccount(context: ServiceContext): void {
    if (!this.host.organization.managementAccount || this.host.organization.managementAccount !== context.account) {
      // "Only the organization's management account can run this API operation."
      throw badRequest(GuardDutyMessages.INVALID_PARAMETERS);
    }
  }

  private enableOrganizationAdmin(input: Input, context: ServiceContext): Record<string, unknown> {
    this.requireManagementAccount(context);
    const org = this.host.organization;
    const accountId = input.AdminAccountId as string;
    if (org.accounts.get(accountId)?.state !== 'ACTIVE') throw badRequest(GuardDutyMessages.invalidParameter('adminAccountId'));
    const current = this.delegatedAdministrator(context.region);
    if (current) {
      if (current.accountId === accountId && current.status === 'ENABLED') return {};
      throw badRequest(MemberMessages.ANOTHER_ADMIN);
    }
    // The first delegation registers the account with AWS Organizations, which takes a while; a
    // delegation in another Region meanwhile is refused ("one region completes successfully and
    // all others fail ... once completed, the remaining regions can be activated in parallel").
    const registering = org.pendingRegistration(GUARDDUTY_SERVICE_PRINCIPAL);
    if (registering && registering.account === accountId && this.registeringRegion !== context.region) {
      throw badRequest(MemberMessages.REGISTRATION_IN_PROGRESS);
    }
    this.admins.set(context.region, { accountId, status: 'ENABLED', settlesAt: 0 });
    if (!registering && !org.delegatedAdministrators.get(GUARDDUTY_SERVICE_PRINCIPAL)?.has(accountId)) {
      this.registeringRegion = context.region;
      org.register(GUARDDUTY_SERVICE_PRINCIPAL, accountId, emulatorNow() + Math.max(this.host.settleMs(), REGISTRATION_MS));
    }
    // "For this administrator account, GuardDuty gets enabled automatically only in the designated Region."
    const adminRegion = this.host.region(accountId, context.region);
    if (adminRegion.detectors.size === 0) {
      const detector = newDetector(this.host.lagMs());
      adminRegion.detectors.set(detector.id, detector);
    }
    return {};
  }

  private disableOrganizationAdmin(input: Input, context: ServiceContext): Record<string, unknown> {
    this.requireManagementAccount(context);
    const current = this.admins.get(context.region);
    if (!current || current.accountId !== input.AdminAccountId || this.delegatedAdministrator(context.region) === undefined) {
      throw badRequest(MemberMessages.ADMIN_ALREADY_DISABLED);
    }
    if (current.status === 'ENABLED') {
      current.status = 'DISABLE_IN_PROGRESS';
      current.next = 'GONE';
      current.settlesAt = emulatorNow() + this.host.settleMs();
    }
    return {};
  }

  private listOrganizationAdmins(input: Input, context: ServiceContext): Record<string, unknown> {
    this.requireManagementAccount(context);
    const admin = this.delegatedAdministrator(context.region);
    const admins = admin ? [{ AdminAccountId: admin.accountId, AdminStatus: admin.status }] : [];
    const result = page(admins, input.MaxResults, input.NextToken, 50, () => badRequest(GuardDutyMessages.INVALID_VALUE));
    return { AdminAccounts: result.items, NextToken: result.nextToken };
  }

  private requireDelegatedAdministrator(region: RegionState, detectorId: string, context: ServiceContext): void {
    this.host.ownDetector(region, detectorId);
    if (!this.isDelegatedAdministrator(context)) throw badRequest(GuardDutyMessages.INVALID_PARAMETERS);
  }

  private describeOrganizationConfiguration(region: RegionState, input: Input, context: ServiceContext): Record<string, unknown> {
    this.requireDelegatedAdministrator(region, input.DetectorId, context);
    const config = region.organizationConfiguration;
    const auto = (name: string) => (config.features.get(name)?.autoEnable ?? 'NONE') !== 'NONE';
    return {
      AutoEnable: config.autoEnableOrganizationMembers !== 'NONE',
      AutoEnableOrganizationMembers: config.autoEnableOrganizationMembers,
      MemberAccountLimitReached: region.members.size >= MAX_MEMBERS,
      DataSources: {
        S3Logs: { AutoEnable: auto('S3_DATA_EVENTS') },
        Kubernetes: { AuditLogs: { AutoEnable: auto('EKS_AUDIT_LOGS') } },
        MalwareProtection: { ScanEc2InstanceWithFindings: { EbsVolumes: { AutoEnable: auto('EBS_MALWARE_PROTECTION') } } },
      },
      Features: [...config.features.entries()].map(([name, f]) => ({
        Name: name,
        AutoEnable: f.autoEnable,
        AdditionalConfiguration: f.additional.size > 0
          ? [...f.additional.entries()].map(([n, a]) => ({ Name: n, AutoEnable: a }))
          : undefined,
      })),
    };
  }

  private updateOrganizationConfiguration(region: RegionState, input: Input, context: ServiceContext): Record<string, unknown> {
    this.requireDelegatedAdministrator(region, input.DetectorId, context);
    // "You must provide a value for either autoEnableOrganizationMembers or autoEnable."
    if (input.AutoEnable === undefined && input.AutoEnableOrganizationMembers === undefined) {
      throw badRequest(GuardDutyMessages.INVALID_PARAMETERS);
    }
    if (input.Features && input.DataSources) throw badRequest(GuardDutyMessages.DATA_SOURCES_AND_FEATURES);
    const requested = (input.Features ?? []) as Array<{ Name?: string; AutoEnable?: string; AdditionalConfiguration?: any[] }>;
    const names = requested.map((f) => f.Name);
    if (new Set(names).size !== names.length) throw badRequest(GuardDutyMessages.INVALID_VALUE);
    if (names.includes('EKS_RUNTIME_MONITORING') && names.includes('RUNTIME_MONITORING')) throw badRequest(GuardDutyMessages.INVALID_VALUE);
    for (const f of requested) {
      const allowed = ORGANIZATION_FEATURES[f.Name ?? ''] ?? LEGACY_ORGANIZATION_FEATURES[f.Name ?? ''];
      if (!f.Name || !f.AutoEnable || !allowed) throw badRequest(GuardDutyMessages.INVALID_PARAMETERS);
      for (const a of f.AdditionalConfiguration ?? []) {
        if (!a.Name || !a.AutoEnable || !allowed.includes(a.Name)) throw badRequest(GuardDutyMessages.INVALID_VALUE);
      }
    }

    const config = region.organizationConfiguration;
    config.autoEnableOrganizationMembers = input.AutoEnableOrganizationMembers ?? (input.AutoEnable ? 'NEW' : 'NONE');
    for (const f of requested) {
      const state = config.features.get(f.Name!) ?? { autoEnable: 'NONE', additional: new Map<string, string>() };
      state.autoEnable = f.AutoEnable!;
      for (const a of f.AdditionalConfiguration ?? []) state.additional.set(a.Name, a.AutoEnable);
      config.features.set(f.Name!, state);
    }
    if (input.DataSources) {
      const ds = input.DataSources;
      const set = (name: string, on: boolean | undefined) => {
        if (on !== undefined) config.features.get(name)!.autoEnable = on ? 'NEW' : 'NONE';
      };
      set('S3_DATA_EVENTS', ds.S3Logs?.AutoEnable);
      set('EKS_AUDIT_LOGS', ds.Kubernetes?.AuditLogs?.AutoEnable);
      set('EBS_MALWARE_PROTECTION', ds.MalwareProtection?.ScanEc2InstanceWithFindings?.EbsVolumes?.AutoEnable);
    }
    if (config.autoEnableOrganizationMembers === 'ALL') this.enrolAllAccounts(region, context);
    config.writes++;
    return {};
  }
}
