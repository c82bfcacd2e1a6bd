/**
 * Detective's member calls and status table for the member engine (`../shared/member-engine.ts`):
 * a behavior graph creates and invites members in one call (`CreateMembers` with the invitation's
 * message), removes them with `DeleteMembers`, and resumes members it disabled with
 * `StartMonitoringMember`.
 *
 * @see https://docs.aws.amazon.com/detective/latest/APIReference/API_MemberDetail.html (Status, DisabledReason)
 */
import {
  CreateMembersCommand,
  DeleteMembersCommand,
  DetectiveClient,
  GetMembersCommand,
  MemberDetail,
  StartMonitoringMemberCommand,
} from '@aws-sdk/client-detective';
import { chunks, failOnUnprocessed } from '../shared/batches';
import { isResourceNotFound } from '../shared/errors';
import { log } from '../shared/log';
import { MemberAdapter, MemberProgress, MembershipMode } from '../shared/member-engine';
import { lookUpOrganizationEmail } from '../shared/organizations';
import { parseBoolean } from '../shared/props';

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

/** The member adapter of one behavior graph. */
export function detectiveMemberAdapter(client: DetectiveClient, graphArn: string): MemberAdapter<MemberDetail> {
  const get = async (accountIds: ReadonlyArray<string>) => {
    const { MemberDetails } = await client.send(new GetMembersCommand({ GraphArn: graphArn, AccountIds: [...accountIds] }));
    return new Map((MemberDetails ?? []).filter((m) => m.AccountId).map((m) => [m.AccountId!, m]));
  };
  return {
    container: graphArn,
    // A member that failed verification is added again: the email may have been corrected.
    recreateRemovesFirst: true,
    get,
    isLive: (member) => member !== undefined && member.Status !== 'VERIFICATION_FAILED',
    async create(accounts, invitation) {
      // Invitations in invitation mode, enablement of organization accounts otherwise.
      for (const batch of chunks(accounts)) {
        const { UnprocessedAccounts } = await client.send(new CreateMembersCommand({
          GraphArn: graphArn,
          Accounts: batch.map((a) => ({ AccountId: a.accountId, EmailAddress: a.email })),
          Message: invitation?.Message,
          DisableEmailNotification: invitation?.DisableEmailNotification === undefined
            ? undefined
            : parseBoolean(invitation.DisableEmailNotification, 'Invitation.DisableEmailNotification'),
        }));
        failOnUnprocessed('CreateMembers', UnprocessedAccounts?.map((u) => ({ AccountId: u.AccountId, Result: u.Reason })),
          (reason) => ALREADY_MEMBER.test(reason));
      }
    },
    async remove(accountIds) {
      // An account Detective does not process is checked again: one no longer a member counts as done.
      for (const batch of chunks(accountIds)) {
        const { UnprocessedAccounts } = await client.send(new DeleteMembersCommand({ GraphArn: graphArn, AccountIds: batch }));
        if (!UnprocessedAccounts || UnprocessedAccounts.length === 0) continue;
        const stillMembers = await get(UnprocessedAccounts.map((u) => u.AccountId!).filter(Boolean));
        failOnUnprocessed('DeleteMembers', UnprocessedAccounts
          .filter((u) => u.AccountId !== undefined && stillMembers.has(u.AccountId))
          .map((u) => ({ AccountId: u.AccountId, Result: u.Reason })));
      }
    },
    async beforeWait(current, accountIds) {
      // ACCEPTED_BUT_DISABLED members: the reason (e.g. no GuardDuty in the member) may be fixed
      // since. Detective re-checks and enables the member, or leaves it disabled (then the wait
      // fails with the reason). One call per account (the API takes one).
      const disabled = accountIds.filter((id) => current.get(id)?.Status === 'ACCEPTED_BUT_DISABLED');
      for (const accountId of disabled) {
        await client.send(new StartMonitoringMemberCommand({ GraphArn: graphArn, AccountId: accountId }));
      }
      if (disabled.length > 0) log.info('Asked Detective to resume disabled members', { graphArn, count: disabled.length });
    },
    progress(member, mode): MemberProgress {
      if (member?.Status !== undefined && EXPECTED[mode].includes(member.Status)) return { state: 'ready' };
      if (member === undefined || PENDING.includes(member.Status ?? '')) return { state: 'pending', status: member?.Status ?? 'not listed yet' };
      return { state: 'failed', reason: failure(member, mode) };
    },
    expected: (mode) => EXPECTED[mode],
    lookUpEmail: lookUpOrganizationEmail,
    isContainerGone: isResourceNotFound,
  };
}
