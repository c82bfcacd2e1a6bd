/**
 * The Public Suffix List, for synth-time checks: whether a domain name is itself a public suffix
 * (`co.uk`, `github.io`, `s3.amazonaws.com`), a name under which anyone can register or host
 * their own. Read from tldts's self-contained build, which the library ships in
 * `assets/public-suffixes` (scripts/public-suffixes.js), ICANN and private sections both.
 *
 * Not exported from the package.
 *
 * @see https://publicsuffix.org/
 */
import * as path from 'node:path';

/** The part of tldts's API the check uses. */
interface Tldts {
  getPublicSuffix(hostname: string, options?: { readonly allowPrivateDomains?: boolean }): string | null;
}

const TLDTS = path.join(__dirname, '..', '..', 'assets', 'public-suffixes', 'tldts.js');

let tldts: Tldts | undefined;

/** Whether the name (letters in any case, a trailing dot allowed) is a public suffix of the list, private ones included. */
export function isPublicSuffix(name: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  tldts ??= require(TLDTS) as Tldts;
  const normalized = name.toLowerCase().replace(/\.$/, '');
  return tldts.getPublicSuffix(normalized, { allowPrivateDomains: true }) === normalized;
}
