/**
 * `Custom::DetectiveMembers`: a set of member accounts of a behavior graph in one resource, listed
 * in the template or read from AWS Organizations (roots or OUs, recursively) when the event arrives.
 *
 * - Create: the accounts that are not members yet get CreateMembers, ceil(N/50) calls; members
 *   ACCEPTED_BUT_DISABLED get StartMonitoringMember (their reason may be fixed); then one wait over
 *   all of them. If the wait fails, the members this create added are removed again.
 * - Update: the accounts the old properties named and the new ones do not are deleted; the rest
 *   converge as on create.
 * - Delete: the set's accounts that are still members are deleted.
 */
import { DetectiveClient } from '@aws-sdk/client-detective';
import { createMembers, isLive, listAllMembers, modeOf, removeMembers, resumeDisabledMembers, waitForMembers } from './member-operations';
import { DetectiveMembersResourceAttributes, DetectiveMembersResourceProperties } from '../../src/private/contracts';
import { detectiveClient } from '../shared/clients';
import { CREATE_FAILED_PHYSICAL_ID, CustomResourceEvent, ResourceResult, stackLocation } from '../shared/custom-resource';
import { isResourceNotFound } from '../shared/errors';
import { log } from '../shared/log';
import { resolveAccountIds, resolveAccounts } from '../shared/organizations';

type MembersEvent = CustomResourceEvent<DetectiveMembersResourceProperties>;

/** Bound on the wait for a set's statuses (one wait covers every account). */
const MEMBERS_WAIT_MS = 300_000;

export async function onDetectiveMembersEvent(event: MembersEvent): Promise<ResourceResult> {
  const client = detectiveClient();
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
  return `${event.ResourceProperties.GraphArn}/members/${event.LogicalResourceId}`;
}

async function converge(client: DetectiveClient, event: MembersEvent, self: string,
  old: DetectiveMembersResourceProperties | undefined): Promise<ResourceResult> {
  const props = event.ResourceProperties;
  const desired = await resolveAccounts(props, self);
  const desiredIds = new Set(desired.map((t) => t.accountId));
  const current = await listAllMembers(client, props.GraphArn);

  if (old !== undefined && old.GraphArn === props.GraphArn) {
    const sameSource = JSON.stringify([old.Accounts, old.Organization]) === JSON.stringify([props.Accounts, props.Organization]);
    const previous = sameSource ? desired.map((t) => t.accountId) : await resolveAccountIds(old, self);
    const dropped = previous.filter((id) => !desiredIds.has(id) && current.has(id));
    await removeMembers(client, props.GraphArn, dropped);
    for (const id of dropped) current.delete(id);
  }

  // A member that failed verification is added again: the email may have been corrected.
  const failed = desired.filter((t) => current.has(t.accountId) && !isLive(current.get(t.accountId))).map((t) => t.accountId);
  await removeMembers(client, props.GraphArn, failed);
  const toCreate = desired.filter((t) => !isLive(current.get(t.accountId)));
  await createMembers(client, props.GraphArn, toCreate, props.Invitation);
  await resumeDisabledMembers(client, props.GraphArn, current, [...desiredIds]);
  if (desired.length > 0) {
    try {
      await waitForMembers(client, props.GraphArn, [...desiredIds], { mode: modeOf(props), timeoutMs: MEMBERS_WAIT_MS });
    } catch (err) {
      // A failed create leaves nothing behind (a failed update is rolled back by CloudFormation instead).
      if (old === undefined && toCreate.length > 0) {
        log.warn('Removing the members this create added, after it failed', { count: toCreate.length });
        await removeMembers(client, props.GraphArn, toCreate.map((t) => t.accountId)).catch(() => undefined);
      }
      throw err;
    }
  }
  log.info('Member set ready', { graphArn: props.GraphArn, members: desired.length, created: toCreate.length });
  const data: DetectiveMembersResourceAttributes = { MemberCount: String(desired.length) };
  return { physicalResourceId: physicalId(event), data: { ...data } };
}

async function remove(client: DetectiveClient, event: MembersEvent, self: string): Promise<ResourceResult> {
  const physicalResourceId = event.PhysicalResourceId!;
  const props = event.ResourceProperties;
  if (physicalResourceId === CREATE_FAILED_PHYSICAL_ID || physicalResourceId !== physicalId(event)) {
    return { physicalResourceId };
  }
  try {
    const current = await listAllMembers(client, props.GraphArn);
    const accounts = (await resolveAccountIds(props, self)).filter((id) => current.has(id));
    await removeMembers(client, props.GraphArn, accounts);
  } catch (err) {
    if (!isResourceNotFound(err)) throw err;
    log.info('The behavior graph is gone, and its members with it', { graphArn: props.GraphArn });
  }
  return { physicalResourceId };
}
