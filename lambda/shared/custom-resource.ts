/**
 * The custom resource protocol: the events CloudFormation sends, what a resource handler returns,
 * and the response the handler PUTs to the pre-signed ResponseURL.
 *
 * A resource handler returns `{ physicalResourceId, data }` or throws; it never returns a
 * "failed" value. The entry point turns a throw into a FAILED response that names the resource
 * and the API error, and answers FAILED itself shortly before the Lambda timeout, so a stuck
 * call never leaves a stack waiting an hour for a response.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { log } from './log';

export type RequestType = 'Create' | 'Update' | 'Delete';

/** A CloudFormation custom resource request. */
export interface CustomResourceEvent<P = Record<string, unknown>> {
  readonly RequestType: RequestType;
  readonly ServiceToken: string;
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly ResourceType: string;
  readonly LogicalResourceId: string;
  /** Absent on Create. */
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: P & { readonly ServiceToken?: string };
  /** Update only: the properties before the change (on rollback, the ones that failed). */
  readonly OldResourceProperties?: P & { readonly ServiceToken?: string };
}

/** The part of the Lambda context the handler uses. */
export interface LambdaContextLike {
  /** The function's ARN as invoked: where an event that runs out of time continues (see continuation.ts). */
  readonly invokedFunctionArn?: string;
  getRemainingTimeInMillis(): number;
}

/** What a resource handler returns on success. */
export interface ResourceResult {
  readonly physicalResourceId: string;
  readonly data?: Record<string, string>;
}

/** Where the stack lives, read from the StackId ARN: the handler's account, Region and partition. */
export interface StackLocation {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

export function stackLocation(stackId: string): StackLocation {
  const [arn, partition, service, region, account] = stackId.split(':');
  if (arn !== 'arn' || service !== 'cloudformation' || !partition || !region || !/^\d{12}$/.test(account ?? '')) {
    throw new Error(`StackId is not a CloudFormation stack ARN: ${stackId}`);
  }
  return { partition, region, account };
}

/**
 * Physical id reported when a Create fails. CloudFormation then sends Delete for it during
 * rollback; nothing was left behind, so the Delete succeeds without calling any API.
 */
export const CREATE_FAILED_PHYSICAL_ID = 'cdk-threat-detection:create-failed';

/** CloudFormation rejects response bodies of 4096 bytes or more; keep the reason well inside. */
const MAX_REASON_LENGTH = 2000;

export interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly NoEcho: boolean;
  readonly Data?: Record<string, string>;
}

export function successResponse(event: CustomResourceEvent<unknown>, result: ResourceResult): CustomResourceResponse {
  return {
    Status: 'SUCCESS',
    PhysicalResourceId: result.physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    NoEcho: false,
    Data: result.data,
  };
}

/**
 * A FAILED answer. A failed Create answers with the physical id of what it made (`made`, see
 * `invocation.ts`), so the rollback's Delete removes it; with nothing made, the placeholder,
 * whose Delete calls nothing.
 */
export function failedResponse(event: CustomResourceEvent<unknown>, reason: string, made?: string): CustomResourceResponse {
  const trimmed = reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH - 1)}…` : reason;
  return {
    Status: 'FAILED',
    Reason: trimmed,
    PhysicalResourceId: event.PhysicalResourceId ?? made ?? CREATE_FAILED_PHYSICAL_ID,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    NoEcho: false,
  };
}

const RESPONSE_ATTEMPTS = 5;

/** The longest one PUT attempt may take. */
const RESPONSE_ATTEMPT_TIMEOUT_MS = 10_000;

/**
 * PUT the response to the pre-signed URL, retrying transient failures: a lost response leaves the
 * stack waiting for an hour. The body is sent with an empty content type, as the pre-signed URL's
 * signature expects. Attempts and their backoff end by `deadline` (ms since the epoch, real
 * time): the function must not time out while answering.
 */
export async function sendResponse(responseUrl: string, response: CustomResourceResponse,
  deadline = Number.POSITIVE_INFINITY): Promise<void> {
  const body = JSON.stringify(response);
  let lastError: unknown;
  let attempts = 0;
  for (let attempt = 1; attempt <= RESPONSE_ATTEMPTS; attempt++) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    attempts = attempt;
    try {
      await put(responseUrl, body, Math.min(RESPONSE_ATTEMPT_TIMEOUT_MS, left));
      return;
    } catch (err) {
      lastError = err;
      log.warn('Sending the response failed; retrying', { attempt, error: String(err) });
      const backoff = Math.min(200 * 2 ** attempt, 5000, Math.max(deadline - Date.now(), 0));
      await new Promise((resolve) => setTimeout(resolve, backoff));
    }
  }
  throw new Error(`Could not send the response to CloudFormation after ${attempts} attempt(s): ${String(lastError)}`);
}

function put(responseUrl: string, body: string, timeoutMs: number): Promise<void> {
  const url = new URL(responseUrl);
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const request = transport.request(url, {
      method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
      timeout: timeoutMs,
    }, (res) => {
      res.resume();
      res.on('end', () => {
        if ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) {
          resolve();
        } else {
          reject(new Error(`HTTP ${res.statusCode}`));
        }
      });
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
    request.end(body);
  });
}
