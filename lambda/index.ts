/**
 * The Lambda entry point behind every custom resource of the library (one function per stack).
 * It refuses an event whose answer would go anywhere but CloudFormation's response bucket, or that
 * CloudFormation is not sending now for this function's stack (checked with DescribeStackResource),
 * before any service call and without answering. Otherwise
 * it runs the resource handler, then answers CloudFormation at the event's ResponseURL. If the
 * handler is still running shortly before the function's timeout, it answers FAILED instead, so
 * the stack does not wait an hour for an answer that will never come.
 */
import { dispatch, resourceLabel } from './dispatch';
import {
  CustomResourceEvent,
  failedResponse,
  LambdaContextLike,
  sendResponse,
  successResponse,
  CustomResourceResponse,
} from './shared/custom-resource';
import { failureReason } from './shared/errors';
import { verifyEvent } from './shared/event-verification';
import { log, redact, redactText } from './shared/log';
import { responseUrlProblem } from './shared/response-url';

/** Time kept back from the function timeout to send a FAILED response. */
const TIMEOUT_MARGIN_MS = 10_000;

export async function handler(event: CustomResourceEvent<unknown>, context: LambdaContextLike): Promise<void> {
  log.info('Event', { event: redact(event) });
  // Before anything runs: an event whose answer would go anywhere but CloudFormation is not one.
  const refused = responseUrlProblem(event.ResponseURL, event.StackId);
  if (refused) {
    log.error('Refused the event: nothing called, nothing answered', { reason: refused });
    return;
  }
  // Nor is an event CloudFormation is not sending now for this function's stack (see event-verification.ts).
  const verification = await verifyEvent(event).catch((err: unknown) => ({
    refused: `CloudFormation could not confirm the event: ${(err as { name?: string }).name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}`,
    undoesCreate: false,
    rollback: false,
  }));
  if (verification.refused) {
    log.error('Refused the event: nothing called, nothing answered', { reason: redactText(verification.refused) });
    return;
  }
  const label = resourceLabel(event);

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<CustomResourceResponse>((resolve) => {
    const ms = Math.max(context.getRemainingTimeInMillis() - TIMEOUT_MARGIN_MS, 0);
    timer = setTimeout(() => resolve(failedResponse(event,
      `${label}: the handler did not finish within the function timeout; check its log`)), ms);
  });
  const completed = dispatch(event, { undoesCreate: verification.undoesCreate, rollback: verification.rollback }).then(
    (result) => successResponse(event, result),
    (err) => {
      log.error('Failed', { resource: label, error: String(err), stack: (err as Error)?.stack });
      // The reason shows in CloudFormation's stack events: no email (e.g. quoted by a service error).
      return failedResponse(event, redactText(failureReason(label, err)));
    },
  );

  const response = await Promise.race([completed, timedOut]);
  clearTimeout(timer);
  log.info('Response', { response });
  await sendResponse(event.ResponseURL, response);
}
