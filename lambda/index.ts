/**
 * The Lambda entry point behind every custom resource of the library (one function per stack).
 * It refuses an event whose answer would go anywhere but CloudFormation's response bucket, or that
 * CloudFormation is not sending now for this function's stack (checked with DescribeStackResource),
 * before any service call and without answering. Otherwise it runs the resource handler, then
 * answers CloudFormation at the event's ResponseURL. If the handler is still running shortly
 * before the function's timeout, it answers FAILED instead (with what a create made, see
 * shared/invocation.ts), so the stack does not wait an hour for an answer that will never come.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { dispatch, isContinuable, resourceLabel } from './dispatch';
import { MAX_ATTEMPTS } from './shared/clients';
import { clock } from './shared/clock';
import { continuationOf, ContinuationNeeded, continueInNewInvocation, MAX_CONTINUATIONS, withoutContinuation } from './shared/continuation';
import {
  CREATE_FAILED_PHYSICAL_ID,
  CustomResourceEvent,
  failedResponse,
  LambdaContextLike,
  sendResponse,
  successResponse,
  CustomResourceResponse,
} from './shared/custom-resource';
import { failureReason } from './shared/errors';
import { Verification, verifyEvent } from './shared/event-verification';
import { madePhysicalId, markAnswered, runInvocation, undoStoppedWork } from './shared/invocation';
import { invitationTexts, log, redactEvent, redactText, withSecrets } from './shared/log';
import { responseUrlProblem } from './shared/response-url';
import { templateProblem } from './shared/template-proof';
import { PROVE_PROPERTIES_VARIABLE } from '../src/private/contracts';

/**
 * Time kept back from the function timeout to send a FAILED response: the answer's PUT, retried,
 * is bounded to fit in it.
 */
const ANSWER_MARGIN_MS = 20_000;

/**
 * Time kept back before that for a failed event to clean up (delete what its create made, remove
 * the members it added): every wait ends this long before the answer margin.
 */
const CLEANUP_RESERVE_MS = 60_000;

export async function handler(event: CustomResourceEvent<unknown>, context: LambdaContextLike): Promise<void> {
  // The event's invitation texts are redacted wherever they are quoted (logs and the FAILED reason).
  const old = (event as { OldResourceProperties?: unknown })?.OldResourceProperties;
  const texts = [...invitationTexts(event?.ResourceProperties), ...invitationTexts(old)];
  return withSecrets(texts, () => handle(event, context));
}

async function handle(received: CustomResourceEvent<unknown>, context: LambdaContextLike): Promise<void> {
  // Before anything runs: an event whose answer would go anywhere but CloudFormation is not one.
  // Only its identity is logged until it is confirmed (a forged event's body is not worth the work).
  const identity = { requestType: received?.RequestType, logicalResourceId: received?.LogicalResourceId, requestId: received?.RequestId };
  // The answer goes only to this request's own object in CloudFormation's response bucket.
  const refused = responseUrlProblem(received.ResponseURL, received.StackId, received);
  if (refused) {
    log.error('Refused the event: nothing called, nothing answered', { reason: refused, ...identity });
    return;
  }
  // A continuation of an event an earlier invocation ran out of time for (see shared/continuation.ts):
  // only its count is read; the event is confirmed again below like any other.
  const continuation = continuationOf(received);
  if ('refused' in continuation) {
    log.error('Refused the event: nothing called, nothing answered', { reason: continuation.refused, ...identity });
    return;
  }
  const attempt = continuation.attempt;
  const event = withoutContinuation(received);
  // Nor is an event CloudFormation is not sending now for this function's stack (see event-verification.ts).
  let unconfirmable: string | undefined;
  const verification: Verification = await verifyEvent(event).catch((err: unknown) => {
    unconfirmable = `${(err as { name?: string }).name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}`;
    return { refused: `CloudFormation could not confirm the event: ${unconfirmable}`, undoesCreate: false, rollback: false };
  });
  if (unconfirmable !== undefined && event.RequestType === 'Delete' && event.PhysicalResourceId === CREATE_FAILED_PHYSICAL_ID) {
    // The rollback of a create that made nothing: there is nothing to do, so nothing to confirm.
    await sendResponse(event.ResponseURL, successResponse(event, { physicalResourceId: CREATE_FAILED_PHYSICAL_ID }),
      Date.now() + context.getRemainingTimeInMillis() - 2_000);
    return;
  }
  if (unconfirmable !== undefined) {
    // Asked and not answered (denied, throttled past the SDK's retries): nothing is done, and the
    // request is answered FAILED at its own URL, so the stack does not wait for its timeout.
    const reason = redactText(`${resourceLabel(event)}: CloudFormation could not confirm the event, so nothing was done (${unconfirmable}); `
      + 'deploy again, and check that the handler\'s role may call cloudformation:DescribeStackResource');
    log.error('Could not confirm the event: nothing called, answered FAILED', { reason, ...identity });
    await sendResponse(event.ResponseURL, failedResponse(event, reason, undefined), Date.now() + context.getRemainingTimeInMillis() - 2_000);
    return;
  }
  if (verification.refused) {
    log.error('Refused the event: nothing called, nothing answered', { reason: redactText(verification.refused), ...identity });
    return;
  }
  // Nor an event whose properties are not what the stack's template gives its resource (see
  // shared/template-proof.ts): answered FAILED at its own URL, nothing done.
  const unproven = await propertiesProblem(event, verification);
  if (unproven !== undefined) {
    const reason = redactText(`${resourceLabel(event)}: ${unproven}; nothing was done`);
    log.error('The event\'s properties are not proven by the template: nothing called, answered FAILED', { reason, ...identity });
    await sendResponse(event.ResponseURL, failedResponse(event, reason, undefined), Date.now() + context.getRemainingTimeInMillis() - 2_000);
    return;
  }
  log.info('Event', { event: redactEvent(event), ...(attempt > 0 ? { continuation: attempt } : {}) });
  const label = resourceLabel(event);
  const remaining = context.getRemainingTimeInMillis();
  const endsAt = Date.now() + remaining;
  const answerBy = endsAt - ANSWER_MARGIN_MS;
  // The work runs as this invocation (see shared/invocation.ts): work it abandons at the timeout
  // stays answered, even when the next event reaches the same warm environment.
  const response = await runInvocation(clock().now() + remaining - ANSWER_MARGIN_MS - CLEANUP_RESERVE_MS, async () => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<CustomResourceResponse>((resolve) => {
      timer = setTimeout(() => {
        // From here no API call is made: the work still running is abandoned, and what a create
        // made is answered as the physical id, for the rollback's Delete to remove.
        markAnswered();
        resolve(failedResponse(event, `${label}: the handler did not finish within the function timeout; check its log`, madePhysicalId()));
      }, Math.max(answerBy - Date.now(), 0));
    });
    const { undoesCreate, rollback, replaced } = verification;
    const completed = dispatch(event, { undoesCreate, rollback, replaced }).then(
      (result): CustomResourceResponse | 'continued' => successResponse(event, result),
      async (err): Promise<CustomResourceResponse | 'continued'> => {
        if (err instanceof ContinuationNeeded) {
          const continued = await continueLater(event, err, attempt, context);
          if (continued === true) return 'continued';
          log.error('Failed', { resource: label, error: continued });
          await undoStoppedWork();
          return failedResponse(event, redactText(`${label}: ${continued}`), madePhysicalId());
        }
        log.error('Failed', { resource: label, error: String(err), stack: (err as Error)?.stack });
        // The reason shows in CloudFormation's stack events: no email (e.g. quoted by a service error).
        return failedResponse(event, redactText(failureReason(label, err)), madePhysicalId());
      },
    );

    const answer = await Promise.race([completed, timedOut]);
    clearTimeout(timer);
    markAnswered();
    return answer;
  }, attempt, isContinuable(event) && context.invokedFunctionArn !== undefined, verification.since);
  if (response === 'continued') {
    log.info('Continuing in a new invocation', { resource: label, continuation: attempt + 1 });
    return;
  }
  log.info('Response', { response });
  // The answer's retries stop short of the function's end.
  await sendResponse(event.ResponseURL, response, endsAt - 2_000);
}

/**
 * Why the event's properties cannot be acted on (they are not the template's, or the template
 * could not be read), or undefined when they are proven or the app turned the proof off.
 */
async function propertiesProblem(event: CustomResourceEvent<unknown>, verification: Verification): Promise<string | undefined> {
  if (process.env[PROVE_PROPERTIES_VARIABLE] === 'false') return undefined;
  try {
    const problem = await templateProblem(event, verification.stackStatus, new CloudFormationClient({ maxAttempts: MAX_ATTEMPTS }));
    return problem === undefined ? undefined : `the event's properties are not what the stack's template gives the resource (${problem})`;
  } catch (err) {
    return 'CloudFormation could not give the stack\'s template to prove the event\'s properties '
      + `(${(err as { name?: string }).name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}); deploy again, and check that the `
      + 'handler\'s role may call cloudformation:GetTemplate and cloudformation:ListStackResources';
  }
}

/**
 * Continue an event that ran out of time in a new invocation (see shared/continuation.ts):
 * `true` when Lambda accepted it, else why the event fails instead.
 */
async function continueLater(event: CustomResourceEvent<unknown>, err: ContinuationNeeded, attempt: number,
  context: LambdaContextLike): Promise<true | string> {
  if (!isContinuable(event) || !context.invokedFunctionArn) {
    return `${err.message}: deploy again to continue`;
  }
  if (attempt >= MAX_CONTINUATIONS) {
    // Only a member set's work grows with the user's input; other waits are on a service's status.
    const advice = /Members?$/.test(event.ResourceType) ? '; split the work (e.g. a member set into several MemberAccounts)' : '';
    return `${err.message} in the last of the ${MAX_CONTINUATIONS + 1} invocations an event may take${advice}`;
  }
  try {
    await continueInNewInvocation(event, attempt + 1, context.invokedFunctionArn);
    return true;
  } catch (invokeError) {
    const name = (invokeError as { name?: string }).name ?? 'Error';
    return `${err.message}, and continuing in a new invocation failed: Invoke failed: ${name}: ${(invokeError as Error).message}; `
      + 'check that the handler\'s role may call lambda:InvokeFunction on its own function';
  }
}
