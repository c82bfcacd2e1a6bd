/**
 * `Custom::DetectiveGraphMembership`: the contract between the member-side `GraphMembership`
 * construct and its handler. The handler's permissions for it are in
 * `graph-membership.permissions.ts`.
 *
 * Not exported from the package.
 */
import { defineResourceType } from '../../resource-definition';

/**
 * Properties of `Custom::DetectiveGraphMembership` (member side): exactly one of `GraphArn` and
 * `AdministratorAccountId` (an administrator has one graph per Region). Physical id:
 * `<graphArn>/membership`, with the graph the invitation came from; another graph is a replacement
 * (accept the new, then leave the old, whose ARN Delete reads from the physical id).
 */
export interface GraphMembershipResourceProperties {
  readonly GraphArn?: string;
  readonly AdministratorAccountId?: string;
}

/** Attributes of `Custom::DetectiveGraphMembership`. */
export interface GraphMembershipResourceAttributes {
  /** The graph whose invitation was accepted. */
  readonly GraphArn: string;
  readonly Status: string;
}

/** `Custom::DetectiveGraphMembership`. */
export const GraphMembershipResource = defineResourceType<GraphMembershipResourceProperties, GraphMembershipResourceAttributes>({
  type: 'Custom::DetectiveGraphMembership',
  label: 'GraphMembership',
  noun: 'a graph membership',
  // Create and update wait for the invitation and for ENABLED; a re-run reads the invitation's status first.
  continuable: ['Create', 'Update'],
});
