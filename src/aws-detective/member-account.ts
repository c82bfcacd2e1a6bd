import { RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { IBehaviorGraph } from './behavior-graph';
import type { MemberInvitation } from '../member-account-source';
import { renderInvitation, validateInvitationMessage, validateOneMember } from '../private/members';
import { NO_ORGANIZATION_READS } from '../private/permissions';
import { DetectiveMemberResource } from '../private/resources/detective/members';
import { detectiveMemberPermissions } from '../private/resources/detective/members.permissions';
import { ThreatDetectionResource } from '../private/threat-detection-resource';

/** Properties of a `MemberAccount`. */
export interface MemberAccountProps {
  /** The administrator's behavior graph. Changing it replaces the member. */
  readonly graph: IBehaviorGraph;

  /** The member's 12-digit account id. Changing it replaces the member (the old one is removed). */
  readonly accountId: string;

  /**
   * The email address of the account's root user, 1-64 characters. Detective verifies it against
   * the account id and sends the invitation to it. Used when the member is added; changing it
   * later has no effect on an existing member.
   *
   * @default - read from AWS Organizations at deployment (organization mode only)
   * @throws at synth when `invitation` is given without an email
   */
  readonly email?: string;

  /**
   * Invite the account instead of enabling it through the organization. Leave it out for accounts
   * of the organization when the graph's account is the organization's Detective administrator.
   *
   * @default - organization mode: the account is enabled without an invitation
   */
  readonly invitation?: MemberInvitation;

  /**
   * What happens to the membership when this resource leaves the stack. DESTROY removes the
   * member (`DeleteMembers`); RETAIN keeps it.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * One member account of a Detective behavior graph, administrator side.
 *
 * Organization mode (the default): the graph's account is the organization's Detective
 * administrator and the account is in the organization; Detective enables it as a member, and the
 * deployment waits through VERIFICATION_IN_PROGRESS until it is ENABLED (the email is read from
 * AWS Organizations). Invitation mode: the account is invited, and the deployment waits until it
 * is INVITED (or ENABLED once accepted).
 *
 * VERIFICATION_FAILED (email and account id do not match) and ACCEPTED_BUT_DISABLED (usually: no
 * GuardDuty in the member account) fail the deployment with Detective's reason and what to do,
 * and the member this deployment added is removed again.
 *
 * The administrator's own account cannot be a member (synth error when the stack's account is
 * known).
 *
 * @see https://docs.aws.amazon.com/detective/latest/APIReference/API_CreateMembers.html
 */
export class MemberAccount extends Construct {
  /** The member's account id. */
  public readonly accountId: string;

  /** The member's status after the deployment: `ENABLED`, or `INVITED` in invitation mode (a token resolved at deploy time). */
  public readonly status: string;

  constructor(scope: Construct, id: string, props: MemberAccountProps) {
    super(scope, id);
    validateOneMember(this, 'Detective', props);
    validateInvitationMessage(this, props.invitation);
    const resource = new ThreatDetectionResource(this, 'Resource', DetectiveMemberResource, {
      properties: {
        GraphArn: props.graph.graphArn,
        AccountId: props.accountId,
        EmailAddress: props.email,
        Invitation: renderInvitation(props.invitation),
      },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
      // Without an email, the handler reads it from AWS Organizations.
      permissions: detectiveMemberPermissions({ ...NO_ORGANIZATION_READS, oneAccount: props.email === undefined }),
    });
    this.accountId = props.accountId;
    this.status = resource.attribute('Status');
  }
}
