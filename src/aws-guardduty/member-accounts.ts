import { RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { IDetector } from './detector';
import type { DetectorFeatures } from './features';
import type { MemberAccountSource, MemberInvitation } from '../member-account-source';
import { renderFeatures, validateFeatureChoice } from '../private/features';
import { memberSourceReads, renderInvitation, validateInvitationFeatures } from '../private/members';
import { GuardDutyMembersResource } from '../private/resources/guardduty/members';
import { memberPermissions } from '../private/resources/guardduty/members.permissions';
import { serializeDetectorWrites } from '../private/siblings';
import { ThreatDetectionResource } from '../private/threat-detection-resource';

/** Properties of `MemberAccounts`. */
export interface MemberAccountsProps {
  /** The administrator's detector. Changing it replaces the set. */
  readonly detector: IDetector;

  /** The accounts: an explicit list, or read from AWS Organizations. */
  readonly accounts: MemberAccountSource;

  /**
   * Invite the listed accounts instead of adding them through the organization (see
   * `MemberAccountProps.invitation`). Needs an explicit list with emails.
   *
   * @default - organization mode
   */
  readonly invitation?: MemberInvitation;

  /**
   * Protection plans to set on every member's detector (`UpdateMemberDetectors`, 50 accounts per
   * call). Only the features named are managed. Organization mode only.
   *
   * @default - members keep what the organization's auto-enable settings gave them
   */
  readonly features?: DetectorFeatures;

  /**
   * What happens to the memberships when the set leaves the stack. DESTROY disassociates and
   * deletes the set's members; RETAIN keeps them.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A set of GuardDuty member accounts in one custom resource, for an organization of any size.
 *
 * Every write goes in batches of 50 accounts (the API's limit), so N accounts cost ceil(N/50)
 * `CreateMembers` calls, and as many `UpdateMemberDetectors` calls when `features` are given.
 * An update reconciles: accounts that left the set are disassociated and deleted, accounts that
 * joined are added, the rest are left alone. Every batch answer's `UnprocessedAccounts` is read:
 * "already a member" is success, anything else fails the deployment naming the accounts and
 * GuardDuty's reasons.
 *
 * Limits, and how this design stays inside them:
 * - A stack holds at most 500 resources, so one resource per account cannot reach a large
 *   organization; this is one resource for the whole set.
 * - A template is at most 1 MB and an asynchronous Lambda invocation (how CloudFormation calls
 *   the handler) at most 1 MB, holding old and new properties on update: an explicit list is
 *   limited to 400,000 bytes of JSON. `MemberAccountSource.fromOrganization()` keeps only OU ids
 *   in the template and reads the accounts at run time.
 * - The handler has 15 minutes (Lambda's maximum); a 10,000-account set takes about 600
 *   GuardDuty calls and 500 Organizations calls to create.
 * - The custom resource response is at most 4,096 bytes: failure reasons list at most 10
 *   accounts and a count.
 * - GuardDuty allows 50,000 members per administrator.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_organizations.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
export class MemberAccounts extends Construct {
  /** How many accounts the set held after the last deployment (a number token, resolved at deploy time). */
  public readonly memberCount: number;

  constructor(scope: Construct, id: string, props: MemberAccountsProps) {
    super(scope, id);
    validateInvitationFeatures(this, props.invitation, props.features);
    validateFeatureChoice(this, props.features, undefined);
    const source = props.accounts._bind(this, props.invitation !== undefined, 'GuardDuty');

    const resource = new ThreatDetectionResource(this, 'Resource', GuardDutyMembersResource, {
      properties: {
        DetectorId: props.detector.detectorId,
        ...source,
        Invitation: renderInvitation(props.invitation),
        Features: renderFeatures(props.features),
      },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
      permissions: memberPermissions({
        reads: memberSourceReads(source),
        invitation: props.invitation !== undefined,
        features: props.features !== undefined,
      }),
    });
    serializeDetectorWrites(resource, props.detector.detectorId);
    this.memberCount = resource.numberAttribute('MemberCount');
  }
}
