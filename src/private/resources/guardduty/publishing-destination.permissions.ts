/**
 * The handler's permissions for the resource type in `./publishing-destination.ts`.
 *
 * Not exported from the package.
 */
import {
  DETECTOR_ARN, DETECTOR_ID_REASON, GUARDDUTY_TAGGING, iam5, PermissionSet, PUBLISHING_DESTINATION_ARN, STAR_ONLY, SUB_RESOURCE_REASON,
} from '../../permissions';

/**
 * `PublishingDestination`: create (star-only), describe, update, tag, delete (also a create whose
 * destination fails verification deletes it again); the list explains a refused create.
 */
export function publishingDestinationPermissions(): PermissionSet {
  return {
    grants: [
      {
        sid: 'GuardDutyPublishingDestinationCreate',
        actions: ['guardduty:CreatePublishingDestination', 'guardduty:ListPublishingDestinations'],
        resources: ['*'],
      },
      {
        sid: 'GuardDutyPublishingDestination',
        actions: ['guardduty:DescribePublishingDestination', 'guardduty:UpdatePublishingDestination',
          'guardduty:DeletePublishingDestination'],
        resources: [PUBLISHING_DESTINATION_ARN],
      },
      GUARDDUTY_TAGGING,
    ],
    nagSuppressions: [
      iam5(SUB_RESOURCE_REASON, PUBLISHING_DESTINATION_ARN),
      iam5(DETECTOR_ID_REASON, DETECTOR_ARN),
      STAR_ONLY('guardduty:CreatePublishingDestination, guardduty:ListPublishingDestinations'),
    ],
  };
}
