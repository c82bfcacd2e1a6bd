/**
 * Lost answers: a write takes effect, its answer is lost (a 5xx after the fact), and the SDK's
 * retry is refused because the first attempt already did the work. The handler decides the
 * outcome by the state the write leaves (`writeThenConfirm`), so the event succeeds. One case per
 * write that failed this way when the example was replayed with one lost answer per write.
 */
import { ACCOUNT as ADMIN, actAs, createTestOrganization, event, ORGANIZATION, REGION, silenceHandlerLogs, startLocalApi } from './events';
import { dispatch } from '../../lambda/dispatch';
import { LocalApi } from '../../replay/src';
import { BehaviorGraphResource } from '../../src/private/resources/detective/behavior-graph';
import { GraphMembershipResource } from '../../src/private/resources/detective/graph-membership';
import { DetectiveMemberResource } from '../../src/private/resources/detective/members';
import { DetectiveOrganizationAdminAccountResource } from '../../src/private/resources/detective/organization-admin-account';
import { AdministratorAccountResource } from '../../src/private/resources/guardduty/administrator-account';
import { GuardDutyMemberResource } from '../../src/private/resources/guardduty/members';

const { MANAGEMENT, OUTSIDE } = ORGANIZATION;
const LOCATION = 'https://s3.us-east-1.amazonaws.com/lists-bucket/list.txt';

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(async () => api.stop());
beforeEach(() => {
  createTestOrganization(api);
  silenceHandlerLogs();
});
afterEach(() => {
  actAs(api, ADMIN);
  jest.restoreAllMocks();
});

/** The operation's calls: the first took effect and answered 500, the SDK's retry was refused. */
function expectLostThenRefused(operation: string, account: string, service: 'guardduty' | 'detective') {
  const statuses = api.callsOf(operation, account, service).map((c) => c.status);
  expect(statuses[0]).toBe(500);
  expect(statuses.slice(1).every((s) => s >= 400 && s < 500)).toBe(true);
}

test('GuardDuty AcceptAdministratorInvitation: the member is associated, the create succeeds', async () => {
  const adminDetector = api.guardduty.seedDetector(ADMIN, REGION);
  const memberDetector = api.guardduty.seedDetector(OUTSIDE, REGION);
  await dispatch(event('Create', GuardDutyMemberResource.type, {
    DetectorId: adminDetector, AccountId: OUTSIDE, Email: 'outside@example.com', Invitation: {},
  }));
  actAs(api, OUTSIDE);
  api.injectFault({ kind: 'internal-error-after-commit', operation: 'AcceptAdministratorInvitation', times: 1 });
  await expect(dispatch(event('Create', AdministratorAccountResource.type, { DetectorId: memberDetector, AdministratorAccountId: ADMIN },
    { account: OUTSIDE }))).resolves.toBeDefined();
  expectLostThenRefused('AcceptAdministratorInvitation', OUTSIDE, 'guardduty');
  expect(api.guardduty.multiAccount.administrator(OUTSIDE, REGION)).toMatchObject({ accountId: ADMIN });
});

test('Detective AcceptInvitation: the membership is enabled, the create succeeds', async () => {
  api.guardduty.seedDetector(ADMIN, REGION);
  api.guardduty.backdateDetectors(ADMIN, REGION, 72);
  api.guardduty.seedDetector(OUTSIDE, REGION);
  const graphArn = (await dispatch(event('Create', BehaviorGraphResource.type, {}))).physicalResourceId;
  await dispatch(event('Create', DetectiveMemberResource.type, {
    GraphArn: graphArn, AccountId: OUTSIDE, EmailAddress: 'outside@example.com', Invitation: {},
  }));
  actAs(api, OUTSIDE);
  api.injectFault({ kind: 'internal-error-after-commit', operation: 'AcceptInvitation', times: 1 });
  await expect(dispatch(event('Create', GraphMembershipResource.type, { GraphArn: graphArn }, { account: OUTSIDE }))).resolves.toBeDefined();
  expectLostThenRefused('AcceptInvitation', OUTSIDE, 'detective');
  expect(api.detective.memberships(OUTSIDE, REGION)).toEqual([{ graphArn, status: 'ENABLED', type: 'INVITATION' }]);
});

test('Detective DisableOrganizationAdminAccount: the administrator is disabled, the delete succeeds', async () => {
  actAs(api, MANAGEMENT);
  const created = await dispatch(event('Create', DetectiveOrganizationAdminAccountResource.type, { AdminAccountId: ADMIN }, { account: MANAGEMENT }));
  api.injectFault({ kind: 'internal-error-after-commit', operation: 'DisableOrganizationAdminAccount', times: 1 });
  await expect(dispatch(event('Delete', DetectiveOrganizationAdminAccountResource.type, { AdminAccountId: ADMIN },
    { account: MANAGEMENT, physicalResourceId: created.physicalResourceId }))).resolves.toBeDefined();
  expectLostThenRefused('DisableOrganizationAdminAccount', MANAGEMENT, 'detective');
  expect(api.detective.organizationAdministrator(REGION)).toBeUndefined();
});

test.each([
  ['IPSet', 'Custom::GuardDutyIPSet', 'UpdateIPSet', 'DeleteIPSet'],
  ['ThreatIntelSet', 'Custom::GuardDutyThreatIntelSet', 'UpdateThreatIntelSet', 'DeleteThreatIntelSet'],
])('%s: a lost Update answer (the retry refused while activating) and a lost Delete answer both succeed', async (_kind, type, update, remove) => {
  const detectorId = api.guardduty.seedDetector(ADMIN, REGION);
  const props = { DetectorId: detectorId, Name: 'list', Format: 'TXT', Location: LOCATION, Activate: 'true' };
  const created = await dispatch(event('Create', type, props));
  api.injectFault({ kind: 'internal-error-after-commit', operation: update, times: 1 });
  const renamed = { ...props, Name: 'renamed', ContentHash: 'b' };
  await expect(dispatch(event('Update', type, renamed, { physicalResourceId: created.physicalResourceId, oldProperties: props })))
    .resolves.toMatchObject({ physicalResourceId: created.physicalResourceId });
  expectLostThenRefused(update, ADMIN, 'guardduty');
  api.injectFault({ kind: 'internal-error-after-commit', operation: remove, times: 1 });
  await expect(dispatch(event('Delete', type, renamed, { physicalResourceId: created.physicalResourceId }))).resolves.toBeDefined();
});
