/**
 * Structured logging for the handler: one JSON object per line, so CloudWatch Logs Insights can
 * query fields. Events are logged only through `redactEvent`: the pre-signed ResponseURL would let
 * anyone who reads the logs answer for the stack, and member email addresses are personal data.
 */

const REDACTED = '(redacted)';
const SENSITIVE_KEYS = new Set(['ResponseURL', 'Email', 'EmailAddress']);

/** A deep copy of `value` with sensitive keys replaced. */
export function redact<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.map((v) => redact(v)) as unknown as T;
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = SENSITIVE_KEYS.has(k) ? REDACTED : redact(v);
    }
    return out as T;
  }
  return value;
}

type Level = 'INFO' | 'WARN' | 'ERROR';

function write(level: Level, message: string, fields: Record<string, unknown>): void {
  const line = JSON.stringify({ level, message, ...redact(fields) });
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
