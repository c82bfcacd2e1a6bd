/**
 * The Detective administrator's member operations, shared by `Custom::DetectiveMember` (one
 * account) and `Custom::DetectiveMembers` (a set): writes in batches of 50 with
 * `UnprocessedAccounts` read, lists paged, and bounded waits for member statuses.
 */
import {
  CreateMembersCommand,
  DeleteMembersCommand,
  DetectiveClient,
  GetMembersCommand,
  MemberDetail,
  paginateListMembers,
  StartMonitoringMemberCommand,
} from '@aws-sdk/client-detective';
import { MemberInvitationProperty } from '../../src/private/contracts';
import { ACCOUNTS_PER_CALL, chunks, describeAccounts, failOnUnprocessed } from '../shared/batches';
import { HandlerError } from '../shared/errors';
import { log } from '../shared/log';
import { MemberTarget } from '../shared/organizations';
import { parseBoolean } from '../shared/props';

/**
 * `organization`: the administrator is the organization's Detective administrator and the account
 * is in the organization; Detective enables it (ENABLED) without an invitation.
 * `invitation`: the account is invited (INVITED), and ENABLED once it accepts.
 */
export type MembershipMode = 'organization' | 'invitation';

const EXPECTED: Record<MembershipMode, string[]> = {
  organization: ['ENABLED'],
  invitation: ['INVITED', 'ENABLED'],
};

/** Detective is checking the account (email, or organization membership): keep waiting. */
const PENDING = ['VERIFICATION_IN_PROGRESS'];

/** Why a member is ACCEPTED_BUT_DISABLED, and what to do (MemberDetail.DisabledReason). */
const DISABLED_REASON_ADVICE: Record<string, string> = {
  VOLUME_UNKNOWN: 'Detective cannot verify the account\'s data volume, usually because GuardDuty is not enabled in it: enable '
    + 'GuardDuty in the member account in this Region, then deploy again (the deployment resumes the member with StartMonitoringMember)',
  VOLUME_TOO_HIGH: "adding the account would take the behavior graph over Detective's data volume quota",
};

/** `UnprocessedAccounts` reason for an account that is already a member (as landing-zone code matches it). */
const ALREADY_MEMBER = /already a member/i;

function failure(member: MemberDetail, mode: MembershipMode): string {
  switch (member.Status) {
    case 'VERIFICATION_FAILED':
      return "VERIFICATION_FAILED: the account id and email address do not match: give the email address of the account's root user";
    case 'ACCEPTED_BUT_DISABLED': {
      const reason = member.DisabledReason ?? 'no reason given';
      return `ACCEPTED_BUT_DISABLED (${reason}): ${DISABLED_REASON_ADVICE[reason] ?? 'see DisabledReason'}`;
    }
    case 'INVITED':
      return mode === 'organization'
        ? "INVITED instead of enabled: this account is not the organization's Detective administrator in this Region, or the "
          + 'account is not in the organization (add it with `invitation` instead)'
        : 'INVITED';
    default:
      return `${member.Status ?? 'no status'}: unexpected member status`;
  }
}

/** Every member of the graph, whatever its status. */
export async function listAllMembers(client: DetectiveClient, graphArn: string): Promise<Map<string, MemberDetail>> {
  const members = new Map<string, MemberDetail>();
  for await (const page of paginateListMembers({ client, pageSize: 200 }, { GraphArn: graphArn })) {
    for (const m of page.MemberDetails ?? []) if (m.AccountId) members.set(m.AccountId, m);
  }
  return members;
}

/** The members among `accountIds` (GetMembers for a batch or less, ListMembers beyond). */
async function readMembers(client: DetectiveClient, graphArn: string, accountIds: string[]): Promise<Map<string, MemberDetail>> {
  if (accountIds.length > ACCOUNTS_PER_CALL) return listAllMembers(client, graphArn);
  const { MemberDetails } = await client.send(new GetMembersCommand({ GraphArn: graphArn, AccountIds: accountIds }));
  return new Map((MemberDetails ?? []).filter((m) => m.AccountId).map((m) => [m.AccountId!, m]));
}

export async function getMember(client: DetectiveClient, graphArn: string, accountId: string): Promise<MemberDetail | undefined> {
  return (await readMembers(client, graphArn, [accountId])).get(accountId);
}

/**
 * CreateMembers in batches of 50 (the API's limit): invitations in invitation mode, enablement of
 * organization accounts otherwise. An account that is already a member counts as done.
 */
export async function createMembers(client: DetectiveClient, graphArn: string, targets: ReadonlyArray<MemberTarget>,
  invitation: MemberInvitationProperty | undefined): Promise<void> {
  for (const batch of chunks(targets)) {
    const { UnprocessedAccounts } = await client.send(new CreateMembersCommand({
      GraphArn: graphArn,
      Accounts: batch.map((t) => ({ AccountId: t.accountId, EmailAddress: t.email })),
      Message: invitation?.Message,
      DisableEmailNotification: invitation?.DisableEmailNotification === undefined
        ? undefined
        : parseBoolean(invitation.DisableEmailNotification, 'Invitation.DisableEmailNotification'),
    }));
    failOnUnprocessed('CreateMembers', UnprocessedAccounts?.map((u) => ({ AccountId: u.AccountId, Result: u.Reason })),
      (reason) => ALREADY_MEMBER.test(reason));
  }
  if (targets.length > 0) log.info('Created members', { graphArn, count: targets.length, invitation: invitation !== undefined });
}

/**
 * Wait until every account has the mode's expected status; fail at once, naming the accounts, their
 * status and what to do, when one reaches a status that will not change by itself.
 */
export async function waitForMembers(client: DetectiveClient, graphArn: string, accountIds: ReadonlyArray<string>,
  wait: { mode: MembershipMode; timeoutMs: number; initialDelayMs?: number }): Promise<Map<string, MemberDetail>> {
  const expected = EXPECTED[wait.mode];
  const deadline = Date.now() + wait.timeoutMs;
  let delay = wait.initialDelayMs ?? 500;
  for (;;) {
    const members = await readMembers(client, graphArn, [...accountIds]);
    const failed: Array<{ accountId: string; reason: string }> = [];
    const pending: Array<{ accountId: string; reason: string }> = [];
    for (const accountId of accountIds) {
      const member = members.get(accountId);
      if (member?.Status !== undefined && expected.includes(member.Status)) continue;
      if (member === undefined || PENDING.includes(member.Status ?? '')) {
        pending.push({ accountId, reason: member?.Status ?? 'not listed yet' });
      } else {
        failed.push({ accountId, reason: failure(member, wait.mode) });
      }
    }
    if (failed.length > 0) {
      throw new HandlerError(`${failed.length} member(s) did not reach ${expected.join(' or ')}: ${describeAccounts(failed)}`);
    }
    if (pending.length === 0) return members;
    if (Date.now() + delay > deadline) {
      throw new HandlerError(`${pending.length} member(s) still not ${expected.join(' or ')} after ${Math.round(wait.timeoutMs / 1000)} s: `
        + describeAccounts(pending));
    }
    log.info('Waiting for members', { graphArn, pending: pending.length, expected });
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 10_000);
  }
}

/**
 * DeleteMembers in batches of 50. An account Detective does not process is checked again: one
 * that is no longer a member counts as done (Delete must succeed for what is already gone).
 */
export async function removeMembers(client: DetectiveClient, graphArn: string, accountIds: ReadonlyArray<string>): Promise<void> {
  for (const batch of chunks(accountIds)) {
    const { UnprocessedAccounts } = await client.send(new DeleteMembersCommand({ GraphArn: graphArn, AccountIds: batch }));
    if (!UnprocessedAccounts || UnprocessedAccounts.length === 0) continue;
    const stillMembers = await readMembers(client, graphArn, UnprocessedAccounts.map((u) => u.AccountId!).filter(Boolean));
    failOnUnprocessed('DeleteMembers', UnprocessedAccounts
      .filter((u) => u.AccountId !== undefined && stillMembers.has(u.AccountId))
      .map((u) => ({ AccountId: u.AccountId, Result: u.Reason })));
  }
  if (accountIds.length > 0) log.info('Removed members', { graphArn, count: accountIds.length });
}

/**
 * StartMonitoringMember for the members among `accountIds` that are ACCEPTED_BUT_DISABLED: the
 * reason (e.g. no GuardDuty in the member) may have been fixed since. Detective re-checks and
 * enables the member, or leaves it disabled (then the wait fails with the reason). One call per
 * account (the API takes one).
 */
export async function resumeDisabledMembers(client: DetectiveClient, graphArn: string,
  members: ReadonlyMap<string, MemberDetail>, accountIds: ReadonlyArray<string>): Promise<void> {
  const disabled = accountIds.filter((id) => members.get(id)?.Status === 'ACCEPTED_BUT_DISABLED');
  for (const accountId of disabled) {
    await client.send(new StartMonitoringMemberCommand({ GraphArn: graphArn, AccountId: accountId }));
  }
  if (disabled.length > 0) log.info('Asked Detective to resume disabled members', { graphArn, count: disabled.length });
}

/** The mode a resource's properties ask for. */
export function modeOf(props: { readonly Invitation?: MemberInvitationProperty }): MembershipMode {
  return props.Invitation ? 'invitation' : 'organization';
}

/** Statuses with a membership in place (CreateMembers need not be called again). */
export function isLive(member: MemberDetail | undefined): boolean {
  return member !== undefined && member.Status !== 'VERIFICATION_FAILED';
}
