/**
 * The handler's permissions for the resource type in `./members.ts`.
 *
 * Not exported from the package.
 */
import { GRAPH_ARN, GRAPH_REASON, iam5, MemberSourceReads, merge, organizationReads, PermissionSet } from '../../permissions';

/** Detective members (one account or a set), administrator side; Organizations reads only for the source's needs. */
export function detectiveMemberPermissions(reads: MemberSourceReads): PermissionSet {
  return merge({
    grants: [{
      sid: 'DetectiveMembers',
      actions: ['detective:CreateMembers', 'detective:GetMembers', 'detective:DeleteMembers',
        'detective:StartMonitoringMember'],
      resources: [GRAPH_ARN],
    }],
    nagSuppressions: [iam5(GRAPH_REASON, GRAPH_ARN)],
  }, organizationReads(reads));
}
