/**
 * The cut-waits sweep: the landing-zone example's whole lifecycle (deploy every stack, update every
 * stack, destroy every stack) with every handler function's timeout cut to `TIMEOUT_SECONDS` and
 * every asynchronous status of the services (a list activating or being deleted, a destination
 * being verified, a delegated administrator being enabled or disabled, a member being enabled, a
 * Malware Protection plan becoming ACTIVE) taking `SETTLE_MS`: longer than one invocation's work
 * time, shorter than each wait's own bound. Every long operation of the example therefore meets
 * the end of an invocation while it waits. For the lifecycle to pass:
 * - every event answers SUCCESS (no stack fails, so none rolls back);
 * - no invocation reaches the function's timeout (the handler continues or answers before it, so
 *   no work is abandoned, and nothing calls after an answer);
 * - every resource type that waits on a service continued at least once (the table printed at the
 *   end gives, per type and request, the events and the invocations they took);
 * - the services end exactly as the same lifecycle leaves them without the cut (the sweep runs it
 *   first): the cut changes how long events take, never what they do.
 *
 * Run by `npx projen test:sweep` in CI, not by `npx projen test`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LIFECYCLE_TIMEOUT_MS, servicesState, synthLandingZone, sweepFixture, SynthesizedLandingZone } from './landing-zone';
import { INITIAL, UPDATED } from '../../examples/landing-zone/app';
import { createOrganization } from '../../examples/landing-zone/organization';
import { CloudFormationReplay, ReplayEvent } from '../../replay/src';

/** The cut function timeout: 130 s, of which the handler keeps 80 s to clean up and answer, leaving 50 s of work. */
const TIMEOUT_SECONDS = 130;
/** How long every asynchronous status takes, on the emulator's clock: more than 50 s, less than the shortest wait's own bound (120 s). */
const SETTLE_MS = 90_000;

/** The resource types that wait on a service, each of which must have continued in the lifecycle. */
const WAITING_TYPES = [
  'Custom::GuardDutyOrganizationAdminAccount', 'Custom::DetectiveOrganizationAdminAccount',
  'Custom::GuardDutyIPSet', 'Custom::GuardDutyThreatIntelSet', 'Custom::GuardDutyTrustedEntitySet',
  'Custom::GuardDutyPublishingDestination',
  'Custom::GuardDutyMembers', 'Custom::GuardDutyMember', 'Custom::DetectiveMembers', 'Custom::DetectiveMember',
  // Not here: the Malware Protection plan's status (GuardDuty makes the example's plan ACTIVE at
  // once; a plan in WARNING across invocations is test/lambda/continuation.test.ts's), and the
  // invitations (they arrive within the list lag, not a settle time).
];

/** Cut the timeout of every handler function of the assembly. */
function cutTimeouts(assembly: SynthesizedLandingZone): number {
  let cut = 0;
  for (const file of fs.readdirSync(assembly.dir).filter((f) => f.endsWith('.template.json'))) {
    const full = path.join(assembly.dir, file);
    const template = JSON.parse(fs.readFileSync(full, 'utf-8'));
    for (const resource of Object.values<any>(template.Resources ?? {})) {
      if (resource.Type === 'AWS::Lambda::Function' && resource.Properties?.Handler === 'index.handler') {
        resource.Properties.Timeout = TIMEOUT_SECONDS;
        cut++;
      }
    }
    fs.writeFileSync(full, JSON.stringify(template));
  }
  return cut;
}

const initial = synthLandingZone(INITIAL, 'cut-waits');
const updated = synthLandingZone(UPDATED, 'cut-waits');
const uncut = [synthLandingZone(INITIAL, 'uncut'), synthLandingZone(UPDATED, 'uncut')];
const events: ReplayEvent[] = [];

function summary(): string {
  const rows = new Map<string, { events: number; continued: number; invocations: number }>();
  for (const e of events) {
    const key = `${e.resourceType} ${e.requestType}`;
    const row = rows.get(key) ?? { events: 0, continued: 0, invocations: 0 };
    row.events++;
    row.invocations += e.invocations;
    if (e.invocations > 1) row.continued++;
    rows.set(key, row);
  }
  const lines = [...rows].sort(([a], [b]) => a.localeCompare(b))
    .map(([key, r]) => `  ${key}: ${r.events} event(s), ${r.continued} continued, ${r.invocations} invocation(s)`);
  return `Cut-waits sweep (function timeout ${TIMEOUT_SECONDS} s, statuses settle in ${SETTLE_MS / 1000} s): ${events.length} events, `
    + `${events.filter((e) => e.invocations > 1).length} continued, ${events.filter((e) => e.timedOut).length} timed out\n${lines.join('\n')}\n`;
}

const api = sweepFixture([initial, updated, ...uncut], summary);

/** Deploy, update and destroy every stack; `onEvent` sees each event. Throws the first failure, with every failed event. */
async function lifecycle([first, second]: SynthesizedLandingZone[], settleMs: number, onEvent?: (e: ReplayEvent) => void): Promise<unknown> {
  api().reset();
  createOrganization(api());
  api().setSettleTime(settleMs);
  const seen: ReplayEvent[] = [];
  const replay = new CloudFormationReplay({ api: api(), onEvent: (e) => { seen.push(e); onEvent?.(e); } });
  try {
    for (const s of first.stacks) await replay.deploy(first.dir, s);
    for (const s of second.stacks) await replay.deploy(second.dir, s);
    for (const s of [...second.stacks].reverse()) await replay.destroy(second.dir, s);
  } catch (err) {
    // The failure, and every event that failed on the way (a rollback's included).
    throw new Error(`${String(err)}\n${seen.filter((e) => e.status !== 'SUCCESS').map((e) => `${e.logicalId} ${e.requestType}: ${e.reason}`).join('\n')}`);
  } finally {
    await replay.close();
  }
  return servicesState(api());
}

test('the cut applies to every stack\'s handler', () => {
  expect(cutTimeouts(initial)).toBeGreaterThanOrEqual(initial.stacks.length - 1);
  expect(cutTimeouts(updated)).toBeGreaterThanOrEqual(updated.stacks.length - 1);
});

test('every long wait of the example outlasts an invocation and continues: every event succeeds, none times out, the services end as without the cut', async () => {
  const expected = await lifecycle(uncut, 300);
  const after = await lifecycle([initial, updated], SETTLE_MS, (e) => events.push(e));
  expect(events.filter((e) => e.status !== 'SUCCESS').map((e) => `${e.logicalId} ${e.requestType}: ${e.reason}`)).toEqual([]);
  expect(events.filter((e) => e.timedOut).map((e) => `${e.logicalId} ${e.requestType}`)).toEqual([]);
  const continuedTypes = new Set(events.filter((e) => e.invocations > 1).map((e) => e.resourceType));
  expect(WAITING_TYPES.filter((t) => !continuedTypes.has(t))).toEqual([]);
  // Every continuation was an asynchronous Invoke the handler's own grant allowed.
  const invokes = api().callsOf('Invoke', undefined, 'lambda');
  expect(invokes.length).toBe(events.reduce((n, e) => n + e.invocations - 1, 0));
  expect(invokes.filter((c) => c.status !== 202)).toEqual([]);
  expect(after).toEqual(expected);
}, 2 * LIFECYCLE_TIMEOUT_MS);
