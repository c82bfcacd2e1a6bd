/**
 * Structured logging for the handler: one JSON object per line, so CloudWatch Logs Insights can
 * query fields. Every field is redacted, structurally: the pre-signed ResponseURL would let anyone
 * who reads the logs answer for the stack, and member emails and invitation texts are personal
 * data, so they are removed whatever key they are under, and emails inside any string too.
 */

const REDACTED = '(redacted)';

/** Keys whose whole value is sensitive: the pre-signed response URL, emails, invitation messages. */
const SENSITIVE_KEY = /^(responseurl|.*e-?mails?(address(es)?)?|.*invitation.?message)$/i;
/** `Message` is sensitive only inside an invitation (the text sent to a member's root user). */
const INVITATION = /invitation/i;

/**
 * An email address anywhere in a string: an error message or failure reason that quotes an
 * account's root email, a log line. Local part and domain as RFC 5322 allows in practice.
 */
const EMAIL = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+/g;

/** A string with every email address in it replaced. */
export function redactText(text: string): string {
  return text.replace(EMAIL, '(redacted email)');
}

function isSensitive(key: string, insideInvitation: boolean, value: unknown): boolean {
  if (typeof value === 'boolean' || typeof value === 'number') return false; // e.g. DisableEmailNotification
  if (/^message$/i.test(key)) return insideInvitation;
  return SENSITIVE_KEY.test(key);
}

/**
 * A deep copy of `value` safe to log or report: the values of keys naming a response URL, an
 * email or an invitation message replaced, email addresses in any other string replaced, errors
 * reduced to their name and message, and cycles cut.
 */
export function redact<T>(value: T): T {
  return redactValue(value, false, new WeakSet()) as T;
}

function redactValue(value: unknown, insideInvitation: boolean, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (!value || typeof value !== 'object') return value;
  if (seen.has(value)) return '(cycle)';
  seen.add(value);
  try {
    if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
    if (Array.isArray(value)) return value.map((v) => redactValue(v, insideInvitation, seen));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = isSensitive(k, insideInvitation, v) ? REDACTED : redactValue(v, insideInvitation || INVITATION.test(k), seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
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
