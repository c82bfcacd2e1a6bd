/**
 * The one interface every resource handler implements, as aws-cdk's provider framework has
 * `onEvent` with typed events: a create, an update and a delete, each given its typed event. The
 * lifecycle guards live in the dispatcher (`lambda/dispatch.ts`), not in each handler:
 * - a Delete of the physical id a failed Create reported calls nothing (the create left nothing);
 * - an Update gets its old properties and the physical id it must keep or replace.
 */
import { CustomResourceEvent, ResourceResult } from './custom-resource';

/** A Create: no physical id yet. */
export type CreateEvent<P> = CustomResourceEvent<P> & { readonly RequestType: 'Create' };

/** An Update: the physical id and the properties before the change (on rollback, the ones that failed). */
export type UpdateEvent<P> = CustomResourceEvent<P> & {
  readonly RequestType: 'Update';
  readonly PhysicalResourceId: string;
  readonly OldResourceProperties: P;
};

/** A Delete of a resource a create made (never of a failed create's placeholder id). */
export type DeleteEvent<P> = CustomResourceEvent<P> & { readonly RequestType: 'Delete'; readonly PhysicalResourceId: string };

/** What CloudFormation's state tells a Delete (read when the event was confirmed, see event-verification.ts). */
export interface DeleteContext {
  /**
   * The Delete undoes this resource's create: the rollback of a failed create
   * (`ROLLBACK_IN_PROGRESS`) or of the failed update that added it. A handler that adopted
   * something then puts back what the create changed on it.
   */
  readonly undoesCreate: boolean;
  /**
   * The Delete is of a physical id the resource no longer has: CloudFormation's cleanup after a
   * replacement (or after a failed update rolled back to the old id). CloudFormation's record no
   * longer ties that id to this resource, so a handler deletes only what carries this resource's
   * ownership record (`ownership.ts`): anything else named in a cleanup phase is kept.
   * @default false
   */
  readonly replaced?: boolean;
}

/** What CloudFormation's state tells an Update (read when the event was confirmed). */
export interface UpdateContext {
  /**
   * The Update is a rollback (stack `UPDATE_ROLLBACK_IN_PROGRESS`): the properties are the ones
   * before a failed update. A rollback must not fail for what the API cannot undo (the stack
   * would end UPDATE_ROLLBACK_FAILED): a handler says so in the log and succeeds.
   */
  readonly rollback: boolean;
}

/** What a handler answers: the physical id and, on create and update, the attributes `Fn::GetAtt` reads. */
export interface HandlerResult<A> {
  readonly physicalResourceId: string;
  readonly data?: A;
}

/**
 * A resource type's handler. `P` is its properties contract, `A` its attributes contract (both in
 * `src/private/resources/`). A method resolves with the result or throws the error to report.
 */
export interface ResourceHandler<P, A = Record<string, string>> {
  create(event: CreateEvent<P>): Promise<HandlerResult<A>>;
  update(event: UpdateEvent<P>, context?: UpdateContext): Promise<HandlerResult<A>>;
  delete(event: DeleteEvent<P>, context?: DeleteContext): Promise<HandlerResult<A>>;
}

/** The result in the protocol's untyped form. */
export function toResourceResult<A>(result: HandlerResult<A>): ResourceResult {
  return { physicalResourceId: result.physicalResourceId, data: result.data as Record<string, string> | undefined };
}
