/**
 * EventBridge's `TestEventPattern`, so a rule's pattern is proven against sample events under
 * EventBridge's matching rules (by the real `@aws-sdk/client-eventbridge` client), not by
 * comparing pattern text.
 *
 * EventBridge speaks JSON 1.1 (`X-Amz-Target: AWSEvents.TestEventPattern`). There is no botocore
 * model of it here, so the one operation is served by hand in its documented shape
 * (`{EventPattern, Event}` -> `{Result}`; a pattern or event it cannot use is
 * `InvalidEventPatternException`), and the matching follows the EventBridge User Guide:
 *
 * - a pattern is a JSON object; each field's value is an object (a nested pattern) or an array of
 *   matchers, ORed; the fields of one object are ANDed; `$or` takes an array of patterns;
 * - matchers: literal strings, numbers (compared as numbers), `null` and booleans; `prefix`,
 *   `suffix` (each also with `equals-ignore-case`), `equals-ignore-case`, `wildcard`,
 *   `anything-but` (a value, a list, or a `prefix`/`suffix`/`equals-ignore-case`/`wildcard`),
 *   `numeric` (one or two comparisons, values within ±5.0e9), `exists`, `cidr` (IPv4 and IPv6);
 * - an array in the event matches when any of its elements does; a field absent from the event
 *   (or an empty array) matches only `{"exists": false}`; `exists` and the other matchers apply to
 *   leaves only (a field holding an object is not matched by `{"exists": true}`).
 *
 * The event must have the fields TestEventPattern requires: `id`, `account`, `source`, `time`,
 * `region`, `resources` and `detail-type`.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_TestEventPattern.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
 */
import { BlockList, isIP } from 'node:net';
import type { WireResponse } from './model';

/** The operations served, for the local API's routing. */
export const EVENTBRIDGE_OPERATIONS = ['TestEventPattern'];

const REQUIRED_EVENT_FIELDS = ['id', 'account', 'source', 'time', 'region', 'resources', 'detail-type'];

/** EventBridge's numeric matching range. */
const NUMERIC_LIMIT = 5.0e9;

/** A pattern or event EventBridge cannot use. */
export class InvalidEventPattern extends Error {}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Answer one JSON 1.1 request (`target` is the `X-Amz-Target` header). */
export function serveEventBridge(target: string, body: string): { operation: string; input: Record<string, unknown>; response: WireResponse } {
  const operation = target.startsWith('AWSEvents.') ? target.slice('AWSEvents.'.length) : target;
  let input: Record<string, unknown> = {};
  try {
    input = JSON.parse(body || '{}');
  } catch {
    return { operation, input, response: jsonError(400, 'SerializationException', 'The request body is not JSON.') };
  }
  if (!EVENTBRIDGE_OPERATIONS.includes(operation)) {
    return { operation, input, response: jsonError(400, 'UnknownOperationException', `The local API does not serve events:${operation}.`) };
  }
  if (typeof input.EventPattern !== 'string' || typeof input.Event !== 'string') {
    return { operation, input, response: jsonError(400, 'ValidationException', 'EventPattern and Event are required strings.') };
  }
  try {
    const result = testEventPattern(input.EventPattern, input.Event);
    return { operation, input, response: { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify({ Result: result }) } };
  } catch (err) {
    if (!(err instanceof InvalidEventPattern)) throw err;
    return { operation, input, response: jsonError(400, 'InvalidEventPatternException', err.message) };
  }
}

/** Whether `eventText` matches `patternText` (both JSON text), as EventBridge decides. */
export function testEventPattern(patternText: string, eventText: string): boolean {
  const pattern = parseObject(patternText, 'Event pattern');
  validatePattern(pattern, '');
  const event = parseObject(eventText, 'Event');
  for (const field of REQUIRED_EVENT_FIELDS) {
    if (!(field in event)) throw new InvalidEventPattern(`Event is missing the required field "${field}".`);
  }
  return matchObject(pattern, event);
}

function parseObject(text: string, what: string): JsonObject {
  let value: Json;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidEventPattern(`${what} is not valid JSON.`);
  }
  if (!isObject(value)) throw new InvalidEventPattern(`${what} must be a JSON object.`);
  return value;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// Validation: EventBridge refuses a pattern it cannot evaluate.

function validatePattern(pattern: JsonObject, path: string): void {
  if (Object.keys(pattern).length === 0 && path !== '') throw new InvalidEventPattern(`Empty object at "${path}".`);
  for (const [key, value] of Object.entries(pattern)) {
    const at = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isObject)) {
        throw new InvalidEventPattern(`"$or" at "${at}" must be an array of at least two patterns.`);
      }
      value.forEach((p) => validatePattern(p as JsonObject, path));
    } else if (isObject(value)) {
      validatePattern(value, at);
    } else if (Array.isArray(value)) {
      if (value.length === 0) throw new InvalidEventPattern(`Empty array at "${at}".`);
      value.forEach((m) => validateMatcher(m, at));
    } else {
      throw new InvalidEventPattern(`"${at}" must be an object or an array, not ${JSON.stringify(value)}.`);
    }
  }
}

function validateMatcher(matcher: Json, at: string): void {
  if (!isObject(matcher)) {
    if (Array.isArray(matcher)) throw new InvalidEventPattern(`Nested array at "${at}".`);
    if (typeof matcher === 'number') checkNumber(matcher, at);
    return;
  }
  const keys = Object.keys(matcher);
  if (keys.length !== 1) throw new InvalidEventPattern(`A matcher at "${at}" must have exactly one key: ${JSON.stringify(matcher)}.`);
  const [key] = keys;
  const value = matcher[key];
  switch (key) {
    case 'prefix':
    case 'suffix':
      if (typeof value === 'string') return;
      if (isObject(value) && Object.keys(value).length === 1 && typeof value['equals-ignore-case'] === 'string') return;
      throw new InvalidEventPattern(`"${key}" at "${at}" takes a string or {"equals-ignore-case": string}.`);
    case 'equals-ignore-case':
    case 'wildcard':
    case 'cidr':
      if (typeof value !== 'string') throw new InvalidEventPattern(`"${key}" at "${at}" takes a string.`);
      if (key === 'cidr') parseCidr(value, at);
      return;
    case 'exists':
      if (typeof value !== 'boolean') throw new InvalidEventPattern(`"exists" at "${at}" takes true or false.`);
      return;
    case 'numeric':
      validateNumeric(value, at);
      return;
    case 'anything-but':
      validateAnythingBut(value, at);
      return;
    default:
      throw new InvalidEventPattern(`Unrecognized match type "${key}" at "${at}".`);
  }
}

function validateAnythingBut(value: Json, at: string): void {
  if (typeof value === 'string') return;
  if (typeof value === 'number') return checkNumber(value, at);
  if (Array.isArray(value)) {
    const allStrings = value.every((v) => typeof v === 'string');
    const allNumbers = value.every((v) => typeof v === 'number');
    if (value.length === 0 || !(allStrings || allNumbers)) {
      throw new InvalidEventPattern(`"anything-but" at "${at}" takes a non-empty list of strings only or numbers only.`);
    }
    return;
  }
  if (isObject(value) && Object.keys(value).length === 1) {
    const [key] = Object.keys(value);
    const inner = value[key];
    const strings = typeof inner === 'string' || (Array.isArray(inner) && inner.length > 0 && inner.every((v) => typeof v === 'string'));
    if (['prefix', 'suffix', 'equals-ignore-case', 'wildcard'].includes(key) && strings) return;
  }
  throw new InvalidEventPattern(`"anything-but" at "${at}" takes a string, a number, a list, or a prefix, suffix, equals-ignore-case or wildcard.`);
}

const NUMERIC_OPERATORS = ['=', '<', '<=', '>', '>='];

function validateNumeric(value: Json, at: string): void {
  if (!Array.isArray(value) || (value.length !== 2 && value.length !== 4)) {
    throw new InvalidEventPattern(`"numeric" at "${at}" takes [operator, number] or [operator, number, operator, number].`);
  }
  for (let i = 0; i < value.length; i += 2) {
    const operator = value[i];
    const operand = value[i + 1];
    if (typeof operator !== 'string' || !NUMERIC_OPERATORS.includes(operator)) {
      throw new InvalidEventPattern(`Unrecognized numeric operator ${JSON.stringify(operator)} at "${at}".`);
    }
    if (typeof operand !== 'number') throw new InvalidEventPattern(`Value of ${operator} at "${at}" must be a number.`);
    checkNumber(operand, at);
  }
  if (value.length === 4) {
    const [lower, , upper] = [value[0] as string, value[1], value[2] as string];
    if (!lower.startsWith('>') || !upper.startsWith('<') || (value[1] as number) >= (value[3] as number)) {
      throw new InvalidEventPattern(`A numeric range at "${at}" must be a lower bound (> or >=) then a greater upper bound (< or <=).`);
    }
  }
}

function checkNumber(value: number, at: string): void {
  if (!Number.isFinite(value) || Math.abs(value) > NUMERIC_LIMIT) {
    throw new InvalidEventPattern(`Number ${value} at "${at}" is outside EventBridge's range of -5.0e9 to 5.0e9.`);
  }
}

function parseCidr(value: string, at: string): { block: BlockList } {
  const [address, bits] = value.split('/');
  const family = isIP(address ?? '');
  const length = Number(bits);
  const max = family === 4 ? 32 : 128;
  if (!family || !/^\d+$/.test(bits ?? '') || length > max) throw new InvalidEventPattern(`"${value}" at "${at}" is not a CIDR block.`);
  const block = new BlockList();
  block.addSubnet(address, length, family === 4 ? 'ipv4' : 'ipv6');
  return { block };
}

// ---------------------------------------------------------------------------------------------
// Matching.

function matchObject(pattern: JsonObject, event: JsonObject): boolean {
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!(value as JsonObject[]).some((p) => matchObject(p, event))) return false;
      continue;
    }
    const field = event[key];
    if (isObject(value)) {
      // A nested pattern: the field is an object, or an array of which one object matches.
      const candidates = Array.isArray(field) ? field.filter(isObject) : isObject(field) ? [field] : [];
      if (!candidates.some((c) => matchObject(value, c))) return false;
      continue;
    }
    if (!matchLeaf(value as Json[], field)) return false;
  }
  return true;
}

function matchLeaf(matchers: Json[], field: Json | undefined): boolean {
  const values = leafValues(field);
  return matchers.some((matcher) => {
    if (isObject(matcher) && 'exists' in matcher) return matcher.exists === (values.length > 0);
    return values.some((value) => matchValue(matcher, value));
  });
}

/** The leaf values of a field: none when absent, an array's elements, never an object. */
function leafValues(field: Json | undefined): Array<null | boolean | number | string> {
  if (field === undefined) return [];
  if (Array.isArray(field)) return field.flatMap((f) => leafValues(f));
  if (isObject(field)) return [];
  return [field];
}

function matchValue(matcher: Json, value: null | boolean | number | string): boolean {
  if (!isObject(matcher)) {
    if (typeof matcher === 'number') return typeof value === 'number' && value === matcher;
    return value === matcher;
  }
  const [key] = Object.keys(matcher);
  const operand = matcher[key];
  switch (key) {
    case 'prefix':
    case 'suffix': {
      if (typeof value !== 'string') return false;
      const ignoreCase = isObject(operand);
      const wanted = ignoreCase ? String((operand as JsonObject)['equals-ignore-case']) : String(operand);
      const [v, w] = ignoreCase ? [value.toLowerCase(), wanted.toLowerCase()] : [value, wanted];
      return key === 'prefix' ? v.startsWith(w) : v.endsWith(w);
    }
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === String(operand).toLowerCase();
    case 'wildcard':
      return typeof value === 'string' && wildcard(String(operand)).test(value);
    case 'cidr':
      return typeof value === 'string' && isIP(value) !== 0 && parseCidr(String(operand), '').block.check(value, isIP(value) === 4 ? 'ipv4' : 'ipv6');
    case 'numeric':
      return typeof value === 'number' && numeric(operand as Array<string | number>, value);
    case 'anything-but':
      return anythingBut(operand, value);
    default:
      return false;
  }
}

function numeric(conditions: Array<string | number>, value: number): boolean {
  for (let i = 0; i < conditions.length; i += 2) {
    const operand = conditions[i + 1] as number;
    const ok = {
      '=': value === operand,
      '<': value < operand,
      '<=': value <= operand,
      '>': value > operand,
      '>=': value >= operand,
    }[conditions[i] as string];
    if (!ok) return false;
  }
  return true;
}

function anythingBut(operand: Json, value: null | boolean | number | string): boolean {
  if (isObject(operand)) {
    const [key] = Object.keys(operand);
    const inner = operand[key];
    const list = (Array.isArray(inner) ? inner : [inner]).map(String);
    if (typeof value !== 'string') return true;
    return !list.some((w) => {
      switch (key) {
        case 'prefix': return value.startsWith(w);
        case 'suffix': return value.endsWith(w);
        case 'equals-ignore-case': return value.toLowerCase() === w.toLowerCase();
        default: return wildcard(w).test(value);
      }
    });
  }
  const excluded = Array.isArray(operand) ? operand : [operand];
  return !excluded.some((e) => e === value);
}

function wildcard(pattern: string): RegExp {
  const source = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`, 's');
}

function jsonError(status: number, type: string, message: string): WireResponse {
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type },
    body: JSON.stringify({ __type: type, message }),
  };
}
