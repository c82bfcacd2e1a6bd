/**
 * Synth-time checks and renderings shared by the constructs: tags as GuardDuty takes them,
 * removal policies a custom resource supports, and the names the service accepts.
 *
 * Not exported from the package.
 */
import { RemovalPolicy, Stack, TagManager, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { CREATED_BY_TAG } from './contracts';
import { ValidationError } from './errors';

/**
 * GuardDuty documents "a limit of 50 tags per resource"; keys are 1-128 characters of letters,
 * digits and `+ - = . _ : /`, not starting with `aws:`; values at most 256 characters.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/APIReference/API_TagResource.html
 */
const MAX_TAGS = 50;

/** What a resource the handler creates with its ownership record (`CREATED_BY_TAG`) leaves for the user's tags. */
export const GUARDDUTY_OWNED_TAG_LIMIT = { service: 'GuardDuty', maxTags: MAX_TAGS - 1 } as const;
const TAG_KEY_PATTERN = /^(?!aws:)[a-zA-Z0-9+\-=._:/]{1,128}$/;
const MAX_TAG_VALUE_LENGTH = 256;

/**
 * An AWS account id as every account-id property takes it: 12 digits (GuardDuty's and Detective's
 * `AccountId` and `AdminAccountId`, AWS Organizations' account ids). A token passes: it is checked
 * by the service at deploy time.
 *
 * @see https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html
 */
export function validateAccountId(scope: IConstruct, property: string, accountId: string | undefined): void {
  if (accountId === undefined || Token.isUnresolved(accountId)) return;
  if (!/^\d{12}$/.test(accountId)) {
    throw new ValidationError(scope, `\`${property}\` must be a 12-digit AWS account id, got: "${accountId}"`);
  }
}

/** Whether a tag key breaks GuardDuty's `TagKey` rule, as the message that says so (`undefined` when valid or a token). */
export function tagKeyError(key: string): string | undefined {
  if (Token.isUnresolved(key) || TAG_KEY_PATTERN.test(key)) return undefined;
  return `tag key must be 1-128 characters of letters, digits and + - = . _ : /, not starting with "aws:", got: "${key}"`;
}

/** Whether a tag value is too long (`TagValue`: at most 256 characters), as the message that says so. */
export function tagValueError(key: string, value: string): string | undefined {
  if (Token.isUnresolved(value) || value.length <= MAX_TAG_VALUE_LENGTH) return undefined;
  return `tag "${key}" value must be at most ${MAX_TAG_VALUE_LENGTH} characters, got: ${value.length}`;
}

/**
 * Throw unless a resource (by its `env`) is in the scope's stack's account and Region, when both
 * are known at synth: `why(what)` says why it must be (`what` is "account" or "Region").
 */
export function validateSameEnvironment(scope: IConstruct, env: { readonly account: string; readonly region: string },
  why: (what: string, resourceValue: string, stackValue: string) => string): void {
  const stack = Stack.of(scope);
  for (const [what, mine, stacks] of [['account', env.account, stack.account], ['Region', env.region, stack.region]]) {
    if (!Token.isUnresolved(mine) && !Token.isUnresolved(stacks) && mine !== stacks) {
      throw new ValidationError(scope, why(what, mine, stacks));
    }
  }
}

/**
 * The errors (empty when valid) of a resource's tags; `kind` names the resource, e.g. "a filter".
 * Detective's tags follow the same rules (`TagResource`: up to 50, same key and value limits).
 */
export function validateTags(tags: Record<string, string>, kind: string,
  limit: { readonly service: string; readonly maxTags: number } = { service: 'GuardDuty', maxTags: MAX_TAGS }): string[] {
  const errors: string[] = [];
  const keys = Object.keys(tags);
  if (keys.length > limit.maxTags) {
    errors.push(`${limit.service} allows at most ${limit.maxTags} tags on ${kind}, got: ${keys.length}`);
  }
  for (const key of keys) {
    if (Token.isUnresolved(key)) continue;
    if (key === CREATED_BY_TAG) errors.push(`the tag key ${CREATED_BY_TAG} is reserved by this library (its ownership record)`);
    for (const error of [tagKeyError(key), tagValueError(key, tags[key])]) if (error) errors.push(error);
  }
  return errors;
}

/** The tags to send (a map), or `undefined` when there are none, so the property stays absent. */
export function renderTags(tags: TagManager): Record<string, string> | undefined {
  const rendered = tags.renderTags() as Record<string, string> | undefined;
  return rendered && Object.keys(rendered).length > 0 ? rendered : undefined;
}

/** Custom resources have no snapshot: SNAPSHOT is refused, naming what it was applied to. */
export function validateRemovalPolicy(scope: IConstruct, policy: RemovalPolicy, what: string): void {
  if (policy === RemovalPolicy.SNAPSHOT) {
    throw new ValidationError(scope, `\`removalPolicy\` must be RETAIN, RETAIN_ON_UPDATE_OR_DELETE or DESTROY; ${what} has no snapshot, got: SNAPSHOT`);
  }
}

/**
 * Check a string property against a length range and a pattern when it is known at synth time.
 * `rule` says the rule in words for the message.
 */
export function validateString(scope: IConstruct, property: string, value: string | undefined,
  rule: { min: number; max: number; pattern?: RegExp; description?: string }): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (value.length < rule.min || value.length > rule.max) {
    throw new ValidationError(scope, `\`${property}\` must be ${rule.min}-${rule.max} characters, got ${value.length}: "${value}"`);
  }
  if (rule.pattern && !rule.pattern.test(value)) {
    throw new ValidationError(scope, `\`${property}\` must be ${rule.description ?? `match ${rule.pattern}`}, got: "${value}"`);
  }
}
