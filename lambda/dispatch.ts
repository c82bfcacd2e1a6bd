/**
 * Route a custom resource event to the handler for its resource type (`registry.ts`), applying the
 * lifecycle guards once for every type. One bundle serves every resource type, so a stack needs
 * one handler function however many constructs it holds.
 *
 * Guards:
 * - a Delete of the placeholder physical id a failed Create reported succeeds without a call:
 *   the create left nothing behind (the handler removed what it made before failing);
 * - an Update without its old properties or physical id is not one CloudFormation sends: refused.
 */
import { REGISTRY, Registration } from './registry';
import { CREATE_FAILED_PHYSICAL_ID, CustomResourceEvent, ResourceResult } from './shared/custom-resource';
import { HandlerError } from './shared/errors';
import { CreateEvent, DeleteContext, DeleteEvent, toResourceResult, UpdateContext, UpdateEvent } from './shared/resource-handler';

const BY_TYPE = new Map<string, Registration>(REGISTRY.map((r) => [r.definition.type, r]));

/** The resource's name in failure reasons: its kind and logical id, e.g. `Detector Detector1A2B3C4D`. */
export function resourceLabel(event: CustomResourceEvent<unknown>): string {
  const kind = BY_TYPE.get(event.ResourceType)?.definition.label ?? event.ResourceType;
  return `${kind} ${event.LogicalResourceId}`;
}

/** Whether an event of this resource type and request may continue in a new invocation (see shared/continuation.ts). */
export function isContinuable(event: CustomResourceEvent<unknown>): boolean {
  return BY_TYPE.get(event.ResourceType)?.definition.continuable?.includes(event.RequestType) === true;
}

/** Run the event's handler: resolves with the result or rejects with the error to report. */
export async function dispatch(event: CustomResourceEvent<unknown>,
  context: DeleteContext & UpdateContext = { undoesCreate: false, rollback: false }): Promise<ResourceResult> {
  const entry = BY_TYPE.get(event.ResourceType);
  if (!entry) {
    throw new HandlerError(`this handler does not manage resources of type ${event.ResourceType}`);
  }
  const { handler } = entry;
  switch (event.RequestType) {
    case 'Create':
      return toResourceResult(await handler.create(event as CreateEvent<any>));
    case 'Update':
      if (event.PhysicalResourceId === undefined || event.OldResourceProperties === undefined) {
        throw new HandlerError('an Update event must carry PhysicalResourceId and OldResourceProperties');
      }
      return toResourceResult(await handler.update(event as UpdateEvent<any>, context));
    case 'Delete':
      if (event.PhysicalResourceId === undefined || event.PhysicalResourceId === CREATE_FAILED_PHYSICAL_ID) {
        return { physicalResourceId: event.PhysicalResourceId ?? CREATE_FAILED_PHYSICAL_ID };
      }
      return toResourceResult(await handler.delete(event as DeleteEvent<any>, context));
    default:
      throw new HandlerError(`unknown request type ${(event as { RequestType?: string }).RequestType}`);
  }
}
