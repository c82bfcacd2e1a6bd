/**
 * GuardDuty's member calls and status table for the member engine (`../shared/member-engine.ts`):
 * an administrator's detector creates members (`CreateMembers`), invites them in a separate call
 * (`InviteMembers`), removes them in two (`DisassociateMembers`, then `DeleteMembers`), and pushes
 * protection plans to member detectors after they are associated (`UpdateMemberDetectors`).
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/APIReference/API_Member.html (RelationshipStatus)
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
  UpdateMemberDetectorsCommand,
} from '@aws-sdk/client-guardduty';
import { DetectorFeatureProperty } from '../../src/private/contracts';
import { chunks, failOnUnprocessed, UnprocessedAccount } from '../shared/batches';
import { HandlerError, isDetectorNotFound } from '../shared/errors';
import { log } from '../shared/log';
import { MemberAdapter, MemberProgress, MembershipMode, ReadyMembers } from '../shared/member-engine';
import { lookUpOrganizationEmail } from '../shared/organizations';
import { PollClock } from '../shared/poll';
import { parseBoolean } from '../shared/props';

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

/** How long to retry accounts GuardDuty does not see as associated yet (right after CreateMembers). */
const ASSOCIATION_PROPAGATION_MS = 60_000;

/** What the member resource asks beyond membership: the protection plans of member detectors. */
export interface GuardDutyMemberSettings {
  /** Features to push; absent: not managed. */
  readonly features?: ReadonlyArray<DetectorFeatureProperty>;
  /** Accounts whose features differ (each with its effective list); each must be a member of the set. */
  readonly overrides?: ReadonlyArray<{ readonly AccountIds: ReadonlyArray<string>; readonly Features: ReadonlyArray<DetectorFeatureProperty> }>;
  /** Whether they differ from what the previous properties pushed (else only new members get them). */
  readonly featuresChanged: boolean;
}

/** The member adapter of one administrator detector. */
export function guardDutyMemberAdapter(client: GuardDutyClient, detectorId: string,
  settings: GuardDutyMemberSettings = { featuresChanged: false }): MemberAdapter<Member> {
  return {
    container: detectorId,
    recreateRemovesFirst: false,
    async get(accountIds) {
      const { Members } = await client.send(new GetMembersCommand({ DetectorId: detectorId, AccountIds: [...accountIds] }));
      return new Map((Members ?? []).filter((m) => m.AccountId).map((m) => [m.AccountId!, m]));
    },
    isLive: (member) => member !== undefined && LIVE.includes(member.RelationshipStatus ?? ''),
    isInvited: (member) => ['Invited', 'Enabled'].includes(member?.RelationshipStatus ?? ''),
    async create(accounts) {
      for (const batch of chunks(accounts)) {
        const { UnprocessedAccounts } = await client.send(new CreateMembersCommand({
          DetectorId: detectorId,
          AccountDetails: batch.map((a) => ({ AccountId: a.accountId, Email: a.email })),
        }));
        failOnUnprocessed('CreateMembers', UnprocessedAccounts, (r) => r.includes(ALREADY_MEMBER));
      }
    },
    async invite(accountIds, invitation) {
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
    },
    async remove(accountIds) {
      // An account that is no longer a member counts as done: Delete must succeed for what is gone.
      const gone = (r: string) => r.includes(NOT_ASSOCIATED);
      for (const batch of chunks(accountIds)) {
        const disassociated = await client.send(new DisassociateMembersCommand({ DetectorId: detectorId, AccountIds: batch }));
        failOnUnprocessed('DisassociateMembers', disassociated.UnprocessedAccounts, gone);
      }
      for (const batch of chunks(accountIds)) {
        const deleted = await client.send(new DeleteMembersCommand({ DetectorId: detectorId, AccountIds: batch }));
        failOnUnprocessed('DeleteMembers', deleted.UnprocessedAccounts, gone);
      }
    },
    progress(member, mode): MemberProgress {
      const status = member?.RelationshipStatus;
      if (status !== undefined && EXPECTED[mode].includes(status)) return { state: 'ready' };
      if (status === undefined || PENDING.includes(status)) return { state: 'pending', status: status ?? 'not listed yet' };
      // The member's own choice, not the set's failure: reported per account (the Region stays covered).
      if (status === 'RegionDisabled') return { state: 'excluded', reason: FAILED_STATUS_ADVICE.RegionDisabled };
      return { state: 'failed', reason: `${status}: ${FAILED_STATUS_ADVICE[status] ?? 'unexpected relationship status'}` };
    },
    expected: (mode) => EXPECTED[mode],
    timeoutHint: (pending, mode) => mode === 'organization' && pending.some((p) => p.status === 'Created')
      ? '; a member stays Created when this account is not the organization\'s delegated administrator in this Region, '
        + 'or the account is not in the organization (add it by invitation instead)'
      : '',
    afterReady: (ready) => applyMemberFeatures(client, detectorId, settings, ready),
    lookUpEmail: lookUpOrganizationEmail,
    isContainerGone: isDetectorNotFound,
  };
}

/**
 * Once the members are ready: push the features to the members the settings apply to (all of
 * them when the features changed, else those just created), each override's accounts with theirs.
 */
async function applyMemberFeatures(client: GuardDutyClient, detectorId: string, settings: GuardDutyMemberSettings,
  { accountIds, created }: ReadyMembers): Promise<void> {
  const overrides = settings.overrides ?? [];
  const members = new Set(accountIds);
  const strangers = overrides.flatMap((o) => o.AccountIds).filter((a) => !members.has(a));
  if (strangers.length > 0) {
    throw new HandlerError(`featureOverrides name ${strangers.length} account(s) that are not members of this set: `
      + `${strangers.slice(0, 10).join(', ')}${strangers.length > 10 ? ', …' : ''} (an account's override applies to members of this set only)`);
  }
  const targets = settings.featuresChanged ? accountIds : created;
  // One UpdateMemberDetectors series per distinct feature list: the overridden accounts, then the rest.
  const overridden = new Set(overrides.flatMap((o) => o.AccountIds));
  for (const override of overrides) {
    await updateMemberDetectors(client, detectorId, targets.filter((a) => override.AccountIds.includes(a)), override.Features);
  }
  if (settings.features) await updateMemberDetectors(client, detectorId, targets.filter((a) => !overridden.has(a)), settings.features);
}

/**
 * Push detector features to member detectors (UpdateMemberDetectors: members cannot change their
 * own), in batches of 50. Accounts reported "not an associated member" are retried for a bounded
 * time, since a member created moments ago may not be visible yet; other reasons fail at once.
 */
async function updateMemberDetectors(client: GuardDutyClient, detectorId: string, accountIds: ReadonlyArray<string>,
  features: ReadonlyArray<DetectorFeatureProperty>): Promise<void> {
  if (accountIds.length === 0) return;
  const request = features.map((f) => ({
    Name: f.Name as OrgFeature,
    Status: f.Status as FeatureStatus,
    AdditionalConfiguration: f.AdditionalConfiguration?.map((a) => ({
      Name: a.Name as OrgFeatureAdditionalConfiguration,
      Status: a.Status as FeatureStatus,
    })),
  }));
  let remaining = [...accountIds];
  const clock = new PollClock({ timeoutMs: ASSOCIATION_PROPAGATION_MS, minDelayMs: 1_000 });
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
    log.info('Members not associated yet; retrying their features', { count: retry.length });
    if (!await clock.sleep()) failOnUnprocessed('UpdateMemberDetectors', retry);
    remaining = retry.map((u) => u.AccountId!).filter(Boolean);
  }
  log.info('Updated member detectors', { detectorId, count: accountIds.length, features: features.map((f) => f.Name) });
}
