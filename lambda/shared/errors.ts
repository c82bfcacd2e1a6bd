/**
 * Error matching for the services' errors, and the message a failed resource reports.
 *
 * GuardDuty answers almost every client error as `BadRequestException` (HTTP 400); only the
 * message tells "not found" from "already exists" or "invalid value". The messages matched here are
 * the service's own (see the GuardDuty API reference error lists and the providers that match them).
 */

/** What the SDK puts on a service error. `$operation` is added by our client middleware. */
interface ServiceErrorLike {
  readonly name?: string;
  readonly message?: string;
  readonly $operation?: string;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly requestId?: string };
}

function asServiceError(err: unknown): ServiceErrorLike {
  return (err && typeof err === 'object' ? err : {}) as ServiceErrorLike;
}

function isBadRequestWith(err: unknown, text: string): boolean {
  const e = asServiceError(err);
  return e.name === 'BadRequestException' && (e.message ?? '').includes(text);
}

/** The detector id does not exist in this account and Region (GuardDuty says "not owned"). */
export function isDetectorNotFound(err: unknown): boolean {
  return isBadRequestWith(err, 'detectorId is not owned by the current account');
}

/** CreateDetector in an account and Region that already has a detector. */
export function isDetectorAlreadyExists(err: unknown): boolean {
  return isBadRequestWith(err, 'a detector already exists for the current account');
}

/** A filter, IPSet or ThreatIntelSet that does not exist (Get/Update/Delete on a missing one). */
export function isNoSuchResource(err: unknown): boolean {
  return isBadRequestWith(err, 'no such resource found');
}

/**
 * A publishing destination id that does not exist: GuardDuty answers the generic "invalid
 * values" message (or "not owned" when the whole detector is gone).
 */
export function isPublishingDestinationNotFound(err: unknown): boolean {
  return isBadRequestWith(err, 'one or more input parameters have invalid values') || isDetectorNotFound(err);
}

/**
 * DisableOrganizationAdminAccount for an administrator that is already gone (terraform-provider-aws
 * matches the same message).
 */
export function isAdministratorAlreadyDisabled(err: unknown): boolean {
  return isBadRequestWith(err, 'delegated administrator account has already been disabled');
}

/**
 * A Detective (or Organizations) error of the given type. Detective's errors are typed
 * (`ResourceNotFoundException`, `ConflictException`, `ServiceQuotaExceededException`,
 * `ValidationException`, `AccessDeniedException`), so handlers match names, never messages.
 */
export function isErrorNamed(err: unknown, ...names: string[]): boolean {
  return names.includes(asServiceError(err).name ?? '');
}

/** Detective: the graph, member or invitation does not exist (or is not the caller's). */
export function isResourceNotFound(err: unknown): boolean {
  return isErrorNamed(err, 'ResourceNotFoundException');
}

/** The service's message of an error, for a handler's own explanation. */
export function errorMessage(err: unknown): string {
  const e = asServiceError(err);
  return `${e.name ?? 'Error'}: ${e.message ?? String(err)}`;
}

/** Any client error GuardDuty reports as BadRequestException. */
export function isBadRequest(err: unknown): boolean {
  return asServiceError(err).name === 'BadRequestException';
}

/**
 * An error a handler raises on purpose, whose message is already complete and user-facing
 * (a precondition, a state the resource cannot reach).
 */
export class HandlerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HandlerError';
  }
}

/**
 * The reason a failed resource reports to CloudFormation: which resource, which API call, the
 * service's error name and message. `label` names the resource, e.g. `Detector MyDetector`.
 */
export function failureReason(label: string, err: unknown): string {
  if (err instanceof HandlerError) {
    return `${label}: ${err.message}`;
  }
  const e = asServiceError(err);
  const operation = e.$operation ? `${e.$operation} failed: ` : '';
  const name = e.name && e.name !== 'Error' ? `${e.name}: ` : '';
  const requestId = e.$metadata?.requestId ? ` (request id ${e.$metadata.requestId})` : '';
  return `${label}: ${operation}${name}${e.message ?? String(err)}${requestId}`;
}
