import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { installRenamedMembers, rejectRenamedProperties } from '../private/renamed';
import { OrganizationAdminAccountResource } from '../private/resources/guardduty/organization-admin-account';
import { organizationAdminPermissions } from '../private/resources/guardduty/organization-admin-account.permissions';
import { ThreatDetectionResource } from '../private/threat-detection-resource';
import { validateAccountId } from '../private/validation';

/** Properties of an `OrganizationAdminAccount`. */
export interface OrganizationAdminAccountProps {
  /**
   * The 12-digit id of the account to make GuardDuty's delegated administrator. Changing it
   * swaps the administrator in place: the old one is disabled (waiting through
   * DISABLE_IN_PROGRESS), then the new one enabled.
   */
  readonly administratorAccountId: string;

  /**
   * What happens to the delegation when this resource leaves the stack. DESTROY disables the
   * delegated administrator in this Region and waits until it is gone; when no other Region
   * delegates to the account any more, it is also deregistered from AWS Organizations.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * GuardDuty's delegated administrator for the organization in this stack's Region. Deploy it in
 * the organization's management account, once per Region.
 *
 * The deployment waits until the account is ENABLED and AWS Organizations lists it as GuardDuty's
 * delegated administrator (the first delegation registers it there, and delegations in other
 * Regions are refused until then: make their stacks depend on the first, as
 * `OrganizationThreatDetection` does); delegation also enables GuardDuty in the
 * administrator account in this Region (its stack's `Detector` adopts that detector). There is
 * one delegated administrator per organization and Region: another account already in the role
 * fails the deployment, naming it, unless this resource put it there.
 *
 * To enrol the management account itself as a member, give it a `Detector` first (GuardDuty
 * refuses: "your organization master must first enable GuardDuty to be added as a member").
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_organizations.html
 */
export class OrganizationAdminAccount extends Construct {
  /** The delegated administrator's account id. */
  public readonly administratorAccountId: string;

  constructor(scope: Construct, id: string, props: OrganizationAdminAccountProps) {
    super(scope, id);
    rejectRenamedProperties(this, 'aws_guardduty.OrganizationAdminAccount', props);
    validateAccountId(this, 'administratorAccountId', props.administratorAccountId);
    new ThreatDetectionResource(this, 'Resource', OrganizationAdminAccountResource, {
      properties: { AdminAccountId: props.administratorAccountId },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      permissions: (resource) => organizationAdminPermissions(props.administratorAccountId, Stack.of(this).account, resource),
    });
    this.administratorAccountId = props.administratorAccountId;
  }
}
installRenamedMembers('aws_guardduty.OrganizationAdminAccount', OrganizationAdminAccount);
