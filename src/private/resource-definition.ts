/**
 * A custom resource type's definition: its CloudFormation type name, its label and its contracts.
 * Pure (no aws-cdk-lib): the handler bundle imports the definitions, and the constructs build
 * their resources from them (`threat-detection-resource.ts`).
 *
 * A resource type is declared once, in its own file under `resources/`, with its properties and
 * attributes contracts; its permissions are in the `.permissions.ts` file beside it. The handler
 * registry (`lambda/registry.ts`) pairs each definition with its handler; dispatch and failure
 * labels derive from it.
 *
 * Not exported from the package.
 */

/**
 * A custom resource type: `P` the properties the construct writes and the handler reads, `A` the
 * attributes the handler returns and `Fn::GetAtt` reads (all strings, as CloudFormation carries them).
 */
export interface ResourceTypeDefinition<P, A> {
  /** The CloudFormation type, `Custom::<Service><Resource>`. Part of the API: changing it replaces every resource. */
  readonly type: `Custom::${string}`;
  /** The resource's name in failure reasons, e.g. `Detector` (then its logical id). */
  readonly label: string;
  /** The resource in synth-time messages, e.g. `a detector`. */
  readonly noun: string;
  /**
   * The requests of this type that may continue in a new invocation of the handler when one
   * invocation's time runs out (their work is re-derived from the services' state each time, so
   * running them again from the start is safe): CloudFormation then waits up to
   * `CONTINUABLE_SERVICE_TIMEOUT` for this type's events. See lambda/shared/continuation.ts.
   */
  readonly continuable?: ReadonlyArray<'Create' | 'Update' | 'Delete'>;
  /** Type-level only: the contracts, never set. */
  readonly contracts?: { readonly properties: P; readonly attributes: A };
}

/** Declare a resource type. */
export function defineResourceType<P, A = Record<string, never>>(definition: {
  readonly type: `Custom::${string}`; readonly label: string; readonly noun: string; readonly continuable?: ReadonlyArray<'Create' | 'Update' | 'Delete'>;
}): ResourceTypeDefinition<P, A> {
  return definition;
}
