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
