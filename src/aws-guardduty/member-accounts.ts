import { CustomResource, RemovalPolicy } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import type { DetectorFeatures, IDetector } from './detector';
import type { MemberInvitation } from './member-account';
import { MembersResourceProperties, ResourceTypes } from '../private/contracts';
import { serializeDetectorWrites } from '../private/detector-writes';
import { renderFeatures, validateFeatureChoice } from '../private/features';
import { bindListedAccounts, bindOrganizationSource, memberSourceReads, renderInvitation, validateInvitationFeatures } from '../private/members';
import { memberPermissions } from '../private/permissions';
import { ThreatDetectionProvider } from '../private/provider';
import { validateRemovalPolicy } from '../private/validation';

/** One account of an explicit member list. */
export interface MemberAccountDetails {
  /** The 12-digit account id. */
  readonly accountId: string;

  /**
   * The email address of the account's root user (1-64 characters).
   *
   * @default - read from AWS Organizations at deployment (organization mode only)
   */
  readonly email?: string;
}

/** Which accounts of the organization are members, read from AWS Organizations at each deployment. */
export interface OrganizationMemberOptions {
  /**
   * Roots (`r-...`) or organizational units (`ou-...`) whose ACTIVE accounts are members, including
   * the accounts of every OU below them.
   *
   * @default - every ACTIVE account of the organization
   */
  readonly parentIds?: string[];

  /**
   * Accounts never made members (e.g. ones managed by a `MemberAccount` elsewhere). The
   * administrator's own account is always left out.
   *
   * @default - none
   */
  readonly excludeAccountIds?: string[];
}

/**
 * Where a `MemberAccounts` takes its accounts from.
 *
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccountsForParent.html
 */
export abstract class MemberAccountSource {
  /**
   * An explicit list of accounts, in the template. Up to a few thousand accounts: the list's JSON
   * must stay under 400,000 bytes (about 13,000 ids without emails, 6,000 with 25-character emails), because an update
   * sends the old and the new list to the handler in one asynchronous invocation (1 MB at most).
   *
   * @throws at synth for duplicate or malformed account ids, or a list over the size limit
   */
  public static fromAccounts(accounts: MemberAccountDetails[]): MemberAccountSource {
    return new ListedAccounts(accounts);
  }

  /**
   * The organization's accounts, or those under some roots and OUs, read from AWS Organizations
   * when the resource is created, updated or deleted. The template holds only the OU ids, so this
   * has no size limit: use it for large organizations (GuardDuty allows 50,000 members).
   *
   * The set is resolved again at each deployment that changes the resource. Accounts that join the
   * OUs between deployments become members through the organization's auto-enable setting (see
   * `OrganizationConfiguration`); an account that leaves the OUs is removed at the next deployment
   * that changes the set only while it is still listed under the old OUs.
   */
  public static fromOrganization(options: OrganizationMemberOptions = {}): MemberAccountSource {
    return new OrganizationAccounts(options);
  }

  /** @internal */
  public abstract _bind(scope: IConstruct, invitation: boolean): Pick<MembersResourceProperties, 'Accounts' | 'Organization'>;
}

class ListedAccounts extends MemberAccountSource {
  constructor(private readonly accounts: MemberAccountDetails[]) {
    super();
  }

  public _bind(scope: IConstruct, invitation: boolean): Pick<MembersResourceProperties, 'Accounts'> {
    return { Accounts: bindListedAccounts(scope, this.accounts, invitation, 'GuardDuty') };
  }
}

class OrganizationAccounts extends MemberAccountSource {
  constructor(private readonly options: OrganizationMemberOptions) {
    super();
  }

  public _bind(scope: IConstruct, invitation: boolean): Pick<MembersResourceProperties, 'Organization'> {
    return { Organization: bindOrganizationSource(scope, this.options, invitation) };
  }
}

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
  private readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: MemberAccountsProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    validateRemovalPolicy(this, removalPolicy, 'a member set');
    validateInvitationFeatures(this, props.invitation, props.features);
    validateFeatureChoice(this, props.features, undefined);
    const source = props.accounts._bind(this, props.invitation !== undefined);

    const provider = ThreatDetectionProvider.of(this);
    provider.addPermissions(memberPermissions({
      reads: memberSourceReads(source),
      invitation: props.invitation !== undefined,
      features: props.features !== undefined,
    }));
    const properties: MembersResourceProperties = {
      DetectorId: props.detector.detectorId,
      ...source,
      Invitation: renderInvitation(props.invitation),
      Features: renderFeatures(props.features),
    };
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: ResourceTypes.GUARDDUTY_MEMBERS,
      properties: { ...properties },
      removalPolicy,
    });
    serializeDetectorWrites(props.detector, this.resource);
  }

  /** How many accounts the set held after the last deployment (a token, resolved at deploy time). */
  public get memberCount(): string {
    return this.resource.getAttString('MemberCount');
  }
}
