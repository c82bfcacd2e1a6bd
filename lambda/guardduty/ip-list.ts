/**
 * The lifecycle shared by the list resource types (`Custom::GuardDutyIPSet`, `…ThreatIntelSet`,
 * `…TrustedEntitySet`, `…ThreatEntitySet`): the four APIs have the same shape, statuses and
 * quirks, and differ in names, quota and how GuardDuty reads the list.
 *
 * - Create: Create* with a client token, then wait until ACTIVE (or INACTIVE when not activated).
 *   ERROR means GuardDuty could not read or parse the list; the set is deleted again (a failed
 *   create leaves nothing behind) and the failure says what to check, with GuardDuty's error
 *   details where the API gives them (entity lists).
 * - Update: a new format or detector is a replacement (create the new set, return its id;
 *   CloudFormation deletes the old one). Otherwise wait out a transitional status, Update* with
 *   name, location and activation (activating again makes GuardDuty read a changed list), wait,
 *   and apply the tag diff.
 * - Delete: Delete*, then wait until the set is gone or DELETED; a set already gone is success.
 */
import { GuardDutyClient, paginateListDetectors } from '@aws-sdk/client-guardduty';
import { ThreatListResourceAttributes, ThreatListResourceProperties } from '../../src/private/resources/guardduty/threat-list';
import { guardDutyClient } from '../shared/clients';
import { CustomResourceEvent, stackLocation, StackLocation } from '../shared/custom-resource';
import { HandlerError, isBadRequest, isDetectorNotFound } from '../shared/errors';
import { clientToken } from '../shared/idempotency';
import { madeResource } from '../shared/invocation';
import { log } from '../shared/log';
import { parseBoolean } from '../shared/props';
import { HandlerResult, ResourceHandler } from '../shared/resource-handler';
import { writeThenConfirm } from '../shared/retry';
import { syncTags, tagsOrUndefined } from '../shared/tags';
import { waitForStatus } from '../shared/waiters';

/** What this handler answers. */
type Result = HandlerResult<ThreatListResourceAttributes>;

export type ListStatus = 'INACTIVE' | 'ACTIVATING' | 'ACTIVE' | 'DEACTIVATING' | 'ERROR' | 'DELETE_PENDING' | 'DELETED';

export interface ListSettings {
  readonly detectorId: string;
  readonly name: string;
  readonly format: string;
  readonly location: string;
  readonly activate: boolean;
  readonly expectedBucketOwner?: string;
}

/** The calls of one set API (IPSet, ThreatIntelSet, TrustedEntitySet or ThreatEntitySet). */
export interface ListApi {
  /** "IPSet", "ThreatIntelSet", "TrustedEntitySet" or "ThreatEntitySet", for messages. */
  readonly kind: string;
  /** The ARN path segment, e.g. `ipset` or `trustedentityset`. */
  readonly arnSegment: string;
  /** Sets per account and Region, where GuardDuty documents it (a refused create is then explained by it). */
  readonly quota?: number;
  /** What an ERROR status means and what to check. */
  readonly errorAdvice: string;
  create(client: GuardDutyClient, settings: ListSettings, token: string, tags?: Record<string, string>): Promise<string>;
  /** The set's status (Get*); throws whatever the service answers for a set it does not have. */
  status(client: GuardDutyClient, detectorId: string, setId: string): Promise<ListStatus>;
  /** The set's name and location as GuardDuty holds them, and its error details when it has them (Get*). */
  describe(client: GuardDutyClient, detectorId: string, setId: string): Promise<ListDescription>;
  update(client: GuardDutyClient, setId: string, settings: ListSettings): Promise<void>;
  delete(client: GuardDutyClient, detectorId: string, setId: string): Promise<void>;
  list(client: GuardDutyClient, detectorId: string): Promise<string[]>;
}

/** What Get* tells of a set beyond its status. */
export interface ListDescription {
  readonly name?: string;
  readonly location?: string;
  /** "The error details when the status is shown as ERROR" (entity lists only). */
  readonly errorDetails?: string;
}

type ListEvent = CustomResourceEvent<ThreatListResourceProperties>;

/** How long to wait for a set to settle. GuardDuty reads the list from S3 while ACTIVATING. */
const SETTLE_TIMEOUT_MS = 10 * 60_000;
const TRANSITIONAL: ListStatus[] = ['ACTIVATING', 'DEACTIVATING', 'DELETE_PENDING'];
/** What an IP list's ERROR means: GuardDuty reads IP lists as its service-linked role. */
export const IP_LIST_ERROR_ADVICE = 'GuardDuty could not read or parse the list. Check that the object exists at the location, that its '
  + 'format matches `format`, that the bucket is owned by the expected account, and that GuardDuty\'s service-linked role '
  + 'may read it (and decrypt it, for SSE-KMS)';
/** What an entity list's ERROR means: GuardDuty reads entity lists with the caller's access. */
export const ENTITY_LIST_ERROR_ADVICE = 'GuardDuty could not read or parse the list. Check that the object exists at the location, that '
  + 'its format matches `format`, that the bucket is owned by the expected account (this account when none is given), and that the '
  + 'handler\'s role may read it (s3:GetObject, and kms:Decrypt for SSE-KMS): GuardDuty reads entity lists with the caller\'s access';

/** The handler of one set API: the same lifecycle for the four list APIs. */
export function listHandler(api: ListApi): ResourceHandler<ThreatListResourceProperties, ThreatListResourceAttributes> {
  return {
    create: (event) => create(api, guardDutyClient(), stackLocation(event.StackId), event),
    update: (event) => update(api, guardDutyClient(), stackLocation(event.StackId), event),
    delete: (event) => remove(api, guardDutyClient(), event),
  };
}

async function create(api: ListApi, client: GuardDutyClient, location: StackLocation, event: ListEvent): Promise<Result> {
  const settings = parseSettings(event.ResourceProperties);
  let setId: string;
  try {
    setId = await api.create(client, settings, clientToken(event), tagsOrUndefined(event.ResourceProperties.Tags));
  } catch (err) {
    throw await explainCreateFailure(api, client, settings, err);
  }
  log.info(`Created ${api.kind}`, { detectorId: settings.detectorId, setId });
  // From here a failure (or the function's timeout) answers with the set's physical id, so the
  // rollback's Delete removes it if the cleanup below could not.
  madeResource(physicalId(settings.detectorId, setId));
  try {
    await settle(api, client, settings, setId);
  } catch (err) {
    // Leave nothing behind: the set exists but is unusable.
    await deleteAndWait(api, client, settings.detectorId, setId).catch((deleteErr) =>
      log.error(`Could not delete the ${api.kind} after its create failed`, { setId, error: String(deleteErr) }));
    throw err;
  }
  return result(api, location, settings.detectorId, setId);
}

async function update(api: ListApi, client: GuardDutyClient, location: StackLocation, event: ListEvent): Promise<Result> {
  const settings = parseSettings(event.ResourceProperties);
  const old = event.OldResourceProperties!;
  if (settings.format !== old.Format || settings.detectorId !== old.DetectorId) {
    log.info(`${api.kind} format or detector changed: creating the replacement`, { from: old.Format, to: settings.format });
    return create(api, client, location, event);
  }
  const { setId } = parsePhysicalId(event.PhysicalResourceId!);
  const current = await waitOutTransition(api, client, settings.detectorId, setId);
  if (current === undefined || current === 'DELETED') {
    log.warn(`The ${api.kind} no longer exists; creating it again`, { setId });
    return create(api, client, location, event);
  }
  // A lost answer retried by the SDK is refused while the set is activating: the update took
  // effect when the set already has the name and location it sent.
  await writeThenConfirm(`Update${api.kind}`, () => api.update(client, setId, settings), async () => {
    const held = await api.describe(client, settings.detectorId, setId);
    return held.name === settings.name && held.location === settings.location;
  });
  await settle(api, client, settings, setId);
  await syncTags(client, setArn(api, location, settings.detectorId, setId), old.Tags, event.ResourceProperties.Tags);
  return result(api, location, settings.detectorId, setId);
}

async function remove(api: ListApi, client: GuardDutyClient, event: ListEvent): Promise<Result> {
  const physicalResourceId = event.PhysicalResourceId!;
  const { detectorId, setId } = parsePhysicalId(physicalResourceId);
  await deleteAndWait(api, client, detectorId, setId);
  return { physicalResourceId };
}

async function deleteAndWait(api: ListApi, client: GuardDutyClient, detectorId: string, setId: string): Promise<void> {
  // A set that is ACTIVATING cannot be deleted yet ("wait for a few minutes before performing any action").
  const current = await waitOutTransition(api, client, detectorId, setId, ['ACTIVATING', 'DEACTIVATING']);
  if (current === undefined || current === 'DELETED') {
    log.info(`The ${api.kind} was already gone`, { detectorId, setId });
    return;
  }
  if (current !== 'DELETE_PENDING') {
    // Decided by the state the delete leaves: the set gone, or being deleted (a lost answer whose
    // retry GuardDuty refused because the first attempt had already started the deletion).
    await writeThenConfirm(`Delete${api.kind}`, () => api.delete(client, detectorId, setId),
      async () => ['DELETE_PENDING', 'DELETED', undefined].includes(await statusOf(api, client, detectorId, setId)));
  }
  await waitForStatus<ListStatus>({
    what: `${api.kind} ${setId}`,
    read: () => statusOf(api, client, detectorId, setId),
    until: [undefined, 'DELETED'],
    timeoutMs: SETTLE_TIMEOUT_MS,
  });
  log.info(`Deleted ${api.kind}`, { detectorId, setId });
}

/** Wait until the set is ACTIVE, or INACTIVE when not activated; ERROR fails, with GuardDuty's details when it gives them. */
async function settle(api: ListApi, client: GuardDutyClient, settings: ListSettings, setId: string): Promise<void> {
  await waitForStatus<ListStatus>({
    what: `${api.kind} ${setId} (${settings.location})`,
    read: () => statusOf(api, client, settings.detectorId, setId),
    until: [settings.activate ? 'ACTIVE' : 'INACTIVE'],
    failOn: { ERROR: api.errorAdvice, DELETED: 'it was deleted while being configured', DELETE_PENDING: 'it is being deleted' },
    failureDetails: async (status) => {
      if (status !== 'ERROR') return undefined;
      const details = (await api.describe(client, settings.detectorId, setId)).errorDetails;
      return details ? `GuardDuty: ${details}` : undefined;
    },
    timeoutMs: SETTLE_TIMEOUT_MS,
  });
}

/** The set's status once it is not in a transitional one (`undefined` when gone). */
async function waitOutTransition(api: ListApi, client: GuardDutyClient, detectorId: string, setId: string,
  transitional: ListStatus[] = TRANSITIONAL): Promise<ListStatus | undefined> {
  return waitForStatus<ListStatus>({
    what: `${api.kind} ${setId}`,
    read: () => statusOf(api, client, detectorId, setId),
    until: [undefined, 'ACTIVE', 'INACTIVE', 'ERROR', 'DELETED', ...TRANSITIONAL.filter((s) => !transitional.includes(s))],
    timeoutMs: SETTLE_TIMEOUT_MS,
  });
}

/** GuardDuty refuses a set past its quota with a generic BadRequest: if the quota is the reason, say so. */
async function explainCreateFailure(api: ListApi, client: GuardDutyClient, settings: ListSettings, err: unknown): Promise<unknown> {
  if (!isBadRequest(err) || isDetectorNotFound(err)) return err;
  let ids: string[];
  try {
    ids = await api.list(client, settings.detectorId);
  } catch {
    return err;
  }
  if (api.quota !== undefined && ids.length >= api.quota) {
    return new HandlerError(`detector ${settings.detectorId} already has ${ids.length} ${api.kind}(s) (${ids.join(', ')}), `
      + `GuardDuty's quota per account and Region (${api.quota}); a replacement (new format or detector) needs room for the `
      + 'new set before the old one is deleted: remove the old set in one deployment and add the new one in the next '
      + `(${(err as Error).message})`);
  }
  return err;
}

function parseSettings(props: ThreatListResourceProperties): ListSettings {
  return {
    detectorId: props.DetectorId,
    name: props.Name,
    format: props.Format,
    location: props.Location,
    activate: parseBoolean(props.Activate, 'Activate'),
    expectedBucketOwner: props.ExpectedBucketOwner,
  };
}

function physicalId(detectorId: string, setId: string): string {
  return `${detectorId}:${setId}`;
}

function parsePhysicalId(physicalResourceId: string): { detectorId: string; setId: string } {
  const [detectorId, setId, ...rest] = physicalResourceId.split(':');
  if (!detectorId || !setId || rest.length > 0) throw new HandlerError(`physical id must be <detectorId>:<setId>, got: ${physicalResourceId}`);
  return { detectorId, setId };
}

function setArn(api: ListApi, location: StackLocation, detectorId: string, setId: string): string {
  return `arn:${location.partition}:guardduty:${location.region}:${location.account}:detector/${detectorId}/${api.arnSegment}/${setId}`;
}

function result(api: ListApi, location: StackLocation, detectorId: string, setId: string): Result {
  const data: ThreatListResourceAttributes = { SetId: setId, SetArn: setArn(api, location, detectorId, setId) };
  return { physicalResourceId: physicalId(detectorId, setId), data: { ...data } };
}

/**
 * Whether the set is gone, decided by listing rather than by an error's wording (AWS words an
 * unknown set in more than one way): the detector is not among ListDetectors, or the set is not
 * among the detector's sets.
 */
async function isGone(api: ListApi, client: GuardDutyClient, detectorId: string, setId: string): Promise<boolean> {
  const detectors: string[] = [];
  for await (const page of paginateListDetectors({ client }, { MaxResults: 50 })) detectors.push(...(page.DetectorIds ?? []));
  if (!detectors.includes(detectorId)) return true;
  return !(await api.list(client, detectorId)).includes(setId);
}

/** The set's status, or `undefined` when it is gone (a failed read is checked against the lists). */
async function statusOf(api: ListApi, client: GuardDutyClient, detectorId: string, setId: string): Promise<ListStatus | undefined> {
  try {
    return await api.status(client, detectorId, setId);
  } catch (err) {
    if (isBadRequest(err) && await isGone(api, client, detectorId, setId)) return undefined;
    throw err;
  }
}
