/**
 * The organization's coverage, Region by Region: for GuardDuty and Detective, whether a delegated
 * administrator is in place, whether the organization is configured (auto-enable), how many
 * members the administrator has, and (GuardDuty) whether findings are exported. Read through the
 * services' APIs as the management and administrator accounts would, so it shows what the services
 * hold, not what the stacks meant. A service without an endpoint in a Region is "not available"
 * there (and not called).
 */
import {
  DescribeOrganizationConfigurationCommand as DescribeDetectiveOrganizationConfigurationCommand,
  DetectiveClient,
  ListGraphsCommand,
  ListMembersCommand as ListGraphMembersCommand,
  ListOrganizationAdminAccountsCommand as ListDetectiveAdminAccountsCommand,
} from '@aws-sdk/client-detective';
import {
  DescribeOrganizationConfigurationCommand,
  GuardDutyClient,
  ListDetectorsCommand,
  ListMembersCommand,
  ListOrganizationAdminAccountsCommand,
  ListPublishingDestinationsCommand,
} from '@aws-sdk/client-guardduty';
import { hasEndpoint } from './local-api/regions';
import type { LocalApi } from './local-api/server';

/** One service's coverage in one Region. */
export interface ServiceCoverage {
  /** False where the service has no endpoint in the Region (the other fields are then empty). */
  readonly available: boolean;
  /** The delegated administrator's account id, when one is ENABLED. */
  readonly administrator?: string;
  /** The organization's auto-enable setting as the administrator reads it (`ALL`, `NEW`, `NONE`; Detective: `true`/`false`). */
  readonly autoEnable?: string;
  /** Member accounts of the administrator's detector or graph that are enabled. */
  readonly members: number;
  /** Member accounts on their way (GuardDuty `Created`/`Invited`, Detective `INVITED`/`VERIFICATION_IN_PROGRESS`). */
  readonly pending?: number;
  /** Member accounts that have not enabled the Region (GuardDuty `RegionDisabled`). */
  readonly regionDisabled?: number;
  /** Publishing destinations of the administrator's detector (GuardDuty). */
  readonly exports?: number;
}

/** Both services' coverage in one Region. */
export interface RegionCoverage {
  readonly region: string;
  readonly guardDuty: ServiceCoverage;
  readonly detective: ServiceCoverage;
}

/** Read the coverage of each Region (management account: delegations; administrator: the rest). */
export async function readCoverage(api: LocalApi, managementAccount: string, regions: ReadonlyArray<string>): Promise<RegionCoverage[]> {
  const rows: RegionCoverage[] = [];
  for (const region of regions) {
    rows.push({
      region,
      guardDuty: await guardDutyCoverage(api, managementAccount, region),
      detective: await detectiveCoverage(api, managementAccount, region),
    });
  }
  return rows;
}

async function guardDutyCoverage(api: LocalApi, managementAccount: string, region: string): Promise<ServiceCoverage> {
  if (!hasEndpoint('guardduty', region)) return { available: false, members: 0 };
  const client = (account: string) => new GuardDutyClient({ region, endpoint: api.url, credentials: api.credentialsFor(account) });
  const { AdminAccounts = [] } = await client(managementAccount).send(new ListOrganizationAdminAccountsCommand({}));
  const administrator = AdminAccounts.find((a) => a.AdminStatus === 'ENABLED')?.AdminAccountId;
  if (!administrator) return { available: true, members: 0 };
  const admin = client(administrator);
  const [detectorId] = (await admin.send(new ListDetectorsCommand({}))).DetectorIds ?? [];
  if (!detectorId) return { available: true, administrator, members: 0 };
  const configuration = await admin.send(new DescribeOrganizationConfigurationCommand({ DetectorId: detectorId }));
  const members = await listAll(async (NextToken) => {
    const out = await admin.send(new ListMembersCommand({ DetectorId: detectorId, OnlyAssociated: 'false', MaxResults: 50, NextToken }));
    return [out.Members ?? [], out.NextToken];
  });
  const exports = (await admin.send(new ListPublishingDestinationsCommand({ DetectorId: detectorId }))).Destinations ?? [];
  return {
    available: true,
    administrator,
    autoEnable: configuration.AutoEnableOrganizationMembers,
    members: members.filter((m) => m.RelationshipStatus === 'Enabled').length,
    pending: members.filter((m) => ['Created', 'Invited', 'EmailVerificationInProgress'].includes(m.RelationshipStatus ?? '')).length,
    regionDisabled: members.filter((m) => m.RelationshipStatus === 'RegionDisabled').length,
    exports: exports.length,
  };
}

async function detectiveCoverage(api: LocalApi, managementAccount: string, region: string): Promise<ServiceCoverage> {
  if (!hasEndpoint('detective', region)) return { available: false, members: 0 };
  const client = (account: string) => new DetectiveClient({ region, endpoint: api.url, credentials: api.credentialsFor(account) });
  const { Administrators = [] } = await client(managementAccount).send(new ListDetectiveAdminAccountsCommand({}));
  const administrator = Administrators[0]?.AccountId;
  if (!administrator) return { available: true, members: 0 };
  const admin = client(administrator);
  const [graph] = (await admin.send(new ListGraphsCommand({}))).GraphList ?? [];
  if (!graph?.Arn) return { available: true, administrator, members: 0 };
  const configuration = await admin.send(new DescribeDetectiveOrganizationConfigurationCommand({ GraphArn: graph.Arn }));
  const members = await listAll(async (NextToken) => {
    const out = await admin.send(new ListGraphMembersCommand({ GraphArn: graph.Arn, NextToken }));
    return [out.MemberDetails ?? [], out.NextToken];
  });
  return {
    available: true,
    administrator,
    autoEnable: String(configuration.AutoEnable ?? false),
    members: members.filter((m) => m.Status === 'ENABLED').length,
    pending: members.filter((m) => ['INVITED', 'VERIFICATION_IN_PROGRESS'].includes(m.Status ?? '')).length,
  };
}

/** Every page of a list operation. */
async function listAll<T>(page: (token?: string) => Promise<[T[], string | undefined]>): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const [items, next] = await page(token);
    all.push(...items);
    token = next;
  } while (token);
  return all;
}

/** The coverage as a table: a line per Region, a column per (service, fact). */
export function formatCoverage(rows: ReadonlyArray<RegionCoverage>): string[] {
  const cell = (c: ServiceCoverage, exports: boolean) => {
    if (!c.available) return 'not available';
    if (!c.administrator) return 'not delegated';
    const pending = [c.pending ? `+${c.pending} pending` : '', c.regionDisabled ? `${c.regionDisabled} RegionDisabled` : '']
      .filter((x) => x).map((x) => ` (${x})`).join('');
    return `admin ${c.administrator}, auto-enable ${c.autoEnable ?? '-'}, ${c.members} members${pending}${exports ? `, ${c.exports ?? 0} export(s)` : ''}`;
  };
  const width = Math.max(6, ...rows.map((r) => r.region.length));
  return [
    `  ${'Region'.padEnd(width)}  GuardDuty | Detective`,
    ...rows.map((r) => `  ${r.region.padEnd(width)}  ${cell(r.guardDuty, true)} | ${cell(r.detective, false)}`),
  ];
}
