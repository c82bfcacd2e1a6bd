import { Annotations, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ValidationError } from '../private/errors';
import { attributeKind } from '../private/finding-attributes';
import { ConditionProperty } from '../private/resources/guardduty/filter';

/**
 * The operators of one condition, as GuardDuty's `Condition` type has them (`equalTo` is the API's
 * `Equals`, `notEqualTo` its `NotEquals`). Give at least one;
 * several combine with AND (e.g. `greaterThanOrEqual` with `lessThan` for a range).
 *
 * Numbers are integers: GuardDuty takes them as Long values. Timestamps (`updatedAt`,
 * `createdAt`, ...) are epoch milliseconds.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/APIReference/API_Condition.html
 */
export interface ConditionOptions {
  /**
   * The attribute equals one of these values.
   *
   * @default - no equality condition
   */
  readonly equalTo?: string[];

  /**
   * The attribute equals none of these values.
   *
   * @default - no inequality condition
   */
  readonly notEqualTo?: string[];

  /**
   * The attribute is greater than this number (or, for a timestamp, later than these epoch milliseconds).
   *
   * @default - no lower bound
   */
  readonly greaterThan?: number;

  /**
   * The attribute is greater than or equal to this number.
   *
   * @default - no lower bound
   */
  readonly greaterThanOrEqual?: number;

  /**
   * The attribute is less than this number (or, for a timestamp, earlier than these epoch milliseconds).
   *
   * @default - no upper bound
   */
  readonly lessThan?: number;

  /**
   * The attribute is less than or equal to this number.
   *
   * @default - no upper bound
   */
  readonly lessThanOrEqual?: number;

  /**
   * The attribute matches one of these patterns (`*` and `?` wildcards). At most 5.
   *
   * @default - no pattern condition
   */
  readonly matches?: string[];

  /**
   * The attribute matches none of these patterns. At most 5.
   *
   * @default - no pattern condition
   */
  readonly notMatches?: string[];
}

/**
 * A condition on one finding attribute in a filter's finding criteria.
 *
 * @example
 * import * as guardduty from 'cdk-threat-detection/aws-guardduty';
 * declare const weekAgo: Date; // e.g. new Date('2026-11-14T00:00:00Z') (Python: datetime, Java: Instant, C#: DateTime, Go: time.Time)
 * const highSeverity = guardduty.Condition.greaterThanOrEqual(7);
 * const portScans = guardduty.Condition.equalTo('Recon:EC2/Portscan');
 * const lastWeek = guardduty.Condition.after(weekAgo);
 */
export class Condition {
  /** The attribute equals one of the values. */
  public static equalTo(...values: string[]): Condition {
    return new Condition({ equalTo: values });
  }

  /** The attribute equals none of the values. */
  public static notEqualTo(...values: string[]): Condition {
    return new Condition({ notEqualTo: values });
  }

  /** The attribute is greater than the number. */
  public static greaterThan(value: number): Condition {
    return new Condition({ greaterThan: value });
  }

  /** The attribute is greater than or equal to the number. */
  public static greaterThanOrEqual(value: number): Condition {
    return new Condition({ greaterThanOrEqual: value });
  }

  /** The attribute is less than the number. */
  public static lessThan(value: number): Condition {
    return new Condition({ lessThan: value });
  }

  /** The attribute is less than or equal to the number. */
  public static lessThanOrEqual(value: number): Condition {
    return new Condition({ lessThanOrEqual: value });
  }

  /** The attribute is between the two numbers, both included. */
  public static between(lowest: number, highest: number): Condition {
    return new Condition({ greaterThanOrEqual: lowest, lessThanOrEqual: highest });
  }

  /** A timestamp attribute is later than the date. */
  public static after(date: Date): Condition {
    return new Condition({ greaterThan: date.getTime() });
  }

  /** A timestamp attribute is earlier than the date. */
  public static before(date: Date): Condition {
    return new Condition({ lessThan: date.getTime() });
  }

  /** The attribute matches one of the patterns (`*` and `?` wildcards). */
  public static matches(...patterns: string[]): Condition {
    return new Condition({ matches: patterns });
  }

  /** The attribute matches none of the patterns. */
  public static notMatches(...patterns: string[]): Condition {
    return new Condition({ notMatches: patterns });
  }

  /** A condition with any combination of operators (combined with AND). */
  public static of(options: ConditionOptions): Condition {
    return new Condition(options);
  }

  /** The condition's operators. */
  public readonly options: ConditionOptions;

  private constructor(options: ConditionOptions) {
    this.options = { ...options };
  }
}

const LIST_OPERATORS = ['equalTo', 'notEqualTo', 'matches', 'notMatches'] as const;
const RANGE_OPERATORS = ['greaterThan', 'greaterThanOrEqual', 'lessThan', 'lessThanOrEqual'] as const;
/** `Matches` and `NotMatches` take at most 5 patterns (service model). */
const MAX_PATTERNS = 5;

/**
 * Check finding criteria and render them in the API's shape. Errors name the attribute; an
 * attribute the API reference does not list is a warning, so attributes the service adds later
 * are not blocked.
 */
export function renderFindingCriteria(scope: IConstruct, criteria: Record<string, Condition>): Record<string, ConditionProperty> {
  const attributes = Object.keys(criteria);
  if (attributes.length === 0) {
    throw new ValidationError(scope, '`findingCriteria` must have at least one condition (a filter with no criteria matches every finding), got: {}');
  }
  const rendered: Record<string, ConditionProperty> = {};
  for (const attribute of attributes) {
    const condition = criteria[attribute];
    if (!(condition instanceof Condition)) {
      throw new ValidationError(scope, `\`findingCriteria["${attribute}"]\` must be a Condition (e.g. Condition.equalTo(...)), got: ${JSON.stringify(condition)}`);
    }
    rendered[attribute] = renderCondition(scope, attribute, condition.options);
  }
  return rendered;
}

function renderCondition(scope: IConstruct, attribute: string, options: ConditionOptions): ConditionProperty {
  const where = `\`findingCriteria["${attribute}"]\``;
  const used = [...LIST_OPERATORS, ...RANGE_OPERATORS].filter((op) => options[op] !== undefined);
  if (used.length === 0) {
    throw new ValidationError(scope, `${where} must use at least one operator (equalTo, notEqualTo, greaterThan, greaterThanOrEqual, lessThan, lessThanOrEqual, matches, notMatches), got none`);
  }
  for (const op of LIST_OPERATORS) {
    const values = options[op];
    if (values === undefined) continue;
    if (values.length === 0) {
      throw new ValidationError(scope, `${where}.${op} must list at least one value, got: []`);
    }
    if ((op === 'matches' || op === 'notMatches') && values.length > MAX_PATTERNS) {
      throw new ValidationError(scope, `${where}.${op} takes at most ${MAX_PATTERNS} patterns, got ${values.length}`);
    }
  }
  for (const op of RANGE_OPERATORS) {
    const value = options[op];
    if (value === undefined || Token.isUnresolved(value)) continue;
    if (!Number.isSafeInteger(value)) {
      throw new ValidationError(scope, `${where}.${op} must be an integer (GuardDuty takes a Long; timestamps are epoch milliseconds), got: ${value}`);
    }
  }
  const lower = options.greaterThanOrEqual ?? options.greaterThan;
  const upper = options.lessThanOrEqual ?? options.lessThan;
  if (lower !== undefined && upper !== undefined && !Token.isUnresolved(lower) && !Token.isUnresolved(upper) && lower > upper) {
    throw new ValidationError(scope, `${where} is an empty range: lower bound ${lower} is above upper bound ${upper}`);
  }

  const kind = attributeKind(attribute);
  const listOps = used.filter((op) => (LIST_OPERATORS as readonly string[]).includes(op));
  const rangeOps = used.filter((op) => (RANGE_OPERATORS as readonly string[]).includes(op));
  if (kind === undefined) {
    Annotations.of(scope).addWarningV2('cdk-threat-detection:unknownFindingAttribute',
      `${where}: "${attribute}" is not in the GuardDuty API reference's list of filterable finding attributes; `
      + 'GuardDuty rejects the filter if it does not know the attribute');
  } else if (kind === 'timestamp' && listOps.length > 0) {
    throw new ValidationError(scope, `${where}: "${attribute}" is a timestamp (epoch milliseconds) and takes only greaterThan, `
      + `greaterThanOrEqual, lessThan and lessThanOrEqual (or Condition.after/before), got: ${listOps.join(', ')}`);
  } else if (kind === 'string' && rangeOps.length > 0) {
    throw new ValidationError(scope, `${where}: "${attribute}" takes text values, and ${rangeOps.join(', ')} compare numbers or `
      + 'timestamps; use equalTo, notEqualTo, matches or notMatches');
  }

  const num = (v: number | undefined) => (v === undefined ? undefined : String(v));
  return {
    Equals: options.equalTo && [...options.equalTo],
    NotEquals: options.notEqualTo && [...options.notEqualTo],
    GreaterThan: num(options.greaterThan),
    GreaterThanOrEqual: num(options.greaterThanOrEqual),
    LessThan: num(options.lessThan),
    LessThanOrEqual: num(options.lessThanOrEqual),
    Matches: options.matches && [...options.matches],
    NotMatches: options.notMatches && [...options.notMatches],
  };
}
