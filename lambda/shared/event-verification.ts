/**
 * Confirm an event with CloudFormation before acting on it. Anyone allowed to invoke the handler
 * function can hand it an event; the handler acts with its role's permissions (delete a detector,
 * move the delegated administrator, accept an invitation), so it acts only on events
 * CloudFormation is sending now:
 *
 * 1. the event's stack is the stack the function belongs to: `STACK_ID`, set at synth from
 *    `AWS::StackId` in the function's environment, which an event cannot change;
 * 2. `DescribeStackResource` shows the event's logical resource, of the event's type, in the
 *    state the request implies:
 *    - Create: `CREATE_IN_PROGRESS`;
 *    - Update (a change, or a rollback to the old properties): `UPDATE_IN_PROGRESS`, on the
 *      event's physical id;
 *    - Delete (stack deletion, a resource removed from the template, a create's rollback):
 *      `DELETE_IN_PROGRESS`, on the event's physical id;
 *    - Delete of the old physical id after a replacement (or of the new one after a failed
 *      update rolled back): the resource has moved to another physical id and the stack
 *      (`DescribeStacks`) is in `UPDATE_COMPLETE_CLEANUP_IN_PROGRESS` or
 *      `UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS`, the cleanup phase where CloudFormation
 *      sends exactly those deletes.
 *
 * Anything else is refused before any service call and without answering the ResponseURL, and
 * the log says why. A confirmed Delete also learns whether it undoes the resource's create (a
 * rollback), which tells a handler to put back what its create changed on something it adopted;
 * a confirmed Update, whether it is a rollback, which must not fail for what no call can undo.
 * CloudFormation sets a resource's status before it invokes the provider; a
 * read that does not show it yet is repeated a few times over ~3 s before refusing.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackResource.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes.html
 */
import {
  CloudFormationClient,
  DescribeStackResourceCommand,
  DescribeStacksCommand,
  StackResourceDetail,
} from '@aws-sdk/client-cloudformation';
import { MAX_ATTEMPTS } from './clients';
import { clock } from './clock';
import { CustomResourceEvent } from './custom-resource';
import { STACK_ID_VARIABLE } from '../../src/private/contracts';

// The provider sets the variable; the name is their shared contract.
export { STACK_ID_VARIABLE };

/** Stack statuses in which CloudFormation deletes the physical ids a replacement left behind. */
const CLEANUP_STATUSES = ['UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'];

/** Reads before refusing an event whose resource does not show the expected state yet. */
const READS = 4;
const READ_INTERVAL_MS = 1_000;

/** What CloudFormation shows of the event's resource and stack. */
export interface StackView {
  /** The resource, or undefined when the stack has no such logical resource. */
  readonly resource?: Pick<StackResourceDetail, 'ResourceType' | 'ResourceStatus' | 'PhysicalResourceId'>
  & Partial<Pick<StackResourceDetail, 'LastUpdatedTimestamp'>>;
  /** The stack's status (read only when the rule needs it). */
  readonly stackStatus?: string;
}

/** Why the event is not one CloudFormation is sending now, or undefined when it is. */
export function eventProblem(event: CustomResourceEvent<unknown>, view: StackView): string | undefined {
  const resource = view.resource;
  const subject = `${event.LogicalResourceId} (${event.RequestType})`;
  if (!resource) return `${subject}: the stack has no such logical resource`;
  if (resource.ResourceType !== event.ResourceType) {
    return `${subject}: the stack's resource is of type ${resource.ResourceType}, the event says ${event.ResourceType}`;
  }
  const status = resource.ResourceStatus;
  const samePhysicalId = resource.PhysicalResourceId === event.PhysicalResourceId;
  switch (event.RequestType) {
    case 'Create':
      return status === 'CREATE_IN_PROGRESS' ? undefined : `${subject}: the resource is ${status}, not CREATE_IN_PROGRESS`;
    case 'Update':
      if (status !== 'UPDATE_IN_PROGRESS') return `${subject}: the resource is ${status}, not UPDATE_IN_PROGRESS`;
      return samePhysicalId ? undefined : `${subject}: the event's physical id is not the resource's`;
    case 'Delete':
      if (status === 'DELETE_IN_PROGRESS' && samePhysicalId) return undefined;
      if (!samePhysicalId && view.stackStatus !== undefined && CLEANUP_STATUSES.includes(view.stackStatus)) return undefined;
      return `${subject}: the resource is ${status}${samePhysicalId ? '' : ' on another physical id'} and the stack is `
        + `${view.stackStatus ?? 'not in a cleanup phase'}: not a delete CloudFormation sends`;
    default:
      return `${subject}: unknown request type`;
  }
}

/** Stack statuses in which a Delete of the resource's own physical id undoes its create. */
const ROLLBACK_STATUSES = ['ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'];

/**
 * Whether a confirmed Delete undoes the resource's create: the rollback of the failed create, or
 * of the failed update that added the resource (CloudFormation deletes those in the rollback).
 */
export function undoesCreate(event: CustomResourceEvent<unknown>, view: StackView): boolean {
  return event.RequestType === 'Delete' && view.resource?.PhysicalResourceId === event.PhysicalResourceId
    && view.stackStatus !== undefined && ROLLBACK_STATUSES.includes(view.stackStatus);
}

/** Whether a confirmed Update is a rollback to the properties before a failed update. */
export function isRollback(event: CustomResourceEvent<unknown>, view: StackView): boolean {
  return event.RequestType === 'Update' && view.stackStatus === 'UPDATE_ROLLBACK_IN_PROGRESS';
}

/** The outcome of confirming an event. */
export interface Verification {
  /** Why the event is refused; undefined when it is confirmed. */
  readonly refused?: string;
  /** For a confirmed Delete: it undoes the resource's create (see `undoesCreate`). */
  readonly undoesCreate: boolean;
  /** For a confirmed Update: it is a rollback (see `isRollback`). */
  readonly rollback: boolean;
  /** The stack's status, for an Update or a Delete (see `readView`). */
  readonly stackStatus?: string;
  /** For a confirmed Delete: its physical id is not the resource's (a cleanup, see `DeleteContext.replaced`). */
  readonly replaced?: boolean;
  /**
   * For a confirmed Create or Update, or a Delete of the resource's own physical id: when
   * CloudFormation put the resource in its `*_IN_PROGRESS` status (`LastUpdatedTimestamp`, ms
   * since the epoch), i.e. when this event's work began, across all its invocations. From
   * CloudFormation, never from the event, so a continuation cannot claim more time than it had.
   */
  readonly since?: number;
}

/**
 * Confirm the event with CloudFormation. The StackId check comes first and needs no call; an
 * Update or a Delete also reads the stack's status (a rollback, a replacement's cleanup).
 */
export async function verifyEvent(event: CustomResourceEvent<unknown>,
  client: CloudFormationClient = new CloudFormationClient({ maxAttempts: MAX_ATTEMPTS })): Promise<Verification> {
  const ownStack = process.env[STACK_ID_VARIABLE];
  if (!ownStack) return { refused: `the function has no ${STACK_ID_VARIABLE}: it cannot tell its own stack`, undoesCreate: false, rollback: false };
  if (event.StackId !== ownStack) {
    return { refused: `the event's StackId is not the stack this function belongs to (${ownStack})`, undoesCreate: false, rollback: false };
  }

  let problem: string | undefined;
  for (let read = 1; read <= READS; read++) {
    const view = await readView(event, client);
    problem = eventProblem(event, view);
    if (!problem) {
      return {
        undoesCreate: undoesCreate(event, view),
        rollback: isRollback(event, view),
        replaced: event.RequestType === 'Delete' && view.resource?.PhysicalResourceId !== event.PhysicalResourceId,
        stackStatus: view.stackStatus,
        since: inProgressSince(event, view),
      };
    }
    if (read < READS) await clock().sleep(READ_INTERVAL_MS);
  }
  return { refused: problem, undoesCreate: false, rollback: false };
}

/** When the resource entered the status the event was confirmed by (see `Verification.since`). */
function inProgressSince(event: CustomResourceEvent<unknown>, view: StackView): number | undefined {
  const resource = view.resource;
  if (!resource?.LastUpdatedTimestamp || !resource.ResourceStatus?.endsWith('_IN_PROGRESS')) return undefined;
  if (event.RequestType !== 'Create' && resource.PhysicalResourceId !== event.PhysicalResourceId) return undefined;
  return resource.LastUpdatedTimestamp.getTime();
}

async function readView(event: CustomResourceEvent<unknown>, client: CloudFormationClient): Promise<StackView> {
  let resource: StackView['resource'];
  try {
    const out = await client.send(new DescribeStackResourceCommand({
      StackName: event.StackId,
      LogicalResourceId: event.LogicalResourceId,
    }));
    resource = out.StackResourceDetail;
  } catch (err) {
    // CloudFormation answers ValidationError for a logical id the stack does not have; any other
    // error (denied, throttled past the retries) also leaves the event unconfirmed.
    if ((err as { name?: string }).name !== 'ValidationError') throw err;
    return {};
  }
  if (event.RequestType === 'Create' || resource === undefined) return { resource };
  const stacks = await client.send(new DescribeStacksCommand({ StackName: event.StackId }));
  return { resource, stackStatus: stacks.Stacks?.[0]?.StackStatus };
}
