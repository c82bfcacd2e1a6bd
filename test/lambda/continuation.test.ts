/**
 * Work longer than one invocation (lambda/shared/continuation.ts): a member set whose create,
 * update or delete runs out of one invocation's time continues in new invocations of the function
 * (asynchronous Lambda invocations, through the real SDK against the local API), each confirmed
 * with CloudFormation again and re-reading the members, until it answers; every call takes its
 * time on the emulator's clock (`setCallLatency`), so the invocations end as they would in Lambda.
 */
import { CreateMalwareProtectionPlanCommand, GuardDutyClient } from '@aws-sdk/client-guardduty';
import { ACCOUNT, actAs, createTestOrganization, event, ORGANIZATION, REGION, Responder, startLocalApi, startResponder, showInTemplate } from './events';
import { dispatch } from '../../lambda/dispatch';
import { handler } from '../../lambda/index';
import { CONTINUATION_KEY, MAX_CONTINUATIONS } from '../../lambda/shared/continuation';
import { CREATE_FAILED_PHYSICAL_ID, CustomResourceEvent } from '../../lambda/shared/custom-resource';
import { responseObjectKey } from '../../lambda/shared/response-url';
import { emulatorClock, LocalApi } from '../../replay/src';
import { MalwareProtectionPlanStatusResource } from '../../src/private/resources/guardduty/malware-protection-plan-status';
import { GuardDutyMembersProperties, GuardDutyMembersResource } from '../../src/private/resources/guardduty/members';
import { OrganizationAdminAccountResource } from '../../src/private/resources/guardduty/organization-admin-account';

const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:handler`;
/**
 * The function's timeout in these tests: 200 s, of which the handler keeps 80 s for cleanup and its
 * answer: 120 s of work, 24 calls one after another (reads go four at a time). The 49,995-account
 * case at 300 ms a call and 15 minutes is `npx projen benchmark` (continuation).
 */
const TIMEOUT_MS = 200_000;
/** Each call's time on the emulator's clock. */
const LATENCY_MS = 5_000;
/** The set's size: 20 batches of 50, more than one invocation's 24 calls can create and check. */
const SET_SIZE = 1_000;

let api: LocalApi;
let responder: Responder;
/** The bodies of the answers the handler sent, in order. */
const responses = (): any[] => responder.answers.map((a) => a.body);

beforeAll(async () => {
  api = await startLocalApi();
  responder = await startResponder();
});
afterAll(async () => {
  await responder.close();
  await api.stop();
});
afterEach(() => jest.restoreAllMocks());

/** The organization with `n` more accounts in the workloads OU, GuardDuty delegated to ACCOUNT; the administrator's detector id. */
async function organization(n: number): Promise<{ detectorId: string; accounts: Array<{ AccountId: string; Email: string }> }> {
  const { workloadsOu } = createTestOrganization(api);
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const accounts = Array.from({ length: n }, (_, i) => {
    const AccountId = String(500000000000 + i);
    const Email = `member-${i}@example.com`;
    api.organization.addAccount(AccountId, Email, workloadsOu);
    return { AccountId, Email };
  });
  actAs(api, ORGANIZATION.MANAGEMENT);
  await dispatch(event('Create', OrganizationAdminAccountResource.type, { AdminAccountId: ACCOUNT }, { account: ORGANIZATION.MANAGEMENT }));
  actAs(api, ACCOUNT);
  api.lambda.registerFunction(FUNCTION_ARN);
  return { detectorId: api.guardduty.detectors(ACCOUNT, REGION)[0].id, accounts };
}

/** The event as CloudFormation sends it, its resource shown in the state the request implies. */
function sent<P>(e: CustomResourceEvent<P>): CustomResourceEvent<P> {
  const status = { Create: 'CREATE_IN_PROGRESS', Update: 'UPDATE_IN_PROGRESS', Delete: 'DELETE_IN_PROGRESS' }[e.RequestType];
  api.cloudformation.setStack(e.StackId, 'UPDATE_IN_PROGRESS');
  api.cloudformation.setResource(e.StackId, e.LogicalResourceId, { type: e.ResourceType, physicalId: e.PhysicalResourceId, status });
  showInTemplate(api, e);
  const url = `${responder.origin}/${encodeURIComponent(responseObjectKey(e)).replace(/%2F/g, '/')}`;
  return { ...e, ResponseURL: `${url}?X-Amz-Signature=secret` };
}

/** A Lambda context whose remaining time runs on the emulator's clock. */
function context() {
  const deadline = emulatorClock.now() + TIMEOUT_MS;
  return { getRemainingTimeInMillis: () => Math.max(deadline - emulatorClock.now(), 0), invokedFunctionArn: FUNCTION_ARN };
}

/** Run an event as Lambda would: its invocation, then each continuation it queued, until one answers. */
async function run(e: CustomResourceEvent<unknown>) {
  responder.answers.length = 0;
  const started = emulatorClock.now();
  const markers: unknown[] = [];
  let payload: Record<string, unknown> | undefined = e as unknown as Record<string, unknown>;
  let invocations = 0;
  while (payload && responses().length === 0) {
    invocations++;
    markers.push(payload[CONTINUATION_KEY]);
    await handler(payload as unknown as CustomResourceEvent<unknown>, context());
    payload = api.lambda.take(FUNCTION_ARN)?.payload;
  }
  return { answer: responses()[0], invocations, markers, seconds: Math.round((emulatorClock.now() - started) / 1000) };
}

const members = () => api.guardduty.multiAccount.members(ACCOUNT, REGION);

test('a set too large for one invocation is created, updated and deleted across invocations, each confirmed again', async () => {
  const { detectorId, accounts } = await organization(SET_SIZE);
  api.setCallLatency(LATENCY_MS);
  const props: GuardDutyMembersProperties = { DetectorId: detectorId, Accounts: accounts };
  const create = await run(sent(event('Create', GuardDutyMembersResource.type, props, { logicalId: 'Workloads' })));
  expect(create.answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `${detectorId}:members:Workloads`, Data: { MemberCount: String(SET_SIZE) } });
  expect(create.invocations).toBeGreaterThan(1);
  expect(create.markers).toEqual([undefined, ...Array.from({ length: create.invocations - 1 }, (_, i) => ({ Attempt: i + 1 }))]);
  expect(members().filter((m) => m.status === 'Enabled')).toHaveLength(SET_SIZE);
  // Every invocation confirmed its event with CloudFormation first.
  expect(api.callsOf('DescribeStackResource').length).toBeGreaterThanOrEqual(create.invocations);
  // What an earlier invocation made was not made again.
  expect(api.callsOf('CreateMembers').reduce((n, c) => n + (c.input.AccountDetails as unknown[]).length, 0)).toBe(SET_SIZE);

  // An update that replaces a tenth of the accounts.
  const tenth = SET_SIZE / 10;
  const replaced = accounts.slice(0, tenth);
  const fresh = Array.from({ length: tenth }, (_, i) => {
    const account = { AccountId: String(600000000000 + i), Email: `fresh-${i}@example.com` };
    api.organization.addAccount(account.AccountId, account.Email, api.organization.rootId);
    return account;
  });
  const next: GuardDutyMembersProperties = { DetectorId: detectorId, Accounts: [...accounts.slice(tenth), ...fresh] };
  const update = await run(sent(event('Update', GuardDutyMembersResource.type, next,
    { logicalId: 'Workloads', physicalResourceId: `${detectorId}:members:Workloads`, oldProperties: props })));
  expect(update.answer).toMatchObject({ Status: 'SUCCESS', Data: { MemberCount: String(SET_SIZE) } });
  const ids = new Set(members().map((m) => m.accountId));
  expect(replaced.filter((a) => ids.has(a.AccountId))).toEqual([]);
  expect(fresh.filter((a) => !ids.has(a.AccountId))).toEqual([]);

  const remove = await run(sent(event('Delete', GuardDutyMembersResource.type, next,
    { logicalId: 'Workloads', physicalResourceId: `${detectorId}:members:Workloads` })));
  expect(remove.answer).toMatchObject({ Status: 'SUCCESS' });
  expect(members()).toEqual([]);
  process.stdout.write(`Continuation, ${SET_SIZE} accounts at ${LATENCY_MS} ms a call, ${TIMEOUT_MS / 1000} s invocations: create ${create.invocations} `
    + `invocations (${create.seconds} s), update ${update.invocations} (${update.seconds} s), delete ${remove.invocations} (${remove.seconds} s)\n`);
});

test('a continuation is confirmed again: once the resource is no longer in progress, it is refused with no call', async () => {
  const { detectorId, accounts } = await organization(3);
  const e = sent(event('Create', GuardDutyMembersResource.type, { DetectorId: detectorId, Accounts: accounts }));
  api.cloudformation.setResource(e.StackId, e.LogicalResourceId, { type: e.ResourceType, status: 'CREATE_FAILED' });
  const before = api.calls.length;
  responder.answers.length = 0;
  await handler({ ...e, [CONTINUATION_KEY]: { Attempt: 1 } } as CustomResourceEvent<unknown>, context());
  expect(responses()).toEqual([]);
  expect(api.calls.slice(before).map((c) => c.service)).not.toContain('guardduty');
});

test.each([[0], [MAX_CONTINUATIONS + 1], ['1'], [1.5], [null]])('a continuation marker of %p is refused before anything is called', async (attempt) => {
  const { detectorId, accounts } = await organization(3);
  const e = sent(event('Create', GuardDutyMembersResource.type, { DetectorId: detectorId, Accounts: accounts }));
  const before = api.calls.length;
  responder.answers.length = 0;
  await handler({ ...e, [CONTINUATION_KEY]: { Attempt: attempt } } as CustomResourceEvent<unknown>, context());
  expect(responses()).toEqual([]);
  expect(api.calls.length).toBe(before);
});

test('a create that cannot continue (Lambda refuses the invocation) fails, removing what it made, naming the permission', async () => {
  const { detectorId, accounts } = await organization(SET_SIZE);
  api.setCallLatency(LATENCY_MS);
  api.injectFault({ kind: 'access-denied', operation: 'Invoke', service: 'lambda', times: 1 });
  const result = await run(sent(event('Create', GuardDutyMembersResource.type, { DetectorId: detectorId, Accounts: accounts })));
  expect(result.invocations).toBe(1);
  expect(result.answer.Status).toBe('FAILED');
  expect(result.answer.Reason).toMatch(/ran out of time after .*continuing in a new invocation failed: Invoke failed: AccessDeniedException.*lambda:InvokeFunction/);
  // The members it made were removed, so the rollback's Delete of the placeholder has nothing to do.
  expect(result.answer.PhysicalResourceId).toBe(CREATE_FAILED_PHYSICAL_ID);
  expect(members()).toEqual([]);
});

test('a create that continued and then fails answers the set\'s own id, so the rollback removes the set\'s accounts', async () => {
  const { detectorId, accounts } = await organization(SET_SIZE);
  api.setCallLatency(LATENCY_MS);
  // The first invocation runs out of time; its continuation is denied its first read of the members.
  const e = sent(event('Create', GuardDutyMembersResource.type, { DetectorId: detectorId, Accounts: accounts }, { logicalId: 'Workloads' }));
  responder.answers.length = 0;
  await handler(e, context());
  expect(responses()).toEqual([]);
  const made = members().length;
  expect(made).toBeGreaterThan(0);
  api.injectFault({ kind: 'access-denied', operation: 'GetMembers', service: 'guardduty', times: 1 });
  await handler(api.lambda.take(FUNCTION_ARN)!.payload as unknown as CustomResourceEvent<unknown>, context());
  expect(responses()[0]).toMatchObject({ Status: 'FAILED', PhysicalResourceId: `${detectorId}:members:Workloads` });
  const rollback = await run(sent(event('Delete', GuardDutyMembersResource.type, e.ResourceProperties,
    { logicalId: 'Workloads', physicalResourceId: `${detectorId}:members:Workloads` })));
  expect(rollback.answer.Status).toBe('SUCCESS');
  expect(members()).toEqual([]);
});

test('the last invocation an event may take answers FAILED instead of continuing', async () => {
  const { detectorId, accounts } = await organization(SET_SIZE);
  api.setCallLatency(LATENCY_MS);
  const e = sent(event('Create', GuardDutyMembersResource.type, { DetectorId: detectorId, Accounts: accounts }));
  responder.answers.length = 0;
  await handler({ ...e, [CONTINUATION_KEY]: { Attempt: MAX_CONTINUATIONS } } as CustomResourceEvent<unknown>, context());
  expect(api.lambda.queued).toEqual([]);
  expect(responses()[0].Status).toBe('FAILED');
  expect(responses()[0].Reason).toMatch(new RegExp(`in the last of the ${MAX_CONTINUATIONS + 1} invocations an event may take`));
});

test('a lost answer of the continuation\'s Invoke queues the event twice: the first continuation answers, the second is refused with no call', async () => {
  const { detectorId, accounts } = await organization(SET_SIZE);
  api.setCallLatency(LATENCY_MS);
  api.injectFault({ kind: 'internal-error-after-commit', operation: 'Invoke', service: 'lambda', times: 1 });
  const e = sent(event('Create', GuardDutyMembersResource.type, { DetectorId: detectorId, Accounts: accounts }, { logicalId: 'Workloads' }));
  responder.answers.length = 0;
  await handler(e, context());
  // The SDK retried the Invoke whose answer was lost: Lambda holds the event twice.
  expect(api.lambda.queued).toHaveLength(2);
  const [first, second] = [api.lambda.take(FUNCTION_ARN)!, api.lambda.take(FUNCTION_ARN)!];
  let payload: Record<string, unknown> | undefined = first.payload;
  while (payload && responses().length === 0) {
    await handler(payload as unknown as CustomResourceEvent<unknown>, context());
    payload = api.lambda.take(FUNCTION_ARN)?.payload;
  }
  expect(responses()[0]).toMatchObject({ Status: 'SUCCESS', Data: { MemberCount: String(SET_SIZE) } });
  // CloudFormation has the resource CREATE_COMPLETE now: the duplicate is refused before any service call.
  api.cloudformation.setResource(e.StackId, e.LogicalResourceId, { type: e.ResourceType, physicalId: responses()[0].PhysicalResourceId, status: 'CREATE_COMPLETE' });
  const before = api.calls.length;
  await handler(second.payload as unknown as CustomResourceEvent<unknown>, context());
  expect(responses()).toHaveLength(1);
  expect(api.calls.slice(before).map((c) => c.service)).not.toContain('guardduty');
});

describe('a wait on a Malware Protection plan is counted from when CloudFormation started the event, across invocations', () => {
  /** A plan as CloudFormation's L1 makes it, then held in WARNING for `warningMs` (for ever when undefined). */
  async function planInWarning(warningMs?: number): Promise<string> {
    await organization(0);
    const out = await new GuardDutyClient({ region: REGION, endpoint: api.url, credentials: api.credentialsFor(ACCOUNT) }).send(
      new CreateMalwareProtectionPlanCommand({
        Role: `arn:aws:iam::${ACCOUNT}:role/ScanRole`,
        ProtectedResource: { S3Bucket: { BucketName: `uploads-${Math.round(emulatorClock.now())}` } },
      }));
    api.guardduty.malwareProtection.setStatus(ACCOUNT, REGION, out.MalwareProtectionPlanId!, 'WARNING',
      [{ Code: 'VALIDATING', Message: 'checking the bucket' }], warningMs);
    return out.MalwareProtectionPlanId!;
  }
  const statusEvent = (id: string, waitSeconds: number) => sent(event('Create', MalwareProtectionPlanStatusResource.type, {
    MalwareProtectionPlanId: id,
    Role: `arn:aws:iam::${ACCOUNT}:role/ScanRole`,
    BucketName: 'b',
    ObjectPrefixes: [],
    Tagging: 'DISABLED',
    WaitSeconds: String(waitSeconds),
  }, { logicalId: 'ScanStatus' }));

  test('a plan in WARNING for longer than an invocation is waited for in the next ones until ACTIVE', async () => {
    const id = await planInWarning(5 * 60_000);
    const status = await run(statusEvent(id, 600));
    expect(status.answer).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: id, Data: { Status: 'ACTIVE' } });
    expect(status.invocations).toBeGreaterThan(1);
  });

  test('a plan still in WARNING fails with its reasons once the wait has run out from the event\'s start, not from each invocation\'s', async () => {
    const id = await planInWarning();
    const status = await run(statusEvent(id, 300));
    expect(status.answer.Status).toBe('FAILED');
    expect(status.answer.Reason).toMatch(new RegExp(`Malware Protection plan ${id} is still WARNING after 300 s, expected ACTIVE: VALIDATING: checking the bucket$`));
    // 300 s from the event's start: three invocations (120 s of work each), not five.
    expect(status.invocations).toBe(3);
    expect(status.seconds).toBeLessThan(300 + TIMEOUT_MS / 1000);
  });
});
