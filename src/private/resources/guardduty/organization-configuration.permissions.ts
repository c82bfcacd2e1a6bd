/**
 * The handler's permissions for the resource type in `./organization-configuration.ts`.
 *
 * Not exported from the package.
 */
import { PermissionSet, STAR_ONLY } from '../../permissions';

/**
 * GuardDuty's organization configuration, set by the delegated administrator; a refused write
 * (an update, its rollback, a delete) also lists the detectors, to tell a detector that is gone
 * from an account that is no longer the administrator. Star-only actions.
 */
export function organizationConfigurationPermissions(): PermissionSet {
  return {
    grants: [
      {
        sid: 'GuardDutyOrganizationConfiguration',
        actions: ['guardduty:DescribeOrganizationConfiguration', 'guardduty:UpdateOrganizationConfiguration'],
        resources: ['*'],
      },
      { sid: 'GuardDutyOrganizationConfigurationReset', actions: ['guardduty:ListDetectors'], resources: ['*'] },
    ],
    nagSuppressions: [STAR_ONLY('guardduty:DescribeOrganizationConfiguration, guardduty:UpdateOrganizationConfiguration, guardduty:ListDetectors')],
  };
}
