/**
 * `npx projen benchmark` (members): what N member accounts cost in each form a landing zone can
 * write, like for like.
 *
 * Forms: this library's `MemberAccounts` reading OUs from AWS Organizations ("by OU"), or listing
 * the account ids ("listed"); one `MemberAccount` per account ("one per account"); and
 * CloudFormation's `AWS::GuardDuty::Member` L1, one resource per account. N = 100, 1,000, 10,000,
 * and 49,995 (nine OUs of 5,555, inside GuardDuty's 50,000 members) for the by-OU set.
 *
 * - Synth: each case in a fresh process (benchmarks/members-synth.ts), timed after module loading.
 * - API calls: counted from the local API's log. The set forms run the bundled handler in a fresh
 *   process per event (benchmarks/handler-process.js), which also reports its CPU and peak resident
 *   memory against the function's 256 MB; a create, then an update that swaps 10% of the accounts.
 *   One per account: the per-event calls measured at 100 and 1,000 accounts (events run one after
 *   another: the library chains a detector's member writes); 10,000 is that figure × N. The L1's
 *   calls happen inside CloudFormation and cannot be measured: its row prints the lower bound its
 *   model implies (CreateMembers and InviteMembers per account created; Disassociate and Delete per
 *   account removed).
 * - Projected time: calls × 100 ms (one at a time, as the handler makes them) + the handler's CPU,
 *   against Lambda's 15 minutes.
 *
 * The handler runs as the replay runs it: its stack and resource shown by the local API's
 * CloudFormation (the handler confirms each event with DescribeStackResource before acting, and
 * those calls are counted apart), its `STACK_ID` set as the provider sets it.
 *
 * A benchmark, not a test: it prints figures. It checks its own answers, and fails (exit 1) when an
 * event is refused or answered other than SUCCESS, or makes no call: a figure of no work is no figure.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { dispatch } from '../lambda/dispatch';
import { GuardDutyMemberResource, GuardDutyMembersProperties, GuardDutyMembersResource } from '../src/private/resources/guardduty/members';
import { OrganizationAdminAccountResource } from '../src/private/resources/guardduty/organization-admin-account';
import { STACK_ID_VARIABLE } from '../lambda/shared/event-verification';
import { actAs, event, REGION, STACK_ID, startLocalApi } from '../test/lambda/events';
import { LocalApi } from '../replay/src';

const ADMIN = '111111111111';
const MANAGEMENT = '999999999999';
const SIZES = [100, 1_000, 10_000, 49_995];
/** Largest N for the listed and per-account forms: a listed set is capped by template bytes, the others by stacks and time. */
const SMALL_MAX = 10_000;
/** The API latency the projection assumes, per call. */
const CALL_MS = 100;
/** Lambda's limit on one invocation, and the handler's memory. */
const LAMBDA_MS = 900_000;
const FUNCTION_MB = 256;
const ROOT = path.join(__dirname, '..');
const BUNDLE = path.join(ROOT, 'assets', 'handler', 'index.js');

const accountId = (i: number) => String(600_000_000_000 + i);

interface Synth { readonly ms: number; readonly bytes: number; readonly resources: number; readonly customResources: number; readonly stacks: number }
interface Cost {
  /** GuardDuty and Organizations calls. */
  readonly calls: number;
  /** CloudFormation calls confirming the event. */
  readonly confirmations: number;
  readonly cpuMs: number;
  readonly maxRssMb: number;
  readonly ops: string;
}

function synth(form: string, n: number): Synth {
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'members-synth.ts'), form, String(n)],
    { cwd: ROOT, env: { ...process.env, TS_NODE_PROJECT: 'test/tsconfig.json', NODE_NO_WARNINGS: '1' }, maxBuffer: 1 << 24 });
  return JSON.parse(String(out).trim().split('\n').pop()!);
}

/** An HTTP endpoint for the handler's answers (allowed by the handler's test-only origin setting), keeping each answer's body. */
function answers(): Promise<{ origin: string; close: () => void; received: Array<{ Status?: string; Reason?: string }> }> {
  const received: Array<{ Status?: string; Reason?: string }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => { received.push(JSON.parse(body)); res.writeHead(200); res.end(); });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    origin: `http://127.0.0.1:${(server.address() as { port: number }).port}`, close: () => server.close(), received,
  })));
}

const OPS = ['CreateMembers', 'UpdateMemberDetectors', 'DisassociateMembers', 'DeleteMembers', 'ListMembers', 'GetMembers', 'ListAccounts',
  'ListAccountsForParent'];

const caseFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'members-bench-')), 'case.json');

/**
 * Run one event in a fresh handler process, shown by CloudFormation as in progress, as the replay
 * runs it; its calls, CPU and peak memory. Throws unless the event was answered SUCCESS after calls.
 */
async function inProcess(api: LocalApi, endpoint: Awaited<ReturnType<typeof answers>>, e: ReturnType<typeof event>): Promise<Cost> {
  const origin = endpoint.origin;
  api.calls.length = 0;
  const verb = e.RequestType === 'Create' ? 'CREATE' : e.RequestType === 'Update' ? 'UPDATE' : 'DELETE';
  api.cloudformation.setStack(STACK_ID, `${verb === 'CREATE' ? 'CREATE' : 'UPDATE'}_IN_PROGRESS`);
  api.cloudformation.setResource(STACK_ID, e.LogicalResourceId, { type: e.ResourceType, physicalId: e.PhysicalResourceId, status: `${verb}_IN_PROGRESS` });
  const answered = endpoint.received.length;
  const env = {
    PATH: process.env.PATH ?? '', NODE_NO_WARNINGS: '1', AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
    ...api.environmentFor(ADMIN, REGION), CDK_THREAT_DETECTION_TEST_RESPONSE_ORIGIN: origin,
    // The function's own stack, as the provider sets it from AWS::StackId.
    [STACK_ID_VARIABLE]: STACK_ID,
    HANDLER_PROCESS_CASE_FILE: caseFile,
  };
  fs.writeFileSync(caseFile, JSON.stringify({ file: BUNDLE, event: { ...e, ResponseURL: `${origin}/answer` } }));
  const result = await new Promise<{ cpuMs: number; maxRssMb: number }>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'handler-process.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) reject(new Error(`handler exited ${code}: ${out.slice(-2000)}`));
      else resolve(JSON.parse(last));
    });
  });
  const got = endpoint.received.slice(answered);
  const label = `${e.RequestType} ${e.ResourceType} ${e.LogicalResourceId}`;
  if (got.length !== 1) throw new Error(`${label}: ${got.length} answers (the event was refused or never answered)`);
  if (got[0].Status !== 'SUCCESS') throw new Error(`${label}: answered ${got[0].Status}: ${got[0].Reason}`);
  const failed = api.calls.filter((c) => c.status >= 400 && c.operation !== 'CreateDetector');
  if (failed.length > 0) throw new Error(`${label}: ${failed.length} calls failed, e.g. ${failed[0].operation}`);
  const confirmations = api.calls.filter((c) => c.service === 'cloudformation').length;
  const calls = api.calls.length - confirmations;
  if (confirmations === 0) throw new Error(`${label}: the handler acted without confirming the event with CloudFormation`);
  if (calls === 0) throw new Error(`${label}: answered SUCCESS without a GuardDuty or Organizations call`);
  return { calls, confirmations, ...result, ops: OPS.map((op) => `${op} ${api.callsOf(op).length}`).filter((s) => !s.endsWith(' 0')).join(', ') };
}

/** An organization of nine OUs of N/9 accounts, and a tenth OU to swap in; ADMIN its delegated administrator. */
async function organization(api: LocalApi, n: number): Promise<{ ous: string[]; detectorId: string }> {
  silence(true);
  api.reset();
  api.setSettleTime(0);
  const root = api.organization.create(MANAGEMENT, 'management@example.com');
  api.organization.addAccount(ADMIN, 'security@example.com', root);
  const ous = Array.from({ length: 10 }, (_, i) => api.organization.addOrganizationalUnit(root, `ou-${i}`));
  const perOu = Math.ceil(n / 9);
  for (let i = 0; i < perOu * 10; i++) api.organization.addAccount(accountId(i), `m${i}@example.com`, ous[Math.floor(i / perOu)]);
  actAs(api, MANAGEMENT);
  await dispatch(event('Create', OrganizationAdminAccountResource.type, { AdminAccountId: ADMIN }, { account: MANAGEMENT }));
  actAs(api, ADMIN);
  silence(false);
  return { ous, detectorId: api.guardduty.detectors(ADMIN, REGION)[0].id };
}

/** A set form: create, then swap 10% of the accounts. */
async function setCosts(api: LocalApi, endpoint: Awaited<ReturnType<typeof answers>>, n: number, listed: boolean): Promise<{ create: Cost; update: Cost }> {
  const { ous, detectorId } = await organization(api, n);
  const perOu = Math.ceil(n / 9);
  const accounts = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ AccountId: accountId(from + i) }));
  const props: GuardDutyMembersProperties = {
    DetectorId: detectorId, Features: [{ Name: 'RDS_LOGIN_EVENTS', Status: 'ENABLED' }],
    ...(listed ? { Accounts: accounts(0, perOu * 9) } : { Organization: { ParentIds: ous.slice(0, 9) } }),
  };
  const next: GuardDutyMembersProperties = {
    ...props, ...(listed ? { Accounts: accounts(perOu, perOu * 10) } : { Organization: { ParentIds: ous.slice(1, 10) } }),
  };
  const created = event('Create', GuardDutyMembersResource.type, props, { logicalId: 'Members' });
  const create = await inProcess(api, endpoint, created);
  const physicalResourceId = `${detectorId}:members:Members`;
  const update = await inProcess(api, endpoint, event('Update', GuardDutyMembersResource.type, next,
    { logicalId: 'Members', physicalResourceId, oldProperties: props }));
  return { create, update };
}

/** One member per account: the calls of each create event, in process (the same handler code). */
async function perAccountCalls(api: LocalApi, n: number): Promise<number> {
  const { detectorId } = await organization(api, n);
  silence(true);  // the handler logs a line per step
  api.calls.length = 0;
  for (let i = 0; i < n; i++) {
    // dispatch throws when the event fails: only answered events are counted.
    await dispatch(event('Create', GuardDutyMemberResource.type, { DetectorId: detectorId, AccountId: accountId(i) }, { logicalId: `Member${i}` }));
  }
  silence(false);
  if (api.callsOf('CreateMembers').length === 0) throw new Error(`${n} MemberAccount creates made no CreateMembers call`);
  return api.calls.length;
}

const log = console.log;
function silence(on: boolean): void {
  console.log = on ? () => undefined : log;
}

function row(cells: Array<string | number>): string {
  const widths = [24, 7, 9, 12, 22, 11, 13];
  return cells.map((c, i) => String(c).padEnd(widths[i] ?? 12)).join(' ');
}

const projected = (c: Cost) => (c.calls + c.confirmations) * CALL_MS + c.cpuMs;
const budget = (c: Cost) => `${c.calls} calls (+${c.confirmations} CloudFormation), ${c.cpuMs.toFixed(0)} ms CPU, peak ${c.maxRssMb.toFixed(0)} of ${FUNCTION_MB} MB, `
  + `projected ${(projected(c) / 1000).toFixed(0)} s = ${(100 * projected(c) / LAMBDA_MS).toFixed(0)}% of 15 min`;

async function main(): Promise<void> {
  const api = await startLocalApi();
  const endpoint = await answers();
  try {
    log(row(['form', 'N', 'synth ms', 'template KB', 'resources (stacks)', 'calls/acct', 'calls/acct upd']));
    for (const n of SIZES) {
      const byOu = synth('by-ou', n);
      const ou = await setCosts(api, endpoint, n, false);
      log(row(['MemberAccounts (by OU)', n, byOu.ms.toFixed(0), (byOu.bytes / 1024).toFixed(1), `${byOu.resources} (${byOu.stacks})`,
        (ou.create.calls / n).toFixed(2), (ou.update.calls / (n / 10)).toFixed(2)]));
      log(`${' '.repeat(25)}create: ${budget(ou.create)}\n${' '.repeat(33)}${ou.create.ops}`);
      log(`${' '.repeat(25)}update: ${budget(ou.update)}\n${' '.repeat(33)}${ou.update.ops}`);
      if (n > SMALL_MAX) continue;

      const listed = synth('listed', n);
      const list = await setCosts(api, endpoint, n, true);
      log(row(['MemberAccounts (listed)', n, listed.ms.toFixed(0), (listed.bytes / 1024).toFixed(1), `${listed.resources} (${listed.stacks})`,
        (list.create.calls / n).toFixed(2), (list.update.calls / (n / 10)).toFixed(2)]));
      log(`${' '.repeat(25)}create: ${budget(list.create)}\n${' '.repeat(25)}update: ${budget(list.update)}`);

      const one = synth('one-per-account', n);
      const measuredAt = Math.min(n, 1_000);
      const perEvent = (await perAccountCalls(api, measuredAt)) / measuredAt;
      log(row(['MemberAccount × N', n, one.ms.toFixed(0), (one.bytes / 1024).toFixed(1), `${one.resources} (${one.stacks})`,
        perEvent.toFixed(2), 'replace: 2 events']));
      log(`${' '.repeat(25)}${n} chained events of ${perEvent.toFixed(1)} calls${n > measuredAt ? ' (measured per account at 1,000)' : ''}: `
        + `projected ${(n * perEvent * CALL_MS / 1000).toFixed(0)} s in all, one event at a time`);

      const l1 = synth('l1', n);
      log(row(['CfnMember × N (L1)', n, l1.ms.toFixed(0), (l1.bytes / 1024).toFixed(1), `${l1.resources} (${l1.stacks})`, '≥ 2 (est.)',
        '≥ 4 (est.)']));
    }
  } finally {
    endpoint.close();
    await api.stop();
  }
  log('\nRatios are per account: calls per account created; for the update, per account swapped. The L1 is invitation-only (no '
    + 'organization mode, no features) and needs one stack per 500 accounts; the by-OU template does not grow with N.');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
