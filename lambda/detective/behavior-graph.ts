/**
 * `Custom::DetectiveBehaviorGraph`: the behavior graph of this account and Region, created or
 * adopted. The physical id is the graph ARN; for an adopted graph, followed by what the adoption
 * changed as it was before (its tags of the stack's keys, organization auto-enable; see
 * `shared/adoption.ts`), which a Delete undoing that create (a failed first deployment's rollback)
 * puts back. Packages the create started stay started: Detective's API cannot stop one.
 *
 * An account has one graph per Region, and CreateGraph answers the existing graph's ARN, so the
 * handler cannot tell from CreateGraph whether it made a graph. It reads ListGraphs first and tags
 * a graph it creates with `GRAPH_CREATED_BY_TAG` (`<StackId>|<LogicalResourceId>`); Delete deletes
 * only a graph carrying this resource's tag. (With the default `RemovalPolicy.RETAIN`,
 * CloudFormation does not call Delete at all.)
 *
 * - Create: ListGraphs; adopt the graph if there is one, else CreateGraph with the tags. A refusal
 *   (ConflictException / ServiceQuotaExceededException) is explained: Detective needs GuardDuty
 *   enabled in the account and Region for 48 hours, which the handler checks and reports; when
 *   GuardDuty is old enough, a Conflict is a graph deleted moments ago and still being torn down,
 *   retried for a bounded time. Then datasource packages and organization auto-enable. If a later
 *   step fails, a graph this event created is deleted again.
 * - Update: tag diff, packages, organization auto-enable. A graph deleted out of band is created
 *   again under its new ARN (CloudFormation's cleanup of the old id then finds nothing).
 * - Delete: DeleteGraph only for the graph this resource created; gone is success.
 *
 * Datasource packages: UpdateDatasourcePackages starts packages; Detective's API has no operation
 * that stops one. A package removed from the list that is still ingesting is left ingesting, said
 * in the log and the `DatasourcePackagesLeftIngesting` attribute: an update, or the rollback of
 * one that started a package, never fails for what no call can undo.
 */
import {
  CreateGraphCommand,
  DatasourcePackage,
  DeleteGraphCommand,
  DescribeOrganizationConfigurationCommand,
  DetectiveClient,
  ListTagsForResourceCommand,
  paginateListDatasourcePackages,
  paginateListGraphs,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateDatasourcePackagesCommand,
  UpdateOrganizationConfigurationCommand,
} from '@aws-sdk/client-detective';
import { GetDetectorCommand, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { BehaviorGraphResourceAttributes, BehaviorGraphResourceProperties, GRAPH_CREATED_BY_TAG } from '../../src/private/resources/detective/behavior-graph';
import { parseAdoptionRecord, TagsBefore, tagsBefore, withAdoptionRecord } from '../shared/adoption';
import { detectiveClient, guardDutyClient } from '../shared/clients';
import { clock } from '../shared/clock';
import { CustomResourceEvent } from '../shared/custom-resource';
import { errorMessage, HandlerError, isErrorNamed, isResourceNotFound } from '../shared/errors';
import { log } from '../shared/log';
import { creatorMark } from '../shared/ownership';
import { PollClock } from '../shared/poll';
import { parseBoolean } from '../shared/props';
import { DeleteContext, HandlerResult, ResourceHandler } from '../shared/resource-handler';
import { applyTagDiff } from '../shared/tags';

type GraphEvent = CustomResourceEvent<BehaviorGraphResourceProperties>;

/** "make sure that your account has been enrolled in Amazon GuardDuty for at least 48 hours" (CreateGraph). */
const GUARDDUTY_PREREQUISITE_HOURS = 48;

/** How long a Conflict on CreateGraph is retried when GuardDuty is old enough (a graph still being deleted). */
const CREATE_CONFLICT_RETRY_MS = 120_000;

export const behaviorGraphHandler: ResourceHandler<BehaviorGraphResourceProperties, BehaviorGraphResourceAttributes> = {
  create: (event) => create(detectiveClient(), event),
  update: (event, context) => update(detectiveClient(), event, context?.rollback ?? false),
  delete: (event, context) => remove(detectiveClient(), event, context),
};

/** What an adoption changed on the graph, as it was before: kept in the physical id. */
interface GraphSettingsBefore {
  readonly tags: TagsBefore;
  /** Organization auto-enable before, when the stack sets it. */
  readonly autoEnable?: boolean;
  /** Packages the adoption started (they cannot be stopped; the rollback says so). */
  readonly startedPackages?: string[];
}

/** This resource's mark on a graph it created. */

/** The caller's graph in this Region (an account administers at most one). */
async function currentGraph(client: DetectiveClient): Promise<string | undefined> {
  for await (const page of paginateListGraphs({ client, pageSize: 100 }, {})) {
    const arn = page.GraphList?.find((g) => g.Arn)?.Arn;
    if (arn) return arn;
  }
  return undefined;
}

async function graphTags(client: DetectiveClient, arn: string): Promise<Record<string, string>> {
  return (await client.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags ?? {};
}

function result(arn: string, adopted: boolean, leftIngesting: ReadonlyArray<string> = []): HandlerResult<BehaviorGraphResourceAttributes> {
  const data: BehaviorGraphResourceAttributes = {
    GraphArn: arn, Adopted: adopted ? 'true' : 'false', DatasourcePackagesLeftIngesting: leftIngesting.join(','),
  };
  return { physicalResourceId: arn, data: { ...data } };
}

async function create(client: DetectiveClient, event: GraphEvent): Promise<HandlerResult<BehaviorGraphResourceAttributes>> {
  const props = event.ResourceProperties;
  const existing = await currentGraph(client);
  const arn = existing ?? await createGraph(client, { ...props.Tags, [GRAPH_CREATED_BY_TAG]: creatorMark(event) });
  // Only our tag tells whether this resource made the graph: CreateGraph also answers an existing graph's
  // ARN (one ListGraphs did not show yet), and an existing graph may be from an earlier attempt of this
  // create (CloudFormation retries a create that timed out).
  const created = (await graphTags(client, arn))[GRAPH_CREATED_BY_TAG] === creatorMark(event);
  log.info(created ? 'The behavior graph is this resource\'s' : 'Adopting the existing behavior graph', { graphArn: arn });
  const before = created ? undefined : await graphSettingsBefore(client, arn, props);
  try {
    // A graph CreateGraph just made has its tags already.
    if (existing || !created) await syncTags(client, arn, {}, props.Tags);
    await applyDatasourcePackages(client, arn, props.DatasourcePackages, undefined);
    await applyOrganizationConfiguration(client, arn, props.AutoEnableOrganizationMembers);
  } catch (err) {
    if (created) {
      log.warn('Deleting the behavior graph this create made, after a later step failed', { graphArn: arn });
      await client.send(new DeleteGraphCommand({ GraphArn: arn })).catch((cleanup) => {
        log.warn('Could not delete the graph after the failure', { graphArn: arn, error: errorMessage(cleanup) });
      });
    } else if (before) {
      await restoreGraphSettings(client, arn, before).catch((restoreErr) =>
        log.warn('Could not restore the adopted graph\'s settings after the failure', { graphArn: arn, error: errorMessage(restoreErr) }));
    }
    throw err;
  }
  return before ? { ...result(arn, true), physicalResourceId: withAdoptionRecord(arn, before) } : result(arn, !created);
}

/** What the create will change on an adopted graph, as it is now. */
async function graphSettingsBefore(client: DetectiveClient, arn: string, props: BehaviorGraphResourceProperties): Promise<GraphSettingsBefore> {
  const tags = tagsBefore(await graphTags(client, arn), Object.keys(props.Tags ?? {}));
  // Only the organization's administrator may read it; for any other account the create's own
  // UpdateOrganizationConfiguration fails with the explanation, so there is nothing to put back.
  const autoEnable = props.AutoEnableOrganizationMembers === undefined ? undefined
    : await client.send(new DescribeOrganizationConfigurationCommand({ GraphArn: arn })).then((out) => out.AutoEnable ?? false, (err) => {
      if (!isErrorNamed(err, 'AccessDeniedException', 'ValidationException')) throw err;
      return undefined;
    });
  const states = props.DatasourcePackages?.length ? await ingestStates(client, arn) : new Map<string, string>();
  const startedPackages = (props.DatasourcePackages ?? []).filter((p) => states.get(p) !== 'STARTED');
  return { tags, autoEnable, startedPackages: startedPackages.length > 0 ? startedPackages : undefined };
}

/** Put back what an adoption changed (all but the packages it started, which no call stops). */
async function restoreGraphSettings(client: DetectiveClient, arn: string, before: GraphSettingsBefore): Promise<void> {
  const retag = Object.fromEntries(Object.entries(before.tags).filter((e): e is [string, string] => e[1] !== null));
  const untag = Object.entries(before.tags).filter(([, v]) => v === null).map(([k]) => k);
  if (Object.keys(retag).length > 0) await client.send(new TagResourceCommand({ ResourceArn: arn, Tags: retag }));
  if (untag.length > 0) await client.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: untag }));
  if (before.autoEnable !== undefined) {
    await client.send(new UpdateOrganizationConfigurationCommand({ GraphArn: arn, AutoEnable: before.autoEnable }));
  }
  if (before.startedPackages) {
    log.warn(`Datasource package(s) ${before.startedPackages.join(', ')} started by the adoption stay ingesting: Detective's API `
      + 'cannot stop a package. Stop them in the Detective console if they should stop', { graphArn: arn, packages: before.startedPackages });
  }
}

async function update(client: DetectiveClient, event: GraphEvent, rollback: boolean): Promise<HandlerResult<BehaviorGraphResourceAttributes>> {
  const arn = parseAdoptionRecord(event.PhysicalResourceId!).base;
  const props = event.ResourceProperties;
  const old = event.OldResourceProperties ?? {};
  if ((await currentGraph(client)) !== arn) {
    if (rollback) {
      // The graph was gone before the failed update (deleted outside CloudFormation): the
      // rollback leaves it gone rather than fail making one Detective may refuse (48 hours).
      log.warn('Rollback: the behavior graph is gone and stays gone; the next update creates or adopts one', { graphArn: arn });
      return { ...result(arn, false), physicalResourceId: event.PhysicalResourceId! };
    }
    log.warn('The behavior graph is gone (deleted outside the stack); creating or adopting the current one', { graphArn: arn });
    return create(client, event);
  }
  const packages = await ingestStates(client, arn);
  const leftIngesting = removedButIngesting(packages, props.DatasourcePackages, old.DatasourcePackages);
  await syncTags(client, arn, old.Tags, props.Tags);
  await applyDatasourcePackages(client, arn, props.DatasourcePackages, packages);
  await applyOrganizationConfiguration(client, arn, props.AutoEnableOrganizationMembers);
  const adopted = (await graphTags(client, arn))[GRAPH_CREATED_BY_TAG] !== creatorMark(event);
  // The same physical id, the adoption record with it.
  return { ...result(arn, adopted, leftIngesting), physicalResourceId: event.PhysicalResourceId! };
}

async function remove(client: DetectiveClient, event: GraphEvent, context?: DeleteContext): Promise<HandlerResult<BehaviorGraphResourceAttributes>> {
  const physicalResourceId = event.PhysicalResourceId!;
  const { base: arn, record: before } = parseAdoptionRecord<GraphSettingsBefore>(physicalResourceId);
  if ((await currentGraph(client)) !== arn) {
    log.info('The behavior graph is already gone', { graphArn: arn });
    return { physicalResourceId };
  }
  const mark = (await graphTags(client, arn))[GRAPH_CREATED_BY_TAG];
  if (mark !== creatorMark(event)) {
    log.info('Keeping the behavior graph: this resource adopted it, it did not create it', { graphArn: arn });
    if (context?.undoesCreate && before) {
      // The rollback of the create that adopted it: leave it as the create found it, never failing the rollback.
      await restoreGraphSettings(client, arn, before).then(
        () => log.info('Restored the settings the graph had before this stack adopted it', { graphArn: arn }),
        (err) => log.warn('Could not restore the settings the graph had before adoption', { graphArn: arn, error: errorMessage(err) }));
    }
    return { physicalResourceId };
  }
  try {
    await client.send(new DeleteGraphCommand({ GraphArn: arn }));
    log.info('Deleted the behavior graph (Detective deletes it in the background)', { graphArn: arn });
  } catch (err) {
    if (!isResourceNotFound(err)) throw err;
  }
  return { physicalResourceId };
}

/**
 * CreateGraph, explaining a refusal. Detective refuses an account without 48 hours of GuardDuty;
 * the exception is not documented, so on ConflictException or ServiceQuotaExceededException the
 * handler reads GuardDuty and says which prerequisite is not met.
 */
async function createGraph(client: DetectiveClient, tags: Record<string, string>): Promise<string> {
  const retries = new PollClock({ timeoutMs: CREATE_CONFLICT_RETRY_MS, minDelayMs: 2_000, maxDelayMs: 15_000 });
  for (;;) {
    try {
      const { GraphArn } = await client.send(new CreateGraphCommand({ Tags: tags }));
      if (!GraphArn) throw new HandlerError('CreateGraph answered no graph ARN');
      return GraphArn;
    } catch (err) {
      if (!isErrorNamed(err, 'ConflictException', 'ServiceQuotaExceededException')) throw err;
      const guardDuty = await guardDutyEnrolment();
      if (guardDuty.hours === undefined || guardDuty.hours < GUARDDUTY_PREREQUISITE_HOURS) {
        throw new HandlerError(`Detective refused to create the behavior graph (${errorMessage(err)}). Detective needs GuardDuty `
          + `enabled in this account and Region for at least ${GUARDDUTY_PREREQUISITE_HOURS} hours first, and ${guardDuty.description}. `
          + 'Deploy the GuardDuty detector first and the behavior graph in a later deployment (see the README, "Order of deployment")');
      }
      if (isErrorNamed(err, 'ServiceQuotaExceededException')) {
        throw new HandlerError(`Detective refused to create the behavior graph (${errorMessage(err)}): ${guardDuty.description}, so `
          + "the account's data volume is over Detective's quota for a behavior graph");
      }
      log.info('CreateGraph conflict (a deleted graph still being torn down?); retrying', { waitedMs: retries.elapsedMs });
      if (!await retries.sleep()) {
        throw new HandlerError(`Detective still refuses to create the behavior graph after ${CREATE_CONFLICT_RETRY_MS / 1000} s `
          + `(${errorMessage(err)}); ${guardDuty.description}. A graph deleted moments ago is deleted in the background: deploy again later`);
      }
    }
  }
}

/** How long GuardDuty has been enabled in this account and Region, as far as the handler can read it. */
async function guardDutyEnrolment(): Promise<{ hours?: number; description: string }> {
  try {
    const guardDuty = guardDutyClient();
    const { DetectorIds } = await guardDuty.send(new ListDetectorsCommand({}));
    const detectorId = DetectorIds?.[0];
    if (!detectorId) return { description: 'GuardDuty is not enabled here (no detector)' };
    const detector = await guardDuty.send(new GetDetectorCommand({ DetectorId: detectorId }));
    if (detector.Status !== 'ENABLED') return { description: `GuardDuty detector ${detectorId} is ${detector.Status}` };
    const since = detector.CreatedAt ? new Date(detector.CreatedAt) : undefined;
    if (!since || isNaN(since.getTime())) return { hours: GUARDDUTY_PREREQUISITE_HOURS, description: `GuardDuty detector ${detectorId} is enabled` };
    const hours = Math.floor((clock().now() - since.getTime()) / 3_600_000);
    return { hours, description: `GuardDuty detector ${detectorId} was created ${since.toISOString()} (${hours} hours ago)` };
  } catch (err) {
    return { description: `GuardDuty could not be read to check (${errorMessage(err)})` };
  }
}

/** The tag diff on the graph; the library's creation mark is never among the stack's tags. */
async function syncTags(client: DetectiveClient, arn: string,
  oldTags: Readonly<Record<string, string>> = {}, newTags: Readonly<Record<string, string>> = {}): Promise<void> {
  if (GRAPH_CREATED_BY_TAG in newTags) throw new HandlerError(`the tag key ${GRAPH_CREATED_BY_TAG} is reserved by this library`);
  await applyTagDiff({
    tag: (tags) => client.send(new TagResourceCommand({ ResourceArn: arn, Tags: tags })),
    untag: (keys) => client.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: keys })),
  }, oldTags, newTags);
}

/** Each datasource package's ingest state (`STARTED`, `STOPPED`, `DISABLED`). */
async function ingestStates(client: DetectiveClient, arn: string): Promise<Map<string, string>> {
  const states = new Map<string, string>();
  for await (const page of paginateListDatasourcePackages({ client, pageSize: 100 }, { GraphArn: arn })) {
    for (const [name, detail] of Object.entries(page.DatasourcePackages ?? {})) {
      if (detail.DatasourcePackageIngestState) states.set(name, detail.DatasourcePackageIngestState);
    }
  }
  return states;
}

/**
 * Packages the old properties listed and the new ones do not, still ingesting. Detective's API can
 * start a package (UpdateDatasourcePackages) but has no operation to stop one, so neither an
 * update nor the rollback of one that started a package can: failing would leave a rollback
 * failed (UPDATE_ROLLBACK_FAILED) for something no call can undo. They are left ingesting, with a
 * warning in the log and in the `DatasourcePackagesLeftIngesting` attribute.
 */
function removedButIngesting(states: Map<string, string>, desired: ReadonlyArray<string> | undefined,
  previous: ReadonlyArray<string> | undefined): string[] {
  if (desired === undefined) return [];
  const stillStarted = (previous ?? []).filter((p) => !desired.includes(p) && states.get(p) === 'STARTED');
  if (stillStarted.length > 0) {
    log.warn(`Datasource package(s) ${stillStarted.join(', ')} left datasourcePackages but are still ingesting: Detective's API `
      + 'cannot stop a package. Stop them in the Detective console (Settings, General, Optional source packages) if they should stop',
    { packages: stillStarted });
  }
  return stillStarted;
}

/** Start the listed packages that are not ingesting yet. */
async function applyDatasourcePackages(client: DetectiveClient, arn: string, desired: ReadonlyArray<string> | undefined,
  known: Map<string, string> | undefined): Promise<void> {
  if (desired === undefined || desired.length === 0) return;
  const states = known ?? await ingestStates(client, arn);
  const toStart = desired.filter((p) => states.get(p) !== 'STARTED');
  if (toStart.length === 0) return;
  await client.send(new UpdateDatasourcePackagesCommand({ GraphArn: arn, DatasourcePackages: toStart as DatasourcePackage[] }));
  log.info('Started datasource packages', { graphArn: arn, packages: toStart });
}

async function applyOrganizationConfiguration(client: DetectiveClient, arn: string, autoEnable: string | undefined): Promise<void> {
  if (autoEnable === undefined) return;
  const value = parseBoolean(autoEnable, 'AutoEnableOrganizationMembers');
  try {
    await client.send(new UpdateOrganizationConfigurationCommand({ GraphArn: arn, AutoEnable: value }));
  } catch (err) {
    if (!isErrorNamed(err, 'AccessDeniedException', 'ValidationException')) throw err;
    throw new HandlerError(`\`autoEnableOrganizationMembers\` could not be set (UpdateOrganizationConfiguration: ${errorMessage(err)}): `
      + "only the organization's Detective administrator can set it, so make this account the administrator first "
      + '(OrganizationAdminAccount in the management account, deployed before this stack)');
  }
  log.info('Organization auto-enable set', { graphArn: arn, autoEnable: value });
}
