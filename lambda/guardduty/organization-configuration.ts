/**
 * `Custom::GuardDutyOrganizationConfiguration`, in the delegated administrator account: which
 * accounts GuardDuty enables by itself (ALL / NEW / NONE) and which protection plans it enables in
 * them.
 *
 * UpdateOrganizationConfiguration requires the members setting on every call and overwrites what
 * it is sent, so each write is read-modify-write: the current members setting unless this
 * resource manages it, and only the features this resource names. Resources writing one
 * detector's settings are chained by dependencies at synth, so their writes never interleave.
 * Delete (only under `RemovalPolicy.DESTROY`) sets what this resource manages back to NONE, and
 * succeeds when there is nothing left to reset (the detector gone, or the account no longer the
 * delegated administrator). A create or update refused for those reasons fails saying which; a
 * rollback Update refused for them succeeds (the configuration is not this account's to restore).
 *
 * A create records what it changes, as it was (the members setting, if managed, and each named
 * feature's auto-enable), in the physical id (`shared/adoption.ts`); the Delete that undoes the
 * create (a failed first deployment's rollback) writes those values back instead of NONE.
 */
import {
  AutoEnableMembers,
  DescribeOrganizationConfigurationCommand,
  DescribeOrganizationConfigurationCommandOutput,
  GuardDutyClient,
  OrgFeature,
  OrgFeatureAdditionalConfiguration,
  OrgFeatureStatus,
  paginateListDetectors,
  UpdateOrganizationConfigurationCommand,
} from '@aws-sdk/client-guardduty';
import { OrganizationConfigurationResourceProperties, OrganizationFeatureProperty } from '../../src/private/resources/guardduty/organization-configuration';
import { parseAdoptionRecord, withAdoptionRecord } from '../shared/adoption';
import { guardDutyClient } from '../shared/clients';
import { CustomResourceEvent } from '../shared/custom-resource';
import { errorMessage, HandlerError, isBadRequest } from '../shared/errors';
import { log } from '../shared/log';
import { DeleteContext, HandlerResult, ResourceHandler, UpdateContext } from '../shared/resource-handler';

type ConfigurationEvent = CustomResourceEvent<OrganizationConfigurationResourceProperties>;

export const organizationConfigurationHandler: ResourceHandler<OrganizationConfigurationResourceProperties, Record<string, never>> = {
  create: (event) => converge(event, false, true),
  update: (event, context?: UpdateContext) => converge(event, context?.rollback ?? false, false),
  async delete(event, context?: DeleteContext) {
    const before = parseAdoptionRecord<ConfigurationBefore>(event.PhysicalResourceId).record;
    if (context?.undoesCreate && before) {
      await restore(guardDutyClient(), event.ResourceProperties.DetectorId, before);
    } else {
      await reset(guardDutyClient(), event.ResourceProperties);
    }
    return { physicalResourceId: event.PhysicalResourceId };
  },
};

/** What a create changed, as it was: kept in the physical id. */
interface ConfigurationBefore {
  /** The members setting before, when this resource manages it. */
  readonly members?: string;
  /** Each named feature's auto-enable before (and its additional configuration's). */
  readonly features?: OrganizationFeatureProperty[];
}

type CurrentConfiguration = DescribeOrganizationConfigurationCommandOutput;

/** The members setting in effect (the legacy `AutoEnable` flag where the new field is absent). */
function membersSetting(current: CurrentConfiguration): string {
  return current.AutoEnableOrganizationMembers ?? (current.AutoEnable ? 'NEW' : 'NONE');
}

/** The values a write of these properties will change, as they are now. */
function configurationBefore(current: CurrentConfiguration, props: OrganizationConfigurationResourceProperties): ConfigurationBefore {
  const named = new Set((props.Features ?? []).map((f) => f.Name));
  const features = (current.Features ?? []).filter((f) => f.Name && named.has(f.Name)).map((f) => ({
    Name: f.Name!,
    AutoEnable: f.AutoEnable ?? 'NONE',
    AdditionalConfiguration: f.AdditionalConfiguration?.map((a) => ({ Name: a.Name!, AutoEnable: a.AutoEnable ?? 'NONE' })),
  }));
  return {
    members: props.AutoEnableOrganizationMembers !== undefined ? membersSetting(current) : undefined,
    features: features.length > 0 ? features : undefined,
  };
}

/** Write back what the create changed; a rollback never fails for a configuration no longer this account's. */
async function restore(client: GuardDutyClient, detectorId: string, before: ConfigurationBefore): Promise<void> {
  try {
    await write(client, detectorId, before.members, before.features);
    log.info('Restored the organization configuration the create changed', { detectorId });
  } catch (err) {
    if (!isBadRequest(err)) throw err;
    log.warn(`Rollback: the organization configuration is left as it is: ${await whyRefused(client, detectorId)}`, { detectorId });
  }
}

async function converge(event: ConfigurationEvent, rollback: boolean, creating: boolean): Promise<HandlerResult<Record<string, never>>> {
  const props = event.ResourceProperties;
  const client = guardDutyClient();
  const base = `${props.DetectorId}:organization-configuration:${event.LogicalResourceId}`;
  // A create records what it changes; an update keeps its physical id (and the create's record),
  // unless it moves to another detector (a replacement: CloudFormation then deletes the old one).
  const moved = !creating && event.OldResourceProperties?.DetectorId !== props.DetectorId;
  const result = { physicalResourceId: creating || moved ? base : event.PhysicalResourceId! };
  try {
    const current = await read(client, props.DetectorId);
    if (creating) result.physicalResourceId = withAdoptionRecord(base, configurationBefore(current, props));
    await write(client, props.DetectorId, props.AutoEnableOrganizationMembers, props.Features, current);
  } catch (err) {
    if (!isBadRequest(err)) throw err;
    const why = await whyRefused(client, props.DetectorId);
    if (rollback) {
      log.warn(`Rollback: the organization configuration is left as it is: ${why}`, { detectorId: props.DetectorId, error: errorMessage(err) });
      return result;
    }
    throw new HandlerError(`${(err as { $operation?: string }).$operation ?? 'a call'} failed: ${errorMessage(err)}; ${why}`);
  }
  return result;
}

/** Why GuardDuty refuses this detector's organization configuration, read from the state. */
async function whyRefused(client: GuardDutyClient, detectorId: string): Promise<string> {
  return await listsDetector(client, detectorId)
    ? 'this account is not (any more) GuardDuty\'s delegated administrator: make it the administrator again (OrganizationAdminAccount in '
      + 'the management account; its stack must change for a new event, or enable it with EnableOrganizationAdminAccount) and deploy again'
    : `the administrator detector ${detectorId} no longer exists: deploy the stack that owns it (its update creates it again) first`;
}

function read(client: GuardDutyClient, detectorId: string): Promise<CurrentConfiguration> {
  return client.send(new DescribeOrganizationConfigurationCommand({ DetectorId: detectorId }));
}

/**
 * Write the members setting (the current one when not given: the call requires it) and the
 * given features. `current` is the configuration already read, if it was.
 */
async function write(client: GuardDutyClient, detectorId: string, members: string | undefined,
  features: ReadonlyArray<OrganizationFeatureProperty> | undefined, current?: CurrentConfiguration): Promise<void> {
  // Read first (unless already read): an account that is not the administrator is refused here, before any write.
  const now = current ?? await read(client, detectorId);
  const autoEnableMembers = (members ?? membersSetting(now)) as AutoEnableMembers;
  await client.send(new UpdateOrganizationConfigurationCommand({
    DetectorId: detectorId,
    AutoEnableOrganizationMembers: autoEnableMembers,
    Features: features?.map((f) => ({
      Name: f.Name as OrgFeature,
      AutoEnable: f.AutoEnable as OrgFeatureStatus,
      AdditionalConfiguration: f.AdditionalConfiguration?.map((a) => ({
        Name: a.Name as OrgFeatureAdditionalConfiguration,
        AutoEnable: a.AutoEnable as OrgFeatureStatus,
      })),
    })),
  }));
  log.info('Organization configuration written', {
    detectorId, autoEnableOrganizationMembers: autoEnableMembers, features: features?.map((f) => `${f.Name}=${f.AutoEnable}`) ?? [],
  });
}

async function reset(client: GuardDutyClient, props: OrganizationConfigurationResourceProperties): Promise<void> {
  const none = (f: OrganizationFeatureProperty): OrganizationFeatureProperty => ({
    Name: f.Name,
    AutoEnable: 'NONE',
    AdditionalConfiguration: f.AdditionalConfiguration?.map((a) => ({ Name: a.Name, AutoEnable: 'NONE' })),
  });
  try {
    await write(client, props.DetectorId, props.AutoEnableOrganizationMembers !== undefined ? 'NONE' : undefined,
      props.Features?.map(none));
  } catch (err) {
    if (!isBadRequest(err)) throw err;
    // Decided by state, not by the message: the detector is gone, or it is here and GuardDuty
    // refuses its organization configuration, which it does only when this account is no longer
    // the delegated administrator. Either way there is nothing this resource can reset, and a
    // Delete that could never succeed would leave the stack in DELETE_FAILED.
    log.warn(`Nothing to reset: ${await whyRefused(client, props.DetectorId)}`, { detectorId: props.DetectorId, error: errorMessage(err) });
  }
}

/** Whether ListDetectors has the detector (the detector's existence, read from a list rather than an error's wording). */
async function listsDetector(client: GuardDutyClient, detectorId: string): Promise<boolean> {
  for await (const page of paginateListDetectors({ client }, { MaxResults: 50 })) {
    if ((page.DetectorIds ?? []).includes(detectorId)) return true;
  }
  return false;
}
