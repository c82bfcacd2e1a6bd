/**
 * Amazon Detective in the local API: behavior graphs (one per administrator account and Region),
 * their tags and datasource packages, members and their statuses, invitations across accounts,
 * the organization's Detective administrator and its organization configuration.
 *
 * Detective has typed errors (ConflictException, ResourceNotFoundException, ValidationException,
 * ServiceQuotaExceededException, AccessDeniedException, TooManyRequestsException,
 * InternalServerException), so handlers can match names, not messages. Messages come from the
 * service model's own error documentation unless marked otherwise; none of Detective's specific
 * message texts could be verified in public sources, so handlers must not depend on them.
 *
 * Behaviour taken from the API reference:
 * - CreateGraph returns the caller's existing graph ARN when it has one; it refuses an account that
 *   has not had GuardDuty for 48 hours (the exception is not documented: this API answers
 *   ConflictException, one of CreateGraph's documented errors). DeleteGraph queues the deletion:
 *   for the settle time, CreateGraph answers ConflictException.
 * - CreateMembers: VERIFICATION_IN_PROGRESS, then INVITED (invited accounts) or ENABLED
 *   (organization accounts added by the organization's Detective administrator); VERIFICATION_FAILED
 *   when the email does not match; ACCEPTED_BUT_DISABLED (VOLUME_UNKNOWN) for a member without
 *   GuardDuty. At most 1,200 members per graph (ServiceQuotaExceededException).
 * - DisableOrganizationAdminAccount deletes the organization behavior graph and leaves the
 *   Organizations delegated administrator registered.
 */
import { randomBytes } from 'node:crypto';
import { now as emulatorNow } from './clock';
import { ApiError, ServiceContext, ServiceImplementation } from './errors';
import { ValidationFailure } from './model';
import { OrganizationState } from './organizations';
import { page } from './paging';

export const DetectiveMessages = {
  /** The model's documentation of each error shape. */
  NOT_FOUND: 'The request refers to a nonexistent resource.',
  CONFLICT: 'The request attempted an invalid action.',
  INVALID: 'The request parameters are invalid.',
  ACCESS_DENIED: 'The request issuer does not have permission to access this resource or perform this operation.',
  QUOTA_MEMBERS: 'A behavior graph cannot have more than 1,200 member accounts.',
  /** The reason landing-zone code matches for a re-added member (aws-security-reference-architecture-examples, detective_org). */
  ALREADY_MEMBER: 'Account is already a member',
  /** Unverified wording. */
  NOT_MEMBER: 'Account is not a member of the behavior graph',
  /** Unverified wording. */
  SELF: 'The administrator account cannot be a member of its own behavior graph',
} as const;

/** Detective's service principal, under which its delegated administrator is registered in Organizations. */
export const DETECTIVE_SERVICE_PRINCIPAL = 'detective.amazonaws.com';

/** "A behavior graph cannot have more than 1,200 member accounts" (ServiceQuotaExceededException). */
export const MAX_GRAPH_MEMBERS = 1_200;

/** "make sure that your account has been enrolled in Amazon GuardDuty for at least 48 hours" (CreateGraph). */
export const GUARDDUTY_PREREQUISITE_MS = 48 * 3600 * 1000;

export interface DetectiveMemberState {
  readonly accountId: string;
  readonly email: string;
  readonly invitationType: 'INVITATION' | 'ORGANIZATION';
  status: string;
  next?: string;
  settlesAt: number;
  disabledReason?: string;
  readonly invitedAt?: Date;
  updatedAt: Date;
  /** When the invitation starts to appear in the member's ListInvitations (cross-account propagation). */
  readonly visibleFrom: number;
}

export interface PackageState {
  state: 'STARTED' | 'STOPPED' | 'DISABLED';
  readonly changes: Map<string, Date>;
}

export interface GraphState {
  readonly arn: string;
  readonly account: string;
  readonly region: string;
  readonly createdAt: Date;
  tags: Record<string, string>;
  readonly packages: Map<string, PackageState>;
  readonly members: Map<string, DetectiveMemberState>;
  autoEnable: boolean;
}

interface OrganizationAdminState {
  readonly accountId: string;
  readonly delegatedAt: Date;
  /** When ListOrganizationAdminAccounts starts to show it. */
  readonly visibleFrom: number;
}

type Input = Record<string, any>;
type Handler = (input: Input, context: ServiceContext) => Record<string, unknown>;

export interface DetectiveHost {
  readonly lagMs: () => number;
  readonly settleMs: () => number;
  readonly organization: OrganizationState;
  /** Since when the account has had GuardDuty enabled in the Region, if it has. */
  readonly guardDutySince: (account: string, region: string) => Date | undefined;
}

function notFound(): ApiError {
  return new ApiError('ResourceNotFoundException', { Message: DetectiveMessages.NOT_FOUND });
}

function conflict(): ApiError {
  return new ApiError('ConflictException', { Message: DetectiveMessages.CONFLICT });
}

function invalid(errorCode: 'INVALID_GRAPH_ARN' | 'INVALID_REQUEST_BODY' = 'INVALID_REQUEST_BODY', reason?: string): ApiError {
  return new ApiError('ValidationException', { Message: DetectiveMessages.INVALID, ErrorCode: errorCode, ErrorCodeReason: reason });
}

function accessDenied(): ApiError {
  return new ApiError('AccessDeniedException', { Message: DetectiveMessages.ACCESS_DENIED });
}

function settleMember(m: DetectiveMemberState): DetectiveMemberState {
  if (m.next !== undefined && emulatorNow() >= m.settlesAt) {
    m.status = m.next;
    m.next = undefined;
    m.updatedAt = new Date(m.settlesAt);
  }
  return m;
}

export class DetectiveService implements ServiceImplementation {
  private readonly handlers: Record<string, Handler> = {
    CreateGraph: (i, c) => this.createGraph(i, c),
    ListGraphs: (i, c) => this.listGraphs(i, c),
    DeleteGraph: (i, c) => this.deleteGraph(i, c),
    TagResource: (i, c) => this.tagResource(i, c),
    UntagResource: (i, c) => this.untagResource(i, c),
    ListTagsForResource: (i, c) => this.listTags(i, c),
    ListDatasourcePackages: (i, c) => this.listDatasourcePackages(i, c),
    UpdateDatasourcePackages: (i, c) => this.updateDatasourcePackages(i, c),
    CreateMembers: (i, c) => this.createMembers(i, c),
    GetMembers: (i, c) => this.getMembers(i, c),
    ListMembers: (i, c) => this.listMembers(i, c),
    DeleteMembers: (i, c) => this.deleteMembers(i, c),
    StartMonitoringMember: (i, c) => this.startMonitoringMember(i, c),
    ListInvitations: (i, c) => this.listInvitations(i, c),
    AcceptInvitation: (i, c) => this.acceptInvitation(i, c),
    RejectInvitation: (i, c) => this.rejectInvitation(i, c),
    DisassociateMembership: (i, c) => this.disassociateMembership(i, c),
    EnableOrganizationAdminAccount: (i, c) => this.enableOrganizationAdmin(i, c),
    DisableOrganizationAdminAccount: (_i, c) => this.disableOrganizationAdmin(c),
    ListOrganizationAdminAccounts: (i, c) => this.listOrganizationAdmins(i, c),
    DescribeOrganizationConfiguration: (i, c) => ({ AutoEnable: this.organizationGraph(i.GraphArn, c).autoEnable }),
    UpdateOrganizationConfiguration: (i, c) => this.updateOrganizationConfiguration(i, c),
  };

  /** Graphs by `<account>/<region>`. */
  private readonly graphs = new Map<string, GraphState>();
  /** Deleted graphs still being torn down, by `<account>/<region>`: until when. */
  private readonly deleting = new Map<string, number>();
  /** The organization's Detective administrator, per Region. */
  private readonly admins = new Map<string, OrganizationAdminState>();
  private readonly failingEmails = new Set<string>();

  constructor(private readonly host: DetectiveHost) {}

  public async invoke(context: ServiceContext, input: Input): Promise<Record<string, unknown>> {
    const handler = this.handlers[context.operation];
    if (!handler) {
      throw new ApiError('InternalServerException', { Message: `local API: Detective ${context.operation} is not implemented` });
    }
    return handler(input, context);
  }

  public validationError(failure: ValidationFailure): ApiError {
    const graphArn = /GraphArn|ResourceArn/.test(failure.memberPath);
    return invalid(graphArn ? 'INVALID_GRAPH_ARN' : 'INVALID_REQUEST_BODY', failure.message);
  }

  public reset(): void {
    this.graphs.clear();
    this.deleting.clear();
    this.admins.clear();
    this.failingEmails.clear();
  }

  // ---------------------------------------------------------------- test hooks and assertions

  /** The account's graph in a Region, members settled (for assertions). */
  public graph(account: string, region: string): GraphState | undefined {
    const graph = this.graphs.get(`${account}/${region}`);
    graph?.members.forEach(settleMember);
    return graph;
  }

  /** Make a graph as delegation or the console would (for tests; skips the GuardDuty prerequisite). */
  public seedGraph(account: string, region: string): string {
    return this.newGraph(account, region, {}).arn;
  }

  /** Make the invitation email to an account fail verification (for tests). */
  public failEmailVerification(accountId: string): void {
    this.failingEmails.add(accountId);
  }

  /** The organization's Detective administrator in a Region (for assertions). */
  public organizationAdministrator(region: string): string | undefined {
    return this.admins.get(region)?.accountId;
  }

  /** The graphs `account` is a member of, with its membership (for assertions). */
  public memberships(account: string, region: string): Array<{ graphArn: string; status: string; type: string }> {
    return [...this.graphs.values()].filter((g) => g.region === region && g.members.has(account)).map((g) => {
      const m = settleMember(g.members.get(account)!);
      return { graphArn: g.arn, status: m.status, type: m.invitationType };
    });
  }

  // ---------------------------------------------------------------- graphs

  private key(account: string, region: string): string {
    return `${account}/${region}`;
  }

  private newGraph(account: string, region: string, tags: Record<string, string>): GraphState {
    const now = new Date(emulatorNow());
    const graph: GraphState = {
      arn: `arn:aws:detective:${region}:${account}:graph:${randomBytes(16).toString('hex')}`,
      account,
      region,
      createdAt: now,
      tags: { ...tags },
      packages: new Map([['DETECTIVE_CORE', { state: 'STARTED', changes: new Map([['STARTED', now]]) }]]),
      members: new Map(),
      autoEnable: false,
    };
    this.graphs.set(this.key(account, region), graph);
    return graph;
  }

  /** The caller's graph with this ARN; ResourceNotFound for any other (gone, or another account's). */
  private ownGraph(arn: string, context: ServiceContext): GraphState {
    const graph = this.graphs.get(this.key(context.account, context.region));
    if (!graph || graph.arn !== arn) throw notFound();
    return graph;
  }

  private graphByArn(arn: string, region: string): GraphState | undefined {
    return [...this.graphs.values()].find((g) => g.arn === arn && g.region === region);
  }

  private createGraph(input: Input, context: ServiceContext): Record<string, unknown> {
    const key = this.key(context.account, context.region);
    const existing = this.graphs.get(key);
    if (existing) return { GraphArn: existing.arn };
    if ((this.deleting.get(key) ?? 0) > emulatorNow()) throw conflict();
    const since = this.host.guardDutySince(context.account, context.region);
    if (!since || emulatorNow() - since.getTime() < GUARDDUTY_PREREQUISITE_MS) throw conflict();
    this.checkTags(input.Tags ?? {});
    return { GraphArn: this.newGraph(context.account, context.region, input.Tags ?? {}).arn };
  }

  private listGraphs(input: Input, context: ServiceContext): Record<string, unknown> {
    const graph = this.graphs.get(this.key(context.account, context.region));
    const all = graph ? [{ Arn: graph.arn, CreatedTime: graph.createdAt }] : [];
    const result = page(all, input.MaxResults, input.NextToken, 100, () => invalid());
    return { GraphList: result.items, NextToken: result.nextToken };
  }

  private deleteGraph(input: Input, context: ServiceContext): Record<string, unknown> {
    this.ownGraph(input.GraphArn, context);
    this.removeGraph(context.account, context.region);
    return {};
  }

  private removeGraph(account: string, region: string): void {
    const key = this.key(account, region);
    this.graphs.delete(key);
    this.deleting.set(key, emulatorNow() + this.host.settleMs());
  }

  private checkTags(tags: Record<string, string>): void {
    if (Object.keys(tags).length > 50) throw invalid('INVALID_REQUEST_BODY', 'a graph has at most 50 tags');
  }

  private tagResource(input: Input, context: ServiceContext): Record<string, unknown> {
    const graph = this.ownGraph(input.ResourceArn, context);
    const tags = { ...graph.tags, ...input.Tags };
    this.checkTags(tags);
    graph.tags = tags;
    return {};
  }

  private listTags(input: Input, context: ServiceContext): Record<string, unknown> {
    const tags = this.ownGraph(input.ResourceArn, context).tags;
    return { Tags: Object.keys(tags).length > 0 ? { ...tags } : undefined };
  }

  private untagResource(input: Input, context: ServiceContext): Record<string, unknown> {
    const graph = this.ownGraph(input.ResourceArn, context);
    for (const key of input.TagKeys as string[]) delete graph.tags[key];
    return {};
  }

  private listDatasourcePackages(input: Input, context: ServiceContext): Record<string, unknown> {
    const graph = this.ownGraph(input.GraphArn, context);
    const packages: Record<string, unknown> = {};
    for (const [name, p] of graph.packages) {
      packages[name] = {
        DatasourcePackageIngestState: p.state,
        LastIngestStateChange: Object.fromEntries([...p.changes].map(([state, at]) => [state, { Timestamp: at }])),
      };
    }
    return { DatasourcePackages: packages };
  }

  private updateDatasourcePackages(input: Input, context: ServiceContext): Record<string, unknown> {
    const graph = this.ownGraph(input.GraphArn, context);
    for (const name of input.DatasourcePackages as string[]) {
      const current = graph.packages.get(name);
      if (current?.state === 'STARTED') continue;
      const changes = current?.changes ?? new Map<string, Date>();
      changes.set('STARTED', new Date(emulatorNow()));
      graph.packages.set(name, { state: 'STARTED', changes });
    }
    return {};
  }

  // ---------------------------------------------------------------- administrator side: members

  private isOrganizationAdministrator(context: ServiceContext): boolean {
    const admin = this.admins.get(context.region);
    return admin?.accountId === context.account;
  }

  /** What a member becomes once Detective has checked it: ENABLED, or ACCEPTED_BUT_DISABLED without GuardDuty. */
  private enabledOrDisabled(member: { accountId: string; disabledReason?: string }, region: string): string {
    if (this.host.guardDutySince(member.accountId, region) === undefined) {
      member.disabledReason = 'VOLUME_UNKNOWN';
      return 'ACCEPTED_BUT_DISABLED';
    }
    member.disabledReason = undefined;
    return 'ENABLED';
  }

  private createMembers(input: Input, context: ServiceContext): Record<string, unknown> {
    const graph = this.ownGraph(input.GraphArn, context);
    const accounts = input.Accounts as Array<{ AccountId: string; EmailAddress: string }>;
    const fresh = accounts.filter((a) => !graph.members.has(a.AccountId) && a.AccountId !== context.account);
    if (graph.members.size + new Set(fresh.map((a) => a.AccountId)).size > MAX_GRAPH_MEMBERS) {
      throw new ApiError('ServiceQuotaExceededException', { Message: DetectiveMessages.QUOTA_MEMBERS, Resources: ['Members'] });
    }
    const org = this.host.organization;
    const viaOrganization = this.isOrganizationAdministrator(context);
    const unprocessed: Array<{ AccountId: string; Reason: string }> = [];
    const processed: DetectiveMemberState[] = [];
    const now = new Date(emulatorNow());
    const settlesAt = emulatorNow() + this.host.settleMs();
    for (const { AccountId: accountId, EmailAddress: email } of accounts) {
      if (accountId === context.account) {
        unprocessed.push({ AccountId: accountId, Reason: DetectiveMessages.SELF });
        continue;
      }
      if (graph.members.has(accountId)) {
        unprocessed.push({ AccountId: accountId, Reason: DetectiveMessages.ALREADY_MEMBER });
        continue;
      }
      const orgAccount = org.accounts.get(accountId);
      const organization = viaOrganization && orgAccount !== undefined;
      const emailMatches = !this.failingEmails.has(accountId) && (orgAccount === undefined || orgAccount.email === email);
      const member: DetectiveMemberState = {
        accountId,
        email,
        invitationType: organization ? 'ORGANIZATION' : 'INVITATION',
        status: 'VERIFICATION_IN_PROGRESS',
        settlesAt,
        invitedAt: organization ? undefined : now,
        updatedAt: now,
        visibleFrom: settlesAt + this.host.lagMs(),
      };
      member.next = organization ? this.enabledOrDisabled(member, context.region) : (emailMatches ? 'INVITED' : 'VERIFICATION_FAILED');
      graph.members.set(accountId, member);
      processed.push(member);
    }
    return { Members: processed.map((m) => this.memberDetail(graph, m)), UnprocessedAccounts: unprocessed };
  }

  private memberDetail(graph: GraphState, m: DetectiveMemberState): Record<string, unknown> {
    settleMember(m);
    return {
      AccountId: m.accountId,
      EmailAddress: m.email,
      GraphArn: graph.arn,
      MasterId: graph.account,
      AdministratorId: graph.account,
      Status: m.status,
      DisabledReason: m.status === 'ACCEPTED_BUT_DISABLED' ? m.disabledReason : undefined,
      InvitedTime: m.invitedAt,
      UpdatedTime: m.updatedAt,
      InvitationType: m.invitationType,
      DatasourcePackageIngestStates: Object.fromEntries([...graph.packages].map(([name, p]) => [name, p.state])),
    };
  }

  private getMembers(input: Input, context: ServiceContext): Record<string, unknown> {
    const graph = this.ownGraph(input.GraphArn, context);
    const details: Record<string, unknown>[] = [];
    const unprocessed: Array<{ AccountId: string; Reason: string }> = [];
    for (const accountId of input.AccountIds as string[]) {
      const m = graph.members.get(accountId);
      if (m) details.push(this.memberDetail(graph, m));
      else unprocessed.push({ AccountId: accountId, Reason: DetectiveMessages.NOT_MEMBER });
    }
    return { MemberDetails: details, UnprocessedAccounts: unprocessed };
  }

  private listMembers(input: Input, context: ServiceContext): Record<string, unknown> {
    const graph = this.ownGraph(input.GraphArn, context);
    const all = [...graph.members.values()].map((m) => this.memberDetail(graph, m));
    const result = page(all, input.MaxResults, input.NextToken, 100, () => invalid());
    return { MemberDetails: result.items, NextToken: result.nextToken };
  }

  private deleteMembers(input: Input, context: ServiceContext): Record<string, unknown> {
    const graph = this.ownGraph(input.GraphArn, context);
    const deleted: string[] = [];
    const unprocessed: Array<{ AccountId: string; Reason: string }> = [];
    for (const accountId of input.AccountIds as string[]) {
      if (accountId === context.account) unprocessed.push({ AccountId: accountId, Reason: DetectiveMessages.SELF });
      else if (graph.members.delete(accountId)) deleted.push(accountId);
      else unprocessed.push({ AccountId: accountId, Reason: DetectiveMessages.NOT_MEMBER });
    }
    // AccountIdList has at least one member in the model: none deleted is no list, not an empty one.
    return { AccountIds: deleted.length > 0 ? deleted : undefined, UnprocessedAccounts: unprocessed };
  }

  private startMonitoringMember(input: Input, context: ServiceContext): Record<string, unknown> {
    const graph = this.ownGraph(input.GraphArn, context);
    const m = graph.members.get(input.AccountId);
    if (!m) throw notFound();
    settleMember(m);
    if (m.status !== 'ACCEPTED_BUT_DISABLED') throw conflict();
    m.status = this.enabledOrDisabled(m, context.region);
    m.updatedAt = new Date(emulatorNow());
    return {};
  }

  // ---------------------------------------------------------------- member side

  /** The caller's membership in the graph with this ARN; ResourceNotFound when it has none. */
  private membership(arn: string, context: ServiceContext): { graph: GraphState; member: DetectiveMemberState } {
    const graph = this.graphByArn(arn, context.region);
    const member = graph?.members.get(context.account);
    if (!graph || !member) throw notFound();
    settleMember(member);
    return { graph, member };
  }

  private listInvitations(input: Input, context: ServiceContext): Record<string, unknown> {
    const now = emulatorNow();
    const all = [...this.graphs.values()]
      .filter((g) => g.region === context.region)
      .flatMap((g) => {
        const m = g.members.get(context.account);
        if (!m || m.invitationType !== 'INVITATION') return [];
        settleMember(m);
        if (!['INVITED', 'ENABLED', 'ACCEPTED_BUT_DISABLED'].includes(m.status) || m.visibleFrom > now) return [];
        return [this.memberDetail(g, m)];
      });
    const result = page(all, input.MaxResults, input.NextToken, 100, () => invalid());
    return { Invitations: result.items, NextToken: result.nextToken };
  }

  private acceptInvitation(input: Input, context: ServiceContext): Record<string, unknown> {
    const { member } = this.membership(input.GraphArn, context);
    if (member.invitationType !== 'INVITATION' || member.status !== 'INVITED') throw conflict();
    member.status = this.enabledOrDisabled(member, context.region);
    member.updatedAt = new Date(emulatorNow());
    return {};
  }

  private rejectInvitation(input: Input, context: ServiceContext): Record<string, unknown> {
    const { graph, member } = this.membership(input.GraphArn, context);
    if (member.invitationType !== 'INVITATION' || member.status !== 'INVITED') throw conflict();
    graph.members.delete(context.account);
    return {};
  }

  private disassociateMembership(input: Input, context: ServiceContext): Record<string, unknown> {
    const { graph, member } = this.membership(input.GraphArn, context);
    if (member.invitationType !== 'INVITATION' || !['ENABLED', 'ACCEPTED_BUT_DISABLED'].includes(member.status)) throw conflict();
    graph.members.delete(context.account);
    return {};
  }

  // ---------------------------------------------------------------- organization

  private requireManagement(context: ServiceContext): void {
    if (this.host.organization.managementAccount !== context.account) throw accessDenied();
  }

  private enableOrganizationAdmin(input: Input, context: ServiceContext): Record<string, unknown> {
    this.requireManagement(context);
    const org = this.host.organization;
    const accountId = input.AccountId as string;
    if (!org.isMember(accountId)) throw invalid('INVALID_REQUEST_BODY', 'the account is not a member of the organization');
    const current = this.admins.get(context.region);
    if (current && current.accountId !== accountId) throw invalid('INVALID_REQUEST_BODY', 'the organization already has a Detective administrator');
    if (current) return {};
    const registered = [...org.delegatedAdministrators.get(DETECTIVE_SERVICE_PRINCIPAL) ?? []];
    if (registered.length > 0 && !registered.includes(accountId) && accountId !== org.managementAccount) {
      throw invalid('INVALID_REQUEST_BODY', 'the Detective administrator must be the delegated administrator account or the management account');
    }
    if (accountId !== org.managementAccount) org.register(DETECTIVE_SERVICE_PRINCIPAL, accountId);
    if (!this.graphs.has(this.key(accountId, context.region))) this.newGraph(accountId, context.region, {});
    this.admins.set(context.region, { accountId, delegatedAt: new Date(emulatorNow()), visibleFrom: emulatorNow() + this.host.settleMs() });
    return {};
  }

  private disableOrganizationAdmin(context: ServiceContext): Record<string, unknown> {
    this.requireManagement(context);
    const current = this.admins.get(context.region);
    if (!current) throw invalid('INVALID_REQUEST_BODY', 'the organization has no Detective administrator');
    this.admins.delete(context.region);
    if (this.graphs.has(this.key(current.accountId, context.region))) this.removeGraph(current.accountId, context.region);
    return {};
  }

  private listOrganizationAdmins(input: Input, context: ServiceContext): Record<string, unknown> {
    this.requireManagement(context);
    const admin = this.admins.get(context.region);
    const graph = admin && this.graphs.get(this.key(admin.accountId, context.region));
    const all = admin && admin.visibleFrom <= emulatorNow()
      ? [{ AccountId: admin.accountId, GraphArn: graph?.arn, DelegationTime: admin.delegatedAt }]
      : [];
    const result = page(all, input.MaxResults, input.NextToken, 100, () => invalid());
    return { Administrators: result.items, NextToken: result.nextToken };
  }

  /** The organization behavior graph, called by the organization's Detective administrator. */
  private organizationGraph(arn: string, context: ServiceContext): GraphState {
    const graph = this.ownGraph(arn, context);
    if (!this.isOrganizationAdministrator(context)) throw accessDenied();
    return graph;
  }

  private updateOrganizationConfiguration(input: Input, context: ServiceContext): Record<string, unknown> {
    const graph = this.organizationGraph(input.GraphArn, context);
    if (input.AutoEnable !== undefined) graph.autoEnable = input.AutoEnable;
    return {};
  }
}
