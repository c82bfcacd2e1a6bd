/**
 * What this library renamed or removed since 0.1.0, in one place: TypeScript users get compile
 * errors for these, but JavaScript users (and any language given an untyped object) would get
 * `undefined`, or an old property silently ignored (`enable: false` deploying an enabled detector).
 * Each entry makes the old name fail at synth, naming the new one.
 *
 * The CHANGELOG's migration table lists the same entries (a test checks that it does), found with
 * `jsii-diff` against the 0.1.0 assembly.
 *
 * Not exported from the package.
 */
import { IConstruct } from 'constructs';
import { ValidationError } from './errors';

/** How an old name was used. */
type RenamedKind =
  /** a key of the construct's props */
  | 'property'
  /** an attribute read from the construct */
  | 'attribute'
  /** a static method of the construct's class */
  | 'static'
  /** a type exported by a module (`aws_guardduty`, `aws_detective`) */
  | 'type';

interface Renamed {
  /** The construct or module, as imported: `aws_guardduty.Detector`, or the module `aws_guardduty`. */
  readonly owner: string;
  readonly kind: RenamedKind;
  readonly old: string;
  /** What to use instead, as the user writes it. */
  readonly use: string;
}

/** The release the renames ship in (the first after 0.1.0). */
export const RENAMED_IN = '0.2.0';

const ADMIN_ID = 'administratorAccountId (the delegated administrator, as AWS Organizations names it)';
const moved = (module: string, type: string): Renamed[] => ['aws_guardduty', 'aws_detective'].map((m) => ({
  owner: m, kind: 'type', old: type, use: `${type} from the package root (import { ${type} } from '${module}')`,
}));
const listType = (old: string): Renamed => ({ owner: 'aws_guardduty', kind: 'type', old, use: old.replace(/^Ip/, '') });

/** Every name renamed or removed since 0.1.0. */
export const RENAMED: readonly Renamed[] = [
  { owner: 'aws_guardduty.Detector', kind: 'property', old: 'enable', use: 'enabled' },
  { owner: 'aws_guardduty.OrganizationAdminAccount', kind: 'property', old: 'adminAccountId', use: ADMIN_ID },
  { owner: 'aws_guardduty.OrganizationAdminAccount', kind: 'attribute', old: 'adminAccountId', use: 'administratorAccountId' },
  { owner: 'aws_detective.OrganizationAdminAccount', kind: 'property', old: 'adminAccountId', use: ADMIN_ID },
  { owner: 'aws_detective.OrganizationAdminAccount', kind: 'attribute', old: 'adminAccountId', use: 'administratorAccountId' },
  { owner: 'aws_guardduty.IpSet', kind: 'static', old: 'fromIpSetId', use: 'IpSet.fromIpSetAttributes(scope, id, { detector, ipSetId })' },
  {
    owner: 'aws_guardduty.ThreatIntelSet',
    kind: 'static',
    old: 'fromThreatIntelSetId',
    use: 'ThreatIntelSet.fromThreatIntelSetAttributes(scope, id, { detector, threatIntelSetId })',
  },
  {
    owner: 'aws_guardduty.PublishingDestination',
    kind: 'static',
    old: 'fromDestinationId',
    use: 'PublishingDestination.fromPublishingDestinationAttributes(scope, id, { detector, destinationId })',
  },
  ...['MemberAccountSource', 'MemberAccountDetails', 'MemberInvitation', 'OrganizationMemberOptions']
    .flatMap((t) => moved('cdk-threat-detection', t)),
  ...['IpListSource', 'IpListFormat', 'IpListKind', 'IpListOptions', 'IpListBindOptions', 'IpListSourceConfig', 'IpListBucketOptions']
    .map(listType),
];

function message(entry: Renamed): string {
  const what = { property: 'property', attribute: 'attribute', static: 'method', type: 'type' }[entry.kind];
  return `${entry.owner}: the ${what} \`${entry.old}\` was renamed or removed in ${RENAMED_IN}; use ${entry.use}. `
    + 'See the CHANGELOG\'s migration table.';
}

/**
 * Throw at synth when `props` holds a property this library renamed or removed for `owner`
 * (`aws_guardduty.Detector`), naming the new one and the value given.
 */
export function rejectRenamedProperties(scope: IConstruct, owner: string, props: object | undefined): void {
  if (props === undefined || props === null) return;
  for (const entry of RENAMED) {
    if (entry.owner === owner && entry.kind === 'property' && Object.prototype.hasOwnProperty.call(props, entry.old)) {
      const value = (props as Record<string, unknown>)[entry.old];
      throw new ValidationError(scope, `${message(entry)} Got ${entry.old}: ${JSON.stringify(value) ?? String(value)}`);
    }
  }
}

/**
 * Give a class (`owner`) its removed attributes and static methods as members that throw, naming
 * the new ones: invisible to jsii and TypeScript (which report the old names at compile time), they
 * turn JavaScript's `undefined` or "is not a function" into the migration.
 */
export function installRenamedMembers(owner: string, cls: { readonly prototype: object }): void {
  for (const entry of RENAMED) {
    if (entry.owner !== owner) continue;
    const fail = () => { throw new Error(message(entry)); };
    if (entry.kind === 'static') {
      Object.defineProperty(cls, entry.old, { value: fail, enumerable: false, configurable: true, writable: false });
    } else if (entry.kind === 'attribute') {
      Object.defineProperty(cls.prototype, entry.old, { get: fail, enumerable: false, configurable: true });
    }
  }
}

/**
 * Give a module's exports (`module.exports` of `aws_guardduty`) the types it moved or renamed, as
 * properties that throw on access, naming the new ones. Not enumerable: `export *` and jsii skip them.
 */
export function installRenamedTypes(owner: string, exportsObject: object): void {
  for (const entry of RENAMED) {
    if (entry.owner !== owner || entry.kind !== 'type' || Object.prototype.hasOwnProperty.call(exportsObject, entry.old)) continue;
    Object.defineProperty(exportsObject, entry.old, { get: () => { throw new Error(message(entry)); }, enumerable: false, configurable: true });
  }
}
