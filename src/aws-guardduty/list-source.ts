import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { isIP } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Annotations, AssetHashType, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3_assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { ValidationError } from '../private/errors';
import { isPublicSuffix } from '../private/public-suffixes';
import { AWS_DNS_SUFFIXES } from '../private/region-facts';

/**
 * The file format of a list: trusted and threat IP lists, trusted and threat entity lists (the
 * four APIs take the same formats).
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_upload-lists.html#prepare_list
 */
export enum ListFormat {
  /** Plaintext: one entry per line (an IP address or CIDR range; for entity lists also a domain name). */
  TXT = 'TXT',
  /** Structured Threat Information Expression. */
  STIX = 'STIX',
  /** Open Threat Exchange CSV. */
  OTX_CSV = 'OTX_CSV',
  /** AlienVault reputation feed. */
  ALIEN_VAULT = 'ALIEN_VAULT',
  /** Proofpoint ET Intelligence feed. */
  PROOF_POINT = 'PROOF_POINT',
  /** FireEye iSIGHT Threat Intelligence feed. */
  FIRE_EYE = 'FIRE_EYE',
}

/** What a list is for; sets the entries GuardDuty takes in it and their limit. */
export enum ListKind {
  /** A trusted IP list (`IpSet`): at most 2,000 IP addresses and CIDR ranges. */
  TRUSTED = 'TRUSTED',
  /** A threat IP list (`ThreatIntelSet`): at most 250,000 IP addresses and CIDR ranges. */
  THREAT = 'THREAT',
  /** A trusted entity list (`TrustedEntitySet`): IP addresses, CIDR ranges and domain names. */
  TRUSTED_ENTITIES = 'TRUSTED_ENTITIES',
  /** A threat entity list (`ThreatEntitySet`): IP addresses, CIDR ranges and domain names. */
  THREAT_ENTITIES = 'THREAT_ENTITIES',
}

/**
 * Settings shared by GuardDuty's four lists: trusted and threat IP lists (`IpSet`, `ThreatIntelSet`)
 * and trusted and threat entity lists (`TrustedEntitySet`, `ThreatEntitySet`).
 */
export interface ListOptions {
  /** The list GuardDuty reads. */
  readonly source: ListSource;

  /**
   * The list's file format. Changing it replaces the set.
   *
   * @default ListFormat.TXT
   */
  readonly format?: ListFormat;

  /**
   * Whether GuardDuty uses the list. The deployment waits until the set is ACTIVE (or INACTIVE
   * when false) and fails with the set's status when GuardDuty cannot read the list (ERROR).
   *
   * @default true
   */
  readonly activate?: boolean;

  /**
   * What happens to the set when it leaves the stack.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Options for `ListSource.bind`. */
export interface ListBindOptions {
  /** Which kind of set reads the list. */
  readonly kind: ListKind;
  /** The list's declared format. */
  readonly format: ListFormat;
}

/** Where a bound list is, and what reads it needs. */
export interface ListSourceConfig {
  /** The bucket holding the list. */
  readonly bucket: s3.IBucket;
  /** The object key. */
  readonly objectKey: string;
  /** The URI GuardDuty reads, `https://s3.<region>.<suffix>/<bucket>/<key>`. */
  readonly location: string;
  /**
   * The account that must own the bucket (GuardDuty checks it before reading).
   *
   * @default - not checked
   */
  readonly expectedBucketOwner?: string;
  /**
   * A hash of the content, when known at synth time; a change re-activates the set.
   *
   * @default - the content is not tracked (an object in a bucket)
   */
  readonly contentHash?: string;
  /**
   * The key that encrypts the object, when GuardDuty must be allowed to decrypt it.
   *
   * @default - no customer managed key
   */
  readonly encryptionKey?: kms.IKey;
}

/** Options for `ListSource.fromBucket`. */
export interface ListBucketOptions {
  /**
   * The account that owns the bucket; GuardDuty refuses to read a bucket owned by another account.
   *
   * @default - the owning stack's account for a bucket defined in this app; for a bucket imported with another account
   * (`Bucket.fromBucketAttributes({ account })`), that account; for one imported without, not checked for an IP
   * list, and for an entity list GuardDuty checks that the list's own account owns the bucket
   */
  readonly expectedBucketOwner?: string;
}

/**
 * GuardDuty's entry limits per IP list ("You can't request a quota increase"). The quotas page
 * gives none for entity lists, so their entries are not counted here.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_limits.html
 */
const MAX_ENTRIES: Partial<Record<ListKind, number>> = {
  [ListKind.TRUSTED]: 2_000,
  [ListKind.THREAT]: 250_000,
};

/** Whether a kind of list is an entity list (IP addresses and domain names). */
function isEntityList(kind: ListKind): boolean {
  return kind === ListKind.TRUSTED_ENTITIES || kind === ListKind.THREAT_ENTITIES;
}

/** Whether a kind of list is a trusted one (GuardDuty generates no findings for its entries). */
function isTrustedList(kind: ListKind): boolean {
  return kind === ListKind.TRUSTED || kind === ListKind.TRUSTED_ENTITIES;
}

/** "The maximum file size for the file used to upload a list". */
const MAX_FILE_BYTES = 35 * 1024 * 1024;

/**
 * The list a trusted or threat IP list (`IpSet`, `ThreatIntelSet`) or a trusted or threat entity
 * list (`TrustedEntitySet`, `ThreatEntitySet`) reads: an object in an S3 bucket, a local file
 * deployed as an asset, or entries written at synth time. IP lists take IP addresses and CIDR
 * ranges; entity lists also take domain names.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_upload-lists.html
 */
export abstract class ListSource {
  /**
   * An object already in (or deployed to) a bucket. Its content is not tracked: after changing
   * the object, change something the construct sees (e.g. the key) to have GuardDuty read it again.
   * The key is percent-encoded into the list's location, so any key S3 accepts is read as itself.
   *
   * @throws at synth (when the key is known) for an empty key, a leading "/", or a "." or ".."
   * segment (a URL resolves those to another object)
   */
  public static fromBucket(bucket: s3.IBucket, key: string, options: ListBucketOptions = {}): ListSource {
    return new BucketSource(bucket, key, options);
  }

  /**
   * A local file, uploaded as a CDK asset. For TXT lists the entries are checked at synth time
   * (as `fromEntries` checks them).
   * A change to the file re-activates the set so GuardDuty reads the new entries.
   */
  public static fromAsset(file: string): ListSource {
    return new AssetSource(file);
  }

  /**
   * Entries given inline, written to a TXT asset at synth time: IP addresses and CIDR ranges
   * (IPv4 or IPv6), and for an entity list also domain names (`example.com`, `api.example.com`;
   * internationalized names in their `xn--` form). The asset's hash is the hash of the entries,
   * so the same list gives the same template.
   *
   * @throws at synth time for an entry the list does not take (a domain name in an IP list, a
   * URL, a wildcard), naming it, and for more entries than GuardDuty allows in an IP list.
   */
  public static fromEntries(entries: string[]): ListSource {
    return new EntriesSource(entries);
  }

  /** Make the list available to a set defined in `scope`. */
  public abstract bind(scope: Construct, options: ListBindOptions): ListSourceConfig;
}

class BucketSource extends ListSource {
  constructor(private readonly bucket: s3.IBucket, private readonly key: string, private readonly options: ListBucketOptions) {
    super();
  }

  public bind(scope: Construct): ListSourceConfig {
    const known = !Token.isUnresolved(this.key);
    if (known && (this.key.length === 0 || this.key.startsWith('/'))) {
      throw new ValidationError(scope, `the list's object key must be a non-empty key without a leading "/", got: "${this.key}"`);
    }
    // A URL path resolves "." and ".." segments: the URL would name another object than the key.
    if (known && this.key.split('/').some((segment) => segment === '.' || segment === '..')) {
      throw new ValidationError(scope, 'the list\'s object key must not have "." or ".." segments (GuardDuty reads the key as a URL, '
        + `which resolves them to another object), got: "${this.key}"`);
    }
    const owner = this.options.expectedBucketOwner ?? (this.bucket instanceof s3.Bucket ? this.bucket.stack.account : importedOwner(this.bucket));
    return {
      bucket: this.bucket,
      objectKey: this.key,
      // The key percent-encoded per segment, so "?", "#", spaces and non-ASCII stay part of the path.
      location: this.bucket.urlForObject(known ? this.key.split('/').map(encodeURIComponent).join('/') : this.key),
      expectedBucketOwner: owner,
      encryptionKey: this.bucket.encryptionKey,
    };
  }
}

/**
 * The account an imported bucket was given (`Bucket.fromBucketAttributes({ account })`), when it
 * is another than its stack's: GuardDuty then checks that account owns the bucket before reading.
 * A bucket imported without an account (`fromBucketName`) says nothing of its owner.
 */
function importedOwner(bucket: s3.IBucket): string | undefined {
  const account = bucket.env.account;
  const stackAccount = Stack.of(bucket).account;
  return !Token.isUnresolved(account) && /^\d{12}$/.test(account) && account !== stackAccount ? account : undefined;
}

class AssetSource extends ListSource {
  constructor(private readonly file: string) {
    super();
  }

  public bind(scope: Construct, options: ListBindOptions): ListSourceConfig {
    if (!fs.existsSync(this.file) || !fs.statSync(this.file).isFile()) {
      throw new ValidationError(scope, `the list file must be an existing file, got: ${this.file}`);
    }
    const size = fs.statSync(this.file).size;
    if (size > MAX_FILE_BYTES) {
      throw new ValidationError(scope, `GuardDuty reads list files of at most 35 MB, got ${size} bytes: ${this.file}`);
    }
    if (options.format === ListFormat.TXT) {
      validateEntries(scope, parseTxt(fs.readFileSync(this.file, 'utf-8')), options.kind, this.file);
    }
    const asset = new s3_assets.Asset(scope, 'List', { path: this.file });
    return assetConfig(asset, asset.assetHash);
  }
}

class EntriesSource extends ListSource {
  constructor(private readonly entries: string[]) {
    super();
  }

  public bind(scope: Construct, options: ListBindOptions): ListSourceConfig {
    if (options.format !== ListFormat.TXT) {
      throw new ValidationError(scope, `an inline list is written as plaintext: \`format\` must be TXT, got: ${options.format}`);
    }
    const entries = this.entries.map((e) => e.trim());
    validateEntries(scope, entries, options.kind, 'the inline list');
    const content = entries.join('\n') + '\n';
    const hash = createHash('sha256').update(content).digest('hex');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-threat-detection-list-'));
    const file = path.join(dir, 'list.txt');
    fs.writeFileSync(file, content);
    const asset = new s3_assets.Asset(scope, 'List', { path: file, assetHash: hash, assetHashType: AssetHashType.CUSTOM });
    return assetConfig(asset, asset.assetHash);
  }
}

function assetConfig(asset: s3_assets.Asset, contentHash: string): ListSourceConfig {
  return {
    bucket: asset.bucket,
    objectKey: asset.s3ObjectKey,
    location: asset.httpUrl,
    // Asset buckets belong to the stack's account (the bootstrap bucket).
    expectedBucketOwner: Stack.of(asset).account,
    contentHash,
  };
}

/** The entries of a plaintext list: one per line; blank lines and `#` comments are skipped. */
function parseTxt(content: string): string[] {
  return content.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

function validateEntries(scope: Construct, entries: string[], kind: ListKind, where: string): void {
  const entity = isEntityList(kind);
  const what = entity ? 'IP address, CIDR range or domain name' : 'IP address or CIDR range';
  if (entries.length === 0) {
    throw new ValidationError(scope, `${where} must have at least one ${what}, got none`);
  }
  const max = MAX_ENTRIES[kind];
  if (max !== undefined && entries.length > max) {
    throw new ValidationError(scope, `GuardDuty allows at most ${max.toLocaleString('en-US')} IP addresses and CIDR ranges in a `
      + `${kind === ListKind.TRUSTED ? 'trusted' : 'threat'} IP list, ${where} has ${entries.length}`);
  }
  entries.forEach((entry, index) => {
    if (isIpOrCidr(entry) || (entity && isDomainName(entry))) return;
    if (entity) {
      throw new ValidationError(scope, `${where}: entry ${index + 1} must be an IPv4 or IPv6 address, a CIDR range or a domain name `
        + '(letters, digits and "-" in dot-separated labels of 1-63 characters, at most 253 characters, no scheme, path, port or '
        + `wildcard; internationalized names in their xn-- form), got: "${entry}"`);
    }
    throw new ValidationError(scope, `${where}: entry ${index + 1} must be an IPv4 or IPv6 address or CIDR range (IP lists `
      + 'take no domain names or IPv6 zone ids: put domain names in an entity list, TrustedEntitySet or ThreatEntitySet), '
      + `got: "${entry}"`);
  });
  if (isTrustedList(kind)) {
    warnIfTrustingEverything(scope, entries, where);
    warnIfTrustingAwsDomains(scope, entries, where);
    warnIfTrustingPublicSuffixes(scope, entries, where);
  }
}

/**
 * A trusted entity list naming a public suffix of the Public Suffix List (`co.uk`, `github.io`,
 * `s3.amazonaws.com`; `isPublicSuffix`) trusts a name under which anyone can register or host
 * their own: warn, naming the entries. AWS's own DNS suffixes have their own warning.
 */
function warnIfTrustingPublicSuffixes(scope: Construct, entries: string[], where: string): void {
  const suffixes = entries.filter((e) => isDomainName(e) && !AWS_DNS_SUFFIXES.includes(e.toLowerCase().replace(/\.$/, '')) && isPublicSuffix(e));
  if (suffixes.length === 0) return;
  Annotations.of(scope).addWarningV2('cdk-threat-detection:trustedListTrustsPublicSuffix', `${where} trusts ${suffixes.join(', ')}: `
    + `${suffixes.length === 1 ? 'a public suffix' : 'public suffixes'} of the Public Suffix List (publicsuffix.org), under which anyone `
    + 'can register or host names of their own. GuardDuty generates no findings for what it trusts: trust your own names instead.');
}

/**
 * A trusted entity list naming one of AWS's own DNS suffixes (`amazonaws.com`, `api.aws`, ...;
 * `AWS_DNS_SUFFIXES`) trusts a name under which anyone's resources live: warn, naming the entries.
 */
function warnIfTrustingAwsDomains(scope: Construct, entries: string[], where: string): void {
  const aws = entries.filter((e) => AWS_DNS_SUFFIXES.includes(e.toLowerCase().replace(/\.$/, '')));
  if (aws.length === 0) return;
  Annotations.of(scope).addWarningV2('cdk-threat-detection:trustedListTrustsAwsDomain', `${where} trusts ${aws.join(', ')}: AWS's own `
    + 'DNS suffix (endpoints.json), under which every AWS endpoint and anyone\'s instances, buckets and functions have names. '
    + 'GuardDuty generates no findings for what it trusts: trust your own names instead.');
}

/**
 * A domain name as DNS writes it (RFC 1123 host names): dot-separated labels of letters, digits
 * and hyphens (not at a label's ends), each 1-63 characters, at most 253 in all, at least two
 * labels, a top-level label that is not all digits (that would be an IPv4 address's form).
 */
function isDomainName(entry: string): boolean {
  const name = entry.endsWith('.') ? entry.slice(0, -1) : entry;
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  if (labels.length < 2) return false;
  if (/^\d+$/.test(labels[labels.length - 1])) return false;
  return labels.every((label) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label));
}

/**
 * A trusted list silences GuardDuty's VPC Flow Log and CloudTrail findings for traffic from its
 * addresses, so a list that covers much of the address space is a warning, naming its largest
 * entries: every address of a version (`0.0.0.0/0`, `::/0`, or ranges that add up to it), or at
 * least 1/256 of it (a /8 or more, however it is split). IPv4-mapped IPv6 entries
 * (`::ffff:0:0/96`) count as the IPv4 addresses they map. Acknowledge the warning if that is really
 * meant.
 */
function warnIfTrustingEverything(scope: Construct, entries: string[], where: string): void {
  const v4 = entries.filter((e) => isIP(e.split('/')[0]) === 4);
  const v6 = entries.filter((e) => isIP(e.split('/')[0]) === 6);
  // Entries inside ::ffff:0:0/96 are IPv4 addresses written as IPv6 (a wider IPv6 range is counted as IPv6).
  const mapped = v6.filter((e) => range(e)[0] >= IPV4_MAPPED[0] && range(e)[1] <= IPV4_MAPPED[1]);
  const spaces: Array<[string, string[], Array<[bigint, bigint]>, number]> = [
    ['IPv4', [...v4, ...mapped], [...v4.map(range), ...mapped.map((e) => shift(range(e), -IPV4_MAPPED[0]))], 32],
    ['IPv6', v6.filter((e) => !mapped.includes(e)), v6.filter((e) => !mapped.includes(e)).map(range), 128],
  ];
  for (const [version, named, ranges, bits] of spaces) {
    if (ranges.length === 0) continue;
    const covered = unionSize(ranges);
    const space = 2n ** BigInt(bits);
    const largest = [...named].sort((a, b) => Number(sizeOf(b) > sizeOf(a)) - Number(sizeOf(b) < sizeOf(a))).slice(0, 5).join(', ');
    if (covered >= space) {
      Annotations.of(scope).addWarningV2('cdk-threat-detection:trustedListCoversAllAddresses', `${where} trusts every ${version} `
        + `address (${named.join(', ')}): GuardDuty generates no VPC Flow Log or CloudTrail findings for traffic from trusted `
        + 'addresses, so this silences it for all of them. Trust only your own ranges.');
    } else if (covered * 256n >= space) {
      const share = Number((covered * 10_000n) / space) / 100;
      Annotations.of(scope).addWarningV2('cdk-threat-detection:trustedListCoversLargeRange', `${where} trusts ${share}% of the `
        + `${version} address space (at least a /8's worth; largest entries: ${largest}): GuardDuty generates no VPC Flow Log or `
        + 'CloudTrail findings for traffic from trusted addresses, so this silences it for a large part of the internet. Trust only '
        + 'your own ranges.');
    }
  }
}

/** `::ffff:0:0/96`, the IPv6 addresses that map IPv4 ones. */
const IPV4_MAPPED: [bigint, bigint] = [0xffff00000000n, 0xffffffffffffn];

function shift(r: [bigint, bigint], by: bigint): [bigint, bigint] {
  return [r[0] + by, r[1] + by];
}

function sizeOf(entry: string): bigint {
  const [first, last] = range(entry);
  return last - first + 1n;
}

/** How many addresses the ranges cover together (overlaps counted once). */
function unionSize(ranges: Array<[bigint, bigint]>): bigint {
  let total = 0n;
  let next = 0n;
  for (const [first, last] of [...ranges].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const from = first > next ? first : next;
    if (last >= from) total += last - from + 1n;
    if (last + 1n > next) next = last + 1n;
  }
  return total;
}

/** An address or CIDR range as [first, last] address numbers. */
function range(entry: string): [bigint, bigint] {
  const [address, prefix] = entry.split('/');
  const bits = isIP(address) === 4 ? 32 : 128;
  const value = bits === 32
    ? address.split('.').reduce((n, octet) => n * 256n + BigInt(octet), 0n)
    : ipv6ToBigInt(address);
  const size = 2n ** BigInt(bits - (prefix === undefined ? bits : Number(prefix)));
  const first = value - (value % size);
  return [first, first + size - 1n];
}

function ipv6ToBigInt(address: string): bigint {
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = v4[1].split('.').map(Number);
    text = text.slice(0, -v4[1].length) + `${(n[0] * 256 + n[1]).toString(16)}:${(n[2] * 256 + n[3]).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const missing = 8 - groups(head).length - groups(tail).length;
  const all = tail === undefined ? groups(head) : [...groups(head), ...Array(missing).fill('0'), ...groups(tail)];
  return all.reduce((n, g) => n * 65536n + BigInt(parseInt(g, 16)), 0n);
}

function isIpOrCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  // Node's isIP accepts an IPv6 zone id (fe80::1%eth0); a list entry cannot carry one.
  if (rest.length > 0 || address.includes('%')) return false;
  const version = isIP(address);
  if (version === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}
