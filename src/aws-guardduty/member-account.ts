import { RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { IDetectorRef } from './detector-ref';
import type { DetectorFeatures } from './features';
import type { MemberInvitation } from '../member-account-source';
import { renderFeatures, validateFeatureChoice } from '../private/features';
import { renderInvitation, validateInvitationFeatures, validateOneMember } from '../private/members';
import { NO_ORGANIZATION_READS } from '../private/permissions';
import { GuardDutyMemberResource } from '../private/resources/guardduty/members';
import { memberPermissions } from '../private/resources/guardduty/members.permissions';
import { serializeDetectorWrites } from '../private/siblings';
import { ThreatDetectionResource } from '../private/threat-detection-resource';

/** Properties of a `MemberAccount`. */
export interface MemberAccountProps {
  /**
   * The administrator's detector: the organization's delegated administrator, or the account
   * that invites. Changing it replaces the member.
   */
  readonly detector: IDetectorRef;

  /** The member's 12-digit account id. Changing it replaces the member (the old one is removed). */
  readonly accountId: string;

  /**
   * The email address of the account's root user, 1-64 characters. GuardDuty sends the invitation
   * to it and verifies it.
   *
   * @default - read from AWS Organizations at deployment (organization mode only)
   * @throws at synth when `invitation` is given without an email
   */
  readonly email?: string;

  /**
   * Invite the account (invitation mode) instead of adding it through the organization. Leave it
   * out for accounts of the administrator's organization: the delegated administrator adds those
   * without an invitation, and GuardDuty is enabled in them at once.
   *
   * @default - organization mode: the account must be in the organization and this detector's
   * account its GuardDuty delegated administrator in this Region
   */
  readonly invitation?: MemberInvitation;

  /**
   * Protection plans to set on the member's detector (`UpdateMemberDetectors`): members cannot
   * change their own. Only the features named are managed. Organization mode only.
   *
   * @default - the member keeps what the organization's auto-enable settings gave it
   * @throws at synth with `invitation` (an invited member is not associated until it accepts)
   */
  readonly features?: DetectorFeatures;

  /**
   * What happens to the membership when the member leaves the stack. DESTROY disassociates the
   * account, then deletes the member; RETAIN keeps the association.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * One member account of a GuardDuty administrator, for account-vending stacks that add accounts
 * one at a time. For many accounts, or a whole organization or OU, use `MemberAccounts`.
 *
 * - **Organization mode** (default): the account is in the administrator's organization, and the
 *   detector belongs to the organization's delegated administrator. `CreateMembers` associates the
 *   account and enables GuardDuty in it; the deployment waits until the member is `Enabled`.
 * - **Invitation mode** (`invitation`): the account is invited and the deployment waits until it is
 *   `Invited` (or already `Enabled`). The account accepts with an `AdministratorAccount` in its
 *   own stack.
 *
 * A status that will not reach the expected one (email verification failed, Region disabled,
 * suspended) fails the deployment with the status and what to do, and the member this deployment
 * added is removed again. `UnprocessedAccounts` in any answer fails it with GuardDuty's reason,
 * except "already a member", which is success.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateMembers.html
 */
export class MemberAccount extends Construct {
  /** The member's account id. */
  public readonly accountId: string;

  /**
   * The member's relationship status after the deployment: `Enabled`, or `Invited` in invitation
   * mode until the account accepts (a token resolved at deploy time).
   */
  public readonly status: string;

  constructor(scope: Construct, id: string, props: MemberAccountProps) {
    super(scope, id);
    validateOneMember(this, 'GuardDuty', props);
    validateInvitationFeatures(this, props.invitation, props.features);
    validateFeatureChoice(this, props.features, undefined);

    const resource = new ThreatDetectionResource(this, 'Resource', GuardDutyMemberResource, {
      properties: {
        DetectorId: props.detector.detectorId,
        AccountId: props.accountId,
        Email: props.email,
        Invitation: renderInvitation(props.invitation),
        Features: renderFeatures(props.features),
      },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
      permissions: memberPermissions({
        // Without an email, the handler reads it from AWS Organizations.
        reads: { ...NO_ORGANIZATION_READS, oneAccount: props.email === undefined },
        invitation: props.invitation !== undefined,
        features: props.features !== undefined,
      }),
    });
    serializeDetectorWrites(resource, props.detector.detectorId);
    this.accountId = props.accountId;
    this.status = resource.attribute('Status');
  }
}
