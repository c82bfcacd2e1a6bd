/**
 * SDK clients for the handler. Clients are made per invocation: the handler runs a few API calls
 * per event, and a fresh client reads region, endpoint (`AWS_ENDPOINT_URL_*`) and credentials the
 * SDK's standard way each time, so the same bundle runs in Lambda and against a local API.
 */
import { DetectiveClient } from '@aws-sdk/client-detective';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { HandlerError } from './errors';
import { isAnswered } from './invocation';

/**
 * Attempts per API call under the SDK's standard retry strategy (throttling, 5xx, transient
 * network errors), with exponential backoff and jitter. Throttling is the common case when many
 * stacks deploy at once in an organization.
 */
export const MAX_ATTEMPTS = 8;

/**
 * Stamp the failing operation's name on service errors, so a failure reason can name the call
 * (`CreateDetector failed: BadRequestException: ...`); and refuse any call once the handler has
 * answered (see `invocation.ts`).
 */
function nameOperationsInErrors<C extends GuardDutyClient | DetectiveClient | OrganizationsClient>(client: C): C {
  (client.middlewareStack as GuardDutyClient['middlewareStack']).add(
    (next, context) => async (args) => {
      // Work abandoned at the timeout stops here: CloudFormation was told the event failed.
      if (isAnswered()) {
        throw new HandlerError(`not calling ${String(context.commandName).replace(/Command$/, '')}: the handler already answered `
          + '(the function ran out of time)');
      }
      try {
        return await next(args);
      } catch (err) {
        if (err && typeof err === 'object' && context.commandName) {
          (err as { $operation?: string }).$operation = context.commandName.replace(/Command$/, '');
        }
        throw err;
      }
    },
    { step: 'initialize', name: 'nameOperationInErrors' },
  );
  // The same check on each attempt (inside the retry middleware): a call being retried when the
  // handler answers makes no further attempt.
  (client.middlewareStack as GuardDutyClient['middlewareStack']).add(
    (next, context) => async (args) => {
      if (isAnswered()) {
        throw new HandlerError(`not retrying ${String(context.commandName).replace(/Command$/, '')}: the handler already answered `
          + '(the function ran out of time)');
      }
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'stopAfterAnswer' },
  );
  return client;
}

/** GuardDuty in the function's Region, or in `region` (a delegated administrator is set per Region). */
export function guardDutyClient(region?: string): GuardDutyClient {
  return nameOperationsInErrors(new GuardDutyClient({ maxAttempts: MAX_ATTEMPTS, region }));
}

/** Detective in the function's Region, or in `region` (its administrator is set per Region). */
export function detectiveClient(region?: string): DetectiveClient {
  return nameOperationsInErrors(new DetectiveClient({ maxAttempts: MAX_ATTEMPTS, region }));
}

/**
 * AWS Organizations, for member sets read from the organization at run time. Organizations is a
 * global service; the SDK's endpoint rules route every Region of a partition to its one endpoint.
 */
export function organizationsClient(): OrganizationsClient {
  return nameOperationsInErrors(new OrganizationsClient({ maxAttempts: MAX_ATTEMPTS }));
}
