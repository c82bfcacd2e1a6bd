/**
 * AWS Organizations in the local API: one organization (a management account, a root, OUs and
 * accounts) and its delegated administrators, shared with GuardDuty, which enrols members and
 * registers its delegated administrator through it.
 *
 * Only the operations the handlers use are served: the reads, which answer only the management
 * account and delegated administrators (any other account gets AccessDenied), and
 * DeregisterDelegatedAdministrator, which only the management account may call.
 */
import { createHash } from 'node:crypto';
import { now as emulatorNow } from './clock';
import { ApiError, ServiceContext, ServiceImplementation } from './errors';
import { ValidationFailure } from './model';
import { page } from './paging';

/** The service's messages, verbatim (Organizations API reference, error descriptions). */
export const OrganizationsMessages = {
  ACCESS_DENIED: "You don't have permissions to access this resource.",
  NOT_IN_USE: 'Your account is not a member of an organization.',
  ACCOUNT_NOT_FOUND: "You specified an account that doesn't exist.",
  PARENT_NOT_FOUND: "We can't find a root or OU with the ParentId that you specified.",
  INVALID_INPUT: 'You provided invalid values for one or more of the request parameters.',
  NOT_REGISTERED: 'The specified account is not a delegated administrator for this Amazon Web Services service.',
} as const;

export interface OrganizationAccount {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  parentId: string;
  state: 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'CLOSED';
}

interface OrganizationalUnit {
  readonly id: string;
  readonly name: string;
  readonly parentId: string;
}

type Input = Record<string, any>;

/** The organization the local API holds (at most one, as a test sets it up). */
export class OrganizationState {
  public managementAccount?: string;
  public readonly accounts = new Map<string, OrganizationAccount>();
  public readonly units = new Map<string, OrganizationalUnit>();
  /** Delegated administrators by service principal. */
  public readonly delegatedAdministrators = new Map<string, Set<string>>();
  public readonly serviceAccess = new Set<string>();
  /**
   * Opt-in Regions an account has not enabled (AWS Account Management's setting, kept here with
   * the accounts): calls from the account there are refused, and GuardDuty cannot make it a member.
   */
  public readonly disabledRegions = new Map<string, Set<string>>();
  /** Registrations in progress (`<service principal> <account>`), by the emulator time they complete. */
  private readonly pendingRegistrations = new Map<string, number>();
  private id = '';
  private root = '';
  private ouCount = 0;

  /** The root's id (`r-` + 4 characters by default). */
  public get rootId(): string {
    return this.root;
  }

  public get organizationId(): string {
    return this.id;
  }

  /** Create the organization with its management account (for tests); returns the root id. */
  public create(managementAccount: string, email: string, rootId?: string): string {
    this.reset();
    this.managementAccount = managementAccount;
    this.id = `o-${createHash('sha256').update(managementAccount).digest('hex').slice(0, 10)}`;
    this.root = rootId ?? `r-${this.id.slice(2, 6)}`;
    this.accounts.set(managementAccount, { id: managementAccount, email, name: 'management', parentId: this.rootId, state: 'ACTIVE' });
    return this.rootId;
  }

  /** Add an OU under a parent (for tests); returns its id (made up unless given). */
  public addOrganizationalUnit(parentId: string, name: string, ouId?: string): string {
    this.requireParent(parentId);
    const suffix = createHash('sha256').update(`${name}/${++this.ouCount}`).digest('hex').slice(0, 8);
    const id = ouId ?? `ou-${this.rootId.slice(2)}-${suffix}`;
    this.units.set(id, { id, name, parentId });
    return id;
  }

  /** Add an account under a parent (for tests). */
  public addAccount(id: string, email: string, parentId: string = this.rootId, state: OrganizationAccount['state'] = 'ACTIVE'): void {
    this.requireParent(parentId);
    this.accounts.set(id, { id, email, name: `account-${id}`, parentId, state });
  }

  /** Move an account to another parent, as MoveAccount would (for tests). */
  public moveAccount(id: string, parentId: string): void {
    this.requireParent(parentId);
    const account = this.accounts.get(id);
    if (!account) throw new Error(`local API: no account ${id} in the organization`);
    this.accounts.set(id, { ...account, parentId });
  }

  public isMember(account: string): boolean {
    return this.accounts.has(account);
  }

  /** Whether an account has a Region enabled (every Region is, unless `disabledRegions` says otherwise). */
  public regionEnabled(account: string, region: string): boolean {
    return !this.disabledRegions.get(account)?.has(region);
  }

  /** Whether the account may call Organizations' read operations. */
  public mayRead(account: string): boolean {
    if (account === this.managementAccount) return true;
    this.completeRegistrations();
    return [...this.delegatedAdministrators.values()].some((admins) => admins.has(account));
  }

  /**
   * Register a delegated administrator; with `readyAt` (emulator time), a service's registration
   * in progress: Organizations lists it from then on (see `completeRegistrations`).
   */
  public register(servicePrincipal: string, account: string, readyAt?: number): void {
    this.serviceAccess.add(servicePrincipal);
    if (readyAt !== undefined && readyAt > emulatorNow()) {
      this.pendingRegistrations.set(`${servicePrincipal} ${account}`, readyAt);
      return;
    }
    const admins = this.delegatedAdministrators.get(servicePrincipal) ?? new Set<string>();
    admins.add(account);
    this.delegatedAdministrators.set(servicePrincipal, admins);
  }

  /** The registration of a service's delegated administrator still in progress, if any: its account and when it completes. */
  public pendingRegistration(servicePrincipal: string): { account: string; readyAt: number } | undefined {
    this.completeRegistrations();
    for (const [key, readyAt] of this.pendingRegistrations) {
      const [principal, account] = key.split(' ');
      if (principal === servicePrincipal) return { account, readyAt };
    }
    return undefined;
  }

  /** Registrations whose time has come are listed. */
  public completeRegistrations(): void {
    for (const [key, readyAt] of [...this.pendingRegistrations]) {
      if (emulatorNow() < readyAt) continue;
      this.pendingRegistrations.delete(key);
      const [principal, account] = key.split(' ');
      this.register(principal, account);
    }
  }

  public deregister(servicePrincipal: string, account: string): void {
    this.delegatedAdministrators.get(servicePrincipal)?.delete(account);
  }

  public reset(): void {
    this.managementAccount = undefined;
    this.id = '';
    this.root = '';
    this.ouCount = 0;
    this.accounts.clear();
    this.units.clear();
    this.delegatedAdministrators.clear();
    this.pendingRegistrations.clear();
    this.disabledRegions.clear();
    this.serviceAccess.clear();
  }

  private requireParent(parentId: string): void {
    if (parentId !== this.rootId && !this.units.has(parentId)) throw new Error(`no parent ${parentId} in the organization`);
  }
}

export class OrganizationsService implements ServiceImplementation {
  private readonly handlers: Record<string, (input: Input) => Record<string, unknown>> = {
    DescribeOrganization: () => this.describeOrganization(),
    DescribeAccount: (i) => this.describeAccount(i),
    ListAccounts: (i) => this.listAccounts(i),
    ListAccountsForParent: (i) => this.listAccountsForParent(i),
    ListOrganizationalUnitsForParent: (i) => this.listUnitsForParent(i),
    ListChildren: (i) => this.listChildren(i),
    ListRoots: (i) => this.listRoots(i),
    ListDelegatedAdministrators: (i) => this.listDelegatedAdministrators(i),
    DeregisterDelegatedAdministrator: (i) => this.deregisterDelegatedAdministrator(i),
  };

  constructor(private readonly org: OrganizationState) {}

  public async invoke(context: ServiceContext, input: Input): Promise<Record<string, unknown>> {
    const handler = this.handlers[context.operation];
    if (!handler) {
      throw new ApiError('ServiceException', { Message: `local API: Organizations ${context.operation} is not implemented` });
    }
    if (!this.org.managementAccount || !this.org.isMember(context.account)) {
      throw new ApiError('AWSOrganizationsNotInUseException', { Message: OrganizationsMessages.NOT_IN_USE });
    }
    const managementOnly = context.operation === 'DeregisterDelegatedAdministrator';
    if (managementOnly ? context.account !== this.org.managementAccount
      : context.operation !== 'DescribeOrganization' && !this.org.mayRead(context.account)) {
      throw new ApiError('AccessDeniedException', { Message: OrganizationsMessages.ACCESS_DENIED });
    }
    return handler(input);
  }

  public validationError(_failure: ValidationFailure): ApiError {
    return new ApiError('InvalidInputException', { Message: OrganizationsMessages.INVALID_INPUT });
  }

  private describeOrganization(): Record<string, unknown> {
    const management = this.org.accounts.get(this.org.managementAccount!)!;
    return {
      Organization: {
        Id: this.org.organizationId,
        Arn: `arn:aws:organizations::${management.id}:organization/${this.org.organizationId}`,
        FeatureSet: 'ALL',
        MasterAccountId: management.id,
        MasterAccountEmail: management.email,
        MasterAccountArn: `arn:aws:organizations::${management.id}:account/${this.org.organizationId}/${management.id}`,
      },
    };
  }

  private account(a: OrganizationAccount): Record<string, unknown> {
    const status = a.state === 'CLOSED' ? 'SUSPENDED' : a.state;
    return {
      Id: a.id,
      Arn: `arn:aws:organizations::${this.org.managementAccount}:account/${this.org.organizationId}/${a.id}`,
      Email: a.email,
      Name: a.name,
      Status: status,
      State: a.state,
      JoinedMethod: a.id === this.org.managementAccount ? 'INVITED' : 'CREATED',
      JoinedTimestamp: new Date(0),
    };
  }

  private describeAccount(input: Input): Record<string, unknown> {
    const a = this.org.accounts.get(input.AccountId);
    if (!a) throw new ApiError('AccountNotFoundException', { Message: OrganizationsMessages.ACCOUNT_NOT_FOUND });
    return { Account: this.account(a) };
  }

  private paged<T>(items: T[], input: Input): { items: T[]; nextToken?: string } {
    return page(items, input.MaxResults, input.NextToken, 20,
      () => new ApiError('InvalidInputException', { Message: OrganizationsMessages.INVALID_INPUT }));
  }

  private listAccounts(input: Input): Record<string, unknown> {
    const result = this.paged([...this.org.accounts.values()], input);
    return { Accounts: result.items.map((a) => this.account(a)), NextToken: result.nextToken };
  }

  private requireParent(parentId: string): void {
    if (parentId !== this.org.rootId && !this.org.units.has(parentId)) {
      throw new ApiError('ParentNotFoundException', { Message: OrganizationsMessages.PARENT_NOT_FOUND });
    }
  }

  private listAccountsForParent(input: Input): Record<string, unknown> {
    this.requireParent(input.ParentId);
    const result = this.paged([...this.org.accounts.values()].filter((a) => a.parentId === input.ParentId), input);
    return { Accounts: result.items.map((a) => this.account(a)), NextToken: result.nextToken };
  }

  private listUnitsForParent(input: Input): Record<string, unknown> {
    this.requireParent(input.ParentId);
    const result = this.paged([...this.org.units.values()].filter((u) => u.parentId === input.ParentId), input);
    return {
      OrganizationalUnits: result.items.map((u) => ({
        Id: u.id,
        Name: u.name,
        Arn: `arn:aws:organizations::${this.org.managementAccount}:ou/${this.org.organizationId}/${u.id}`,
      })),
      NextToken: result.nextToken,
    };
  }

  private listChildren(input: Input): Record<string, unknown> {
    this.requireParent(input.ParentId);
    const ids = input.ChildType === 'ACCOUNT'
      ? [...this.org.accounts.values()].filter((a) => a.parentId === input.ParentId).map((a) => a.id)
      : [...this.org.units.values()].filter((u) => u.parentId === input.ParentId).map((u) => u.id);
    const result = this.paged(ids, input);
    return { Children: result.items.map((id) => ({ Id: id, Type: input.ChildType })), NextToken: result.nextToken };
  }

  private listRoots(input: Input): Record<string, unknown> {
    const result = this.paged([this.org.rootId], input);
    return {
      Roots: result.items.map((id) => ({
        Id: id,
        Name: 'Root',
        Arn: `arn:aws:organizations::${this.org.managementAccount}:root/${this.org.organizationId}/${id}`,
        PolicyTypes: [],
      })),
      NextToken: result.nextToken,
    };
  }

  private listDelegatedAdministrators(input: Input): Record<string, unknown> {
    this.org.completeRegistrations();
    const principals = input.ServicePrincipal ? [input.ServicePrincipal] : [...this.org.delegatedAdministrators.keys()];
    const ids = [...new Set(principals.flatMap((p) => [...(this.org.delegatedAdministrators.get(p) ?? [])]))];
    const result = this.paged(ids, input);
    return {
      DelegatedAdministrators: result.items.map((id) => {
        const a = this.org.accounts.get(id)!;
        return { ...this.account(a), DelegationEnabledDate: new Date(0) };
      }),
      NextToken: result.nextToken,
    };
  }

  private deregisterDelegatedAdministrator(input: Input): Record<string, unknown> {
    this.org.completeRegistrations();
    if (!this.org.accounts.has(input.AccountId)) {
      throw new ApiError('AccountNotFoundException', { Message: OrganizationsMessages.ACCOUNT_NOT_FOUND });
    }
    if (!this.org.delegatedAdministrators.get(input.ServicePrincipal)?.has(input.AccountId)) {
      throw new ApiError('AccountNotRegisteredException', { Message: OrganizationsMessages.NOT_REGISTERED });
    }
    this.org.deregister(input.ServicePrincipal, input.AccountId);
    return {};
  }
}
