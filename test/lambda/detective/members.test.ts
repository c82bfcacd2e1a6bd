/**
 * Detective members across accounts through the real SDK against the local API: the organization's
 * Detective administrator (management account), members enabled through the organization and
 * invited ones, the member side accepting and leaving, and the statuses that fail with a reason.
 */
import { DetectiveClient, DisassociateMembershipCommand } from '@aws-sdk/client-detective';
import { dispatch } from '../../../lambda/dispatch';
import { failureReason } from '../../../lambda/shared/errors';
import { emulatorNow as now, LocalApi } from '../../../replay/src';
import { BehaviorGraphResource } from '../../../src/private/resources/detective/behavior-graph';
import { GraphMembershipResource, GraphMembershipResourceProperties } from '../../../src/private/resources/detective/graph-membership';
import { DetectiveMemberProperties, DetectiveMemberResource, DetectiveMembersProperties, DetectiveMembersResource } from '../../../src/private/resources/detective/members';
import { DetectiveOrganizationAdminAccountResource } from '../../../src/private/resources/detective/organization-admin-account';
import {
  ACCOUNT as ADMIN, actAs, createTestOrganization, event, ORGANIZATION, REGION, silenceHandlerLogs, startLocalApi,
} from '../events';

const { MANAGEMENT, WORKLOAD, SANDBOX, OUTSIDE } = ORGANIZATION;

let api: LocalApi;
let workloadsOu: string;
let sandboxOu: string;
let graphArn: string;

beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(async () => api.stop());
beforeEach(() => {
  ({ workloadsOu, sandboxOu } = createTestOrganization(api));
  for (const account of [WORKLOAD, SANDBOX, OUTSIDE]) api.guardduty.seedDetector(account, REGION);
  graphArn = '';
  silenceHandlerLogs();
});
afterEach(() => {
  actAs(api, ADMIN);
  jest.restoreAllMocks();
});

async function delegate(account = ADMIN, old?: string) {
  actAs(api, MANAGEMENT);
  try {
    return await dispatch(event(old ? 'Update' : 'Create', DetectiveOrganizationAdminAccountResource.type, { AdminAccountId: account },
      { account: MANAGEMENT, oldProperties: old ? { AdminAccountId: old } : undefined, physicalResourceId: old ? `detective-organization-admin:${REGION}` : undefined }));
  } finally {
    actAs(api, ADMIN);
  }
}

async function organizationGraph(): Promise<string> {
  await delegate();
  graphArn = api.detective.graph(ADMIN, REGION)!.arn;
  return graphArn;
}

const members = () => new Map([...api.detective.graph(ADMIN, REGION)!.members.values()].map((m) => [m.accountId, m.status]));

describe('OrganizationAdminAccount (management account)', () => {
  const TYPE = DetectiveOrganizationAdminAccountResource.type;

  test('create enables the account, registers it in Organizations, waits until listed; delegation creates its graph', async () => {
    const result = await delegate();
    const graph = api.detective.graph(ADMIN, REGION)!;
    expect(result).toEqual({ physicalResourceId: `detective-organization-admin:${REGION}`, data: { AdminAccountId: ADMIN, GraphArn: graph.arn } });
    expect(api.detective.organizationAdministrator(REGION)).toBe(ADMIN);
    expect(api.organization.delegatedAdministrators.get('detective.amazonaws.com')).toEqual(new Set([ADMIN]));
    expect(api.callsOf('ListOrganizationAdminAccounts', MANAGEMENT, 'detective').length).toBeGreaterThan(1);
  });

  test('an account that is already the administrator makes no call', async () => {
    await delegate();
    await delegate();
    expect(api.callsOf('EnableOrganizationAdminAccount', undefined, 'detective')).toHaveLength(1);
  });

  test('another account already in the role fails, naming it', async () => {
    await delegate(WORKLOAD);
    const err = await delegate().catch((e) => e);
    expect(failureReason('Detective OrganizationAdminAccount A', err)).toMatch(
      /^Detective OrganizationAdminAccount A: account 222222222222 is already the Detective administrator of this organization in this Region; there can be only one/);
  });

  test("another account registered as Detective's delegated administrator in Organizations fails, naming it", async () => {
    api.organization.register('detective.amazonaws.com', WORKLOAD);
    const err = await delegate().catch((e) => e);
    expect(err.message).toMatch(/^account 222222222222 is Detective's delegated administrator in AWS Organizations, and Detective accepts only that account or the management account/);
    expect(api.callsOf('EnableOrganizationAdminAccount', undefined, 'detective')).toHaveLength(0);
  });

  test('an update swaps the administrator: disable (its graph is deleted), deregister, enable', async () => {
    await delegate(WORKLOAD);
    await delegate(ADMIN, WORKLOAD);
    expect(api.detective.organizationAdministrator(REGION)).toBe(ADMIN);
    expect(api.organization.delegatedAdministrators.get('detective.amazonaws.com')).toEqual(new Set([ADMIN]));
    expect(api.detective.graph(WORKLOAD, REGION)).toBeUndefined();
    expect(api.callsOf('DeregisterDelegatedAdministrator', MANAGEMENT)).toHaveLength(1);
  });

  test('delete disables the administrator and waits until it is gone; again is a no-op', async () => {
    await delegate();
    actAs(api, MANAGEMENT);
    const del = () => dispatch(event('Delete', TYPE, { AdminAccountId: ADMIN },
      { account: MANAGEMENT, physicalResourceId: `detective-organization-admin:${REGION}` }));
    await del();
    await del();
    expect(api.detective.organizationAdministrator(REGION)).toBeUndefined();
    expect(api.callsOf('DisableOrganizationAdminAccount', MANAGEMENT, 'detective')).toHaveLength(1);
  });

  test('a Delete of a physical id this resource never answered (forged in a cleanup phase) removes nothing', async () => {
    await delegate();
    actAs(api, MANAGEMENT);
    api.calls.length = 0;
    await dispatch(event('Delete', TYPE, { AdminAccountId: ADMIN }, { account: MANAGEMENT, physicalResourceId: 'anything-else' }));
    expect(api.detective.organizationAdministrator(REGION)).toBeDefined();
    expect(api.calls).toEqual([]);
  });
});

describe('MemberAccounts (administrator side)', () => {
  const TYPE = DetectiveMembersResource.type;

  test('an organization OU: every account ENABLED in ceil(N/50) CreateMembers calls; update reconciles; delete removes', async () => {
    const extra = Array.from({ length: 118 }, (_, i) => `5${String(i).padStart(11, '0')}`);
    for (const id of extra) {
      api.organization.addAccount(id, `a${id}@example.com`, sandboxOu);
      api.guardduty.seedDetector(id, REGION);
    }
    await organizationGraph();
    const props: DetectiveMembersProperties = { GraphArn: graphArn, Organization: { ParentIds: [workloadsOu] } };
    const created = await dispatch(event('Create', TYPE, props));
    expect(created).toEqual({ physicalResourceId: `${graphArn}/members/Resource1A2B3C4D`, data: { MemberCount: '120', ExcludedAccounts: '' } });
    expect([...members().values()].every((s) => s === 'ENABLED')).toBe(true);
    expect(members().size).toBe(120);
    expect(api.callsOf('CreateMembers', ADMIN, 'detective').map((c) => (c.input.Accounts as unknown[]).length)).toEqual([50, 50, 20]);

    const updated: DetectiveMembersProperties = {
      GraphArn: graphArn, Organization: { ParentIds: [workloadsOu], ExcludeAccountIds: [SANDBOX] },
    };
    api.calls.length = 0;
    await dispatch(event('Update', TYPE, updated, { physicalResourceId: created.physicalResourceId, oldProperties: props }));
    expect(members().has(SANDBOX)).toBe(false);
    expect(api.callsOf('CreateMembers', ADMIN, 'detective')).toHaveLength(0);
    expect(api.callsOf('DeleteMembers', ADMIN, 'detective').map((c) => c.input.AccountIds)).toEqual([[SANDBOX]]);

    await dispatch(event('Delete', TYPE, updated, { physicalResourceId: created.physicalResourceId }));
    expect(members().size).toBe(0);
  });

  test('"already a member" in UnprocessedAccounts is success (a CreateMembers whose answer was lost and retried)', async () => {
    await organizationGraph();
    api.injectFault({ kind: 'internal-error-after-commit', operation: 'CreateMembers', times: 1 });
    const result = await dispatch(event('Create', TYPE, { GraphArn: graphArn, Accounts: [{ AccountId: WORKLOAD }] }));
    expect(result.data).toEqual({ MemberCount: '1', ExcludedAccounts: '' });
    const answers = api.callsOf('CreateMembers', ADMIN, 'detective');
    expect(answers).toHaveLength(2);
    expect(members().get(WORKLOAD)).toBe('ENABLED');
  });

  test('an organization account without GuardDuty ends ACCEPTED_BUT_DISABLED: fails with VOLUME_UNKNOWN and what to do', async () => {
    api.guardduty.removeDetector(SANDBOX, REGION, api.guardduty.detectors(SANDBOX, REGION)[0].id);
    await organizationGraph();
    const err = await dispatch(event('Create', TYPE, { GraphArn: graphArn, Accounts: [{ AccountId: WORKLOAD }, { AccountId: SANDBOX }] }))
      .catch((e) => e);
    expect(err.message).toBe('1 member(s) did not reach ENABLED: 333333333333 (ACCEPTED_BUT_DISABLED (VOLUME_UNKNOWN): Detective cannot '
      + "verify the account's data volume, usually because GuardDuty is not enabled in it: enable GuardDuty in the member account in this "
      + 'Region, then deploy again (the deployment resumes the member with StartMonitoringMember))');

    expect(members().size).toBe(0);
  });

  test('a member that became ACCEPTED_BUT_DISABLED is resumed with StartMonitoringMember at the next deployment', async () => {
    await organizationGraph();
    const props = { GraphArn: graphArn, Accounts: [{ AccountId: WORKLOAD }, { AccountId: SANDBOX }] };
    const { physicalResourceId } = await dispatch(event('Create', TYPE, props));
    const sandbox = api.detective.graph(ADMIN, REGION)!.members.get(SANDBOX)!;
    Object.assign(sandbox, { status: 'ACCEPTED_BUT_DISABLED', disabledReason: 'VOLUME_UNKNOWN' });
    await dispatch(event('Update', TYPE, props, { physicalResourceId, oldProperties: props }));
    expect(members().get(SANDBOX)).toBe('ENABLED');
    expect(api.callsOf('StartMonitoringMember', ADMIN, 'detective').map((c) => c.input.AccountId)).toEqual([SANDBOX]);
  });

  test('organization mode from a graph that is not the organization graph: INVITED instead of enabled fails with the reason', async () => {
    api.guardduty.seedDetector(ADMIN, REGION);
    api.guardduty.backdateDetectors(ADMIN, REGION, 72);
    graphArn = api.detective.seedGraph(ADMIN, REGION);
    const err = await dispatch(event('Create', TYPE, { GraphArn: graphArn, Accounts: [{ AccountId: WORKLOAD, Email: 'workload@example.com' }] }))
      .catch((e) => e);
    expect(err.message).toMatch(/^1 member\(s\) did not reach ENABLED: 222222222222 \(INVITED instead of enabled: this account is not the organization's Detective administrator/);
  });

  test('a graph that is gone: delete succeeds', async () => {
    await organizationGraph();
    const props = { GraphArn: graphArn, Accounts: [{ AccountId: WORKLOAD }] };
    const created = await dispatch(event('Create', TYPE, props));
    api.detective.graph(ADMIN, REGION)!.members.clear();
    actAs(api, MANAGEMENT);
    await dispatch(event('Delete', DetectiveOrganizationAdminAccountResource.type, { AdminAccountId: ADMIN },
      { account: MANAGEMENT, physicalResourceId: `detective-organization-admin:${REGION}` }));
    actAs(api, ADMIN);
    await expect(dispatch(event('Delete', TYPE, props, { physicalResourceId: created.physicalResourceId })))
      .resolves.toEqual({ physicalResourceId: created.physicalResourceId });
  });
});

describe('invitation: MemberAccount (administrator) and GraphMembership (member)', () => {
  const MEMBER = DetectiveMemberResource.type;
  const MEMBERSHIP = GraphMembershipResource.type;

  async function invite(email = 'outside@example.com') {
    api.guardduty.seedDetector(ADMIN, REGION);
    api.guardduty.backdateDetectors(ADMIN, REGION, 72);
    graphArn = (await dispatch(event('Create', BehaviorGraphResource.type, {}))).physicalResourceId;
    const props: DetectiveMemberProperties = {
      GraphArn: graphArn, AccountId: OUTSIDE, EmailAddress: email, Invitation: { Message: 'Join our graph', DisableEmailNotification: 'true' },
    };
    return { props, result: await dispatch(event('Create', MEMBER, props)) };
  }

  test('the administrator invites (INVITED), the member accepts (ENABLED), leaves on delete; the member is then removed', async () => {
    const { props, result } = await invite();
    expect(result).toEqual({ physicalResourceId: `${graphArn}/${OUTSIDE}`, data: { AccountId: OUTSIDE, Status: 'INVITED' } });
    const create = api.callsOf('CreateMembers', ADMIN, 'detective')[0].input;
    expect(create).toMatchObject({ Message: 'Join our graph', DisableEmailNotification: true, Accounts: [{ AccountId: OUTSIDE, EmailAddress: 'outside@example.com' }] });

    actAs(api, OUTSIDE);
    const membership: GraphMembershipResourceProperties = { GraphArn: graphArn };
    const accepted = await dispatch(event('Create', MEMBERSHIP, membership, { account: OUTSIDE }));
    expect(accepted).toEqual({ physicalResourceId: `${graphArn}/membership`, data: { GraphArn: graphArn, Status: 'ENABLED' } });
    expect(api.detective.memberships(OUTSIDE, REGION)).toEqual([{ graphArn, status: 'ENABLED', type: 'INVITATION' }]);

    const byAdministrator = await dispatch(event('Create', MEMBERSHIP, { AdministratorAccountId: ADMIN }, { account: OUTSIDE }));
    expect(byAdministrator.physicalResourceId).toBe(accepted.physicalResourceId);
    expect(api.callsOf('AcceptInvitation', OUTSIDE, 'detective')).toHaveLength(1);

    await dispatch(event('Delete', MEMBERSHIP, membership, { account: OUTSIDE, physicalResourceId: accepted.physicalResourceId }));
    expect(api.detective.memberships(OUTSIDE, REGION)).toEqual([]);
    await dispatch(event('Delete', MEMBERSHIP, membership, { account: OUTSIDE, physicalResourceId: accepted.physicalResourceId }));
    expect(api.callsOf('DisassociateMembership', OUTSIDE, 'detective')).toHaveLength(1);

    actAs(api, ADMIN);
    await expect(dispatch(event('Delete', MEMBER, props, { physicalResourceId: result.physicalResourceId }))).resolves.toBeDefined();
  });

  test('VERIFICATION_FAILED fails with the reason, and the member this create added is removed', async () => {
    api.detective.failEmailVerification(OUTSIDE);
    const err = await invite('wrong@example.com').catch((e) => e);
    expect(err.message).toBe('1 member(s) did not reach INVITED or ENABLED: 444444444444 (VERIFICATION_FAILED: the account id and email '
      + "address do not match: give the email address of the account's root user)");
    expect(members().size).toBe(0);
  });

  test('a member without GuardDuty accepts and ends ACCEPTED_BUT_DISABLED: the membership fails with the reason', async () => {
    api.guardduty.removeDetector(OUTSIDE, REGION, api.guardduty.detectors(OUTSIDE, REGION)[0].id);
    await invite();
    actAs(api, OUTSIDE);
    const err = await dispatch(event('Create', MEMBERSHIP, { GraphArn: graphArn }, { account: OUTSIDE })).catch((e) => e);
    expect(err.message).toMatch(/is accepted, but the member is ACCEPTED_BUT_DISABLED \(VOLUME_UNKNOWN\): Detective cannot verify the data volume, usually because GuardDuty is not enabled in this account/);
  });

  test('a single organization member is enabled with the email read from Organizations; replacement by account removes the old', async () => {
    await organizationGraph();
    const props: DetectiveMemberProperties = { GraphArn: graphArn, AccountId: WORKLOAD };
    const result = await dispatch(event('Create', MEMBER, props));
    expect(result.data).toEqual({ AccountId: WORKLOAD, Status: 'ENABLED' });
    expect(api.callsOf('CreateMembers', ADMIN, 'detective')[0].input.Accounts).toEqual([{ AccountId: WORKLOAD, EmailAddress: 'workload@example.com' }]);
    await dispatch(event('Delete', MEMBER, props, { physicalResourceId: result.physicalResourceId }));
    expect(members().size).toBe(0);
  });

  describe('after the member left outside CloudFormation', () => {
    async function left() {
      const { props, result } = await invite();
      actAs(api, OUTSIDE);
      const membership: GraphMembershipResourceProperties = { GraphArn: graphArn };
      const accepted = await dispatch(event('Create', MEMBERSHIP, membership, { account: OUTSIDE }));
      const client = new DetectiveClient({ region: REGION, endpoint: api.url, credentials: api.credentialsFor(OUTSIDE) });
      await client.send(new DisassociateMembershipCommand({ GraphArn: graphArn }));
      expect(api.detective.memberships(OUTSIDE, REGION)).toEqual([]);
      return { props, memberPhysicalId: result.physicalResourceId, membership, physicalResourceId: accepted.physicalResourceId };
    }

    test('an update of the membership fails fast, saying the administrator must invite again and how', async () => {
      const { membership, physicalResourceId } = await left();
      const started = now();
      const err = await dispatch(event('Update', MEMBERSHIP, membership, { account: OUTSIDE, physicalResourceId, oldProperties: membership }))
        .catch((e) => e);
      expect(now() - started).toBeLessThan(20_000);
      expect(failureReason('GraphMembership G', err)).toMatch(new RegExp(`^GraphMembership G: no membership and no invitation to behavior graph ${graphArn}`
        + ' in this account and Region: the membership was removed outside CloudFormation .* Only the administrator \\(111111111111\\) can invite'));
    });

    test('its rollback succeeds, saying so', async () => {
      const { membership, physicalResourceId } = await left();
      const result = await dispatch(event('Update', MEMBERSHIP, membership, { account: OUTSIDE, physicalResourceId, oldProperties: membership }),
        { undoesCreate: false, rollback: true });
      expect(result.physicalResourceId).toBe(physicalResourceId);
    });

    test('the administrator\'s update invites it again, and the member\'s next deployment accepts', async () => {
      const { props, memberPhysicalId, membership, physicalResourceId } = await left();
      actAs(api, ADMIN);
      const changed: DetectiveMemberProperties = { ...props, Invitation: { Message: 'Join our graph again' } };
      await dispatch(event('Update', MEMBER, changed, { physicalResourceId: memberPhysicalId, oldProperties: props }));
      actAs(api, OUTSIDE);
      await dispatch(event('Update', MEMBERSHIP, membership, { account: OUTSIDE, physicalResourceId, oldProperties: membership }));
      expect(api.detective.memberships(OUTSIDE, REGION)).toEqual([{ graphArn, status: 'ENABLED', type: 'INVITATION' }]);
    });
  });
});
