/**
 * A local AWS API on loopback for the real SDK v3 clients: GuardDuty, Detective and AWS
 * Organizations (the organization both services' delegated administrators manage); beside them,
 * the two CloudFormation reads the handler confirms its events with (`./cloudformation`) and
 * EventBridge's `TestEventPattern` (`./eventbridge`), by hand in their documented shapes.
 *
 * - Routing and validation come from the official service models (`./models`), read at run time.
 * - State is per account (from the request's access key) and Region (from the SigV4 credential
 *   scope); the service (guardduty or detective) also comes from the scope, so one port serves both.
 * - A GuardDuty or Detective call in a Region where the service has no endpoint (AWS's
 *   `endpoints.json`: Detective is in fewer Regions) gets no answer: the connection is dropped.
 * - Every call is logged (operation, account, region, input, outcome) for assertions.
 * - Faults can be injected: throttling, 5xx before or after the operation took effect, and
 *   read-after-write lag on list operations.
 *
 * Point a client at it with `AWS_ENDPOINT_URL_GUARDDUTY` / `AWS_ENDPOINT_URL_DETECTIVE` (or the
 * client's `endpoint`) and the credentials from `credentialsFor(account)`.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { emulatorClock } from './clock';
import { CloudFormationState, errorResponse as cloudFormationError } from './cloudformation';
import { DependentPermission, dependentPermissions, entityListReads, SERVICE_LINKED_ROLE_NAMES } from './dependent-permissions';
import { DetectiveService } from './detective';
import { ApiError, ServiceContext, ServiceImplementation } from './errors';
import { serveEventBridge } from './eventbridge';
import { GuardDutyService } from './guardduty';
import { MalwareProtectionPlanState, PlanStatusReason } from './guardduty-malware-protection';
import type { ListSetState } from './guardduty-state';
import { accessDeniedMessage, actionFor, AuthorizationRecord, contextFor, IamAuthorizer, PolicyDocument, Principal, resourceFor } from './iam';
import { LambdaState } from './lambda';
import { ServiceModel, ValidationFailure, WireResponse } from './model';
import { OrganizationState, OrganizationsService } from './organizations';
import { hasEndpoint } from './regions';

/** The answer to a call of a service in a Region where it has no endpoint: the connection is dropped. */
const NO_ENDPOINT: WireResponse = { status: 0, headers: {}, body: '' };

export interface CallRecord {
  readonly service: string;
  readonly operation: string;
  readonly account: string;
  readonly region: string;
  readonly input: Record<string, unknown>;
  /** HTTP status of the answer; 0 when the connection was dropped (the service has no endpoint in the Region). */
  readonly status: number;
  /** Error shape name, when the call failed. */
  readonly error?: string;
  /** Why the request was invalid, when validation failed (the service's message is generic). */
  readonly validation?: string;
  /** The caller (its root for the allow-all caller, else the role session). */
  readonly principal: string;
  /**
   * The authorization decisions made for the request: the action itself, then what the service
   * checks in the caller's name. The last one is the denial when the call was denied.
   */
  readonly authorization: AuthorizationRecord[];
}

export type FaultKind =
  /** Answer `ThrottlingException` without running the operation. */
  | 'throttle'
  /** Answer the service's 5xx error without running the operation. */
  | 'internal-error'
  /** Run the operation, then answer a 5xx error: the caller cannot tell it took effect. */
  | 'internal-error-after-commit'
  /** Answer `AccessDeniedException` (not retried), as IAM does for a missing permission. */
  | 'access-denied';

export interface FaultRule {
  readonly kind: FaultKind;
  /** Operation name (e.g. `CreateDetector`); all operations if absent. */
  readonly operation?: string;
  /** Signing name (`guardduty`, `detective`, `organizations`, `cloudformation`); all services if absent. */
  readonly service?: string;
  readonly account?: string;
  /** How many matching calls fail. */
  readonly times: number;
}

/** A role of an account that a service may assume, as the services would use it. */
export interface ServiceRole {
  /** A session of the role, with its policies (see `IamAuthorizer.registerRole`). */
  readonly principal: Principal;
  /** The service principals its trust policy lets assume it (`sts:AssumeRole`). */
  readonly trustedServices: string[];
}

/** The service principal GuardDuty's Malware Protection for S3 assumes a plan's role as. */
export const MALWARE_PROTECTION_PLAN_SERVICE = 'malware-protection-plan.guardduty.amazonaws.com';

const CREDENTIAL_SCOPE = /Credential=([^/]+)\/\d{8}\/([a-z0-9-]+)\/([a-z0-9.-]+)\/aws4_request/;

/**
 * The environment variable naming a folder for the IAM ledger: when set, each local API writes
 * there, when stopped, every `<Sid>|<action>` a policy statement allowed in a call it served, so a
 * check over a whole test run (scripts/iam-ledger.ts) can tell which granted actions no replayed
 * path needed.
 */
export const IAM_LEDGER_VARIABLE = 'CDK_THREAT_DETECTION_IAM_LEDGER';

/** Append the used grants to the ledger folder, when one is set (one file per local API). */
function writeIamLedger(used: ReadonlySet<string>): void {
  const dir = process.env[IAM_LEDGER_VARIABLE];
  if (!dir || used.size === 0) return;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${process.pid}-${randomUUID()}.json`), JSON.stringify([...used].sort()));
}

/** Default duration of asynchronous transitions (see `setSettleTime`). */
const DEFAULT_SETTLE_MS = 300;

interface Service {
  readonly model: ServiceModel;
  readonly implementation: ServiceImplementation;
  readonly internalError: string;
}

export class LocalApi {
  /** Every call answered, in order. */
  public readonly calls: CallRecord[] = [];
  public readonly guardduty: GuardDutyService;
  public readonly detective: DetectiveService;
  /** The organization (accounts, OUs, delegated administrators) GuardDuty, Detective and Organizations share. */
  public readonly organization = new OrganizationState();
  /** The stacks the handler confirms its events with (set by the replay, or by a test). */
  public readonly cloudformation = new CloudFormationState();
  /** Lambda's asynchronous invocations: how an event that ran out of time continues (see `./lambda`). */
  public readonly lambda = new LambdaState();
  /** Callers and their policies: every request of a registered role is authorized (see `./iam`). */
  public readonly iam = new IamAuthorizer();
  /**
   * The roles the services may assume, by role ARN (the replay answers from the stacks it
   * deployed). A service that acts as a role the local API cannot find does not check it.
   */
  public serviceRoles?: (roleArn: string) => ServiceRole | undefined;
  /** The KMS key a bucket encrypts new objects with by default, when it has one: its ARN and key policy (set by the replay). */
  public bucketKeys?: (bucketName: string) => { keyArn: string; keyPolicy?: PolicyDocument } | undefined;
  /** Service-linked roles the services made, by account. */
  private readonly serviceLinkedRoles = new Map<string, Set<string>>();

  private server?: http.Server;
  private readonly services = new Map<string, Service>();
  private readonly faults: Array<FaultRule & { remaining: number }> = [];
  private lagMs = 0;
  private settleMs = DEFAULT_SETTLE_MS;
  /** `<Sid>|<action>` of every action a statement allowed, for the IAM ledger; kept across `reset()`. */
  private readonly usedGrants = new Set<string>();
  private callLatencyMs = 0;

  constructor() {
    this.guardduty = new GuardDutyService(() => this.lagMs, () => this.settleMs, this.organization);
    this.services.set('guardduty', {
      model: ServiceModel.load('guardduty-2017-11-28.service-2.json'),
      implementation: this.guardduty,
      internalError: 'InternalServerErrorException',
    });
    this.detective = new DetectiveService({
      lagMs: () => this.lagMs,
      settleMs: () => this.settleMs,
      organization: this.organization,
      guardDutySince: (account, region) => this.guardduty.enabledSince(account, region),
    });
    this.services.set('detective', {
      model: ServiceModel.load('detective-2018-10-26.service-2.json'),
      implementation: this.detective,
      internalError: 'InternalServerException',
    });
    this.services.set('organizations', {
      model: ServiceModel.load('organizations-2016-11-28.service-2.json'),
      implementation: new OrganizationsService(this.organization),
      internalError: 'ServiceException',
    });
  }

  /** Start listening on an ephemeral loopback port. */
  public async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      // The request's time on the emulator's clock runs from its arrival: requests in flight at
      // once overlap, as they would against AWS (see `setCallLatency`).
      const answerAt = emulatorClock.now() + this.callLatencyMs;
      this.handle(req).then(async (response) => {
        if (this.callLatencyMs > 0) {
          // Held a moment of real time before the clock moves, so requests sent together arrive
          // while it still shows their common start.
          await new Promise((resolve) => setTimeout(resolve, 5));
          if (answerAt > emulatorClock.now()) emulatorClock.advance(answerAt - emulatorClock.now());
        }
        return response;
      }).then(
        (response) => {
          if (response === NO_ENDPOINT) {
            req.socket.destroy();
            return;
          }
          res.writeHead(response.status, { ...response.headers, 'x-amzn-requestid': randomUUID() });
          res.end(response.body);
        },
        (err) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`local API bug: ${(err as Error).stack}`);
        },
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  public async stop(): Promise<void> {
    writeIamLedger(this.usedGrants);
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    }
  }

  /** `http://127.0.0.1:<port>`. */
  public get url(): string {
    if (!this.server) throw new Error('the local API is not started');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Static credentials that act as `account`'s allow-all caller (nothing is evaluated). */
  public credentialsFor(account: string): { accessKeyId: string; secretAccessKey: string } {
    if (!/^\d{12}$/.test(account)) throw new Error(`not an account id: ${account}`);
    return { accessKeyId: this.iam.root(account).accessKeyId, secretAccessKey: 'local-api-secret' };
  }

  /** Static credentials of a registered principal (see `iam.registerRole`). */
  public credentialsOf(principal: Principal): { accessKeyId: string; secretAccessKey: string } {
    return { accessKeyId: principal.accessKeyId, secretAccessKey: 'local-api-secret' };
  }

  /**
   * Environment variables that make an SDK client in a process (the handler) talk to this API as
   * `account` in `region`: as the account's allow-all caller, or as `principal` when given.
   */
  public environmentFor(account: string, region: string, principal?: Principal): Record<string, string> {
    if (principal && principal.account !== account) throw new Error(`${principal.arn} is not of account ${account}`);
    const credentials = principal ? this.credentialsOf(principal) : this.credentialsFor(account);
    return {
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL_GUARDDUTY: this.url,
      AWS_ENDPOINT_URL_DETECTIVE: this.url,
      AWS_ENDPOINT_URL_ORGANIZATIONS: this.url,
      AWS_ENDPOINT_URL_CLOUDFORMATION: this.url,
      AWS_ENDPOINT_URL_EVENTBRIDGE: this.url,
      AWS_ENDPOINT_URL_LAMBDA: this.url,
    };
  }

  /** Fail the next `times` calls matching the rule. */
  public injectFault(rule: FaultRule): void {
    this.faults.push({ ...rule, remaining: rule.times });
  }

  /** Make new items appear in (and deleted items vanish from) list results only after `ms`. */
  public setListLag(ms: number): void {
    this.lagMs = ms;
  }

  /**
   * How long asynchronous transitions take: set activation and deletion, destination
   * verification. Short by default, so handlers' waits are exercised without slowing tests.
   */
  public setSettleTime(ms: number): void {
    this.settleMs = ms;
  }

  /**
   * How long each request takes, on the emulator's clock: a request is answered no earlier than
   * `ms` after it arrived (the clock is moved forward to that time if it is not there yet), so work
   * of many calls one after another takes the time it would against AWS, and calls in flight at
   * once overlap. A handler running in this process reads the same clock; the replay's handler
   * processes see it at their next wait.
   */
  public setCallLatency(ms: number): void {
    this.callLatencyMs = ms;
  }

  /** The calls of one operation (optionally of one account, and of one service: GuardDuty and Detective share names). */
  public callsOf(operation: string, account?: string, service?: string): CallRecord[] {
    return this.calls.filter((c) => c.operation === operation && (account === undefined || c.account === account)
      && (service === undefined || c.service === service));
  }

  /** Forget all state, calls and faults. */
  public reset(): void {
    this.calls.length = 0;
    this.faults.length = 0;
    this.lagMs = 0;
    this.settleMs = DEFAULT_SETTLE_MS;
    this.callLatencyMs = 0;
    this.guardduty.reset();
    this.detective.reset();
    this.organization.reset();
    this.iam.reset();
    this.cloudformation.reset();
    this.lambda.reset();
    this.serviceLinkedRoles.clear();
  }

  private async handle(req: http.IncomingMessage): Promise<WireResponse> {
    const body = await readBody(req);
    const scope = CREDENTIAL_SCOPE.exec(String(req.headers.authorization ?? ''));
    if (!scope) {
      return plainError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    }
    const [, accessKey, region, signingName] = scope;
    const principal = this.iam.principal(accessKey);
    if (!principal) {
      return plainError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    }
    const account = principal.account;
    if (signingName === 'cloudformation') return this.handleCloudFormation(body, principal, region);
    if (signingName === 'events') return this.handleEventBridge(String(req.headers['x-amz-target'] ?? ''), body, principal, region);
    if (signingName === 'lambda') return this.handleLambda(req, body, principal, region);
    if (signingName !== 'organizations' && !this.organization.regionEnabled(account, region)) {
      // An opt-in Region the account has not enabled: "UnrecognizedClientException ... The security
      // token included in the request is invalid" (amazon-guardduty-multiaccount-scripts PR #33).
      this.calls.push({
        principal: principal.arn,
        authorization: [],
        service: signingName,
        operation: String(req.headers['x-amz-target'] ?? req.url),
        account,
        region,
        input: {},
        status: 403,
        error: 'UnrecognizedClientException',
      });
      return plainError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    }
    if (!hasEndpoint(signingName, region)) {
      // No host answers there: the connection fails, as resolving `<service>.<region>.amazonaws.com` would.
      this.calls.push({
        principal: principal.arn,
        authorization: [],
        service: signingName,
        operation: String(req.headers['x-amz-target'] ?? req.url),
        account,
        region,
        input: {},
        status: 0,
        error: 'NoEndpointInRegion',
      });
      return NO_ENDPOINT;
    }
    const service = this.services.get(signingName);
    if (!service) {
      return plainError(400, 'UnknownServiceException', `The local API does not serve ${signingName}.`);
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const matched = service.model.protocol === 'json'
      ? service.model.matchTarget(String(req.headers['x-amz-target'] ?? ''))
      : service.model.match(req.method ?? 'GET', url.pathname, url.searchParams);
    if (!matched) {
      return plainError(404, 'UnknownOperationException', `No ${signingName} operation at ${req.method} ${url.pathname}`);
    }
    const operation = matched.operation.name;
    const authorization: AuthorizationRecord[] = [];
    const record = (response: WireResponse, input: Record<string, unknown>, validation?: string) =>
      this.record(response, { principal: principal.arn, authorization, service: signingName, operation, account, region, input, validation });

    let input: Record<string, unknown>;
    try {
      input = service.model.parseInput(matched.operation, {
        labels: matched.labels, query: url.searchParams, headers: req.headers, body,
      });
    } catch (err) {
      if (!(err instanceof ValidationFailure)) throw err;
      const apiError = service.implementation.validationError(err);
      return record(service.model.serializeError(apiError.shape, apiError.members), {}, err.message);
    }

    const denial = await this.authorize(principal, signingName, operation, region, input, authorization);
    if (denial) {
      return record(service.model.serializeError('AccessDeniedException', { Message: denial }), input);
    }

    const fault = this.takeFault(operation, account, signingName);
    const refused = faultAnswer(fault, service, signingName, operation, account);
    if (refused) return record(refused, input);

    const context: ServiceContext = { account, region, operation };
    let response: WireResponse;
    let output: Record<string, unknown> = {};
    try {
      output = await service.implementation.invoke(context, input);
      response = service.model.serializeOutput(matched.operation, output);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      response = service.model.serializeError(err.shape, err.members);
    }
    if (response.status < 300 && signingName === 'guardduty') {
      await this.afterGuardDutyWrite(principal, region, operation, input, output, authorization);
    }
    if (fault === 'internal-error-after-commit') {
      return record(service.model.serializeError(service.internalError, { Message: 'Internal server error' }), input);
    }
    return record(response, input);
  }

  /**
   * What GuardDuty does after a write succeeds, with the access it is given: it checks a
   * Malware Protection plan's role and bucket, and reads an entity list being activated with
   * the caller's access.
   */
  private async afterGuardDutyWrite(principal: Principal, region: string, operation: string, input: Record<string, unknown>,
    output: Record<string, unknown>, authorization: AuthorizationRecord[]): Promise<void> {
    const account = principal.account;
    if (operation === 'CreateMalwareProtectionPlan' || operation === 'UpdateMalwareProtectionPlan') {
      const id = operation === 'CreateMalwareProtectionPlan' ? output.MalwareProtectionPlanId : input.MalwareProtectionPlanId;
      const plan = this.guardduty.malwareProtection.of(account, region).find((p) => p.id === id);
      if (plan) await this.verifyMalwareProtectionPlan(account, region, plan);
    }
    const activating = this.guardduty.activatingEntityList(account, region, operation, input, output);
    if (activating) await this.readEntityList(principal, region, activating, authorization);
  }

  /** Log a call with its answer's status and error type; answers the response. */
  private record(response: WireResponse, call: Omit<CallRecord, 'status' | 'error'>): WireResponse {
    this.calls.push({ ...call, status: response.status, error: response.status >= 300 ? response.headers['x-amzn-errortype'] : undefined });
    for (const decision of call.authorization) this.ledger(decision);
    return response;
  }

  /** The IAM ledger (see `IAM_LEDGER_VARIABLE`): which statement allowed which action, kept across resets. */
  private ledger(decision: AuthorizationRecord): void {
    if (decision.decision === 'Allowed') for (const grant of decision.grants) this.usedGrants.add(`${grant.split('/').pop()}|${decision.action}`);
  }

  /** CloudFormation's query protocol (see `./cloudformation`): authorized, faulted and logged like the others. */
  private async handleCloudFormation(body: string, principal: Principal, region: string): Promise<WireResponse> {
    const account = principal.account;
    const { operation, input, error } = this.cloudformation.parse(body);
    const authorization: AuthorizationRecord[] = [];
    const record = (response: WireResponse) =>
      this.record(response, { principal: principal.arn, authorization, service: 'cloudformation', operation, account, region, input });
    if (error) return record(error);
    // IAM evaluates the stack's ARN: the id given, or the id of the stack a name designates.
    const stackArn = input.StackName ? this.cloudformation.resolve(input.StackName, account, region) ?? input.StackName : undefined;
    const denial = await this.authorize(principal, 'cloudformation', operation, region,
      stackArn ? { ...input, StackName: stackArn } : input, authorization);
    if (denial) return record(cloudFormationError(403, 'AccessDenied', denial));
    const fault = this.takeFault(operation, account, 'cloudformation');
    if (fault === 'throttle') return record(cloudFormationError(400, 'Throttling', 'Rate exceeded'));
    if (fault === 'access-denied') return record(cloudFormationError(403, 'AccessDenied', `not authorized to perform: cloudformation:${operation}`));
    if (fault === 'internal-error' || fault === 'internal-error-after-commit') {
      return record(cloudFormationError(500, 'InternalFailure', 'The request processing has failed because of an unknown error.'));
    }
    return record(this.cloudformation.invoke(operation, input, account, region));
  }

  /** Lambda's `Invoke` (see `./lambda`): authorized, faulted and logged like the others. */
  private async handleLambda(req: http.IncomingMessage, body: string, principal: Principal, region: string): Promise<WireResponse> {
    const account = principal.account;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const parsed = this.lambda.parse(req.method ?? 'GET', url.pathname, account, region);
    const operation = 'Invoke';
    const input = { FunctionName: 'functionArn' in parsed ? parsed.functionArn : url.pathname, InvocationType: req.headers['x-amz-invocation-type'] };
    const authorization: AuthorizationRecord[] = [];
    const record = (response: WireResponse) =>
      this.record(response, { principal: principal.arn, authorization, service: 'lambda', operation, account, region, input });
    if ('error' in parsed) return record(parsed.error);
    const denial = await this.authorize(principal, 'lambda', operation, region, input, authorization);
    if (denial) return record({ status: 403, headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' }, body: JSON.stringify({ Message: denial }) });
    const fault = this.takeFault(operation, account, 'lambda');
    if (fault === 'throttle') {
      return record({ status: 429, headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException' }, body: JSON.stringify({ message: 'Rate Exceeded.' }) });
    }
    if (fault === 'access-denied') {
      return record({ status: 403, headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' }, body: JSON.stringify({ Message: `not authorized to perform: lambda:InvokeFunction on resource: ${parsed.functionArn}` }) });
    }
    const internalError: WireResponse = {
      status: 500, headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'ServiceException' }, body: JSON.stringify({ message: 'Internal error' }),
    };
    if (fault === 'internal-error') return record(internalError);
    const answer = this.lambda.invoke(parsed.functionArn, input.InvocationType as string | undefined, body);
    // The invocation was queued, and its answer lost.
    if (fault === 'internal-error-after-commit') return record(internalError);
    return record(answer);
  }

  /** EventBridge's `TestEventPattern` (see `./eventbridge`): authorized and logged like the others. */
  private async handleEventBridge(target: string, body: string, principal: Principal, region: string): Promise<WireResponse> {
    const { operation, input, response } = serveEventBridge(target, body);
    const authorization: AuthorizationRecord[] = [];
    const record = (answer: WireResponse) => this.record(answer, {
      principal: principal.arn, authorization, service: 'events', operation, account: principal.account, region, input,
    });
    if (response.status === 200 || response.headers['x-amzn-errortype'] === 'InvalidEventPatternException') {
      const denial = await this.authorize(principal, 'events', operation, region, input, authorization);
      if (denial) return record(plainError(400, 'AccessDeniedException', denial));
    }
    return record(response);
  }

  /**
   * What GuardDuty checks when a Malware Protection plan is created or updated: that it can assume
   * the plan's role, and that the role allows the calls the GuardDuty User Guide's role policy
   * exists for (its managed EventBridge rule, the bucket's EventBridge notification, the
   * validation object, reading and, with tagging, tagging objects under each prefix, and the
   * bucket's default key through S3). Each denial is a status reason; any makes the plan ERROR.
   */
  private async verifyMalwareProtectionPlan(account: string, region: string, plan: MalwareProtectionPlanState): Promise<void> {
    const role = this.serviceRoles?.(plan.role);
    if (!role) return;
    const reasons: PlanStatusReason[] = [];
    if (!role.trustedServices.includes(MALWARE_PROTECTION_PLAN_SERVICE)) {
      reasons.push({ Code: 'ROLE_NOT_ASSUMABLE', Message: `GuardDuty cannot assume ${plan.role}: its trust policy does not allow ${MALWARE_PROTECTION_PLAN_SERVICE}` });
    } else {
      const bucket = `arn:aws:s3:::${plan.bucketName}`;
      const rule = `arn:aws:events:${region}:${account}:rule/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3-${plan.id}`;
      const managedBy = { 'events:ManagedBy': MALWARE_PROTECTION_PLAN_SERVICE };
      const objects = (plan.objectPrefixes.length > 0 ? plan.objectPrefixes : ['']).map((p) => `${bucket}/${p}uploaded-object`);
      const key = this.bucketKeys?.(plan.bucketName);
      const requests: Array<{ action: string; resource: string; context?: Record<string, string> }> = [
        ...['events:PutRule', 'events:PutTargets', 'events:DeleteRule', 'events:RemoveTargets'].map((action) => ({ action, resource: rule, context: managedBy })),
        ...['events:DescribeRule', 'events:ListTargetsByRule'].map((action) => ({ action, resource: rule })),
        ...['s3:PutBucketNotification', 's3:GetBucketNotification', 's3:ListBucket'].map((action) => ({ action, resource: bucket })),
        { action: 's3:PutObject', resource: `${bucket}/malware-protection-resource-validation-object` },
        ...objects.flatMap((resource) => ['s3:GetObject', 's3:GetObjectVersion'].map((action) => ({ action, resource }))),
        ...(plan.tagging === 'ENABLED'
          ? objects.flatMap((resource) => ['s3:GetObjectTagging', 's3:PutObjectTagging', 's3:GetObjectVersionTagging', 's3:PutObjectVersionTagging']
            .map((action) => ({ action, resource })))
          : []),
        ...(key ? ['kms:Decrypt', 'kms:GenerateDataKey'].map((action) => ({ action, resource: key.keyArn, context: { 'kms:ViaService': `s3.${region}.amazonaws.com` } })) : []),
      ];
      for (const request of requests) {
        const keyPolicy = key && request.resource === key.keyArn ? key.keyPolicy : undefined;
        const decision = await this.iam.authorize(role.principal,
          { action: request.action, resource: request.resource, context: request.context ?? {} }, keyPolicy);
        if (decision.decision !== 'Allowed') {
          reasons.push({ Code: 'ACCESS_DENIED', Message: `The role ${plan.role} does not allow ${request.action} on ${request.resource}` });
        }
        // The service role's statements count in the IAM ledger like the handler's (see `record`).
        this.ledger(decision);
      }
    }
    plan.status = reasons.length > 0 ? 'ERROR' : 'ACTIVE';
    plan.statusReasons = reasons;
  }

  /**
   * GuardDuty reads an entity list with the caller's access when it activates the list ("the role
   * you use to create entity lists must have the s3:GetObject permission"): `s3:GetObject` on the
   * object as the caller, and, for a bucket whose key the local API knows, `kms:Decrypt` through
   * S3 under the key policy too. A denial puts the set in ERROR with the details (the wording is
   * the local API's own: GuardDuty documents none).
   *
   * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty-lists-prerequisites.html
   */
  private async readEntityList(principal: Principal, region: string,
    activating: { readonly set: ListSetState; readonly bucket: string; readonly key: string }, records: AuthorizationRecord[]): Promise<void> {
    const bucketKey = this.bucketKeys?.(activating.bucket);
    for (const request of entityListReads(activating.bucket, activating.key, region, bucketKey)) {
      const decision = await this.iam.authorize(principal, request, request.usesKeyPolicy ? bucketKey?.keyPolicy : undefined);
      records.push(decision);
      if (decision.decision !== 'Allowed' && this.iam.enforce) {
        this.guardduty.failActivation(activating.set, `Access denied: ${principal.arn} is not allowed ${request.action} on ${request.resource}`);
        return;
      }
    }
  }

  /**
   * Authorize a request as AWS would (see `./iam`): the action on the resource it touches, then
   * the permissions the service checks in the caller's name. Returns the denial message, if denied.
   */
  private async authorize(principal: Principal, signingName: string, operation: string, region: string,
    input: Record<string, unknown>, records: AuthorizationRecord[]): Promise<string | undefined> {
    const action = await actionFor(signingName, operation);
    const facts = signingName === 'organizations'
      ? {
        partition: 'aws',
        region,
        account: principal.account,
        organizationId: this.organization.organizationId || undefined,
        managementAccount: this.organization.managementAccount,
      }
      : { partition: 'aws', region, account: principal.account };
    const globalContext = {
      'aws:PrincipalArn': principal.arn,
      'aws:PrincipalAccount': principal.account,
      'aws:RequestedRegion': region,
    };
    const requests: DependentPermission[] = [
      { action, resource: await resourceFor(action, input, facts), context: { ...contextFor(input), ...globalContext } },
      ...await dependentPermissions(action, input, principal.account, facts, {
        organization: this.organization,
        hasServiceLinkedRole: (account, roleName) => this.hasServiceLinkedRole(account, roleName),
        addServiceLinkedRole: (account, roleName) => this.addServiceLinkedRole(account, roleName),
      }),
    ];
    for (const request of requests) {
      const decision = await this.iam.authorize(principal, { ...request, context: { ...request.context, ...globalContext } });
      records.push(decision);
      if (decision.decision !== 'Allowed' && this.iam.enforce) return accessDeniedMessage(principal, decision);
      request.onAllowed?.();
    }
    return undefined;
  }

  private hasServiceLinkedRole(account: string, roleName: string): boolean {
    if (this.serviceLinkedRoles.get(account)?.has(roleName)) return true;
    // A detector or graph already there (made by delegation, auto-enable or a test's seed) means
    // the service made its role then.
    if (roleName === SERVICE_LINKED_ROLE_NAMES.guardDuty) return this.guardduty.hasAnyDetector(account);
    return false;
  }

  private addServiceLinkedRole(account: string, roleName: string): void {
    const roles = this.serviceLinkedRoles.get(account) ?? new Set<string>();
    roles.add(roleName);
    this.serviceLinkedRoles.set(account, roles);
  }

  private takeFault(operation: string, account: string, service: string): FaultKind | undefined {
    const rule = this.faults.find((f) => f.remaining > 0
      && (f.operation === undefined || f.operation === operation)
      && (f.service === undefined || f.service === service)
      && (f.account === undefined || f.account === account));
    if (!rule) return undefined;
    rule.remaining--;
    return rule.kind;
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf-8')));
    req.on('error', reject);
  });
}

/** Errors raised by the AWS front door rather than the service (not in the service model). */
function plainError(status: number, type: string, message: string): WireResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': type },
    body: JSON.stringify({ message }),
  };
}

/** The answer of a fault injected before the operation takes effect; `undefined` for none (or one after it). */
function faultAnswer(fault: string | undefined, service: { model: ServiceModel; internalError: string }, signingName: string,
  operation: string, account: string): WireResponse | undefined {
  switch (fault) {
    case 'throttle': return plainError(400, 'ThrottlingException', 'Rate exceeded');
    case 'access-denied':
      return plainError(403, 'AccessDeniedException', `User: arn:aws:sts::${account}:assumed-role/handler/local `
        + `is not authorized to perform: ${signingName}:${operation} because no identity-based policy allows the ${signingName}:${operation} action`);
    case 'internal-error': return service.model.serializeError(service.internalError, { Message: 'Internal server error' });
    default: return undefined;
  }
}
