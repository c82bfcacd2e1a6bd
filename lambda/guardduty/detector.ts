/**
 * `Custom::GuardDutyDetector`: create or adopt the account's detector, update it in place, and
 * delete it only when this stack created it.
 *
 * GuardDuty allows one detector per account and Region, and organization auto-enable or
 * delegation often created it already. Create therefore calls CreateDetector with a client token
 * derived from the request (so a retried invocation gets its own detector back) and, when the
 * service answers that a detector already exists, adopts that detector: it applies the
 * configuration and tags and records the adoption in the physical id, so Delete never removes a
 * detector the stack did not create. The physical id also keeps what the adoption changed (the
 * status, frequency and features it set, the tags it wrote, each as it was before; see
 * `shared/adoption.ts`): a Delete that undoes the create (a failed first deployment's rollback)
 * puts them back, so the detector is left as the stack found it. A later stack deletion keeps the
 * detector as it is then.
 */
import {
  CreateDetectorCommand,
  DataSourceConfigurations,
  DeleteDetectorCommand,
  DetectorFeatureConfiguration,
  GetDetectorCommand,
  GetDetectorCommandOutput,
  GuardDutyClient,
  paginateListDetectors,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateDetectorCommand,
} from '@aws-sdk/client-guardduty';
import type { DetectorFeature, FeatureAdditionalConfiguration, FeatureStatus, FindingPublishingFrequency } from '@aws-sdk/client-guardduty';
import { ADOPTED_DETECTOR_PREFIX, DetectorDataSourcesProperty, DetectorResourceAttributes, DetectorResourceProperties } from '../../src/private/resources/guardduty/detector';
import { parseAdoptionRecord, TagsBefore, tagsBefore, withAdoptionRecord } from '../shared/adoption';
import { guardDutyClient } from '../shared/clients';
import { CustomResourceEvent, stackLocation, StackLocation } from '../shared/custom-resource';
import { HandlerError, isDetectorAlreadyExists, isDetectorNotFound } from '../shared/errors';
import { clientToken } from '../shared/idempotency';
import { log } from '../shared/log';
import { createdBy, withCreatorMark } from '../shared/ownership';
import { parseBoolean } from '../shared/props';
import { DeleteContext, HandlerResult, ResourceHandler } from '../shared/resource-handler';
import { eventually } from '../shared/retry';
import { syncTags } from '../shared/tags';

type DetectorEvent = CustomResourceEvent<DetectorResourceProperties>;

/** How long to wait for an existing detector to show up in ListDetectors after CreateDetector said it exists. */
const ADOPT_VISIBILITY_TIMEOUT_MS = 60_000;

/** The configuration the handler applies, parsed from the properties. */
interface DetectorConfiguration {
  readonly enable: boolean;
  readonly findingPublishingFrequency?: FindingPublishingFrequency;
  readonly features?: DetectorFeatureConfiguration[];
  readonly dataSources?: DataSourceConfigurations;
  readonly tags: Record<string, string>;
}

export const detectorHandler: ResourceHandler<DetectorResourceProperties, DetectorResourceAttributes> = {
  create: (event) => create(guardDutyClient(), stackLocation(event.StackId), event),
  update: (event) => update(guardDutyClient(), stackLocation(event.StackId), event),
  delete: (event, context) => remove(guardDutyClient(), event, context),
};

/** What an adoption changed, as it was before: kept in the physical id (`shared/adoption.ts`). */
interface SettingsBefore {
  readonly enabled: boolean;
  readonly frequency?: FindingPublishingFrequency;
  /** The features the stack set, each with its status (and its additional configuration's) before. */
  readonly features?: DetectorFeatureConfiguration[];
  readonly tags: TagsBefore;
}

async function create(client: GuardDutyClient, location: StackLocation, event: DetectorEvent): Promise<HandlerResult<DetectorResourceAttributes>> {
  const config = parseConfiguration(event.ResourceProperties);
  try {
    const out = await client.send(new CreateDetectorCommand({
      Enable: config.enable,
      ClientToken: clientToken(event),
      FindingPublishingFrequency: config.findingPublishingFrequency,
      Features: config.features,
      DataSources: config.dataSources,
      Tags: withCreatorMark(config.tags, event),
    }));
    const detectorId = out.DetectorId!;
    log.info('Created detector', { detectorId });
    return result(location, detectorId, false);
  } catch (err) {
    if (!isDetectorAlreadyExists(err)) throw err;
  }
  const detectorId = await findExistingDetector(client);
  // A retried create whose first attempt made the detector (the client token not honoured): ours.
  const existing = await client.send(new GetDetectorCommand({ DetectorId: detectorId }));
  if (createdBy(existing.Tags, event)) {
    log.info('The detector is the one an earlier attempt of this create made', { detectorId });
    await applyConfiguration(client, detectorId, config);
    return result(location, detectorId, false);
  }
  log.info('A detector already exists in this account and Region; adopting it', { detectorId });
  const before = await adopt(client, location, detectorId, config);
  return result(location, detectorId, true, before);
}

/**
 * Apply the configuration to an adopted detector, and answer what it changed as it was before. If
 * a step fails, put that back, so a failed create leaves the detector as it found it.
 */
async function adopt(client: GuardDutyClient, location: StackLocation, detectorId: string,
  config: DetectorConfiguration): Promise<SettingsBefore> {
  const before = settingsBefore(await client.send(new GetDetectorCommand({ DetectorId: detectorId })), config);
  try {
    await applyConfiguration(client, detectorId, config);
    if (Object.keys(config.tags).length > 0) {
      await client.send(new TagResourceCommand({ ResourceArn: detectorArn(location, detectorId), Tags: config.tags }));
    }
  } catch (err) {
    await restoreSettings(client, location, detectorId, before).catch((restoreErr) =>
      log.error('Could not restore the adopted detector settings', { detectorId, error: String(restoreErr) }));
    throw err;
  }
  return before;
}

async function update(client: GuardDutyClient, location: StackLocation, event: DetectorEvent): Promise<HandlerResult<DetectorResourceAttributes>> {
  const { detectorId, adopted } = parsePhysicalId(event.PhysicalResourceId!);
  const config = parseConfiguration(event.ResourceProperties);
  const oldTags = event.OldResourceProperties?.Tags ?? {};
  const unchangedPhysicalId = { physicalResourceId: event.PhysicalResourceId! };
  try {
    await applyConfiguration(client, detectorId, config);
  } catch (err) {
    if (!isDetectorNotFound(err)) throw err;
    // Deleted outside CloudFormation: make a new one. The new physical id makes CloudFormation
    // send a Delete for the old one, which is already gone and succeeds.
    log.warn('The detector no longer exists; creating a new one', { detectorId });
    return create(client, location, event);
  }
  await syncTags(client, detectorArn(location, detectorId), oldTags, config.tags);
  // The same physical id, the adoption record with it.
  return { ...result(location, detectorId, adopted), ...unchangedPhysicalId };
}

async function remove(client: GuardDutyClient, event: DetectorEvent, context?: DeleteContext): Promise<HandlerResult<DetectorResourceAttributes>> {
  const physicalResourceId = event.PhysicalResourceId!;
  const { detectorId, adopted, before } = parsePhysicalId(physicalResourceId);
  if (adopted) {
    log.info('Keeping the detector: it existed before this stack adopted it', { detectorId });
    if (context?.undoesCreate && before) {
      // The rollback of the create that adopted it: leave it as the create found it. A rollback
      // never fails for this (the detector may be gone, or changed since by someone else).
      await restoreSettings(client, stackLocation(event.StackId), detectorId, before).then(
        () => log.info('Restored the settings the detector had before this stack adopted it', { detectorId }),
        (err) => log.warn('Could not restore the settings the detector had before adoption', { detectorId, error: String(err) }));
    }
    return { physicalResourceId };
  }
  try {
    // Only a detector this resource made carries its ownership record: any other (adopted, or named
    // by an event CloudFormation did not send for it) is kept, whatever the physical id says.
    const { Tags } = await client.send(new GetDetectorCommand({ DetectorId: detectorId }));
    if (!createdBy(Tags, event)) {
      log.warn('Keeping the detector: it does not carry this resource\'s ownership record', { detectorId });
      return { physicalResourceId };
    }
    await client.send(new DeleteDetectorCommand({ DetectorId: detectorId }));
    log.info('Deleted detector', { detectorId });
  } catch (err) {
    if (!isDetectorNotFound(err)) throw err;
    log.info('The detector was already gone', { detectorId });
  }
  return { physicalResourceId };
}

async function applyConfiguration(client: GuardDutyClient, detectorId: string, config: DetectorConfiguration): Promise<void> {
  await client.send(new UpdateDetectorCommand({
    DetectorId: detectorId,
    Enable: config.enable,
    FindingPublishingFrequency: config.findingPublishingFrequency,
    Features: config.features,
    DataSources: config.dataSources,
  }));
}

/** What `applyConfiguration` and the tagging will change on an adopted detector, as it is now. */
function settingsBefore(detector: GetDetectorCommandOutput, config: DetectorConfiguration): SettingsBefore {
  const touched = new Set<string | undefined>((config.features ?? []).map((f) => f.Name));
  const features: DetectorFeatureConfiguration[] = (detector.Features ?? [])
    .filter((f) => f.Name && touched.has(f.Name))
    .map((f) => ({
      // A feature the stack set: a DetectorFeature (the result's names are a superset).
      Name: f.Name as DetectorFeature,
      Status: f.Status,
      AdditionalConfiguration: f.AdditionalConfiguration?.map((a) => ({ Name: a.Name, Status: a.Status })),
    }));
  return {
    enabled: detector.Status === 'ENABLED',
    frequency: config.findingPublishingFrequency !== undefined ? detector.FindingPublishingFrequency : undefined,
    features: features.length > 0 ? features : undefined,
    tags: tagsBefore(detector.Tags, Object.keys(config.tags)),
  };
}

/** Put back what an adoption changed. */
async function restoreSettings(client: GuardDutyClient, location: StackLocation, detectorId: string, before: SettingsBefore) {
  await client.send(new UpdateDetectorCommand({
    DetectorId: detectorId,
    Enable: before.enabled,
    FindingPublishingFrequency: before.frequency,
    Features: before.features,
  }));
  const arn = detectorArn(location, detectorId);
  const retag = Object.fromEntries(Object.entries(before.tags).filter((e): e is [string, string] => e[1] !== null));
  const untag = Object.entries(before.tags).filter(([, v]) => v === null).map(([k]) => k);
  if (Object.keys(retag).length > 0) await client.send(new TagResourceCommand({ ResourceArn: arn, Tags: retag }));
  if (untag.length > 0) await client.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: untag }));
}

/** The account's detector, after CreateDetector said one exists (it may take a moment to list). */
async function findExistingDetector(client: GuardDutyClient): Promise<string> {
  const ids = await eventually(async () => {
    const found: string[] = [];
    for await (const page of paginateListDetectors({ client }, { MaxResults: 50 })) {
      found.push(...(page.DetectorIds ?? []));
    }
    return found.length > 0 ? found : undefined;
  }, { timeoutMs: ADOPT_VISIBILITY_TIMEOUT_MS, what: 'the existing detector to be listed (ListDetectors)' });
  if (!ids) {
    throw new HandlerError('GuardDuty reports that a detector already exists, but ListDetectors returns none after '
      + `${ADOPT_VISIBILITY_TIMEOUT_MS / 1000} s; retry the deployment`);
  }
  if (ids.length > 1) {
    throw new HandlerError(`expected one detector in this account and Region, found ${ids.length}: ${ids.join(', ')}`);
  }
  return ids[0];
}

function parseConfiguration(props: DetectorResourceProperties): DetectorConfiguration {
  return {
    enable: parseBoolean(props.Enable, 'Enable'),
    // The contract carries the model's enum values as strings, checked at synth (features.ts);
    // GuardDuty refuses any other with a BadRequestException.
    findingPublishingFrequency: props.FindingPublishingFrequency as FindingPublishingFrequency | undefined,
    features: props.Features?.map((f) => ({
      Name: f.Name as DetectorFeature,
      Status: f.Status as FeatureStatus,
      AdditionalConfiguration: f.AdditionalConfiguration?.map((a) => ({
        Name: a.Name as FeatureAdditionalConfiguration,
        Status: a.Status as FeatureStatus,
      })),
    })),
    dataSources: props.DataSources ? parseDataSources(props.DataSources) : undefined,
    tags: { ...(props.Tags ?? {}) },
  };
}

function parseDataSources(ds: DetectorDataSourcesProperty): DataSourceConfigurations {
  return {
    S3Logs: ds.S3Logs ? { Enable: parseBoolean(ds.S3Logs.Enable, 'DataSources.S3Logs.Enable') } : undefined,
    Kubernetes: ds.Kubernetes
      ? { AuditLogs: { Enable: parseBoolean(ds.Kubernetes.AuditLogs.Enable, 'DataSources.Kubernetes.AuditLogs.Enable') } }
      : undefined,
    MalwareProtection: ds.MalwareProtection
      ? {
        ScanEc2InstanceWithFindings: {
          EbsVolumes: parseBoolean(ds.MalwareProtection.ScanEc2InstanceWithFindings.EbsVolumes,
            'DataSources.MalwareProtection.ScanEc2InstanceWithFindings.EbsVolumes'),
        },
      }
      : undefined,
  };
}

function parsePhysicalId(physicalResourceId: string): { detectorId: string; adopted: boolean; before?: SettingsBefore } {
  const { base, record } = parseAdoptionRecord<SettingsBefore>(physicalResourceId);
  const adopted = base.startsWith(ADOPTED_DETECTOR_PREFIX);
  const detectorId = adopted ? base.slice(ADOPTED_DETECTOR_PREFIX.length) : base;
  return { detectorId, adopted, before: adopted ? record : undefined };
}

function detectorArn(location: StackLocation, detectorId: string): string {
  return `arn:${location.partition}:guardduty:${location.region}:${location.account}:detector/${detectorId}`;
}

function result(location: StackLocation, detectorId: string, adopted: boolean, before?: SettingsBefore): HandlerResult<DetectorResourceAttributes> {
  const data: DetectorResourceAttributes = {
    DetectorId: detectorId,
    DetectorArn: detectorArn(location, detectorId),
    Adopted: adopted ? 'true' : 'false',
  };
  return {
    physicalResourceId: !adopted ? detectorId
      : before ? withAdoptionRecord(`${ADOPTED_DETECTOR_PREFIX}${detectorId}`, before) : `${ADOPTED_DETECTOR_PREFIX}${detectorId}`,
    data: { ...data },
  };
}
