/**
 * `Custom::GuardDutyPublishingDestination`: export of findings to S3.
 *
 * GuardDuty verifies the destination after the call returns (PENDING_VERIFICATION) and reports
 * PUBLISHING when it can write, or UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY when the bucket
 * policy, key policy or Regions are wrong. Create and update wait for the verdict; a failed
 * create deletes the destination again, and a failed update is rolled back by CloudFormation with
 * the old properties. One destination per detector: a create on a detector that already has one
 * fails naming it.
 */
import {
  CreatePublishingDestinationCommand,
  DeletePublishingDestinationCommand,
  DescribePublishingDestinationCommand,
  DestinationType,
  GuardDutyClient,
  paginateListPublishingDestinations,
  PublishingStatus,
  UpdatePublishingDestinationCommand,
} from '@aws-sdk/client-guardduty';
import { PublishingDestinationResourceAttributes, PublishingDestinationResourceProperties } from '../../src/private/resources/guardduty/publishing-destination';
import { guardDutyClient } from '../shared/clients';
import { cleanUpUnlessContinuing } from '../shared/continuation';
import { CustomResourceEvent, stackLocation, StackLocation } from '../shared/custom-resource';
import { HandlerError, isBadRequest, isDetectorNotFound, isPublishingDestinationNotFound } from '../shared/errors';
import { clientToken } from '../shared/idempotency';
import { madeResource } from '../shared/invocation';
import { log } from '../shared/log';
import { createdBy, withCreatorMark } from '../shared/ownership';
import { DeleteContext, HandlerResult, ResourceHandler } from '../shared/resource-handler';
import { syncTags, tagsOrUndefined } from '../shared/tags';
import { waitForStatus } from '../shared/waiters';

/** What this handler answers. */
type Result = HandlerResult<PublishingDestinationResourceAttributes>;

type DestinationEvent = CustomResourceEvent<PublishingDestinationResourceProperties>;

const VERIFY_TIMEOUT_MS = 5 * 60_000;
const FIX_ADVICE = 'GuardDuty cannot write to the bucket. Check that the bucket policy allows the GuardDuty service principal '
  + 's3:PutObject on the prefix and s3:GetBucketLocation on the bucket, that the key policy allows it kms:GenerateDataKey, that '
  + 'any aws:SourceAccount/aws:SourceArn conditions name this account and detector, and that the bucket and key are in the '
  + 'same Region';

export const publishingDestinationHandler: ResourceHandler<PublishingDestinationResourceProperties, PublishingDestinationResourceAttributes> = {
  create: (event) => create(guardDutyClient(), stackLocation(event.StackId), event),
  update: (event) => update(guardDutyClient(), stackLocation(event.StackId), event),
  delete: (event, context) => remove(guardDutyClient(), event, context),
};

async function create(client: GuardDutyClient, location: StackLocation, event: DestinationEvent): Promise<Result> {
  const props = event.ResourceProperties;
  let destinationId: string;
  try {
    const out = await client.send(new CreatePublishingDestinationCommand({
      DetectorId: props.DetectorId,
      DestinationType: props.DestinationType as DestinationType,
      DestinationProperties: { DestinationArn: props.DestinationArn, KmsKeyArn: props.KmsKeyArn },
      ClientToken: clientToken(event),
      // With this resource's ownership record: a cleanup's Delete removes only a destination that carries it.
      Tags: withCreatorMark(tagsOrUndefined(props.Tags), event),
    }));
    destinationId = out.DestinationId!;
  } catch (err) {
    throw await explainCreateFailure(client, props, err);
  }
  log.info('Created publishing destination', { detectorId: props.DetectorId, destinationId });
  // From here a failure (or the timeout) answers with its physical id, for the rollback's Delete.
  madeResource(result(location, props.DetectorId, destinationId).physicalResourceId);
  try {
    await verify(client, props, destinationId);
  } catch (err) {
    // Leave nothing behind (or, out of time, leave the destination to the continuation).
    await cleanUpUnlessContinuing(err, async () => {
      await client.send(new DeletePublishingDestinationCommand({ DetectorId: props.DetectorId, DestinationId: destinationId }))
        .catch((deleteErr) => log.error('Could not delete the destination after its create failed', { destinationId, error: String(deleteErr) }));
    });
    throw err;
  }
  return result(location, props.DetectorId, destinationId);
}

async function update(client: GuardDutyClient, location: StackLocation, event: DestinationEvent): Promise<Result> {
  const props = event.ResourceProperties;
  const old = event.OldResourceProperties!;
  if (props.DetectorId !== old.DetectorId || props.DestinationType !== old.DestinationType) {
    log.info('Detector or destination type changed: creating the replacement');
    return create(client, location, event);
  }
  const { destinationId } = parsePhysicalId(event.PhysicalResourceId!);
  // Deleted outside CloudFormation (decided by the detector's list, whatever an error would say):
  // make it again, whether the update changes the destination or only its tags.
  if (!await listsDestination(client, props.DetectorId, destinationId)) {
    log.warn('The publishing destination no longer exists; creating it again', { destinationId });
    return create(client, location, event);
  }
  // Compared with what GuardDuty holds, not with the old properties: a destination redirected
  // outside CloudFormation is put back by the next update.
  const held = await client.send(new DescribePublishingDestinationCommand({ DetectorId: props.DetectorId, DestinationId: destinationId }));
  if (held.DestinationProperties?.DestinationArn !== props.DestinationArn || held.DestinationProperties?.KmsKeyArn !== props.KmsKeyArn) {
    if (props.DestinationArn === old.DestinationArn && props.KmsKeyArn === old.KmsKeyArn) {
      log.warn('The destination was changed outside CloudFormation; putting it back', { destinationId });
    }
    await client.send(new UpdatePublishingDestinationCommand({
      DetectorId: props.DetectorId,
      DestinationId: destinationId,
      DestinationProperties: { DestinationArn: props.DestinationArn, KmsKeyArn: props.KmsKeyArn },
    }));
  }
  await verify(client, props, destinationId);
  await syncTags(client, destinationArn(location, props.DetectorId, destinationId), old.Tags, props.Tags);
  return result(location, props.DetectorId, destinationId);
}

async function remove(client: GuardDutyClient, event: DestinationEvent, context?: DeleteContext): Promise<Result> {
  const physicalResourceId = event.PhysicalResourceId!;
  const { detectorId, destinationId } = parsePhysicalId(physicalResourceId);
  if (context?.replaced && !await carriesCreatorMark(client, detectorId, destinationId, event)) return { physicalResourceId };
  try {
    await client.send(new DeletePublishingDestinationCommand({ DetectorId: detectorId, DestinationId: destinationId }));
    log.info('Deleted publishing destination', { detectorId, destinationId });
  } catch (err) {
    if (!isPublishingDestinationNotFound(err)) throw err;
    log.info('The publishing destination was already gone', { detectorId, destinationId });
  }
  return { physicalResourceId };
}

/**
 * Whether a destination named by a cleanup's Delete (a physical id the resource no longer has)
 * carries this resource's ownership record. One that does not (another stack's, one made outside
 * CloudFormation, or one this resource made before the record existed) is kept, and said in the
 * log; one already gone needs nothing.
 */
async function carriesCreatorMark(client: GuardDutyClient, detectorId: string, destinationId: string, event: DestinationEvent): Promise<boolean> {
  if (!await listsDestination(client, detectorId, destinationId)) return false;
  const held = await client.send(new DescribePublishingDestinationCommand({ DetectorId: detectorId, DestinationId: destinationId }));
  if (createdBy(held.Tags, event)) return true;
  log.warn('Keeping the publishing destination: it does not carry this resource\'s ownership record', { detectorId, destinationId });
  return false;
}

/** Wait for GuardDuty's verdict on the destination. */
async function verify(client: GuardDutyClient, props: PublishingDestinationResourceProperties, destinationId: string): Promise<void> {
  await waitForStatus<PublishingStatus>({
    what: `publishing destination ${destinationId} (${props.DestinationArn}, key ${props.KmsKeyArn})`,
    read: async () => {
      const out = await client.send(new DescribePublishingDestinationCommand({ DetectorId: props.DetectorId, DestinationId: destinationId }));
      return out.Status;
    },
    until: ['PUBLISHING'],
    failOn: {
      UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY: FIX_ADVICE,
      STOPPED: 'GuardDuty stopped publishing to it',
    },
    timeoutMs: VERIFY_TIMEOUT_MS,
  });
}

/** GuardDuty allows one destination per detector: name the one in the way. */
async function explainCreateFailure(client: GuardDutyClient, props: PublishingDestinationResourceProperties, err: unknown): Promise<unknown> {
  if (!isBadRequest(err) || isDetectorNotFound(err)) return err;
  const existing: string[] = [];
  try {
    for await (const page of paginateListPublishingDestinations({ client }, { DetectorId: props.DetectorId, MaxResults: 50 })) {
      existing.push(...(page.Destinations ?? []).map((d) => `${d.DestinationId} (${d.Status})`));
    }
  } catch {
    return err;
  }
  if (existing.length > 0) {
    return new HandlerError(`detector ${props.DetectorId} already has a publishing destination, ${existing.join(', ')}, and GuardDuty `
      + 'allows one per detector; delete it or manage it from the stack that created it '
      + `(${(err as Error).message})`);
  }
  return err;
}

function parsePhysicalId(physicalResourceId: string): { detectorId: string; destinationId: string } {
  const [detectorId, destinationId, ...rest] = physicalResourceId.split(':');
  if (!detectorId || !destinationId || rest.length > 0) {
    throw new HandlerError(`physical id must be <detectorId>:<destinationId>, got: ${physicalResourceId}`);
  }
  return { detectorId, destinationId };
}

function destinationArn(location: StackLocation, detectorId: string, destinationId: string): string {
  return `arn:${location.partition}:guardduty:${location.region}:${location.account}:detector/${detectorId}/publishingdestination/${destinationId}`;
}

function result(location: StackLocation, detectorId: string, destinationId: string): Result {
  const data: PublishingDestinationResourceAttributes = {
    DestinationId: destinationId,
    PublishingDestinationArn: destinationArn(location, detectorId, destinationId),
  };
  return { physicalResourceId: `${detectorId}:${destinationId}`, data: { ...data } };
}

/** Whether the detector's destinations include this one (false too when the detector is gone). */
async function listsDestination(client: GuardDutyClient, detectorId: string, destinationId: string): Promise<boolean> {
  try {
    for await (const page of paginateListPublishingDestinations({ client }, { DetectorId: detectorId, MaxResults: 50 })) {
      if ((page.Destinations ?? []).some((d) => d.DestinationId === destinationId)) return true;
    }
    return false;
  } catch (err) {
    if (isDetectorNotFound(err)) return false;
    throw err;
  }
}
