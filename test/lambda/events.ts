/** Custom resource events and a local API wired to the SDK's environment, for handler tests. */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { useClock } from '../../lambda/shared/clock';
import { CustomResourceEvent, RequestType } from '../../lambda/shared/custom-resource';
import { STACK_ID_VARIABLE } from '../../lambda/shared/event-verification';
import { TEST_RESPONSE_ORIGIN_VARIABLE } from '../../lambda/shared/response-url';
import { emulatorClock, LocalApi } from '../../replay/src';

export const ACCOUNT = '111111111111';
export const REGION = 'us-east-1';
export const STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/TestStack/5b6f1a80-0000-4000-8000-000000000000`;

export interface EventOptions<P> {
  readonly physicalResourceId?: string;
  readonly oldProperties?: P;
  readonly requestId?: string;
  readonly logicalId?: string;
  /** The account whose stack sends the event (default ACCOUNT). */
  readonly account?: string;
}

export function event<P>(requestType: RequestType, resourceType: string, properties: P, options: EventOptions<P> = {}): CustomResourceEvent<P> {
  return {
    RequestType: requestType,
    ServiceToken: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:handler`,
    ResponseURL: 'http://127.0.0.1:9/unused',
    StackId: options.account ? STACK_ID.replace(`:${ACCOUNT}:`, `:${options.account}:`) : STACK_ID,
    RequestId: options.requestId ?? randomUUID(),
    ResourceType: resourceType,
    LogicalResourceId: options.logicalId ?? 'Resource1A2B3C4D',
    PhysicalResourceId: options.physicalResourceId,
    ResourceProperties: properties as CustomResourceEvent<P>['ResourceProperties'],
    OldResourceProperties: options.oldProperties as CustomResourceEvent<P>['OldResourceProperties'],
  };
}

/**
 * Start a local API, point the SDK's environment (as Lambda would set it) at it as ACCOUNT, and give
 * the handler the emulator's clock.
 */
export async function startLocalApi(): Promise<LocalApi> {
  const api = await new LocalApi().start();
  // Waits in the handler advance the emulator's clock instead of sleeping.
  useClock(emulatorClock);
  Object.assign(process.env, api.environmentFor(ACCOUNT, REGION), { AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1' });
  return api;
}

/**
 * The local API of a test file (the setup every handler test shares): started before the file's
 * tests and stopped after them; before each test, reset, `eachTest` run (to seed what every test
 * needs) and the handler's logs silenced; after each, the handler acts as ACCOUNT again and mocks
 * are restored.
 *
 * @param started receives the running local API (assign it to the file's `api`)
 */
export function useLocalApi(started: (api: LocalApi) => void, eachTest?: (api: LocalApi) => void): void {
  let api: LocalApi;
  beforeAll(async () => {
    api = await startLocalApi();
    started(api);
  });
  afterAll(async () => api.stop());
  beforeEach(() => {
    api.reset();
    eachTest?.(api);
    silenceHandlerLogs();
  });
  afterEach(() => {
    actAs(api, ACCOUNT);
    jest.restoreAllMocks();
  });
}

/** Make the handler's SDK clients act as `account` (as the handler of that account's stack would). */
export function actAs(api: LocalApi, account: string): void {
  Object.assign(process.env, api.environmentFor(account, REGION));
}

/** The accounts of the test organization (`createTestOrganization`); ACCOUNT is its security account. */
export const ORGANIZATION = {
  MANAGEMENT: '999999999999',
  WORKLOAD: '222222222222',
  SANDBOX: '333333333333',
  /** An account outside the organization. */
  OUTSIDE: '444444444444',
} as const;

/**
 * Reset the local API and create the test organization: the management account, ACCOUNT (security)
 * at the root, WORKLOAD in the workloads OU and SANDBOX in the sandbox OU below it.
 */
export function createTestOrganization(api: LocalApi): { workloadsOu: string; sandboxOu: string } {
  api.reset();
  api.setSettleTime(100);
  const root = api.organization.create(ORGANIZATION.MANAGEMENT, 'management@example.com');
  const workloadsOu = api.organization.addOrganizationalUnit(root, 'workloads');
  const sandboxOu = api.organization.addOrganizationalUnit(workloadsOu, 'sandbox');
  api.organization.addAccount(ACCOUNT, 'security@example.com', root);
  api.organization.addAccount(ORGANIZATION.WORKLOAD, 'workload@example.com', workloadsOu);
  api.organization.addAccount(ORGANIZATION.SANDBOX, 'sandbox@example.com', sandboxOu);
  return { workloadsOu, sandboxOu };
}

/** Keep the handler's structured logs out of the test output (restore with `jest.restoreAllMocks()`). */
export function silenceHandlerLogs(): void {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
}

/** What the handler PUT at a response URL: the path and query, the content type, the parsed body. */
export interface Answer {
  readonly url?: string;
  readonly contentType?: string;
  readonly body: any;
}

/** CloudFormation's side of the entry point's tests: where the handler's answers arrive. */
export interface Responder {
  /** The answers received, in order (empty it between tests). */
  readonly answers: Answer[];
  /** `http://127.0.0.1:<port>`, allowed as a response origin by the test-only setting. */
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * Start a stand-in for CloudFormation's response bucket and let the handler answer it (the
 * test-only origin setting, as the replay's), with the function's own stack set as the provider
 * sets it from `AWS::StackId`; `close()` undoes both.
 */
export async function startResponder(): Promise<Responder> {
  const answers: Answer[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      answers.push({ url: req.url, contentType: req.headers['content-type'], body: JSON.parse(body) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env[TEST_RESPONSE_ORIGIN_VARIABLE] = origin;
  process.env[STACK_ID_VARIABLE] = STACK_ID;
  return {
    answers,
    origin,
    async close() {
      delete process.env[TEST_RESPONSE_ORIGIN_VARIABLE];
      delete process.env[STACK_ID_VARIABLE];
      await new Promise((r) => server.close(r));
    },
  };
}

/**
 * Put the event's resource, with the event's properties, in its stack's template (the one
 * `GetTemplate` returns), as CloudFormation's template holds it while it sends the event: the
 * handler proves each event's properties by the template (lambda/shared/template-proof.ts).
 * Other resources already in the template stay.
 */
export function showInTemplate(api: LocalApi, e: CustomResourceEvent<unknown>): void {
  const template = api.cloudformation.templateOf(e.StackId) ?? {};
  const resources = { ...template.Resources, [e.LogicalResourceId]: { Type: e.ResourceType, Properties: e.ResourceProperties } };
  api.cloudformation.setTemplate(e.StackId, { ...template, Resources: resources });
}
