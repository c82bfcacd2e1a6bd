/**
 * The local API itself: it must be as strict as the service (a laxer one hides handler bugs).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DetectiveClient, ListGraphsCommand } from '@aws-sdk/client-detective';
import { CreateDetectorCommand, GetDetectorCommand, GuardDutyClient, ListDetectorsCommand, TagResourceCommand, UpdateDetectorCommand } from '@aws-sdk/client-guardduty';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GuardDutyMessages } from '../../src/local-api/guardduty';
import { LocalApi } from '../../src/local-api/server';

let api: LocalApi;
beforeAll(async () => { api = await new LocalApi().start(); });
afterAll(async () => { await api.stop(); });
beforeEach(() => api.reset());

const client = (account = '111111111111', region = 'us-east-1') =>
  new GuardDutyClient({ region, endpoint: api.url, credentials: api.credentialsFor(account), maxAttempts: 1 });

async function rawPost(pathname: string, body: unknown, account = '111111111111') {
  const response = await fetch(`${api.url}${pathname}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'authorization': `AWS4-HMAC-SHA256 Credential=${api.credentialsFor(account).accessKeyId}/20261121/us-east-1/guardduty/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, type: response.headers.get('x-amzn-errortype'), body: await response.json() as { message?: string; __type?: string } };
}

test('state is per account and Region; detector ids match the service form', async () => {
  const { DetectorId } = await client().send(new CreateDetectorCommand({ Enable: true }));
  expect(DetectorId).toMatch(/^[0-9a-f]{32}$/);
  expect((await client('222222222222').send(new ListDetectorsCommand({}))).DetectorIds).toEqual([]);
  expect((await client('111111111111', 'eu-west-1').send(new ListDetectorsCommand({}))).DetectorIds).toEqual([]);
  expect((await client().send(new ListDetectorsCommand({}))).DetectorIds).toEqual([DetectorId]);
});

test('one detector per account and Region, with the service message', async () => {
  await client().send(new CreateDetectorCommand({ Enable: true }));
  await expect(client().send(new CreateDetectorCommand({ Enable: true })))
    .rejects.toMatchObject({ name: 'BadRequestException', message: GuardDutyMessages.DETECTOR_EXISTS });
});

test('unknown detector: "not owned by the current account"', async () => {
  await expect(client().send(new GetDetectorCommand({ DetectorId: 'abc' })))
    .rejects.toMatchObject({ name: 'BadRequestException', message: GuardDutyMessages.DETECTOR_NOT_OWNED });
});

test.each<[string, unknown, string]>([
  ['a missing required member', { findingPublishingFrequency: 'ONE_HOUR' }, 'enable: is required'],
  ['an unknown member', { enable: true, enabled: true }, 'enabled: is not a member of the request'],
  ['a value outside the enum', { enable: true, findingPublishingFrequency: 'DAILY' }, 'must be one of [FIFTEEN_MINUTES, ONE_HOUR, SIX_HOURS]'],
  ['a wrong type', { enable: 'true' }, 'enable: must be a boolean'],
  ['a string over its length', { enable: true, clientToken: 'x'.repeat(65) }, 'length must be at most 64'],
  ['a tag key breaking the pattern', { enable: true, tags: { 'aws:owner': 'x' } }, 'must match the pattern'],
  ['an unknown nested member', { enable: true, features: [{ name: 'S3_DATA_EVENTS', status: 'ENABLED', extra: 1 }] }, 'features[0].extra: is not a member'],
])('rejects %s with the service error', async (_, body, reason) => {
  const res = await rawPost('/detector', body);
  expect(res.status).toBe(400);
  expect(res.type).toBe('BadRequestException');
  expect(res.body.message).toMatch(/^The request is rejected because /);
  // The wire form GuardDuty sends: the error's type under `__type`, never `type`.
  expect(res.body).toEqual({ message: res.body.message, __type: 'InvalidInputException' });
  expect(api.calls[api.calls.length - 1].validation).toContain(reason);
  expect(api.guardduty.detectors('111111111111', 'us-east-1')).toHaveLength(0);
});

test('rejects what the service rejects beyond the model', async () => {
  const c = client();
  await expect(c.send(new CreateDetectorCommand({
    Enable: true, DataSources: { S3Logs: { Enable: true } }, Features: [{ Name: 'S3_DATA_EVENTS', Status: 'ENABLED' }],
  }))).rejects.toMatchObject({ message: GuardDutyMessages.DATA_SOURCES_AND_FEATURES });
  await expect(c.send(new CreateDetectorCommand({
    Enable: true, Features: [{ Name: 'RUNTIME_MONITORING', Status: 'ENABLED' }, { Name: 'EKS_RUNTIME_MONITORING', Status: 'ENABLED' }],
  }))).rejects.toMatchObject({ message: GuardDutyMessages.INVALID_VALUE });
  await expect(c.send(new CreateDetectorCommand({
    Enable: true, Features: [{ Name: 'S3_DATA_EVENTS', Status: 'ENABLED', AdditionalConfiguration: [{ Name: 'EC2_AGENT_MANAGEMENT', Status: 'ENABLED' }] }],
  }))).rejects.toMatchObject({ message: GuardDutyMessages.INVALID_VALUE });
  const { DetectorId } = await c.send(new CreateDetectorCommand({ Enable: true }));
  const arn = `arn:aws:guardduty:us-east-1:111111111111:detector/${DetectorId}`;
  const tags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
  await expect(c.send(new TagResourceCommand({ ResourceArn: arn, Tags: tags }))).rejects.toMatchObject({ message: GuardDutyMessages.INVALID_VALUE });
  await expect(c.send(new UpdateDetectorCommand({ DetectorId, Features: [{ Name: 'S3_DATA_EVENTS', Status: 'ENABLED' }, { Name: 'S3_DATA_EVENTS', Status: 'DISABLED' }] })))
    .rejects.toMatchObject({ message: GuardDutyMessages.INVALID_VALUE });
});

test('unsigned and unknown-key requests are refused as AWS refuses them', async () => {
  const unsigned = await fetch(`${api.url}/detector`, { method: 'GET' });
  expect([unsigned.status, unsigned.headers.get('x-amzn-errortype')]).toEqual([403, 'MissingAuthenticationTokenException']);
  const c = new GuardDutyClient({ region: 'us-east-1', endpoint: api.url, credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 's' }, maxAttempts: 1 });
  await expect(c.send(new ListDetectorsCommand({}))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
});

test('list lag hides new detectors from ListDetectors, not from the singleton rule', async () => {
  api.setListLag(60_000);
  await client().send(new CreateDetectorCommand({ Enable: true }));
  expect((await client().send(new ListDetectorsCommand({}))).DetectorIds).toEqual([]);
  await expect(client().send(new CreateDetectorCommand({ Enable: true }))).rejects.toMatchObject({ message: GuardDutyMessages.DETECTOR_EXISTS });
});

test('the call log records operation, account, region and input', async () => {
  await client('222222222222', 'eu-central-1').send(new CreateDetectorCommand({ Enable: false, FindingPublishingFrequency: 'ONE_HOUR' }));
  expect(api.calls).toEqual([expect.objectContaining({
    service: 'guardduty',
    operation: 'CreateDetector',
    account: '222222222222',
    region: 'eu-central-1',
    status: 200,
    input: expect.objectContaining({ Enable: false, FindingPublishingFrequency: 'ONE_HOUR' }),
  })]);
});

test('the vendored service models are the shared ones, when those are present', () => {
  const shared = path.join(__dirname, '..', '..', '..', '..', 'shared', 'service-models');
  const files = ['guardduty-2017-11-28.service-2.json', 'detective-2018-10-26.service-2.json', 'organizations-2016-11-28.service-2.json',
    'cloudformation-2010-05-15.service-2.json'];
  if (!fs.existsSync(shared)) return;
  for (const f of files) {
    expect(fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'local-api', 'models', f), 'utf-8')).toEqual(fs.readFileSync(path.join(shared, f), 'utf-8'));
  }
});

test('a service fault without a modelled status is a 500, which the SDK retries (Organizations\' ServiceException)', async () => {
  api.organization.create('999999999999', 'management@example.com');
  api.injectFault({ kind: 'internal-error', operation: 'ListAccounts', times: 1 });
  const organizations = new OrganizationsClient({ region: 'us-east-1', endpoint: api.url, credentials: api.credentialsFor('999999999999'), maxAttempts: 2 });
  const { Accounts } = await organizations.send(new ListAccountsCommand({}));
  expect(Accounts?.map((a) => a.Id)).toEqual(['999999999999']);
  expect(api.callsOf('ListAccounts').map((c) => c.status)).toEqual([500, 200]);
});

test('Detective in a Region where it has no endpoint (ap-northeast-3) gets no answer; GuardDuty there does', async () => {
  const credentials = api.credentialsFor('111111111111');
  const detectiveOsaka = new DetectiveClient({ region: 'ap-northeast-3', endpoint: api.url, credentials, maxAttempts: 1 });
  await expect(detectiveOsaka.send(new ListGraphsCommand({}))).rejects.toThrow(/socket hang up|ECONNRESET/);
  expect(api.calls.at(-1)).toMatchObject({ service: 'detective', region: 'ap-northeast-3', status: 0, error: 'NoEndpointInRegion' });
  const guardDutyOsaka = new GuardDutyClient({ region: 'ap-northeast-3', endpoint: api.url, credentials, maxAttempts: 1 });
  await expect(guardDutyOsaka.send(new ListDetectorsCommand({}))).resolves.toMatchObject({ DetectorIds: [] });
  const detectiveTokyo = new DetectiveClient({ region: 'ap-northeast-1', endpoint: api.url, credentials, maxAttempts: 1 });
  await expect(detectiveTokyo.send(new ListGraphsCommand({}))).resolves.toMatchObject({ GraphList: [] });
});
