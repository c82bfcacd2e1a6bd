/**
 * The local API's Detective: as strict as the service model and the API reference, with
 * Detective's typed errors (a laxer local API hides handler bugs).
 */
import {
  AcceptInvitationCommand,
  CreateGraphCommand,
  CreateMembersCommand,
  DeleteMembersCommand,
  DetectiveClient,
  EnableOrganizationAdminAccountCommand,
  ListGraphsCommand,
  TagResourceCommand,
  UpdateOrganizationConfigurationCommand,
} from '@aws-sdk/client-detective';
import { MAX_GRAPH_MEMBERS } from '../../src/local-api/detective';
import { LocalApi } from '../../src/local-api/server';

const ADMIN = '111111111111';
const REGION = 'us-east-1';

let api: LocalApi;
beforeAll(async () => { api = await new LocalApi().start(); });
afterAll(async () => { await api.stop(); });
beforeEach(() => api.reset());

const client = (account = ADMIN) =>
  new DetectiveClient({ region: REGION, endpoint: api.url, credentials: api.credentialsFor(account), maxAttempts: 1 });

const accounts = (n: number, from = 500000000000) =>
  Array.from({ length: n }, (_, i) => ({ AccountId: String(from + i), EmailAddress: `a${i}@example.com` }));

test('CreateGraph answers the same ARN to the same account, and refuses an account without 48 hours of GuardDuty', async () => {
  await expect(client().send(new CreateGraphCommand({}))).rejects.toMatchObject({ name: 'ConflictException', $metadata: { httpStatusCode: 409 } });
  api.guardduty.seedDetector(ADMIN, REGION);
  await expect(client().send(new CreateGraphCommand({}))).rejects.toMatchObject({ name: 'ConflictException' });
  api.guardduty.backdateDetectors(ADMIN, REGION, 48);
  const { GraphArn } = await client().send(new CreateGraphCommand({ Tags: { owner: 'security' } }));
  expect(GraphArn).toMatch(/^arn:aws:detective:us-east-1:111111111111:graph:[0-9a-f]{32}$/);
  expect((await client().send(new CreateGraphCommand({}))).GraphArn).toBe(GraphArn);
  expect((await client().send(new ListGraphsCommand({}))).GraphList?.map((g) => g.Arn)).toEqual([GraphArn]);
  expect((await client('222222222222').send(new ListGraphsCommand({}))).GraphList).toEqual([]);
});

test('requests that break the model are ValidationException: a malformed graph ARN, 51 accounts, an aws: tag key', async () => {
  const graphArn = api.detective.seedGraph(ADMIN, REGION);
  await expect(client().send(new CreateMembersCommand({ GraphArn: 'arn:aws:detective:us-east-1:111111111111:graph:xyz', Accounts: accounts(1) })))
    .rejects.toMatchObject({ name: 'ValidationException', ErrorCode: 'INVALID_GRAPH_ARN', $metadata: { httpStatusCode: 400 } });
  await expect(client().send(new CreateMembersCommand({ GraphArn: graphArn, Accounts: accounts(51) })))
    .rejects.toMatchObject({ name: 'ValidationException', ErrorCode: 'INVALID_REQUEST_BODY' });
  await expect(client().send(new TagResourceCommand({ ResourceArn: graphArn, Tags: { 'aws:owner': 'x' } })))
    .rejects.toMatchObject({ name: 'ValidationException' });
  expect(api.detective.graph(ADMIN, REGION)!.members.size).toBe(0);
});

test("another account's graph is ResourceNotFoundException", async () => {
  const graphArn = api.detective.seedGraph('222222222222', REGION);
  await expect(client().send(new CreateMembersCommand({ GraphArn: graphArn, Accounts: accounts(1) })))
    .rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
});

test(`a graph holds at most ${MAX_GRAPH_MEMBERS} members: ServiceQuotaExceededException`, async () => {
  const graphArn = api.detective.seedGraph(ADMIN, REGION);
  for (let i = 0; i < MAX_GRAPH_MEMBERS / 50; i++) {
    await client().send(new CreateMembersCommand({ GraphArn: graphArn, Accounts: accounts(50, 500000000000 + i * 50) }));
  }
  await expect(client().send(new CreateMembersCommand({ GraphArn: graphArn, Accounts: accounts(1, 600000000000) })))
    .rejects.toMatchObject({ name: 'ServiceQuotaExceededException', $metadata: { httpStatusCode: 402 } });
});

test('AcceptInvitation needs an INVITED membership: ConflictException before verification ends, ResourceNotFound without one', async () => {
  api.setSettleTime(60_000);
  const graphArn = api.detective.seedGraph(ADMIN, REGION);
  await client().send(new CreateMembersCommand({ GraphArn: graphArn, Accounts: [{ AccountId: '444444444444', EmailAddress: 'a@example.com' }] }));
  await expect(client('444444444444').send(new AcceptInvitationCommand({ GraphArn: graphArn }))).rejects.toMatchObject({ name: 'ConflictException' });
  await expect(client('555555555555').send(new AcceptInvitationCommand({ GraphArn: graphArn }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
});

test('organization operations: only the management account delegates; only the Detective administrator configures', async () => {
  api.organization.create('999999999999', 'management@example.com');
  api.organization.addAccount(ADMIN, 'security@example.com');
  await expect(client().send(new EnableOrganizationAdminAccountCommand({ AccountId: ADMIN }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
  const graphArn = api.detective.seedGraph(ADMIN, REGION);
  await expect(client().send(new UpdateOrganizationConfigurationCommand({ GraphArn: graphArn, AutoEnable: true })))
    .rejects.toMatchObject({ name: 'AccessDeniedException' });
  await client('999999999999').send(new EnableOrganizationAdminAccountCommand({ AccountId: ADMIN }));
  await client().send(new UpdateOrganizationConfigurationCommand({ GraphArn: graphArn, AutoEnable: true }));
  expect(api.detective.graph(ADMIN, REGION)!.autoEnable).toBe(true);
  await expect(client('999999999999').send(new EnableOrganizationAdminAccountCommand({ AccountId: '777777777777' })))
    .rejects.toMatchObject({ name: 'ValidationException' });
});

test('DeleteMembers of accounts that are not members answers them unprocessed, with no empty list of deleted ones', async () => {
  api.guardduty.seedDetector(ADMIN, REGION);
  api.guardduty.backdateDetectors(ADMIN, REGION, 48);
  const { GraphArn } = await client().send(new CreateGraphCommand({}));
  const out = await client().send(new DeleteMembersCommand({ GraphArn, AccountIds: ['222222222222'] }));
  expect(out.AccountIds).toBeUndefined();
  expect(out.UnprocessedAccounts?.map((u) => u.AccountId)).toEqual(['222222222222']);
  expect(api.callsOf('DeleteMembers').map((c) => c.status)).toEqual([200]);
});
