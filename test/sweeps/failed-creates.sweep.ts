/**
 * The failed-create sweep: the landing-zone example's first deployment, once per write operation
 * it makes, with that operation's first call denied (AccessDeniedException, which the SDK does not
 * retry), so the stack that makes it fails at that step and rolls back. For each case:
 * - the stack ends ROLLBACK_COMPLETE (never ROLLBACK_FAILED);
 * - the services are left exactly as before that stack's deployment: nothing it made is left, and
 *   what it adopted (the detectors delegation and enrolment made, the organization graph) has its
 *   settings back. Not compared, because no API call the stack's account can make undoes them:
 *   a Detective datasource package started; the detector GuardDuty enabled in an organization
 *   account the administrator enrolled (removing the member leaves GuardDuty on there); and the
 *   administrator's record of an invited member whose acceptance the rollback undid (Invited
 *   becomes Resigned: the invitation was used);
 * - deploying the stack again succeeds (a rolled-back stack is not stuck; a member stack whose
 *   invitation the rolled-back acceptance used needs the administrator to invite it again, done
 *   here as the administrator's MemberAccount update does it), and everything is then destroyed.
 *
 * Run by `npx projen test:sweep` in CI, not by `npx projen test`.
 */
import { CreateMembersCommand as CreateGraphMembersCommand, DetectiveClient } from '@aws-sdk/client-detective';
import { CreateMembersCommand, GuardDutyClient, InviteMembersCommand } from '@aws-sdk/client-guardduty';
import { LIFECYCLE_TIMEOUT_MS, servicesState, synthLandingZone, sweepFixture } from './landing-zone';
import {
  INITIAL, REGION, SECURITY_ACCOUNT, VENDED_ACCOUNT, VENDED_ACCOUNT_EMAIL, WORKLOAD_ACCOUNT,
} from '../../examples/landing-zone/app';
import { createOrganization, SANDBOX_ACCOUNTS } from '../../examples/landing-zone/organization';
import { CloudFormationReplay, DeploymentFailed } from '../../replay/src';

/** Every write operation the example's first deployment makes (a clean run asserts the list is complete). */
const CREATE_WRITES = [
  'detective AcceptInvitation', 'detective CreateMembers', 'detective EnableOrganizationAdminAccount', 'detective TagResource',
  'detective UpdateDatasourcePackages', 'detective UpdateOrganizationConfiguration',
  'guardduty AcceptAdministratorInvitation', 'guardduty CreateDetector', 'guardduty CreateFilter', 'guardduty CreateIPSet',
  // CloudFormation's own write for the Malware Protection plan's L1 (the replay runs it as the deployer).
  'guardduty CreateMalwareProtectionPlan',
  'guardduty CreateMembers', 'guardduty CreatePublishingDestination', 'guardduty CreateThreatIntelSet', 'guardduty CreateTrustedEntitySet',
  'guardduty EnableOrganizationAdminAccount', 'guardduty InviteMembers', 'guardduty TagResource', 'guardduty UpdateDetector',
  'guardduty UpdateMalwareScanSettings', 'guardduty UpdateMemberDetectors', 'guardduty UpdateOrganizationConfiguration',
];
const READ = /^(Get|List|Describe)/;

const { dir, stacks } = synthLandingZone(INITIAL, 'failed-creates');
const outcomes: string[] = [];
const api = sweepFixture([{ dir, stacks }], () => `Failed-create sweep (${outcomes.length} cases):\n${outcomes.map((o) => `  ${o}`).join('\n')}\n`);
const state = () => servicesState(api());

/**
 * The state after a rollback, without what no call of the stack's account undoes (see the header):
 * the detector enrolment made in an organization account that had none, and an invited member
 * the rollback resigned.
 */
function comparable(after: any, before: any): unknown {
  const copy = JSON.parse(JSON.stringify(after));
  for (const account of [WORKLOAD_ACCOUNT, ...SANDBOX_ACCOUNTS]) {
    if (before.accounts[account].detectors.length === 0) copy.accounts[account].detectors = [];
  }
  const wasInvited = JSON.stringify(`${VENDED_ACCOUNT} Invited`);
  const members: string[] = copy.accounts[SECURITY_ACCOUNT].members;
  if (before.accounts[SECURITY_ACCOUNT].members.includes(wasInvited)) {
    copy.accounts[SECURITY_ACCOUNT].members = members.map((m) => (m === JSON.stringify(`${VENDED_ACCOUNT} Resigned`) ? wasInvited : m)).sort();
  }
  return copy;
}

/** The administrator invites the vended account again (what an update of its MemberAccount does). */
async function inviteAgain(): Promise<void> {
  const credentials = api().credentialsFor(SECURITY_ACCOUNT);
  const detectorId = api().guardduty.detectors(SECURITY_ACCOUNT, REGION)[0].id;
  const member = api().guardduty.multiAccount.members(SECURITY_ACCOUNT, REGION).find((m) => m.accountId === VENDED_ACCOUNT);
  const guardDuty = new GuardDutyClient({ region: REGION, endpoint: api().url, credentials });
  if (member && !['Invited', 'Enabled'].includes(member.status)) {
    const accountDetails = [{ AccountId: VENDED_ACCOUNT, Email: VENDED_ACCOUNT_EMAIL }];
    await guardDuty.send(new CreateMembersCommand({ DetectorId: detectorId, AccountDetails: accountDetails }));
    await guardDuty.send(new InviteMembersCommand({ DetectorId: detectorId, AccountIds: [VENDED_ACCOUNT] }));
  }
  const graph = api().detective.graph(SECURITY_ACCOUNT, REGION);
  const graphMember = graph?.members.get(VENDED_ACCOUNT);
  if (graph && graphMember && !['INVITED', 'ENABLED'].includes(graphMember.status)) {
    const accounts = [{ AccountId: VENDED_ACCOUNT, EmailAddress: VENDED_ACCOUNT_EMAIL }];
    const detective = new DetectiveClient({ region: REGION, endpoint: api().url, credentials });
    await detective.send(new CreateGraphMembersCommand({ GraphArn: graph.arn, Accounts: accounts }));
  }
}

/** Deploy the first deployment, each stack in order; returns the stack that failed, if one did. */
async function firstDeployment(replay: CloudFormationReplay, deployed: string[]) {
  for (const s of stacks) {
    const before = state();
    const failure = await replay.deploy(dir, s).then(() => undefined, (err: unknown) => {
      if (err instanceof DeploymentFailed) return err;
      throw err;
    });
    if (failure) return { stack: s, failure, before };
    deployed.push(s);
  }
  return undefined;
}

test('the list of writes is the first deployment\'s', async () => {
  api().reset();
  createOrganization(api());
  const replay = new CloudFormationReplay({ api: api() });
  try {
    expect(await firstDeployment(replay, [])).toBeUndefined();
  } finally {
    await replay.close();
  }
  const writes = [...new Set(api().calls.filter((c) => !READ.test(c.operation) && c.status < 400 && c.service !== 'cloudformation')
    .map((c) => `${c.service} ${c.operation}`))];
  expect(writes.sort()).toEqual([...CREATE_WRITES].sort());
}, LIFECYCLE_TIMEOUT_MS);

test.each(CREATE_WRITES)('%s denied: the stack rolls back leaving the services as they were, and deploys again', async (write) => {
  const [service, operation] = write.split(' ');
  api().reset();
  createOrganization(api());
  api().injectFault({ kind: 'access-denied', operation, service, times: 1 });
  const replay = new CloudFormationReplay({ api: api() });
  const deployed: string[] = [];
  try {
    const failed = await firstDeployment(replay, deployed);
    expect(failed).toBeDefined();
    // The denial landed where it was aimed: one call, of that service's operation.
    expect(api().calls.filter((c) => c.status === 403).map((c) => `${c.service} ${c.operation}`)).toEqual([write]);
    const { stack, failure, before } = failed!;
    expect(failure.status).toBe('ROLLBACK_COMPLETE');
    expect(comparable(state(), before)).toEqual(before);
    // Deployed again (the denial is spent), the stack and the rest of the deployment succeed.
    if (stack === 'VendedAccountThreatDetection') await inviteAgain();
    expect(await firstDeployment(replay, deployed)).toBeUndefined();
    for (const s of [...deployed].reverse()) await replay.destroy(dir, s);
    outcomes.push(`${write}: ${stack} rolled back clean (${failure.reason.slice(0, 120)}…), deployed again`);
  } finally {
    await replay.close();
  }
}, LIFECYCLE_TIMEOUT_MS);
