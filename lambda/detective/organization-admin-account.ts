/**
 * `Custom::DetectiveOrganizationAdminAccount`, in the organization's management account: make an
 * account the organization's Detective administrator in this Region and wait until Detective lists
 * it (its organization behavior graph exists then: delegation creates it when the account has none).
 *
 * There is one Detective administrator per organization and Region. Another account already in the
 * role fails the resource, naming it, unless this resource put it there; so does another account
 * registered as Detective's delegated administrator in AWS Organizations (Detective accepts only
 * that account or the management account). An update swaps in place: disable the old administrator
 * (Detective deletes its organization graph), deregister it from Organizations (which removes it in
 * every Region), then enable the new one.
 *
 * Delete (only under `RemovalPolicy.DESTROY`) disables the administrator in this Region and waits
 * until it is gone (DisableOrganizationAdminAccount deletes the organization behavior graph); the
 * Organizations registration, shared by every Region, is removed when no other Region where
 * Detective is available has the account as its administrator.
 */
import {
  Administrator,
  DetectiveClient,
  DisableOrganizationAdminAccountCommand,
  EnableOrganizationAdminAccountCommand,
  paginateListOrganizationAdminAccounts,
} from '@aws-sdk/client-detective';
import {
  AccountNotRegisteredException,
  DeregisterDelegatedAdministratorCommand,
  paginateListDelegatedAdministrators,
} from '@aws-sdk/client-organizations';
import { DetectiveOrganizationAdminAccountResourceAttributes, DetectiveOrganizationAdminAccountResourceProperties } from '../../src/private/resources/detective/organization-admin-account';
import { detectiveClient, organizationsClient } from '../shared/clients';
import { CustomResourceEvent, stackLocation } from '../shared/custom-resource';
import { DelegationService, deregisterWhenLast } from '../shared/delegation';
import { HandlerError } from '../shared/errors';
import { log } from '../shared/log';
import { HandlerResult, ResourceHandler } from '../shared/resource-handler';
import { writeThenConfirm } from '../shared/retry';
import { waitForStatus } from '../shared/waiters';

/** What this handler answers. */
type Result = HandlerResult<DetectiveOrganizationAdminAccountResourceAttributes>;

type AdminEvent = CustomResourceEvent<DetectiveOrganizationAdminAccountResourceProperties>;

/** Detective's service principal in AWS Organizations. */
const SERVICE_PRINCIPAL = 'detective.amazonaws.com';

/** Bound on each wait (enabled; gone). */
const ADMIN_WAIT_MS = 300_000;

export const detectiveOrganizationAdminAccountHandler: ResourceHandler<DetectiveOrganizationAdminAccountResourceProperties,
  DetectiveOrganizationAdminAccountResourceAttributes> = {
  create: (event) => converge(event, undefined),
  update: (event) => converge(event, event.OldResourceProperties.AdminAccountId),
  async delete(event) {
    if (notThisDelegation(event)) return { physicalResourceId: event.PhysicalResourceId };
    const accountId = event.ResourceProperties.AdminAccountId;
    await disable(detectiveClient(), accountId);
    await deregisterWhenLast(DETECTIVE_DELEGATION, accountId, stackLocation(event.StackId));
    return { physicalResourceId: event.PhysicalResourceId };
  },
};

/** Detective, for the Organizations registration's removal with the last Region (`deregisterWhenLast`). */
const DETECTIVE_DELEGATION: DelegationService = {
  name: 'Detective',
  servicePrincipal: SERVICE_PRINCIPAL,
  availableIn: (facts) => facts.detective,
  isAdministratorIn: async (region, accountId) => (await currentAdmin(detectiveClient(region)))?.AccountId === accountId,
};

async function converge(event: AdminEvent, previous: string | undefined): Promise<Result> {
  const location = stackLocation(event.StackId);
  const props = event.ResourceProperties;
  const admin = await enable(detectiveClient(), props.AdminAccountId, previous, location.account);
  // One Detective administrator per organization and Region: a new account is an in-place update.
  return {
    physicalResourceId: `detective-organization-admin:${location.region}`,
    data: { AdminAccountId: props.AdminAccountId, GraphArn: admin.GraphArn ?? '' },
  };
};

async function currentAdmin(client: DetectiveClient): Promise<Administrator | undefined> {
  for await (const page of paginateListOrganizationAdminAccounts({ client, pageSize: 100 }, {})) {
    const admin = page.Administrators?.find((a) => a.AccountId);
    if (admin) return admin;
  }
  return undefined;
}

async function waitUntil(client: DetectiveClient, accountId: string, present: boolean): Promise<Administrator | undefined> {
  let found: Administrator | undefined;
  await waitForStatus<'LISTED'>({
    what: `Detective administrator ${accountId}`,
    read: async () => {
      found = await currentAdmin(client);
      return found?.AccountId === accountId ? 'LISTED' : undefined;
    },
    until: [present ? 'LISTED' : undefined],
    timeoutMs: ADMIN_WAIT_MS,
    // Removing (a delete, a rollback's included) waits as long as Detective takes, across invocations.
    whileContinuable: !present,
    initialDelayMs: 1_000,
  });
  return found;
}

/** Accounts registered in Organizations as Detective's delegated administrator. */
async function registeredAdministrators(): Promise<string[]> {
  const ids: string[] = [];
  const client = organizationsClient();
  for await (const page of paginateListDelegatedAdministrators({ client, pageSize: 20 }, { ServicePrincipal: SERVICE_PRINCIPAL })) {
    for (const a of page.DelegatedAdministrators ?? []) if (a.Id) ids.push(a.Id);
  }
  return ids;
}

async function enable(client: DetectiveClient, accountId: string, previous: string | undefined, management: string): Promise<Administrator> {
  const current = await currentAdmin(client);
  if (current?.AccountId === accountId) {
    log.info('Already the Detective administrator', { accountId });
    return current;
  }
  if (current) {
    if (current.AccountId !== previous) {
      throw new HandlerError(`account ${current.AccountId} is already the Detective administrator of this organization in this Region; `
        + 'there can be only one: disable it first (DisableOrganizationAdminAccount from the management account, which deletes its '
        + `organization behavior graph), or set adminAccountId to ${current.AccountId}`);
    }
    log.info('Replacing the Detective administrator', { from: previous, to: accountId });
    await disable(client, current.AccountId!);
  }
  const registered = (await registeredAdministrators()).filter((id) => id !== accountId);
  for (const other of registered) {
    if (other !== previous) {
      if (accountId === management) continue;
      throw new HandlerError(`account ${other} is Detective's delegated administrator in AWS Organizations, and Detective accepts only `
        + `that account or the management account as its administrator: set adminAccountId to ${other}, or deregister it first `
        + '(DeregisterDelegatedAdministrator for detective.amazonaws.com, which removes it in every Region)');
    }
    log.info('Deregistering the previous Detective delegated administrator in Organizations', { accountId: other });
    try {
      await organizationsClient().send(new DeregisterDelegatedAdministratorCommand({ AccountId: other, ServicePrincipal: SERVICE_PRINCIPAL }));
    } catch (err) {
      if (!(err instanceof AccountNotRegisteredException)) throw err;
    }
  }
  await client.send(new EnableOrganizationAdminAccountCommand({ AccountId: accountId }));
  const admin = await waitUntil(client, accountId, true);
  log.info('Detective administrator enabled', { accountId, graphArn: admin?.GraphArn });
  return admin!;
}

async function disable(client: DetectiveClient, accountId: string): Promise<void> {
  const current = await currentAdmin(client);
  if (current?.AccountId !== accountId) {
    log.info('Not the Detective administrator; nothing to disable', { accountId, current: current?.AccountId });
    return;
  }
  await writeThenConfirm('DisableOrganizationAdminAccount', () => client.send(new DisableOrganizationAdminAccountCommand({})),
    async () => (await currentAdmin(client))?.AccountId !== accountId);
  await waitUntil(client, accountId, false);
  log.info('Detective administrator disabled', { accountId });
}

/**
 * A Delete of a physical id this resource never answered (it answers `detective-organization-admin:<region>`,
 * the same for every account it names) removes nothing: CloudFormation sends a Delete of another
 * physical id only for a replacement, which this resource never has, so such an event (forged in a
 * cleanup phase, naming any account) is not one to act on.
 */
function notThisDelegation(event: CustomResourceEvent<unknown>): boolean {
  const expected = `detective-organization-admin:${stackLocation(event.StackId).region}`;
  if (event.PhysicalResourceId === expected) return false;
  log.warn('Not this delegation\'s physical id: nothing removed', { physicalResourceId: event.PhysicalResourceId, expected });
  return true;
}
