/**
 * The organization handlers (delegated administrator, organization configuration) and the member
 * handlers (one account, a set, the member side) through the real SDK against the local API,
 * across accounts: the management account, the delegated administrator and members.
 */
import { DeleteMembersCommand, DisableOrganizationAdminAccountCommand, DisassociateMembersCommand, GuardDutyClient, ListMembersCommand } from '@aws-sdk/client-guardduty';
import { dispatch } from '../../../lambda/dispatch';
import { failureReason } from '../../../lambda/shared/errors';
import { emulatorNow as now, LocalApi } from '../../../replay/src';
import { AdministratorAccountResource, AdministratorAccountResourceProperties } from '../../../src/private/resources/guardduty/administrator-account';
import { GuardDutyMemberProperties, GuardDutyMemberResource, GuardDutyMembersProperties, GuardDutyMembersResource } from '../../../src/private/resources/guardduty/members';
import { OrganizationAdminAccountResource } from '../../../src/private/resources/guardduty/organization-admin-account';
import { OrganizationConfigurationResource, OrganizationConfigurationResourceProperties } from '../../../src/private/resources/guardduty/organization-configuration';
import {
  ACCOUNT as ADMIN, actAs, createTestOrganization, event, ORGANIZATION, REGION, silenceHandlerLogs, startLocalApi,
} from '../events';

const { MANAGEMENT, WORKLOAD, SANDBOX, OUTSIDE } = ORGANIZATION;

let api: LocalApi;
let workloadsOu: string;
let sandboxOu: string;

beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(async () => api.stop());
beforeEach(() => {
  ({ workloadsOu, sandboxOu } = createTestOrganization(api));
  silenceHandlerLogs();
});
afterEach(() => {
  actAs(api, ADMIN);
  jest.restoreAllMocks();
});

const delegated = () => api.guardduty.multiAccount.delegatedAdministrator(REGION);
const adminDetector = () => api.guardduty.detectors(ADMIN, REGION)[0]?.id;

async function delegate(account = ADMIN) {
  actAs(api, MANAGEMENT);
  const result = await dispatch(event('Create', OrganizationAdminAccountResource.type, { AdminAccountId: account },
    { account: MANAGEMENT }));
  actAs(api, ADMIN);
  return result;
}

describe('OrganizationAdminAccount (management account)', () => {
  const TYPE = OrganizationAdminAccountResource.type;

  test('create enables the account, waits for ENABLED, and delegation enables GuardDuty in it', async () => {
    const result = await delegate();
    expect(result).toEqual({ physicalResourceId: `guardduty-organization-admin:${REGION}`, data: { AdminAccountId: ADMIN } });
    expect(delegated()).toEqual({ accountId: ADMIN, status: 'ENABLED' });
    expect(api.organization.delegatedAdministrators.get('guardduty.amazonaws.com')).toEqual(new Set([ADMIN]));
    expect(adminDetector()).toBeDefined();
    expect(api.callsOf('EnableOrganizationAdminAccount', MANAGEMENT)).toHaveLength(1);
  });

  test('an account that is already the administrator is adopted without a call', async () => {
    await delegate();
    await delegate();
    expect(api.callsOf('EnableOrganizationAdminAccount')).toHaveLength(1);
  });

  test('another account already in the role fails, naming it', async () => {
    await delegate(WORKLOAD);
    const err = await delegate().catch((e) => e);
    expect(failureReason('OrganizationAdminAccount A', err)).toMatch(
      /^OrganizationAdminAccount A: account 222222222222 is already the GuardDuty delegated administrator of this organization in this Region \(ENABLED\); there can be only one/);
    expect(delegated()?.accountId).toBe(WORKLOAD);
  });

  test('an update swaps the administrator in place: disable, wait through DISABLE_IN_PROGRESS, enable', async () => {
    await delegate(WORKLOAD);
    actAs(api, MANAGEMENT);
    await dispatch(event('Update', TYPE, { AdminAccountId: ADMIN }, {
      account: MANAGEMENT, physicalResourceId: `guardduty-organization-admin:${REGION}`, oldProperties: { AdminAccountId: WORKLOAD },
    }));
    expect(delegated()).toEqual({ accountId: ADMIN, status: 'ENABLED' });
    const order = api.calls.filter((c) => /OrganizationAdminAccount$/.test(c.operation) && !c.operation.startsWith('List')).map((c) => c.operation);
    expect(order).toEqual(['EnableOrganizationAdminAccount', 'DisableOrganizationAdminAccount', 'EnableOrganizationAdminAccount']);
  });

  test('delete disables and waits until it is gone; deleting again succeeds', async () => {
    await delegate();
    actAs(api, MANAGEMENT);
    const del = event('Delete', TYPE, { AdminAccountId: ADMIN }, { account: MANAGEMENT, physicalResourceId: `guardduty-organization-admin:${REGION}` });
    await dispatch(del);
    expect(delegated()).toBeUndefined();
    expect(api.organization.delegatedAdministrators.get('guardduty.amazonaws.com')).toEqual(new Set());
    await dispatch(del);
    expect(api.callsOf('DisableOrganizationAdminAccount')).toHaveLength(1);
  });

  test('a Delete of a physical id this resource never answered (forged in a cleanup phase, naming the administrator) removes nothing', async () => {
    await delegate();
    actAs(api, MANAGEMENT);
    api.calls.length = 0;
    await dispatch(event('Delete', TYPE, { AdminAccountId: ADMIN }, { account: MANAGEMENT, physicalResourceId: 'anything-else' }));
    expect(delegated()).toEqual({ accountId: ADMIN, status: 'ENABLED' });
    expect(api.calls).toEqual([]);
  });
});

describe('OrganizationAdminAccount in several Regions', () => {
  const TYPE = OrganizationAdminAccountResource.type;
  const OTHER = 'eu-west-1';
  const registered = () => api.organization.delegatedAdministrators.get('guardduty.amazonaws.com') ?? new Set();
  /** An event of the management account's stack in `region`, with the handler's SDK in that Region. */
  async function inRegion(region: string, requestType: 'Create' | 'Delete') {
    Object.assign(process.env, api.environmentFor(MANAGEMENT, region));
    const e = event(requestType, TYPE, { AdminAccountId: ADMIN }, { account: MANAGEMENT, physicalResourceId: `guardduty-organization-admin:${region}` });
    return dispatch({ ...e, StackId: e.StackId.replace(`:${REGION}:`, `:${region}:`) });
  }

  test('the AWS Organizations registration goes with the last Region, not before', async () => {
    await inRegion(REGION, 'Create');
    await inRegion(OTHER, 'Create');
    expect([REGION, OTHER].map((r) => api.guardduty.multiAccount.delegatedAdministrator(r)?.status)).toEqual(['ENABLED', 'ENABLED']);
    // GuardDuty's own API removes the administrator in one Region; the registration is global.
    await inRegion(REGION, 'Delete');
    expect(api.guardduty.multiAccount.delegatedAdministrator(REGION)).toBeUndefined();
    expect(registered()).toEqual(new Set([ADMIN]));
    expect(api.callsOf('DeregisterDelegatedAdministrator')).toEqual([]);
    // The other Regions were asked, as the management account (every GuardDuty Region of the partition but this one).
    const asked = new Set(api.callsOf('ListOrganizationAdminAccounts', MANAGEMENT).map((c) => c.region));
    expect(asked.has(OTHER) && asked.has('ap-east-2') && asked.size).toBe(34);
    await inRegion(OTHER, 'Delete');
    expect(registered()).toEqual(new Set());
    expect(api.callsOf('DeregisterDelegatedAdministrator').map((c) => [c.region, c.input])).toEqual([
      [OTHER, { AccountId: ADMIN, ServicePrincipal: 'guardduty.amazonaws.com' }],
    ]);
  });
});

describe('OrganizationConfiguration (delegated administrator)', () => {
  const TYPE = OrganizationConfigurationResource.type;
  const config = () => api.guardduty.multiAccount.organizationConfiguration(ADMIN, REGION);
  const feature = (name: string) => config().features.get(name);

  test('create writes members ALL and the named features, and leaves the others as they are', async () => {
    await delegate();
    const props: OrganizationConfigurationResourceProperties = {
      DetectorId: adminDetector()!,
      AutoEnableOrganizationMembers: 'ALL',
      Features: [
        { Name: 'S3_DATA_EVENTS', AutoEnable: 'ALL' },
        { Name: 'RUNTIME_MONITORING', AutoEnable: 'NEW', AdditionalConfiguration: [{ Name: 'EKS_ADDON_MANAGEMENT', AutoEnable: 'NEW' }] },
      ],
    };
    const result = await dispatch(event('Create', TYPE, props, { logicalId: 'OrgConfig' }));
    // With what it changed, as it was, for a rollback of this create.
    expect(result.physicalResourceId).toMatch(new RegExp(`^${adminDetector()}:organization-configuration:OrgConfig#[A-Za-z0-9_-]+$`));
    expect(config().autoEnableOrganizationMembers).toBe('ALL');
    expect(feature('S3_DATA_EVENTS')?.autoEnable).toBe('ALL');
    expect(feature('RUNTIME_MONITORING')).toEqual({
      autoEnable: 'NEW',
      additional: new Map([
        ['EKS_ADDON_MANAGEMENT', 'NEW'], ['ECS_FARGATE_AGENT_MANAGEMENT', 'NONE'], ['EC2_AGENT_MANAGEMENT', 'NONE'],
      ]),
    });
    expect(feature('EKS_AUDIT_LOGS')?.autoEnable).toBe('NONE');
  });

  test('the Delete undoing the create (a failed first deployment) writes back what it changed, not NONE', async () => {
    await delegate();
    const detectorId = adminDetector()!;
    await dispatch(event('Create', TYPE, {
      DetectorId: detectorId,
      AutoEnableOrganizationMembers: 'NEW',
      Features: [{ Name: 'EKS_AUDIT_LOGS', AutoEnable: 'ALL' }],
    }, { logicalId: 'Earlier' }));
    const props: OrganizationConfigurationResourceProperties = {
      DetectorId: detectorId,
      AutoEnableOrganizationMembers: 'ALL',
      Features: [{ Name: 'EKS_AUDIT_LOGS', AutoEnable: 'NEW' }, { Name: 'S3_DATA_EVENTS', AutoEnable: 'ALL' }],
    };
    const { physicalResourceId } = await dispatch(event('Create', TYPE, props, { logicalId: 'OrgConfig' }));
    expect(config().autoEnableOrganizationMembers).toBe('ALL');

    await dispatch(event('Delete', TYPE, props, { logicalId: 'OrgConfig', physicalResourceId }), { undoesCreate: true, rollback: false });
    expect(config().autoEnableOrganizationMembers).toBe('NEW');
    expect(feature('EKS_AUDIT_LOGS')?.autoEnable).toBe('ALL');
    expect(feature('S3_DATA_EVENTS')?.autoEnable).toBe('NONE');
    // Any other Delete (DESTROY) resets what it manages to NONE.
    await dispatch(event('Delete', TYPE, props, { logicalId: 'OrgConfig', physicalResourceId }));
    expect(config().autoEnableOrganizationMembers).toBe('NONE');
  });

  test('after the delegated administrator was disabled outside CloudFormation: an update fails saying so; its rollback succeeds', async () => {
    await delegate();
    const props: OrganizationConfigurationResourceProperties = { DetectorId: adminDetector()!, AutoEnableOrganizationMembers: 'NEW' };
    const created = await dispatch(event('Create', TYPE, props, { logicalId: 'OrgConfig' }));
    const management = new GuardDutyClient({ region: REGION, endpoint: api.url, credentials: api.credentialsFor(MANAGEMENT) });
    await management.send(new DisableOrganizationAdminAccountCommand({ AdminAccountId: ADMIN }));
    const next = { ...props, AutoEnableOrganizationMembers: 'ALL' };
    const update = (rollback: boolean) => dispatch(event('Update', TYPE, next, {
      logicalId: 'OrgConfig',
      physicalResourceId: created.physicalResourceId,
      oldProperties: props,
    }), { undoesCreate: false, rollback });

    const err = await update(false).catch((e) => e);
    expect(failureReason('OrganizationConfiguration O', err)).toMatch(/^OrganizationConfiguration O: DescribeOrganizationConfiguration failed: BadRequestException: .*; this account is not \(any more\) GuardDuty's delegated administrator: make it the administrator again/);
    await expect(update(true)).resolves.toEqual({ physicalResourceId: created.physicalResourceId });
  });

  test('two configurations of one detector applied in turn both hold: each writes only what it manages', async () => {
    await delegate();
    const detectorId = adminDetector()!;
    await dispatch(event('Create', TYPE, { DetectorId: detectorId, AutoEnableOrganizationMembers: 'NEW', Features: [{ Name: 'S3_DATA_EVENTS', AutoEnable: 'ALL' }] },
      { logicalId: 'Members' }));
    await dispatch(event('Create', TYPE, { DetectorId: detectorId, Features: [{ Name: 'EKS_AUDIT_LOGS', AutoEnable: 'NEW' }] }, { logicalId: 'Eks' }));
    expect(config().autoEnableOrganizationMembers).toBe('NEW');
    expect(feature('S3_DATA_EVENTS')?.autoEnable).toBe('ALL');
    expect(feature('EKS_AUDIT_LOGS')?.autoEnable).toBe('NEW');
    // The second write sent the members setting it read, not a default.
    expect(api.callsOf('UpdateOrganizationConfiguration')[1].input).toMatchObject({ AutoEnableOrganizationMembers: 'NEW' });
  });

  test('delete (DESTROY) sets what it manages back to NONE', async () => {
    await delegate();
    const props = { DetectorId: adminDetector()!, AutoEnableOrganizationMembers: 'ALL', Features: [{ Name: 'S3_DATA_EVENTS', AutoEnable: 'ALL' }] };
    const created = await dispatch(event('Create', TYPE, props));
    await dispatch(event('Delete', TYPE, props, { physicalResourceId: created.physicalResourceId }));
    expect(config().autoEnableOrganizationMembers).toBe('NONE');
    expect(feature('S3_DATA_EVENTS')?.autoEnable).toBe('NONE');
  });

  test('delete succeeds when there is nothing left to reset: the account no longer the administrator, or its detector gone', async () => {
    await delegate();
    const props = { DetectorId: adminDetector()!, AutoEnableOrganizationMembers: 'ALL', Features: [{ Name: 'S3_DATA_EVENTS', AutoEnable: 'ALL' }] };
    const created = await dispatch(event('Create', TYPE, props));
    // The management account moves the delegation to another account.
    actAs(api, MANAGEMENT);
    await dispatch(event('Update', OrganizationAdminAccountResource.type, { AdminAccountId: WORKLOAD }, {
      account: MANAGEMENT, physicalResourceId: `guardduty-organization-admin:${REGION}`, oldProperties: { AdminAccountId: ADMIN },
    }));
    actAs(api, ADMIN);
    const writes = api.callsOf('UpdateOrganizationConfiguration').length;
    await expect(dispatch(event('Delete', TYPE, props, { physicalResourceId: created.physicalResourceId }))).resolves.toBeDefined();
    expect(api.callsOf('UpdateOrganizationConfiguration')).toHaveLength(writes);
    expect(api.callsOf('ListDetectors', ADMIN).length).toBeGreaterThan(0);

    api.guardduty.removeDetector(ADMIN, REGION, props.DetectorId);
    await expect(dispatch(event('Delete', TYPE, props, { physicalResourceId: created.physicalResourceId }))).resolves.toBeDefined();
  });

  test('an account that is not the delegated administrator fails with GuardDuty\'s answer', async () => {
    const detectorId = api.guardduty.seedDetector(ADMIN, REGION);
    const err = await dispatch(event('Create', TYPE, { DetectorId: detectorId, AutoEnableOrganizationMembers: 'ALL' })).catch((e) => e);
    expect(failureReason('OrganizationConfiguration C', err)).toMatch(
      /^OrganizationConfiguration C: DescribeOrganizationConfiguration failed: BadRequestException: .*; this account is not \(any more\) GuardDuty's delegated administrator/);
  });
});

describe('MemberAccount (administrator side)', () => {
  const TYPE = GuardDutyMemberResource.type;

  test('organization mode: the email comes from Organizations, the member is Enabled, GuardDuty is on in it, features pushed', async () => {
    await delegate();
    const props: GuardDutyMemberProperties = {
      DetectorId: adminDetector()!,
      AccountId: WORKLOAD,
      Features: [{ Name: 'EKS_AUDIT_LOGS', Status: 'DISABLED' }],
    };
    const result = await dispatch(event('Create', TYPE, props));
    expect(result.physicalResourceId).toBe(`${adminDetector()}:${WORKLOAD}`);
    const [member] = api.guardduty.multiAccount.members(ADMIN, REGION);
    expect(member).toMatchObject({ accountId: WORKLOAD, email: 'workload@example.com', status: 'Enabled', viaOrganization: true });
    expect(api.callsOf('DescribeAccount')).toHaveLength(1);
    const memberDetector = api.guardduty.detectors(WORKLOAD, REGION)[0];
    expect(memberDetector.features.get('EKS_AUDIT_LOGS')?.status).toBe('DISABLED');
    expect(api.guardduty.multiAccount.administrator(WORKLOAD, REGION)).toEqual({ accountId: ADMIN });
  });

  test('delete disassociates, then deletes; deleting a member already gone succeeds', async () => {
    await delegate();
    const props = { DetectorId: adminDetector()!, AccountId: WORKLOAD };
    const created = await dispatch(event('Create', TYPE, props));
    const del = event('Delete', TYPE, props, { physicalResourceId: created.physicalResourceId });
    await dispatch(del);
    expect(api.guardduty.multiAccount.members(ADMIN, REGION)).toEqual([]);
    expect(api.calls.filter((c) => /^(Disassociate|Delete)Members$/.test(c.operation)).map((c) => c.operation))
      .toEqual(['DisassociateMembers', 'DeleteMembers']);
    await dispatch(del);
    expect(api.callsOf('DeleteMembers')).toHaveLength(1);
  });

  test('an account outside the organization in organization mode fails with advice', async () => {
    await delegate();
    const err = await dispatch(event('Create', TYPE, { DetectorId: adminDetector()!, AccountId: OUTSIDE })).catch((e) => e);
    expect(failureReason('MemberAccount M', err)).toBe('MemberAccount M: account 444444444444 is not in this organization: add it to the '
      + 'organization, or add it by invitation (give `invitation` and the account\'s root user email)');
    expect(api.callsOf('CreateMembers')).toHaveLength(0);
  });

  test('the management account without a detector: GuardDuty\'s per-account reason is reported, not swallowed', async () => {
    await delegate();
    const err = await dispatch(event('Create', TYPE, { DetectorId: adminDetector()!, AccountId: MANAGEMENT })).catch((e) => e);
    expect(failureReason('MemberAccount M', err)).toBe('MemberAccount M: CreateMembers did not process 1 account(s): 999999999999 '
      + '(Operation failed because your organization master must first enable GuardDuty to be added as a member)');
  });

  test('invitation mode, then the member accepts (after the invitation shows up), then the administrator removes it', async () => {
    const adminDetectorId = api.guardduty.seedDetector(ADMIN, REGION);
    const memberDetectorId = api.guardduty.seedDetector(OUTSIDE, REGION);
    const props: GuardDutyMemberProperties = {
      DetectorId: adminDetectorId,
      AccountId: OUTSIDE,
      Email: 'outside@example.com',
      Invitation: { Message: 'Join the security team', DisableEmailNotification: 'true' },
    };
    api.setListLag(1_500);
    const created = await dispatch(event('Create', TYPE, props));
    expect(api.guardduty.multiAccount.members(ADMIN, REGION)[0]).toMatchObject({ status: 'Invited', viaOrganization: false });
    expect(api.callsOf('InviteMembers')[0].input).toMatchObject({ Message: 'Join the security team', DisableEmailNotification: true });

    actAs(api, OUTSIDE);
    const accept: AdministratorAccountResourceProperties = { DetectorId: memberDetectorId, AdministratorAccountId: ADMIN };
    const accepted = await dispatch(event('Create', AdministratorAccountResource.type, accept, { account: OUTSIDE }));
    expect(accepted.physicalResourceId).toBe(`${memberDetectorId}:administrator`);
    expect(api.callsOf('ListInvitations', OUTSIDE).length).toBeGreaterThan(1);
    expect(api.guardduty.multiAccount.members(ADMIN, REGION)[0].status).toBe('Enabled');

    actAs(api, ADMIN);
    await dispatch(event('Delete', TYPE, props, { physicalResourceId: created.physicalResourceId }));
    expect(api.guardduty.multiAccount.administrator(OUTSIDE, REGION)).toBeUndefined();
    // The member stack's own delete finds nothing to leave.
    actAs(api, OUTSIDE);
    await dispatch(event('Delete', AdministratorAccountResource.type, accept, { account: OUTSIDE, physicalResourceId: accepted.physicalResourceId }));
    expect(api.callsOf('DisassociateFromAdministratorAccount')).toHaveLength(0);
  });

  test('an invitation email GuardDuty cannot verify fails with the status and what to do', async () => {
    const adminDetectorId = api.guardduty.seedDetector(ADMIN, REGION);
    api.guardduty.multiAccount.failEmailVerification(OUTSIDE);
    const err = await dispatch(event('Create', TYPE, {
      DetectorId: adminDetectorId, AccountId: OUTSIDE, Email: 'wrong@example.com', Invitation: {},
    })).catch((e) => e);
    expect(failureReason('MemberAccount M', err)).toBe('MemberAccount M: 1 member(s) did not reach Invited or Enabled: 444444444444 '
      + '(EmailVerificationFailed: GuardDuty could not verify the invitation email: give the email address of the account\'s root user)');
  });

  test('a failed create leaves no member behind, and the rollback Delete calls nothing', async () => {
    const adminDetectorId = api.guardduty.seedDetector(ADMIN, REGION);
    api.guardduty.multiAccount.failEmailVerification(OUTSIDE);
    const props = { DetectorId: adminDetectorId, AccountId: OUTSIDE, Email: 'wrong@example.com', Invitation: {} };
    await expect(dispatch(event('Create', TYPE, props))).rejects.toThrow(/EmailVerificationFailed/);
    // Listed through the API, whatever the status (OnlyAssociated=false shows invited members too).
    const listed = await new GuardDutyClient({}).send(new ListMembersCommand({ DetectorId: adminDetectorId, OnlyAssociated: 'false' }));
    expect(listed.Members ?? []).toEqual([]);
    expect(api.callsOf('DeleteMembers')).toHaveLength(1);

    const before = api.calls.length;
    await dispatch(event('Delete', TYPE, props, { physicalResourceId: 'cdk-threat-detection:create-failed' }));
    expect(api.calls.length).toBe(before);
  });
});

describe('MemberAccounts (administrator side, failure)', () => {
  test('a failed create removes every member it added, and only those', async () => {
    const adminDetectorId = api.guardduty.seedDetector(ADMIN, REGION);
    // An earlier member of the detector, not this set's: it must stay.
    await dispatch(event('Create', GuardDutyMemberResource.type, {
      DetectorId: adminDetectorId, AccountId: WORKLOAD, Email: 'workload@example.com', Invitation: {},
    }));
    api.guardduty.multiAccount.failEmailVerification(OUTSIDE);
    const err = await dispatch(event('Create', GuardDutyMembersResource.type, {
      DetectorId: adminDetectorId,
      Accounts: [{ AccountId: SANDBOX, Email: 'sandbox@example.com' }, { AccountId: OUTSIDE, Email: 'wrong@example.com' }],
      Invitation: {},
    })).catch((e) => e);
    expect(String(err)).toMatch(/444444444444 \(EmailVerificationFailed/);
    expect(api.guardduty.multiAccount.members(ADMIN, REGION).map((m) => m.accountId)).toEqual([WORKLOAD]);
  });
});

describe('AdministratorAccount (member side)', () => {
  const TYPE = AdministratorAccountResource.type;

  test('a member the delegated administrator added is associated without an invitation: success, and delete leaves it', async () => {
    await delegate();
    await dispatch(event('Create', GuardDutyMemberResource.type, { DetectorId: adminDetector()!, AccountId: WORKLOAD }));
    actAs(api, WORKLOAD);
    const memberDetectorId = api.guardduty.detectors(WORKLOAD, REGION)[0].id;
    const props = { DetectorId: memberDetectorId, AdministratorAccountId: ADMIN };
    const created = await dispatch(event('Create', TYPE, props, { account: WORKLOAD }));
    expect(api.callsOf('AcceptAdministratorInvitation')).toHaveLength(0);
    await dispatch(event('Delete', TYPE, props, { account: WORKLOAD, physicalResourceId: created.physicalResourceId }));
    expect(api.callsOf('DisassociateFromAdministratorAccount')).toHaveLength(0);
    expect(api.guardduty.multiAccount.administrator(WORKLOAD, REGION)).toEqual({ accountId: ADMIN });
  });

  test('associated with another administrator: fails naming it', async () => {
    await delegate();
    await dispatch(event('Create', GuardDutyMemberResource.type, { DetectorId: adminDetector()!, AccountId: WORKLOAD }));
    actAs(api, WORKLOAD);
    const memberDetectorId = api.guardduty.detectors(WORKLOAD, REGION)[0].id;
    const err = await dispatch(event('Create', TYPE, { DetectorId: memberDetectorId, AdministratorAccountId: OUTSIDE }, { account: WORKLOAD }))
      .catch((e) => e);
    expect(failureReason('AdministratorAccount A', err)).toMatch(
      /^AdministratorAccount A: this account is a member of administrator 111111111111, not 444444444444; an account has one administrator at a time/);
  });
});

describe('AdministratorAccount after its membership was removed outside CloudFormation', () => {
  const TYPE = AdministratorAccountResource.type;

  /** An invited member that accepted; then the administrator removed it (outside the member's stack). */
  async function removedMember() {
    const adminDetectorId = api.guardduty.seedDetector(ADMIN, REGION);
    const memberDetectorId = api.guardduty.seedDetector(OUTSIDE, REGION);
    const member: GuardDutyMemberProperties = { DetectorId: adminDetectorId, AccountId: OUTSIDE, Email: 'outside@example.com', Invitation: { Message: 'Join' } };
    const created = await dispatch(event('Create', GuardDutyMemberResource.type, member));
    actAs(api, OUTSIDE);
    const accept: AdministratorAccountResourceProperties = { DetectorId: memberDetectorId, AdministratorAccountId: ADMIN };
    const accepted = await dispatch(event('Create', TYPE, accept, { account: OUTSIDE }));
    // The administrator removes it with the API, not through its stack.
    const admin = new GuardDutyClient({ region: REGION, endpoint: api.url, credentials: api.credentialsFor(ADMIN) });
    await admin.send(new DisassociateMembersCommand({ DetectorId: adminDetectorId, AccountIds: [OUTSIDE] }));
    await admin.send(new DeleteMembersCommand({ DetectorId: adminDetectorId, AccountIds: [OUTSIDE] }));
    expect(api.guardduty.multiAccount.administrator(OUTSIDE, REGION)).toBeUndefined();
    return { member, memberPhysicalId: created.physicalResourceId, accept, physicalResourceId: accepted.physicalResourceId };
  }

  test('an update fails fast (no two-minute wait) saying the administrator must invite again, and which deployment does it', async () => {
    const { accept, physicalResourceId } = await removedMember();
    const started = now();
    const err = await dispatch(event('Update', TYPE, accept, { account: OUTSIDE, physicalResourceId, oldProperties: accept })).catch((e) => e);
    expect(now() - started).toBeLessThan(20_000);
    expect(failureReason('AdministratorAccount A', err)).toMatch(new RegExp('^AdministratorAccount A: this account is not associated with '
      + `administrator ${ADMIN} and has no invitation from it: the association was removed outside CloudFormation .* Only the administrator `
      + 'can invite it again: change its MemberAccount for this account .* and deploy the administrator\'s stack'));
  });

  test('its rollback succeeds without the association (no member call can bring it back), saying so', async () => {
    const { accept, physicalResourceId } = await removedMember();
    const logged: string[] = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => { logged.push(line); });
    const result = await dispatch(event('Update', TYPE, accept, { account: OUTSIDE, physicalResourceId, oldProperties: accept }),
      { undoesCreate: false, rollback: true });
    expect(result).toEqual({ physicalResourceId, data: { AdministratorAccountId: ADMIN } });
    expect(logged.join('\n')).toMatch(/Rollback: this account stays without its association with administrator/);
  });

  test('the administrator\'s update re-invites the account, and the member\'s next deployment accepts', async () => {
    const { member, memberPhysicalId, accept, physicalResourceId } = await removedMember();
    actAs(api, ADMIN);
    const changed: GuardDutyMemberProperties = { ...member, Invitation: { Message: 'Join again' } };
    await dispatch(event('Update', GuardDutyMemberResource.type, changed, { physicalResourceId: memberPhysicalId, oldProperties: member }));
    expect(api.guardduty.multiAccount.members(ADMIN, REGION)[0].status).toBe('Invited');
    actAs(api, OUTSIDE);
    await dispatch(event('Update', TYPE, accept, { account: OUTSIDE, physicalResourceId, oldProperties: accept }));
    expect(api.guardduty.multiAccount.administrator(OUTSIDE, REGION)).toMatchObject({ accountId: ADMIN });
  });
});

describe('MemberAccounts (a set)', () => {
  const TYPE = GuardDutyMembersResource.type;

  test('a set read from an OU includes its child OUs, skips suspended accounts and the administrator, and reconciles on update', async () => {
    await delegate();
    api.organization.addAccount('555555555555', 'suspended@example.com', workloadsOu, 'SUSPENDED');
    const detectorId = adminDetector()!;
    const fromOu: GuardDutyMembersProperties = { DetectorId: detectorId, Organization: { ParentIds: [workloadsOu] } };
    const created = await dispatch(event('Create', TYPE, fromOu, { logicalId: 'Workloads' }));
    expect(created).toEqual({ physicalResourceId: `${detectorId}:members:Workloads`, data: { MemberCount: '2', ExcludedAccounts: '' } });
    const ids = () => api.guardduty.multiAccount.members(ADMIN, REGION).map((m) => m.accountId).sort();
    expect(ids()).toEqual([WORKLOAD, SANDBOX]);

    // A features-only update reads the unchanged source once, and pushes the features to every member.
    const withFeatures: GuardDutyMembersProperties = { ...fromOu, Features: [{ Name: 'RDS_LOGIN_EVENTS', Status: 'DISABLED' }] };
    api.calls.length = 0;
    await dispatch(event('Update', TYPE, withFeatures, { logicalId: 'Workloads', physicalResourceId: created.physicalResourceId, oldProperties: fromOu }));
    expect(api.callsOf('ListAccountsForParent')).toHaveLength(2); // workloads OU and its sandbox child, once each
    expect(api.callsOf('UpdateMemberDetectors')[0].input.AccountIds).toEqual(expect.arrayContaining([WORKLOAD, SANDBOX]));
    expect(api.callsOf('CreateMembers')).toHaveLength(0);

    const narrower: GuardDutyMembersProperties = { DetectorId: detectorId, Organization: { ParentIds: [workloadsOu], ExcludeAccountIds: [SANDBOX] } };
    await dispatch(event('Update', TYPE, narrower, { logicalId: 'Workloads', physicalResourceId: created.physicalResourceId, oldProperties: withFeatures }));
    expect(ids()).toEqual([WORKLOAD]);

    await dispatch(event('Delete', TYPE, narrower, { logicalId: 'Workloads', physicalResourceId: created.physicalResourceId }));
    expect(ids()).toEqual([]);
  });

  test('an update to an OU id that does not exist fails naming it; its rollback restores the set without reading that OU; a delete skips it', async () => {
    await delegate();
    const detectorId = adminDetector()!;
    const ids = () => api.guardduty.multiAccount.members(ADMIN, REGION).map((m) => m.accountId).sort();
    const fromOu: GuardDutyMembersProperties = { DetectorId: detectorId, Organization: { ParentIds: [workloadsOu] } };
    const created = await dispatch(event('Create', TYPE, fromOu, { logicalId: 'Workloads' }));
    // A well-formed OU id with a typo, as a new user writes it.
    const typo: GuardDutyMembersProperties = { DetectorId: detectorId, Organization: { ParentIds: ['ou-wxyz-typo1234'] } };
    const update = { logicalId: 'Workloads', physicalResourceId: created.physicalResourceId };
    const failed = await dispatch(event('Update', TYPE, typo, { ...update, oldProperties: fromOu })).catch((e: Error) => e);
    expect((failed as Error).message).toMatch(/`parentIds` \(MemberAccountSource.fromOrganization\) names ou-wxyz-typo1234, which is not a root or OU of this organization \(AWS Organizations: ParentNotFoundException\)/);
    expect(ids()).toEqual([WORKLOAD, SANDBOX]);
    // CloudFormation's rollback Update: the old properties, with the failed ones as "old".
    const rolledBack = await dispatch(event('Update', TYPE, fromOu, { ...update, oldProperties: typo }), { undoesCreate: false, rollback: true });
    expect(rolledBack).toEqual({ physicalResourceId: created.physicalResourceId, data: { MemberCount: '2', ExcludedAccounts: '' } });
    expect(ids()).toEqual([WORKLOAD, SANDBOX]);
    // A set whose OU is gone (or never was) deletes what it still can, instead of failing forever.
    await dispatch(event('Delete', TYPE, { ...fromOu, Organization: { ParentIds: [workloadsOu, 'ou-wxyz-gone5678'] } }, update));
    expect(ids()).toEqual([]);
  });

  test('feature overrides: the overridden accounts get their own list, the others the set\'s; an override removed gives the set\'s back', async () => {
    await delegate();
    const detectorId = adminDetector()!;
    const status = (account: string, feature: string) => api.guardduty.detectors(account, REGION)[0].features.get(feature);
    const base: GuardDutyMembersProperties = {
      DetectorId: detectorId,
      Organization: { ParentIds: [workloadsOu] },
      Features: [{ Name: 'RDS_LOGIN_EVENTS', Status: 'DISABLED' }],
    };
    // Sandbox: RDS login events on (replacing the set's), and Runtime Monitoring with its EC2 agent, named only there.
    const withOverride: GuardDutyMembersProperties = {
      ...base,
      FeatureOverrides: [{
        AccountIds: [SANDBOX],
        Features: [
          { Name: 'RDS_LOGIN_EVENTS', Status: 'ENABLED' },
          { Name: 'RUNTIME_MONITORING', Status: 'ENABLED', AdditionalConfiguration: [{ Name: 'EC2_AGENT_MANAGEMENT', Status: 'ENABLED' }] },
        ],
      }],
    };
    const created = await dispatch(event('Create', TYPE, withOverride, { logicalId: 'Workloads' }));
    expect(status(WORKLOAD, 'RDS_LOGIN_EVENTS')?.status).toBe('DISABLED');
    expect(status(SANDBOX, 'RDS_LOGIN_EVENTS')?.status).toBe('ENABLED');
    expect(status(SANDBOX, 'RUNTIME_MONITORING')?.status).toBe('ENABLED');
    expect(status(SANDBOX, 'RUNTIME_MONITORING')?.additional.get('EC2_AGENT_MANAGEMENT')?.status).toBe('ENABLED');
    // One call per distinct list, each with its own accounts.
    expect(api.callsOf('UpdateMemberDetectors').map((c) => c.input.AccountIds)).toEqual([[SANDBOX], [WORKLOAD]]);

    // The override removed: the sandbox gets the set's list again; Runtime Monitoring, named only in the override, stays.
    api.calls.length = 0;
    await dispatch(event('Update', TYPE, base, { logicalId: 'Workloads', physicalResourceId: created.physicalResourceId, oldProperties: withOverride }));
    expect(status(SANDBOX, 'RDS_LOGIN_EVENTS')?.status).toBe('DISABLED');
    expect(status(SANDBOX, 'RUNTIME_MONITORING')?.status).toBe('ENABLED');
    expect(api.callsOf('UpdateMemberDetectors').map((c) => [...(c.input.AccountIds as string[])].sort())).toEqual([[WORKLOAD, SANDBOX].sort()]);

    // An unchanged update pushes nothing.
    api.calls.length = 0;
    await dispatch(event('Update', TYPE, { ...base, Organization: { ParentIds: [workloadsOu], ExcludeAccountIds: [] } },
      { logicalId: 'Workloads', physicalResourceId: created.physicalResourceId, oldProperties: base }));
    expect(api.callsOf('UpdateMemberDetectors')).toHaveLength(0);
  });

  test('an override naming an account outside the set fails naming it, and the failed create leaves no member', async () => {
    await delegate();
    const props: GuardDutyMembersProperties = {
      DetectorId: adminDetector()!,
      Organization: { ParentIds: [sandboxOu] },
      FeatureOverrides: [{ AccountIds: [WORKLOAD], Features: [{ Name: 'S3_DATA_EVENTS', Status: 'ENABLED' }] }],
    };
    const err = await dispatch(event('Create', TYPE, props, { logicalId: 'Sandbox' })).catch((e) => e);
    expect(failureReason('MemberAccounts Sandbox', err)).toMatch(
      new RegExp(`featureOverrides name 1 account\\(s\\) that are not members of this set: ${WORKLOAD}`));
    expect(api.guardduty.multiAccount.members(ADMIN, REGION)).toEqual([]);
  });

  test('excluded OUs leave out their accounts and those of the OUs below them', async () => {
    await delegate();
    const root = api.organization.rootId;
    const detectorId = adminDetector()!;
    const ids = () => api.guardduty.multiAccount.members(ADMIN, REGION).map((m) => m.accountId).sort();
    const SHARED = '777777777777';
    api.organization.addAccount(SHARED, 'shared@example.com', root);
    const organization = (o: { ParentIds?: string[]; ExcludeParentIds: string[] }) => ({ ...o, ExcludeAccountIds: [ORGANIZATION.MANAGEMENT] });
    // Everything under the root but the workloads OU (and its sandbox child).
    const props: GuardDutyMembersProperties = {
      DetectorId: detectorId, Organization: organization({ ParentIds: [root], ExcludeParentIds: [workloadsOu] }),
    };
    const created = await dispatch(event('Create', TYPE, props, { logicalId: 'AllButWorkloads' }));
    expect(ids()).toEqual([SHARED]);
    // The whole organization but the sandbox OU (a child of workloads).
    const wholeButSandbox: GuardDutyMembersProperties = { DetectorId: detectorId, Organization: organization({ ExcludeParentIds: [sandboxOu] }) };
    const physicalResourceId = created.physicalResourceId;
    await dispatch(event('Update', TYPE, wholeButSandbox, { logicalId: 'AllButWorkloads', physicalResourceId, oldProperties: props }));
    expect(ids()).toEqual([WORKLOAD, SHARED]);
    // WORKLOAD moves into the sandbox OU: a set removes only accounts its old properties name (read
    // now), so a member that moved out of the source is left alone, as one that left an included OU is.
    api.organization.moveAccount(WORKLOAD, sandboxOu);
    const again: GuardDutyMembersProperties = { ...wholeButSandbox, Features: [{ Name: 'RDS_LOGIN_EVENTS', Status: 'ENABLED' }] };
    await dispatch(event('Update', TYPE, again, { logicalId: 'AllButWorkloads', physicalResourceId, oldProperties: wholeButSandbox }));
    expect(ids()).toEqual([WORKLOAD, SHARED]);
    expect(api.callsOf('UpdateMemberDetectors').at(-1)!.input.AccountIds).toEqual([SHARED]);
  });

  test('a listed set: emails missing from the list are read from the organization', async () => {
    await delegate();
    const props: GuardDutyMembersProperties = { DetectorId: adminDetector()!, Accounts: [{ AccountId: WORKLOAD }, { AccountId: SANDBOX, Email: 'given@example.com' }] };
    await dispatch(event('Create', TYPE, props));
    const emails = Object.fromEntries(api.guardduty.multiAccount.members(ADMIN, REGION).map((m) => [m.accountId, m.email]));
    expect(emails).toEqual({ [WORKLOAD]: 'workload@example.com', [SANDBOX]: 'given@example.com' });
  });

  test('10,000 accounts: ceil(N/50) calls per write and per read; an update adds and removes only the difference', async () => {
    await delegate();
    api.setSettleTime(0);
    const root = api.organization.rootId;
    const ous = Array.from({ length: 10 }, (_, i) => api.organization.addOrganizationalUnit(root, `ou-${i}`));
    for (let i = 0; i < 10_000; i++) {
      api.organization.addAccount(String(600_000_000_000 + i), `member-${i}@example.com`, ous[i % 10]);
    }
    const detectorId = adminDetector()!;
    const props: GuardDutyMembersProperties = {
      DetectorId: detectorId,
      Organization: { ParentIds: ous.slice(0, 9) },
      Features: [{ Name: 'RDS_LOGIN_EVENTS', Status: 'ENABLED' }],
    };
    api.calls.length = 0;
    const created = await dispatch(event('Create', TYPE, props));
    expect(created.data).toEqual({ MemberCount: '9000', ExcludedAccounts: '' });
    const counts = () => Object.fromEntries(['CreateMembers', 'UpdateMemberDetectors', 'DisassociateMembers', 'DeleteMembers', 'ListMembers',
      'GetMembers', 'ListAccountsForParent', 'ListOrganizationalUnitsForParent'].map((op) => [op, api.callsOf(op).length]));
    const createCounts = counts();
    expect(createCounts).toMatchObject({ CreateMembers: 180, UpdateMemberDetectors: 180, DisassociateMembers: 0, DeleteMembers: 0 });
    // 9,000 accounts at 20 per page in 9 OUs, each OU read once.
    expect(createCounts.ListAccountsForParent).toBe(9 * 50);
    // One read of the set's accounts first (180 GetMembers of 50, none a member yet); then the status
    // polls read only the accounts still pending, 50 to a GetMembers: settled at once, one poll of 180.
    expect(createCounts.ListMembers).toBe(0);
    expect(createCounts.GetMembers).toBe(180 + 180);
    expect(Math.max(...api.calls.filter((c) => c.operation === 'CreateMembers').map((c) => (c.input.AccountDetails as unknown[]).length))).toBe(50);

    // Swap one OU for another: 1,000 out, 1,000 in; features unchanged, so only the new accounts get them.
    const next: GuardDutyMembersProperties = { ...props, Organization: { ParentIds: [...ous.slice(1, 9), ous[9]] } };
    api.calls.length = 0;
    await dispatch(event('Update', TYPE, next, { physicalResourceId: created.physicalResourceId, oldProperties: props }));
    const swapCounts = counts();
    expect(swapCounts).toMatchObject({ CreateMembers: 20, UpdateMemberDetectors: 20, DisassociateMembers: 20, DeleteMembers: 20 });
    // The old and new sources share 8 OUs, read once each: 10 OUs of 1,000 accounts, 50 pages each.
    expect(swapCounts.ListAccountsForParent).toBe(10 * 50);
    // The first read covers the 10,000 accounts of both sources (200 calls); the 8,000 unchanged
    // members are not polled: only the 1,000 added, 50 to a call.
    expect(swapCounts.GetMembers).toBe(200 + 20);
    expect(api.guardduty.multiAccount.members(ADMIN, REGION)).toHaveLength(9_000);
    // eslint-disable-next-line no-console
    console.info(`10,000-account org, 9,000 members: create ${JSON.stringify(createCounts)}; OU swap ${JSON.stringify(swapCounts)}`);
  });
});
