import { App, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { aws_detective as detective, MemberAccountSource } from '../../src';

const { DatasourcePackage } = detective;

function setup(account = '222222222222') {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account, region: 'eu-west-1' } });
  return { app, stack };
}

const resources = (stack: Stack, type: string) => Object.entries(Template.fromStack(stack).findResources(type)) as Array<[string, any]>;
const statements = (stack: Stack) => resources(stack, 'AWS::IAM::ManagedPolicy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
const GRAPH_ARN = 'arn:aws:detective:eu-west-1:222222222222:graph:0123456789abcdef0123456789abcdef';

describe('BehaviorGraph', () => {
  test('defaults: nothing managed, retained; the handler may create graphs and read GuardDuty for the 48-hour check', () => {
    const { stack } = setup();
    const graph = new detective.BehaviorGraph(stack, 'Graph');
    const [[logicalId, resource]] = resources(stack, 'Custom::DetectiveBehaviorGraph');
    expect(resource.Properties).toEqual({ ServiceToken: expect.anything(), ServiceTimeout: '1200' });
    expect(resource.DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(stack.resolve(graph.graphArn)).toEqual({ 'Fn::GetAtt': [logicalId, 'GraphArn'] });
    expect(stack.resolve(graph.adopted)).toEqual({ 'Fn::GetAtt': [logicalId, 'Adopted'] });
    const byId = Object.fromEntries(statements(stack).map((s: any) => [s.Sid, s]));
    expect(byId.DetectiveGraphCreate.Action).toEqual(['detective:CreateGraph', 'detective:ListGraphs']);
    expect(byId.GuardDutyPrerequisiteList.Action).toBe('guardduty:ListDetectors');
    expect(byId.DetectiveGraph.Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':detective:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':graph:*']],
    });
    // Nothing managed: no package or organization writes. A failed create deletes its graph, so
    // DeleteGraph is there although the graph is retained. Detective's service-linked role is made
    // by delegation (OrganizationAdminAccount), not by CreateGraph.
    expect(byId.DetectiveGraph.Action).toEqual(['detective:DeleteGraph', 'detective:TagResource', 'detective:UntagResource',
      'detective:ListTagsForResource', 'detective:ListDatasourcePackages']);
    expect(byId.DetectiveServiceLinkedRole).toBeUndefined();
  });

  test('packages, organization auto-enable, tags through Tags.of, DESTROY', () => {
    const { stack } = setup();
    const graph = new detective.BehaviorGraph(stack, 'Graph', {
      datasourcePackages: [DatasourcePackage.EKS_AUDIT, DatasourcePackage.ASFF_SECURITYHUB_FINDING],
      autoEnableOrganizationMembers: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Tags.of(graph).add('owner', 'security');
    const [[, resource]] = resources(stack, 'Custom::DetectiveBehaviorGraph');
    expect(resource.Properties).toEqual({
      ServiceToken: expect.anything(),
      ServiceTimeout: '1200',
      DatasourcePackages: ['EKS_AUDIT', 'ASFF_SECURITYHUB_FINDING'],
      AutoEnableOrganizationMembers: 'true',
      Tags: { owner: 'security' },
    });
    expect(resource.DeletionPolicy).toBe('Delete');
  });

  test.each([
    [{ datasourcePackages: [DatasourcePackage.EKS_AUDIT, DatasourcePackage.EKS_AUDIT] }, /`datasourcePackages` lists EKS_AUDIT twice \(at index 1\)/],
    [{ removalPolicy: RemovalPolicy.SNAPSHOT }, /`removalPolicy` must be RETAIN, RETAIN_ON_UPDATE_OR_DELETE or DESTROY; a behavior graph has no snapshot/],
  ])('synth error: %j', (props, message) => {
    const { stack } = setup();
    expect(() => new detective.BehaviorGraph(stack, 'Graph', props)).toThrow(message);
  });

  test('tags: the reserved key and more than 49 are synth errors', () => {
    const { app, stack } = setup();
    const graph = new detective.BehaviorGraph(stack, 'Graph');
    Tags.of(graph).add('cdk-threat-detection:created-by', 'me');
    for (let i = 0; i < 49; i++) Tags.of(graph).add(`k${i}`, 'v');
    expect(() => app.synth()).toThrow(/Detective allows at most 49 tags on a behavior graph besides the one the library keeps, got: 50[\s\S]*the tag key cdk-threat-detection:created-by is reserved/);
  });

  test('fromGraphArn takes the account and Region from the ARN, and refuses what is not a graph ARN', () => {
    const { stack } = setup('333333333333');
    const graph = detective.BehaviorGraph.fromGraphArn(stack, 'Graph', GRAPH_ARN);
    expect(graph.graphArn).toBe(GRAPH_ARN);
    expect(graph.env).toEqual({ account: '222222222222', region: 'eu-west-1' });
    expect(() => detective.BehaviorGraph.fromGraphArn(stack, 'Bad', 'arn:aws:detective:eu-west-1:222222222222:graph:xyz'))
      .toThrow(/`graphArn` must be a Detective behavior graph ARN \(arn:<partition>:detective:<region>:<account>:graph:<32 hex characters>\), got: arn:aws:detective:eu-west-1:222222222222:graph:xyz/);
  });
});

describe('members', () => {
  test('MemberAccount: organization mode references the graph; invitation mode renders the invitation', () => {
    const { stack } = setup();
    const graph = new detective.BehaviorGraph(stack, 'Graph');
    new detective.MemberAccount(stack, 'Org', { graph, accountId: '333333333333' });
    new detective.MemberAccount(stack, 'Invited', {
      graph,
      accountId: '444444444444',
      email: 'root@example.com',
      invitation: { message: 'Hello', disableEmailNotification: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const [[, org], [, invited]] = resources(stack, 'Custom::DetectiveMember');
    expect(org.Properties).toEqual({
      ServiceToken: expect.anything(), ServiceTimeout: '3600', GraphArn: { 'Fn::GetAtt': [expect.stringMatching(/^Graph/), 'GraphArn'] }, AccountId: '333333333333',
    });
    expect(org.DeletionPolicy).toBe('Delete');
    expect(invited.Properties).toMatchObject({ EmailAddress: 'root@example.com', Invitation: { Message: 'Hello', DisableEmailNotification: 'true' } });
    expect(invited.DeletionPolicy).toBe('Retain');
    expect(statements(stack).find((s: any) => s.Sid === 'DetectiveMembers').Action)
      .toEqual(['detective:CreateMembers', 'detective:GetMembers', 'detective:DeleteMembers',
        'detective:StartMonitoringMember']);
  });

  test.each([
    [{ accountId: '222222222222' }, /`accountId` is this stack's own account \(222222222222\): an administrator cannot be its own member/],
    [{ accountId: '444444444444', invitation: {} }, /`email` is required with `invitation` \(Detective verifies it and sends the invitation to it\)/],
    [{ accountId: '444444444444', email: 'a@b.co', invitation: { message: 'x'.repeat(1001) } }, /`invitation.message` must be 1-1000 characters, got 1001/],
  ])('MemberAccount synth error: %j', (props, message) => {
    const { stack } = setup();
    const graph = detective.BehaviorGraph.fromGraphArn(stack, 'Graph', GRAPH_ARN);
    expect(() => new detective.MemberAccount(stack, 'Member', { graph, ...props })).toThrow(message);
  });

  test('MemberAccounts: by OU keeps only the OU ids; an explicit list with emails for invitations', () => {
    const { stack } = setup();
    const graph = detective.BehaviorGraph.fromGraphArn(stack, 'Graph', GRAPH_ARN);
    const byOu = new detective.MemberAccounts(stack, 'ByOu', {
      graph, accounts: MemberAccountSource.fromOrganization({ parentIds: ['ou-exmp-workloads1'], excludeAccountIds: ['555555555555'] }),
    });
    new detective.MemberAccounts(stack, 'Invited', {
      graph, accounts: MemberAccountSource.fromAccounts([{ accountId: '444444444444', email: 'root@example.com' }]), invitation: {},
    });
    const [[logicalId, ou], [, listed]] = resources(stack, 'Custom::DetectiveMembers');
    expect(ou.Properties).toEqual({
      ServiceToken: expect.anything(), ServiceTimeout: '3600', GraphArn: GRAPH_ARN, Organization: { ParentIds: ['ou-exmp-workloads1'], ExcludeAccountIds: ['555555555555'] },
    });
    expect(listed.Properties).toMatchObject({ Accounts: [{ AccountId: '444444444444', Email: 'root@example.com' }], Invitation: {} });
    expect(stack.resolve(byOu.memberCount)).toEqual({ 'Fn::GetAtt': [logicalId, 'MemberCount'] });
  });

  test.each([
    [MemberAccountSource.fromOrganization(), {}, /`invitation` cannot be used with MemberAccountSource.fromOrganization\(\)/],
    [MemberAccountSource.fromAccounts([{ accountId: '444444444444' }]), {}, /`accounts\[0\].email` is required with `invitation` \(Detective sends/],
    [MemberAccountSource.fromAccounts([]), undefined, /`accounts` must list at least one account, got none/],
    [MemberAccountSource.fromOrganization({ parentIds: ['ou-bad'] }), undefined, /`parentIds\[0\]` must be a root id/],
  ])('MemberAccounts synth error %#', (accounts, invitation, message) => {
    const { stack } = setup();
    const graph = detective.BehaviorGraph.fromGraphArn(stack, 'Graph', GRAPH_ARN);
    expect(() => new detective.MemberAccounts(stack, 'Members', { graph, accounts, invitation })).toThrow(message);
  });

  test('GraphMembership in the member account: may accept and leave graphs of other accounts in its Region only', () => {
    const { stack } = setup('444444444444');
    const membership = new detective.GraphMembership(stack, 'Membership', { graph: detective.BehaviorGraph.fromGraphArn(stack, 'Graph', GRAPH_ARN) });
    new detective.GraphMembership(stack, 'ByAdministrator', { administratorAccountId: '555555555555' });
    expect(membership.graphArn).toBe(GRAPH_ARN);
    const [[, byGraph], [, byAdministrator]] = resources(stack, 'Custom::DetectiveGraphMembership');
    expect(byGraph.Properties).toEqual({ ServiceToken: expect.anything(), ServiceTimeout: '3600', GraphArn: GRAPH_ARN });
    expect(byAdministrator.Properties).toEqual({ ServiceToken: expect.anything(), ServiceTimeout: '3600', AdministratorAccountId: '555555555555' });
    const statement = statements(stack).find((s: any) => s.Sid === 'DetectiveMembership');
    expect(statement.Action).toEqual(['detective:AcceptInvitation', 'detective:DisassociateMembership']);
    // Given only the graph's ARN (a token or not), any administrator's graph in this Region; given
    // the administrator, that account's graphs only. One statement, both scopes.
    expect(statement.Resource).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':detective:', { Ref: 'AWS::Region' }, ':*:graph:*']] },
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':detective:', { Ref: 'AWS::Region' }, ':555555555555:graph:*']] },
    ]);
  });

  test.each([
    [{}, /give exactly one of `graph` and `administratorAccountId`, got neither/],
    [{ administratorAccountId: '5' }, /`administratorAccountId` must be a 12-digit AWS account id, got: "5"/],
  ])('GraphMembership synth error: %j', (props, message) => {
    const { stack } = setup('444444444444');
    expect(() => new detective.GraphMembership(stack, 'Membership', props)).toThrow(message);
  });
});

describe('OrganizationAdminAccount', () => {
  test('retained by default; exposes the organization graph ARN; Organizations delegation limited to Detective', () => {
    const { stack } = setup('111111111111');
    const admin = new detective.OrganizationAdminAccount(stack, 'Admin', { administratorAccountId: '222222222222' });
    const [[logicalId, resource]] = resources(stack, 'Custom::DetectiveOrganizationAdminAccount');
    expect(resource.Properties).toEqual({ ServiceToken: expect.anything(), ServiceTimeout: '3600', AdminAccountId: '222222222222' });
    expect(resource.DeletionPolicy).toBe('Retain');
    expect(stack.resolve(admin.graphArn)).toEqual({ 'Fn::GetAtt': [logicalId, 'GraphArn'] });
    const bySid = Object.fromEntries(statements(stack).map((s: any) => [s.Sid, s]));
    const onlyDetective = { StringEquals: { 'organizations:ServicePrincipal': 'detective.amazonaws.com' } };
    for (const sid of ['OrganizationsTrustedAccessForDetective', 'OrganizationsRegisterDelegatedAdministratorForDetective',
      'OrganizationsDeregisterDelegatedAdministratorForDetective', 'OrganizationsListDelegatedAdministratorsForDetective']) {
      expect(bySid[sid].Condition).toEqual(onlyDetective);
    }
    // The action IAM knows (singular), not the API's name.
    expect(bySid.DetectiveOrganizationAdmin.Action).toContain('detective:ListOrganizationAdminAccount');
    expect(bySid.DetectiveServiceLinkedRole.Condition).toEqual({ StringEquals: { 'iam:AWSServiceName': ['detective.amazonaws.com'] } });
  });

  test('synth error for a malformed account id', () => {
    const { stack } = setup('111111111111');
    expect(() => new detective.OrganizationAdminAccount(stack, 'Admin', { administratorAccountId: '2222' }))
      .toThrow(/`administratorAccountId` must be a 12-digit AWS account id, got: "2222"/);
  });
});


test('two behavior graphs in one stack are a synth error: the account and Region has one', () => {
  const stack = new Stack(new App(), 'Stack', { env: { account: '222222222222', region: 'eu-west-1' } });
  new detective.BehaviorGraph(stack, 'One');
  new detective.BehaviorGraph(stack, 'Two');
  expect(() => Template.fromStack(stack)).toThrow(/this stack has 2: Stack\/One, Stack\/Two. Keep one \(import it elsewhere with BehaviorGraph.fromGraphArn\)/);
});
