/**
 * The one way a construct finds the other constructs of its detector (or behavior graph): for
 * quotas (filters, IP lists, publishing destinations per detector), overlaps (two organization
 * configurations managing one plan) and write ordering. Keyed by the detector id as the stack
 * resolves it, so an owned detector, the same detector imported twice, and a detector from
 * another stack all give one key per detector.
 *
 * Not exported from the package.
 */
import { CustomResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** Per stack: kind and detector key → the constructs registered, in construction order. */
const REGISTRY = new WeakMap<Stack, Map<string, IConstruct[]>>();

/** The key of a detector id or graph ARN within a stack: its resolved form (a literal, a Ref, a GetAtt, an import). */
export function detectorKey(scope: IConstruct, detectorId: string): string {
  return JSON.stringify(Stack.of(scope).resolve(detectorId));
}

/**
 * Register `self` as a `kind` construct of the detector, and return every `kind` construct of the
 * detector in `self`'s stack, in construction order. The list is live: read it at synth (in a
 * validation) to see constructs added after `self`.
 */
export function joinSiblings<T extends IConstruct>(self: T, kind: string, detectorId: string): ReadonlyArray<T> {
  const stack = Stack.of(self);
  const groups = REGISTRY.get(stack) ?? new Map<string, IConstruct[]>();
  REGISTRY.set(stack, groups);
  const key = `${kind}\n${detectorKey(self, detectorId)}`;
  const list = groups.get(key) ?? [];
  groups.set(key, list);
  list.push(self);
  return list as T[];
}

/**
 * Serialize writes to one detector's organization and member settings.
 *
 * UpdateOrganizationConfiguration and UpdateMemberDetectors overwrite what they are sent, and
 * CloudFormation runs independent resources in parallel: two resources writing one detector's
 * settings at once can interleave their read-modify-write and lose one write (terraform-provider-aws
 * holds a mutex per detector for the same reason). Each such resource depends on the previous one
 * registered for the same detector, in construction order, so their events run one at a time.
 */
export function serializeDetectorWrites(resource: CustomResource, detectorId: string): void {
  const writers = joinSiblings(resource, 'settings-writer', detectorId);
  const previous = writers[writers.length - 2];
  if (previous) resource.node.addDependency(previous);
}
