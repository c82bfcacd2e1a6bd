/**
 * The handler's permissions for the resource types in `./threat-list.ts`.
 *
 * Not exported from the package.
 */
import { ListKindDefinition } from './list';
import {
  arn, DETECTOR_ARN, DETECTOR_ID_REASON, GUARDDUTY_SERVICE_LINKED_ROLE_ARN, GUARDDUTY_TAGGING, Grant, iam5, PermissionSet, STAR_ONLY,
  SUB_RESOURCE_REASON,
} from '../../permissions';

/** Where an entity list is read, in the caller's name. */
export interface EntityListRead {
  /** The list object's ARN, `arn:<partition>:s3:::<bucket>/<key>`. */
  readonly objectArn: string;
  /** The key that encrypts it (SSE-KMS), when the construct knows one. */
  readonly keyArn?: string;
}

/**
 * A list's handler permissions: create (star-only), read status, update, tag, delete, list (a
 * refused create is explained by the sets already there). A create whose set never activates
 * deletes it again, so delete is granted whatever the removal policy.
 *
 * How GuardDuty reads the list differs:
 * - IP lists (IPSet, ThreatIntelSet): GuardDuty reads them as its service-linked role, to which it
 *   gives read access by putting an inline policy on that role in the caller's name, so the
 *   caller needs `iam:PutRolePolicy` and `iam:DeleteRolePolicy` on that one role.
 * - Entity lists (TrustedEntitySet, ThreatEntitySet): "the role you use to create entity lists
 *   must have the s3:GetObject permission" for the list, so the handler gets `s3:GetObject` on the
 *   one object (and `kms:Decrypt` through S3 on the key of an SSE-KMS list), and no IAM write.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty-lists-prerequisites.html
 */
export function listPermissions(kind: ListKindDefinition, read?: EntityListRead): PermissionSet {
  const api = kind.api;
  // The set's resource type in the Service Authorization Reference, e.g. `detector/${DetectorId}/ipset/${IPSetId}`.
  const setArn = arn('guardduty', `detector/*/${kind.arnSegment}/*`);
  const grants: Grant[] = [
    // The lists also decide whether a set is gone (ListDetectors, List*), rather than an error's wording.
    { sid: `GuardDuty${api}Create`, actions: [`guardduty:Create${api}`, `guardduty:List${api}s`, 'guardduty:ListDetectors'], resources: ['*'] },
    {
      sid: `GuardDuty${api}`,
      actions: [`guardduty:Get${api}`, `guardduty:Update${api}`, `guardduty:Delete${api}`],
      resources: [setArn],
    },
    GUARDDUTY_TAGGING,
  ];
  if (!kind.entityList) {
    grants.push({
      sid: 'GuardDutyServiceRoleListPolicy',
      actions: ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'],
      resources: [GUARDDUTY_SERVICE_LINKED_ROLE_ARN],
    });
  }
  // The list's bucket and key may be the app's own, whose policies can name the detector the
  // handler makes: these grants go in the policy the set waits for (see PermissionSet).
  const resourceGrants: Grant[] = [];
  if (read) {
    resourceGrants.push({ sid: 'GuardDutyEntityListObjects', actions: ['s3:GetObject'], resources: [read.objectArn] });
    if (read.keyArn) {
      resourceGrants.push({
        sid: 'GuardDutyEntityListKeys',
        actions: ['kms:Decrypt'],
        resources: [read.keyArn],
        conditions: { StringLike: { 'kms:ViaService': 's3.*.amazonaws.com' } },
      });
    }
  }
  return {
    grants,
    resourceGrants,
    nagSuppressions: [
      iam5(SUB_RESOURCE_REASON, setArn), iam5(DETECTOR_ID_REASON, DETECTOR_ARN), STAR_ONLY(`guardduty:Create${api}, guardduty:List${api}s, guardduty:ListDetectors`),
    ],
  };
}
