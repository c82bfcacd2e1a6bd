/**
 * Serializing writes to one detector's organization and member settings.
 *
 * UpdateOrganizationConfiguration and UpdateMemberDetectors overwrite what they are sent, and
 * CloudFormation runs independent resources in parallel: two resources writing one detector's
 * settings at once can interleave their read-modify-write and lose one write (terraform-provider-aws
 * holds a mutex per detector for the same reason). Each such resource depends on the previous one
 * registered for the same detector object, in construct order, so their events run one at a time.
 *
 * Not exported from the package.
 */
import { CustomResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** Keyed by the detector construct, so separate apps in one process never share a chain. */
const LAST_WRITER = new WeakMap<IConstruct, CustomResource>();

/** Make `resource` wait for the previous writer of `detector`'s settings, and become the last one. */
export function serializeDetectorWrites(detector: IConstruct, resource: CustomResource): void {
  const previous = LAST_WRITER.get(detector);
  if (previous) resource.node.addDependency(previous);
  LAST_WRITER.set(detector, resource);
}
