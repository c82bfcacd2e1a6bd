import { CustomResource } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { IBehaviorGraph } from './behavior-graph';
import { GraphMembershipResourceProperties, ResourceTypes } from '../private/contracts';
import { GRAPH_MEMBERSHIP_PERMISSIONS } from '../private/permissions';
import { ThreatDetectionProvider } from '../private/provider';

/** Properties of a `GraphMembership`. */
export interface GraphMembershipProps {
  /**
   * The administrator's behavior graph, usually `BehaviorGraph.fromGraphArn(...)`. Another graph
   * is a replacement: the new invitation is accepted, then the old graph left.
   */
  readonly graph: IBehaviorGraph;
}

/**
 * This account's membership in another account's Detective behavior graph: deployed in an invited
 * member account, it accepts the administrator's invitation.
 *
 * The invitation is looked up with `ListInvitations`, retried for up to two minutes while it is not
 * yet visible, and accepted; the deployment then waits until the membership is ENABLED.
 * ACCEPTED_BUT_DISABLED fails with Detective's reason (usually: GuardDuty is not enabled in this
 * account). No invitation fails, saying the administrator must invite the account first: deploy
 * the administrator's `MemberAccount` (with `invitation`) first.
 *
 * Delete leaves the graph (`DisassociateMembership`). Accounts of the organization that the
 * Detective administrator enabled receive no invitation and need no `GraphMembership`.
 *
 * @see https://docs.aws.amazon.com/detective/latest/APIReference/API_AcceptInvitation.html
 */
export class GraphMembership extends Construct {
  /** The graph's ARN. */
  public readonly graphArn: string;

  constructor(scope: Construct, id: string, props: GraphMembershipProps) {
    super(scope, id);
    const provider = ThreatDetectionProvider.of(this);
    provider.addPermissions(GRAPH_MEMBERSHIP_PERMISSIONS);
    const properties: GraphMembershipResourceProperties = { GraphArn: props.graph.graphArn };
    new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: ResourceTypes.DETECTIVE_GRAPH_MEMBERSHIP,
      properties: { ...properties },
    });
    this.graphArn = props.graph.graphArn;
  }
}
