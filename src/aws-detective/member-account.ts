import { CustomResource, RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { IBehaviorGraph } from './behavior-graph';
import { DetectiveMemberResourceProperties, ResourceTypes } from '../private/contracts';
import { ValidationError } from '../private/errors';
import { renderInvitation, validateEmail, validateInvitationMessage, validateMemberAccountId } from '../private/members';
import { detectiveMemberPermissions, NO_ORGANIZATION_READS } from '../private/permissions';
import { ThreatDetectionProvider } from '../private/provider';
import { validateRemovalPolicy } from '../private/validation';

/**
 * How the administrator invites an account to its behavior graph (Detective's `CreateMembers` for
 * an account that is not enabled through the organization). The account accepts with a
 * `GraphMembership` in its own stack.
 *
 * @see https://docs.aws.amazon.com/detective/latest/adminguide/graph-admin-add-member-accounts.html
 */
export interface MemberInvitation {
  /**
   * A message included in the invitation email, 1-1000 characters.
   *
   * @default - no message
   */
  readonly message?: string;

  /**
   * Whether to skip the invitation email. The invitation still appears in the account's Detective
   * console and `ListInvitations`.
   *
   * @default false
   */
  readonly disableEmailNotification?: boolean;
}

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

  private readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: MemberAccountProps) {
    super(scope, id);
    validateMemberAccountId(this, 'accountId', props.accountId);
    validateEmail(this, 'email', props.email);
    validateInvitationMessage(this, props.invitation);
    if (props.invitation && props.email === undefined) {
      throw new ValidationError(this, '`email` is required with `invitation` (Detective verifies it and sends the invitation to it), '
        + `got none for account ${props.accountId}`);
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    validateRemovalPolicy(this, removalPolicy, 'a member');
    const provider = ThreatDetectionProvider.of(this);
    // Without an email, the handler reads it from AWS Organizations.
    provider.addPermissions(detectiveMemberPermissions({ ...NO_ORGANIZATION_READS, oneAccount: props.email === undefined }));
    const properties: DetectiveMemberResourceProperties = {
      GraphArn: props.graph.graphArn,
      AccountId: props.accountId,
      EmailAddress: props.email,
      Invitation: renderInvitation(props.invitation),
    };
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: ResourceTypes.DETECTIVE_MEMBER,
      properties: { ...properties },
      removalPolicy,
    });
    this.accountId = props.accountId;
  }

  /** The member's status after the deployment (`ENABLED` or `INVITED`; a token resolved at deploy time). */
  public get status(): string {
    return this.resource.getAttString('Status');
  }
}
