/**
 * Synth-time checks and rendering shared by the member constructs.
 *
 * Not exported from the package.
 */
import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { MemberInvitationProperty } from './contracts';
import { ValidationError } from './errors';
import { validateString } from './validation';
import type { DetectorFeatures } from '../aws-guardduty/detector';
import type { MemberInvitation } from '../aws-guardduty/member-account';

/** A 12-digit account id that is not the stack's own account (an administrator is never its own member). */
export function validateMemberAccountId(scope: IConstruct, property: string, accountId: string): void {
  if (Token.isUnresolved(accountId)) return;
  if (!/^\d{12}$/.test(accountId)) {
    throw new ValidationError(scope, `\`${property}\` must be a 12-digit AWS account id, got: "${accountId}"`);
  }
  const self = Stack.of(scope).account;
  if (!Token.isUnresolved(self) && self === accountId) {
    throw new ValidationError(scope, `\`${property}\` is this stack's own account (${accountId}): an administrator cannot be its own member`);
  }
}

/** GuardDuty's `Email` (1-64 characters), checked for the shape of an address. */
export function validateEmail(scope: IConstruct, property: string, email: string | undefined): void {
  validateString(scope, property, email, { min: 1, max: 64, pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, description: 'an email address' });
}

export function validateInvitationFeatures(scope: IConstruct, invitation: MemberInvitation | undefined,
  features: DetectorFeatures | undefined): void {
  if (invitation && features) {
    throw new ValidationError(scope, '`features` cannot be pushed to invited members: GuardDuty applies member detector features only to '
      + 'associated members, and an invited account is not associated until it accepts; remove `features` or `invitation`');
  }
}

export function renderInvitation(invitation: MemberInvitation | undefined): MemberInvitationProperty | undefined {
  if (!invitation) return undefined;
  return {
    Message: invitation.message,
    DisableEmailNotification: invitation.disableEmailNotification === undefined
      ? undefined
      : (String(invitation.disableEmailNotification) as 'true' | 'false'),
  };
}
