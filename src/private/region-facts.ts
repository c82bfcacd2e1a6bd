/**
 * Region facts owned by the library, dated: for each Region AWS publishes, its partition, whether
 * it is an opt-in Region (disabled in accounts until enabled), and whether GuardDuty and Detective
 * are available there. They differ: Detective is in fewer Regions than GuardDuty.
 *
 * Sources, as of {@link REGION_FACTS_DATE}:
 * - Regions and service availability: AWS's `endpoints.json` (botocore commit 0e6e2404b85d,
 *   2026-08-07): a Region has GuardDuty when the `guardduty` service has an endpoint there, and
 *   Detective when `api.detective` has one.
 * - Opt-in: "Regions introduced after March 20, 2019 are disabled by default"; the 17 commercial
 *   Regions before that date are enabled by default. Only the commercial partition (`aws`) has
 *   opt-in Regions.
 *
 * aws-cdk-lib's own Region table is not used for these decisions: the supported floor (2.189.1)
 * does not know `ap-east-2` or `ap-southeast-6` and calls them not opt-in, which gave GuardDuty's
 * global principal where an opt-in Region needs its own.
 *
 * Pure data (no aws-cdk-lib). Not exported from the package.
 *
 * @see https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html
 * @see https://docs.aws.amazon.com/general/latest/gr/guardduty.html
 * @see https://docs.aws.amazon.com/general/latest/gr/detective.html
 */

/** The date of the sources of `REGION_FACTS`. */
export const REGION_FACTS_DATE = '2026-08-07';

/** What the library knows of a Region. */
export interface RegionFacts {
  /** The partition, e.g. `aws`, `aws-cn`, `aws-us-gov`. */
  readonly partition: string;
  /** Whether the Region is disabled in accounts until enabled (`account:EnableRegion`). */
  readonly optIn: boolean;
  /** Whether GuardDuty is available in the Region. */
  readonly guardDuty: boolean;
  /** Whether Detective is available in the Region. */
  readonly detective: boolean;
}

/** Every Region AWS publishes, as of `REGION_FACTS_DATE`. */
export const REGION_FACTS: Readonly<Record<string, RegionFacts>> = {
  'af-south-1': { partition: 'aws', optIn: true, guardDuty: true, detective: true }, // Africa (Cape Town)
  'ap-east-1': { partition: 'aws', optIn: true, guardDuty: true, detective: true }, // Asia Pacific (Hong Kong)
  'ap-east-2': { partition: 'aws', optIn: true, guardDuty: true, detective: false }, // Asia Pacific (Taipei)
  'ap-northeast-1': { partition: 'aws', optIn: false, guardDuty: true, detective: true }, // Asia Pacific (Tokyo)
  'ap-northeast-2': { partition: 'aws', optIn: false, guardDuty: true, detective: true }, // Asia Pacific (Seoul)
  'ap-northeast-3': { partition: 'aws', optIn: false, guardDuty: true, detective: false }, // Asia Pacific (Osaka)
  'ap-south-1': { partition: 'aws', optIn: false, guardDuty: true, detective: true }, // Asia Pacific (Mumbai)
  'ap-south-2': { partition: 'aws', optIn: true, guardDuty: true, detective: false }, // Asia Pacific (Hyderabad)
  'ap-southeast-1': { partition: 'aws', optIn: false, guardDuty: true, detective: true }, // Asia Pacific (Singapore)
  'ap-southeast-2': { partition: 'aws', optIn: false, guardDuty: true, detective: true }, // Asia Pacific (Sydney)
  'ap-southeast-3': { partition: 'aws', optIn: true, guardDuty: true, detective: false }, // Asia Pacific (Jakarta)
  'ap-southeast-4': { partition: 'aws', optIn: true, guardDuty: true, detective: false }, // Asia Pacific (Melbourne)
  'ap-southeast-5': { partition: 'aws', optIn: true, guardDuty: true, detective: false }, // Asia Pacific (Malaysia)
  'ap-southeast-6': { partition: 'aws', optIn: true, guardDuty: true, detective: false }, // Asia Pacific (New Zealand)
  'ap-southeast-7': { partition: 'aws', optIn: true, guardDuty: true, detective: false }, // Asia Pacific (Thailand)
  'ca-central-1': { partition: 'aws', optIn: false, guardDuty: true, detective: true }, // Canada (Central)
  'ca-west-1': { partition: 'aws', optIn: true, guardDuty: true, detective: false }, // Canada West (Calgary)
  'eu-central-1': { partition: 'aws', optIn: false, guardDuty: true, detective: true }, // Europe (Frankfurt)
  'eu-central-2': { partition: 'aws', optIn: true, guardDuty: true, detective: false }, // Europe (Zurich)
  'eu-north-1': { partition: 'aws', optIn: false, guardDuty: true, detective: true }, // Europe (Stockholm)
  'eu-south-1': { partition: 'aws', optIn: true, guardDuty: true, detective: true }, // Europe (Milan)
  'eu-south-2': { partition: 'aws', optIn: true, guardDuty: true, detective: false }, // Europe (Spain)
  'eu-west-1': { partition: 'aws', optIn: false, guardDuty: true, detective: true }, // Europe (Ireland)
  'eu-west-2': { partition: 'aws', optIn: false, guardDuty: true, detective: true }, // Europe (London)
  'eu-west-3': { partition: 'aws', optIn: false, guardDuty: true, detective: true }, // Europe (Paris)
  'il-central-1': { partition: 'aws', optIn: true, guardDuty: true, detective: true }, // Israel (Tel Aviv)
  'me-central-1': { partition: 'aws', optIn: true, guardDuty: true, detective: false }, // Middle East (UAE)
  'me-south-1': { partition: 'aws', optIn: true, guardDuty: true, detective: true }, // Middle East (Bahrain)
  'mx-central-1': { partition: 'aws', optIn: true, guardDuty: true, detective: false }, // Mexico (Central)
  'sa-east-1': { partition: 'aws', optIn: false, guardDuty: true, detective: true }, // South America (Sao Paulo)
  'us-east-1': { partition: 'aws', optIn: false, guardDuty: true, detective: true }, // US East (N. Virginia)
  'us-east-2': { partition: 'aws', optIn: false, guardDuty: true, detective: true }, // US East (Ohio)
  'us-west-1': { partition: 'aws', optIn: false, guardDuty: true, detective: true }, // US West (N. California)
  'us-west-2': { partition: 'aws', optIn: false, guardDuty: true, detective: true }, // US West (Oregon)
  'cn-north-1': { partition: 'aws-cn', optIn: false, guardDuty: true, detective: false }, // China (Beijing)
  'cn-northwest-1': { partition: 'aws-cn', optIn: false, guardDuty: true, detective: false }, // China (Ningxia)
  'us-gov-east-1': { partition: 'aws-us-gov', optIn: false, guardDuty: true, detective: true }, // AWS GovCloud (US-East)
  'us-gov-west-1': { partition: 'aws-us-gov', optIn: false, guardDuty: true, detective: true }, // AWS GovCloud (US-West)
  'us-iso-east-1': { partition: 'aws-iso', optIn: false, guardDuty: true, detective: false }, // US ISO East
  'us-iso-west-1': { partition: 'aws-iso', optIn: false, guardDuty: true, detective: false }, // US ISO WEST
  'us-isob-east-1': { partition: 'aws-iso-b', optIn: false, guardDuty: true, detective: false }, // US ISOB East (Ohio)
  'us-isob-west-1': { partition: 'aws-iso-b', optIn: false, guardDuty: false, detective: false }, // US ISOB West
  'eu-isoe-west-1': { partition: 'aws-iso-e', optIn: false, guardDuty: false, detective: false }, // EU ISOE West
  'us-isof-east-1': { partition: 'aws-iso-f', optIn: false, guardDuty: true, detective: false }, // US ISOF EAST
  'us-isof-south-1': { partition: 'aws-iso-f', optIn: false, guardDuty: true, detective: false }, // US ISOF SOUTH
  'eusc-de-east-1': { partition: 'aws-eusc', optIn: false, guardDuty: true, detective: false }, // AWS European Sovereign Cloud (Germany)
};

/** Context key naming Regions to treat as opt-in beyond the facts (a Region newer than this library). */
export const OPT_IN_REGIONS_CONTEXT = 'cdk-threat-detection:optInRegions';

/**
 * The DNS suffixes of AWS's partitions, as of `REGION_FACTS_DATE`: each partition's `dnsSuffix` in
 * `endpoints.json` and its dual-stack variant's. Every AWS endpoint, and names of anyone's
 * resources (instances, buckets), are under them.
 */
export const AWS_DNS_SUFFIXES: ReadonlyArray<string> = [
  'amazonaws.com', 'api.aws', 'amazonaws.com.cn', 'api.amazonwebservices.com.cn', 'c2s.ic.gov', 'sc2s.sgov.gov',
  'cloud.adc-e.uk', 'csp.hci.ic.gov', 'amazonaws.eu', 'api.amazonwebservices.eu',
];

/** The facts of a Region, or `undefined` when the library does not know it. */
export function regionFacts(region: string): RegionFacts | undefined {
  return Object.prototype.hasOwnProperty.call(REGION_FACTS, region) ? REGION_FACTS[region] : undefined;
}

/** The opt-in Regions the facts know, sorted. */
export function optInRegions(): string[] {
  return Object.keys(REGION_FACTS).filter((r) => REGION_FACTS[r].optIn).sort();
}
