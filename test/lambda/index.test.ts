/**
 * The Lambda entry point: it answers CloudFormation at the ResponseURL on success, on failure
 * (naming the resource and the API error), and before the function times out; it never logs
 * the ResponseURL or email addresses; and it acts only on events CloudFormation confirms.
 */
import { CreateIPSetCommand, GuardDutyClient } from '@aws-sdk/client-guardduty';
import { ACCOUNT as ACCOUNT_ID, Answer, event, Responder, STACK_ID, startLocalApi, startResponder, showInTemplate } from './events';
import { handler } from '../../lambda/index';
import { CONTINUATION_KEY, MAX_CONTINUATIONS } from '../../lambda/shared/continuation';
import { CREATE_FAILED_PHYSICAL_ID, CustomResourceEvent } from '../../lambda/shared/custom-resource';
import { STACK_ID_VARIABLE } from '../../lambda/shared/event-verification';
import { redact } from '../../lambda/shared/log';
import { responseObjectKey } from '../../lambda/shared/response-url';
import { LocalApi } from '../../replay/src';
import { CREATED_BY_TAG, PROVE_PROPERTIES_VARIABLE } from '../../src/private/contracts';
import { AdministratorAccountResource } from '../../src/private/resources/guardduty/administrator-account';
import { DetectorResource } from '../../src/private/resources/guardduty/detector';
import { FilterResource } from '../../src/private/resources/guardduty/filter';
import { OrganizationAdminAccountResource } from '../../src/private/resources/guardduty/organization-admin-account';

let api: LocalApi;
let responder: Responder;
let responses: Answer[];
let logged: string[];

beforeAll(async () => {
  api = await startLocalApi();
  responder = await startResponder();
  responses = responder.answers;
});
afterAll(async () => {
  await responder.close();
  await api.stop();
});
beforeEach(() => {
  api.reset();
  responses.length = 0;
  logged = [];
  const capture = (line: string) => { logged.push(line); };
  jest.spyOn(console, 'log').mockImplementation(capture);
  jest.spyOn(console, 'error').mockImplementation(capture);
});
afterEach(() => jest.restoreAllMocks());

/**
 * The event as CloudFormation sends it: answered at the test's response endpoint, and its resource
 * shown by DescribeStackResource in the state the request implies.
 */
function withResponseUrl<E extends CustomResourceEvent<unknown>>(e: E): E {
  const status = { Create: 'CREATE_IN_PROGRESS', Update: 'UPDATE_IN_PROGRESS', Delete: 'DELETE_IN_PROGRESS' }[e.RequestType];
  api.cloudformation.setStack(e.StackId, 'UPDATE_IN_PROGRESS');
  api.cloudformation.setResource(e.StackId, e.LogicalResourceId, { type: e.ResourceType, physicalId: e.PhysicalResourceId, status });
  showInTemplate(api, e);
  return { ...e, ResponseURL: pinnedUrl(e) };
}

/** The request's own answer object, as CloudFormation names it (`<StackId>|<LogicalResourceId>|<RequestId>`). */
function pinnedUrl(e: CustomResourceEvent<unknown>): string {
  return `${responder.origin}/${encodeURIComponent(responseObjectKey(e)).replace(/%2F/g, '/')}`
    + '?X-Amz-Signature=secret';
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

test('answers FAILED before the function times out, and the abandoned work makes no further call', async () => {
  // Throttled calls: the SDK's backoff outlasts the 0.2 s the handler has before its answer margin (20 s).
  api.injectFault({ kind: 'throttle', service: 'guardduty', times: 4 });
  const e = withResponseUrl(event('Update', DetectorResource.type, { Enable: 'true' }, { physicalResourceId: 'abc', oldProperties: { Enable: 'true' } }));

  await handler(e, context(20_200));

  // The answer is the timer's (its reason says so), not the throttled call's eventual outcome.
  expect(responses).toHaveLength(1);
  expect(responses[0].body).toMatchObject({
    Status: 'FAILED',
    PhysicalResourceId: 'abc',
    Reason: 'Detector Resource1A2B3C4D: the handler did not finish within the function timeout; check its log',
  });
  // In Lambda the environment is frozen here; in a test the abandoned work goes on, and stops at
  // its next attempt (after the SDK's backoff, whose length varies): the throttled call is not
  // retried to success. Wait for either outcome.
  const stopped = /not retrying UpdateDetector: the handler already answered|not calling \w+: the handler already answered/;
  const succeeded = () => api.calls.filter((c) => c.service === 'guardduty' && c.status < 300);
  const until = Date.now() + 45_000;
  while (!stopped.test(logged.join('\n')) && succeeded().length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  expect(succeeded()).toEqual([]);
  expect(logged.join('\n')).toMatch(stopped);
}, 60_000);

test('work abandoned at the timeout makes no call while the next event runs in the same warm environment', async () => {
  // Lambda reuses the environment for the next event; what the first left running resumes there.
  // Every GuardDuty call is throttled: the first event answers at its timer (0.2 s before its
  // answer margin), the second at its own (3 s), and the first's retries fall inside the second.
  api.injectFault({ kind: 'throttle', service: 'guardduty', times: 10_000 });
  const first = withResponseUrl(event('Update', DetectorResource.type, { Enable: 'true' }, { physicalResourceId: 'abandoned', oldProperties: { Enable: 'true' } }));
  await handler(first, context(20_200));
  const answeredAt = api.calls.length;

  const second = withResponseUrl(event('Update', DetectorResource.type, { Enable: 'true' }, { physicalResourceId: 'running', oldProperties: { Enable: 'true' } }));
  await handler(second, context(23_000));

  expect(responses.map((r) => r.body.Status)).toEqual(['FAILED', 'FAILED']);
  const duringSecond = api.calls.slice(answeredAt).filter((c) => c.service === 'guardduty');
  // The second event's own calls were made (and throttled); the first's abandoned work made none.
  expect(duringSecond.filter((c) => c.input.DetectorId === 'running').length).toBeGreaterThan(0);
  expect(duringSecond.filter((c) => c.input.DetectorId === 'abandoned')).toEqual([]);
}, 60_000);

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

describe('events CloudFormation does not confirm are refused: no service call, no answer, the reason logged', () => {
  const forged = <P>(e: CustomResourceEvent<P>) => ({ ...e, ResponseURL: pinnedUrl(e) });
  const otherStack = STACK_ID.replace('/TestStack/', '/OtherStack/');
  const detector = (physicalResourceId: string) => event('Delete', DetectorResource.type, { Enable: 'true' }, { physicalResourceId, logicalId: 'Detector' });

  /** Each case: what CloudFormation shows, the forged event, and the reason the log must give. */
  const cases: Array<[string, () => void, () => CustomResourceEvent<any>, RegExp]> = [
    ['a Delete of a detector no stack has', () => undefined, () => detector('d-1'),
      /Detector \(Delete\): the stack has no such logical resource/],
    ['a Delete of the stack\'s detector while it is not being deleted', () => show('Detector', DetectorResource.type, 'd-1', 'UPDATE_COMPLETE'),
      () => detector('d-1'), /the resource is UPDATE_COMPLETE and the stack is UPDATE_COMPLETE: not a delete CloudFormation sends/],
    ['a Delete of the resource\'s current physical id during a cleanup phase (only old ids are cleaned up)',
      () => show('Detector', DetectorResource.type, 'd-1', 'UPDATE_COMPLETE', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'),
      () => detector('d-1'), /the resource is UPDATE_COMPLETE and the stack is UPDATE_COMPLETE_CLEANUP_IN_PROGRESS: not a delete CloudFormation sends/],
    ['a Delete of another physical id outside a cleanup phase', () => show('Detector', DetectorResource.type, 'd-2', 'UPDATE_COMPLETE'),
      () => detector('d-1'), /on another physical id and the stack is UPDATE_COMPLETE: not a delete CloudFormation sends/],
    ['a Create of a delegated administrator already created', () => show('Admin', OrganizationAdminAccountResource.type, '222222222222', 'CREATE_COMPLETE'),
      () => event('Create', OrganizationAdminAccountResource.type, { AdminAccountId: '222222222222' }, { logicalId: 'Admin' }),
      /Admin \(Create\): the resource is CREATE_COMPLETE, not CREATE_IN_PROGRESS/],
    ['an archive-everything Filter the stack does not have', () => undefined,
      () => event('Create', FilterResource.type, {
        DetectorId: 'd-1',
        Name: 'all',
        Action: 'ARCHIVE',
        Rank: '1',
        FindingCriteria: { Criterion: { severity: { GreaterThanOrEqual: 0 } } },
      }, { logicalId: 'Archive' }),
      /Archive \(Create\): the stack has no such logical resource/],
    ['an invitation acceptance on a resource of another type', () => show('Admin', DetectorResource.type, undefined, 'CREATE_IN_PROGRESS'),
      () => event('Create', AdministratorAccountResource.type, { DetectorId: 'd-1', AdministratorId: '444444444444' }, { logicalId: 'Admin' }),
      /the stack's resource is of type Custom::GuardDutyDetector, the event says Custom::GuardDutyAdministratorAccount/],
    ['an Update of a physical id the resource does not have', () => show('Detector', DetectorResource.type, 'd-2', 'UPDATE_IN_PROGRESS'),
      () => event('Update', DetectorResource.type, { Enable: 'false' }, { logicalId: 'Detector', physicalResourceId: 'd-1', oldProperties: { Enable: 'true' } }),
      /the event's physical id is not the resource's/],
    ['an event of another stack of the account', () => undefined,
      () => ({ ...detector('d-1'), StackId: otherStack }), /the event's StackId is not the stack this function belongs to/],
  ];

  function show(logicalId: string, type: string, physicalId: string | undefined, status: string, stackStatus = 'UPDATE_COMPLETE') {
    api.cloudformation.setStack(STACK_ID, stackStatus);
    api.cloudformation.setResource(STACK_ID, logicalId, { type, physicalId, status });
  }

  test.each(cases)('%s', async (_name, arrange, make, reason) => {
    api.cloudformation.setStack(STACK_ID, 'UPDATE_COMPLETE');
    api.guardduty.seedDetector(ACCOUNT_ID, 'us-east-1');
    arrange();
    const before = api.guardduty.detectors(ACCOUNT_ID, 'us-east-1');

    await handler(forged(make()), context(60_000));

    expect(api.calls.filter((c) => c.service !== 'cloudformation')).toEqual([]);
    expect(api.guardduty.detectors(ACCOUNT_ID, 'us-east-1')).toEqual(before);
    expect(responses).toEqual([]);
    const log = logged.join('\n');
    expect(log).toMatch(/Refused the event: nothing called, nothing answered/);
    expect(log).toMatch(reason);
  });

  test('a function without its stack id refuses every event', async () => {
    delete process.env[STACK_ID_VARIABLE];
    try {
      await handler(withResponseUrl(event('Create', DetectorResource.type, { Enable: 'true' })), context(60_000));
    } finally {
      process.env[STACK_ID_VARIABLE] = STACK_ID;
    }
    expect(api.calls).toEqual([]);
    expect(responses).toEqual([]);
    expect(logged.join('\n')).toMatch(/the function has no STACK_ID/);
  });

  test('an event CloudFormation cannot be asked about (DescribeStackResource denied): nothing done, answered FAILED at its own URL', async () => {
    api.injectFault({ kind: 'access-denied', service: 'cloudformation', times: 10 });
    const e = withResponseUrl(event('Create', DetectorResource.type, { Enable: 'true' }));
    await handler(e, context(60_000));
    expect(api.calls.map((c) => `${c.service}:${c.operation}`)).toEqual(['cloudformation:DescribeStackResource']);
    // Not left to the stack's timeout: FAILED, with why, to the request's own object.
    expect(responses).toHaveLength(1);
    expect(decodeURIComponent(responses[0].url!.split('?')[0])).toBe(`/${responseObjectKey(e)}`);
    expect(responses[0].body).toMatchObject({ Status: 'FAILED', RequestId: e.RequestId, LogicalResourceId: e.LogicalResourceId });
    expect(responses[0].body.Reason).toMatch(/CloudFormation could not confirm the event, so nothing was done \(AccessDenied.*\); deploy again/);
  });

  test('the rollback Delete of a create that made nothing is answered SUCCESS even when it cannot be confirmed: nothing to do', async () => {
    api.injectFault({ kind: 'access-denied', service: 'cloudformation', times: 10 });
    const e = withResponseUrl(event('Delete', DetectorResource.type, { Enable: 'true' }, { physicalResourceId: 'cdk-threat-detection:create-failed' }));
    await handler(e, context(60_000));
    expect(api.calls.map((c) => c.operation)).toEqual(['DescribeStackResource']);
    expect(responses[0].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'cdk-threat-detection:create-failed' });
  });

  test.each([
    ['another request of the same resource', (e: CustomResourceEvent<unknown>) => ({ ...e, RequestId: 'another-request' })],
    ['another resource of the stack', (e: CustomResourceEvent<unknown>) => ({ ...e, LogicalResourceId: 'Other' })],
    ['another stack', (e: CustomResourceEvent<unknown>) => ({ ...e, StackId: e.StackId.replace('/TestStack/', '/OtherStack/') })],
  ])('a ResponseURL captured from %s is refused: no call, no answer', async (_name, other) => {
    const e = withResponseUrl(event('Create', DetectorResource.type, { Enable: 'true' }));
    await handler({ ...e, ResponseURL: pinnedUrl(other(e)) }, context(60_000));
    expect(api.calls).toEqual([]);
    expect(responses).toEqual([]);
    expect(logged.join('\n')).toMatch(/the ResponseURL is not for this request: its object key does not name the event's StackId, LogicalResourceId and RequestId/);
  });

  test('the Delete of the old physical id in a replacement\'s cleanup is acted on', async () => {
    api.guardduty.seedDetector(ACCOUNT_ID, 'us-east-1');
    const old = api.guardduty.detectors(ACCOUNT_ID, 'us-east-1')[0].id;
    show('Detector', DetectorResource.type, 'new-detector-id', 'UPDATE_COMPLETE', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    await handler(forged(detector(old)), context(60_000));
    expect(responses[0].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: old });
    expect(api.callsOf('DescribeStacks')).toHaveLength(1);
  });

  test('a cleanup Delete naming a set this resource did not make (another stack\'s) is answered, and the set kept: no DeleteIPSet', async () => {
    const detectorId = api.guardduty.seedDetector(ACCOUNT_ID, 'us-east-1');
    const client = new GuardDutyClient({ region: 'us-east-1', endpoint: api.url, credentials: api.credentialsFor(ACCOUNT_ID) });
    const { IpSetId } = await client.send(new CreateIPSetCommand({
      DetectorId: detectorId,
      Name: 'Other',
      Format: 'TXT',
      Location: 'https://s3.us-east-1.amazonaws.com/b/other.txt',
      Activate: true,
      Tags: { [CREATED_BY_TAG]: `${otherStack}|Trusted` },
    }));
    client.destroy();
    show('Trusted', 'Custom::GuardDutyIPSet', `${detectorId}:current`, 'UPDATE_COMPLETE', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    const e = event('Delete', 'Custom::GuardDutyIPSet', { DetectorId: detectorId } as any, { logicalId: 'Trusted', physicalResourceId: `${detectorId}:${IpSetId}` });
    await handler(forged(e), context(60_000));
    expect(responses[0].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `${detectorId}:${IpSetId}` });
    expect(api.callsOf('DeleteIPSet')).toEqual([]);
    expect(api.guardduty.detector(ACCOUNT_ID, 'us-east-1', detectorId)!.ipSets.get(IpSetId!)?.status).not.toBe('DELETED');
  });

  test('a rollback Update (stack UPDATE_ROLLBACK_IN_PROGRESS, resource UPDATE_IN_PROGRESS) is acted on', async () => {
    api.guardduty.seedDetector(ACCOUNT_ID, 'us-east-1');
    const id = api.guardduty.detectors(ACCOUNT_ID, 'us-east-1')[0].id;
    show('Detector', DetectorResource.type, id, 'UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS');
    const rollback = event('Update', DetectorResource.type, { Enable: 'true' },
      { logicalId: 'Detector', physicalResourceId: id, oldProperties: { Enable: 'true', FindingPublishingFrequency: 'ONE_HOUR' } as any });
    showInTemplate(api, rollback);
    await handler(forged(rollback), context(60_000));
    expect(responses[0].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: id });
  });
});

describe('a create out of time answers with what it made, so the rollback removes exactly that', () => {
  const LOCATION = 'https://s3.us-east-1.amazonaws.com/lists-bucket/trusted.txt';
  const props = (detectorId: string) => ({
    DetectorId: detectorId,
    Name: 'Office networks',
    Format: 'TXT',
    Location: LOCATION,
    Activate: 'true',
    ExpectedBucketOwner: ACCOUNT_ID,
    ContentHash: 'aaa',
  });

  test('an IP set still activating when the work deadline passes', async () => {
    const detectorId = api.guardduty.seedDetector(ACCOUNT_ID, 'us-east-1');
    // GuardDuty takes 10 minutes to read the list; the invocation has 5 s of work left.
    api.setSettleTime(10 * 60_000);
    const e = withResponseUrl(event('Create', 'Custom::GuardDutyIPSet', props(detectorId), { logicalId: 'Trusted' }));
    await handler(e, context(20_000 + 60_000 + 5_000));

    const sets = () => [...api.guardduty.detector(ACCOUNT_ID, 'us-east-1', detectorId)!.ipSets.values()];
    expect(sets()).toHaveLength(1);
    expect(responses[0].body.Status).toBe('FAILED');
    expect(responses[0].body.Reason).toMatch(/ran out of time while IPSet \w+ \(.*\) is still ACTIVATING after \d+ s, expected ACTIVE: deploy again to continue/);
    // Not the placeholder: the set's own physical id.
    expect(responses[0].body.PhysicalResourceId).toBe(`${detectorId}:${sets()[0].id}`);

    // CloudFormation's rollback Delete, a fresh invocation, removes it.
    api.setSettleTime(100);
    const rollback = withResponseUrl(event('Delete', 'Custom::GuardDutyIPSet', props(detectorId),
      { logicalId: 'Trusted', physicalResourceId: responses[0].body.PhysicalResourceId }));
    api.cloudformation.setStack(rollback.StackId, 'ROLLBACK_IN_PROGRESS');
    await handler(rollback, context(15 * 60_000));
    expect(responses[1].body.Status).toBe('SUCCESS');
    expect(sets().filter((s) => s.status !== 'DELETED')).toEqual([]);
  });

  test('a create whose set activates for longer than an invocation continues in new ones until it is ACTIVE: one set, made once', async () => {
    const detectorId = api.guardduty.seedDetector(ACCOUNT_ID, 'us-east-1');
    const functionArn = `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:handler`;
    api.lambda.registerFunction(functionArn);
    // GuardDuty takes 4 minutes to read the list: more than one invocation's work time here (140 s less the kept 80 s).
    api.setSettleTime(4 * 60_000);
    let payload: unknown = withResponseUrl(event('Create', 'Custom::GuardDutyIPSet', props(detectorId), { logicalId: 'Trusted' }));
    let invocations = 0;
    while (payload && responses.length === 0) {
      invocations++;
      await handler(payload as CustomResourceEvent<unknown>, { ...context(20_000 + 60_000 + 60_000), invokedFunctionArn: functionArn });
      payload = api.lambda.take(functionArn)?.payload;
    }
    expect(invocations).toBeGreaterThan(1);
    expect(responses[0].body.Status).toBe('SUCCESS');
    // Every invocation sent the same client token: GuardDuty answered the set the first one made.
    const tokens = api.callsOf('CreateIPSet').map((c) => c.input.clientToken);
    expect(tokens).toHaveLength(invocations);
    expect(new Set(tokens).size).toBe(1);
    const held = [...api.guardduty.detector(ACCOUNT_ID, 'us-east-1', detectorId)!.ipSets.values()];
    expect(held.map((s) => [s.status, `${detectorId}:${s.id}`])).toEqual([['ACTIVE', responses[0].body.PhysicalResourceId]]);
  });

  test('a rollback Delete that outlasts its invocation (the set still activating) continues in new ones until the set is deleted', async () => {
    const detectorId = api.guardduty.seedDetector(ACCOUNT_ID, 'us-east-1');
    const functionArn = `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:handler`;
    api.lambda.registerFunction(functionArn);
    // GuardDuty takes 20 minutes to read the list, and as long to delete it: more than one invocation's work time.
    api.setSettleTime(20 * 60_000);
    // The create's last allowed invocation runs out of time: it answers FAILED with the set it made.
    const e = withResponseUrl(event('Create', 'Custom::GuardDutyIPSet', props(detectorId), { logicalId: 'Trusted' }));
    await handler({ ...e, [CONTINUATION_KEY]: { Attempt: MAX_CONTINUATIONS } } as CustomResourceEvent<unknown>,
      { ...context(20_000 + 60_000 + 5_000), invokedFunctionArn: functionArn });
    expect(responses[0].body.Status).toBe('FAILED');
    expect(responses[0].body.Reason).toMatch(/in the last of the 5 invocations an event may take/);
    expect(api.lambda.queued).toEqual([]);

    const rollback = withResponseUrl(event('Delete', 'Custom::GuardDutyIPSet', props(detectorId),
      { logicalId: 'Trusted', physicalResourceId: responses[0].body.PhysicalResourceId }));
    api.cloudformation.setStack(rollback.StackId, 'ROLLBACK_IN_PROGRESS');
    let payload: unknown = rollback;
    let invocations = 0;
    while (payload && responses.length === 1) {
      invocations++;
      await handler(payload as CustomResourceEvent<unknown>, { ...context(15 * 60_000), invokedFunctionArn: functionArn });
      payload = api.lambda.take(functionArn)?.payload;
    }
    expect(invocations).toBeGreaterThan(1);
    expect(responses[1].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: rollback.PhysicalResourceId });
    const set = [...api.guardduty.detector(ACCOUNT_ID, 'us-east-1', detectorId)!.ipSets.values()];
    expect(set.filter((s) => s.status !== 'DELETED')).toEqual([]);
  });
});

describe('an event\'s properties are proven by the stack\'s template: otherwise answered FAILED, nothing called', () => {
  const FILTER = 'Custom::GuardDutyFilter';
  const filterProps = (action: string, severity: string) => ({
    DetectorId: 'd-placeholder',
    Name: 'quiet',
    Action: action,
    Rank: '1',
    FindingCriteria: { severity: { GreaterThanOrEqual: severity } },
  });
  /**
   * What CloudFormation shows: the stack's status, the resource in progress, and the template's
   * properties for it, with the stack's (String) parameters and their values.
   */
  function showing(e: CustomResourceEvent<any>, stackStatus: string, templateProperties: unknown, parameters: Record<string, string> = {}) {
    const status = { Create: 'CREATE_IN_PROGRESS', Update: 'UPDATE_IN_PROGRESS', Delete: 'DELETE_IN_PROGRESS' }[e.RequestType];
    api.cloudformation.setStack(e.StackId, stackStatus);
    api.cloudformation.setResource(e.StackId, e.LogicalResourceId, { type: e.ResourceType, physicalId: e.PhysicalResourceId, status });
    api.cloudformation.setTemplate(e.StackId, {
      Parameters: Object.fromEntries(Object.keys(parameters).map((name) => [name, { Type: 'String' }])),
      Resources: { [e.LogicalResourceId]: { Type: e.ResourceType, Properties: templateProperties } },
    }, parameters);
    return { ...e, ResponseURL: pinnedUrl(e) };
  }
  const serviceCalls = () => api.calls.filter((c) => c.service !== 'cloudformation');

  test('an Update forged during a real update (ARCHIVE every finding) is answered FAILED naming the property: no GuardDuty call', async () => {
    const detectorId = api.guardduty.seedDetector(ACCOUNT_ID, 'us-east-1');
    const genuine = { ...filterProps('NOOP', '7'), DetectorId: detectorId };
    const forgedEvent = event('Update', FILTER, { ...genuine, Action: 'ARCHIVE', FindingCriteria: { severity: { GreaterThanOrEqual: '0' } } },
      { logicalId: 'Quiet', physicalResourceId: `${detectorId}:quiet`, oldProperties: genuine });
    await handler(showing(forgedEvent, 'UPDATE_IN_PROGRESS', genuine), context(60_000));
    expect(responses[0].body.Status).toBe('FAILED');
    expect(responses[0].body.Reason).toMatch(/^Filter Quiet: the event's properties are not what the stack's template gives the resource \(ResourceProperties\.Action is "ARCHIVE", the template gives "NOOP"\); nothing was done$/);
    expect(serviceCalls()).toEqual([]);
  });

  test('a captured Update replayed during a later update (its old properties) is answered FAILED: no call', async () => {
    const detectorId = api.guardduty.seedDetector(ACCOUNT_ID, 'us-east-1');
    const now = { ...filterProps('NOOP', '8'), DetectorId: detectorId };
    const captured = event('Update', FILTER, { ...filterProps('NOOP', '4'), DetectorId: detectorId },
      { logicalId: 'Quiet', physicalResourceId: `${detectorId}:quiet`, oldProperties: now });
    await handler(showing(captured, 'UPDATE_IN_PROGRESS', now), context(60_000));
    expect(responses[0].body.Reason).toMatch(/ResourceProperties\.FindingCriteria\.severity\.GreaterThanOrEqual is "4", the template gives "8"/);
    expect(serviceCalls()).toEqual([]);
  });

  test('an OrganizationAdminAccount Update naming another account than the stack\'s parameter is answered FAILED: no GuardDuty or Organizations call', async () => {
    const forgedEvent = event('Update', OrganizationAdminAccountResource.type, { AdminAccountId: '999999999999' },
      { logicalId: 'Delegation', physicalResourceId: 'guardduty-organization-admin:us-east-1', oldProperties: { AdminAccountId: '222222222222' } });
    await handler(showing(forgedEvent, 'UPDATE_IN_PROGRESS', { AdminAccountId: { Ref: 'SecurityAccount' } }, { SecurityAccount: '222222222222' }),
      context(60_000));
    expect(responses[0].body.Reason).toMatch(/ResourceProperties\.AdminAccountId is "999999999999", the template gives \{"Ref":"SecurityAccount"\}/);
    expect(serviceCalls()).toEqual([]);
  });

  test('a Create whose properties are the template\'s, with a parameter, a pseudo parameter and an attribute, is acted on', async () => {
    const detectorId = api.guardduty.seedDetector(ACCOUNT_ID, 'us-east-1');
    const props = { ...filterProps('NOOP', '7'), DetectorId: detectorId, Name: `quiet-${ACCOUNT_ID}` };
    const e = event('Create', FILTER, props, { logicalId: 'Quiet' });
    const shown = showing(e, 'CREATE_IN_PROGRESS', {
      ...props,
      DetectorId: { 'Fn::GetAtt': ['Detector', 'DetectorId'] },
      Name: { 'Fn::Sub': 'quiet-${AWS::AccountId}' },
      Rank: { Ref: 'FilterRank' },
    }, { FilterRank: '1' });
    await handler(shown, context(60_000));
    expect([responses[0].body.Status, responses[0].body.Reason]).toEqual(['SUCCESS', undefined]);
    expect(api.guardduty.detector(ACCOUNT_ID, 'us-east-1', detectorId)!.filters.map((f) => f.name)).toEqual([`quiet-${ACCOUNT_ID}`]);
  });

  test('the same Create with a parameter the stack gives another value is answered FAILED: no call', async () => {
    const detectorId = api.guardduty.seedDetector(ACCOUNT_ID, 'us-east-1');
    const props = { ...filterProps('NOOP', '7'), DetectorId: detectorId };
    const e = event('Create', FILTER, props, { logicalId: 'Quiet' });
    await handler(showing(e, 'CREATE_IN_PROGRESS', { ...props, Rank: { Ref: 'FilterRank' } }, { FilterRank: '2' }), context(60_000));
    expect(responses[0].body.Reason).toMatch(/ResourceProperties\.Rank is "1", the template gives \{"Ref":"FilterRank"\}/);
    expect(serviceCalls()).toEqual([]);
  });

  test('a rollback Update is acted on when either its old or its failed properties are the template\'s, and refused when neither is', async () => {
    const detectorId = api.guardduty.seedDetector(ACCOUNT_ID, 'us-east-1');
    const before = { ...filterProps('NOOP', '7'), DetectorId: detectorId };
    const failed = { ...filterProps('NOOP', '9'), DetectorId: detectorId };
    for (const shownTemplate of [before, failed]) {
      responses.length = 0;
      const rollback = event('Update', FILTER, before, { logicalId: 'Quiet', physicalResourceId: `${detectorId}:quiet`, oldProperties: failed });
      await handler(showing(rollback, 'UPDATE_ROLLBACK_IN_PROGRESS', shownTemplate), context(60_000));
      expect(responses[0].body.Reason ?? '').not.toMatch(/template/);
    }
    responses.length = 0;
    const calls = serviceCalls().length;
    const forgedRollback = event('Update', FILTER, { ...before, Action: 'ARCHIVE' },
      { logicalId: 'Quiet', physicalResourceId: `${detectorId}:quiet`, oldProperties: { ...failed, Rank: '2' } });
    await handler(showing(forgedRollback, 'UPDATE_ROLLBACK_IN_PROGRESS', before), context(60_000));
    expect(responses[0].body.Reason).toMatch(/ResourceProperties\.Action is "ARCHIVE", the template gives "NOOP"; and OldResourceProperties\./);
    expect(serviceCalls()).toHaveLength(calls);
  });

  test('a Delete in a stack deletion with properties the template does not give is answered FAILED: nothing deleted', async () => {
    const detectorId = api.guardduty.seedDetector(ACCOUNT_ID, 'us-east-1');
    const e = event('Delete', FILTER, { ...filterProps('NOOP', '7'), DetectorId: 'another-detector' },
      { logicalId: 'Quiet', physicalResourceId: `${detectorId}:quiet` });
    await handler(showing(e, 'DELETE_IN_PROGRESS', { ...filterProps('NOOP', '7'), DetectorId: detectorId }), context(60_000));
    expect(responses[0].body.Reason).toMatch(/ResourceProperties\.DetectorId is "another-detector"/);
    expect(serviceCalls()).toEqual([]);
  });

  test('CloudFormation refusing GetTemplate: answered FAILED naming the permission, nothing done', async () => {
    const detectorId = api.guardduty.seedDetector(ACCOUNT_ID, 'us-east-1');
    const props = { ...filterProps('NOOP', '7'), DetectorId: detectorId };
    api.injectFault({ kind: 'access-denied', service: 'cloudformation', operation: 'GetTemplate', times: 1 });
    await handler(showing(event('Create', FILTER, props, { logicalId: 'Quiet' }), 'CREATE_IN_PROGRESS', props), context(60_000));
    expect(responses[0].body.Reason).toMatch(/could not give the stack's template .*AccessDenied.*cloudformation:GetTemplate/);
    expect(serviceCalls()).toEqual([]);
  });

  test('turned off (the app\'s context, as the function\'s environment): the forged Update is acted on, as before the proof', async () => {
    const detectorId = api.guardduty.seedDetector(ACCOUNT_ID, 'us-east-1');
    const genuine = { ...filterProps('NOOP', '7'), DetectorId: detectorId };
    await dispatchCreate(genuine);
    process.env[PROVE_PROPERTIES_VARIABLE] = 'false';
    const reads = api.callsOf('GetTemplate').length;
    try {
      const other = { ...genuine, Rank: '2' };
      await handler(showing(event('Update', FILTER, other, { logicalId: 'Quiet', physicalResourceId: `${detectorId}:quiet`, oldProperties: genuine }),
        'UPDATE_IN_PROGRESS', genuine), context(60_000));
      expect(responses[responses.length - 1].body.Status).toBe('SUCCESS');
      expect(api.callsOf('GetTemplate')).toHaveLength(reads);
    } finally {
      delete process.env[PROVE_PROPERTIES_VARIABLE];
    }
  });

  async function dispatchCreate(props: Record<string, unknown>) {
    const e = event('Create', FILTER, props, { logicalId: 'Quiet' });
    await handler(showing(e, 'CREATE_IN_PROGRESS', props), context(60_000));
    expect(responses[responses.length - 1].body.Status).toBe('SUCCESS');
  }
});
