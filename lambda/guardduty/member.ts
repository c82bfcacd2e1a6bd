/**
 * `Custom::GuardDutyMember`: one member account of an administrator's detector, added through the
 * organization (associated at once) or by invitation (invited; enabled when the account accepts).
 *
 * Create and Update converge: CreateMembers (an existing member is fine), InviteMembers in
 * invitation mode (an account already invited is fine), a bounded wait for the expected
 * relationship status, then the member's detector features. A new account or detector is a
 * replacement; CloudFormation then deletes the old member. Delete disassociates, then deletes.
 */
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import {
  createMembers, getMember, inviteMembers, isLive, modeOf, removeMembers, updateMemberDetectors,
  waitForMembers,
} from './member-operations';
import { MemberResourceProperties } from '../../src/private/contracts';
import { guardDutyClient, organizationsClient } from '../shared/clients';
import { CREATE_FAILED_PHYSICAL_ID, CustomResourceEvent, ResourceResult } from '../shared/custom-resource';
import { isDetectorNotFound } from '../shared/errors';
import { log } from '../shared/log';
import { organizationAccountEmail } from '../shared/organizations';

type MemberEvent = CustomResourceEvent<MemberResourceProperties>;

/** Bound on the wait for one member's relationship status. */
const MEMBER_WAIT_MS = 120_000;

export async function onMemberEvent(event: MemberEvent): Promise<ResourceResult> {
  const client = guardDutyClient();
  switch (event.RequestType) {
    case 'Create':
    case 'Update':
      return converge(client, event.ResourceProperties);
    case 'Delete':
      return remove(client, event);
  }
}

export function memberPhysicalId(props: MemberResourceProperties): string {
  return `${props.DetectorId}:${props.AccountId}`;
}

async function converge(client: GuardDutyClient, props: MemberResourceProperties): Promise<ResourceResult> {
  const mode = modeOf(props);
  const existing = await getMember(client, props.DetectorId, props.AccountId);
  if (!isLive(existing)) {
    const email = props.Email ?? await organizationAccountEmail(organizationsClient(), props.AccountId);
    await createMembers(client, props.DetectorId, [{ accountId: props.AccountId, email }]);
  }
  if (props.Invitation && !['Invited', 'Enabled'].includes(existing?.RelationshipStatus ?? '')) {
    await inviteMembers(client, props.DetectorId, [props.AccountId], props.Invitation);
  }
  const members = await waitForMembers(client, props.DetectorId, [props.AccountId], { mode, timeoutMs: MEMBER_WAIT_MS });
  if (props.Features) {
    await updateMemberDetectors(client, props.DetectorId, [props.AccountId], props.Features);
  }
  const status = members.get(props.AccountId)?.RelationshipStatus ?? '';
  log.info('Member ready', { detectorId: props.DetectorId, accountId: props.AccountId, status });
  return { physicalResourceId: memberPhysicalId(props), data: { AccountId: props.AccountId } };
}

async function remove(client: GuardDutyClient, event: MemberEvent): Promise<ResourceResult> {
  const physicalResourceId = event.PhysicalResourceId!;
  const props = event.ResourceProperties;
  if (physicalResourceId === CREATE_FAILED_PHYSICAL_ID || physicalResourceId !== memberPhysicalId(props)) {
    // A failed create, or a physical id these properties did not make: nothing of ours to remove.
    return { physicalResourceId };
  }
  try {
    if (await getMember(client, props.DetectorId, props.AccountId)) {
      await removeMembers(client, props.DetectorId, [props.AccountId]);
    }
  } catch (err) {
    if (!isDetectorNotFound(err)) throw err;
    log.info('The administrator detector is gone, and its members with it', { detectorId: props.DetectorId });
  }
  return { physicalResourceId };
}
