/**
 * The handler's permissions for the resource type in `./filter.ts`.
 *
 * Not exported from the package.
 */
import { CustomResource } from 'aws-cdk-lib';
import {
  canDelete, DETECTOR_ARN, DETECTOR_ID_REASON, FILTER_ARN, GUARDDUTY_TAGGING, iam5, PermissionSet, STAR_ONLY, SUB_RESOURCE_REASON,
} from '../../permissions';

/** `Filter`: create, update, tag, delete; ListFilters explains a refused create (quota, name taken). */
export function filterPermissions(resource: CustomResource): PermissionSet {
  return {
    grants: [
      // GetFilter: a retried create reads the filter's ownership record (a client token the service did not honour).
      { sid: 'GuardDutyFilters', actions: ['guardduty:CreateFilter', 'guardduty:UpdateFilter', 'guardduty:GetFilter'], resources: [FILTER_ARN] },
      { sid: 'GuardDutyFilterDelete', actions: ['guardduty:DeleteFilter'], resources: [FILTER_ARN], when: canDelete(resource) },
      GUARDDUTY_TAGGING,
      { sid: 'GuardDutyFilterList', actions: ['guardduty:ListFilters'], resources: ['*'] },
    ],
    nagSuppressions: [iam5(SUB_RESOURCE_REASON, FILTER_ARN), iam5(DETECTOR_ID_REASON, DETECTOR_ARN), STAR_ONLY('guardduty:ListFilters')],
  };
}
