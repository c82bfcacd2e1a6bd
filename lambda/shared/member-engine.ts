/**
 * The member engine: how an administrator's member accounts are reconciled, for GuardDuty and
 * Detective alike. The algorithm is written once here (read, remove what left the set, create what
 * is missing, invite, wait until every account reaches the expected status, run the service's
 * after-ready step, and on failure remove what this event added); each service supplies a small
 * adapter (`MemberAdapter`) with its calls and its status table.
 *
 * A single member is a set of one: the one-account and the many-account resources of both services
 * run the same code, so a failed create leaves nothing behind in every one of them.
 *
 * Every write goes in batches of 50 (the APIs' limit) with `UnprocessedAccounts` read by the
 * adapter; reads use `GetMembers` for 50 accounts a call, four calls at once (only the set's own
 * accounts are read, never the administrator's whole member list).
 */
import { ACCOUNTS_PER_CALL, chunks, describeAccounts, readInWaves } from './batches';
import { clock as handlerClock } from './clock';
import { ContinuationNeeded } from './continuation';
import { HandlerError } from './errors';
import { invocationDeadline, isContinuation, undoIfNotContinued } from './invocation';
import { log } from './log';
import { PollClock } from './poll';
import { MemberInvitationProperty } from '../../src/private/contracts';

/**
 * `organization`: the administrator is the organization's delegated administrator and the account
 * is in the organization; it is enabled without an invitation.
 * `invitation`: the account is invited, and enabled once it accepts.
 */
export type MembershipMode = 'organization' | 'invitation';

/** Where one member stands in the wait. */
export type MemberProgress =
  | { readonly state: 'ready' }
  | { readonly state: 'pending'; readonly status: string }
  | { readonly state: 'failed'; readonly reason: string }
  /** The account's own setting keeps it out in this Region (an opt-in Region it has not enabled): reported, not a failure. */
  | { readonly state: 'excluded'; readonly reason: string };

/** An account to make a member; `email` absent: looked up (`MemberAdapter.lookUpEmail`) if it must be created. */
export interface MemberAccount {
  readonly accountId: string;
  readonly email?: string;
}

/** What the after-ready step is told: which accounts are members now, and which this event added. */
export interface ReadyMembers {
  readonly accountIds: ReadonlyArray<string>;
  readonly created: ReadonlyArray<string>;
}

/**
 * One service's member calls for one administrator (a GuardDuty detector or a Detective graph).
 * `M` is the service's member record. Every write batches by 50 and reads `UnprocessedAccounts`,
 * tolerating only the answers that mean "already done".
 */
export interface MemberAdapter<M> {
  /** The administrator resource, for logs: the detector id or the graph ARN. */
  readonly container: string;
  /** Whether a member that is not live must be removed before it is created again. */
  readonly recreateRemovesFirst: boolean;
  /** The members among at most 50 accounts (one call). */
  get(accountIds: ReadonlyArray<string>): Promise<Map<string, M>>;
  /** Whether a member's relationship is in place, so it need not be created again. */
  isLive(member: M | undefined): boolean;
  /** Create (and, where the service does both in one call, invite) the accounts. */
  create(accounts: ReadonlyArray<{ readonly accountId: string; readonly email: string }>,
    invitation: MemberInvitationProperty | undefined): Promise<void>;
  /** Invite accounts after creating them, for services with a separate invitation call. */
  invite?(accountIds: ReadonlyArray<string>, invitation: MemberInvitationProperty): Promise<void>;
  /** Whether the account's invitation is already out (or it is enabled): no invitation again. */
  isInvited?(member: M | undefined): boolean;
  /** Remove members (an account no longer a member counts as done). */
  remove(accountIds: ReadonlyArray<string>): Promise<void>;
  /** Before the wait: e.g. ask the service to resume members it disabled. */
  beforeWait?(current: ReadonlyMap<string, M>, accountIds: ReadonlyArray<string>): Promise<void>;
  /** Where the member stands against what the mode expects. */
  progress(member: M | undefined, mode: MembershipMode): MemberProgress;
  /** The statuses the mode waits for, for messages. */
  expected(mode: MembershipMode): ReadonlyArray<string>;
  /** Advice appended when the wait times out with these accounts pending. */
  timeoutHint?(pending: ReadonlyArray<{ readonly status: string }>, mode: MembershipMode): string;
  /** After every account is ready: e.g. push detector features to members. */
  afterReady?(members: ReadyMembers): Promise<void>;
  /** The email of an organization account, for accounts given without one. */
  lookUpEmail(accountId: string): Promise<string>;
  /** Whether an error says the administrator resource itself is gone (and its members with it). */
  isContainerGone(err: unknown): boolean;
}

/** What `convergeMembers` is asked to reach. */
export interface MemberRequest {
  /** The accounts that must be members. */
  readonly desired: ReadonlyArray<MemberAccount>;
  /** The accounts the previous properties named, on an update of the same administrator: those not desired are removed. */
  readonly previous?: ReadonlyArray<string>;
  readonly invitation?: MemberInvitationProperty;
  /** Bound on the wait for every account's status. */
  readonly timeoutMs: number;
  /** The shortest delay between reads (see `PollClock`). */
  readonly initialDelayMs?: number;
}

/** What `convergeMembers` reached. */
export interface MemberOutcome<M> {
  /** The desired accounts' members after the wait. */
  readonly members: ReadonlyMap<string, M>;
  /** The accounts this event created. */
  readonly created: ReadonlyArray<string>;
  /** The accounts that cannot be members in this Region by their own setting (GuardDuty's `RegionDisabled`). */
  readonly excluded: ReadonlyArray<string>;
}

/**
 * The members among `accountIds`, for a first look at a set: `GetMembers` 50 accounts a call,
 * several calls at once (`readInWaves`), so a large set is read in a quarter of the time a paged
 * list takes one page after another (and only its own accounts are read, whatever else the
 * administrator has).
 */
export async function readMembers<M>(adapter: MemberAdapter<M>, accountIds: ReadonlyArray<string>): Promise<Map<string, M>> {
  return getMembers(adapter, accountIds);
}

/** The members among `accountIds` exactly: GetMembers in batches of 50, several at once. */
async function getMembers<M>(adapter: MemberAdapter<M>, accountIds: ReadonlyArray<string>): Promise<Map<string, M>> {
  const members = new Map<string, M>();
  const batches = chunks(accountIds);
  const answers = await readInWaves(batches, (batch) => adapter.get(batch),
    (done) => stopWhenOutOfTime(`after reading ${Math.min(done * ACCOUNTS_PER_CALL, accountIds.length)} of ${accountIds.length} members' statuses`));
  for (const answer of answers) for (const [id, member] of answer) members.set(id, member);
  return members;
}

/**
 * Make exactly the desired accounts members (of what `previous` named; accounts outside both are
 * never touched), wait until each reaches the mode's status, then run the after-ready step. If any
 * step fails, the members this event created are removed before the error is raised, so a failed
 * create leaves nothing behind and a rollback finds the administrator as it was.
 */
export async function convergeMembers<M>(adapter: MemberAdapter<M>, request: MemberRequest): Promise<MemberOutcome<M>> {
  const mode: MembershipMode = request.invitation ? 'invitation' : 'organization';
  const desiredIds = request.desired.map((a) => a.accountId);
  const desiredSet = new Set(desiredIds);
  const dropped = (request.previous ?? []).filter((id) => !desiredSet.has(id));
  const current = await readMembers(adapter, [...desiredIds, ...dropped]);

  const leaving = dropped.filter((id) => current.has(id));
  if (leaving.length > 0) {
    await removeInBatches(adapter, leaving, 'removing the accounts that left the set');
    for (const id of leaving) current.delete(id);
  }

  const missing = request.desired.filter((a) => !adapter.isLive(current.get(a.accountId)));
  const created: string[] = [];
  try {
    if (adapter.recreateRemovesFirst) {
      const stale = missing.filter((a) => current.has(a.accountId)).map((a) => a.accountId);
      if (stale.length > 0) {
        await removeInBatches(adapter, stale, 'removing members to create again');
        for (const id of stale) current.delete(id);
      }
    }
    const toCreate = [];
    for (const account of missing) {
      if (account.email === undefined) stopWhenOutOfTime(`after looking up ${toCreate.length} of ${missing.length} members' emails`);
      toCreate.push({ accountId: account.accountId, email: account.email ?? await adapter.lookUpEmail(account.accountId) });
    }
    if (toCreate.length > 0) {
      created.push(...toCreate.filter((a) => !current.has(a.accountId)).map((a) => a.accountId));
      // A batch at a time, each only while the invocation has time for it: work cut by the
      // invocation's end stops between batches and continues in a new invocation, which reads
      // the members again and creates only those still missing (see continuation.ts).
      let done = 0;
      for (const batch of chunks(toCreate)) {
        stopWhenOutOfTime(`after creating ${done} of ${toCreate.length} members`);
        await adapter.create(batch, request.invitation);
        done += batch.length;
      }
      log.info('Created members', { container: adapter.container, count: toCreate.length, mode });
    }
    if (request.invitation && adapter.invite) {
      // Only the accounts just created changed status; the others' are known from the first read.
      if (toCreate.length > 0) {
        for (const [id, member] of await getMembers(adapter, toCreate.map((a) => a.accountId))) current.set(id, member);
      }
      const toInvite = desiredIds.filter((id) => !adapter.isInvited?.(current.get(id)));
      if (toInvite.length > 0) {
        let invited = 0;
        for (const batch of chunks(toInvite)) {
          stopWhenOutOfTime(`after inviting ${invited} of ${toInvite.length} members`);
          await adapter.invite(batch, request.invitation);
          invited += batch.length;
        }
        log.info('Invited members', { container: adapter.container, count: toInvite.length });
      }
    }
    await adapter.beforeWait?.(current, desiredIds);
    // Accounts that were ready before this event and were not touched need no polling.
    const touched = new Set([...created, ...missing.map((a) => a.accountId)]);
    const known = new Map([...current].filter(([id, member]) => desiredSet.has(id) && !touched.has(id)
      && adapter.progress(member, mode).state === 'ready'));
    const { members, excluded } = await waitForMembers(adapter, desiredIds, mode, request, known);
    const reached = desiredIds.filter((id) => !excluded.some((e) => e.accountId === id));
    // A continued event cannot tell which members its earlier invocations created: every member
    // counts as new for the after-ready step (pushing features again changes nothing).
    const newMembers = isContinuation() ? reached : created.filter((id) => reached.includes(id));
    await adapter.afterReady?.({ accountIds: reached, created: newMembers });
    if (excluded.length > 0) {
      log.warn('Accounts that cannot be members in this Region, by their own setting', { container: adapter.container, accounts: excluded });
    }
    log.info('Members ready', { container: adapter.container, members: reached.length, created: created.length });
    return { members, created, excluded: excluded.map((e) => e.accountId) };
  } catch (err) {
    const undo = async () => {
      if (created.length === 0) return;
      log.warn('Removing the members this event added, after it failed', { container: adapter.container, count: created.length });
      await adapter.remove(created).catch((cleanup) => log.error('Removing them failed too', { error: String(cleanup) }));
    };
    // Out of time: the next invocation carries on from what the services show, so nothing is
    // undone, unless the event cannot continue after all.
    if (err instanceof ContinuationNeeded) {
      undoIfNotContinued(undo);
      throw err;
    }
    await undo();
    throw err;
  }
}

/**
 * Wait until every account has the mode's expected status. Fails at once, naming the accounts,
 * their statuses and what to do, when one reaches a status that will not change by itself; fails
 * at the deadline naming the accounts still pending.
 */
async function waitForMembers<M>(adapter: MemberAdapter<M>, accountIds: ReadonlyArray<string>, mode: MembershipMode,
  request: MemberRequest, ready: ReadonlyMap<string, M>)
  : Promise<{ members: Map<string, M>; excluded: Array<{ accountId: string; reason: string }> }> {
  const expected = adapter.expected(mode).join(' or ');
  const clock = new PollClock({ timeoutMs: request.timeoutMs, minDelayMs: request.initialDelayMs });
  const members = new Map(ready);
  const excluded: Array<{ accountId: string; reason: string }> = [];
  // Each poll reads only the accounts not ready yet, 50 to a GetMembers call.
  let polled = accountIds.filter((id) => !ready.has(id));
  for (;;) {
    const read = await getMembers(adapter, polled);
    const failed: Array<{ accountId: string; reason: string }> = [];
    const pending: Array<{ accountId: string; reason: string; status: string }> = [];
    for (const accountId of polled) {
      const member = read.get(accountId);
      if (member !== undefined) members.set(accountId, member);
      const progress = adapter.progress(member, mode);
      if (progress.state === 'failed') failed.push({ accountId, reason: progress.reason });
      if (progress.state === 'pending') pending.push({ accountId, reason: progress.status, status: progress.status });
      if (progress.state === 'excluded') excluded.push({ accountId, reason: progress.reason });
    }
    if (failed.length > 0) {
      throw new HandlerError(`${failed.length} member(s) did not reach ${expected}: ${describeAccounts(failed)}`);
    }
    if (pending.length === 0) return { members, excluded };
    polled = pending.map((p) => p.accountId);
    log.info('Waiting for members', { container: adapter.container, pending: pending.length, expected });
    if (!await clock.sleep()) {
      if (clock.endsWithInvocation) throw new ContinuationNeeded(`with ${pending.length} member(s) still not ${expected}`);
      throw new HandlerError(`${pending.length} member(s) still not ${expected} after ${Math.round(request.timeoutMs / 1000)} s: `
        + `${describeAccounts(pending)}${adapter.timeoutHint?.(pending, mode) ?? ''}`);
    }
  }
}

/**
 * Remove the accounts that are still members. Delete must succeed for what is already gone: an
 * account that is no longer a member, or an administrator resource that no longer exists.
 */
export async function removeMemberAccounts<M>(adapter: MemberAdapter<M>, accountIds: ReadonlyArray<string>): Promise<void> {
  try {
    const current = await readMembers(adapter, accountIds);
    const present = accountIds.filter((id) => current.has(id));
    if (present.length > 0) {
      await removeInBatches(adapter, present, 'removing members');
      log.info('Removed members', { container: adapter.container, count: present.length });
    }
  } catch (err) {
    if (!adapter.isContainerGone(err)) throw err;
    log.info('The administrator resource is gone, and its members with it', { container: adapter.container });
  }
}

/** Remove members 50 at a time, each batch only while the invocation has time for it. */
async function removeInBatches<M>(adapter: MemberAdapter<M>, accountIds: ReadonlyArray<string>, what: string): Promise<void> {
  let removed = 0;
  for (const batch of chunks(accountIds)) {
    stopWhenOutOfTime(`${what}, after ${removed} of ${accountIds.length}`);
    await adapter.remove(batch);
    removed += batch.length;
  }
}

/**
 * Stop when the invocation's work deadline has passed (see `invocation.ts`): the event continues
 * in a new invocation (`continuation.ts`), which reads the members again and goes on from there.
 */
function stopWhenOutOfTime(where: string): void {
  if (handlerClock().now() < invocationDeadline()) return;
  throw new ContinuationNeeded(where);
}
