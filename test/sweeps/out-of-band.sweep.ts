/**
 * The out-of-band sweep: the landing-zone example deployed, then one of its resources removed or
 * reset outside CloudFormation (through the service's API, as the account that would do it), then
 * the update deployed and everything destroyed. For each of the 22 cases, every update either
 * recovers (the handler re-creates or re-applies what is gone) or fails fast (after waiting less
 * than a minute on the emulator's clock)
 * with the reason, its rollback succeeds (never UPDATE_ROLLBACK_FAILED), and every delete
 * succeeds (never DELETE_FAILED). The outcome of each case is printed.
 *
 * Run by `npx projen test:sweep` in CI, not by `npx projen test`.
 */
import {
  DeleteGraphCommand,
  DeleteMembersCommand as DeleteGraphMembersCommand,
  DetectiveClient,
  DisableOrganizationAdminAccountCommand as DisableDetectiveAdministratorCommand,
  DisassociateMembershipCommand,
  UpdateOrganizationConfigurationCommand as UpdateGraphOrganizationConfigurationCommand,
} from '@aws-sdk/client-detective';
import {
  DeleteDetectorCommand,
  DeleteFilterCommand,
  DeleteIPSetCommand,
  DeleteMembersCommand,
  DeletePublishingDestinationCommand,
  DeleteThreatIntelSetCommand,
  DeleteTrustedEntitySetCommand,
  DisableOrganizationAdminAccountCommand,
  DisassociateFromAdministratorAccountCommand,
  DisassociateMembersCommand,
  GuardDutyClient,
  UpdateMalwareScanSettingsCommand,
  UpdateOrganizationConfigurationCommand,
} from '@aws-sdk/client-guardduty';
import { LIFECYCLE_TIMEOUT_MS, synthLandingZone, sweepFixture } from './landing-zone';
import {
  INITIAL, MANAGEMENT_ACCOUNT, REGION, SECURITY_ACCOUNT, UPDATED, VENDED_ACCOUNT, WORKLOAD_ACCOUNT,
} from '../../examples/landing-zone/app';
import { createOrganization } from '../../examples/landing-zone/organization';
import { CloudFormationReplay, DeploymentFailed } from '../../replay/src';

const initial = synthLandingZone(INITIAL, 'out-of-band');
const updated = synthLandingZone(UPDATED, 'out-of-band');
const outcomes: string[] = [];
const api = sweepFixture([initial, updated], () => `Out-of-band sweep (${outcomes.length} cases):\n${outcomes.map((o) => `  ${o}`).join('\n')}\n`);

const guardDuty = (account: string) => new GuardDutyClient({ region: REGION, endpoint: api().url, credentials: api().credentialsFor(account) });
const detective = (account: string) => new DetectiveClient({ region: REGION, endpoint: api().url, credentials: api().credentialsFor(account) });
const detectorOf = (account: string) => api().guardduty.detectors(account, REGION)[0];
const graphArn = () => api().detective.graph(SECURITY_ACCOUNT, REGION)!.arn;

/** Each case: what is removed or reset outside CloudFormation, as the account that would do it. */
const CASES: Array<[string, () => Promise<unknown>]> = [
  ['the security account\'s detector deleted', () => guardDuty(SECURITY_ACCOUNT).send(new DeleteDetectorCommand({ DetectorId: detectorOf(SECURITY_ACCOUNT).id }))],
  ['the management account\'s detector deleted', () => guardDuty(MANAGEMENT_ACCOUNT).send(new DeleteDetectorCommand({ DetectorId: detectorOf(MANAGEMENT_ACCOUNT).id }))],
  ['the vended account left its administrator, then deleted its detector', async () => {
    await guardDuty(VENDED_ACCOUNT).send(new DisassociateFromAdministratorAccountCommand({ DetectorId: detectorOf(VENDED_ACCOUNT).id }));
    await guardDuty(VENDED_ACCOUNT).send(new DeleteDetectorCommand({ DetectorId: detectorOf(VENDED_ACCOUNT).id }));
  }],
  ['the low-severity archive filter deleted', () => guardDuty(SECURITY_ACCOUNT).send(new DeleteFilterCommand({ DetectorId: detectorOf(SECURITY_ACCOUNT).id, FilterName: 'archive-low-severity' }))],
  ['the port-scan archive filter deleted', () => guardDuty(SECURITY_ACCOUNT).send(new DeleteFilterCommand({ DetectorId: detectorOf(SECURITY_ACCOUNT).id, FilterName: 'archive-scanner-portscans' }))],
  ['the trusted IP set deleted', () => guardDuty(SECURITY_ACCOUNT).send(new DeleteIPSetCommand({ DetectorId: detectorOf(SECURITY_ACCOUNT).id, IpSetId: [...detectorOf(SECURITY_ACCOUNT).ipSets.keys()][0] }))],
  ['the threat intel set deleted', () => guardDuty(SECURITY_ACCOUNT).send(new DeleteThreatIntelSetCommand({ DetectorId: detectorOf(SECURITY_ACCOUNT).id, ThreatIntelSetId: [...detectorOf(SECURITY_ACCOUNT).threatIntelSets.keys()][0] }))],
  ['the malware scan settings reset', () => guardDuty(SECURITY_ACCOUNT).send(new UpdateMalwareScanSettingsCommand({
    DetectorId: detectorOf(SECURITY_ACCOUNT).id, EbsSnapshotPreservation: 'NO_RETENTION', ScanResourceCriteria: { Include: {}, Exclude: {} },
  }))],
  ['the trusted entity set deleted', () => guardDuty(SECURITY_ACCOUNT).send(new DeleteTrustedEntitySetCommand({ DetectorId: detectorOf(SECURITY_ACCOUNT).id, TrustedEntitySetId: [...detectorOf(SECURITY_ACCOUNT).trustedEntitySets.keys()][0] }))],
  ['the findings export deleted', () => guardDuty(SECURITY_ACCOUNT).send(new DeletePublishingDestinationCommand({ DetectorId: detectorOf(SECURITY_ACCOUNT).id, DestinationId: [...detectorOf(SECURITY_ACCOUNT).destinations.keys()][0] }))],
  ['GuardDuty\'s delegated administrator disabled', () => guardDuty(MANAGEMENT_ACCOUNT).send(new DisableOrganizationAdminAccountCommand({ AdminAccountId: SECURITY_ACCOUNT }))],
  ['GuardDuty\'s organization auto-enable turned off', () => guardDuty(SECURITY_ACCOUNT).send(new UpdateOrganizationConfigurationCommand({ DetectorId: detectorOf(SECURITY_ACCOUNT).id, AutoEnableOrganizationMembers: 'NONE' }))],
  ['the workload member removed by the administrator', async () => {
    const members = { DetectorId: detectorOf(SECURITY_ACCOUNT).id, AccountIds: [WORKLOAD_ACCOUNT] };
    await guardDuty(SECURITY_ACCOUNT).send(new DisassociateMembersCommand(members));
    await guardDuty(SECURITY_ACCOUNT).send(new DeleteMembersCommand(members));
  }],
  ['the vended member removed by the administrator', async () => {
    const members = { DetectorId: detectorOf(SECURITY_ACCOUNT).id, AccountIds: [VENDED_ACCOUNT] };
    await guardDuty(SECURITY_ACCOUNT).send(new DisassociateMembersCommand(members));
    await guardDuty(SECURITY_ACCOUNT).send(new DeleteMembersCommand(members));
  }],
  ['the vended account left its GuardDuty administrator', () => guardDuty(VENDED_ACCOUNT).send(new DisassociateFromAdministratorAccountCommand({ DetectorId: detectorOf(VENDED_ACCOUNT).id }))],
  ['the behavior graph deleted', () => detective(SECURITY_ACCOUNT).send(new DeleteGraphCommand({ GraphArn: graphArn() }))],
  ['Detective\'s delegated administrator disabled', () => detective(MANAGEMENT_ACCOUNT).send(new DisableDetectiveAdministratorCommand({}))],
  ['Detective\'s organization auto-enable turned off', () => detective(SECURITY_ACCOUNT).send(new UpdateGraphOrganizationConfigurationCommand({ GraphArn: graphArn(), AutoEnable: false }))],
  ['the workload graph member removed by the administrator', () => detective(SECURITY_ACCOUNT).send(new DeleteGraphMembersCommand({ GraphArn: graphArn(), AccountIds: [WORKLOAD_ACCOUNT] }))],
  ['the vended graph member removed by the administrator', () => detective(SECURITY_ACCOUNT).send(new DeleteGraphMembersCommand({ GraphArn: graphArn(), AccountIds: [VENDED_ACCOUNT] }))],
  ['the vended account left the behavior graph', () => detective(VENDED_ACCOUNT).send(new DisassociateMembershipCommand({ GraphArn: graphArn() }))],
  ['the vended account deleted both its memberships', async () => {
    await guardDuty(VENDED_ACCOUNT).send(new DisassociateFromAdministratorAccountCommand({ DetectorId: detectorOf(VENDED_ACCOUNT).id }));
    await detective(VENDED_ACCOUNT).send(new DisassociateMembershipCommand({ GraphArn: graphArn() }));
  }],
];

/**
 * A failed update must be reported after waiting less than this on the emulator's clock (no long
 * wait for what will not come back). Emulator time, not wall time: the same on any machine.
 */
const FAIL_FAST_MS = 60_000;

test.each(CASES)('%s: updates recover or fail fast, rollbacks and deletes succeed', async (name, removeOutOfBand) => {
  api().reset();
  createOrganization(api());
  const replay = new CloudFormationReplay({ api: api() });
  const failures: DeploymentFailed[] = [];
  try {
    for (const s of initial.stacks) await replay.deploy(initial.dir, s);
    await removeOutOfBand();
    const updateEvents = replay.events.length;
    for (const s of updated.stacks) {
      await replay.deploy(updated.dir, s).catch((err: unknown) => {
        if (!(err instanceof DeploymentFailed)) throw err;
        failures.push(err);
      });
    }
    // Every stack that did not update rolled back cleanly, and quickly, with a reason.
    expect(failures.filter((f) => f.status !== 'UPDATE_ROLLBACK_COMPLETE').map((f) => f.message)).toEqual([]);
    const failed = replay.events.slice(updateEvents).filter((e) => e.status === 'FAILED');
    expect(failed.filter((e) => e.waitedMs >= FAIL_FAST_MS).map((e) => `${e.logicalId} waited ${e.waitedMs} ms: ${e.reason}`)).toEqual([]);
    // And everything is deleted (a failed delete rejects here).
    for (const s of [...updated.stacks].reverse()) await replay.destroy(updated.dir, s);
    outcomes.push(failures.length === 0 ? `${name}: recovered` : `${name}: failed fast (${failures.map((f) => f.reason).join('; ')})`);
  } finally {
    await replay.close();
  }
}, LIFECYCLE_TIMEOUT_MS);
