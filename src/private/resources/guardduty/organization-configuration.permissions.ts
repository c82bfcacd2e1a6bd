/**
 * The handler's permissions for the resource type in `./organization-configuration.ts`.
 *
 * Not exported from the package.
 */
import { PermissionSet, STAR_ONLY } from '../../permissions';

/** GuardDuty's organization configuration, set by the delegated administrator. Star-only actions. */
export function organizationConfigurationPermissions(): PermissionSet {
  return {
    grants: [{
      sid: 'GuardDutyOrganizationConfiguration',
      actions: ['guardduty:DescribeOrganizationConfiguration', 'guardduty:UpdateOrganizationConfiguration'],
      resources: ['*'],
    }],
    nagSuppressions: [STAR_ONLY('guardduty:DescribeOrganizationConfiguration, guardduty:UpdateOrganizationConfiguration')],
  };
}
