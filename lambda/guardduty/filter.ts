/**
 * `Custom::GuardDutyFilter`: a filter is named, and the name is its identity (there is no rename
 * API). A new name or detector is a replacement: create the new filter and return its physical
 * id; CloudFormation then deletes the old one. Everything else is UpdateFilter plus a tag diff.
 */
import {
  Condition,
  CreateFilterCommand,
  DeleteFilterCommand,
  GetFilterCommand,
  FilterAction,
  GuardDutyClient,
  paginateListFilters,
  UpdateFilterCommand,
} from '@aws-sdk/client-guardduty';
import { ConditionProperty, FilterResourceAttributes, FilterResourceProperties } from '../../src/private/resources/guardduty/filter';
import { guardDutyClient } from '../shared/clients';
import { CustomResourceEvent, stackLocation, StackLocation } from '../shared/custom-resource';
import { HandlerError, isBadRequest, isDetectorNotFound, isNoSuchResource } from '../shared/errors';
import { clientToken } from '../shared/idempotency';
import { log } from '../shared/log';
import { createdBy, withCreatorMark } from '../shared/ownership';
import { HandlerResult, ResourceHandler } from '../shared/resource-handler';
import { syncTags } from '../shared/tags';

type FilterEvent = CustomResourceEvent<FilterResourceProperties>;

/** Filters per account and Region ("You can't request a quota increase"). */
const MAX_FILTERS = 100;

export const filterHandler: ResourceHandler<FilterResourceProperties, FilterResourceAttributes> = {
  create: (event) => create(guardDutyClient(), stackLocation(event.StackId), event),
  update: (event) => update(guardDutyClient(), stackLocation(event.StackId), event),
  delete: (event) => remove(guardDutyClient(), event),
};

async function create(client: GuardDutyClient, location: StackLocation, event: FilterEvent): Promise<HandlerResult<FilterResourceAttributes>> {
  const props = event.ResourceProperties;
  try {
    await client.send(new CreateFilterCommand({
      DetectorId: props.DetectorId,
      Name: props.Name,
      Description: props.Description,
      Action: props.Action as FilterAction,
      Rank: props.Rank === undefined ? undefined : parseRank(props.Rank),
      FindingCriteria: { Criterion: parseCriteria(props.FindingCriteria) },
      ClientToken: clientToken(event),
      Tags: withCreatorMark(props.Tags, event),
    }));
  } catch (err) {
    // A retried create whose first attempt made the filter (the client token not honoured): ours.
    if (isBadRequest(err) && await createdByEarlierAttempt(client, event)) {
      log.info('The filter is the one an earlier attempt of this create made', { name: props.Name });
      return update(client, location, {
        ...event,
        RequestType: 'Update',
        PhysicalResourceId: `${props.DetectorId}:${props.Name}`,
        OldResourceProperties: props,
      });
    }
    throw await explainCreateFailure(client, props, err);
  }
  log.info('Created filter', { detectorId: props.DetectorId, name: props.Name });
  return result(location, props);
}

async function update(client: GuardDutyClient, location: StackLocation, event: FilterEvent): Promise<HandlerResult<FilterResourceAttributes>> {
  const props = event.ResourceProperties;
  const old = event.OldResourceProperties!;
  if (props.Name !== old.Name || props.DetectorId !== old.DetectorId) {
    log.info('Filter name or detector changed: creating the replacement', { from: old.Name, to: props.Name });
    return create(client, location, event);
  }
  try {
    await client.send(new UpdateFilterCommand({
      DetectorId: props.DetectorId,
      FilterName: props.Name,
      // An empty description clears one that was removed from the construct.
      Description: props.Description ?? '',
      Action: props.Action as FilterAction,
      Rank: props.Rank === undefined ? undefined : parseRank(props.Rank),
      FindingCriteria: { Criterion: parseCriteria(props.FindingCriteria) },
    }));
  } catch (err) {
    if (!isNoSuchResource(err)) throw err;
    // Deleted outside CloudFormation: the name is free again, so create it under the same identity.
    log.warn('The filter no longer exists; creating it again', { name: props.Name });
    return create(client, location, event);
  }
  await syncTags(client, filterArn(location, props), old.Tags, props.Tags);
  return result(location, props);
}

async function remove(client: GuardDutyClient, event: FilterEvent): Promise<HandlerResult<FilterResourceAttributes>> {
  const physicalResourceId = event.PhysicalResourceId!;
  const { detectorId, name } = parsePhysicalId(physicalResourceId);
  try {
    // Only a filter this resource made carries its ownership record: any other (another stack's, one
    // named by an event CloudFormation did not send for it) is kept.
    const { Tags } = await client.send(new GetFilterCommand({ DetectorId: detectorId, FilterName: name }));
    if (!createdBy(Tags, event)) {
      log.warn('Keeping the filter: it does not carry this resource\'s ownership record', { detectorId, name });
      return { physicalResourceId };
    }
    await client.send(new DeleteFilterCommand({ DetectorId: detectorId, FilterName: name }));
    log.info('Deleted filter', { detectorId, name });
  } catch (err) {
    if (!isNoSuchResource(err) && !isDetectorNotFound(err)) throw err;
    log.info('The filter was already gone', { detectorId, name });
  }
  return { physicalResourceId };
}

/**
 * GuardDuty refuses a filter past its quota with a generic BadRequest: count the detector's
 * filters, and if the quota is the reason, say so.
 */
async function explainCreateFailure(client: GuardDutyClient, props: FilterResourceProperties, err: unknown): Promise<unknown> {
  if (!isBadRequest(err) || isDetectorNotFound(err)) return err;
  const names: string[] = [];
  try {
    for await (const page of paginateListFilters({ client }, { DetectorId: props.DetectorId, MaxResults: 50 })) {
      names.push(...(page.FilterNames ?? []));
    }
  } catch {
    return err;
  }
  if (names.includes(props.Name)) {
    return new HandlerError(`a filter named "${props.Name}" already exists on detector ${props.DetectorId} and is not this `
      + `resource's; rename one of them (${(err as Error).message})`);
  }
  if (names.length >= MAX_FILTERS) {
    return new HandlerError(`detector ${props.DetectorId} already has ${names.length} filters, GuardDuty's quota per account and `
      + `Region (${MAX_FILTERS}, not adjustable); remove some before adding "${props.Name}" (${(err as Error).message})`);
  }
  return err;
}

function parseRank(rank: string): number {
  const n = Number(rank);
  if (!Number.isInteger(n)) throw new HandlerError(`property Rank must be an integer, got: ${JSON.stringify(rank)}`);
  return n;
}

/** The criteria in the SDK's shape; numbers arrive as strings. */
export function parseCriteria(criteria: Readonly<Record<string, ConditionProperty>>): Record<string, Condition> {
  const num = (v: string | undefined, where: string) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw new HandlerError(`property FindingCriteria.${where} must be an integer, got: ${JSON.stringify(v)}`);
    return n;
  };
  return Object.fromEntries(Object.entries(criteria).map(([attribute, c]) => [attribute, {
    Equals: c.Equals,
    NotEquals: c.NotEquals,
    GreaterThan: num(c.GreaterThan, `${attribute}.GreaterThan`),
    GreaterThanOrEqual: num(c.GreaterThanOrEqual, `${attribute}.GreaterThanOrEqual`),
    LessThan: num(c.LessThan, `${attribute}.LessThan`),
    LessThanOrEqual: num(c.LessThanOrEqual, `${attribute}.LessThanOrEqual`),
    Matches: c.Matches,
    NotMatches: c.NotMatches,
  }]));
}

function parsePhysicalId(physicalResourceId: string): { detectorId: string; name: string } {
  const at = physicalResourceId.indexOf(':');
  if (at < 1) throw new HandlerError(`physical id must be <detectorId>:<filterName>, got: ${physicalResourceId}`);
  return { detectorId: physicalResourceId.slice(0, at), name: physicalResourceId.slice(at + 1) };
}

function filterArn(location: StackLocation, props: FilterResourceProperties): string {
  return `arn:${location.partition}:guardduty:${location.region}:${location.account}:detector/${props.DetectorId}/filter/${props.Name}`;
}

function result(location: StackLocation, props: FilterResourceProperties): HandlerResult<FilterResourceAttributes> {
  const data: FilterResourceAttributes = { FilterName: props.Name, FilterArn: filterArn(location, props) };
  return { physicalResourceId: `${props.DetectorId}:${props.Name}`, data: { ...data } };
}

/** Whether a filter of this name exists and carries this resource's ownership record. */
async function createdByEarlierAttempt(client: GuardDutyClient, event: FilterEvent): Promise<boolean> {
  try {
    const { DetectorId, Name } = event.ResourceProperties;
    const filter = await client.send(new GetFilterCommand({ DetectorId, FilterName: Name }));
    return createdBy(filter.Tags, event);
  } catch (err) {
    if (isBadRequest(err)) return false;
    throw err;
  }
}
