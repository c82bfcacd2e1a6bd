/** NextToken paging over a full result list, as list operations do. */
import { ApiError } from './errors';

export function page<T>(items: T[], maxResults: number | undefined, nextToken: string | undefined, defaultMax: number,
  invalidToken: () => ApiError): { items: T[]; nextToken?: string } {
  let start = 0;
  if (nextToken !== undefined && nextToken !== '') {
    const decoded = Number(Buffer.from(nextToken, 'base64url').toString('utf-8'));
    if (!Number.isInteger(decoded) || decoded < 0 || decoded > items.length) throw invalidToken();
    start = decoded;
  }
  const size = maxResults ?? defaultMax;
  const slice = items.slice(start, start + size);
  const end = start + slice.length;
  return { items: slice, nextToken: end < items.length ? Buffer.from(String(end)).toString('base64url') : undefined };
}
