import { RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { IBehaviorGraph } from './behavior-graph';
import { ValidationError } from '../private/errors';
import { GraphMembershipResource } from '../private/resources/detective/graph-membership';
import { graphMembershipPermissions } from '../private/resources/detective/graph-membership.permissions';
import { ThreatDetectionResource } from '../private/threat-detection-resource';
import { validateAccountId } from '../private/validation';

/** Properties of a `GraphMembership`: the graph, or its administrator's account id (exactly one). */
export interface GraphMembershipProps {
  /**
   * The administrator's behavior graph, e.g. `BehaviorGraph.fromGraphArn(...)`.
   *
   * @default - the graph of `administratorAccountId` in this Region
   */
  readonly graph?: IBehaviorGraph;

  /**
   * The 12-digit id of the Detective administrator account whose invitation to accept: an
   * administrator has one graph per Region, so an account-vending stack needs no graph ARN.
   *
   * @default - the administrator of `graph`
   */
  readonly administratorAccountId?: string;
}

/**
 * This account's membership in another account's Detective behavior graph: deployed in an invited
 * member account, it accepts the administrator's invitation.
 *
 * The invitation (to `graph`, or from `administratorAccountId`) is looked up with
 * `ListInvitations`, retried for up to two minutes while it is not yet visible, and accepted; the
 * deployment then waits until the membership is ENABLED. ACCEPTED_BUT_DISABLED fails with
 * Detective's reason (usually: GuardDuty is not enabled in this account, so give the account its
 * `Detector` first). No invitation fails, saying the administrator must invite the account first:
 * deploy the administrator's `MemberAccount` (with `invitation`) first.
 *
 * Another graph (or administrator) is a replacement: the new invitation is accepted, then the old
 * graph left. Delete leaves the graph (`DisassociateMembership`). Accounts of the organization
 * that the Detective administrator enabled receive no invitation and need no `GraphMembership`.
 *
 * @see https://docs.aws.amazon.com/detective/latest/APIReference/API_AcceptInvitation.html
 */
export class GraphMembership extends Construct {
  /** The graph's ARN (a token resolved at deploy time when the graph was given by its administrator). */
  public readonly graphArn: string;

  constructor(scope: Construct, id: string, props: GraphMembershipProps) {
    super(scope, id);
    if ((props.graph === undefined) === (props.administratorAccountId === undefined)) {
      throw new ValidationError(this, 'give exactly one of `graph` and `administratorAccountId`, got '
        + (props.graph ? 'both' : 'neither'));
    }
    const admin = props.administratorAccountId;
    validateAccountId(this, 'administratorAccountId', admin);
    const resource = new ThreatDetectionResource(this, 'Resource', GraphMembershipResource, {
      properties: { GraphArn: props.graph?.graphArn, AdministratorAccountId: admin },
      // Delete leaves the graph (DisassociateMembership).
      removalPolicy: RemovalPolicy.DESTROY,
      permissions: graphMembershipPermissions(admin),
    });
    this.graphArn = props.graph?.graphArn ?? resource.attribute('GraphArn');
  }
}
