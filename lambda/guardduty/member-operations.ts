/**
 * The administrator's member operations, shared by `Custom::GuardDutyMember` (one account) and
 * `Custom::GuardDutyMembers` (a set): every write in batches of 50 with `UnprocessedAccounts` read,
 * every list paged, and bounded waits for relationship statuses.
 */
import {
  CreateMembersCommand,
  DeleteMembersCommand,
  DisassociateMembersCommand,
  FeatureStatus,
  GetMembersCommand,
  GuardDutyClient,
  InviteMembersCommand,
  Member,
  OrgFeature,
  OrgFeatureAdditionalConfiguration,
  paginateListMembers,
  UpdateMemberDetectorsCommand,
} from '@aws-sdk/client-guardduty';
import { DetectorFeatureProperty, MemberInvitationProperty } from '../../src/private/contracts';
import { ACCOUNTS_PER_CALL, chunks, describeAccounts, failOnUnprocessed, UnprocessedAccount } from '../shared/batches';
import { HandlerError } from '../shared/errors';
import { log } from '../shared/log';
import { MemberTarget } from '../shared/organizations';
import { parseBoolean } from '../shared/props';


/**
 * `organization`: the administrator is the organization's delegated administrator and the
 * account is in the organization; it becomes `Enabled` without an invitation.
 * `invitation`: the account is invited and becomes `Invited`, then `Enabled` once it accepts.
 */
export type MembershipMode = 'organization' | 'invitation';

/** The relationship statuses that end a wait successfully, per mode. */
const EXPECTED: Record<MembershipMode, string[]> = {
  organization: ['Enabled'],
  invitation: ['Invited', 'Enabled'],
};

/** Statuses that are on their way somewhere: keep waiting. */
const PENDING = ['Created', 'EmailVerificationInProgress'];

/** Statuses that will not reach the expected one by themselves, with what to do. */
const FAILED_STATUS_ADVICE: Record<string, string> = {
  EmailVerificationFailed: "GuardDuty could not verify the invitation email: give the email address of the account's root user",
  RegionDisabled: 'the Region is not enabled in the member account: enable it there first',
  AccountSuspended: 'the account is suspended',
  Resigned: 'the member account disassociated itself from the administrator',
  Removed: 'the member was disassociated from the administrator',
  Disabled: 'monitoring of the member is stopped (StartMonitoringMembers resumes it)',
};

/** Statuses with a live relationship: CreateMembers need not be called again. */
const LIVE = ['Created', 'Invited', 'Enabled', 'Disabled', 'EmailVerificationInProgress'];

/** `UnprocessedAccounts` results that mean the account is already where the call would put it. */
const ALREADY_MEMBER = 'already a member';
const ALREADY_INVITED = 'already invited';
const NOT_ASSOCIATED = 'not an associated member';

export function isLive(member: Member | undefined): boolean {
  return member !== undefined && LIVE.includes(member.RelationshipStatus ?? '');
}

/** Every member of the detector, whatever its status (`OnlyAssociated` defaults to true, which hides invited ones). */
export async function listAllMembers(client: GuardDutyClient, detectorId: string): Promise<Map<string, Member>> {
  const members = new Map<string, Member>();
  const pages = paginateListMembers({ client, pageSize: ACCOUNTS_PER_CALL }, { DetectorId: detectorId, OnlyAssociated: 'false' });
  for await (const page of pages) {
    for (const m of page.Members ?? []) if (m.AccountId) members.set(m.AccountId, m);
  }
  return members;
}

/** The members among `accountIds` (GetMembers for a batch or less, ListMembers beyond). */
async function readMembers(client: GuardDutyClient, detectorId: string, accountIds: string[]): Promise<Map<string, Member>> {
  if (accountIds.length > ACCOUNTS_PER_CALL) return listAllMembers(client, detectorId);
  const { Members } = await client.send(new GetMembersCommand({ DetectorId: detectorId, AccountIds: accountIds }));
  return new Map((Members ?? []).filter((m) => m.AccountId).map((m) => [m.AccountId!, m]));
}

/** The one member `accountId`, if the detector has it. */
export async function getMember(client: GuardDutyClient, detectorId: string, accountId: string): Promise<Member | undefined> {
  return (await readMembers(client, detectorId, [accountId])).get(accountId);
}

/** CreateMembers in batches of 50; an account that is already a member counts as done. */
export async function createMembers(client: GuardDutyClient, detectorId: string, targets: ReadonlyArray<MemberTarget>): Promise<void> {
  for (const batch of chunks(targets)) {
    const { UnprocessedAccounts } = await client.send(new CreateMembersCommand({
      DetectorId: detectorId,
      AccountDetails: batch.map((t) => ({ AccountId: t.accountId, Email: t.email })),
    }));
    failOnUnprocessed('CreateMembers', UnprocessedAccounts, (r) => r.includes(ALREADY_MEMBER));
  }
  if (targets.length > 0) log.info('Created members', { detectorId, count: targets.length });
}

/** InviteMembers in batches of 50; an account already invited (or associated) counts as done. */
export async function inviteMembers(client: GuardDutyClient, detectorId: string, accountIds: ReadonlyArray<string>,
  invitation: MemberInvitationProperty): Promise<void> {
  for (const batch of chunks(accountIds)) {
    const { UnprocessedAccounts } = await client.send(new InviteMembersCommand({
      DetectorId: detectorId,
      AccountIds: batch,
      Message: invitation.Message,
      DisableEmailNotification: invitation.DisableEmailNotification === undefined
        ? undefined
        : parseBoolean(invitation.DisableEmailNotification, 'Invitation.DisableEmailNotification'),
    }));
    failOnUnprocessed('InviteMembers', UnprocessedAccounts, (r) => r.includes(ALREADY_INVITED));
  }
  if (accountIds.length > 0) log.info('Invited members', { detectorId, count: accountIds.length });
}

export interface MemberWait {
  readonly mode: MembershipMode;
  readonly timeoutMs: number;
  /** First delay between reads; doubles up to 10 s. */
  readonly initialDelayMs?: number;
}

/**
 * Wait until every account has the mode's expected relationship status. Fails at once, naming the
 * accounts, their statuses and what to do, when one reaches a status that will not change by
 * itself; fails at the deadline naming the accounts still pending.
 */
export async function waitForMembers(client: GuardDutyClient, detectorId: string, accountIds: ReadonlyArray<string>,
  wait: MemberWait): Promise<Map<string, Member>> {
  const expected = EXPECTED[wait.mode];
  const deadline = Date.now() + wait.timeoutMs;
  let delay = wait.initialDelayMs ?? 500;
  for (;;) {
    const members = await readMembers(client, detectorId, [...accountIds]);
    const failed: Array<{ accountId: string; reason: string }> = [];
    const pending: Array<{ accountId: string; reason: string }> = [];
    for (const accountId of accountIds) {
      const status = members.get(accountId)?.RelationshipStatus;
      if (status !== undefined && expected.includes(status)) continue;
      if (status === undefined || PENDING.includes(status)) {
        pending.push({ accountId, reason: status ?? 'not listed yet' });
      } else {
        failed.push({ accountId, reason: `${status}: ${FAILED_STATUS_ADVICE[status] ?? 'unexpected relationship status'}` });
      }
    }
    if (failed.length > 0) {
      throw new HandlerError(`${failed.length} member(s) did not reach ${expected.join(' or ')}: ${describeAccounts(failed)}`);
    }
    if (pending.length === 0) return members;
    if (Date.now() + delay > deadline) {
      const hint = wait.mode === 'organization' && pending.some((p) => p.reason === 'Created')
        ? '; a member stays Created when this account is not the organization\'s delegated administrator in this Region, '
          + 'or the account is not in the organization (add it by invitation instead)'
        : '';
      throw new HandlerError(`${pending.length} member(s) still not ${expected.join(' or ')} after `
        + `${Math.round(wait.timeoutMs / 1000)} s: ${describeAccounts(pending)}${hint}`);
    }
    log.info('Waiting for members', { detectorId, pending: pending.length, expected });
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 10_000);
  }
}

/**
 * DisassociateMembers, then DeleteMembers, in batches of 50. An account that is no longer a
 * member counts as done: Delete must succeed for what is already gone.
 */
export async function removeMembers(client: GuardDutyClient, detectorId: string, accountIds: ReadonlyArray<string>): Promise<void> {
  const gone = (r: string) => r.includes(NOT_ASSOCIATED);
  for (const batch of chunks(accountIds)) {
    const disassociated = await client.send(new DisassociateMembersCommand({ DetectorId: detectorId, AccountIds: batch }));
    failOnUnprocessed('DisassociateMembers', disassociated.UnprocessedAccounts, gone);
  }
  for (const batch of chunks(accountIds)) {
    const deleted = await client.send(new DeleteMembersCommand({ DetectorId: detectorId, AccountIds: batch }));
    failOnUnprocessed('DeleteMembers', deleted.UnprocessedAccounts, gone);
  }
  if (accountIds.length > 0) log.info('Removed members', { detectorId, count: accountIds.length });
}

/** How long to retry accounts GuardDuty does not see as associated yet (right after CreateMembers). */
const ASSOCIATION_PROPAGATION_MS = 60_000;

/**
 * Push detector features to member detectors (UpdateMemberDetectors: members cannot change their
 * own), in batches of 50. Accounts reported "not an associated member" are retried for a bounded
 * time, since a member created moments ago may not be visible yet; other reasons fail at once.
 */
export async function updateMemberDetectors(client: GuardDutyClient, detectorId: string, accountIds: ReadonlyArray<string>,
  features: ReadonlyArray<DetectorFeatureProperty>): Promise<void> {
  const request = features.map((f) => ({
    Name: f.Name as OrgFeature,
    Status: f.Status as FeatureStatus,
    AdditionalConfiguration: f.AdditionalConfiguration?.map((a) => ({
      Name: a.Name as OrgFeatureAdditionalConfiguration,
      Status: a.Status as FeatureStatus,
    })),
  }));
  let remaining = [...accountIds];
  const deadline = Date.now() + ASSOCIATION_PROPAGATION_MS;
  let delay = 1_000;
  for (;;) {
    const retry: UnprocessedAccount[] = [];
    for (const batch of chunks(remaining)) {
      const { UnprocessedAccounts } = await client.send(new UpdateMemberDetectorsCommand({
        DetectorId: detectorId, AccountIds: batch, Features: request,
      }));
      const notYet = (UnprocessedAccounts ?? []).filter((u) => (u.Result ?? '').includes(NOT_ASSOCIATED));
      failOnUnprocessed('UpdateMemberDetectors', UnprocessedAccounts, (r) => r.includes(NOT_ASSOCIATED));
      retry.push(...notYet);
    }
    if (retry.length === 0) break;
    if (Date.now() + delay > deadline) failOnUnprocessed('UpdateMemberDetectors', retry);
    log.info('Members not associated yet; retrying their features', { count: retry.length });
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 10_000);
    remaining = retry.map((u) => u.AccountId!).filter(Boolean);
  }
  if (accountIds.length > 0) log.info('Updated member detectors', { detectorId, count: accountIds.length, features: features.map((f) => f.Name) });
}

/** The mode a resource's properties ask for. */
export function modeOf(props: { readonly Invitation?: MemberInvitationProperty }): MembershipMode {
  return props.Invitation ? 'invitation' : 'organization';
}
