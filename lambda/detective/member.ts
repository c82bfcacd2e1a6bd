/**
 * `Custom::DetectiveMember`: one member account of a behavior graph, enabled through the
 * organization or invited.
 *
 * Create and Update converge: CreateMembers unless the account is already a member, then a bounded
 * wait through VERIFICATION_IN_PROGRESS to ENABLED (organization) or INVITED/ENABLED (invitation).
 * VERIFICATION_FAILED and ACCEPTED_BUT_DISABLED fail with the reason; a member this event created
 * is removed again, so a failed create leaves nothing behind. An existing ACCEPTED_BUT_DISABLED
 * member gets StartMonitoringMember first (its reason may have been fixed since). A new account or graph is a
 * replacement. Delete calls DeleteMembers; a member or graph already gone is success.
 */
import { DetectiveClient } from '@aws-sdk/client-detective';
import { createMembers, getMember, isLive, modeOf, removeMembers, resumeDisabledMembers, waitForMembers } from './member-operations';
import { DetectiveMemberResourceAttributes, DetectiveMemberResourceProperties } from '../../src/private/contracts';
import { detectiveClient, organizationsClient } from '../shared/clients';
import { CREATE_FAILED_PHYSICAL_ID, CustomResourceEvent, ResourceResult } from '../shared/custom-resource';
import { isResourceNotFound } from '../shared/errors';
import { log } from '../shared/log';
import { organizationAccountEmail } from '../shared/organizations';

type MemberEvent = CustomResourceEvent<DetectiveMemberResourceProperties>;

/** Bound on the wait for one member's status. */
const MEMBER_WAIT_MS = 240_000;

export async function onDetectiveMemberEvent(event: MemberEvent): Promise<ResourceResult> {
  const client = detectiveClient();
  switch (event.RequestType) {
    case 'Create':
    case 'Update':
      return converge(client, event.ResourceProperties);
    case 'Delete':
      return remove(client, event);
  }
}

export function detectiveMemberPhysicalId(props: DetectiveMemberResourceProperties): string {
  return `${props.GraphArn}/${props.AccountId}`;
}

async function converge(client: DetectiveClient, props: DetectiveMemberResourceProperties): Promise<ResourceResult> {
  const existing = await getMember(client, props.GraphArn, props.AccountId);
  const creating = !isLive(existing);
  if (creating) {
    if (existing) await removeMembers(client, props.GraphArn, [props.AccountId]);
    const email = props.EmailAddress ?? await organizationAccountEmail(organizationsClient(), props.AccountId);
    await createMembers(client, props.GraphArn, [{ accountId: props.AccountId, email }], props.Invitation);
  } else {
    await resumeDisabledMembers(client, props.GraphArn, new Map([[props.AccountId, existing!]]), [props.AccountId]);
  }
  try {
    const members = await waitForMembers(client, props.GraphArn, [props.AccountId], { mode: modeOf(props), timeoutMs: MEMBER_WAIT_MS });
    const status = members.get(props.AccountId)?.Status ?? '';
    log.info('Member ready', { graphArn: props.GraphArn, accountId: props.AccountId, status });
    const data: DetectiveMemberResourceAttributes = { AccountId: props.AccountId, Status: status };
    return { physicalResourceId: detectiveMemberPhysicalId(props), data: { ...data } };
  } catch (err) {
    if (creating) {
      log.warn('Removing the member this create added, after it failed', { accountId: props.AccountId });
      await removeMembers(client, props.GraphArn, [props.AccountId]).catch(() => undefined);
    }
    throw err;
  }
}

async function remove(client: DetectiveClient, event: MemberEvent): Promise<ResourceResult> {
  const physicalResourceId = event.PhysicalResourceId!;
  const props = event.ResourceProperties;
  if (physicalResourceId === CREATE_FAILED_PHYSICAL_ID || physicalResourceId !== detectiveMemberPhysicalId(props)) {
    return { physicalResourceId };
  }
  try {
    if (await getMember(client, props.GraphArn, props.AccountId)) await removeMembers(client, props.GraphArn, [props.AccountId]);
  } catch (err) {
    if (!isResourceNotFound(err)) throw err;
    log.info('The behavior graph is gone, and its members with it', { graphArn: props.GraphArn });
  }
  return { physicalResourceId };
}
