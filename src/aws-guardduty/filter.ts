import {
  Annotations,
  Aspects,
  IAspect,
  IResource,
  ITaggable,
  Lazy,
  Names,
  RemovalPolicy,
  Resource,
  Stack,
  TagManager,
  TagType,
  Token,
} from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import type { IDetectorRef } from './detector-ref';
import { Condition, ConditionOptions, renderFindingCriteria } from './finding-criteria';
import { ValidationError } from '../private/errors';
import { FilterResource } from '../private/resources/guardduty/filter';
import { filterPermissions } from '../private/resources/guardduty/filter.permissions';
import { joinSiblings } from '../private/siblings';
import { ThreatDetectionResource } from '../private/threat-detection-resource';
import { GUARDDUTY_OWNED_TAG_LIMIT, renderTags, validateRemovalPolicy, validateString, validateTags } from '../private/validation';

/**
 * A GuardDuty filter (a saved filter, or with `ARCHIVE` a suppression rule).
 */
export interface IFilter extends IResource {
  /**
   * The filter's name, unique within its detector.
   *
   * @attribute
   */
  readonly filterName: string;

  /**
   * The filter's ARN, `arn:<partition>:guardduty:<region>:<account>:detector/<detectorId>/filter/<name>`.
   *
   * @attribute
   */
  readonly filterArn: string;
}

/**
 * What GuardDuty does with findings that match a filter.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/findings_suppression-rule.html
 */
export enum FilterAction {
  /** Nothing: the filter is a saved view of findings. */
  NOOP = 'NOOP',
  /** Archive matching findings as they arrive (a suppression rule). */
  ARCHIVE = 'ARCHIVE',
}

/** A filter's settings, without its detector (see `IDetector.addFilter`). */
export interface FilterOptions {
  /**
   * The filter's name: 3-64 letters, digits, `.`, `_` and `-`. It is the filter's identity:
   * changing it replaces the filter.
   *
   * @default - a name made from the construct path
   */
  readonly filterName?: string;

  /**
   * A description, at most 512 characters.
   *
   * @default - none
   */
  readonly description?: string;

  /**
   * What to do with matching findings.
   *
   * @default FilterAction.NOOP
   */
  readonly action?: FilterAction;

  /**
   * The filter's position in the detector's list of filters, 1-100; filters apply in this
   * order. Filters of one detector in one stack are created in rank order (unranked ones last,
   * in construction order), and two of them may not share a rank.
   *
   * @default - after the detector's other filters
   */
  readonly rank?: number;

  /**
   * The conditions, by finding attribute (e.g. `severity`, `type`, `resource.resourceType`,
   * `updatedAt`); a finding matches when it meets all of them.
   *
   * @see https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateFilter.html
   */
  readonly findingCriteria: { [attribute: string]: Condition };

  /**
   * What happens to the filter when it leaves the stack.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Properties of a `Filter`. */
export interface FilterProps extends FilterOptions {
  /** The detector the filter belongs to. */
  readonly detector: IDetectorRef;
}

/** A filter's identity, for `Filter.fromFilterAttributes`. */
export interface FilterAttributes {
  /** The id of the filter's detector. */
  readonly detectorId: string;
  /** The filter's name. */
  readonly filterName: string;
}

/** Filters per account and Region ("You can't request a quota increase"). */
const MAX_FILTERS = 100;
const FILTER_NAME = { min: 3, max: 64, pattern: /^[A-Za-z0-9._-]+$/, description: 'letters, digits, ".", "_" and "-" only (no spaces)' };

/**
 * A GuardDuty filter: finding criteria, and with `FilterAction.ARCHIVE` a suppression rule that
 * archives matching findings as they arrive.
 *
 * Criteria are typed: `Condition.equalTo(...)`, `Condition.greaterThanOrEqual(...)`,
 * `Condition.after(date)` and so on, checked at synth time against the attributes the API
 * reference documents. Changing `filterName` replaces the filter; everything else, tags included,
 * changes in place.
 *
 * Backed by the `Custom::GuardDutyFilter` custom resource.
 *
 * @example
 * import * as guardduty from 'cdk-threat-detection/aws-guardduty';
 * declare const detector: guardduty.IDetector;
 *
 * new guardduty.Filter(this, 'ArchiveLowSeverity', {
 *   detector,
 *   action: guardduty.FilterAction.ARCHIVE,
 *   rank: 1,
 *   findingCriteria: {
 *     severity: guardduty.Condition.lessThan(4),
 *     'resource.resourceType': guardduty.Condition.equalTo('Instance'),
 *   },
 * });
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_filter-findings.html
 */
export class Filter extends Resource implements IFilter, ITaggable {
  /** Refer to an existing filter by its detector id and name. */
  public static fromFilterAttributes(scope: Construct, id: string, attrs: FilterAttributes): IFilter {
    class Import extends Resource implements IFilter {
      public readonly filterName = attrs.filterName;
      public readonly filterArn = Stack.of(scope).formatArn({
        service: 'guardduty',
        resource: 'detector',
        resourceName: `${attrs.detectorId}/filter/${attrs.filterName}`,
      });
    }
    return new Import(scope, id);
  }

  public readonly filterName: string;
  public readonly filterArn: string;
  /** The detector the filter belongs to. */
  public readonly detector: IDetectorRef;
  /** The rank given, if any. */
  public readonly rank?: number;

  /** Tags of the filter, applied through `Tags.of(...)`. */
  public readonly tags: TagManager;

  private readonly resource: ThreatDetectionResource<unknown, { FilterName: string; FilterArn: string }>;
  /** @internal the filters of the same detector in this stack, in construction order (this one included). */
  public readonly _siblings: ReadonlyArray<Filter>;
  private readonly configuredName: string;

  constructor(scope: Construct, id: string, props: FilterProps) {
    super(scope, id);

    const name = props.filterName ?? Names.uniqueResourceName(this, { maxLength: FILTER_NAME.max, separator: '-' });
    validateString(this, 'filterName', name, FILTER_NAME);
    validateString(this, 'description', props.description, { min: 0, max: 512 });
    if (props.rank !== undefined && !Token.isUnresolved(props.rank) && (!Number.isInteger(props.rank) || props.rank < 1 || props.rank > 100)) {
      throw new ValidationError(this, `\`rank\` must be an integer from 1 to 100, got: ${props.rank}`);
    }
    const criteria = renderFindingCriteria(this, props.findingCriteria);
    if (props.action === FilterAction.ARCHIVE) warnIfArchivingEverything(this, props.findingCriteria);

    this.detector = props.detector;
    this.rank = props.rank;
    this.configuredName = name;
    this.tags = new TagManager(TagType.MAP, FilterResource.type);
    this.node.addValidation({ validate: () => [...validateTags(this.tags.tagValues(), 'a filter besides the one the library keeps', GUARDDUTY_OWNED_TAG_LIMIT), ...this.validateSiblings()] });

    this._siblings = joinSiblings(this, 'filter', props.detector.detectorId);
    this.resource = new ThreatDetectionResource(this, 'Resource', FilterResource, {
      properties: {
        DetectorId: props.detector.detectorId,
        Name: name,
        Description: props.description,
        Action: props.action ?? FilterAction.NOOP,
        Rank: props.rank === undefined ? undefined : String(props.rank),
        FindingCriteria: criteria,
        Tags: Lazy.any({ produce: () => renderTags(this.tags) }) as unknown as Record<string, string>,
      },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
      permissions: filterPermissions,
    });
    this.filterName = this.resource.attribute('FilterName');
    this.filterArn = this.resource.attribute('FilterArn');

    FilterOrdering.register(Stack.of(this));
  }

  /**
   * Apply a removal policy to the filter's custom resource.
   *
   * @throws for `RemovalPolicy.SNAPSHOT`, which custom resources do not support.
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    validateRemovalPolicy(this, policy, 'a filter');
    this.resource.applyRemovalPolicy(policy);
  }

  /** Name, rank and quota rules across the filters of the same detector in this stack. */
  private validateSiblings(): string[] {
    const siblings = this._siblings;
    const errors: string[] = [];
    if (siblings.length > MAX_FILTERS && siblings[0] === this) {
      errors.push(`GuardDuty allows ${MAX_FILTERS} filters per account and Region; this stack gives the detector ${siblings.length}`);
    }
    for (const other of siblings) {
      if (other === this) break;
      if (this.rank !== undefined && other.rank === this.rank) {
        errors.push(`\`rank\` ${this.rank} is also the rank of ${other.node.path}; filters of one detector need distinct ranks`);
      }
      if (!Token.isUnresolved(this.configuredName) && other.configuredName === this.configuredName) {
        errors.push(`\`filterName\` "${this.configuredName}" is also the name of ${other.node.path}; filter names are unique per detector`);
      }
    }
    return errors;
  }
}

/**
 * Creates the filters of each detector in rank order (unranked last, in construction order) by
 * chaining dependencies: GuardDuty places a filter at its rank among the filters that exist when
 * it is created, so creating them out of order gives a different order than the ranks say.
 */
class FilterOrdering implements IAspect {
  public static register(stack: Stack): void {
    if (!Aspects.of(stack).all.some((a) => a instanceof FilterOrdering)) {
      Aspects.of(stack).add(new FilterOrdering(stack));
    }
  }

  private constructor(private readonly stack: Stack) {}

  public visit(node: IConstruct): void {
    if (node !== this.stack) return;
    const groups = new Set<ReadonlyArray<Filter>>();
    for (const c of this.stack.node.findAll()) {
      if (c instanceof Filter) groups.add(c._siblings);
    }
    for (const filters of groups) {
      const ordered = filters
        .map((filter, index) => ({ filter, index }))
        .sort((a, b) => (a.filter.rank ?? Infinity) - (b.filter.rank ?? Infinity) || a.index - b.index)
        .map((e) => e.filter);
      for (let i = 1; i < ordered.length; i++) {
        ordered[i].node.addDependency(ordered[i - 1]);
      }
    }
  }
}

/**
 * The attributes every finding has, with the whole range of their values: a range criterion that
 * spans it matches every finding. Severities run from 1.0 (Low) to 10.0 (Critical), confidence
 * from 0 to 10, `service.count` from 1. Timestamps are epoch milliseconds: a range from any time
 * up to now (the synth) with no upper bound (or one after the year 9999) matches every finding
 * still to come, which is what an ARCHIVE filter acts on.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-severity.html
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-summary.html
 */
const EVERY_FINDING: Readonly<Record<string, { readonly min: number; readonly max: number; readonly what: string }>> = {
  'severity': { min: 1, max: 10, what: 'every severity from 1 to 10' },
  'confidence': { min: 0, max: 10, what: 'every confidence from 0 to 10' },
  'service.count': { min: 1, max: Number.MAX_SAFE_INTEGER, what: 'every count from 1' },
  'createdAt': { min: Number.NaN, max: 253402300799999, what: 'every finding from now on' },
  'updatedAt': { min: Number.NaN, max: 253402300799999, what: 'every finding from now on' },
  'service.eventFirstSeen': { min: Number.NaN, max: 253402300799999, what: 'every finding from now on' },
  'service.eventLastSeen': { min: Number.NaN, max: 253402300799999, what: 'every finding from now on' },
};

/** What an always-true range criterion matches ("every severity from 1 to 10"), or undefined when it narrows. */
function matchesEveryFinding(attribute: string, o: ConditionOptions): string | undefined {
  const known = EVERY_FINDING[attribute];
  if (!known || o.equalTo || o.notEqualTo || o.matches || o.notMatches) return undefined;
  // A timestamp's lower bound (NaN in the table) is now: a bound in the past lets every new finding through.
  const range = Number.isNaN(known.min) ? { ...known, min: Date.now() } : known;
  const given = (v: number | undefined) => v !== undefined && !Token.isUnresolved(v);
  const lowOk = (o.greaterThanOrEqual === undefined || (given(o.greaterThanOrEqual) && o.greaterThanOrEqual! <= range.min))
    && (o.greaterThan === undefined || (given(o.greaterThan) && o.greaterThan! < range.min));
  const highOk = (o.lessThanOrEqual === undefined || (given(o.lessThanOrEqual) && o.lessThanOrEqual! >= range.max))
    && (o.lessThan === undefined || (given(o.lessThan) && o.lessThan! > range.max));
  return lowOk && highOk ? range.what : undefined;
}

/**
 * An ARCHIVE filter whose every criterion matches every finding (criteria are ANDed: a severity
 * range from 1 to 10, a confidence from 0, a time from 1970, alone or together) archives every
 * finding as it arrives, silencing GuardDuty: warn, naming the criteria. Acknowledge the warning
 * if that is really meant.
 */
function warnIfArchivingEverything(scope: IConstruct, criteria: { [attribute: string]: Condition }): void {
  const attributes = Object.keys(criteria);
  if (attributes.length === 0) return;
  const matched = attributes.map((attribute) => [attribute, matchesEveryFinding(attribute, criteria[attribute].options)] as const);
  if (matched.some(([, what]) => what === undefined)) return;
  const named = matched.map(([attribute, what]) => `\`findingCriteria["${attribute}"]\` (${JSON.stringify(criteria[attribute].options)}) `
    + `matches ${what}`).join('; ');
  Annotations.of(scope).addWarningV2('cdk-threat-detection:filterArchivesEverything', `this ARCHIVE filter's ${matched.length === 1
    ? 'criterion' : 'criteria'} ${named}: it archives every finding as it arrives, silencing GuardDuty. Narrow it (a lower bound above `
    + '1, a finding type, a resource).');
}
