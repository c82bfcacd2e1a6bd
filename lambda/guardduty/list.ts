/**
 * The list resource types (`Custom::GuardDutyIPSet`, `…ThreatIntelSet`, `…TrustedEntitySet`,
 * `…ThreatEntitySet`): one lifecycle for the four APIs, which have the same shape, statuses and
 * quirks; what differs is the kind's row in `LIST_KINDS` (`src/private/resources/guardduty/list.ts`)
 * and its SDK commands below.
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
import {
  CreateIPSetCommand, CreateThreatEntitySetCommand, CreateThreatIntelSetCommand, CreateTrustedEntitySetCommand,
  DeleteIPSetCommand, DeleteThreatEntitySetCommand, DeleteThreatIntelSetCommand, DeleteTrustedEntitySetCommand,
  GetIPSetCommand, GetThreatEntitySetCommand, GetThreatIntelSetCommand, GetTrustedEntitySetCommand,
  GuardDutyClient, ListIPSetsCommand, ListThreatEntitySetsCommand, ListThreatIntelSetsCommand, ListTrustedEntitySetsCommand,
  paginateListDetectors,
  UpdateIPSetCommand, UpdateThreatEntitySetCommand, UpdateThreatIntelSetCommand, UpdateTrustedEntitySetCommand,
} from '@aws-sdk/client-guardduty';
import { ListApiName, ListKindDefinition, ListResourceAttributes, ListResourceProperties } from '../../src/private/resources/guardduty/list';
import { guardDutyClient } from '../shared/clients';
import { cleanUpUnlessContinuing } from '../shared/continuation';
import { CustomResourceEvent, stackLocation, StackLocation } from '../shared/custom-resource';
import { HandlerError, isBadRequest, isDetectorNotFound } from '../shared/errors';
import { clientToken } from '../shared/idempotency';
import { isContinuation, madeResource } from '../shared/invocation';
import { log } from '../shared/log';
import { createdBy, withCreatorMark } from '../shared/ownership';
import { parseBoolean } from '../shared/props';
import { DeleteContext, HandlerResult, ResourceHandler } from '../shared/resource-handler';
import { writeThenConfirm } from '../shared/retry';
import { syncTags, tagsOrUndefined } from '../shared/tags';
import { waitForStatus } from '../shared/waiters';

/** What this handler answers. */
type Result = HandlerResult<ListResourceAttributes>;

type ListStatus = 'INACTIVE' | 'ACTIVATING' | 'ACTIVE' | 'DEACTIVATING' | 'ERROR' | 'DELETE_PENDING' | 'DELETED';

interface ListSettings {
  readonly detectorId: string;
  readonly name: string;
  readonly format: string;
  readonly location: string;
  readonly activate: boolean;
  readonly expectedBucketOwner?: string;
}

/** An SDK command class of a list API. */
type ListCommand = new (input: never) => object;

/** The SDK commands of one list API. */
interface ListCommands {
  readonly create: ListCommand;
  readonly get: ListCommand;
  readonly update: ListCommand;
  readonly delete: ListCommand;
  readonly list: ListCommand;
}

/**
 * The SDK's commands for each list API: the one part of a kind that cannot be in its shared row,
 * because `src/` does not depend on the SDK. The four APIs' requests and responses differ only in
 * the set id's member (the row's `idMember`), so they are called with one shape here; the local
 * API validates every request against GuardDuty's official model, which checks that shape per API.
 */
const LIST_COMMANDS: Readonly<Record<ListApiName, ListCommands>> = {
  IPSet: { create: CreateIPSetCommand, get: GetIPSetCommand, update: UpdateIPSetCommand, delete: DeleteIPSetCommand, list: ListIPSetsCommand },
  ThreatIntelSet: {
    create: CreateThreatIntelSetCommand,
    get: GetThreatIntelSetCommand,
    update: UpdateThreatIntelSetCommand,
    delete: DeleteThreatIntelSetCommand,
    list: ListThreatIntelSetsCommand,
  },
  TrustedEntitySet: {
    create: CreateTrustedEntitySetCommand,
    get: GetTrustedEntitySetCommand,
    update: UpdateTrustedEntitySetCommand,
    delete: DeleteTrustedEntitySetCommand,
    list: ListTrustedEntitySetsCommand,
  },
  ThreatEntitySet: {
    create: CreateThreatEntitySetCommand,
    get: GetThreatEntitySetCommand,
    update: UpdateThreatEntitySetCommand,
    delete: DeleteThreatEntitySetCommand,
    list: ListThreatEntitySetsCommand,
  },
};

/** What Get* answers of a set (all four APIs). */
interface ListDescription {
  readonly Name?: string;
  readonly Location?: string;
  readonly Status?: ListStatus;
  readonly Tags?: Record<string, string>;
  /** "The error details when the status is shown as ERROR" (entity lists only). */
  readonly ErrorDetails?: string;
}

/** The calls of one list API, from its row and its commands. */
class ListApi {
  /** "IPSet", "ThreatIntelSet", "TrustedEntitySet" or "ThreatEntitySet", for messages. */
  public readonly kind: string;
  /** What an ERROR status means and what to check. */
  public readonly errorAdvice: string;
  private readonly commands: ListCommands;

  constructor(private readonly row: ListKindDefinition) {
    this.kind = row.api;
    this.commands = LIST_COMMANDS[row.api];
    this.errorAdvice = row.entityList ? ENTITY_LIST_ERROR_ADVICE : IP_LIST_ERROR_ADVICE;
  }

  /** Sets per account and Region, where GuardDuty documents it (a refused create is then explained by it). */
  public get quota(): number | undefined {
    return this.row.quota;
  }

  /** The ARN path segment, e.g. `ipset` or `trustedentityset`. */
  public get arnSegment(): string {
    return this.row.arnSegment;
  }

  public async create(client: GuardDutyClient, s: ListSettings, token: string, tags?: Record<string, string>): Promise<string> {
    const out = await send(client, this.commands.create, {
      DetectorId: s.detectorId,
      Name: s.name,
      Format: s.format,
      Location: s.location,
      Activate: s.activate,
      ExpectedBucketOwner: s.expectedBucketOwner,
      ClientToken: token,
      Tags: tags,
    });
    return out[this.row.idMember] as string;
  }

  /** The set as GuardDuty holds it (Get*); throws whatever the service answers for a set it does not have. */
  public async describe(client: GuardDutyClient, detectorId: string, setId: string): Promise<ListDescription> {
    return send(client, this.commands.get, { DetectorId: detectorId, [this.row.idMember]: setId });
  }

  public async update(client: GuardDutyClient, setId: string, s: ListSettings): Promise<void> {
    await send(client, this.commands.update, {
      DetectorId: s.detectorId,
      [this.row.idMember]: setId,
      Name: s.name,
      Location: s.location,
      Activate: s.activate,
      ExpectedBucketOwner: s.expectedBucketOwner,
    });
  }

  public async delete(client: GuardDutyClient, detectorId: string, setId: string): Promise<void> {
    await send(client, this.commands.delete, { DetectorId: detectorId, [this.row.idMember]: setId });
  }

  /** The detector's set ids (List*, every page). */
  public async list(client: GuardDutyClient, detectorId: string): Promise<string[]> {
    const ids: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await send(client, this.commands.list, { DetectorId: detectorId, MaxResults: 50, NextToken: nextToken });
      ids.push(...(page[`${this.row.idMember}s`] as string[] | undefined ?? []));
      nextToken = page.NextToken as string | undefined;
    } while (nextToken);
    return ids;
  }
}

/** Send a list command with the shape the four APIs share. */
async function send(client: GuardDutyClient, command: ListCommand, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const out: unknown = await client.send(new command(input as never) as never);
  return out as Record<string, unknown>;
}

type ListEvent = CustomResourceEvent<ListResourceProperties>;

/** How long to wait for a set to settle. GuardDuty reads the list from S3 while ACTIVATING. */
const SETTLE_TIMEOUT_MS = 10 * 60_000;
const TRANSITIONAL: ListStatus[] = ['ACTIVATING', 'DEACTIVATING', 'DELETE_PENDING'];
/** What an IP list's ERROR means: GuardDuty reads IP lists as its service-linked role. */
const IP_LIST_ERROR_ADVICE = 'GuardDuty could not read or parse the list. Check that the object exists at the location, that its '
  + 'format matches `format`, that the bucket is owned by the expected account, and that GuardDuty\'s service-linked role '
  + 'may read it (and decrypt it, for SSE-KMS)';
/** What an entity list's ERROR means: GuardDuty reads entity lists with the caller's access. */
const ENTITY_LIST_ERROR_ADVICE = 'GuardDuty could not read or parse the list. Check that the object exists at the location, that '
  + 'its format matches `format`, that the bucket is owned by the expected account (this account when none is given), and that the '
  + 'handler\'s role may read it (s3:GetObject, and kms:Decrypt for SSE-KMS): GuardDuty reads entity lists with the caller\'s access';

/** The handler of one kind of list: the same lifecycle for the four list APIs. */
export function listHandler(kind: ListKindDefinition): ResourceHandler<ListResourceProperties, ListResourceAttributes> {
  const api = new ListApi(kind);
  return {
    create: (event) => create(api, guardDutyClient(), stackLocation(event.StackId), event),
    update: (event) => update(api, guardDutyClient(), stackLocation(event.StackId), event),
    delete: (event, context) => remove(api, guardDutyClient(), event, context),
  };
}

async function create(api: ListApi, client: GuardDutyClient, location: StackLocation, event: ListEvent): Promise<Result> {
  const settings = parseSettings(event.ResourceProperties);
  let setId: string;
  try {
    // With this resource's ownership record: a cleanup's Delete removes only a set that carries it.
    setId = await api.create(client, settings, clientToken(event), withCreatorMark(tagsOrUndefined(event.ResourceProperties.Tags), event));
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
    // Leave nothing behind: the set exists but is unusable (or, out of time, is left to the continuation).
    await cleanUpUnlessContinuing(err, () => deleteAndWait(api, client, settings.detectorId, setId).catch((deleteErr) =>
      log.error(`Could not delete the ${api.kind} after its create failed`, { setId, error: String(deleteErr) })));
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
  if (isContinuation() && await holdsSettings(api, client, settings, setId)) {
    // An earlier invocation of this event wrote the settings, and GuardDuty is reading the list
    // (or has read it): writing again would make it read the list again, and outlast this
    // invocation again. The services' state, not the event, says the write is done.
    log.info(`${api.kind} already holds the update; waiting for it to settle`, { setId });
  } else {
    await writeSettings(api, client, settings, setId);
  }
  await settle(api, client, settings, setId);
  await syncTags(client, setArn(api, location, settings.detectorId, setId), old.Tags, event.ResourceProperties.Tags);
  return result(api, location, settings.detectorId, setId);
}

/** Update* with the settings; a lost answer retried by the SDK is decided by the set's state. */
async function writeSettings(api: ListApi, client: GuardDutyClient, settings: ListSettings, setId: string): Promise<void> {
  // A lost answer retried by the SDK is refused while the set is activating: the update took
  // effect when the set already has the name and location it sent.
  await writeThenConfirm(`Update${api.kind}`, () => api.update(client, setId, settings), async () => {
    const held = await api.describe(client, settings.detectorId, setId);
    return held.Name === settings.name && held.Location === settings.location;
  });
}

/** Whether the set holds the settings' name and location and is (being) activated or deactivated as they say. */
async function holdsSettings(api: ListApi, client: GuardDutyClient, settings: ListSettings, setId: string): Promise<boolean> {
  const held = await api.describe(client, settings.detectorId, setId);
  const statuses: Array<ListStatus | undefined> = settings.activate ? ['ACTIVATING', 'ACTIVE'] : ['DEACTIVATING', 'INACTIVE'];
  return held.Name === settings.name && held.Location === settings.location && statuses.includes(held.Status);
}

async function remove(api: ListApi, client: GuardDutyClient, event: ListEvent, context?: DeleteContext): Promise<Result> {
  const physicalResourceId = event.PhysicalResourceId!;
  const { detectorId, setId } = parsePhysicalId(physicalResourceId);
  if (context?.replaced && !await carriesCreatorMark(api, client, detectorId, setId, event)) return { physicalResourceId };
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
    whileContinuable: true,
  });
  log.info(`Deleted ${api.kind}`, { detectorId, setId });
}

/**
 * Whether a set named by a cleanup's Delete (a physical id the resource no longer has) carries this
 * resource's ownership record. One that does not (another stack's, one made outside CloudFormation,
 * or one this resource made before the record existed) is kept, and said in the log; one already
 * gone needs nothing.
 */
async function carriesCreatorMark(api: ListApi, client: GuardDutyClient, detectorId: string, setId: string, event: ListEvent): Promise<boolean> {
  let held: ListDescription;
  try {
    held = await api.describe(client, detectorId, setId);
  } catch (err) {
    if (isBadRequest(err) && await isGone(api, client, detectorId, setId)) return false;
    throw err;
  }
  if (createdBy(held.Tags, event)) return true;
  log.warn(`Keeping the ${api.kind}: it does not carry this resource's ownership record`, { detectorId, setId });
  return false;
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
      const details = (await api.describe(client, settings.detectorId, setId)).ErrorDetails;
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
    // A Delete (a rollback's included) waits as long as GuardDuty takes, across invocations.
    whileContinuable: true,
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

function parseSettings(props: ListResourceProperties): ListSettings {
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
  const data: ListResourceAttributes = { SetId: setId, SetArn: setArn(api, location, detectorId, setId) };
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
    return (await api.describe(client, detectorId, setId)).Status;
  } catch (err) {
    if (isBadRequest(err) && await isGone(api, client, detectorId, setId)) return undefined;
    throw err;
  }
}
