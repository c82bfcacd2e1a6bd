/** Reading custom resource properties, which CloudFormation delivers with scalars as strings. */
import { HandlerError } from './errors';

/** Parse a `"true"`/`"false"` property (CloudFormation may also pass a real boolean through). */
export function parseBoolean(value: unknown, name: string): boolean {
  if (value === 'true' || value === true) return true;
  if (value === 'false' || value === false) return false;
  throw new HandlerError(`property ${name} must be "true" or "false", got: ${JSON.stringify(value)}`);
}

/** Shallow equality of two string maps (absent = empty). */
export function sameStringMap(a: Readonly<Record<string, string>> = {}, b: Readonly<Record<string, string>> = {}): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && a[k] === b[k]);
}
