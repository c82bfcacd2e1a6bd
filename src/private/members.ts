/**
 * Synth-time checks and rendering shared by the member constructs.
 *
 * Not exported from the package.
 */
import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { MemberAccountProperty, MemberInvitationProperty, OrganizationSourceProperty } from './contracts';
import { ValidationError } from './errors';
import { MemberSourceReads } from './permissions';
import { validateAccountId, validateString } from './validation';

/** An invitation as the public `MemberInvitation` gives it. */
export interface InvitationInput {
  readonly message?: string;
  readonly disableEmailNotification?: boolean;
}

/** A 12-digit account id that is not the stack's own account (an administrator is never its own member). */
export function validateMemberAccountId(scope: IConstruct, property: string, accountId: string): void {
  if (Token.isUnresolved(accountId)) return;
  validateAccountId(scope, property, accountId);
  const self = Stack.of(scope).account;
  if (!Token.isUnresolved(self) && self === accountId) {
    throw new ValidationError(scope, `\`${property}\` is this stack's own account (${accountId}): an administrator cannot be its own member`);
  }
}

/**
 * The checks of a one-account member construct: a 12-digit account id that is not the stack's,
 * an email address's shape, and an email whenever the account is invited (`service` sends the
 * invitation to it and verifies it).
 */
export function validateOneMember(scope: IConstruct, service: string,
  props: { readonly accountId: string; readonly email?: string; readonly invitation?: InvitationInput }): void {
  validateMemberAccountId(scope, 'accountId', props.accountId);
  validateEmail(scope, 'email', props.email, service);
  if (props.invitation && props.email === undefined) {
    throw new ValidationError(scope, `\`email\` is required with \`invitation\` (${service} verifies it and sends the invitation to it), `
      + `got no email for account ${props.accountId}`);
  }
}

/**
 * The email address shapes the services accept (1-64 characters each). Detective's is its model's
 * `EmailAddress` pattern (ASCII domain labels not starting with "-", a top-level domain of 2-63
 * letters); GuardDuty's model gives none, so an address's general shape is checked.
 *
 * @see https://docs.aws.amazon.com/detective/latest/APIReference/API_Account.html
 */
const EMAIL_PATTERNS: Record<string, { readonly pattern: RegExp; readonly description: string }> = {
  Detective: {
    pattern: /^.+@(?:(?:(?!-)[A-Za-z0-9-]{1,62})?[A-Za-z0-9]{1}\.)+[A-Za-z]{2,63}$/,
    description: 'an email address Detective accepts (an ASCII domain whose labels do not start with "-", a top-level domain of 2-63 letters)',
  },
  GuardDuty: { pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, description: 'an email address' },
};

/** GuardDuty's `Email` or Detective's `EmailAddress` (1-64 characters), checked as `service` checks it. */
export function validateEmail(scope: IConstruct, property: string, email: string | undefined, service: string): void {
  const rule = EMAIL_PATTERNS[service] ?? EMAIL_PATTERNS.GuardDuty;
  validateString(scope, property, email, { min: 1, max: 64, ...rule });
}

export function validateInvitationFeatures(scope: IConstruct, invitation: InvitationInput | undefined, features: object | undefined): void {
  if (invitation && features) {
    throw new ValidationError(scope, '`features` cannot be pushed to invited members: GuardDuty applies member detector features only to '
      + 'associated members, and an invited account is not associated until it accepts; remove `features` or `invitation`');
  }
}

/** Detective's invitation `Message` (`EmailMessage`: 1-1000 characters). */
export function validateInvitationMessage(scope: IConstruct, invitation: { readonly message?: string } | undefined): void {
  validateString(scope, 'invitation.message', invitation?.message, { min: 1, max: 1000 });
}

export function renderInvitation(invitation: InvitationInput | undefined): MemberInvitationProperty | undefined {
  if (!invitation) return undefined;
  return {
    Message: invitation.message,
    DisableEmailNotification: invitation.disableEmailNotification === undefined
      ? undefined
      : (String(invitation.disableEmailNotification) as 'true' | 'false'),
  };
}

/**
 * The largest explicit account list a member set accepts, as JSON in the template: an update
 * event carries the old and the new list, and CloudFormation invokes the handler asynchronously,
 * whose payload is limited to 1 MB; the template itself is limited to 1 MB.
 */
const MAX_LISTED_BYTES = 400_000;

/** One account of an explicit member list, as the public structs give it. */
export interface ListedAccount {
  readonly accountId: string;
  readonly email?: string;
}

/** Check and render an explicit member list; `service` names who sends invitations, for messages. */
export function bindListedAccounts(scope: IConstruct, accounts: ReadonlyArray<ListedAccount>, invitation: boolean,
  service: string): MemberAccountProperty[] {
  const seen = new Set<string>();
  const rendered: MemberAccountProperty[] = accounts.map((a, i) => {
    validateMemberAccountId(scope, `accounts[${i}].accountId`, a.accountId);
    validateEmail(scope, `accounts[${i}].email`, a.email, service);
    if (!Token.isUnresolved(a.accountId)) {
      if (seen.has(a.accountId)) throw new ValidationError(scope, `\`accounts\` lists account ${a.accountId} twice (at index ${i})`);
      seen.add(a.accountId);
    }
    if (invitation && a.email === undefined) {
      throw new ValidationError(scope, `\`accounts[${i}].email\` is required with \`invitation\` (${service} sends the invitation to it), `
        + `got no email for account ${a.accountId}`);
    }
    return { AccountId: a.accountId, Email: a.email };
  });
  if (rendered.length === 0) throw new ValidationError(scope, '`accounts` must list at least one account, got none');
  const bytes = Buffer.byteLength(JSON.stringify(rendered));
  if (bytes > MAX_LISTED_BYTES) {
    throw new ValidationError(scope, `\`accounts\` is ${bytes} bytes of JSON for ${rendered.length} accounts, over the limit of `
      + `${MAX_LISTED_BYTES} (an update sends old and new lists in one 1 MB invocation): use MemberAccountSource.fromOrganization(...) `
      + 'to read the accounts from AWS Organizations, or split the list');
  }
  return rendered;
}

/**
 * The AWS Organizations reads the handler makes to resolve a member source: accounts below
 * roots/OUs, every account (an organization-wide source, or listed accounts whose email it must
 * look up), or nothing (every account listed with its email).
 */
export function memberSourceReads(source: {
  readonly Accounts?: ReadonlyArray<MemberAccountProperty>;
  readonly Organization?: OrganizationSourceProperty;
}): MemberSourceReads {
  // Excluded OUs are walked like included ones (ListAccountsForParent, ListOrganizationalUnitsForParent).
  const byParent = source.Organization?.ParentIds !== undefined || source.Organization?.ExcludeParentIds !== undefined;
  const wholeOrganization = source.Organization !== undefined && source.Organization.ParentIds === undefined;
  const lookups = (source.Accounts ?? []).some((a) => a.Email === undefined);
  return { byParent, allAccounts: wholeOrganization || lookups, oneAccount: false };
}

/** Check and render an organization source (roots/OUs and exclusions). */
export function bindOrganizationSource(scope: IConstruct,
  options: { readonly parentIds?: string[]; readonly excludeAccountIds?: string[]; readonly excludeParentIds?: string[] },
  invitation: boolean): OrganizationSourceProperty {
  if (invitation) {
    throw new ValidationError(scope, '`invitation` cannot be used with MemberAccountSource.fromOrganization(): accounts of the '
      + 'organization are added by the delegated administrator without an invitation');
  }
  // A list token (a CfnParameter of type List<String>, an import) resolves at deploy time.
  const parentIdsToken = options.parentIds !== undefined && Token.isUnresolved(options.parentIds);
  for (const [i, parentId] of (parentIdsToken ? [] : options.parentIds ?? []).entries()) {
    if (!Token.isUnresolved(parentId) && !/^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/.test(parentId)) {
      throw new ValidationError(scope, `\`parentIds[${i}]\` must be a root id (r-...) or an OU id (ou-...-...), got: "${parentId}"`);
    }
  }
  (options.excludeAccountIds ?? []).forEach((id, i) => validateAccountId(scope, `excludeAccountIds[${i}]`, id));
  const excludedParentsToken = options.excludeParentIds !== undefined && Token.isUnresolved(options.excludeParentIds);
  for (const [i, parentId] of (excludedParentsToken ? [] : options.excludeParentIds ?? []).entries()) {
    if (!Token.isUnresolved(parentId) && !/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/.test(parentId)) {
      throw new ValidationError(scope, `\`excludeParentIds[${i}]\` must be an OU id (ou-...-...), got: "${parentId}"`);
    }
    if (!excludedParentsToken && !parentIdsToken && (options.parentIds ?? []).includes(parentId)) {
      throw new ValidationError(scope, `\`excludeParentIds[${i}]\` is also in \`parentIds\`: "${parentId}" would enrol and exclude the same accounts`);
    }
  }
  return {
    ParentIds: options.parentIds && options.parentIds.length > 0 ? [...options.parentIds] : undefined,
    ExcludeAccountIds: options.excludeAccountIds && options.excludeAccountIds.length > 0 ? [...options.excludeAccountIds] : undefined,
    ExcludeParentIds: options.excludeParentIds && (excludedParentsToken || options.excludeParentIds.length > 0)
      ? [...options.excludeParentIds] : undefined,
  };
}
