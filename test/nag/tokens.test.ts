/**
 * Every id-like property of every construct given as a token (a CfnParameter, and an imported
 * value): the app synthesizes, on the floor aws-cdk-lib and (in the versions matrix) the newest,
 * and cdk-nag's AwsSolutions pack finds nothing the library did not satisfy or acknowledge. A
 * token in an acknowledgement once crashed synth on aws-cdk-lib with `Validations`.
 */
import { App, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CDK_NAG_MAJOR, findings } from './nag';
import { aws_detective as detective, aws_guardduty as guardduty, MemberAccountSource } from '../../src';

type TokenKind = 'parameter' | 'import';

function tokenApp(kind: TokenKind): { app: App; stacks: Stack[] } {
  const app = new App();
  const env = (account: string) => ({ account, region: 'eu-west-1' });
  const stacks: Stack[] = [];
  const valueOf = (stack: Stack, name: string, pattern?: string) => (kind === 'parameter'
    ? new CfnParameter(stack, `${name}Parameter`, { type: 'String', allowedPattern: pattern }).valueAsString
    : Fn.importValue(`Shared-${name}`));
  const accountId = (stack: Stack, name: string) => valueOf(stack, name, '^\\d{12}$');

  const management = new Stack(app, 'Management', { env: env('111111111111') });
  stacks.push(management);
  new guardduty.OrganizationAdminAccount(management, 'GuardDutyAdmin', { administratorAccountId: accountId(management, 'GuardDutyAdministrator') });
  new detective.OrganizationAdminAccount(management, 'DetectiveAdmin', { administratorAccountId: accountId(management, 'DetectiveAdministrator') });

  const security = new Stack(app, 'Security', { env: env('222222222222') });
  stacks.push(security);
  const detector = guardduty.Detector.fromDetectorId(security, 'Detector', valueOf(security, 'DetectorId'));
  const bucket = s3.Bucket.fromBucketName(security, 'Findings', valueOf(security, 'FindingsBucket'));
  const key = kms.Key.fromKeyArn(security, 'Key', valueOf(security, 'FindingsKey'));
  detector.addPublishingDestination('Export', { bucket, key });
  detector.addThreatIntelSet('Threats', { source: guardduty.ListSource.fromBucket(bucket, valueOf(security, 'ListKey')) });
  new guardduty.MemberAccounts(security, 'ByOu', {
    detector,
    accounts: MemberAccountSource.fromOrganization({ parentIds: [valueOf(security, 'WorkloadsOu')], excludeAccountIds: [accountId(security, 'Excluded')] }),
  });
  new guardduty.MemberAccounts(security, 'Listed', { detector, accounts: MemberAccountSource.fromAccounts([{ accountId: accountId(security, 'Listed') }]) });
  new guardduty.MemberAccount(security, 'One', { detector, accountId: accountId(security, 'One') });
  const graph = detective.BehaviorGraph.fromGraphArn(security, 'Graph', valueOf(security, 'GraphArn'));
  new detective.MemberAccounts(security, 'GraphByOu', { graph, accounts: MemberAccountSource.fromOrganization({ parentIds: [valueOf(security, 'GraphOu')] }) });
  new detective.MemberAccount(security, 'GraphMember', { graph, accountId: accountId(security, 'GraphMember') });

  const member = new Stack(app, 'Member', { env: env('444444444444') });
  stacks.push(member);
  const own = new guardduty.Detector(member, 'Detector');
  new guardduty.AdministratorAccount(member, 'Administrator', { detector: own, administratorAccountId: accountId(member, 'Administrator') });
  new detective.GraphMembership(member, 'ByAdministrator', { administratorAccountId: accountId(member, 'GraphAdministrator') });
  return { app, stacks };
}

test.each<TokenKind>(['parameter', 'import'])(`cdk-nag ${CDK_NAG_MAJOR}: every id-like property from a %s synthesizes, and AwsSolutions finds nothing`, (kind) => {
  const { app, stacks } = tokenApp(kind);
  expect(findings(app, stacks, 'AwsSolutionsChecks')).toEqual([]);
});
