/**
 * `Custom::GuardDutyAdministratorAccount`, in a member account: accept the administrator's
 * invitation given only the administrator's account id.
 *
 * The invitation is looked up with ListInvitations and retried for a bounded time, since it
 * appears in the member account a little after InviteMembers. A member the organization's
 * delegated administrator added is associated without any invitation: finding the association
 * already in place is success. An account has one administrator at a time, so a new
 * administrator is an in-place update (disassociate from the old one, then accept).
 *
 * Only a create waits long (two minutes) for the invitation: the administrator's stack sent it
 * moments before. An update looks briefly and then fails with what to do (an association removed
 * outside CloudFormation needs a new invitation, which only the administrator can send). A
 * rollback never fails for that: it says so in the log and succeeds, since no call the member
 * can make brings the association back.
 */
import {
  AcceptAdministratorInvitationCommand,
  Administrator,
  DisassociateFromAdministratorAccountCommand,
  GetAdministratorAccountCommand,
  GuardDutyClient,
  paginateListInvitations,
} from '@aws-sdk/client-guardduty';
import { AdministratorAccountResourceAttributes, AdministratorAccountResourceProperties } from '../../src/private/resources/guardduty/administrator-account';
import { guardDutyClient } from '../shared/clients';
import { errorMessage, HandlerError, isDetectorNotFound } from '../shared/errors';
import { log } from '../shared/log';
import { HandlerResult, ResourceHandler, UpdateContext } from '../shared/resource-handler';
import { eventually, writeThenConfirm } from '../shared/retry';

/** What this handler answers. */
type Result = HandlerResult<AdministratorAccountResourceAttributes>;

/** How long a create looks for the invitation (or the organization's association) before failing. */
const INVITATION_WAIT_MS = 120_000;

/** How long an update looks: the invitation, if any, is there already (ListInvitations' lag aside). */
const UPDATE_INVITATION_WAIT_MS = 15_000;

export const administratorAccountHandler: ResourceHandler<AdministratorAccountResourceProperties, AdministratorAccountResourceAttributes> = {
  create: (event) => associate(guardDutyClient(), event.ResourceProperties, INVITATION_WAIT_MS),
  async update(event, context?: UpdateContext) {
    const client = guardDutyClient();
    const old = event.OldResourceProperties;
    const props = event.ResourceProperties;
    if (context?.rollback) return rollBack(client, old, props);
    if (old.AdministratorAccountId !== props.AdministratorAccountId && old.DetectorId === props.DetectorId) {
      await leave(client, old);
    }
    return associate(client, props, UPDATE_INVITATION_WAIT_MS);
  },
  async delete(event) {
    await leave(guardDutyClient(), event.ResourceProperties);
    return { physicalResourceId: event.PhysicalResourceId };
  },
};

async function currentAdministrator(client: GuardDutyClient, detectorId: string): Promise<Administrator | undefined> {
  const { Administrator: admin } = await client.send(new GetAdministratorAccountCommand({ DetectorId: detectorId }));
  return admin?.AccountId ? admin : undefined;
}

function resultOf(props: AdministratorAccountResourceProperties): Result {
  return { physicalResourceId: `${props.DetectorId}:administrator`, data: { AdministratorAccountId: props.AdministratorAccountId } };
}

/**
 * The rollback of a failed update: back to the old administrator and detector. What the member
 * cannot bring back by itself (an association that needs a new invitation, a detector deleted
 * since) is said in the log, and the rollback succeeds.
 */
async function rollBack(client: GuardDutyClient, failed: AdministratorAccountResourceProperties,
  previous: AdministratorAccountResourceProperties): Promise<Result> {
  if (failed.AdministratorAccountId !== previous.AdministratorAccountId && failed.DetectorId === previous.DetectorId) {
    await leave(client, failed);
  }
  try {
    return await associate(client, previous, 0);
  } catch (err) {
    log.warn(`Rollback: this account stays without its association with administrator ${previous.AdministratorAccountId} `
      + `(${errorMessage(err)}); the rollback succeeds, since only the administrator can invite it again`, {});
    return resultOf(previous);
  }
}

async function associate(client: GuardDutyClient, props: AdministratorAccountResourceProperties, waitMs: number): Promise<Result> {
  const adminId = props.AdministratorAccountId;
  const result = resultOf(props);
  const current = await currentAdministrator(client, props.DetectorId);
  if (current?.AccountId === adminId) {
    log.info('Already associated with the administrator', { administrator: adminId, byInvitation: Boolean(current.InvitationId) });
    return result;
  }
  if (current) {
    throw new HandlerError(`this account is a member of administrator ${current.AccountId}, not ${adminId}; an account has one `
      + `administrator at a time: the administrator ${current.AccountId} must remove it first (or this stack must manage that association)`);
  }

  const found = await eventually(async () => {
    for await (const page of paginateListInvitations({ client, pageSize: 50 }, {})) {
      const invitation = page.Invitations?.find((i) => i.AccountId === adminId && i.InvitationId);
      if (invitation) return { invitationId: invitation.InvitationId! };
    }
    // A member added through the organization is associated without an invitation.
    const admin = await currentAdministrator(client, props.DetectorId);
    return admin?.AccountId === adminId ? { associated: true } : undefined;
  }, { timeoutMs: waitMs, initialDelayMs: 1_000, maxDelayMs: 10_000, what: `an invitation from administrator ${adminId}` });

  if (!found && waitMs === INVITATION_WAIT_MS) {
    throw new HandlerError(`no invitation from administrator ${adminId} arrived within ${INVITATION_WAIT_MS / 1000} s: `
      + 'the administrator must add this account as a member with an invitation first (members of the administrator\'s '
      + 'organization need no invitation: the delegated administrator adds them). If an earlier deployment of this stack accepted '
      + 'an invitation and was rolled back, that invitation is used: the administrator must invite again (change its MemberAccount '
      + 'for this account, for example its invitation message, and deploy its stack)');
  }
  if (!found) {
    throw new HandlerError(`this account is not associated with administrator ${adminId} and has no invitation from it: the `
      + 'association was removed outside CloudFormation (by the administrator, or by this account), or never made. Only the '
      + 'administrator can invite it again: change its MemberAccount for this account (for example its invitation message) and '
      + 'deploy the administrator\'s stack (an update invites again an account whose relationship ended), then deploy this stack again');
  }
  if ('invitationId' in found) {
    await writeThenConfirm('AcceptAdministratorInvitation', () => client.send(new AcceptAdministratorInvitationCommand({
      DetectorId: props.DetectorId,
      AdministratorId: adminId,
      InvitationId: found.invitationId,
    })), async () => (await currentAdministrator(client, props.DetectorId))?.AccountId === adminId);
    log.info('Accepted the invitation', { administrator: adminId });
  } else {
    log.info('Associated through the organization; no invitation to accept', { administrator: adminId });
  }
  return result;
}

/** Disassociate from `props`' administrator, if it is still this account's administrator. */
async function leave(client: GuardDutyClient, props: AdministratorAccountResourceProperties): Promise<void> {
  let current: Administrator | undefined;
  try {
    current = await currentAdministrator(client, props.DetectorId);
  } catch (err) {
    if (!isDetectorNotFound(err)) throw err;
    log.info('The member detector is gone, and its association with it', { detectorId: props.DetectorId });
    return;
  }
  if (current?.AccountId !== props.AdministratorAccountId) {
    log.info('Not associated with this administrator; nothing to leave', { administrator: props.AdministratorAccountId });
    return;
  }
  if (!current.InvitationId) {
    // The organization's delegated administrator manages this membership; the member cannot leave.
    log.info('Membership is managed by the organization\'s delegated administrator; left in place', { administrator: current.AccountId });
    return;
  }
  await client.send(new DisassociateFromAdministratorAccountCommand({ DetectorId: props.DetectorId }));
  log.info('Disassociated from the administrator', { administrator: current.AccountId });
}
