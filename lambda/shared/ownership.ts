/**
 * The ownership record (`CREATED_BY_TAG`) a created resource carries: how a retried create tells
 * what an earlier attempt of the same resource made from what was there before, whether or not the
 * service honoured the client token.
 */
import { CustomResourceEvent } from './custom-resource';
import { CREATED_BY_TAG } from '../../src/private/contracts';

/** The record's value for this resource: its stack and logical id (stable across attempts and updates). */
export function creatorMark(event: CustomResourceEvent<unknown>): string {
  return `${event.StackId}|${event.LogicalResourceId}`;
}

/** Tags to create a resource with: the user's, and the ownership record. */
export function withCreatorMark(tags: Readonly<Record<string, string>> | undefined, event: CustomResourceEvent<unknown>): Record<string, string> {
  return { ...tags, [CREATED_BY_TAG]: creatorMark(event) };
}

/** Whether tags read from the service say this resource created it. */
export function createdBy(tags: Readonly<Record<string, string>> | undefined, event: CustomResourceEvent<unknown>): boolean {
  return tags?.[CREATED_BY_TAG] === creatorMark(event);
}
