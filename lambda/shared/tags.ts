/**
 * Tags on GuardDuty and Detective resources: the Update* APIs do not take tags, so an update
 * applies them with UntagResource (the keys the stack removed) and TagResource (the desired set,
 * written every time: a value changed or a key removed outside CloudFormation comes back, without
 * a read). Keys the stack never set are left as they are. Both services take
 * `{ ResourceArn, Tags }` and `{ ResourceArn, TagKeys }`.
 */
import { GuardDutyClient, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-guardduty';

/** How one service writes tags on one resource. */
export interface TagWriter {
  tag(tags: Record<string, string>): Promise<unknown>;
  untag(keys: string[]): Promise<unknown>;
}

/** Untag the keys `oldTags` has and `newTags` does not, then tag `newTags` (even when unchanged: it repairs drift). */
export async function applyTagDiff(writer: TagWriter,
  oldTags: Readonly<Record<string, string>> = {}, newTags: Readonly<Record<string, string>> = {}): Promise<void> {
  const removed = Object.keys(oldTags).filter((k) => !(k in newTags));
  if (removed.length > 0) await writer.untag(removed);
  if (Object.keys(newTags).length > 0) await writer.tag({ ...newTags });
}

/** The tag diff on a GuardDuty resource. */
export async function syncTags(client: GuardDutyClient, resourceArn: string,
  oldTags: Readonly<Record<string, string>> = {}, newTags: Readonly<Record<string, string>> = {}): Promise<void> {
  await applyTagDiff({
    tag: (tags) => client.send(new TagResourceCommand({ ResourceArn: resourceArn, Tags: tags })),
    untag: (keys) => client.send(new UntagResourceCommand({ ResourceArn: resourceArn, TagKeys: keys })),
  }, oldTags, newTags);
}

/** The tags to send on create: `undefined` for none (GuardDuty rejects an empty map on some APIs). */
export function tagsOrUndefined(tags: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  return tags && Object.keys(tags).length > 0 ? { ...tags } : undefined;
}
