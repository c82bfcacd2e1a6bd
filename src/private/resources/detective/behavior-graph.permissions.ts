/**
 * The handler's permissions for the resource type in `./behavior-graph.ts`.
 *
 * Not exported from the package.
 */
import { DETECTOR_ARN, DETECTOR_ID_REASON, GRAPH_ARN, GRAPH_REASON, iam5, PermissionSet, STAR_ONLY } from '../../permissions';

/**
 * `BehaviorGraph`: create or adopt, tags, datasource packages, organization auto-enable; and the
 * GuardDuty reads that explain a refused CreateGraph (Detective needs 48 hours of GuardDuty). A
 * create that fails after CreateGraph deletes the graph it made, so DeleteGraph is granted whatever
 * the removal policy.
 */
export function behaviorGraphPermissions(options: {
  readonly autoEnableOrganizationMembers: boolean; readonly datasourcePackages: boolean;
}): PermissionSet {
  const graphActions = ['detective:DeleteGraph', 'detective:TagResource', 'detective:UntagResource', 'detective:ListTagsForResource',
    'detective:ListDatasourcePackages'];
  if (options.datasourcePackages) graphActions.push('detective:UpdateDatasourcePackages');
  // Describe: the setting before an adoption changed it, put back if that create is rolled back.
  if (options.autoEnableOrganizationMembers) graphActions.push('detective:UpdateOrganizationConfiguration', 'detective:DescribeOrganizationConfiguration');
  return {
    grants: [
      { sid: 'DetectiveGraphCreate', actions: ['detective:CreateGraph', 'detective:ListGraphs'], resources: ['*'] },
      { sid: 'DetectiveGraph', actions: graphActions, resources: [GRAPH_ARN] },
      { sid: 'GuardDutyPrerequisiteList', actions: ['guardduty:ListDetectors'], resources: ['*'] },
      { sid: 'GuardDutyPrerequisiteRead', actions: ['guardduty:GetDetector'], resources: [DETECTOR_ARN] },
    ],
    nagSuppressions: [
      STAR_ONLY('detective:CreateGraph, detective:ListGraphs, guardduty:ListDetectors'),
      iam5(GRAPH_REASON, GRAPH_ARN),
      iam5(DETECTOR_ID_REASON, DETECTOR_ARN),
    ],
  };
}
