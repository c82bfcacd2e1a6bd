/**
 * The handler's permissions for the resource type in `./threat-list.ts`.
 *
 * Not exported from the package.
 */
import {
  DETECTOR_ARN, DETECTOR_ID_REASON, GUARDDUTY_SERVICE_LINKED_ROLE_ARN, GUARDDUTY_TAGGING, iam5, IP_SET_ARN, PermissionSet, STAR_ONLY,
  SUB_RESOURCE_REASON, THREAT_INTEL_SET_ARN,
} from '../../permissions';

/** Which list API a set uses. */
export type ThreatListApi = 'IPSet' | 'ThreatIntelSet';

/**
 * `IpSet` and `ThreatIntelSet`: create (star-only), read status, update, tag, delete, list (a
 * refused create is explained by the sets already there). A create whose set never activates
 * deletes it again, so delete is granted whatever the removal policy. GuardDuty gives its
 * service-linked role read access to the list by putting an inline policy on that role in the
 * caller's name, so the caller needs `iam:PutRolePolicy` and `iam:DeleteRolePolicy` on that one role.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty-lists-prerequisites.html
 */
export function threatListPermissions(api: ThreatListApi): PermissionSet {
  const setArn = api === 'IPSet' ? IP_SET_ARN : THREAT_INTEL_SET_ARN;
  return {
    grants: [
      // The lists also decide whether a set is gone (ListDetectors, List*), rather than an error's wording.
      { sid: `GuardDuty${api}Create`, actions: [`guardduty:Create${api}`, `guardduty:List${api}s`, 'guardduty:ListDetectors'], resources: ['*'] },
      {
        sid: `GuardDuty${api}`,
        actions: [`guardduty:Get${api}`, `guardduty:Update${api}`, `guardduty:Delete${api}`],
        resources: [setArn],
      },
      GUARDDUTY_TAGGING,
      {
        sid: 'GuardDutyServiceRoleListPolicy',
        actions: ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'],
        resources: [GUARDDUTY_SERVICE_LINKED_ROLE_ARN],
      },
    ],
    nagSuppressions: [
      iam5(SUB_RESOURCE_REASON, setArn), iam5(DETECTOR_ID_REASON, DETECTOR_ARN), STAR_ONLY(`guardduty:Create${api}, guardduty:List${api}s, guardduty:ListDetectors`),
    ],
  };
}
