/**
 * Redaction of what the handler logs and reports: by key (any spelling of an email key, the
 * response URL, an invitation's message), by content (an email inside any string), and safe on
 * errors and cycles.
 */
import { redact, redactText } from '../../../lambda/shared/log';

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
