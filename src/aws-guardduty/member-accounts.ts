import { RemovalPolicy, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { IDetectorRef } from './detector-ref';
import type { DetectorFeatures } from './features';
import type { MemberAccountSource, MemberInvitation } from '../member-account-source';
import { ValidationError } from '../private/errors';
import { renderFeatures, validateFeatureChoice } from '../private/features';
import { memberSourceReads, renderInvitation, validateInvitationFeatures, validateMemberAccountId } from '../private/members';
import { GuardDutyMembersResource, MemberFeatureOverrideProperty } from '../private/resources/guardduty/members';
import { memberPermissions } from '../private/resources/guardduty/members.permissions';
import { serializeDetectorWrites } from '../private/siblings';
import { ThreatDetectionResource } from '../private/threat-detection-resource';

/**
 * Protection plans for some accounts of a member set that differ from the set's `features`
 * (e.g. Runtime Monitoring only in the accounts that run containers).
 */
export interface MemberFeatureOverride {
  /** The accounts (12-digit ids). Each must be a member of the set, and in at most one override. */
  readonly accountIds: string[];

  /**
   * The plans of these accounts. Each feature named here replaces the set's for them (a Runtime
   * Monitoring configuration is merged with the set's, its agent settings named here winning);
   * features named only here are managed only in these accounts.
   */
  readonly features: DetectorFeatures;
}

/** Properties of `MemberAccounts`. */
export interface MemberAccountsProps {
  /** The administrator's detector. Changing it replaces the set. */
  readonly detector: IDetectorRef;

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
   * Protection plans of some accounts that differ from `features` (`UpdateMemberDetectors` per
   * distinct feature list, 50 accounts per call). An account named here that is not a member of
   * the set fails the deployment naming it (at synth for an explicit list). Removing an account's
   * override gives it the set's `features` again; a feature named only in the removed override is
   * left as it is. Organization mode only.
   *
   * @default - every member gets `features`
   */
  readonly featureOverrides?: MemberFeatureOverride[];

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
 * `CreateMembers` calls, and as many `UpdateMemberDetectors` calls when `features` are given
 * (plus one series per distinct list of `featureOverrides`).
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
  /**
   * How many accounts the set held after the last deployment (a number token, resolved at deploy
   * time). An account that has not enabled this opt-in Region cannot be a member here (GuardDuty
   * lists it `RegionDisabled`): it is not counted, not a failure, and named in the handler's log
   * and in `excludedAccountIds`.
   */
  public readonly memberCount: number;

  /**
   * The set's accounts GuardDuty lists `RegionDisabled` in this Region (they have not enabled it,
   * an opt-in Region), comma-separated, empty when none (a string token, resolved at deploy time).
   */
  public readonly excludedAccountIds: string;

  constructor(scope: Construct, id: string, props: MemberAccountsProps) {
    super(scope, id);
    validateInvitationFeatures(this, props.invitation, props.features ?? props.featureOverrides);
    validateFeatureChoice(this, props.features, undefined);
    const source = props.accounts._bind(this, props.invitation !== undefined, 'GuardDuty');
    const overrides = renderFeatureOverrides(this, props.features, props.featureOverrides,
      source.Accounts?.map((a) => a.AccountId));

    const resource = new ThreatDetectionResource(this, 'Resource', GuardDutyMembersResource, {
      properties: {
        DetectorId: props.detector.detectorId,
        ...source,
        Invitation: renderInvitation(props.invitation),
        Features: renderFeatures(props.features),
        FeatureOverrides: overrides,
      },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
      permissions: memberPermissions({
        reads: memberSourceReads(source),
        invitation: props.invitation !== undefined,
        features: props.features !== undefined || overrides !== undefined,
      }),
    });
    serializeDetectorWrites(resource, props.detector.detectorId);
    this.memberCount = resource.numberAttribute('MemberCount');
    this.excludedAccountIds = resource.attribute('ExcludedAccounts');
  }
}

/**
 * Each override's effective feature list (the set's features with the override's merged in),
 * checked: account ids, an account in one override only, a member of an explicit list, and a
 * feature list GuardDuty accepts.
 */
function renderFeatureOverrides(scope: Construct, features: DetectorFeatures | undefined, overrides: MemberFeatureOverride[] | undefined,
  listed: ReadonlyArray<string> | undefined): MemberFeatureOverrideProperty[] | undefined {
  if (overrides === undefined || overrides.length === 0) return undefined;
  const seen = new Map<string, number>();
  return overrides.map((override, i) => {
    if (override.accountIds.length === 0) {
      throw new ValidationError(scope, `\`featureOverrides[${i}].accountIds\` must name at least one account, got none`);
    }
    override.accountIds.forEach((accountId, j) => {
      validateMemberAccountId(scope, `featureOverrides[${i}].accountIds[${j}]`, accountId);
      if (Token.isUnresolved(accountId)) return;
      if (seen.has(accountId)) {
        throw new ValidationError(scope, `\`featureOverrides[${i}]\` names account ${accountId}, which \`featureOverrides[${seen.get(accountId)}]\` `
          + 'names already: an account has one feature list');
      }
      seen.set(accountId, i);
      if (listed && !listed.some((a) => Token.isUnresolved(a)) && !listed.includes(accountId)) {
        throw new ValidationError(scope, `\`featureOverrides[${i}]\` names account ${accountId}, which is not in \`accounts\`: `
          + 'an override applies to members of this set only');
      }
    });
    const merged: DetectorFeatures = {
      ...features,
      ...override.features,
      ...(features?.runtimeMonitoring && override.features.runtimeMonitoring
        ? { runtimeMonitoring: { ...features.runtimeMonitoring, ...override.features.runtimeMonitoring } } : {}),
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      ...(features?.eksRuntimeMonitoring && override.features.eksRuntimeMonitoring
        // eslint-disable-next-line @typescript-eslint/no-deprecated
        ? { eksRuntimeMonitoring: { ...features.eksRuntimeMonitoring, ...override.features.eksRuntimeMonitoring } } : {}),
    };
    validateFeatureChoice(scope, merged, undefined);
    const rendered = renderFeatures(override.features) === undefined ? undefined : renderFeatures(merged);
    if (!rendered) {
      throw new ValidationError(scope, `\`featureOverrides[${i}].features\` must name at least one feature, got none`);
    }
    return { AccountIds: [...override.accountIds], Features: rendered };
  });
}
