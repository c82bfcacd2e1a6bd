/**
 * `npx projen benchmark`: what a member set of N accounts costs, for N = 100, 1,000 and 10,000.
 *
 * For each way of writing it (this library's `MemberAccounts` reading an OU from AWS
 * Organizations, or listing the accounts; CloudFormation's `AWS::GuardDuty::Member` L1, one
 * resource per account) it prints synth time, template bytes, resources per stack, and, for the
 * library, the API calls of a create and of an update that swaps 10% of the accounts, measured by
 * running the handler against the local API. The L1's calls happen inside CloudFormation's own
 * handler and cannot be measured here: the figure printed for it is the lower bound its model
 * implies (one CreateMembers and one InviteMembers per resource created, a DisassociateMembers and a
 * DeleteMembers per resource removed). The measured N is rounded up to nine equal OUs.
 *
 * A benchmark, not a test: it prints figures and asserts nothing.
 */
import { performance } from 'node:perf_hooks';
import { App, Stack } from 'aws-cdk-lib';
import * as cfnguardduty from 'aws-cdk-lib/aws-guardduty';
import { dispatch } from '../lambda/dispatch';
import { aws_guardduty as guardduty, MemberAccountSource } from '../src';
import { GuardDutyMembersProperties, GuardDutyMembersResource } from '../src/private/resources/guardduty/members';
import { OrganizationAdminAccountResource } from '../src/private/resources/guardduty/organization-admin-account';
import { actAs, event, REGION, startLocalApi } from '../test/lambda/events';

const ADMIN = '111111111111';
const MANAGEMENT = '999999999999';
// 49,995: nine equal OUs of 5,555, inside GuardDuty's 50,000 members per administrator.
const SIZES = [100, 1_000, 10_000, 49_995];
/** The L1 and listed forms stop here: a listed source is capped by its template bytes, the L1 by stacks. */
const LISTED_MAX = 10_000;
/** The API latency the projection assumes, per call, one call at a time (the handler makes them in sequence). */
const CALL_MS = 100;
/** Lambda's limit on one invocation. */
const LAMBDA_MS = 900_000;
/** CloudFormation's limit on resources per stack. */
const MAX_RESOURCES = 500;

const accountId = (i: number) => String(600_000_000_000 + i);

interface SynthFigures {
  readonly ms: number;
  readonly bytes: number;
  readonly resources: number;
  readonly customResources: number;
}

function synth(build: (stack: Stack, detector: guardduty.Detector) => void): SynthFigures {
  const start = performance.now();
  const app = new App();
  const stack = new Stack(app, 'Administrator', { env: { account: ADMIN, region: REGION } });
  const detector = new guardduty.Detector(stack, 'Detector');
  build(stack, detector);
  const template = app.synth().getStackByName('Administrator').template;
  const ms = performance.now() - start;
  const types = Object.values<any>(template.Resources).map((r) => r.Type as string);
  return {
    ms,
    bytes: Buffer.byteLength(JSON.stringify(template)),
    resources: types.length,
    customResources: types.filter((t) => t.startsWith('Custom::')).length,
  };
}

/** The L1 form: one `AWS::GuardDuty::Member` per account, split into stacks of at most 500 resources. */
function synthL1(ids: string[]): { ms: number; bytes: number; resources: number; stacks: number } {
  const start = performance.now();
  const app = new App();
  const stacks: Stack[] = [];
  ids.forEach((id, i) => {
    if (i % MAX_RESOURCES === 0) stacks.push(new Stack(app, `Members${stacks.length}`, { env: { account: ADMIN, region: REGION } }));
    new cfnguardduty.CfnMember(stacks[stacks.length - 1], `Member${i}`, {
      detectorId: '12abc34d567e8fa901bc2d34e56789f0', memberId: id, email: `m${i}@example.com`, status: 'Invited',
    });
  });
  const assembly = app.synth();
  const bytes = stacks.reduce((sum, st) => sum + Buffer.byteLength(JSON.stringify(assembly.getStackByName(st.stackName).template)), 0);
  return { ms: performance.now() - start, bytes, resources: ids.length, stacks: stacks.length };
}

function row(cells: Array<string | number>): string {
  const widths = [28, 8, 10, 12, 12, 12, 22, 22];
  return cells.map((c, i) => String(c).padEnd(widths[i] ?? 12)).join(' ');
}

interface EventCost {
  readonly calls: number;
  /** CPU of the handler's work in this process (the local API runs in it too: an upper bound). */
  readonly cpuMs: number;
  /** Peak heap growth while the event ran. */
  readonly heapMb: number;
}

/** Run one event, counting its API calls, CPU and peak heap growth. */
async function measured(api: { calls: unknown[] }, run: () => Promise<unknown>): Promise<EventCost> {
  api.calls.length = 0;
  (global as any).gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let peak = heapBefore;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().heapUsed); }, 20);
  const cpu = process.cpuUsage();
  await run();
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  return { calls: api.calls.length, cpuMs: (used.user + used.system) / 1000, heapMb: (peak - heapBefore) / 2 ** 20 };
}

async function measureCalls(n: number): Promise<{ create: EventCost; update: EventCost; ops: string; updateOps: string }> {
  const api = await startLocalApi();
  try {
    api.setSettleTime(0);
    const root = api.organization.create(MANAGEMENT, 'management@example.com');
    api.organization.addAccount(ADMIN, 'security@example.com', root);
    const ous = Array.from({ length: 10 }, (_, i) => api.organization.addOrganizationalUnit(root, `ou-${i}`));
    // N accounts in the first nine OUs; a tenth OU of N/9 accounts to swap in on update.
    const perOu = Math.ceil(n / 9);
    for (let i = 0; i < perOu * 10; i++) api.organization.addAccount(accountId(i), `m${i}@example.com`, ous[Math.floor(i / perOu)]);

    actAs(api, MANAGEMENT);
    await dispatch(event('Create', OrganizationAdminAccountResource.type, { AdminAccountId: ADMIN }, { account: MANAGEMENT }));
    actAs(api, ADMIN);
    const detectorId = api.guardduty.detectors(ADMIN, REGION)[0].id;
    const props: GuardDutyMembersProperties = {
      DetectorId: detectorId,
      Organization: { ParentIds: ous.slice(0, 9) },
      Features: [{ Name: 'RDS_LOGIN_EVENTS', Status: 'ENABLED' }],
    };
    const opsOf = () => ['CreateMembers', 'UpdateMemberDetectors', 'DisassociateMembers', 'DeleteMembers', 'ListMembers', 'GetMembers',
      'ListAccountsForParent'].map((op) => `${op} ${api.callsOf(op).length}`).join(', ');
    let physicalResourceId = '';
    const create = await measured(api, async () => {
      physicalResourceId = (await dispatch(event('Create', GuardDutyMembersResource.type, props))).physicalResourceId;
    });
    const ops = opsOf();
    const next: GuardDutyMembersProperties = { ...props, Organization: { ParentIds: [...ous.slice(1, 9), ous[9]] } };
    const update = await measured(api, () => dispatch(event('Update', GuardDutyMembersResource.type, next, { physicalResourceId, oldProperties: props })));
    return { create, update, ops, updateOps: opsOf() };
  } finally {
    await api.stop();
  }
}

async function main(): Promise<void> {
  const log = console.log;
  // The handler logs a line per step; the benchmark prints only its table.
  console.log = () => undefined;
  const lines: string[] = [];
  lines.push(row(['form', 'N', 'synth ms', 'template KB', 'resources', 'custom res.', 'API calls create', 'API calls update (10%)']));
  for (const n of SIZES) {
    const ids = Array.from({ length: n }, (_, i) => accountId(i));
    const byOu = synth((stack, detector) => new guardduty.MemberAccounts(stack, 'Members', {
      detector, accounts: MemberAccountSource.fromOrganization({ parentIds: ['ou-ab12-workloads'] }),
    }));
    const calls = await measureCalls(n);
    lines.push(row(['MemberAccounts (by OU)', n, byOu.ms.toFixed(0), (byOu.bytes / 1024).toFixed(1), byOu.resources, byOu.customResources,
      calls.create.calls, calls.update.calls]));
    lines.push(`${' '.repeat(29)}create: ${calls.ops}`);
    lines.push(`${' '.repeat(29)}update: ${calls.updateOps}`);
    for (const [what, cost] of [['create', calls.create], ['update', calls.update]] as const) {
      const projected = cost.calls * CALL_MS + cost.cpuMs;
      lines.push(`${' '.repeat(29)}${what}: ${cost.cpuMs.toFixed(0)} ms CPU, +${cost.heapMb.toFixed(0)} MiB heap peak, `
        + `projected ${(projected / 1000).toFixed(0)} s at ${CALL_MS} ms a call = ${(100 * projected / LAMBDA_MS).toFixed(0)}% of Lambda's 15 minutes`);
    }
    if (n > LISTED_MAX) continue;

    const listed = synth((stack, detector) => new guardduty.MemberAccounts(stack, 'Members', {
      detector, accounts: MemberAccountSource.fromAccounts(ids.map((id) => ({ accountId: id }))),
    }));
    lines.push(row(['MemberAccounts (listed)', n, listed.ms.toFixed(0), (listed.bytes / 1024).toFixed(1), listed.resources,
      listed.customResources, 'as by OU', 'as by OU']));

    const l1 = synthL1(ids);
    lines.push(row([`CfnMember × N (L1)`, n, l1.ms.toFixed(0), (l1.bytes / 1024).toFixed(1),
      `${l1.resources} in ${l1.stacks} stack(s)`, 0, `≥ ${2 * n} (est.)`, `≥ ${Math.ceil(n / 10) * 4} (est.)`]));
  }
  console.log = log;
  console.log(lines.join('\n'));
  console.log('\nL1: invitation model only (no organization mode, no features); over 500 resources a stack cannot deploy, so the L1 '
    + 'form needs one stack per 500 accounts. Library: one resource for any N; by OU the template does not grow with N.');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
