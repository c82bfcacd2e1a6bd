/**
 * Tags on GuardDuty resources: the Update* APIs do not take tags, so a tag change is a diff
 * applied with UntagResource (removed keys) and TagResource (the desired set).
 */
import { GuardDutyClient, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-guardduty';
import { sameStringMap } from './props';

export async function syncTags(client: GuardDutyClient, resourceArn: string,
  oldTags: Readonly<Record<string, string>> = {}, newTags: Readonly<Record<string, string>> = {}): Promise<void> {
  if (sameStringMap(oldTags, newTags)) return;
  const removed = Object.keys(oldTags).filter((k) => !(k in newTags));
  if (removed.length > 0) {
    await client.send(new UntagResourceCommand({ ResourceArn: resourceArn, TagKeys: removed }));
  }
  if (Object.keys(newTags).length > 0) {
    await client.send(new TagResourceCommand({ ResourceArn: resourceArn, Tags: { ...newTags } }));
  }
}

/** The tags to send on create: `undefined` for none (GuardDuty rejects an empty map on some APIs). */
export function tagsOrUndefined(tags: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  return tags && Object.keys(tags).length > 0 ? { ...tags } : undefined;
}
