/**
 * `npx projen example`: synthesize the landing zone, then replay it against the local GuardDuty,
 * Detective and Organizations API through the bundled handler, as each account: create, update (a
 * feature, the finding frequency, a filter, the threat list's entries, the organization's
 * auto-enable setting, one more OU of members and one more Detective datasource package), delete;
 * printing what the services hold after each step.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
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
import { App } from 'aws-cdk-lib';
import {
  buildLandingZone, INITIAL, LandingZoneSettings, MANAGEMENT_ACCOUNT, REGION, SECURITY_ACCOUNT, UPDATED, VENDED_ACCOUNT, WORKLOAD_ACCOUNT,
} from './app';
import { createOrganization, SANDBOX_ACCOUNTS } from './organization';
import { LocalApi } from '../../test/local-api/server';
import { CloudFormationReplay, ReplayEvent } from '../../test/replay/replay';

const ACCOUNTS: Record<string, string> = {
  [MANAGEMENT_ACCOUNT]: 'management',
  [SECURITY_ACCOUNT]: 'security',
  [WORKLOAD_ACCOUNT]: 'workload',
  [SANDBOX_ACCOUNTS[0]]: 'sandbox',
  [VENDED_ACCOUNT]: 'vended',
};

function synth(settings: LandingZoneSettings): { dir: string; stacks: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landing-zone-'));
  const app = new App({ outdir: dir });
  const stacks = buildLandingZone(app, settings).map((s) => s.stackName);
  app.synth();
  return { dir, stacks };
}

function printEvent(e: ReplayEvent): void {
  const reason = e.reason ? ` (${e.reason})` : '';
  console.log(`  ${e.stack} ${e.requestType} ${e.resourceType} ${e.logicalId}: ${e.status} ${e.physicalId}${reason}`);
}

async function printState(api: LocalApi, title: string): Promise<void> {
  console.log(`\n${title}:`);
  await printGuardDuty(api);
  await printDetective(api);
}

async function printGuardDuty(api: LocalApi): Promise<void> {
  console.log(`  GuardDuty in ${REGION}`);
  for (const [account, name] of Object.entries(ACCOUNTS)) {
    const client = new GuardDutyClient({ region: REGION, endpoint: api.url, credentials: api.credentialsFor(account) });
    const { DetectorIds = [] } = await client.send(new ListDetectorsCommand({}));
    if (DetectorIds.length === 0) {
      console.log(`  ${name} account ${account}: no detector`);
      continue;
    }
    for (const id of DetectorIds) {
      const d = await client.send(new GetDetectorCommand({ DetectorId: id }));
      const features = (d.Features ?? [])
        .map((f) => `${f.Name}=${f.Status}${(f.AdditionalConfiguration ?? []).map((a) => ` ${a.Name}=${a.Status}`).join('')}`);
      console.log(`  ${name} account ${account}: detector ${id} ${d.Status}, findings every ${d.FindingPublishingFrequency}`);
      console.log(`    features: ${features.join(', ')}`);
      console.log(`    tags: ${JSON.stringify(d.Tags ?? {})}`);
      for (const filterName of (await client.send(new ListFiltersCommand({ DetectorId: id }))).FilterNames ?? []) {
        const f = await client.send(new GetFilterCommand({ DetectorId: id, FilterName: filterName }));
        console.log(`    filter ${f.Name} rank ${f.Rank} ${f.Action}: ${JSON.stringify(f.FindingCriteria?.Criterion)}`);
      }
      for (const setId of (await client.send(new ListIPSetsCommand({ DetectorId: id }))).IpSetIds ?? []) {
        const set = await client.send(new GetIPSetCommand({ DetectorId: id, IpSetId: setId }));
        console.log(`    trusted IP list "${set.Name}" ${set.Status} (${set.Format}) ${set.Location}`);
      }
      for (const setId of (await client.send(new ListThreatIntelSetsCommand({ DetectorId: id }))).ThreatIntelSetIds ?? []) {
        const set = await client.send(new GetThreatIntelSetCommand({ DetectorId: id, ThreatIntelSetId: setId }));
        console.log(`    threat IP list "${set.Name}" ${set.Status} (${set.Format}) ${set.Location}`);
      }
      for (const setId of (await client.send(new ListTrustedEntitySetsCommand({ DetectorId: id }))).TrustedEntitySetIds ?? []) {
        const set = await client.send(new GetTrustedEntitySetCommand({ DetectorId: id, TrustedEntitySetId: setId }));
        console.log(`    trusted entity list "${set.Name}" ${set.Status} (${set.Format}) ${set.Location}`);
      }
      for (const setId of (await client.send(new ListThreatEntitySetsCommand({ DetectorId: id }))).ThreatEntitySetIds ?? []) {
        const set = await client.send(new GetThreatEntitySetCommand({ DetectorId: id, ThreatEntitySetId: setId }));
        console.log(`    threat entity list "${set.Name}" ${set.Status} (${set.Format}) ${set.Location}`);
      }
      const scans = await client.send(new GetMalwareScanSettingsCommand({ DetectorId: id }));
      const exclusions = scans.ScanResourceCriteria?.Exclude?.EC2_INSTANCE_TAG?.MapEquals ?? [];
      const inclusions = scans.ScanResourceCriteria?.Include?.EC2_INSTANCE_TAG?.MapEquals ?? [];
      if (scans.EbsSnapshotPreservation !== 'NO_RETENTION' || exclusions.length + inclusions.length > 0) {
        const tags = (pairs: typeof exclusions) => pairs.map((p) => (p.Value === undefined ? p.Key : `${p.Key}=${p.Value}`)).join(', ');
        console.log(`    malware scans: snapshots ${scans.EbsSnapshotPreservation}; include [${tags(inclusions)}]; exclude [${tags(exclusions)}]`);
      }
      for (const dest of (await client.send(new ListPublishingDestinationsCommand({ DetectorId: id }))).Destinations ?? []) {
        const p = await client.send(new DescribePublishingDestinationCommand({ DetectorId: id, DestinationId: dest.DestinationId }));
        console.log(`    findings export ${p.Status} to ${p.DestinationProperties?.DestinationArn} (key ${p.DestinationProperties?.KmsKeyArn})`);
      }
      const { Administrator } = await client.send(new GetAdministratorAccountCommand({ DetectorId: id }));
      if (Administrator?.AccountId) {
        console.log(`    administrator: ${Administrator.AccountId} (${Administrator.InvitationId ? 'by invitation' : 'through the organization'})`);
      }
      const { Members = [] } = await client.send(new ListMembersCommand({ DetectorId: id, OnlyAssociated: 'false', MaxResults: 50 }));
      if (Members.length > 0) {
        console.log(`    members: ${Members.map((m) => `${m.AccountId} ${m.RelationshipStatus}`).join(', ')}`);
      }
      const admin = api.guardduty.multiAccount.delegatedAdministrator(REGION);
      if (admin?.accountId === account) {
        const c = await client.send(new DescribeOrganizationConfigurationCommand({ DetectorId: id }));
        const plans = (c.Features ?? []).map((f) => `${f.Name}=${f.AutoEnable}`).join(', ');
        console.log(`    organization: delegated administrator; auto-enable members ${c.AutoEnableOrganizationMembers}; plans ${plans}`);
      }
    }
  }
}

async function printDetective(api: LocalApi): Promise<void> {
  console.log(`  Detective in ${REGION}`);
  for (const [account, name] of Object.entries(ACCOUNTS)) {
    const client = new DetectiveClient({ region: REGION, endpoint: api.url, credentials: api.credentialsFor(account) });
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
      if (api.detective.organizationAdministrator(REGION) === account) {
        const { AutoEnable } = await client.send(new DescribeDetectiveOrganizationConfigurationCommand({ GraphArn: arn }));
        lines.push(`  organization: Detective administrator; auto-enable new accounts ${AutoEnable}`);
      }
    }
    for (const i of (await client.send(new ListInvitationsCommand({}))).Invitations ?? []) {
      lines.push(`member of ${i.GraphArn} (${i.Status}, administrator ${i.AdministratorId})`);
    }
    console.log(`  ${name} account ${account}:${lines.length === 0 ? ' no graph, no membership' : ''}`);
    for (const line of lines) console.log(`    ${line}`);
  }
}

async function main(): Promise<void> {
  const api = await new LocalApi().start();
  const replay = new CloudFormationReplay({ api, onEvent: printEvent });
  try {
    // Before the landing zone: the organization exists; GuardDuty is off everywhere.
    createOrganization(api);
    await printState(api, 'Before');

    const initial = synth(INITIAL);
    const updated = synth(UPDATED);

    console.log('\n1. Create (cdk deploy)');
    for (const stack of initial.stacks) await replay.deploy(initial.dir, stack);
    await printState(api, 'After create');

    console.log('\n2. Update: Lambda Protection on, findings every 15 minutes, archive below severity 4, one more known-bad range, '
      + 'auto-enable ALL accounts, the sandbox OU enrolled in both services, and Security Hub findings ingested by Detective');
    for (const stack of updated.stacks) await replay.deploy(updated.dir, stack);
    await printState(api, 'After update');

    console.log('\n3. Delete (cdk destroy)');
    for (const stack of [...updated.stacks].reverse()) await replay.destroy(updated.dir, stack);
    await printState(api, 'After delete');

    const calls = api.calls.filter((c) => c.service === 'guardduty');
    const detectiveCalls = api.calls.filter((c) => c.service === 'detective');
    const organizationCalls = api.calls.filter((c) => c.service === 'organizations');
    const errors = [...calls, ...detectiveCalls].filter((c) => c.status >= 400).map((c) => `${c.service} ${c.operation}`);
    const byAccount = (list: typeof calls) => Object.entries(ACCOUNTS)
      .map(([id, name]) => `${name} ${list.filter((c) => c.account === id).length}`).join(', ');
    console.log(`\n${replay.events.length} custom resource events; ${calls.length} GuardDuty API calls (${byAccount(calls)}), `
      + `${detectiveCalls.length} Detective API calls (${byAccount(detectiveCalls)}) and ${organizationCalls.length} AWS Organizations calls; `
      + `${errors.length} answered with an error, as designed (${errors.join(', ')}): "detector already exists" for each adopted `
      + 'detector, and "no such resource" once a deleted set is gone');
    const durations = replay.events.map((e) => e.durationMs).sort((a, b) => a - b);
    console.log(`Replay: each event in a fresh handler process, ${Math.round(durations.reduce((a, b) => a + b, 0) / durations.length)} ms `
      + `on average (median ${durations[Math.floor(durations.length / 2)]} ms, longest ${durations[durations.length - 1]} ms, waits included)`);
    const handlerCalls = api.calls.filter((c) => c.principal.includes(':assumed-role/'));
    const decisions = handlerCalls.flatMap((c) => c.authorization);
    console.log(`IAM: each handler ran as its role with the policies its stack deployed; ${handlerCalls.length} calls, `
      + `${decisions.length} authorization decisions (${decisions.filter((d) => d.dependentOf).length} checked by the services in the `
      + `caller's name), ${decisions.filter((d) => d.decision !== 'Allowed').length} denied`);
    fs.rmSync(initial.dir, { recursive: true, force: true });
    fs.rmSync(updated.dir, { recursive: true, force: true });
  } finally {
    await replay.close();
    await api.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
