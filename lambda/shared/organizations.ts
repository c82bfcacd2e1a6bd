/**
 * Reading member accounts from AWS Organizations at run time, so a member set of any size costs
 * the template only a few OU ids. Only ACTIVE accounts count: suspended or closing accounts cannot
 * be GuardDuty members.
 *
 * The caller must be the management account or a delegated administrator (GuardDuty's delegated
 * administrator is one), which Organizations' read operations allow.
 */
import {
  Account,
  AccountNotFoundException,
  DescribeAccountCommand,
  OrganizationsClient,
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
} from '@aws-sdk/client-organizations';
import { organizationsClient } from './clients';
import { HandlerError } from './errors';
import { log } from './log';
import { MemberAccountProperty, OrganizationSourceProperty } from '../../src/private/contracts';

/** Organizations' page size limit (`MaxResults` 1-20). */
const PAGE_SIZE = 20;

function isActive(account: Account): boolean {
  return (account.State ?? account.Status) === 'ACTIVE';
}

/**
 * Reads of the organization for one event, each made once: the accounts and child OUs directly
 * under a root or OU, and the whole organization's accounts. An update whose old and new sources
 * share OUs reads each shared OU once.
 */
export class OrganizationReader {
  private readonly children = new Map<string, Promise<{ accounts: Account[]; ous: string[] }>>();
  private everyAccount?: Promise<Account[]>;

  constructor(private readonly client: OrganizationsClient = organizationsClient()) {}

  /** Every account of the organization (paged), read once. */
  public allAccounts(): Promise<Account[]> {
    this.everyAccount ??= (async () => {
      const accounts: Account[] = [];
      for await (const page of paginateListAccounts({ client: this.client, pageSize: PAGE_SIZE }, {})) accounts.push(...page.Accounts ?? []);
      return accounts;
    })();
    return this.everyAccount;
  }

  /** The accounts and the child OUs directly under a root or OU, read once. */
  public under(parentId: string): Promise<{ accounts: Account[]; ous: string[] }> {
    let read = this.children.get(parentId);
    if (!read) {
      read = (async () => {
        const accounts: Account[] = [];
        const ous: string[] = [];
        for await (const page of paginateListAccountsForParent({ client: this.client, pageSize: PAGE_SIZE }, { ParentId: parentId })) {
          accounts.push(...page.Accounts ?? []);
        }
        for await (const page of paginateListOrganizationalUnitsForParent({ client: this.client, pageSize: PAGE_SIZE }, { ParentId: parentId })) {
          for (const ou of page.OrganizationalUnits ?? []) if (ou.Id) ous.push(ou.Id);
        }
        return { accounts, ous };
      })();
      this.children.set(parentId, read);
    }
    return read;
  }
}

/**
 * What to do with a root or OU id the organization does not have (ParentNotFoundException):
 * `fail` names it (the properties being applied must be right); `skip` reads it as holding no
 * account, for the sources of properties that are going away (an update's old properties, a
 * delete's): a parent that does not exist cannot have given the set a member, so a rollback from
 * an OU id with a typo, or the delete of a set whose OU was deleted, does not depend on it.
 */
export type MissingParents = 'fail' | 'skip';

/**
 * The ACTIVE accounts of the organization, or of the given roots/OUs and every OU below them,
 * without the excluded ones: account id to email, in the order Organizations lists them.
 */
export async function organizationAccounts(reader: OrganizationReader, source: OrganizationSourceProperty,
  missingParents: MissingParents = 'fail'): Promise<Map<string, string>> {
  const accounts = new Map<string, string>();
  const add = (list: Account[] | undefined) => {
    for (const a of list ?? []) {
      if (a.Id && a.Email && isActive(a)) accounts.set(a.Id, a.Email);
    }
  };
  if (!source.ParentIds || source.ParentIds.length === 0) {
    add(await reader.allAccounts());
  } else {
    add(await accountsBelow(reader, source.ParentIds, 'parentIds', missingParents));
  }
  for (const excluded of source.ExcludeAccountIds ?? []) accounts.delete(excluded);
  if (source.ExcludeParentIds && source.ExcludeParentIds.length > 0) {
    for (const excluded of await accountsBelow(reader, source.ExcludeParentIds, 'excludeParentIds', missingParents)) {
      if (excluded.Id) accounts.delete(excluded.Id);
    }
  }
  return accounts;
}

/**
 * How many roots/OUs are read at once. Each parent's pages come one after another (a page's token
 * names the next), so a source of nine OUs of 5,555 accounts is 278 pages each: read one parent at a
 * time at 300 ms a call that is 750 s, most of an invocation, and a member set that continues in a
 * new invocation reads its source again there. Four at a time keeps the request rate modest (the
 * SDK's standard retry absorbs throttling).
 */
const PARENTS_AT_ONCE = 4;

/** The accounts (whatever their state) under the given roots/OUs and every OU below them, each OU read once. */
async function accountsBelow(reader: OrganizationReader, parentIds: ReadonlyArray<string>, property: string,
  missingParents: MissingParents): Promise<Account[]> {
  const found: Account[] = [];
  const queue = [...parentIds];
  const seen = new Set<string>();
  const read = async (parentId: string): Promise<{ accounts: Account[]; ous: string[] }> => {
    try {
      return await reader.under(parentId);
    } catch (err) {
      if ((err as Error).name !== 'ParentNotFoundException') throw err;
      if (missingParents === 'fail') {
        throw new HandlerError(`the member source's \`${property}\` (MemberAccountSource.fromOrganization) names ${parentId}, which is not a root or OU of this organization `
          + '(AWS Organizations: ParentNotFoundException): check the id');
      }
      log.warn('A root or OU of the previous member source does not exist: it cannot have given the set a member', { parentId });
      return { accounts: [], ous: [] };
    }
  };
  while (queue.length > 0) {
    const wave: string[] = [];
    while (queue.length > 0 && wave.length < PARENTS_AT_ONCE) {
      const parentId = queue.shift()!;
      if (seen.has(parentId)) continue;
      seen.add(parentId);
      wave.push(parentId);
    }
    // In the order given (the accounts' order is the parents' order, whatever answers first).
    for (const children of await Promise.all(wave.map(read))) {
      found.push(...children.accounts);
      queue.push(...children.ous);
    }
  }
  return found;
}

/** The email of an account of the organization; fails with advice when it is not in it. */
export async function organizationAccountEmail(client: OrganizationsClient, accountId: string): Promise<string> {
  try {
    const { Account: account } = await client.send(new DescribeAccountCommand({ AccountId: accountId }));
    if (!account?.Email) throw new HandlerError(`AWS Organizations returned no email for account ${accountId}`);
    if (!isActive(account)) {
      throw new HandlerError(`account ${accountId} is ${account.State ?? account.Status} in AWS Organizations; only ACTIVE accounts can be members`);
    }
    return account.Email;
  } catch (err) {
    if (err instanceof AccountNotFoundException) {
      throw new HandlerError(`account ${accountId} is not in this organization: add it to the organization, `
        + 'or add it by invitation (give `invitation` and the account\'s root user email)');
    }
    throw err;
  }
}

/** The email of an account of the organization, with the handler's Organizations client. */
export function lookUpOrganizationEmail(accountId: string): Promise<string> {
  return organizationAccountEmail(organizationsClient(), accountId);
}

/** An account to make a member, with the email the member APIs take. */
export interface MemberTarget {
  readonly accountId: string;
  readonly email: string;
}

/** The account source of a member set (GuardDuty's and Detective's take the same shape). */
export interface MemberSourceProperties {
  readonly Accounts?: ReadonlyArray<MemberAccountProperty>;
  readonly Organization?: OrganizationSourceProperty;
}

/**
 * The account ids a member set names (never the administrator itself): listed ids as they are,
 * without reading emails from the organization; an organization source read from it. For what
 * only needs ids (which accounts the old properties held, which to remove on delete).
 */
export async function resolveAccountIds(props: MemberSourceProperties, self: string,
  reader: OrganizationReader = new OrganizationReader(), missingParents: MissingParents = 'fail'): Promise<string[]> {
  const ids = props.Organization
    ? [...(await organizationAccounts(reader, props.Organization, missingParents)).keys()]
    : (props.Accounts ?? []).map((a) => a.AccountId);
  return ids.filter((id) => id !== self);
}

/**
 * The accounts a member set names, with their emails: the listed ones (emails missing from the
 * list are read from the organization), or the organization's. Never the administrator itself.
 */
export async function resolveAccounts(props: MemberSourceProperties, self: string,
  reader: OrganizationReader = new OrganizationReader()): Promise<MemberTarget[]> {
  let resolved: Map<string, string | undefined>;
  if (props.Organization) {
    resolved = await organizationAccounts(reader, props.Organization);
  } else {
    resolved = new Map((props.Accounts ?? []).map((a) => [a.AccountId, a.Email]));
    const missing = [...resolved.entries()].filter(([, email]) => email === undefined).map(([id]) => id);
    if (missing.length > 0) {
      const organization = await organizationAccounts(reader, {});
      const outside = missing.filter((id) => !organization.has(id));
      if (outside.length > 0) {
        throw new HandlerError(`${outside.length} account(s) without an email are not ACTIVE accounts of this organization: `
          + `${outside.slice(0, 10).join(', ')}${outside.length > 10 ? ' …' : ''}; give their root user email and \`invitation\`, `
          + 'or add them to the organization');
      }
      for (const id of missing) resolved.set(id, organization.get(id));
    }
  }
  if (resolved.delete(self)) log.info('Skipping the administrator account itself', { accountId: self });
  return [...resolved.entries()].map(([accountId, email]) => ({ accountId, email: email! }));
}
