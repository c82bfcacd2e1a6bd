/**
 * `Custom::GuardDutyFilter`: the contract between the `Filter` construct and its handler. The
 * handler's permissions for it are in `filter.permissions.ts`.
 *
 * Not exported from the package.
 */
import { defineResourceType } from '../../resource-definition';

/**
 * One condition of a filter's finding criteria, in the API's `Condition` shape with only the
 * current operators. Numbers are strings, as CloudFormation delivers them.
 */
export interface ConditionProperty {
  readonly Equals?: string[];
  readonly NotEquals?: string[];
  readonly GreaterThan?: string;
  readonly GreaterThanOrEqual?: string;
  readonly LessThan?: string;
  readonly LessThanOrEqual?: string;
  readonly Matches?: string[];
  readonly NotMatches?: string[];
}

/** Properties of `Custom::GuardDutyFilter`. Physical id: `<detectorId>:<name>`. */
export interface FilterResourceProperties {
  /** Changing it replaces the filter. */
  readonly DetectorId: string;
  /** The filter's identity: changing it replaces the filter. */
  readonly Name: string;
  readonly Description?: string;
  /** `NOOP` or `ARCHIVE`. */
  readonly Action: string;
  /** 1-100. */
  readonly Rank?: string;
  /** Finding attribute to condition. */
  readonly FindingCriteria: Readonly<Record<string, ConditionProperty>>;
  readonly Tags?: Readonly<Record<string, string>>;
}

/** Attributes of `Custom::GuardDutyFilter`. */
export interface FilterResourceAttributes {
  readonly FilterName: string;
  readonly FilterArn: string;
}

/** `Custom::GuardDutyFilter`. */
export const FilterResource = defineResourceType<FilterResourceProperties, FilterResourceAttributes>({
  type: 'Custom::GuardDutyFilter', label: 'Filter', noun: 'a filter',
});
