/**
 * What the services hold, printed readably per account: each detector (status, frequency,
 * features, tags, filters, lists, malware scan settings, export, administrator, members,
 * organization configuration) and each behavior graph (packages, tags, members, organization
 * configuration) or membership. Read through the services' APIs (the real SDK against the local
 * API) as each account, as a user would see them in the console.
 */
import {
  DescribeOrganizationConfigurationCommand as DescribeDetectiveOrganizationConfigurationCommand,
  DetectiveClient,
  ListDatasourcePackagesCommand,
  ListGraphsCommand,
  ListInvitationsCommand,
  ListMembersCommand as ListGraphMembersCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-detective';
import {
  DescribePublishingDestinationCommand,
  DescribeOrganizationConfigurationCommand,
  GetAdministratorAccountCommand,
  GetDetectorCommand,
  GetFilterCommand,
  GetIPSetCommand,
  GetMalwareScanSettingsCommand,
  GetThreatEntitySetCommand,
  GetThreatIntelSetCommand,
  GetTrustedEntitySetCommand,
  GuardDutyClient,
  ListDetectorsCommand,
  ListFiltersCommand,
  ListIPSetsCommand,
  ListMembersCommand,
  ListPublishingDestinationsCommand,
  ListThreatEntitySetsCommand,
  ListThreatIntelSetsCommand,
  ListTrustedEntitySetsCommand,
} from '@aws-sdk/client-guardduty';
import type { LocalApi } from './local-api/server';

/** Print the GuardDuty and Detective state of the accounts (id to name) in a Region. */
export async function printState(api: LocalApi, accounts: ReadonlyMap<string, string>, region: string,
  write: (line: string) => void): Promise<void> {
  await printGuardDuty(api, accounts, region, write);
  await printDetective(api, accounts, region, write);
}

export async function printGuardDuty(api: LocalApi, accounts: ReadonlyMap<string, string>, region: string,
  write: (line: string) => void): Promise<void> {
  write(`  GuardDuty in ${region}`);
  for (const [account, name] of accounts) {
    const client = new GuardDutyClient({ region: region, endpoint: api.url, credentials: api.credentialsFor(account) });
    const { DetectorIds = [] } = await client.send(new ListDetectorsCommand({}));
    if (DetectorIds.length === 0) {
      write(`  ${name} account ${account}: no detector`);
      continue;
    }
    for (const id of DetectorIds) {
      const d = await client.send(new GetDetectorCommand({ DetectorId: id }));
      const features = (d.Features ?? [])
        .map((f) => `${f.Name}=${f.Status}${(f.AdditionalConfiguration ?? []).map((a) => ` ${a.Name}=${a.Status}`).join('')}`);
      write(`  ${name} account ${account}: detector ${id} ${d.Status}, findings every ${d.FindingPublishingFrequency}`);
      write(`    features: ${features.join(', ')}`);
      write(`    tags: ${JSON.stringify(d.Tags ?? {})}`);
      for (const filterName of (await client.send(new ListFiltersCommand({ DetectorId: id }))).FilterNames ?? []) {
        const f = await client.send(new GetFilterCommand({ DetectorId: id, FilterName: filterName }));
        write(`    filter ${f.Name} rank ${f.Rank} ${f.Action}: ${JSON.stringify(f.FindingCriteria?.Criterion)}`);
      }
      for (const setId of (await client.send(new ListIPSetsCommand({ DetectorId: id }))).IpSetIds ?? []) {
        const set = await client.send(new GetIPSetCommand({ DetectorId: id, IpSetId: setId }));
        write(`    trusted IP list "${set.Name}" ${set.Status} (${set.Format}) ${set.Location}`);
      }
      for (const setId of (await client.send(new ListThreatIntelSetsCommand({ DetectorId: id }))).ThreatIntelSetIds ?? []) {
        const set = await client.send(new GetThreatIntelSetCommand({ DetectorId: id, ThreatIntelSetId: setId }));
        write(`    threat IP list "${set.Name}" ${set.Status} (${set.Format}) ${set.Location}`);
      }
      for (const setId of (await client.send(new ListTrustedEntitySetsCommand({ DetectorId: id }))).TrustedEntitySetIds ?? []) {
        const set = await client.send(new GetTrustedEntitySetCommand({ DetectorId: id, TrustedEntitySetId: setId }));
        write(`    trusted entity list "${set.Name}" ${set.Status} (${set.Format}) ${set.Location}`);
      }
      for (const setId of (await client.send(new ListThreatEntitySetsCommand({ DetectorId: id }))).ThreatEntitySetIds ?? []) {
        const set = await client.send(new GetThreatEntitySetCommand({ DetectorId: id, ThreatEntitySetId: setId }));
        write(`    threat entity list "${set.Name}" ${set.Status} (${set.Format}) ${set.Location}`);
      }
      const scans = await client.send(new GetMalwareScanSettingsCommand({ DetectorId: id }));
      const exclusions = scans.ScanResourceCriteria?.Exclude?.EC2_INSTANCE_TAG?.MapEquals ?? [];
      const inclusions = scans.ScanResourceCriteria?.Include?.EC2_INSTANCE_TAG?.MapEquals ?? [];
      if (scans.EbsSnapshotPreservation !== 'NO_RETENTION' || exclusions.length + inclusions.length > 0) {
        const tags = (pairs: typeof exclusions) => pairs.map((p) => (p.Value === undefined ? p.Key : `${p.Key}=${p.Value}`)).join(', ');
        write(`    malware scans: snapshots ${scans.EbsSnapshotPreservation}; include [${tags(inclusions)}]; exclude [${tags(exclusions)}]`);
      }
      for (const dest of (await client.send(new ListPublishingDestinationsCommand({ DetectorId: id }))).Destinations ?? []) {
        const p = await client.send(new DescribePublishingDestinationCommand({ DetectorId: id, DestinationId: dest.DestinationId }));
        write(`    findings export ${p.Status} to ${p.DestinationProperties?.DestinationArn} (key ${p.DestinationProperties?.KmsKeyArn})`);
      }
      const { Administrator } = await client.send(new GetAdministratorAccountCommand({ DetectorId: id }));
      if (Administrator?.AccountId) {
        write(`    administrator: ${Administrator.AccountId} (${Administrator.InvitationId ? 'by invitation' : 'through the organization'})`);
      }
      const { Members = [] } = await client.send(new ListMembersCommand({ DetectorId: id, OnlyAssociated: 'false', MaxResults: 50 }));
      if (Members.length > 0) {
        write(`    members: ${Members.map((m) => `${m.AccountId} ${m.RelationshipStatus}`).join(', ')}`);
      }
      const admin = api.guardduty.multiAccount.delegatedAdministrator(region);
      if (admin?.accountId === account) {
        const c = await client.send(new DescribeOrganizationConfigurationCommand({ DetectorId: id }));
        const plans = (c.Features ?? []).map((f) => `${f.Name}=${f.AutoEnable}`).join(', ');
        write(`    organization: delegated administrator; auto-enable members ${c.AutoEnableOrganizationMembers}; plans ${plans}`);
      }
    }
  }
}

export async function printDetective(api: LocalApi, accounts: ReadonlyMap<string, string>, region: string,
  write: (line: string) => void): Promise<void> {
  write(`  Detective in ${region}`);
  for (const [account, name] of accounts) {
    const client = new DetectiveClient({ region: region, endpoint: api.url, credentials: api.credentialsFor(account) });
    const lines: string[] = [];
    for (const graph of (await client.send(new ListGraphsCommand({}))).GraphList ?? []) {
      const arn = graph.Arn!;
      const { Tags = {} } = await client.send(new ListTagsForResourceCommand({ ResourceArn: arn }));
      const { DatasourcePackages = {} } = await client.send(new ListDatasourcePackagesCommand({ GraphArn: arn }));
      const packages = Object.entries(DatasourcePackages).map(([p, d]) => `${p}=${d.DatasourcePackageIngestState}`).join(', ');
      lines.push(`behavior graph ${arn}`, `  packages: ${packages}`, `  tags: ${JSON.stringify(Tags)}`);
      const { MemberDetails = [] } = await client.send(new ListGraphMembersCommand({ GraphArn: arn }));
      if (MemberDetails.length > 0) {
        lines.push(`  members: ${MemberDetails.map((m) => `${m.AccountId} ${m.Status} (${m.InvitationType?.toLowerCase()})`).join(', ')}`);
      }
      if (api.detective.organizationAdministrator(region) === account) {
        const { AutoEnable } = await client.send(new DescribeDetectiveOrganizationConfigurationCommand({ GraphArn: arn }));
        lines.push(`  organization: Detective administrator; auto-enable new accounts ${AutoEnable}`);
      }
    }
    for (const i of (await client.send(new ListInvitationsCommand({}))).Invitations ?? []) {
      lines.push(`member of ${i.GraphArn} (${i.Status}, administrator ${i.AdministratorId})`);
    }
    write(`  ${name} account ${account}:${lines.length === 0 ? ' no graph, no membership' : ''}`);
    for (const line of lines) write(`    ${line}`);
  }
}
