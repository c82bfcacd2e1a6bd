/**
 * `Custom::GuardDutyOrganizationAdminAccount`, in the organization's management account: make an
 * account GuardDuty's delegated administrator in this Region and wait until it is ENABLED.
 *
 * There is one delegated administrator per organization and Region. Another account already in
 * that role fails the resource, naming it, unless it is the one this resource put there (then an
 * update swaps them in place: disable the old one, wait through DISABLE_IN_PROGRESS, enable the
 * new one). Delete (only under `RemovalPolicy.DESTROY`) disables it and waits until it is gone.
 */
import {
  AdminAccount,
  DisableOrganizationAdminAccountCommand,
  EnableOrganizationAdminAccountCommand,
  GuardDutyClient,
  paginateListOrganizationAdminAccounts,
} from '@aws-sdk/client-guardduty';
import { OrganizationAdminAccountResourceProperties } from '../../src/private/contracts';
import { guardDutyClient } from '../shared/clients';
import { CREATE_FAILED_PHYSICAL_ID, CustomResourceEvent, ResourceResult, stackLocation } from '../shared/custom-resource';
import { HandlerError, isAdministratorAlreadyDisabled } from '../shared/errors';
import { log } from '../shared/log';
import { waitForStatus } from '../shared/waiters';

type AdminEvent = CustomResourceEvent<OrganizationAdminAccountResourceProperties>;

/** Bound on each wait (enabling; disabling through DISABLE_IN_PROGRESS). */
const ADMIN_WAIT_MS = 300_000;

export async function onOrganizationAdminAccountEvent(event: AdminEvent): Promise<ResourceResult> {
  const client = guardDutyClient();
  const physicalResourceId = `guardduty-organization-admin:${stackLocation(event.StackId).region}`;
  const props = event.ResourceProperties;
  switch (event.RequestType) {
    case 'Create':
      await enable(client, props.AdminAccountId, undefined);
      break;
    case 'Update':
      await enable(client, props.AdminAccountId, event.OldResourceProperties?.AdminAccountId);
      break;
    case 'Delete':
      if (event.PhysicalResourceId === CREATE_FAILED_PHYSICAL_ID) return { physicalResourceId: event.PhysicalResourceId };
      await disable(client, props.AdminAccountId);
      return { physicalResourceId: event.PhysicalResourceId! };
  }
  return { physicalResourceId, data: { AdminAccountId: props.AdminAccountId } };
}

async function currentAdmin(client: GuardDutyClient): Promise<AdminAccount | undefined> {
  for await (const page of paginateListOrganizationAdminAccounts({ client, pageSize: 50 }, {})) {
    const admin = page.AdminAccounts?.find((a) => a.AdminAccountId);
    if (admin) return admin;
  }
  return undefined;
}

function waitUntil(client: GuardDutyClient, accountId: string, until: 'ENABLED' | undefined) {
  return waitForStatus<string>({
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
  log.info('Delegated administrator enabled', { accountId });
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
