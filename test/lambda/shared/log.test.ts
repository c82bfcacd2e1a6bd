/**
 * Redaction of what the handler logs and reports: by key (any spelling of an email key, the
 * response URL, an invitation's message), by content (an email inside any string), and safe on
 * errors and cycles.
 */
import { redact, redactEvent, redactText, withSecrets } from '../../../lambda/shared/log';

const cyclic: Record<string, unknown> = { name: 'a' };
cyclic.self = cyclic;

test.each<[string, unknown, unknown]>([
  ['ResponseURL', { ResponseURL: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x?X-Amz-Signature=1' }, { ResponseURL: '(redacted)' }],
  ['Email', { Email: 'root@example.com' }, { Email: '(redacted)' }],
  ['EmailAddress', { EmailAddress: 'root@example.com' }, { EmailAddress: '(redacted)' }],
  ['email (lower case)', { email: 'root@example.com' }, { email: '(redacted)' }],
  ['Emails (a list)', { Emails: ['a@example.com', 'b@example.com'] }, { Emails: '(redacted)' }],
  ['AccountEmail', { AccountEmail: 'root@example.com' }, { AccountEmail: '(redacted)' }],
  ['an invitation\'s Message', { Invitation: { Message: 'Join our security team', DisableEmailNotification: 'true' } },
    { Invitation: { Message: '(redacted)', DisableEmailNotification: 'true' } }],
  ['InvitationMessage', { InvitationMessage: 'Join us' }, { InvitationMessage: '(redacted)' }],
  ['a boolean under an email-like key is kept', { DisableEmailNotification: true }, { DisableEmailNotification: true }],
  ['Message outside an invitation is kept (email inside it redacted)', { Message: 'sent to root@example.com' }, { Message: 'sent to (redacted email)' }],
  ['an email inside an error message', { error: 'BadRequestException: the email a.b+c@sub.example.co.uk is invalid' },
    { error: 'BadRequestException: the email (redacted email) is invalid' }],
  ['member details at depth', { ResourceProperties: { Accounts: [{ AccountId: '111111111111', Email: 'x@example.org' }] } },
    { ResourceProperties: { Accounts: [{ AccountId: '111111111111', Email: '(redacted)' }] } }],
  ['an Error object', { err: new Error('cannot invite ops@example.com') }, { err: { name: 'Error', message: 'cannot invite (redacted email)' } }],
  ['a cycle', cyclic, { name: 'a', self: '(cycle)' }],
  ['the same object twice is not a cycle', { a: { x: 1 }, b: [{ x: 1 }] }, { a: { x: 1 }, b: [{ x: 1 }] }],
  ['numbers, nulls and account ids are kept', { n: 3, z: null, AccountId: '123456789012' }, { n: 3, z: null, AccountId: '123456789012' }],
])('%s', (_name, input, expected) => {
  expect(redact(input)).toEqual(expected);
});

test('redactText: every address in a failure reason, nothing else', () => {
  expect(redactText('Members MemberAccounts: 2 account(s) failed: 444444444444 (ops@acquired.example), 555555555555 (x@y.io)'))
    .toBe('Members MemberAccounts: 2 account(s) failed: 444444444444 ((redacted email)), 555555555555 ((redacted email))');
  expect(redactText('arn:aws:iam::111111111111:role/x@y is a role path')).toBe('arn:aws:iam::111111111111:role/x@y is a role path');
});

const SIGNED = 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn%3Aaws%3Acloudformation%3Aus-east-1%3A1%3Astack/S/g%7CR%7Cid'
  + '?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20261207&X-Amz-Signature=deadbeefcafe';
const INVITATION_TEXT = 'Welcome to Example Corp security, reply to Jane on extension 4242';

function deep(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { email: 'bottom@example.com' };
  for (let i = 0; i < levels; i++) value = { next: value };
  return value;
}
const throwingGetter = Object.defineProperty({ ok: 1 }, 'Email', { enumerable: true, get() { throw new Error('boom x@example.com'); } });
const throwingProxy = new Proxy({}, { ownKeys() { throw new Error('no keys'); } });

/**
 * Hostile shapes: for each, nothing sensitive in the rendered line (the secret strings below), and
 * no crash. Strings that must not appear: the signature and credential, any of the emails, the
 * invitation text.
 */
const LEAKS = ['deadbeefcafe', 'AKIAEXAMPLE', 'example.com', 'bücher', '192.0.2.1', 'localhost', 'extension 4242'];
test.each<[string, unknown]>([
  ['ResponseURL key', { ResponseURL: SIGNED }],
  ['response_url key', { response_url: SIGNED }],
  ['url key', { url: SIGNED }],
  ['X-Amz-Signature header key', { headers: { 'X-Amz-Signature': 'deadbeefcafe', 'X-Amz-Credential': 'AKIAEXAMPLE' } }],
  ['a pre-signed URL inside an error string', { error: `PUT ${SIGNED} failed: 403` }],
  ['a pre-signed URL in a list', { urls: ['first', SIGNED] }],
  ['an upper-case scheme', { note: SIGNED.replace('https', 'HTTPS') }],
  ['Email key', { Email: 'root@example.com' }],
  ['AccountEmail key', { AccountEmail: 'root@example.com' }],
  ['an email in a sentence', { reason: 'account 444444444444 (ops@example.com) failed' }],
  ['an international email', { reason: 'failed for jörg@bücher.de' }],
  ['an IP-literal email', { reason: 'failed for root@[192.0.2.1]' }],
  ['a dotless email', { reason: 'failed for root@localhost' }],
  ['an email with a tag and subdomains', { reason: 'a.b+security@mail.eu.example.com' }],
  ['an email in an Error', { err: new Error('cannot invite x@example.com') }],
  ['an email in a Map', { m: new Map([['who', 'x@example.com']]) }],
  ['an email in a Set', { s: new Set(['x@example.com']) }],
  ['an email as a key', { 'x@example.com': 'member' }],
  ['an invitation message', { Invitation: { Message: INVITATION_TEXT } }],
  ['an InvitationMessage key', { InvitationMessage: INVITATION_TEXT }],
  ['an error quoting the invitation text', { error: `BadRequestException: message "${INVITATION_TEXT}" too long` }],
  ['an email at depth 5,000', deep(5_000)],
  ['a getter that throws', { member: throwingGetter }],
  ['a proxy whose keys throw', { p: throwingProxy }],
  ['a BigInt', { n: BigInt(2) ** BigInt(70), who: 'x@example.com' }],
  ['100,000 emails in an array', { list: Array.from({ length: 100_000 }, (_, i) => `u${i}@example.com`) }],
  ['a 1 MB string of "a@"', { s: 'a@'.repeat(500_000) + 'x@example.com' }],
  ['"a@b" and 80,000 dashes', { s: `a@b${'-'.repeat(80_000)}.example.com` }],
  ['a typed array and a function', { t: new Uint8Array([1, 2, 3]), f: () => 'x@example.com' }],
  ['a cycle holding an email', (() => { const c: Record<string, unknown> = { who: 'x@example.com' }; c.self = c; return c; })()],
])('%s: nothing sensitive is rendered, and nothing crashes', (_name, input) => {
  const line = withSecrets([INVITATION_TEXT], () => JSON.stringify({ message: redactText(String((input as any)?.error ?? '')), ...redact(input as object) }));
  for (const secret of LEAKS) expect(line).not.toContain(secret);
});

test('an event: CloudFormation\'s keys redacted, any other top-level key named but its value not logged', () => {
  const rendered = withSecrets([INVITATION_TEXT], () => JSON.stringify(redactEvent({
    RequestType: 'Create',
    ResponseURL: SIGNED,
    StackId: 'arn:aws:cloudformation:us-east-1:1:stack/S/g',
    LogicalResourceId: 'Members',
    ResourceProperties: { Invitation: { Message: INVITATION_TEXT } },
    Message: INVITATION_TEXT.toUpperCase(),
  })));
  expect(rendered).not.toContain('deadbeef');
  expect(rendered).not.toContain('EXTENSION 4242');
  expect(JSON.parse(rendered)).toMatchObject({ RequestType: 'Create', LogicalResourceId: 'Members', UnexpectedKeys: expect.stringMatching(/^Message \(values not logged/) });
});

test('what is bounded says so: a long string is cut, a long list ends with how many more, nesting ends', () => {
  const out = redact({ s: 'x'.repeat(10_000), list: Array.from({ length: 150 }, (_, i) => i), nested: deep(20) }) as any;
  expect(out.s).toMatch(/… \(5904 characters cut\)$/);
  expect(out.list).toHaveLength(101);
  expect(out.list[100]).toBe('… 50 more');
  expect(JSON.stringify(out.nested)).toContain('(too deep)');
});
