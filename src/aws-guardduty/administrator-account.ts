import { Annotations, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { IDetectorRef } from './detector-ref';
import { administratorGoverned } from '../private/administrator-governed';
import { ValidationError } from '../private/errors';
import { AdministratorAccountResource } from '../private/resources/guardduty/administrator-account';
import { administratorAccountPermissions } from '../private/resources/guardduty/administrator-account.permissions';
import { ThreatDetectionResource } from '../private/threat-detection-resource';
import { validateAccountId } from '../private/validation';

/** Properties of an `AdministratorAccount`. */
export interface AdministratorAccountProps {
  /** This (member) account's own detector. */
  readonly detector: IDetectorRef;

  /**
   * The 12-digit id of the GuardDuty administrator account whose invitation to accept. Changing it
   * disassociates from the old administrator and accepts the new one's invitation, in place.
   */
  readonly administratorAccountId: string;
}

/**
 * A member account's association with its GuardDuty administrator: deployed in the member
 * account, it accepts the administrator's invitation given only the administrator's account id.
 *
 * The invitation is looked up with `ListInvitations`, retried for up to two minutes while it is
 * not yet visible, and accepted. An account that the organization's delegated administrator
 * added needs no invitation: finding it already associated with this administrator is success.
 * An account already associated with a different administrator fails the deployment, naming it.
 *
 * Delete disassociates from the administrator when the membership came from an invitation; a
 * membership the organization manages is left in place (the member cannot leave it).
 *
 * Deploy it after the administrator's `MemberAccount` with `invitation`, and make it depend on
 * the account's `Detector` (passing `detector` does).
 *
 * Warns at synth (`cdk-threat-detection:memberDetectorSettings`, acknowledgeable) when the
 * `detector` is a `Detector` of this app that sets `findingPublishingFrequency`, `features` or
 * `dataSources`: once the account is a member, the administrator governs them.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/APIReference/API_AcceptAdministratorInvitation.html
 */
export class AdministratorAccount extends Construct {
  /** The administrator's account id. */
  public readonly administratorAccountId: string;

  constructor(scope: Construct, id: string, props: AdministratorAccountProps) {
    super(scope, id);
    validateAccountId(this, 'administratorAccountId', props.administratorAccountId);
    const account = Stack.of(this).account;
    const known = (v: string | undefined): v is string => v !== undefined && !Token.isUnresolved(v);
    if (known(account) && props.administratorAccountId === account) {
      throw new ValidationError(this, `\`administratorAccountId\` names this stack's own account (${account}): an account cannot be its `
        + 'own GuardDuty administrator; give the administrator\'s account id');
    }
    const detectorAccount = props.detector.env.account;
    if (known(account) && known(detectorAccount) && detectorAccount !== account) {
      throw new ValidationError(this, `\`detector\` belongs to account ${detectorAccount}, not to this stack's account ${account}: give the `
        + 'member account\'s own detector (the one in this stack), not the administrator\'s');
    }
    const governed = administratorGoverned(props.detector);
    if (governed.length > 0) {
      Annotations.of(this).addWarningV2('cdk-threat-detection:memberDetectorSettings', 'the member\'s `detector` sets '
        + `${governed.map((p) => `\`${p}\``).join(' and ')}, which GuardDuty governs from the administrator once this account is its `
        + 'member: the create applies them while the account is standalone, but a later change of them is not the member\'s to make '
        + '(members take the administrator\'s finding publishing frequency and cannot change their own protection plans). Set member '
        + 'protection plans from the administrator (`MemberAccount`/`MemberAccounts` `features`, or `OrganizationConfiguration`) and '
        + 'leave them off the member\'s `Detector`; acknowledge this warning if the values only seed the account');
    }
    new ThreatDetectionResource(this, 'Resource', AdministratorAccountResource, {
      properties: { DetectorId: props.detector.detectorId, AdministratorAccountId: props.administratorAccountId },
      // Delete disassociates the member from its administrator.
      removalPolicy: RemovalPolicy.DESTROY,
      permissions: administratorAccountPermissions(),
    });
    this.administratorAccountId = props.administratorAccountId;
  }
}
