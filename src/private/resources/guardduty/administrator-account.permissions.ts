/**
 * The handler's permissions for the resource type in `./administrator-account.ts`.
 *
 * Not exported from the package.
 */
import { PermissionSet, STAR_ONLY } from '../../permissions';

/** The member side: find and accept the administrator's invitation, or leave the administrator. All star-only. */
export function administratorAccountPermissions(): PermissionSet {
  return {
    grants: [{
      sid: 'GuardDutyAdministratorAccount',
      actions: [
        'guardduty:ListInvitations',
        'guardduty:GetAdministratorAccount',
        'guardduty:AcceptAdministratorInvitation',
        'guardduty:DisassociateFromAdministratorAccount',
      ],
      resources: ['*'],
    }],
    nagSuppressions: [STAR_ONLY('GuardDuty invitation and administrator actions')],
  };
}
