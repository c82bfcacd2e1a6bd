/**
 * The shared member vocabulary (src/member-account-source.ts): one source, given to both
 * services' member sets, renders the same accounts into both templates; the attributes of the
 * member constructs are typed (a number token, a status token).
 */
import { App, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { aws_detective as detective, aws_guardduty as guardduty, MemberAccountSource } from '../src';

function stack(): Stack {
  return new Stack(new App(), 'Security', { env: { account: '222222222222', region: 'eu-west-1' } });
}

test('one source serves both services: the same OUs and exclusions in both resources', () => {
  const s = stack();
  const workloads = MemberAccountSource.fromOrganization({ parentIds: ['ou-ab12-workloads1'], excludeAccountIds: ['333333333333'] });
  new guardduty.MemberAccounts(s, 'GuardDutyMembers', { detector: new guardduty.Detector(s, 'Detector'), accounts: workloads });
  new detective.MemberAccounts(s, 'DetectiveMembers', { graph: new detective.BehaviorGraph(s, 'Graph'), accounts: workloads });
  const organization = { ParentIds: ['ou-ab12-workloads1'], ExcludeAccountIds: ['333333333333'] };
  const template = Template.fromStack(s);
  template.hasResourceProperties('Custom::GuardDutyMembers', { Organization: organization });
  template.hasResourceProperties('Custom::DetectiveMembers', { Organization: organization });
});

test('excluded OUs: rendered for both services, and the handler may walk them (even for a whole-organization source)', () => {
  const s = stack();
  const allButSandboxes = MemberAccountSource.fromOrganization({ excludeParentIds: ['ou-ab12-sandboxes1'] });
  new guardduty.MemberAccounts(s, 'GuardDutyMembers', { detector: new guardduty.Detector(s, 'Detector'), accounts: allButSandboxes });
  new detective.MemberAccounts(s, 'DetectiveMembers', { graph: new detective.BehaviorGraph(s, 'Graph'), accounts: allButSandboxes });
  const template = Template.fromStack(s);
  template.hasResourceProperties('Custom::GuardDutyMembers', { Organization: { ExcludeParentIds: ['ou-ab12-sandboxes1'] } });
  template.hasResourceProperties('Custom::DetectiveMembers', { Organization: { ExcludeParentIds: ['ou-ab12-sandboxes1'] } });
  const actions = JSON.stringify(Object.values<any>(template.findResources('AWS::IAM::ManagedPolicy')).map((p) => p.Properties.PolicyDocument));
  for (const action of ['organizations:ListAccounts', 'organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent']) {
    expect(actions).toContain(`"${action}"`);
  }
});

test.each([
  [{ excludeParentIds: ['r-ab12'] }, /`excludeParentIds\[0\]` must be an OU id \(ou-\.\.\.-\.\.\.\), got: "r-ab12"/],
  [{ parentIds: ['ou-ab12-workloads1'], excludeParentIds: ['ou-ab12-workloads1'] }, /`excludeParentIds\[0\]` is also in `parentIds`/],
])('excluded OUs are checked at synth: %j', (options, message) => {
  const s = stack();
  expect(() => new guardduty.MemberAccounts(s, 'Members', { detector: new guardduty.Detector(s, 'Detector'), accounts: MemberAccountSource.fromOrganization(options) }))
    .toThrow(message);
});

test('a listed source is checked for the service that adds the members', () => {
  const s = stack();
  const listed = MemberAccountSource.fromAccounts([{ accountId: '444444444444' }]);
  expect(() => new detective.MemberAccounts(s, 'Invited', { graph: new detective.BehaviorGraph(s, 'Graph'), accounts: listed, invitation: {} }))
    .toThrow(/`accounts\[0\].email` is required with `invitation` \(Detective sends the invitation to it\)/);
  expect(() => new guardduty.MemberAccounts(s, 'InvitedToo', { detector: new guardduty.Detector(s, 'Detector'), accounts: listed, invitation: {} }))
    .toThrow(/`accounts\[0\].email` is required with `invitation` \(GuardDuty sends the invitation to it\)/);
});

test('memberCount is a number token, status a string token read from the resource', () => {
  const s = stack();
  const detector = new guardduty.Detector(s, 'Detector');
  const set = new guardduty.MemberAccounts(s, 'Set', { detector, accounts: MemberAccountSource.fromAccounts([{ accountId: '333333333333' }]) });
  const one = new guardduty.MemberAccount(s, 'One', { detector, accountId: '444444444444', email: 'a@example.com', invitation: {} });
  expect(Token.isUnresolved(set.memberCount)).toBe(true);
  expect(typeof set.memberCount).toBe('number');
  const setId = s.getLogicalId(set.node.findChild('Resource').node.defaultChild as any);
  const oneId = s.getLogicalId(one.node.findChild('Resource').node.defaultChild as any);
  expect(s.resolve(set.memberCount)).toEqual({ 'Fn::GetAtt': [setId, 'MemberCount'] });
  expect(s.resolve(one.status)).toEqual({ 'Fn::GetAtt': [oneId, 'Status'] });
});

describe('emails are checked as the service that adds the member checks them', () => {
  // Detective: its model's EmailAddress pattern; GuardDuty's model has none.
  test.each([
    ['a@b.c', false, true],
    ['a@-bad.com', false, true],
    ['a@bücher.de', false, true],
    ['root@example.com', true, true],
    ['first.last+aws@sub.example.co.uk', true, true],
    ['no-at-sign.example.com', false, false],
  ])('%s: Detective accepts %s, GuardDuty %s', (email, detectiveOk, guardDutyOk) => {
    const s = stack();
    const detectiveMember = () => new detective.MemberAccount(s, `D${Math.random()}`, {
      graph: detective.BehaviorGraph.fromGraphArn(s, `G${Math.random()}`, `arn:aws:detective:eu-west-1:222222222222:graph:${'a'.repeat(32)}`),
      accountId: '444444444444',
      email,
      invitation: {},
    });
    const guardDutyMember = () => new guardduty.MemberAccount(s, `M${Math.random()}`, {
      detector: guardduty.Detector.fromDetectorId(s, `Det${Math.random()}`, 'abc'), accountId: '444444444444', email, invitation: {},
    });
    if (detectiveOk) expect(detectiveMember).not.toThrow();
    else expect(detectiveMember).toThrow('`email` must be an email address Detective accepts');
    if (guardDutyOk) expect(guardDutyMember).not.toThrow();
    else expect(guardDutyMember).toThrow('`email` must be an email address');
  });
});
