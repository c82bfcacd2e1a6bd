import { RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { installRenamedMembers, rejectRenamedProperties } from '../private/renamed';
import { DetectiveOrganizationAdminAccountResource } from '../private/resources/detective/organization-admin-account';
import { detectiveOrganizationAdminPermissions } from '../private/resources/detective/organization-admin-account.permissions';
import { ThreatDetectionResource } from '../private/threat-detection-resource';
import { validateAccountId } from '../private/validation';

/** Properties of a Detective `OrganizationAdminAccount`. */
export interface OrganizationAdminAccountProps {
  /**
   * The 12-digit id of the account to make the organization's Detective administrator. Changing it
   * swaps the administrator in place: the old one is disabled (Detective deletes its organization
   * graph) and deregistered from AWS Organizations (in every Region), then the new one enabled.
   */
  readonly administratorAccountId: string;

  /**
   * What happens to the delegation when this resource leaves the stack. DESTROY disables the
   * Detective administrator in this Region, which deletes the organization behavior graph, and
   * waits until it is gone; the AWS Organizations registration (one for all Regions) is removed
   * when no other Region where Detective is available has the account as its administrator.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Detective's administrator for the organization in this stack's Region. Deploy it in the
 * organization's management account, once per Region.
 *
 * Delegation registers the account as Detective's delegated administrator in AWS Organizations
 * and enables Detective in it, creating its behavior graph when it has none (its stack's
 * `BehaviorGraph` adopts that graph). The deployment waits until Detective lists the
 * administrator. There is one Detective administrator per organization and Region: another
 * account in the role, or another account registered as Detective's delegated administrator in
 * Organizations, fails the deployment naming it, unless this resource put it there.
 *
 * @see https://docs.aws.amazon.com/detective/latest/APIReference/API_EnableOrganizationAdminAccount.html
 */
export class OrganizationAdminAccount extends Construct {
  /** The Detective administrator's account id. */
  public readonly administratorAccountId: string;

  /** The organization behavior graph's ARN, in the administrator account (a token resolved at deploy time). */
  public readonly graphArn: string;

  constructor(scope: Construct, id: string, props: OrganizationAdminAccountProps) {
    super(scope, id);
    rejectRenamedProperties(this, 'aws_detective.OrganizationAdminAccount', props);
    validateAccountId(this, 'administratorAccountId', props.administratorAccountId);
    const resource = new ThreatDetectionResource(this, 'Resource', DetectiveOrganizationAdminAccountResource, {
      properties: { AdminAccountId: props.administratorAccountId },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      permissions: detectiveOrganizationAdminPermissions(props.administratorAccountId),
    });
    this.administratorAccountId = props.administratorAccountId;
    this.graphArn = resource.attribute('GraphArn');
  }
}
installRenamedMembers('aws_detective.OrganizationAdminAccount', OrganizationAdminAccount);
