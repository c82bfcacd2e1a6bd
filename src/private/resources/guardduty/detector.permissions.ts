/**
 * The handler's permissions for the resource type in `./detector.ts`.
 *
 * Not exported from the package.
 */
import { CustomResource } from 'aws-cdk-lib';
import {
  createServiceLinkedRole, DETECTOR_ARN, DETECTOR_ID_REASON, GUARDDUTY_TAGGING, canDelete, iam5, PermissionSet, ServiceLinkedRole,
  SERVICE_LINKED_ROLES, STAR_ONLY,
} from '../../permissions';

/** Options that decide a detector's grants. */
export interface DetectorPermissionOptions {
  readonly resource: CustomResource;
  /** The detector turns on EBS malware protection, whose service-linked role GuardDuty then creates. */
  readonly malwareProtection: boolean;
}

/** `Detector`: create or adopt (list), update, tag, delete (only when it can be deleted). */
export function detectorPermissions(options: DetectorPermissionOptions): PermissionSet {
  const roles: ServiceLinkedRole[] = [SERVICE_LINKED_ROLES.guardDuty];
  if (options.malwareProtection) roles.push(SERVICE_LINKED_ROLES.malwareProtection);
  return {
    grants: [
      { sid: 'GuardDutyDetectorCreate', actions: ['guardduty:CreateDetector', 'guardduty:ListDetectors'], resources: ['*'] },
      { sid: 'GuardDutyDetector', actions: ['guardduty:GetDetector', 'guardduty:UpdateDetector'], resources: [DETECTOR_ARN] },
      { sid: 'GuardDutyDetectorDelete', actions: ['guardduty:DeleteDetector'], resources: [DETECTOR_ARN], when: canDelete(options.resource) },
      GUARDDUTY_TAGGING,
      createServiceLinkedRole(options.malwareProtection ? 'GuardDutyServiceLinkedRoles' : 'GuardDutyServiceLinkedRole', roles),
    ],
    nagSuppressions: [STAR_ONLY('guardduty:CreateDetector, guardduty:ListDetectors'), iam5(DETECTOR_ID_REASON, DETECTOR_ARN)],
  };
}
