/**
 * `Custom::DetectiveGraphMembership`, in an invited member account: accept the invitation to a
 * behavior graph, and leave the graph on delete.
 *
 * - Create: poll ListInvitations (bounded: invitations reach the invited account with a delay)
 *   for the graph, or for the administrator's graph; INVITED is accepted; ENABLED is already done. The account must end ENABLED:
 *   ACCEPTED_BUT_DISABLED fails with Detective's reason. No invitation fails, saying the
 *   administrator must invite the account first.
 * - Update: as create (another graph is a new physical id: a replacement, and CloudFormation's
 *   cleanup leaves the old graph, whose ARN is in the old physical id), but looking for the
 *   invitation only briefly: an update finding none (the membership was removed outside
 *   CloudFormation) fails at once, saying that the administrator must invite the account again.
 *   A rollback never fails for that: it says so in the log and succeeds.
 * - Delete: DisassociateMembership while the account contributes to the graph; already gone is
 *   success. An invitation still pending is left for the administrator.
 *
 * Accounts of the organization in the organization behavior graph receive no invitation: the
 * Detective administrator enables them, and they cannot leave by themselves.
 */
import {
  AcceptInvitationCommand,
  DetectiveClient,
  DisassociateMembershipCommand,
  MemberDetail,
  paginateListInvitations,
} from '@aws-sdk/client-detective';
import { GraphMembershipResourceAttributes, GraphMembershipResourceProperties } from '../../src/private/resources/detective/graph-membership';
import { detectiveClient } from '../shared/clients';
import { CustomResourceEvent } from '../shared/custom-resource';
import { errorMessage, HandlerError, isErrorNamed, isResourceNotFound } from '../shared/errors';
import { log } from '../shared/log';
import { HandlerResult, ResourceHandler, UpdateContext } from '../shared/resource-handler';
import { eventually, writeThenConfirm } from '../shared/retry';
import { waitForStatus } from '../shared/waiters';

type MembershipEvent = CustomResourceEvent<GraphMembershipResourceProperties>;

/** How long an invitation may take to reach the invited account. */
const INVITATION_WAIT_MS = 120_000;

/** How long an update looks for the invitation (it is there already, ListInvitations' lag aside). */
const UPDATE_INVITATION_WAIT_MS = 15_000;

const DISABLED_ADVICE: Record<string, string> = {
  VOLUME_UNKNOWN: 'Detective cannot verify the data volume, usually because GuardDuty is not enabled in this account: enable '
    + 'GuardDuty here (in this Region); the administrator\'s next deployment of the member resumes it (StartMonitoringMember)',
  VOLUME_TOO_HIGH: "this account's data would take the behavior graph over Detective's data volume quota",
};

export const graphMembershipHandler: ResourceHandler<GraphMembershipResourceProperties, GraphMembershipResourceAttributes> = {
  create: (event) => accept(detectiveClient(), event.ResourceProperties, INVITATION_WAIT_MS),
  async update(event, context?: UpdateContext) {
    if (!context?.rollback) return accept(detectiveClient(), event.ResourceProperties, UPDATE_INVITATION_WAIT_MS);
    try {
      return await accept(detectiveClient(), event.ResourceProperties, 0);
    } catch (err) {
      // No call the member can make brings back a membership that needs a new invitation.
      log.warn(`Rollback: the membership stays as it is (${errorMessage(err)}); the rollback succeeds, since only the `
        + 'graph\'s administrator can invite this account again', {});
      return { physicalResourceId: event.PhysicalResourceId, data: { GraphArn: event.ResourceProperties.GraphArn ?? '', Status: '' } };
    }
  },
  delete: (event) => leave(detectiveClient(), event),
};

const SUFFIX = '/membership';

/** Which invitation the properties mean: to a graph, or from an administrator (T19: `AdministratorId ?? MasterId`). */
function matches(props: GraphMembershipResourceProperties): (i: MemberDetail) => boolean {
  if (props.GraphArn) return (i) => i.GraphArn === props.GraphArn;
  return (i) => (i.AdministratorId ?? i.MasterId) === props.AdministratorAccountId;
}

async function invitation(client: DetectiveClient, match: (i: MemberDetail) => boolean): Promise<MemberDetail | undefined> {
  for await (const page of paginateListInvitations({ client, pageSize: 100 }, {})) {
    const found = page.Invitations?.find(match);
    if (found) return found;
  }
  return undefined;
}

async function accept(client: DetectiveClient, props: GraphMembershipResourceProperties,
  waitMs: number): Promise<HandlerResult<GraphMembershipResourceAttributes>> {
  const administrator = props.AdministratorAccountId ?? props.GraphArn?.split(':')[4];
  const what = props.GraphArn ? `to behavior graph ${props.GraphArn}` : `from administrator ${administrator}`;
  const found = await eventually(() => invitation(client, matches(props)), { timeoutMs: waitMs, initialDelayMs: 1_000, what: `an invitation ${what}` });
  if (!found?.GraphArn && waitMs !== INVITATION_WAIT_MS) {
    throw new HandlerError(`no membership and no invitation ${what} in this account and Region: the membership was removed outside `
      + `CloudFormation (by the administrator, or by this account), or never made. Only the administrator (${administrator}) can `
      + 'invite this account again: change its MemberAccount for this account (for example its invitation message) and deploy the '
      + 'administrator\'s stack (an update invites again an account that left), then deploy this stack again');
  }
  if (!found?.GraphArn) {
    throw new HandlerError(`no invitation ${what} in this account and Region after ${INVITATION_WAIT_MS / 1000} s: `
      + `the graph's administrator (${administrator}) must add this account with \`invitation\` first, so deploy its stack first. `
      + 'Accounts of the organization are enabled by the Detective administrator and need no GraphMembership. If an earlier '
      + 'deployment of this stack accepted an invitation and was rolled back, the administrator must invite again (change its '
      + 'MemberAccount for this account, for example its invitation message, and deploy its stack)');
  }
  const graphArn = found.GraphArn;
  if (found.Status === 'INVITED') {
    await writeThenConfirm('AcceptInvitation', () => client.send(new AcceptInvitationCommand({ GraphArn: graphArn })),
      async () => ['ENABLED', 'ACCEPTED_BUT_DISABLED'].includes((await invitation(client, (i) => i.GraphArn === graphArn))?.Status ?? ''));
    log.info('Accepted the invitation', { graphArn });
  }
  const status = await waitForStatus<string>({
    what: `the membership in behavior graph ${graphArn}`,
    read: async () => (await invitation(client, (i) => i.GraphArn === graphArn))?.Status,
    until: ['ENABLED'],
    failOn: { ACCEPTED_BUT_DISABLED: 'see the reason below' },
    timeoutMs: INVITATION_WAIT_MS,
    initialDelayMs: 1_000,
  }).catch(async (err) => {
    const current = await invitation(client, (i) => i.GraphArn === graphArn);
    if (current?.Status === 'ACCEPTED_BUT_DISABLED') {
      const reason = current.DisabledReason ?? 'no reason given';
      throw new HandlerError(`the invitation to behavior graph ${graphArn} is accepted, but the member is ACCEPTED_BUT_DISABLED `
        + `(${reason}): ${DISABLED_ADVICE[reason] ?? 'see DisabledReason'}`);
    }
    throw err;
  });
  const data: GraphMembershipResourceAttributes = { GraphArn: graphArn, Status: status ?? '' };
  return { physicalResourceId: `${graphArn}${SUFFIX}`, data: { ...data } };
}

async function leave(client: DetectiveClient, event: MembershipEvent): Promise<HandlerResult<GraphMembershipResourceAttributes>> {
  const physicalResourceId = event.PhysicalResourceId!;
  if (!physicalResourceId.endsWith(SUFFIX)) return { physicalResourceId };
  const graphArn = physicalResourceId.slice(0, -SUFFIX.length);
  const current = await invitation(client, (i) => i.GraphArn === graphArn);
  if (!current || !['ENABLED', 'ACCEPTED_BUT_DISABLED'].includes(current.Status ?? '')) {
    log.info('Not a contributing member of the graph; nothing to leave', { graphArn, status: current?.Status });
    return { physicalResourceId };
  }
  try {
    await client.send(new DisassociateMembershipCommand({ GraphArn: graphArn }));
    log.info('Left the behavior graph', { graphArn });
  } catch (err) {
    if (!isResourceNotFound(err)) {
      if (isErrorNamed(err, 'ConflictException') && current.Status === 'ACCEPTED_BUT_DISABLED') {
        throw new HandlerError(`Detective refuses to let a member leave while it is ACCEPTED_BUT_DISABLED (${(err as Error).message}): `
          + 'ask the administrator to remove the account (DeleteMembers), or enable GuardDuty here and deploy again');
      }
      throw err;
    }
  }
  return { physicalResourceId };
}
