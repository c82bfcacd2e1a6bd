/**
 * The lost-answer sweep: the landing-zone example's whole lifecycle (deploy every stack, update
 * every stack, destroy every stack), once per write operation the example makes, with that
 * operation's first call (in the service named) taking effect and answering 500 (the answer lost,
 * as happens in AWS; the SDK retries it). Every event must succeed without a user's retry and
 * every delete must complete.
 *
 * Each fault names its service and operation: six operation names (CreateMembers, DeleteMembers,
 * DisableOrganizationAdminAccount, EnableOrganizationAdminAccount, TagResource,
 * UpdateOrganizationConfiguration) are both GuardDuty's and Detective's.
 *
 * Run by `npx projen test:sweep` in CI, not by `npx projen test`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LIFECYCLE_TIMEOUT_MS, synthLandingZone, sweepFixture } from './landing-zone';
import { INITIAL, UPDATED } from '../../examples/landing-zone/app';
import { createOrganization } from '../../examples/landing-zone/organization';
import { CloudFormationReplay } from '../../replay/src';

/** Every write operation the example makes (a clean run's log asserts this list is complete). */
const WRITES = [
  'detective AcceptInvitation', 'detective CreateMembers', 'detective DeleteMembers', 'detective DisableOrganizationAdminAccount',
  'detective DisassociateMembership', 'detective EnableOrganizationAdminAccount', 'detective TagResource',
  'detective UpdateDatasourcePackages', 'detective UpdateOrganizationConfiguration',
  'guardduty AcceptAdministratorInvitation', 'guardduty CreateDetector', 'guardduty CreateFilter', 'guardduty CreateIPSet',
  'guardduty CreateMembers', 'guardduty CreatePublishingDestination', 'guardduty CreateThreatIntelSet', 'guardduty CreateTrustedEntitySet',
  'guardduty DeleteDetector',
  'guardduty DeleteFilter', 'guardduty DeleteIPSet', 'guardduty DeleteMembers', 'guardduty DeletePublishingDestination',
  'guardduty DeleteThreatIntelSet', 'guardduty DeleteTrustedEntitySet', 'guardduty DisableOrganizationAdminAccount', 'guardduty DisassociateFromAdministratorAccount',
  'guardduty DisassociateMembers', 'guardduty EnableOrganizationAdminAccount', 'guardduty InviteMembers', 'guardduty TagResource',
  'guardduty UpdateDetector', 'guardduty UpdateFilter', 'guardduty UpdateIPSet', 'guardduty UpdateMalwareScanSettings', 'guardduty UpdateMemberDetectors',
  'guardduty UpdateOrganizationConfiguration', 'guardduty UpdateThreatIntelSet', 'guardduty UpdateTrustedEntitySet',
  // The teardown's last delegations (GuardDuty's, then Detective's) remove the AWS Organizations registration.
  'organizations DeregisterDelegatedAdministrator',
];
const READ = /^(Get|List|Describe)/;

/**
 * The handlers' writes the example's lifecycle never makes, so this sweep cannot lose their
 * answers; each with why, and where a lost answer of it is tested instead, if anywhere.
 */
const LEFT_OUT: Record<string, string> = {
  'detective CreateGraph': 'the example adopts the graph Detective\'s delegation made; a created graph is replayed in replay/test',
  'detective DeleteGraph': 'the example never deletes the graph it adopted (removal policy RETAIN)',
  'detective StartMonitoringMember': 'only for a member ACCEPTED_BUT_DISABLED, which the example\'s accounts never are (test/lambda/detective/members.test.ts)',
  'detective UntagResource': 'the example\'s updates add tags and change values, and remove none',
  'guardduty CreateThreatEntitySet': 'the example has no threat entity list (its create path is the trusted entity list\'s, swept here)',
  'guardduty UpdateThreatEntitySet': 'the example has no threat entity list (its update path is the trusted entity list\'s, swept here)',
  'guardduty DeleteThreatEntitySet': 'the example has no threat entity list (its delete path is the trusted entity list\'s, swept here)',
  'guardduty UntagResource': 'the example\'s updates add tags and change values, and remove none',
  'guardduty UpdatePublishingDestination': 'the example\'s update keeps the findings export\'s bucket and key',
  'lambda Invoke': 'every event of the example fits in one invocation, so none continues; a lost answer of the continuation\'s Invoke '
    + '(a second queued invocation of the same event) is test/lambda/continuation.test.ts\'s',
};

/** Every write the handler bundle can make: the SDK commands its sources import, by service, less the reads. */
function handlerWrites(): string[] {
  const writes = new Set<string>();
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) { visit(file); continue; }
      if (!file.endsWith('.ts')) continue;
      for (const m of fs.readFileSync(file, 'utf-8').matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([a-z]+)'/g)) {
        for (const name of m[1].split(',').map((n) => n.trim().split(/\s+as\s+/)[0])) {
          const operation = name.replace(/Command$/, '');
          if (name.endsWith('Command') && !READ.test(operation) && m[2] !== 'cloudformation') writes.add(`${m[2]} ${operation}`);
        }
      }
    }
  };
  visit(path.join(__dirname, '..', '..', 'lambda'));
  return [...writes].sort();
}

const initial = synthLandingZone(INITIAL, 'sweep');
const updated = synthLandingZone(UPDATED, 'sweep');
const api = sweepFixture([initial, updated], () => '');

/** Deploy, update and destroy every stack; throws the first failure (no retry). */
async function lifecycle(fault?: string): Promise<void> {
  // `fault`: '<service> <Operation>', the write whose first answer is lost.
  api().reset();
  createOrganization(api());
  if (fault) {
    const [service, operation] = fault.split(' ');
    api().injectFault({ kind: 'internal-error-after-commit', service, operation, times: 1 });
  }
  const replay = new CloudFormationReplay({ api: api() });
  try {
    for (const s of initial.stacks) await replay.deploy(initial.dir, s);
    for (const s of updated.stacks) await replay.deploy(updated.dir, s);
    for (const s of [...updated.stacks].reverse()) await replay.destroy(updated.dir, s);
  } finally {
    await replay.close();
  }
}

test('the list of writes is the example\'s', async () => {
  await lifecycle();
  // The handlers' writes: CloudFormation's own calls for the Malware Protection plan's L1 (the
  // replay makes them as the deployer) are not answers a handler can lose.
  const writes = [...new Set(api().calls.filter((c) => !READ.test(c.operation) && c.status < 400 && c.principal.includes(':assumed-role/'))
    .map((c) => `${c.service} ${c.operation}`))];
  expect(writes.sort()).toEqual([...WRITES].sort());
}, LIFECYCLE_TIMEOUT_MS);

test('the sweep covers every write of the handlers but the ones left out, each with its reason', () => {
  expect(Object.keys(LEFT_OUT).filter((w) => WRITES.includes(w))).toEqual([]);
  expect([...WRITES, ...Object.keys(LEFT_OUT)].sort()).toEqual(handlerWrites());
});

test.each(WRITES)('one lost answer of %s: every event succeeds, every delete completes', async (write) => {
  const [service, operation] = write.split(' ');
  await expect(lifecycle(write)).resolves.toBeUndefined();
  // The lost answer happened where it was aimed: that service's operation answered 500 once,
  // a handler had made the call, and no other call was answered 500.
  const lost = api().calls.filter((c) => c.status === 500);
  expect(lost.map((c) => `${c.service} ${c.operation}`)).toEqual([write]);
  expect(lost[0]).toMatchObject({ service, operation, principal: expect.stringMatching(/:assumed-role\//) });
}, LIFECYCLE_TIMEOUT_MS);
