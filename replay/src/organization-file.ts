/**
 * The organization a replay runs in, described in a JSON file: the management account, OUs,
 * member accounts, accounts outside the organization (invited ones), and what exists before the
 * landing zone (detectors and behavior graphs, with their age). Read, checked and applied to the
 * local API; every error names the file, the path in it and the rule.
 *
 * ```json
 * {
 *   "managementAccount": { "id": "111111111111", "email": "aws-management@example.com" },
 *   "rootId": "r-exmp",
 *   "organizationalUnits": [{ "id": "ou-exmp-workloads", "name": "Workloads", "parent": "root" }],
 *   "accounts": [
 *     { "id": "222222222222", "email": "aws-security@example.com", "name": "security" },
 *     { "id": "333333333333", "email": "aws-workload@example.com", "name": "workload", "parent": "ou-exmp-workloads" }
 *   ],
 *   "outsideAccounts": [{ "id": "444444444444", "name": "vended" }],
 *   "existing": {
 *     "detectors": [{ "account": "333333333333", "ageHours": 72 }],
 *     "graphs": [{ "account": "222222222222" }]
 *   }
 * }
 * ```
 */
import * as fs from 'node:fs';
import type { LocalApi } from './local-api/server';

/** An account of the organization. */
export interface OrganizationAccountEntry {
  /** 12 digits. */
  readonly id: string;
  readonly email: string;
  /** A name for the output (default: the id). */
  readonly name?: string;
  /** `root` (the default) or the id of an OU of the file. */
  readonly parent?: string;
  /** `ACTIVE` (the default) or `SUSPENDED`. */
  readonly status?: 'ACTIVE' | 'SUSPENDED';
  /**
   * Opt-in Regions the account has not enabled: its calls there are refused
   * (`UnrecognizedClientException`), and GuardDuty lists it as a `RegionDisabled` member there.
   */
  readonly disabledRegions?: ReadonlyArray<string>;
}

/** The organization and what exists before the landing zone. */
export interface OrganizationDescription {
  readonly managementAccount: { readonly id: string; readonly email: string; readonly name?: string };
  /** `r-` and 4-32 lowercase letters or digits (default: made from the management account). */
  readonly rootId?: string;
  /** OUs, each under `root` or an OU listed before it. */
  readonly organizationalUnits?: ReadonlyArray<{ readonly id: string; readonly name: string; readonly parent?: string }>;
  readonly accounts?: ReadonlyArray<OrganizationAccountEntry>;
  /** Accounts outside the organization (stacks may run in them, e.g. invited members). */
  readonly outsideAccounts?: ReadonlyArray<{ readonly id: string; readonly name?: string }>;
  readonly existing?: {
    /** Detectors that exist before (auto-enable or a console made them), `ageHours` old (Detective needs 48). */
    readonly detectors?: ReadonlyArray<{ readonly account: string; readonly region?: string; readonly ageHours?: number }>;
    /** Behavior graphs that exist before (an administrator's). */
    readonly graphs?: ReadonlyArray<{ readonly account: string; readonly region?: string }>;
  };
}

/** A bad organization file: what is wrong, where. */
export class OrganizationFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OrganizationFileError';
  }
}

const ACCOUNT_ID = /^\d{12}$/;
const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
const ROOT_ID = /^r-[0-9a-z]{4,32}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const KNOWN_KEYS: Record<string, string[]> = {
  '': ['managementAccount', 'rootId', 'organizationalUnits', 'accounts', 'outsideAccounts', 'existing'],
  'managementAccount': ['id', 'email', 'name'],
  'organizationalUnits[]': ['id', 'name', 'parent'],
  'accounts[]': ['id', 'email', 'name', 'parent', 'status', 'disabledRegions'],
  'outsideAccounts[]': ['id', 'name'],
  'existing': ['detectors', 'graphs'],
  'existing.detectors[]': ['account', 'region', 'ageHours'],
  'existing.graphs[]': ['account', 'region'],
};

/** Read and check an organization file. */
export function readOrganizationFile(file: string): OrganizationDescription {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    throw new OrganizationFileError(`organization file ${file}: no such file`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf-8'));
  } catch (err) {
    throw new OrganizationFileError(`organization file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  return checkOrganization(parsed, `organization file ${file}`);
}

/** Check a description (from a file or an object): throws naming the first problem's path. */
export function checkOrganization(value: unknown, source = 'organization'): OrganizationDescription {
  const fail = (at: string, rule: string, got: unknown): never => {
    throw new OrganizationFileError(`${source}: ${at || 'the top level'} ${rule}, got: ${JSON.stringify(got)}`);
  };
  const object = (v: unknown, at: string, shape: string): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(at, 'must be an object', v);
    const unknown = Object.keys(v as object).filter((k) => !KNOWN_KEYS[shape].includes(k));
    if (unknown.length > 0) fail(at, `has unknown key(s) ${unknown.join(', ')} (known: ${KNOWN_KEYS[shape].join(', ')})`, v);
    return v as Record<string, unknown>;
  };
  const list = (v: unknown, at: string): unknown[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v)) fail(at, 'must be a list', v);
    return v as unknown[];
  };
  const string = (v: unknown, at: string, pattern?: RegExp, rule?: string): string => {
    if (typeof v !== 'string' || (pattern && !pattern.test(v))) fail(at, rule ?? 'must be a string', v);
    return v as string;
  };

  const top = object(value, '', '');
  const management = object(top.managementAccount, 'managementAccount', 'managementAccount');
  string(management.id, 'managementAccount.id', ACCOUNT_ID, 'must be a 12-digit account id');
  string(management.email, 'managementAccount.email', EMAIL, 'must be an email address');
  if (top.rootId !== undefined) string(top.rootId, 'rootId', ROOT_ID, 'must be a root id (r- and 4-32 lowercase letters or digits)');

  const accounts = new Set<string>([management.id as string]);
  const parents = new Set<string>(['root']);
  list(top.organizationalUnits, 'organizationalUnits').forEach((v, i) => {
    const ou = object(v, `organizationalUnits[${i}]`, 'organizationalUnits[]');
    const id = string(ou.id, `organizationalUnits[${i}].id`, OU_ID, 'must be an OU id (ou-<root>-<8 to 32 lowercase letters or digits>)');
    string(ou.name, `organizationalUnits[${i}].name`);
    const parent = ou.parent ?? 'root';
    if (!parents.has(parent as string)) fail(`organizationalUnits[${i}].parent`, 'must be "root" or the id of an OU listed before it', parent);
    if (parents.has(id)) fail(`organizationalUnits[${i}].id`, 'is listed twice', id);
    parents.add(id);
  });
  list(top.accounts, 'accounts').forEach((v, i) => {
    const account = object(v, `accounts[${i}]`, 'accounts[]');
    const id = string(account.id, `accounts[${i}].id`, ACCOUNT_ID, 'must be a 12-digit account id');
    if (accounts.has(id)) fail(`accounts[${i}].id`, 'is declared twice (the management account is declared by managementAccount)', id);
    accounts.add(id);
    string(account.email, `accounts[${i}].email`, EMAIL, 'must be an email address');
    if (account.name !== undefined) string(account.name, `accounts[${i}].name`);
    if (account.parent !== undefined && !parents.has(account.parent as string)) {
      fail(`accounts[${i}].parent`, 'must be "root" or the id of an OU of the file', account.parent);
    }
    if (account.status !== undefined && !['ACTIVE', 'SUSPENDED'].includes(account.status as string)) {
      fail(`accounts[${i}].status`, 'must be ACTIVE or SUSPENDED', account.status);
    }
    list(account.disabledRegions, `accounts[${i}].disabledRegions`)
      .forEach((r, j) => string(r, `accounts[${i}].disabledRegions[${j}]`, /^[a-z]{2}(-[a-z]+)+-\d$/, 'must be a Region name'));
  });
  list(top.outsideAccounts, 'outsideAccounts').forEach((v, i) => {
    const account = object(v, `outsideAccounts[${i}]`, 'outsideAccounts[]');
    const id = string(account.id, `outsideAccounts[${i}].id`, ACCOUNT_ID, 'must be a 12-digit account id');
    if (accounts.has(id)) fail(`outsideAccounts[${i}].id`, 'is declared twice', id);
    accounts.add(id);
  });
  if (top.existing !== undefined) {
    const existing = object(top.existing, 'existing', 'existing');
    const declared = (v: unknown, at: string) => {
      const id = string(v, at, ACCOUNT_ID, 'must be a 12-digit account id');
      if (!accounts.has(id)) fail(at, 'must be an account the file declares', id);
    };
    list(existing.detectors, 'existing.detectors').forEach((v, i) => {
      const d = object(v, `existing.detectors[${i}]`, 'existing.detectors[]');
      declared(d.account, `existing.detectors[${i}].account`);
      if (d.region !== undefined) string(d.region, `existing.detectors[${i}].region`, /^[a-z]{2}(-[a-z]+)+-\d$/, 'must be a Region name');
      if (d.ageHours !== undefined && (typeof d.ageHours !== 'number' || d.ageHours < 0)) {
        fail(`existing.detectors[${i}].ageHours`, 'must be a number of hours, 0 or more', d.ageHours);
      }
    });
    list(existing.graphs, 'existing.graphs').forEach((v, i) => {
      const g = object(v, `existing.graphs[${i}]`, 'existing.graphs[]');
      declared(g.account, `existing.graphs[${i}].account`);
      if (g.region !== undefined) string(g.region, `existing.graphs[${i}].region`, /^[a-z]{2}(-[a-z]+)+-\d$/, 'must be a Region name');
    });
  }
  return value as OrganizationDescription;
}

/** Every account the description declares, with its name for the output. */
export function declaredAccounts(organization: OrganizationDescription): Map<string, string> {
  const names = new Map<string, string>([[organization.managementAccount.id, organization.managementAccount.name ?? 'management']]);
  for (const a of organization.accounts ?? []) names.set(a.id, a.name ?? a.id);
  for (const a of organization.outsideAccounts ?? []) names.set(a.id, a.name ?? a.id);
  return names;
}

/** Set the organization up in the local API, with what exists before the landing zone; `region` is the default Region. */
export function applyOrganization(api: LocalApi, organization: OrganizationDescription, region: string): void {
  const org = api.organization;
  const root = org.create(organization.managementAccount.id, organization.managementAccount.email, organization.rootId);
  const parentOf = (parent: string | undefined) => (parent === undefined || parent === 'root' ? root : parent);
  for (const ou of organization.organizationalUnits ?? []) org.addOrganizationalUnit(parentOf(ou.parent), ou.name, ou.id);
  for (const a of organization.accounts ?? []) {
    org.addAccount(a.id, a.email, parentOf(a.parent), a.status ?? 'ACTIVE');
    if (a.disabledRegions?.length) org.disabledRegions.set(a.id, new Set(a.disabledRegions));
  }
  for (const d of organization.existing?.detectors ?? []) {
    api.guardduty.seedDetector(d.account, d.region ?? region);
    if (d.ageHours) api.guardduty.backdateDetectors(d.account, d.region ?? region, d.ageHours);
  }
  for (const g of organization.existing?.graphs ?? []) api.detective.seedGraph(g.account, g.region ?? region);
}
