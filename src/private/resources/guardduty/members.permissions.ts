/**
 * The handler's permissions for the resource type in `./members.ts`.
 *
 * Not exported from the package.
 */
import { Grant, MemberSourceReads, merge, organizationReads, PermissionSet, STAR_ONLY } from '../../permissions';

/**
 * GuardDuty members (one account or a set), administrator side. Every member action is
 * star-only. Removing members is part of every update and of a failed create's cleanup, so it is
 * granted whatever the removal policy.
 */
export function memberPermissions(options: {
  readonly reads: MemberSourceReads; readonly invitation: boolean; readonly features: boolean;
}): PermissionSet {
  const actions = ['guardduty:CreateMembers', 'guardduty:GetMembers', 'guardduty:DisassociateMembers', 'guardduty:DeleteMembers'];
  const grants: Grant[] = [{ sid: 'GuardDutyMembers', actions, resources: ['*'] }];
  if (options.invitation) grants.push({ sid: 'GuardDutyMemberInvitations', actions: ['guardduty:InviteMembers'], resources: ['*'] });
  if (options.features) grants.push({ sid: 'GuardDutyMemberFeatures', actions: ['guardduty:UpdateMemberDetectors'], resources: ['*'] });
  return merge({ grants, nagSuppressions: [STAR_ONLY('GuardDuty member actions')] }, organizationReads(options.reads));
}
