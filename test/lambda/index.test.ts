/**
 * The Lambda entry point: it answers CloudFormation at the ResponseURL on success, on failure
 * (naming the resource and the API error), and before the function times out; and it never logs
 * the ResponseURL or email addresses.
 */
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { event, startLocalApi } from './events';
import { handler } from '../../lambda/index';
import { CREATE_FAILED_PHYSICAL_ID } from '../../lambda/shared/custom-resource';
import { redact } from '../../lambda/shared/log';
import { TEST_RESPONSE_ORIGIN_VARIABLE } from '../../lambda/shared/response-url';
import { DetectorResource } from '../../src/private/resources/guardduty/detector';
import { LocalApi } from '../local-api/server';

let api: LocalApi;
let responder: http.Server;
let responses: any[];
let logged: string[];

beforeAll(async () => {
  api = await startLocalApi();
  responder = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      responses.push({ url: req.url, contentType: req.headers['content-type'], body: JSON.parse(body) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => responder.listen(0, '127.0.0.1', r));
  // The responder is allowed as the replay's is: by the test-only environment setting.
  process.env[TEST_RESPONSE_ORIGIN_VARIABLE] = `http://127.0.0.1:${(responder.address() as AddressInfo).port}`;
});
afterAll(async () => {
  delete process.env[TEST_RESPONSE_ORIGIN_VARIABLE];
  await api.stop();
  await new Promise((r) => responder.close(r));
});
beforeEach(() => {
  api.reset();
  responses = [];
  logged = [];
  const capture = (line: string) => { logged.push(line); };
  jest.spyOn(console, 'log').mockImplementation(capture);
  jest.spyOn(console, 'error').mockImplementation(capture);
});
afterEach(() => jest.restoreAllMocks());

function withResponseUrl<E extends { ResponseURL: string }>(e: E): E {
  return { ...e, ResponseURL: `http://127.0.0.1:${(responder.address() as AddressInfo).port}/signed?X-Amz-Signature=secret` };
}

const context = (ms: number) => ({ getRemainingTimeInMillis: () => ms });

test('answers SUCCESS with the physical id and attributes', async () => {
  const e = withResponseUrl(event('Create', DetectorResource.type, { Enable: 'true' }));

  await handler(e, context(60_000));

  expect(responses).toHaveLength(1);
  expect(responses[0].contentType).toBe('');
  expect(responses[0].body).toMatchObject({
    Status: 'SUCCESS',
    StackId: e.StackId,
    RequestId: e.RequestId,
    LogicalResourceId: e.LogicalResourceId,
    PhysicalResourceId: api.guardduty.detectors('111111111111', 'us-east-1')[0].id,
    Data: { Adopted: 'false' },
  });
});

test('answers FAILED naming the resource, the operation and the service error', async () => {
  api.injectFault({ kind: 'access-denied', operation: 'CreateDetector', times: 1 });
  const e = withResponseUrl(event('Create', DetectorResource.type, { Enable: 'true' }, { logicalId: 'OrgDetector' }));

  await handler(e, context(60_000));

  expect(responses[0].body.Status).toBe('FAILED');
  expect(responses[0].body.PhysicalResourceId).toBe(CREATE_FAILED_PHYSICAL_ID);
  expect(responses[0].body.Reason).toMatch(/^Detector OrgDetector: CreateDetector failed: AccessDeniedException: User: .* is not authorized to perform: guardduty:CreateDetector/);
});

test('answers FAILED for a resource type it does not manage', async () => {
  const e = withResponseUrl(event('Create', 'Custom::Unknown', {}));
  await handler(e, context(60_000));
  expect(responses[0].body).toMatchObject({ Status: 'FAILED', Reason: 'Custom::Unknown Resource1A2B3C4D: this handler does not manage resources of type Custom::Unknown' });
});

test('answers FAILED before the function times out', async () => {
  // Throttled calls: the SDK's backoff outlasts the 0.2 s the handler has before its margin.
  api.injectFault({ kind: 'throttle', times: 4 });
  const e = withResponseUrl(event('Update', DetectorResource.type, { Enable: 'true' }, { physicalResourceId: 'abc', oldProperties: { Enable: 'true' } }));
  const started = Date.now();

  await handler(e, context(10_200));

  expect(Date.now() - started).toBeLessThan(1_000);
  // In Lambda the environment is frozen here; in a test, let the abandoned work finish.
  while (!api.calls.some((c) => c.status < 300)) await new Promise((r) => setTimeout(r, 50));
  expect(responses).toHaveLength(1);
  expect(responses[0].body).toMatchObject({
    Status: 'FAILED',
    PhysicalResourceId: 'abc',
    Reason: 'Detector Resource1A2B3C4D: the handler did not finish within the function timeout; check its log',
  });
});

test('logs neither the ResponseURL nor email addresses', async () => {
  const e = withResponseUrl(event('Create', DetectorResource.type, { Enable: 'true', Email: 'a@example.com' } as any));
  await handler(e, context(60_000));
  const all = logged.join('\n');
  expect(all).toContain('"ResponseURL":"(redacted)"');
  expect(all).not.toContain('X-Amz-Signature');
  expect(all).not.toContain('a@example.com');
});

test('redact replaces sensitive keys at any depth and keeps the rest', () => {
  expect(redact({ a: [{ EmailAddress: 'x@y.z', b: 1 }], ResponseURL: 'u', c: 'd' }))
    .toEqual({ a: [{ EmailAddress: '(redacted)', b: 1 }], ResponseURL: '(redacted)', c: 'd' });
});

test.each([
  ['another host', 'https://attacker.example/collect'],
  ['plain http', 'http://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/x'],
  ['another port of the test origin', 'http://127.0.0.1:9/x'],
])('refuses an event whose ResponseURL is %s: no service call, no answer, the reason logged', async (_name, url) => {
  const e = { ...event('Delete', DetectorResource.type, { Enable: 'true' }, { physicalResourceId: 'abc' }), ResponseURL: url };
  await handler(e, context(60_000));
  expect(api.calls).toEqual([]);
  expect(responses).toEqual([]);
  expect(logged.join('\n')).toMatch(/Refused the event: nothing called, nothing answered/);
  expect(logged.join('\n')).not.toContain(url);
});
