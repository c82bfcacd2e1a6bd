/**
 * The member engine (lambda/shared/member-engine.ts), once for each service's adapter: the same
 * behaviours, table-driven, through the real SDK against the local API. What one service does
 * differently lives in its adapter and is asserted in its own handler tests.
 */
import { detectiveMemberAdapter } from '../../../lambda/detective/member-adapter';
import { dispatch } from '../../../lambda/dispatch';
import { guardDutyMemberAdapter } from '../../../lambda/guardduty/member-adapter';
import { detectiveClient, guardDutyClient } from '../../../lambda/shared/clients';
import { ContinuationNeeded } from '../../../lambda/shared/continuation';
import { runInvocation, undoStoppedWork } from '../../../lambda/shared/invocation';
import { convergeMembers, MemberAdapter, removeMemberAccounts } from '../../../lambda/shared/member-engine';
import { emulatorClock, LocalApi } from '../../../replay/src';
import { DetectiveOrganizationAdminAccountResource } from '../../../src/private/resources/detective/organization-admin-account';
import { OrganizationAdminAccountResource } from '../../../src/private/resources/guardduty/organization-admin-account';
import { ACCOUNT as ADMIN, actAs, createTestOrganization, event, ORGANIZATION, REGION, silenceHandlerLogs, startLocalApi } from '../events';

const { MANAGEMENT, WORKLOAD, SANDBOX, OUTSIDE } = ORGANIZATION;

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(async () => api.stop());
beforeEach(() => {
  createTestOrganization(api);
  for (const account of [WORKLOAD, SANDBOX, OUTSIDE]) api.guardduty.seedDetector(account, REGION);
  silenceHandlerLogs();
});
afterEach(() => {
  actAs(api, ADMIN);
  jest.restoreAllMocks();
});

interface Service {
  readonly name: string;
  readonly enabled: string;
  readonly invited: string;
  readonly removeCalls: string[];
  /** Make ADMIN the organization's administrator of the service; the adapter of its detector or graph. */
  administrator(): Promise<MemberAdapter<any>>;
  /** The adapter of an administrator resource that does not exist. */
  gone(): MemberAdapter<any>;
  /** The accounts the administrator has as members, with their statuses. */
  members(): Record<string, string>;
  failEmail(accountId: string): void;
}

async function delegateAs(type: string) {
  actAs(api, MANAGEMENT);
  await dispatch(event('Create', type, { AdminAccountId: ADMIN }, { account: MANAGEMENT }));
  actAs(api, ADMIN);
}

const SERVICES: Service[] = [
  {
    name: 'GuardDuty',
    async administrator() {
      await delegateAs(OrganizationAdminAccountResource.type);
      return guardDutyMemberAdapter(guardDutyClient(), api.guardduty.detectors(ADMIN, REGION)[0].id);
    },
    gone: () => guardDutyMemberAdapter(guardDutyClient(), 'a'.repeat(32)),
    members: () => Object.fromEntries(api.guardduty.multiAccount.members(ADMIN, REGION).map((m) => [m.accountId, m.status])),
    enabled: 'Enabled',
    invited: 'Invited',
    failEmail: (id) => api.guardduty.multiAccount.failEmailVerification(id),
    removeCalls: ['DisassociateMembers', 'DeleteMembers'],
  },
  {
    name: 'Detective',
    async administrator() {
      await delegateAs(DetectiveOrganizationAdminAccountResource.type);
      return detectiveMemberAdapter(detectiveClient(), api.detective.graph(ADMIN, REGION)!.arn);
    },
    gone: () => detectiveMemberAdapter(detectiveClient(), `arn:aws:detective:${REGION}:${ADMIN}:graph:${'0'.repeat(32)}`),
    members: () => Object.fromEntries([...api.detective.graph(ADMIN, REGION)!.members.values()].map((m) => [m.accountId, m.status])),
    enabled: 'ENABLED',
    invited: 'INVITED',
    failEmail: (id) => api.detective.failEmailVerification(id),
    removeCalls: ['DeleteMembers'],
  },
];

const WAIT = { timeoutMs: 30_000, initialDelayMs: 50 };
const removals = (service: Service) => service.removeCalls.flatMap((op) => api.callsOf(op));

describe.each(SERVICES)('$name', (service) => {
  test('organization accounts become enabled; their emails are read from Organizations', async () => {
    const adapter = await service.administrator();
    const outcome = await convergeMembers(adapter, { desired: [{ accountId: WORKLOAD }, { accountId: SANDBOX }], ...WAIT });
    expect(outcome.created.slice().sort()).toEqual([WORKLOAD, SANDBOX].sort());
    expect(service.members()).toEqual({ [WORKLOAD]: service.enabled, [SANDBOX]: service.enabled });
    expect(api.callsOf('DescribeAccount')).toHaveLength(2);
  });

  test('converging again creates nothing and removes nothing', async () => {
    const adapter = await service.administrator();
    await convergeMembers(adapter, { desired: [{ accountId: WORKLOAD }], ...WAIT });
    const creates = api.callsOf('CreateMembers').length;
    const outcome = await convergeMembers(adapter, { desired: [{ accountId: WORKLOAD }], previous: [WORKLOAD], ...WAIT });
    expect(outcome.created).toEqual([]);
    expect(api.callsOf('CreateMembers')).toHaveLength(creates);
    expect(removals(service)).toEqual([]);
  });

  test('an invited account reaches the invited status', async () => {
    const adapter = await service.administrator();
    await convergeMembers(adapter, { desired: [{ accountId: OUTSIDE, email: 'outside@example.com' }], invitation: {}, ...WAIT });
    expect(service.members()).toEqual({ [OUTSIDE]: service.invited });
  });

  test('what the previous properties named and the new ones do not is removed; nothing else is touched', async () => {
    const adapter = await service.administrator();
    await convergeMembers(adapter, { desired: [{ accountId: WORKLOAD }, { accountId: SANDBOX }], ...WAIT });
    await convergeMembers(adapter, { desired: [{ accountId: WORKLOAD }], previous: [SANDBOX, WORKLOAD, '555555555555'], ...WAIT });
    expect(Object.keys(service.members())).toEqual([WORKLOAD]);
  });

  test('a failure removes exactly the members this call added, and names the account', async () => {
    const adapter = await service.administrator();
    await convergeMembers(adapter, { desired: [{ accountId: WORKLOAD }], ...WAIT });
    service.failEmail(OUTSIDE);
    await expect(convergeMembers(adapter, {
      desired: [{ accountId: WORKLOAD }, { accountId: OUTSIDE, email: 'wrong@example.com' }], invitation: {}, ...WAIT,
    })).rejects.toThrow(/1 member\(s\) did not reach .*: 444444444444 \(/);
    expect(Object.keys(service.members())).toEqual([WORKLOAD]);
  });

  test('a create cut by the function\'s time stops between batches to continue, keeping what it made unless it cannot continue', async () => {
    const adapter = await service.administrator();
    const root = api.organization.rootId;
    const accounts = Array.from({ length: 120 }, (_, i) => String(700_000_000_000 + i));
    accounts.forEach((id, i) => api.organization.addAccount(id, `member-${i}@example.com`, root));
    // The work deadline passes during the second batch's call (as a slow CreateMembers would make it).
    const deadline = emulatorClock.now() + 60_000;
    let batches = 0;
    const slow: MemberAdapter<any> = {
      ...adapter,
      create: async (batch, invitation) => {
        await adapter.create(batch, invitation);
        if (++batches === 2) emulatorClock.advance(120_000);
      },
    };
    const desired = accounts.map((accountId) => ({ accountId, email: `${accountId}@example.com` }));
    await runInvocation(deadline, async () => {
      const err = await convergeMembers(slow, { desired, ...WAIT }).catch((e) => e);
      expect(err).toBeInstanceOf(ContinuationNeeded);
      expect(err.message).toBe('the function ran out of time after creating 100 of 120 members');
      expect(batches).toBe(2);
      // Kept for the next invocation, which reads them and creates the other 20 ...
      expect(Object.keys(service.members())).toHaveLength(100);
      // ... unless the event cannot continue: then what this invocation made is removed.
      await undoStoppedWork();
      expect(service.members()).toEqual({});
    });
  });

  test('a continued create reads what earlier invocations made and creates only the rest', async () => {
    const adapter = await service.administrator();
    const root = api.organization.rootId;
    const accounts = Array.from({ length: 120 }, (_, i) => String(710_000_000_000 + i));
    accounts.forEach((id, i) => {
      api.organization.addAccount(id, `member-${i}@example.com`, root);
      api.guardduty.seedDetector(id, REGION);
    });
    const desired = accounts.map((accountId) => ({ accountId, email: `${accountId}@example.com` }));
    await convergeMembers(adapter, { desired: desired.slice(0, 100), ...WAIT });
    const created: string[][] = [];
    const counting: MemberAdapter<any> = {
      ...adapter,
      create: async (batch, invitation) => {
        created.push(batch.map((a) => a.accountId));
        await adapter.create(batch, invitation);
      },
    };
    const outcome = await runInvocation(Number.POSITIVE_INFINITY, () => convergeMembers(counting, { desired, ...WAIT }), 1);
    expect(created.flat()).toEqual(accounts.slice(100));
    expect(Object.keys(service.members())).toHaveLength(120);
    expect(outcome.created).toEqual(accounts.slice(100));
  });

  test('removing accounts that are not members writes nothing; a gone administrator resource is success', async () => {
    const adapter = await service.administrator();
    await removeMemberAccounts(adapter, [WORKLOAD, SANDBOX]);
    expect(removals(service)).toEqual([]);
    await expect(removeMemberAccounts(service.gone(), [WORKLOAD])).resolves.toBeUndefined();
  });
});
