/**
 * What an adopting create changed on a resource the stack did not make (the detector or graph that
 * delegation or organization auto-enable made), kept so that the Delete undoing that create (a
 * failed first deployment's rollback) puts it back. The record rides in the physical id, the one
 * value CloudFormation keeps for a resource and hands back on Delete: `<base>#<base64url JSON>`.
 * Attributes are read with `Fn::GetAtt`, never `Ref`, so the physical id's shape is the handler's.
 *
 * A physical id is at most 1 KB; a record that does not fit is not kept (the log says so) and the
 * rollback then leaves the adopted resource's settings as the create set them.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html
 */
import { log } from './log';

/** CloudFormation's limit on a physical resource id. */
const MAX_PHYSICAL_ID_BYTES = 1024;
const SEPARATOR = '#';

/** `base` with the record appended, or `base` alone when it would not fit. */
export function withAdoptionRecord(base: string, record: object): string {
  const encoded = Buffer.from(JSON.stringify(record), 'utf-8').toString('base64url');
  const id = `${base}${SEPARATOR}${encoded}`;
  if (Buffer.byteLength(id) <= MAX_PHYSICAL_ID_BYTES) return id;
  log.warn('The settings before adoption do not fit in the physical id (1 KB): a rollback of this create will not restore them',
    { resource: base, bytes: Buffer.byteLength(id) });
  return base;
}

/** The base id and, when there is one, the record. */
export function parseAdoptionRecord<T>(physicalId: string): { base: string; record?: T } {
  const at = physicalId.indexOf(SEPARATOR);
  if (at < 0) return { base: physicalId };
  try {
    return { base: physicalId.slice(0, at), record: JSON.parse(Buffer.from(physicalId.slice(at + 1), 'base64url').toString('utf-8')) as T };
  } catch {
    return { base: physicalId.slice(0, at) };
  }
}

/** Tags to put back: each key the stack set, with its value before (`null`: the key was not there). */
export type TagsBefore = Record<string, string | null>;

export function tagsBefore(current: Readonly<Record<string, string>> | undefined, keys: ReadonlyArray<string>): TagsBefore {
  return Object.fromEntries(keys.map((k) => [k, current?.[k] ?? null]));
}
