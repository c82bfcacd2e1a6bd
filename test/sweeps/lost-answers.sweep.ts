/**
 * The lost-answer sweep: the landing-zone example's whole lifecycle (deploy every stack, update
 * every stack, destroy every stack), once per write operation the example makes, with that
 * operation's first call taking effect and answering 500 (the answer lost, as happens in AWS; the
 * SDK retries it). Every event must succeed without a user's retry and every delete must complete.
 *
 * Slow (about 15 s a write on 2 cores): run by `npx projen test:sweep` in CI, not by `npx projen test`.
 */
import { synthLandingZone, sweepFixture } from './landing-zone';
import { INITIAL, UPDATED } from '../../examples/landing-zone/app';
import { createOrganization } from '../../examples/landing-zone/organization';
import { CloudFormationReplay } from '../replay/replay';

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
];
const READ = /^(Get|List|Describe)/;

const initial = synthLandingZone(INITIAL, 'sweep');
const updated = synthLandingZone(UPDATED, 'sweep');
const api = sweepFixture([initial, updated], () => '');

/** Deploy, update and destroy every stack; throws the first failure (no retry). */
async function lifecycle(fault?: string): Promise<void> {
  api().reset();
  createOrganization(api());
  if (fault) api().injectFault({ kind: 'internal-error-after-commit', operation: fault, times: 1 });
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
}, 120_000);

test.each(WRITES)('one lost answer of %s: every event succeeds, every delete completes', async (write) => {
  const operation = write.split(' ')[1];
  await expect(lifecycle(operation)).resolves.toBeUndefined();
  // The lost answer happened: the operation's first call (in whichever service called it first) answered 500.
  expect(api().calls.filter((c) => c.operation === operation && c.status === 500)).toHaveLength(1);
}, 120_000);
