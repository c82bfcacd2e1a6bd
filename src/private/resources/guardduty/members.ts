/**
 * `Custom::GuardDutyMember` (one account) and `Custom::GuardDutyMembers` (a set): the contracts
 * between the GuardDuty member constructs and the member engine's handlers. The handlers'
 * permissions for them are in `members.permissions.ts`.
 *
 * Not exported from the package.
 */
import {
  DetectorFeatureProperty, MemberAccountProperty, MemberInvitationProperty, MemberSetAttributes, OrganizationSourceProperty,
} from '../../contracts';
import { defineResourceType } from '../../resource-definition';

/**
 * Properties of `Custom::GuardDutyMember` (one account). Physical id: `<detectorId>:<accountId>`;
 * a new account or detector replaces the member.
 */
export interface GuardDutyMemberProperties {
  /** The administrator's detector. */
  readonly DetectorId: string;
  readonly AccountId: string;
  /** Absent in organization mode: the handler reads it from AWS Organizations. */
  readonly Email?: string;
  /** Present in invitation mode (the account is invited); absent in organization mode. */
  readonly Invitation?: MemberInvitationProperty;
  /** Features pushed to the member's detector with `UpdateMemberDetectors` (organization mode). */
  readonly Features?: ReadonlyArray<DetectorFeatureProperty>;
}

/** Attributes of `Custom::GuardDutyMember`. */
export interface GuardDutyMemberAttributes {
  readonly AccountId: string;
  /** The member's relationship status after the deployment (`Enabled`, or `Invited` in invitation mode). */
  readonly Status: string;
}

/**
 * Protection plans for some accounts of a set: the effective feature list of those accounts (the
 * set's `Features` with the override's merged in at synth), pushed instead of the set's.
 */
export interface MemberFeatureOverrideProperty {
  readonly AccountIds: ReadonlyArray<string>;
  readonly Features: ReadonlyArray<DetectorFeatureProperty>;
}

/**
 * Properties of `Custom::GuardDutyMembers` (a set of accounts). Exactly one of `Accounts` and
 * `Organization`. Physical id: `<detectorId>:members:<logicalId>`; a new detector replaces it.
 */
export interface GuardDutyMembersProperties {
  readonly DetectorId: string;
  readonly Accounts?: ReadonlyArray<MemberAccountProperty>;
  readonly Organization?: OrganizationSourceProperty;
  readonly Invitation?: MemberInvitationProperty;
  readonly Features?: ReadonlyArray<DetectorFeatureProperty>;
  /** Accounts whose features differ from the set's; each account in at most one, each a member of the set. */
  readonly FeatureOverrides?: ReadonlyArray<MemberFeatureOverrideProperty>;
}

/** `Custom::GuardDutyMember`. */
export const GuardDutyMemberResource = defineResourceType<GuardDutyMemberProperties, GuardDutyMemberAttributes>({
  type: 'Custom::GuardDutyMember',
  label: 'MemberAccount',
  noun: 'a member account',
  // The member engine re-reads the members each time: a set too large for one invocation continues in the next.
  continuable: ['Create', 'Update', 'Delete'],
});

/** `Custom::GuardDutyMembers`. */
export const GuardDutyMembersResource = defineResourceType<GuardDutyMembersProperties, MemberSetAttributes>({
  type: 'Custom::GuardDutyMembers',
  label: 'MemberAccounts',
  noun: 'a member set',
  // The member engine re-reads the members each time: a set too large for one invocation continues in the next.
  continuable: ['Create', 'Update', 'Delete'],
});
