/**
 * The failed-update sweep: the landing-zone example deployed, then updated once per write
 * operation the update makes, with that operation's first call denied (AccessDeniedException,
 * which the SDK does not retry): the service refuses the new value, the stack that makes the call
 * fails, and CloudFormation rolls it back by sending every resource it already updated an Update
 * back to its old properties. For each case:
 * - the stack ends UPDATE_ROLLBACK_COMPLETE (never UPDATE_ROLLBACK_FAILED): a rollback applies the
 *   old properties without depending on the new ones that failed;
 * - the services are left as they were before that stack's update, but for what no call of the
 *   stack's account undoes: the update sets GuardDuty's organization auto-enable to ALL, which
 *   enrolls the organization's accounts (a detector enabled, a member of the security account),
 *   and setting it back to NEW, as the rollback does, leaves enrolled the accounts no member set
 *   removes (the management account; and the sandbox accounts when the rollback of their member
 *   set ran while ALL was still on); and the detector GuardDuty enabled in an account the update's
 *   member set enrolled stays when the rollback removes the member (as in the failed-create sweep);
 * - updating again succeeds (the denial is spent), and everything is then destroyed.
 *
 * Run by `npx projen test:sweep` in CI, not by `npx projen test`.
 */
import { LIFECYCLE_TIMEOUT_MS, servicesState, synthLandingZone, sweepFixture } from './landing-zone';
import { INITIAL, SECURITY_ACCOUNT, UPDATED } from '../../examples/landing-zone/app';
import { createOrganization } from '../../examples/landing-zone/organization';
import { CloudFormationReplay, DeploymentFailed } from '../../replay/src';

/** Every write operation the example's update makes (a clean run asserts the list is complete). */
const UPDATE_WRITES = [
  'detective CreateMembers', 'detective TagResource', 'detective UpdateDatasourcePackages', 'detective UpdateOrganizationConfiguration',
  'guardduty TagResource', 'guardduty UpdateDetector', 'guardduty UpdateFilter', 'guardduty UpdateIPSet',
  // CloudFormation's own write for the Malware Protection plan's L1 (the replay runs it as the deployer).
  'guardduty UpdateMalwareProtectionPlan',
  'guardduty UpdateMalwareScanSettings', 'guardduty UpdateMemberDetectors', 'guardduty UpdateOrganizationConfiguration',
  'guardduty UpdateThreatIntelSet', 'guardduty UpdateTrustedEntitySet',
];
const READ = /^(Get|List|Describe)/;

/** Writes of the update whose refusal does not fail it, with why. */
const NOT_FAILING: Record<string, string> = {
  'guardduty UpdateIPSet': 'the update changes the trusted list\'s tags and content hash, not its name or location: the handler reads the set, '
    + 'finds what UpdateIPSet would have set, and goes on (the check that also survives a lost answer)',
};

/** The state after a rollback, without what auto-enable ALL and enrolment leave (see the header). */
function comparable(after: any, before: any): unknown {
  const copy = JSON.parse(JSON.stringify(after));
  for (const [account, was] of Object.entries<any>(before.accounts)) {
    const now = copy.accounts[account];
    if (was.administrator === null && now.administrator === SECURITY_ACCOUNT) {
      now.administrator = null;
      copy.accounts[SECURITY_ACCOUNT].members = copy.accounts[SECURITY_ACCOUNT].members.filter((m: string) => m !== JSON.stringify(`${account} Enabled`));
    }
    if (was.detectors.length === 0) now.detectors = [];
  }
  return copy;
}

const initial = synthLandingZone(INITIAL, 'failed-updates');
const updated = synthLandingZone(UPDATED, 'failed-updates');
const outcomes: string[] = [];
const api = sweepFixture([initial, updated], () => `Failed-update sweep (${outcomes.length} cases):\n${outcomes.map((o) => `  ${o}`).join('\n')}\n`);

async function deployInitial(replay: CloudFormationReplay): Promise<void> {
  api().reset();
  createOrganization(api());
  for (const s of initial.stacks) await replay.deploy(initial.dir, s);
}

/** Update each stack in order; returns the stack whose update failed, with the state before it, if one did. */
async function update(replay: CloudFormationReplay, from = 0) {
  for (const s of updated.stacks.slice(from)) {
    const before = servicesState(api());
    const failure = await replay.deploy(updated.dir, s).then(() => undefined, (err: unknown) => {
      if (err instanceof DeploymentFailed) return err;
      throw err;
    });
    if (failure) return { stack: s, index: updated.stacks.indexOf(s), failure, before };
  }
  return undefined;
}

test('the list of writes is the update\'s', async () => {
  const replay = new CloudFormationReplay({ api: api() });
  try {
    await deployInitial(replay);
    api().calls.length = 0;
    expect(await update(replay)).toBeUndefined();
  } finally {
    await replay.close();
  }
  const writes = [...new Set(api().calls.filter((c) => !READ.test(c.operation) && c.status < 400 && c.service !== 'cloudformation')
    .map((c) => `${c.service} ${c.operation}`))];
  expect(writes.sort()).toEqual([...UPDATE_WRITES].sort());
}, LIFECYCLE_TIMEOUT_MS);

test.each(UPDATE_WRITES.filter((w) => !(w in NOT_FAILING)))('%s refused: the stack rolls back to its old properties, leaving the services as they were, and updates again', async (write) => {
  const [service, operation] = write.split(' ');
  const replay = new CloudFormationReplay({ api: api() });
  try {
    await deployInitial(replay);
    api().injectFault({ kind: 'access-denied', operation, service, times: 1 });
    const failed = await update(replay);
    expect(failed).toBeDefined();
    expect(api().calls.filter((c) => c.status === 403).map((c) => `${c.service} ${c.operation}`)).toEqual([write]);
    const { stack, index, failure, before } = failed!;
    expect([failure.status, failure.rollbackFailures]).toEqual(['UPDATE_ROLLBACK_COMPLETE', []]);
    expect(comparable(servicesState(api()), before)).toEqual(before);
    // Updated again (the denial is spent), the stack and the rest of the update succeed.
    expect(await update(replay, index)).toBeUndefined();
    for (const s of [...updated.stacks].reverse()) await replay.destroy(updated.dir, s);
    outcomes.push(`${write}: ${stack} rolled back clean (${failure.reason.slice(0, 100)}…), updated again`);
  } finally {
    await replay.close();
  }
}, LIFECYCLE_TIMEOUT_MS);
