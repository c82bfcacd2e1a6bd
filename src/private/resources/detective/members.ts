/**
 * `Custom::DetectiveMember` (one account) and `Custom::DetectiveMembers` (a set): the contracts
 * between the Detective member constructs and the member engine's handlers. The handlers'
 * permissions for them are in `members.permissions.ts`.
 *
 * Not exported from the package.
 */
import { MemberAccountProperty, MemberInvitationProperty, MemberSetAttributes, OrganizationSourceProperty } from '../../contracts';
import { defineResourceType } from '../../resource-definition';

/**
 * Properties of `Custom::DetectiveMember` (one account). Physical id: `<graphArn>/<accountId>`;
 * a new account or graph replaces the member. The email, message and notification setting are
 * used when the account is added; changing them later has no effect on a member.
 */
export interface DetectiveMemberProperties {
  readonly GraphArn: string;
  readonly AccountId: string;
  /** Absent in organization mode: the handler reads it from AWS Organizations. */
  readonly EmailAddress?: string;
  /** Present in invitation mode. */
  readonly Invitation?: MemberInvitationProperty;
}

/** Attributes of `Custom::DetectiveMember`. */
export interface DetectiveMemberAttributes {
  readonly AccountId: string;
  /** `ENABLED` or `INVITED` after the deployment. */
  readonly Status: string;
}

/**
 * Properties of `Custom::DetectiveMembers` (a set). Exactly one of `Accounts` and `Organization`.
 * Physical id: `<graphArn>/members/<logicalId>`; a new graph replaces it.
 */
export interface DetectiveMembersProperties {
  readonly GraphArn: string;
  readonly Accounts?: ReadonlyArray<MemberAccountProperty>;
  readonly Organization?: OrganizationSourceProperty;
  readonly Invitation?: MemberInvitationProperty;
}

/** `Custom::DetectiveMember`. */
export const DetectiveMemberResource = defineResourceType<DetectiveMemberProperties, DetectiveMemberAttributes>({
  type: 'Custom::DetectiveMember',
  label: 'Detective MemberAccount',
  noun: 'a member',
  // The member engine re-reads the members each time: a set too large for one invocation continues in the next.
  continuable: ['Create', 'Update', 'Delete'],
});

/** `Custom::DetectiveMembers`. */
export const DetectiveMembersResource = defineResourceType<DetectiveMembersProperties, MemberSetAttributes>({
  type: 'Custom::DetectiveMembers',
  label: 'Detective MemberAccounts',
  noun: 'a member set',
  // The member engine re-reads the members each time: a set too large for one invocation continues in the next.
  continuable: ['Create', 'Update', 'Delete'],
});
