/**
 * `Custom::GuardDutyMembers`: a set of member accounts in one resource, listed in the template or
 * read from AWS Organizations (roots or OUs, recursively) when the event arrives.
 *
 * - Create: the accounts that are not live members yet get CreateMembers (and InviteMembers in
 *   invitation mode), ceil(N/50) calls each; then one wait over all of them; then features.
 * - Update: the accounts the old properties named and the new ones do not are disassociated and
 *   deleted; the rest converge as on create. Features go to every member when they changed, else
 *   only to the accounts added.
 * - Delete: the set's accounts that are still members are disassociated and deleted.
 *
 * A set read from Organizations is resolved again on every event: accounts moved out of the OUs
 * since the last deployment are removed only if they are still under the old OUs' resolution.
 */
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import {
  createMembers, inviteMembers, isLive, listAllMembers, modeOf, removeMembers,
  updateMemberDetectors, waitForMembers,
} from './member-operations';
import { MembersResourceAttributes, MembersResourceProperties } from '../../src/private/contracts';
import { guardDutyClient } from '../shared/clients';
import { CREATE_FAILED_PHYSICAL_ID, CustomResourceEvent, ResourceResult, stackLocation } from '../shared/custom-resource';
import { isDetectorNotFound } from '../shared/errors';
import { log } from '../shared/log';
import { resolveAccountIds, resolveAccounts } from '../shared/organizations';

type MembersEvent = CustomResourceEvent<MembersResourceProperties>;

/** Bound on the wait for a set's relationship statuses (one wait covers every account). */
const MEMBERS_WAIT_MS = 300_000;

export async function onMembersEvent(event: MembersEvent): Promise<ResourceResult> {
  const client = guardDutyClient();
  const self = stackLocation(event.StackId).account;
  switch (event.RequestType) {
    case 'Create':
      return converge(client, event, self, undefined);
    case 'Update':
      return converge(client, event, self, event.OldResourceProperties);
    case 'Delete':
      return remove(client, event, self);
  }
}

function physicalId(event: MembersEvent): string {
  return `${event.ResourceProperties.DetectorId}:members:${event.LogicalResourceId}`;
}

async function converge(client: GuardDutyClient, event: MembersEvent, self: string,
  old: MembersResourceProperties | undefined): Promise<ResourceResult> {
  const props = event.ResourceProperties;
  const desired = await resolveAccounts(props, self);
  const desiredIds = new Set(desired.map((t) => t.accountId));
  let current = await listAllMembers(client, props.DetectorId);

  const sameDetector = old !== undefined && old.DetectorId === props.DetectorId;
  if (sameDetector) {
    // The same source resolves to the same accounts: read the organization once, not twice.
    const sameSource = JSON.stringify([old.Accounts, old.Organization]) === JSON.stringify([props.Accounts, props.Organization]);
    const previous = sameSource ? desired.map((t) => t.accountId) : await resolveAccountIds(old, self);
    const dropped = previous.filter((id) => !desiredIds.has(id) && current.has(id));
    if (dropped.length > 0) {
      await removeMembers(client, props.DetectorId, dropped);
      for (const id of dropped) current.delete(id);
    }
  }

  const toCreate = desired.filter((t) => !isLive(current.get(t.accountId)));
  await createMembers(client, props.DetectorId, toCreate);
  if (props.Invitation) {
    if (toCreate.length > 0) current = await listAllMembers(client, props.DetectorId);
    const toInvite = desired.filter((t) => !['Invited', 'Enabled'].includes(current.get(t.accountId)?.RelationshipStatus ?? ''));
    await inviteMembers(client, props.DetectorId, toInvite.map((t) => t.accountId), props.Invitation);
  }
  if (desired.length > 0) {
    await waitForMembers(client, props.DetectorId, [...desiredIds], { mode: modeOf(props), timeoutMs: MEMBERS_WAIT_MS });
  }

  if (props.Features && desired.length > 0) {
    const featuresChanged = !sameDetector || JSON.stringify(old?.Features) !== JSON.stringify(props.Features);
    const targets = featuresChanged ? [...desiredIds] : toCreate.map((t) => t.accountId);
    await updateMemberDetectors(client, props.DetectorId, targets, props.Features);
  }
  log.info('Member set ready', { detectorId: props.DetectorId, members: desired.length, created: toCreate.length });
  const data: MembersResourceAttributes = { MemberCount: String(desired.length) };
  return { physicalResourceId: physicalId(event), data: { ...data } };
}

async function remove(client: GuardDutyClient, event: MembersEvent, self: string): Promise<ResourceResult> {
  const physicalResourceId = event.PhysicalResourceId!;
  const props = event.ResourceProperties;
  if (physicalResourceId === CREATE_FAILED_PHYSICAL_ID || physicalResourceId !== physicalId(event)) {
    return { physicalResourceId };
  }
  try {
    const current = await listAllMembers(client, props.DetectorId);
    const accounts = (await resolveAccountIds(props, self)).filter((id) => current.has(id));
    await removeMembers(client, props.DetectorId, accounts);
  } catch (err) {
    if (!isDetectorNotFound(err)) throw err;
    log.info('The administrator detector is gone, and its members with it', { detectorId: props.DetectorId });
  }
  return { physicalResourceId };
}
