/**
 * `Custom::GuardDutyOrganizationAdminAccount`, in the organization's management account: make an
 * account GuardDuty's delegated administrator in this Region and wait until it is ENABLED.
 *
 * There is one delegated administrator per organization and Region. Another account already in
 * that role fails the resource, naming it, unless it is the one this resource put there (then an
 * update swaps them in place: disable the old one, wait through DISABLE_IN_PROGRESS, enable the
 * new one). Create and update answer once AWS Organizations lists the account as GuardDuty's
 * delegated administrator (the registration the first delegation starts, which delegations in other
 * Regions must wait for). Delete (only under `RemovalPolicy.DESTROY`) disables it, waits until it
 * is gone, and deregisters it from AWS Organizations when no other Region delegates to it.
 */
import {
  AdminAccount,
  DisableOrganizationAdminAccountCommand,
  EnableOrganizationAdminAccountCommand,
  GuardDutyClient,
  paginateListOrganizationAdminAccounts,
} from '@aws-sdk/client-guardduty';
import { paginateListDelegatedAdministrators } from '@aws-sdk/client-organizations';
import { OrganizationAdminAccountResourceAttributes, OrganizationAdminAccountResourceProperties } from '../../src/private/resources/guardduty/organization-admin-account';
import { guardDutyClient, organizationsClient } from '../shared/clients';
import { CustomResourceEvent, stackLocation } from '../shared/custom-resource';
import { DelegationService, deregisterWhenLast } from '../shared/delegation';
import { HandlerError, isAdministratorAlreadyDisabled } from '../shared/errors';
import { log } from '../shared/log';
import { HandlerResult, ResourceHandler } from '../shared/resource-handler';
import { waitForStatus } from '../shared/waiters';

/** What this handler answers. */
type Result = HandlerResult<OrganizationAdminAccountResourceAttributes>;

type AdminEvent = CustomResourceEvent<OrganizationAdminAccountResourceProperties>;

/** GuardDuty's service principal, under which AWS Organizations lists its delegated administrator. */
const GUARDDUTY_SERVICE_PRINCIPAL = 'guardduty.amazonaws.com';

/** Bound on each wait (enabling; the Organizations registration; disabling through DISABLE_IN_PROGRESS). */
const ADMIN_WAIT_MS = 300_000;

export const organizationAdminAccountHandler: ResourceHandler<OrganizationAdminAccountResourceProperties,
  OrganizationAdminAccountResourceAttributes> = {
  async create(event) {
    await enable(guardDutyClient(), event.ResourceProperties.AdminAccountId, undefined);
    return result(event);
  },
  async update(event) {
    await enable(guardDutyClient(), event.ResourceProperties.AdminAccountId, event.OldResourceProperties.AdminAccountId);
    return result(event);
  },
  async delete(event) {
    if (notThisDelegation(event)) return { physicalResourceId: event.PhysicalResourceId };
    const accountId = event.ResourceProperties.AdminAccountId;
    await disable(guardDutyClient(), accountId);
    await deregisterWhenLast(GUARDDUTY_DELEGATION, accountId, stackLocation(event.StackId));
    return { physicalResourceId: event.PhysicalResourceId };
  },
};

function result(event: AdminEvent): Result {
  // One delegated administrator per organization and Region: a new account is an in-place update.
  return {
    physicalResourceId: `guardduty-organization-admin:${stackLocation(event.StackId).region}`,
    data: { AdminAccountId: event.ResourceProperties.AdminAccountId },
  };
};

async function currentAdmin(client: GuardDutyClient): Promise<AdminAccount | undefined> {
  for await (const page of paginateListOrganizationAdminAccounts({ client, pageSize: 50 }, {})) {
    const admin = page.AdminAccounts?.find((a) => a.AdminAccountId);
    if (admin) return admin;
  }
  return undefined;
}

function waitUntil(client: GuardDutyClient, accountId: string, until: 'ENABLED' | undefined) {
  return waitForStatus<string>({
    // Disabling (a delete, a rollback's included) waits as long as GuardDuty takes, across invocations.
    whileContinuable: until === undefined,
    what: `GuardDuty delegated administrator ${accountId}`,
    read: async () => {
      const admin = await currentAdmin(client);
      return admin?.AdminAccountId === accountId ? admin.AdminStatus : undefined;
    },
    until: [until],
    timeoutMs: ADMIN_WAIT_MS,
    initialDelayMs: 1_000,
  });
}

async function enable(client: GuardDutyClient, accountId: string, previous: string | undefined): Promise<void> {
  const current = await currentAdmin(client);
  if (current?.AdminAccountId === accountId && current.AdminStatus === 'ENABLED') {
    log.info('Already the delegated administrator', { accountId });
    // An event continued after the enable (or a retried one) still waits for the registration.
    await waitForRegistration(accountId);
    return;
  }
  if (current && current.AdminAccountId !== accountId) {
    if (current.AdminAccountId !== previous) {
      throw new HandlerError(`account ${current.AdminAccountId} is already the GuardDuty delegated administrator of this organization `
        + `in this Region (${current.AdminStatus}); there can be only one: disable it first (DisableOrganizationAdminAccount from the `
        + `management account), or set adminAccountId to ${current.AdminAccountId}`);
    }
    log.info('Replacing the delegated administrator', { from: previous, to: accountId });
    await disable(client, current.AdminAccountId!);
  } else if (current) {
    // This account, still being disabled: it must be gone before it can be enabled again.
    await waitUntil(client, accountId, undefined);
  }
  await client.send(new EnableOrganizationAdminAccountCommand({ AdminAccountId: accountId }));
  await waitUntil(client, accountId, 'ENABLED');
  await waitForRegistration(accountId);
  log.info('Delegated administrator enabled', { accountId });
}

/** GuardDuty, for the Organizations registration's removal with the last Region (`deregisterWhenLast`). */
const GUARDDUTY_DELEGATION: DelegationService = {
  name: 'GuardDuty',
  servicePrincipal: GUARDDUTY_SERVICE_PRINCIPAL,
  availableIn: (facts) => facts.guardDuty,
  isAdministratorIn: async (region, accountId) => (await currentAdmin(guardDutyClient(region)))?.AdminAccountId === accountId,
};

/**
 * Wait until AWS Organizations lists the account as GuardDuty's delegated administrator. The first
 * delegation registers it there, once for every Region, and a delegation in another Region before
 * the registration completes is refused (aws-secure-environment-accelerator#778): answering only
 * once it is listed lets the stacks of the other Regions, which wait for this one, go next.
 */
async function waitForRegistration(accountId: string): Promise<void> {
  const organizations = organizationsClient();
  await waitForStatus<'REGISTERED' | 'NOT_LISTED'>({
    what: `AWS Organizations' registration of ${accountId} as GuardDuty's delegated administrator`,
    read: async () => {
      for await (const page of paginateListDelegatedAdministrators({ client: organizations, pageSize: 20 },
        { ServicePrincipal: GUARDDUTY_SERVICE_PRINCIPAL })) {
        if ((page.DelegatedAdministrators ?? []).some((a) => a.Id === accountId)) return 'REGISTERED';
      }
      return 'NOT_LISTED';
    },
    until: ['REGISTERED'],
    timeoutMs: ADMIN_WAIT_MS,
    initialDelayMs: 1_000,
  });
}

async function disable(client: GuardDutyClient, accountId: string): Promise<void> {
  const current = await currentAdmin(client);
  if (current?.AdminAccountId !== accountId) {
    log.info('Not the delegated administrator; nothing to disable', { accountId, current: current?.AdminAccountId });
    return;
  }
  if (current.AdminStatus === 'ENABLED') {
    try {
      await client.send(new DisableOrganizationAdminAccountCommand({ AdminAccountId: accountId }));
    } catch (err) {
      if (!isAdministratorAlreadyDisabled(err)) throw err;
    }
  }
  await waitUntil(client, accountId, undefined);
  log.info('Delegated administrator disabled', { accountId });
}

/**
 * A Delete of a physical id this resource never answered (it answers `guardduty-organization-admin:<region>`,
 * the same for every account it names) removes nothing: CloudFormation sends a Delete of another
 * physical id only for a replacement, which this resource never has, so such an event (forged in a
 * cleanup phase, naming any account) is not one to act on.
 */
function notThisDelegation(event: CustomResourceEvent<unknown>): boolean {
  const expected = `guardduty-organization-admin:${stackLocation(event.StackId).region}`;
  if (event.PhysicalResourceId === expected) return false;
  log.warn('Not this delegation\'s physical id: nothing removed', { physicalResourceId: event.PhysicalResourceId, expected });
  return true;
}
