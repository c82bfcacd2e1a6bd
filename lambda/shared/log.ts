/**
 * Structured logging for the handler: one JSON object per line, so CloudWatch Logs Insights can
 * query fields. Everything logged or reported is redacted, structurally and by content:
 *
 * - **By key**: the values of keys naming the pre-signed response URL or any URL, a signature or
 *   credential, an email, or an invitation message (any spelling: `ResponseURL`, `response_url`,
 *   `X-Amz-Signature`, `AccountEmail`, `InvitationMessage`; `Message` inside an invitation).
 * - **By content**, in every string: email addresses (with international letters, IP literals and
 *   dotless domains too), the query string of every URL (a pre-signed URL's signature), and the
 *   invitation texts the event carries (an error that quotes one).
 * - **Bounded and linear**: strings are cut at `MAX_STRING` characters before they are scanned,
 *   nesting at `MAX_DEPTH`, arrays and objects at `MAX_ITEMS` entries, and the scan visits each
 *   character a bounded number of times (no backtracking pattern), so no input, however large or
 *   forged, pins the function. Getters that throw, Maps, Sets, BigInts, functions and cycles are
 *   rendered, never a crash.
 *
 * The pre-signed ResponseURL would let anyone who reads the logs answer for the stack; member
 * emails and invitation texts are personal data.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const REDACTED = '(redacted)';

/** Longest string scanned and kept, in characters; the rest is cut (and said so). */
export const MAX_STRING = 4_096;
/** Deepest nesting rendered. */
export const MAX_DEPTH = 12;
/** Most entries of one array or object rendered. */
export const MAX_ITEMS = 100;

/**
 * Keys whose whole value is sensitive, compared lower case without separators: a URL (the
 * response URL, a pre-signed one), a signature, credential or token, an email, an invitation text.
 */
const SENSITIVE_KEY = /^(.*url|.*signature|x?amz(credential|securitytoken|date)?|authorization|.*(session|security)token|.*secret.*|.*e?mails?(address(es)?)?|.*invitation.?message)$/;
/** `Message` is sensitive only inside an invitation (the text sent to a member's root user). */
const INVITATION = /invitation/i;

/** Invitation texts of the event being handled: redacted wherever they are quoted. */
const secrets = new AsyncLocalStorage<ReadonlyArray<string>>();

/**
 * Run `work` with texts that are redacted from every string it logs or reports (the event's
 * invitation messages). Texts shorter than 4 characters are not matched (they would blank out
 * ordinary words).
 */
export function withSecrets<T>(texts: ReadonlyArray<string>, work: () => T): T {
  return secrets.run(texts.filter((t) => t.length >= 4).map((t) => t.slice(0, MAX_STRING)), work);
}

/** The invitation messages an event carries, in its properties and old properties. */
export function invitationTexts(value: unknown, depth = 0): string[] {
  if (!value || typeof value !== 'object' || depth > MAX_DEPTH) return [];
  const found: string[] = [];
  let count = 0;
  for (const key of Object.keys(value)) {
    if (++count > MAX_ITEMS) break;
    const v = readProperty(value, key);
    if (typeof v === 'string' && (/^message$/i.test(key) || /invitation.?message/i.test(key))) found.push(v);
    else if (v && typeof v === 'object') found.push(...invitationTexts(v, depth + 1));
  }
  return found;
}

const LOCAL_PUNCTUATION = ".!#$%&'*+/=?^_`{|}~-";

function isLocalPartChar(c: string): boolean {
  return /[\p{L}\p{N}\p{M}]/u.test(c) || LOCAL_PUNCTUATION.includes(c);
}

function isDomainChar(c: string): boolean {
  return /[\p{L}\p{N}\p{M}]/u.test(c) || c === '.' || c === '-';
}

function isUrlEnd(c: string): boolean {
  return /\s/.test(c) || c === '"' || c === "'" || c === '<' || c === '>' || c === '`';
}

/**
 * Each email address in the text replaced, in one pass: from each `@`, the local part is read
 * back to the previous character that cannot be in one (another `@` included) and the domain
 * forward to the next, so each character is read at most twice. Kept: an `@` inside an ARN (IAM
 * paths may hold one).
 */
function redactEmails(text: string): string {
  let out = '';
  let copied = 0;
  let at = text.indexOf('@');
  while (at !== -1) {
    let start = at;
    while (start > copied && isLocalPartChar(text[start - 1])) start--;
    let end = at + 1;
    if (text[end] === '[') {
      const close = text.indexOf(']', end);
      end = close === -1 || close - end > 64 ? end : close + 1;
    } else {
      while (end < text.length && isDomainChar(text[end])) end++;
    }
    const local = start < at;
    const domain = end > at + 1;
    let tokenStart = start;
    while (tokenStart > 0 && !/\s/.test(text[tokenStart - 1]) && start - tokenStart < 256) tokenStart--;
    const inArn = text.startsWith('arn:', tokenStart);
    if (local && domain && !inArn) {
      out += text.slice(copied, start) + '(redacted email)';
      copied = end;
    }
    at = text.indexOf('@', Math.max(end, at + 1));
  }
  return out + text.slice(copied);
}

/** The query string of every URL replaced: a pre-signed URL's signature and credential go with it. */
function redactUrlQueries(text: string): string {
  const lower = text.toLowerCase();
  let out = '';
  let copied = 0;
  for (let scheme = nextScheme(lower, 0); scheme !== -1; ) {
    let end = scheme;
    while (end < text.length && !isUrlEnd(text[end])) end++;
    const query = text.indexOf('?', scheme);
    if (query !== -1 && query < end) {
      out += text.slice(copied, query + 1) + REDACTED;
      copied = end;
    }
    scheme = nextScheme(lower, end);
  }
  return out + text.slice(copied);
}

/** Where the next `http://` or `https://` starts (in lower case text), or -1. */
function nextScheme(lower: string, from: number): number {
  for (let i = lower.indexOf('http', from); i !== -1; i = lower.indexOf('http', i + 4)) {
    if (lower.startsWith('http://', i) || lower.startsWith('https://', i)) return i;
  }
  return -1;
}

/** Each of the event's invitation texts replaced (split and join: linear in the text). */
function redactSecrets(text: string): string {
  let out = text;
  for (const secret of secrets.getStore() ?? []) {
    if (out.includes(secret)) out = out.split(secret).join('(redacted invitation text)');
  }
  return out;
}

/** A string safe to log or report: cut at `MAX_STRING`, then emails, URL queries and invitation texts replaced. */
export function redactText(text: string): string {
  const cut = text.length > MAX_STRING ? `${text.slice(0, MAX_STRING)}… (${text.length - MAX_STRING} characters cut)` : text;
  return redactSecrets(redactUrlQueries(redactEmails(cut)));
}

function isSensitive(key: string, insideInvitation: boolean, value: unknown): boolean {
  if (typeof value === 'boolean' || typeof value === 'number') return false; // e.g. DisableEmailNotification
  if (/^message$/i.test(key)) return insideInvitation;
  return SENSITIVE_KEY.test(key.toLowerCase().replace(/[^a-z0-9]/g, ''));
}

/** A property read that cannot throw (a getter that throws is rendered, not raised). */
function readProperty(value: object, key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return '(unreadable)';
  }
}

/**
 * A deep copy of `value` safe to log or report (see the module's documentation): sensitive keys'
 * values replaced, strings redacted, errors reduced to their name and message, cycles cut, and
 * everything bounded.
 */
export function redact<T>(value: T): T {
  return redactValue(value, false, new WeakSet(), 0) as T;
}

function redactValue(value: unknown, insideInvitation: boolean, seen: WeakSet<object>, depth: number): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function') return '(function)';
  if (typeof value === 'symbol') return value.toString();
  if (!value || typeof value !== 'object') return value;
  if (seen.has(value)) return '(cycle)';
  if (depth >= MAX_DEPTH) return '(too deep)';
  seen.add(value);
  try {
    const next = (v: unknown, invitation = insideInvitation) => redactValue(v, invitation, seen, depth + 1);
    if (value instanceof Error) return { name: redactText(String(readProperty(value, 'name'))), message: redactText(String(readProperty(value, 'message'))) };
    if (value instanceof Map) return redactEntries([...value.entries()].map(([k, v]) => [String(k), v]), insideInvitation, next);
    if (value instanceof Set) value = [...value];
    if (Array.isArray(value) || ArrayBuffer.isView(value)) {
      const list = Array.from(value as ArrayLike<unknown>).slice(0, MAX_ITEMS + 1);
      const rendered = list.slice(0, MAX_ITEMS).map((v) => next(v));
      if ((value as ArrayLike<unknown>).length > MAX_ITEMS) rendered.push(`… ${(value as ArrayLike<unknown>).length - MAX_ITEMS} more`);
      return rendered;
    }
    const keys: string[] = [];
    try {
      for (const key in value as object) {
        if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
        keys.push(key);
        if (keys.length > MAX_ITEMS) break;
      }
    } catch {
      return '(unreadable)';
    }
    return redactEntries(keys.map((k) => [k, readProperty(value as object, k)]), insideInvitation, next);
  } finally {
    seen.delete(value as object);
  }
}

function redactEntries(entries: Array<[string, unknown]>, insideInvitation: boolean,
  next: (v: unknown, invitation?: boolean) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries.slice(0, MAX_ITEMS)) {
    const key = redactText(k);
    out[key] = isSensitive(k, insideInvitation, v) ? REDACTED : next(v, insideInvitation || INVITATION.test(k));
  }
  if (entries.length > MAX_ITEMS) out['…'] = 'more keys cut';
  return out;
}

/** The keys of a CloudFormation custom resource event (the request object). */
const EVENT_KEYS = new Set(['RequestType', 'ServiceToken', 'ResponseURL', 'StackId', 'RequestId', 'LogicalResourceId',
  'PhysicalResourceId', 'ResourceType', 'ResourceProperties', 'OldResourceProperties']);

/**
 * An event safe to log: its CloudFormation keys redacted as `redact` does, and the values of any
 * other top-level key (which CloudFormation does not send, e.g. a forged `Message`) replaced.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/crpg-ref-requests.html
 */
export function redactEvent(event: unknown): Record<string, unknown> {
  if (!event || typeof event !== 'object') return { event: redact(event) };
  const known: Record<string, unknown> = {};
  const unexpected: string[] = [];
  for (const [key, value] of Object.entries(redactEntries(Object.keys(event).map((k) => [k, readProperty(event, k)]), false,
    (v, invitation) => redactValue(v, invitation ?? false, new WeakSet(), 1)))) {
    if (EVENT_KEYS.has(key)) known[key] = value;
    else unexpected.push(key);
  }
  if (unexpected.length > 0) known.UnexpectedKeys = `${unexpected.join(', ')} (values not logged: CloudFormation sends no such key)`;
  return known;
}

type Level = 'INFO' | 'WARN' | 'ERROR';

function write(level: Level, message: string, fields: Record<string, unknown>): void {
  const line = JSON.stringify({ level, message: redactText(message), ...redact(fields) });
  if (level === 'ERROR') {
    console.error(line);
  } else {
    console.log(line);
  }
}

export const log = {
  info: (message: string, fields: Record<string, unknown> = {}) => write('INFO', message, fields),
  warn: (message: string, fields: Record<string, unknown> = {}) => write('WARN', message, fields),
  error: (message: string, fields: Record<string, unknown> = {}) => write('ERROR', message, fields),
};
