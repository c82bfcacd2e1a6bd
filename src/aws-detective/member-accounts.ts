import { RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { IBehaviorGraph } from './behavior-graph';
import type { MemberAccountSource, MemberInvitation } from '../member-account-source';
import { memberSourceReads, renderInvitation, validateInvitationMessage } from '../private/members';
import { DetectiveMembersResource } from '../private/resources/detective/members';
import { detectiveMemberPermissions } from '../private/resources/detective/members.permissions';
import { ThreatDetectionResource } from '../private/threat-detection-resource';

/** Properties of a Detective `MemberAccounts`. */
export interface MemberAccountsProps {
  /** The administrator's behavior graph. Changing it replaces the set. */
  readonly graph: IBehaviorGraph;

  /** The accounts: an explicit list, or read from AWS Organizations. */
  readonly accounts: MemberAccountSource;

  /**
   * Invite the listed accounts instead of enabling them through the organization. Needs an
   * explicit list with emails.
   *
   * @default - organization mode
   */
  readonly invitation?: MemberInvitation;

  /**
   * What happens to the memberships when the set leaves the stack. DESTROY deletes the set's
   * members; RETAIN keeps them.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A set of Detective member accounts in one custom resource.
 *
 * Every write goes in batches of 50 accounts (the API's limit), so N accounts cost ceil(N/50)
 * `CreateMembers` calls. An update reconciles: accounts that left the set are deleted, accounts
 * that joined are added, the rest are left alone. Every batch answer's `UnprocessedAccounts` is
 * read: "already a member" is success, anything else fails the deployment naming the accounts and
 * Detective's reasons. One bounded wait covers every account (ENABLED in organization mode,
 * INVITED or ENABLED in invitation mode); VERIFICATION_FAILED and ACCEPTED_BUT_DISABLED fail with
 * the reason, and a failed create removes the members it added. A member that is
 * ACCEPTED_BUT_DISABLED when a deployment runs is resumed first (`StartMonitoringMember`).
 *
 * A behavior graph has at most 1,200 member accounts (Detective answers
 * ServiceQuotaExceededException beyond).
 *
 * @see https://docs.aws.amazon.com/detective/latest/APIReference/API_CreateMembers.html
 * @see https://docs.aws.amazon.com/detective/latest/adminguide/graph-admin-add-member-accounts.html
 */
export class MemberAccounts extends Construct {
  /** How many accounts the set held after the last deployment (a number token, resolved at deploy time). */
  public readonly memberCount: number;

  constructor(scope: Construct, id: string, props: MemberAccountsProps) {
    super(scope, id);
    validateInvitationMessage(this, props.invitation);
    const source = props.accounts._bind(this, props.invitation !== undefined, 'Detective');
    const resource = new ThreatDetectionResource(this, 'Resource', DetectiveMembersResource, {
      properties: { GraphArn: props.graph.graphArn, ...source, Invitation: renderInvitation(props.invitation) },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
      permissions: detectiveMemberPermissions(memberSourceReads(source)),
    });
    this.memberCount = resource.numberAttribute('MemberCount');
  }
}
