/**
 * `npx projen benchmark` (continuation): a 49,995-account member set created, updated (10% of the
 * accounts swapped) and deleted with every call taking 300 ms on the emulator's clock, through the
 * real handler entry point in process, each event run as Lambda runs it: its invocation (900 s, the
 * handler's timeout), then each continuation it queued with Lambda, until one answers. Prints, per
 * event, the answer, the invocations, the emulator's seconds against CloudFormation's one-hour
 * ServiceTimeout, the calls, and the machine's CPU time.
 *
 * The source is nine OUs of AWS Organizations (5,555 accounts each), the form a set of this size
 * takes (an explicit list this long exceeds what a template and an event can carry), and the one
 * that costs most: the handler reads it again in every invocation (ListAccountsForParent pages hold
 * 20 accounts: 2,500 pages, four OUs at a time).
 *
 * A benchmark, not a test: it prints figures, and fails (exit 1) only when an event is never answered.
 */
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { dispatch } from '../lambda/dispatch';
import { handler } from '../lambda/index';
import { CustomResourceEvent } from '../lambda/shared/custom-resource';
import { STACK_ID_VARIABLE } from '../lambda/shared/event-verification';
import { responseObjectKey, TEST_RESPONSE_ORIGIN_VARIABLE } from '../lambda/shared/response-url';
import { emulatorClock, LocalApi } from '../replay/src';
import { GuardDutyMembersProperties, GuardDutyMembersResource } from '../src/private/resources/guardduty/members';
import { OrganizationAdminAccountResource } from '../src/private/resources/guardduty/organization-admin-account';
import { actAs, event, REGION, STACK_ID, startLocalApi } from '../test/lambda/events';

const ADMIN = '111111111111';
const MANAGEMENT = '999999999999';
const N = Number(process.env.CONTINUATION_ACCOUNTS ?? 49_995);
const CALL_MS = 300;
const TIMEOUT_MS = 900_000;
const SERVICE_TIMEOUT_S = 3_600;
const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ADMIN}:function:handler`;
const accountId = (i: number) => String(600_000_000_000 + i);

let responses: any[] = [];

async function responder(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      responses.push(JSON.parse(body));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

function quiet<T>(work: () => Promise<T>): Promise<T> {
  const log = console.log;
  const error = console.error;
  console.log = () => undefined;
  console.error = () => undefined;
  return work().finally(() => {
    console.log = log;
    console.error = error;
  });
}

async function organization(api: LocalApi): Promise<{ ous: string[]; detectorId: string }> {
  api.reset();
  api.setSettleTime(0);
  const root = api.organization.create(MANAGEMENT, 'management@example.com');
  api.organization.addAccount(ADMIN, 'security@example.com', root);
  const ous = Array.from({ length: 10 }, (_, i) => api.organization.addOrganizationalUnit(root, `ou-${i}`));
  const perOu = Math.ceil(N / 9);
  for (let i = 0; i < perOu * 10; i++) api.organization.addAccount(accountId(i), `m${i}@example.com`, ous[Math.floor(i / perOu)]);
  actAs(api, MANAGEMENT);
  await quiet(() => dispatch(event('Create', OrganizationAdminAccountResource.type, { AdminAccountId: ADMIN }, { account: MANAGEMENT })));
  actAs(api, ADMIN);
  api.lambda.registerFunction(FUNCTION_ARN);
  return { ous, detectorId: api.guardduty.detectors(ADMIN, REGION)[0].id };
}

interface Run {
  readonly status: string; readonly reason?: string; readonly invocations: number; readonly seconds: number;
  readonly calls: number; readonly cpuMs: number; readonly ops: string;
}

/** One event as Lambda runs it: the invocation, then each continuation it queued, until one answers. */
async function run(api: LocalApi, port: number, e: CustomResourceEvent<unknown>): Promise<Run> {
  const status = { Create: 'CREATE_IN_PROGRESS', Update: 'UPDATE_IN_PROGRESS', Delete: 'DELETE_IN_PROGRESS' }[e.RequestType];
  api.cloudformation.setStack(e.StackId, 'UPDATE_IN_PROGRESS');
  api.cloudformation.setResource(e.StackId, e.LogicalResourceId, { type: e.ResourceType, physicalId: e.PhysicalResourceId, status });
  const sent = { ...e, ResponseURL: `http://127.0.0.1:${port}/${encodeURIComponent(responseObjectKey(e)).replace(/%2F/g, '/')}?X-Amz-Signature=x` };
  responses = [];
  const calls = api.calls.length;
  const started = emulatorClock.now();
  const cpu = process.cpuUsage();
  let payload: Record<string, unknown> | undefined = sent as unknown as Record<string, unknown>;
  let invocations = 0;
  while (payload && responses.length === 0) {
    invocations++;
    const deadline = emulatorClock.now() + TIMEOUT_MS;
    const context = { getRemainingTimeInMillis: () => Math.max(deadline - emulatorClock.now(), 0), invokedFunctionArn: FUNCTION_ARN };
    const current: Record<string, unknown> = payload;
    await quiet(() => handler(current as unknown as CustomResourceEvent<unknown>, context));
    payload = api.lambda.take(FUNCTION_ARN)?.payload;
  }
  const used = process.cpuUsage(cpu);
  if (responses.length === 0) throw new Error(`${e.RequestType}: never answered`);
  api.cloudformation.setResource(e.StackId, e.LogicalResourceId, {
    type: e.ResourceType, physicalId: responses[0].PhysicalResourceId, status: `${e.RequestType.toUpperCase()}_COMPLETE`,
  });
  const byOp = new Map<string, number>();
  for (const c of api.calls.slice(calls)) byOp.set(c.operation, (byOp.get(c.operation) ?? 0) + 1);
  return {
    ops: [...byOp].sort((a, b) => b[1] - a[1]).map(([op, n]) => `${op} ${n}`).join(', '),
    status: responses[0].Status, reason: responses[0].Reason, invocations,
    seconds: Math.round((emulatorClock.now() - started) / 1000), calls: api.calls.length - calls, cpuMs: Math.round((used.user + used.system) / 1000),
  };
}

async function main(): Promise<void> {
  const api = await startLocalApi();
  const server = await responder();
  process.env[TEST_RESPONSE_ORIGIN_VARIABLE] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env[STACK_ID_VARIABLE] = STACK_ID;
  const port = (server.address() as AddressInfo).port;
  const perOu = Math.ceil(N / 9);
  console.log(`Continuation: ${N.toLocaleString('en-US')} accounts, ${CALL_MS} ms a call, ${TIMEOUT_MS / 1000} s invocations, `
    + `ServiceTimeout ${SERVICE_TIMEOUT_S} s`);
  for (const listed of [false]) {
    const { ous, detectorId } = await organization(api);
    api.setCallLatency(CALL_MS);
    const accounts = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ AccountId: accountId(from + i), Email: `m${from + i}@example.com` }));
    const props: GuardDutyMembersProperties = listed
      ? { DetectorId: detectorId, Accounts: accounts(0, perOu * 9) } : { DetectorId: detectorId, Organization: { ParentIds: ous.slice(0, 9) } };
    const next: GuardDutyMembersProperties = listed
      ? { DetectorId: detectorId, Accounts: accounts(perOu, perOu * 10) } : { DetectorId: detectorId, Organization: { ParentIds: ous.slice(1, 10) } };
    const physicalResourceId = `${detectorId}:members:Members`;
    const phases: Array<[string, CustomResourceEvent<unknown>]> = [
      ['create', event('Create', GuardDutyMembersResource.type, props, { logicalId: 'Members' })],
      ['update (10%)', event('Update', GuardDutyMembersResource.type, next, { logicalId: 'Members', physicalResourceId, oldProperties: props })],
      ['delete', event('Delete', GuardDutyMembersResource.type, next, { logicalId: 'Members', physicalResourceId })],
    ];
    for (const [name, e] of phases) {
      const r = await run(api, port, e);
      const within = r.seconds <= SERVICE_TIMEOUT_S ? 'inside' : 'past';
      console.log(`  ${listed ? 'listed' : 'by OU '} ${name.padEnd(12)} ${r.status.padEnd(7)} ${r.invocations} invocation(s), ${r.seconds} s `
        + `(${within} ServiceTimeout), ${r.calls.toLocaleString('en-US')} calls, CPU ${r.cpuMs} ms${r.reason ? `: ${r.reason.slice(0, 160)}` : ''}`);
      console.log(`      ${r.ops}`);
      if (r.status !== 'SUCCESS') break;
    }
    api.setCallLatency(0);
  }
  server.close();
  await api.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
