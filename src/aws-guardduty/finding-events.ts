import * as events from 'aws-cdk-lib/aws-events';

/**
 * A GuardDuty severity band, by the lowest score in it. Finding severities are numbers from 1.0 to
 * 10.0 (the finding's `severity`); GuardDuty names four bands: Low 1.0-3.9, Medium 4.0-6.9,
 * High 7.0-8.9 and Critical 9.0-10.0.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-severity.html
 */
export class FindingSeverity {
  /** Low: 1.0 and above (every finding). */
  public static readonly LOW = new FindingSeverity('LOW', 1.0);
  /** Medium: 4.0 and above. */
  public static readonly MEDIUM = new FindingSeverity('MEDIUM', 4.0);
  /** High: 7.0 and above. */
  public static readonly HIGH = new FindingSeverity('HIGH', 7.0);
  /** Critical: 9.0 and above. */
  public static readonly CRITICAL = new FindingSeverity('CRITICAL', 9.0);

  /**
   * A minimum score of your own, e.g. `FindingSeverity.of(8)`.
   *
   * @param minimumScore the lowest severity matched, 1.0-10.0
   * @throws if the score is not a number from 1.0 to 10.0
   */
  public static of(minimumScore: number): FindingSeverity {
    if (!Number.isFinite(minimumScore) || minimumScore < 1 || minimumScore > 10) {
      throw new Error(`FindingSeverity.of: a severity score is a number from 1.0 to 10.0, got: ${minimumScore}`);
    }
    return new FindingSeverity(`SCORE_${minimumScore}`, minimumScore);
  }

  /**
   * @param name the band's name (`LOW`, `MEDIUM`, `HIGH`, `CRITICAL`) or `SCORE_<n>`
   * @param minimumScore the lowest severity score in the band
   */
  private constructor(public readonly name: string, public readonly minimumScore: number) {}
}

/**
 * Which findings an `onFinding` rule matches, besides the rule's own options. Every filter given
 * must hold (they are ANDed); the values of one filter are alternatives (ORed). With none, every
 * finding the account's default event bus receives matches.
 *
 * Which findings an account receives: each account's GuardDuty sends its own findings to its
 * default event bus; a GuardDuty administrator account also receives its member accounts'
 * findings (`accounts` then tells them apart). New findings are sent within about five minutes;
 * updates to a finding follow the detector's `findingPublishingFrequency`.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings_cloudwatch.html
 */
export interface OnFindingOptions extends events.OnEventOptions {
  /**
   * The lowest severity matched (EventBridge numeric matching on the finding's `severity`), e.g.
   * `FindingSeverity.HIGH` matches High and Critical findings.
   *
   * @default - every severity
   */
  readonly minimumSeverity?: FindingSeverity;

  /**
   * Finding types matched exactly, e.g. `CryptoCurrency:EC2/BitcoinTool.B!DNS`.
   *
   * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-active.html
   * @default - any type (unless `findingTypePrefixes` is given)
   */
  readonly findingTypes?: string[];

  /**
   * Finding type prefixes (EventBridge prefix matching), e.g. `Recon:` or `UnauthorizedAccess:IAMUser/`.
   * Combined with `findingTypes` as alternatives.
   *
   * @default - any type (unless `findingTypes` is given)
   */
  readonly findingTypePrefixes?: string[];

  /**
   * Finding types not matched (EventBridge anything-but), e.g. a type a team handles elsewhere.
   * Cannot be combined with `findingTypes` or `findingTypePrefixes`: EventBridge ORs the matchers
   * of one field, so an exclusion beside an inclusion would match everything.
   *
   * @default - no type excluded
   */
  readonly excludeFindingTypes?: string[];

  /**
   * The affected resource's type, as the finding's `resource.resourceType` gives it, e.g.
   * `Instance`, `AccessKey`, `S3Bucket`, `EKSCluster`, `ECSCluster`, `Container`, `RDSDBInstance`,
   * `Lambda`, `S3Object`.
   *
   * @see https://docs.aws.amazon.com/guardduty/latest/APIReference/API_Resource.html
   * @default - any resource type
   */
  readonly resourceTypes?: string[];

  /**
   * The accounts the findings are about (the finding's `accountId`): in an administrator account,
   * choose members' findings.
   *
   * @default - any account
   */
  readonly accounts?: string[];
}
