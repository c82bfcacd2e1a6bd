/** Idempotency tokens for the GuardDuty Create* calls that take one. */
import { createHash } from 'node:crypto';
import { CustomResourceEvent } from './custom-resource';

/**
 * A token stable across retries of the same request (Lambda retries an invocation with the same
 * event) and distinct between requests, so a retried create returns what the first attempt made
 * instead of making a second resource. GuardDuty allows up to 64 characters.
 */
export function clientToken(event: CustomResourceEvent<unknown>): string {
  return createHash('sha256').update(`${event.StackId}\n${event.LogicalResourceId}\n${event.RequestId}`).digest('hex');
}
