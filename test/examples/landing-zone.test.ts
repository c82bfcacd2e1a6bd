/**
 * The landing-zone example, synthesized and replayed through the bundled handler against the local
 * API (what `npx projen example` runs), with the service state asserted after each step (cdk-nag's
 * packs over its stacks are in test/nag).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GuardDutyClient, UpdatePublishingDestinationCommand } from '@aws-sdk/client-guardduty';
import { App } from 'aws-cdk-lib';
import {
  buildLandingZone, INITIAL, MANAGEMENT_ACCOUNT, REGION, SECURITY_ACCOUNT, UPDATED, VENDED_ACCOUNT, WORKLOAD_ACCOUNT,
} from '../../examples/landing-zone/app';
import { createOrganization, SANDBOX_ACCOUNTS } from '../../examples/landing-zone/organization';
import { CloudFormationReplay, LocalApi, unneededStatements, replayTimeout } from '../../replay/src';

function synth(settings: typeof INITIAL) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lz-test-'));
  const app = new App({ outdir: dir });
  const stacks = buildLandingZone(app, settings).map((s) => s.stackName);
  app.synth();
  return { dir, stacks };
}

describe('replayed lifecycle', () => {
  let api: LocalApi;
  let replay: CloudFormationReplay;
  const initial = synth(INITIAL);
  const updated = synth(UPDATED);

  beforeAll(async () => {
    api = await new LocalApi().start();
    replay = new CloudFormationReplay({ api });
  });
  afterAll(async () => {
    await replay.close();
    await api.stop();
    for (const d of [initial.dir, updated.dir]) fs.rmSync(d, { recursive: true, force: true });
  });

  const detector = (account: string) => {
    const all = api.guardduty.detectors(account, REGION);
    return all.length === 1 ? all[0] : undefined;
  };
  const status = (account: string, feature: string) => detector(account)?.features.get(feature)?.status;

  const members = () => api.guardduty.multiAccount.members(SECURITY_ACCOUNT, REGION).map((m) => `${m.accountId} ${m.status}`).sort();
  const graph = () => api.detective.graph(SECURITY_ACCOUNT, REGION);
  const graphMembers = () => [...graph()!.members.values()].map((m) => `${m.accountId} ${m.status} ${m.invitationType}`).sort();
  const packages = () => [...graph()!.packages].filter(([, p]) => p.state === 'STARTED').map(([name]) => name).sort();

  test('create, update, delete across the organization\'s accounts', async () => {
    createOrganization(api);

    for (const s of initial.stacks) await replay.deploy(initial.dir, s);
    // Delegation made the security account's detector; enrolment the workload account's.
    expect(api.guardduty.multiAccount.delegatedAdministrator(REGION)).toEqual({ accountId: SECURITY_ACCOUNT, status: 'ENABLED' });
    const created = detector(SECURITY_ACCOUNT)!;
    const preexisting = detector(WORKLOAD_ACCOUNT)!.id;
    expect(members()).toEqual([`${WORKLOAD_ACCOUNT} Enabled`, `${VENDED_ACCOUNT} Enabled`]);
    expect(api.guardduty.multiAccount.administrator(VENDED_ACCOUNT, REGION))
      .toMatchObject({ accountId: SECURITY_ACCOUNT, invitationId: expect.any(String) });
    expect(api.guardduty.multiAccount.organizationConfiguration(SECURITY_ACCOUNT, REGION).autoEnableOrganizationMembers).toBe('NEW');
    expect(created.findingPublishingFrequency).toBe('SIX_HOURS');
    expect(status(SECURITY_ACCOUNT, 'LAMBDA_NETWORK_LOGS')).toBe('DISABLED');
    expect(status(SECURITY_ACCOUNT, 'RUNTIME_MONITORING')).toBe('ENABLED');
    expect(created.tags).toEqual({ 'cost-center': 'security-1001', 'landing-zone': 'example', 'owner': 'platform-security' });
    expect(detector(WORKLOAD_ACCOUNT)!.id).toBe(preexisting);
    // The member set's feature override: AI Protection in the workload account only.
    expect(status(WORKLOAD_ACCOUNT, 'AI_PROTECTION')).toBe('ENABLED');
    expect(replay.attributes('WorkloadAccountThreatDetection', 'Detector8252EF51')).toMatchObject({ DetectorId: preexisting, Adopted: 'true' });
    expect(replay.attributes('SecurityAccountThreatDetection', 'Detector8252EF51')).toMatchObject({ DetectorId: created.id, Adopted: 'true' });
    expect(replay.attributes('ManagementAccountThreatDetection', 'Detector8252EF51')).toMatchObject({ Adopted: 'false' });
    // Detective: delegation made the organization graph; the security stack adopted it, started
    // EKS audit logs, enrolled the workload OU (after GuardDuty) and invited the vended account,
    // which accepted.
    expect(api.detective.organizationAdministrator(REGION)).toBe(SECURITY_ACCOUNT);
    expect(replay.attributes('SecurityAccountThreatDetection', 'BehaviorGraph')).toEqual({ GraphArn: graph()!.arn, Adopted: 'true', DatasourcePackagesLeftIngesting: '' });
    expect(graphMembers()).toEqual([`${WORKLOAD_ACCOUNT} ENABLED ORGANIZATION`, `${VENDED_ACCOUNT} ENABLED INVITATION`]);
    expect(api.detective.memberships(VENDED_ACCOUNT, REGION)).toEqual([{ graphArn: graph()!.arn, status: 'ENABLED', type: 'INVITATION' }]);
    expect(packages()).toEqual(['DETECTIVE_CORE', 'EKS_AUDIT']);
    expect(graph()!.autoEnable).toBe(true);
    expect(graph()!.tags).toEqual({ 'cost-center': 'security-1001', 'landing-zone': 'example', 'owner': 'platform-security' });
    // The administrator's filters (in rank order), lists and export.
    expect(created.filters.map((f) => [f.name, f.rank, f.criteria.Criterion.severity?.LessThan])).toEqual([
      ['archive-low-severity', 1, 3], ['archive-scanner-portscans', 2, undefined],
    ]);
    expect([...created.ipSets.values()].map((x) => [x.name, x.status])).toEqual([['Trusted networks', 'ACTIVE']]);
    const threatList = [...created.threatIntelSets.values()];
    expect(threatList.map((x) => [x.name, x.status, x.reads])).toEqual([['Known bad addresses', 'ACTIVE', 1]]);
    expect([...created.destinations.values()].map((d) => [d.status, d.destinationArn])).toEqual([
      ['PUBLISHING', expect.stringMatching(/^arn:aws:s3:::securityaccountthreatdetection-findingsbucket\w+\/guardduty\/$/)],
    ]);
    const firstLocation = threatList[0].location;
    // The trusted entity list (a domain among its entries): GuardDuty read it with the handler's
    // access (s3:GetObject on its one object, evaluated under IAM) and activated it.
    const partners = () => [...created.trustedEntitySets.values()];
    expect(partners().map((x) => [x.name, x.status, x.reads, x.errorDetails])).toEqual([['trusted-partners', 'ACTIVE', 1, undefined]]);
    const partnersLocation = partners()[0].location;
    // EBS malware scans: snapshots kept when malware is found, tagged instances skipped.
    expect(created.malwareScanSettings).toEqual({
      ebsSnapshotPreservation: 'RETENTION_WITH_FINDING',
      scanResourceCriteria: { Include: {}, Exclude: { EC2_INSTANCE_TAG: { MapEquals: [{ Key: 'malware-scan', Value: 'skip' }] } } },
    });
    const entityListReads = () => api.calls.filter((c) => c.operation.endsWith('TrustedEntitySet') && /^(Create|Update)/.test(c.operation))
      .flatMap((c) => c.authorization).filter((a) => a.action === 's3:GetObject');
    expect(entityListReads().map((a) => [a.decision, a.resource])).toEqual([
      ['Allowed', `arn:aws:s3:::cdk-hnb659fds-assets-${SECURITY_ACCOUNT}-${REGION}/${partnersLocation.split('/').pop()}`],
    ]);
    // Malware Protection for S3 on the partner uploads: ACTIVE (GuardDuty checked the plan's role, the bucket key's policy included).
    const plans = () => api.guardduty.malwareProtection.of(SECURITY_ACCOUNT, REGION);
    expect(plans().map((p) => [p.objectPrefixes, p.tagging, p.status, p.statusReasons])).toEqual([[['incoming/'], 'ENABLED', 'ACTIVE', []]]);
    const planId = plans()[0].id;

    // Meanwhile, out of band: Detective stopped monitoring the workload account (it could not verify
    // its data volume), and someone with GuardDuty access redirected the findings export.
    Object.assign(graph()!.members.get(WORKLOAD_ACCOUNT)!, { status: 'ACCEPTED_BUT_DISABLED', disabledReason: 'VOLUME_UNKNOWN' });
    const [exportId, exported] = [...created.destinations.entries()][0];
    const exportBucket = exported.destinationArn;
    const gd = new GuardDutyClient({ region: REGION, endpoint: api.url, credentials: api.credentialsFor(SECURITY_ACCOUNT), maxAttempts: 1 });
    await gd.send(new UpdatePublishingDestinationCommand({
      DetectorId: created.id, DestinationId: exportId, DestinationProperties: { DestinationArn: 'arn:aws:s3:::elsewhere', KmsKeyArn: exported.kmsKeyArn },
    }));
    gd.destroy();

    for (const s of updated.stacks) await replay.deploy(updated.dir, s);
    // The update resumed the member (StartMonitoringMember) and put the export back (UpdatePublishingDestination), each allowed.
    const repairs = api.calls.filter((c) => ['StartMonitoringMember', 'UpdatePublishingDestination'].includes(c.operation) && c.principal.includes(':assumed-role/'))
      .map((c) => [c.operation, c.authorization[0].decision]);
    expect(repairs).toEqual([['UpdatePublishingDestination', 'Allowed'], ['StartMonitoringMember', 'Allowed']]);
    expect(created.destinations.get(exportId)!.destinationArn).toBe(exportBucket);
    // The sandbox OU joined the member set; the organization now auto-enables every account, so
    // GuardDuty also enrols the management account (it has a detector, which ALL requires of it).
    expect(members()).toEqual([`${MANAGEMENT_ACCOUNT} Enabled`, `${WORKLOAD_ACCOUNT} Enabled`, `${VENDED_ACCOUNT} Enabled`,
      ...SANDBOX_ACCOUNTS.map((a) => `${a} Enabled`)].sort());
    expect(api.guardduty.multiAccount.organizationConfiguration(SECURITY_ACCOUNT, REGION).autoEnableOrganizationMembers).toBe('ALL');
    expect(api.guardduty.detectors(SANDBOX_ACCOUNTS[0], REGION)[0].features.get('LAMBDA_NETWORK_LOGS')?.status).toBe('ENABLED');
    // The sandbox accounts got the set's list, not the workload account's override: AI Protection was pushed to the workload account only.
    const aiPushedTo = api.callsOf('UpdateMemberDetectors').filter((c) => JSON.stringify(c.input.Features).includes('AI_PROTECTION'))
      .flatMap((c) => c.input.AccountIds);
    expect([...new Set(aiPushedTo)]).toEqual([WORKLOAD_ACCOUNT]);
    expect(status(WORKLOAD_ACCOUNT, 'AI_PROTECTION')).toBe('ENABLED');
    for (const account of [MANAGEMENT_ACCOUNT, SECURITY_ACCOUNT, WORKLOAD_ACCOUNT]) {
      expect(detector(account)!.findingPublishingFrequency).toBe('FIFTEEN_MINUTES');
      expect(status(account, 'LAMBDA_NETWORK_LOGS')).toBe('ENABLED');
    }
    // The invited member's detector sets nothing its administrator governs: the update left it as GuardDuty made it.
    expect(detector(VENDED_ACCOUNT)!.findingPublishingFrequency).toBe('SIX_HOURS');
    expect(detector(SECURITY_ACCOUNT)!.id).toBe(created.id);
    expect(created.filters[0].criteria.Criterion.severity.LessThan).toBe(4);
    // New entries: a new asset at a new location, and GuardDuty read the list again.
    expect(threatList[0].location).not.toBe(firstLocation);
    expect(threatList[0].reads).toBe(2);
    // A new partner domain: a new list object, read again (with its own s3:GetObject) and re-activated in place.
    expect(partners().map((x) => [x.status, x.reads])).toEqual([['ACTIVE', 2]]);
    expect(partners()[0].location).not.toBe(partnersLocation);
    expect(entityListReads().map((a) => a.decision)).toEqual(['Allowed', 'Allowed']);
    expect(created.malwareScanSettings.scanResourceCriteria).toEqual({
      Include: {}, Exclude: { EC2_INSTANCE_TAG: { MapEquals: [{ Key: 'malware-scan', Value: 'skip' }, { Key: 'workload-type', Value: 'forensics' }] } },
    });
    expect(graphMembers()).toEqual([`${WORKLOAD_ACCOUNT} ENABLED ORGANIZATION`, `${VENDED_ACCOUNT} ENABLED INVITATION`,
      ...SANDBOX_ACCOUNTS.map((a) => `${a} ENABLED ORGANIZATION`)].sort());
    expect(packages()).toEqual(['ASFF_SECURITYHUB_FINDING', 'DETECTIVE_CORE', 'EKS_AUDIT']);
    // The plan changed in place (a new prefix) and was waited for again.
    expect(plans().map((p) => [p.id, p.objectPrefixes, p.status])).toEqual([[planId, ['incoming/', 'partner-drop/'], 'ACTIVE']]);
    // The cost center changed on every resource (TagResource on each GuardDuty resource type and the graph).
    const costCenters = [created.tags, graph()!.tags, ...created.filters.map((f) => f.tags), ...[...created.ipSets.values()].map((x) => x.tags),
      ...threatList.map((x) => x.tags), ...partners().map((x) => x.tags), ...[...created.destinations.values()].map((d) => d.tags)]
      .map((t) => t['cost-center']);
    expect(costCenters).toEqual(Array(8).fill('security-2002'));
    expect(replay.events.filter((e) => e.requestType === 'Update').map((e) => `${e.resourceType} ${e.status}`)).toEqual([
      'Custom::GuardDutyDetector SUCCESS', 'Custom::DetectiveBehaviorGraph SUCCESS', 'Custom::GuardDutyDetector SUCCESS',
      'Custom::GuardDutyFilter SUCCESS', 'Custom::GuardDutyFilter SUCCESS', 'Custom::GuardDutyPublishingDestination SUCCESS',
      'Custom::GuardDutyThreatIntelSet SUCCESS', 'Custom::GuardDutyIPSet SUCCESS', 'Custom::GuardDutyTrustedEntitySet SUCCESS',
      'Custom::GuardDutyMalwareScanSettings SUCCESS', 'Custom::GuardDutyOrganizationConfiguration SUCCESS',
      'Custom::GuardDutyMalwareProtectionPlanStatus SUCCESS', 'Custom::GuardDutyMembers SUCCESS', 'Custom::DetectiveMembers SUCCESS', 'Custom::GuardDutyDetector SUCCESS',
      'Custom::GuardDutyDetector SUCCESS',
    ]);

    for (const s of [...updated.stacks].reverse()) await replay.destroy(updated.dir, s);
    // Adopted: kept (retained: those stacks never delete a detector); created ones are gone.
    expect(detector(SECURITY_ACCOUNT)!.id).toBe(created.id);
    expect(detector(WORKLOAD_ACCOUNT)!.id).toBe(preexisting);
    expect(detector(MANAGEMENT_ACCOUNT)).toBeUndefined();
    expect(detector(VENDED_ACCOUNT)).toBeUndefined();
    // What the stacks enrolled is gone; the management account, which GuardDuty enrolled itself
    // under ALL, stays (turning auto-enable off "doesn't disable the corresponding option for
    // your existing accounts").
    expect(members()).toEqual([`${MANAGEMENT_ACCOUNT} Enabled`]);
    expect(api.guardduty.multiAccount.delegatedAdministrator(REGION)).toBeUndefined();
    // The vended account left the graph; disabling the Detective administrator deleted the
    // organization graph (the adopted BehaviorGraph itself is retained and was never deleted).
    expect(api.detective.memberships(VENDED_ACCOUNT, REGION)).toEqual([]);
    expect(api.detective.organizationAdministrator(REGION)).toBeUndefined();
    expect(graph()).toBeUndefined();
    expect(replay.events.filter((e) => e.resourceType === 'Custom::DetectiveBehaviorGraph').map((e) => e.requestType)).toEqual(['Create', 'Update']);
    expect(replay.events.map((e) => `${e.requestType} ${e.status}`)).toEqual([
      ...Array(22).fill('Create SUCCESS'), ...Array(16).fill('Update SUCCESS'), ...Array(18).fill('Delete SUCCESS'),
    ]);
    expect(created.filters).toEqual([]);
    expect(created.ipSets.size + created.threatIntelSets.size + created.trustedEntitySets.size + created.destinations.size).toBe(0);
    expect(plans()).toEqual([]);
    // The adopted detector stays; its malware scan settings went back to the service defaults.
    expect(created.malwareScanSettings).toEqual({ ebsSnapshotPreservation: 'NO_RETENTION', scanResourceCriteria: { Include: {}, Exclude: {} } });

    // Every call ran under IAM evaluation of the handler's own policies, and none was denied; the
    // only other callers are CloudFormation itself, running the plan's L1 as the deployer, and the
    // out-of-band redirect of the export above.
    const byRoles = api.calls.filter((c) => c.principal.includes(':assumed-role/'));
    const byCloudFormation = api.calls.filter((c) => !c.principal.includes(':assumed-role/'));
    expect(byRoles.length + byCloudFormation.length).toBe(api.calls.length);
    expect([...new Set(byCloudFormation.map((c) => c.operation))].sort()).toEqual([
      'CreateMalwareProtectionPlan', 'DeleteMalwareProtectionPlan', 'GetMalwareProtectionPlan', 'UpdateMalwareProtectionPlan',
      'UpdatePublishingDestination',
    ]);
    expect(byRoles.length).toBeGreaterThan(100);
    expect(byRoles.flatMap((c) => c.authorization).filter((a) => a.decision !== 'Allowed')).toEqual([]);
    expect(replay.warnings).toEqual([]);
    // Least privilege: every statement of every handler policy was the only one allowing some
    // call, so removing any of them fails this replay (the teardown's deregistrations from AWS
    // Organizations included: the last Region's delegation removes them). Three are needed only on
    // paths the example does not take: replay/test/permissions.test.ts replays the first; DeleteDetector in the
    // stacks that adopt their detector is the default removal policy's (RETAIN_ON_UPDATE_OR_DELETE):
    // a failed first deployment deletes a detector its create made (replay/test/replay.test.ts),
    // which the adopting stacks cannot know at synth they will not do. And the grant to continue in a
    // new invocation, in every stack with a member set or a wait on a service, for work longer than
    // one (replay/test/continuation.test.ts, and test/sweeps/cut-waits.sweep.ts for the example's).
    // And GuardDuty's OU reads in the caller's name, which the local API cannot evaluate (no request names the OU;
    // excused in scripts/iam-ledger.ts).
    const coveredElsewhere = [
      'ManagementAccountThreatDetection|CdkThreatDetectionProviderPermissions31E003AC/OrganizationsOuReadsForGuardDuty',
      'SecurityAccountThreatDetection|CdkThreatDetectionProviderPermissions31E003AC/GuardDutyFilterList',
      'SecurityAccountThreatDetection|CdkThreatDetectionProviderPermissions31E003AC/GuardDutyDetectorDelete',
      'WorkloadAccountThreatDetection|CdkThreatDetectionProviderPermissions31E003AC/GuardDutyDetectorDelete',
    ];
    const continuation = /\|CdkThreatDetectionProviderResourceReadsPolicy\w+\/ContinueInNewInvocation$/;
    const unneeded = unneededStatements(api, [initial.dir, updated.dir]).map((r) => `${r.stack}|${r.statement}`);
    expect(unneeded.filter((s) => !continuation.test(s)).sort()).toEqual(coveredElsewhere.sort());
    expect(unneeded.filter((s) => continuation.test(s)).map((s) => s.split('|')[0]).sort())
      .toEqual(['ManagementAccountThreatDetection', 'SecurityAccountThreatDetection', 'SecurityAccountThreatDetection',
        'VendedAccountMembership', 'VendedAccountThreatDetection']);
  }, replayTimeout(56));

  test('a failed update rolls back to the old properties', async () => {
    api.reset();
    createOrganization(api);
    await replay.deploy(initial.dir, initial.stacks[0]);
    const before = detector(MANAGEMENT_ACCOUNT)!;
    // The update's UpdateDetector is denied once; CloudFormation's rollback Update then succeeds.
    api.injectFault({ kind: 'access-denied', operation: 'UpdateDetector', account: MANAGEMENT_ACCOUNT, times: 1 });

    await expect(replay.deploy(updated.dir, updated.stacks[0])).rejects.toThrow(
      /Detector\w+: Detector Detector\w+: UpdateDetector failed: AccessDeniedException/);

    expect(replay.events.filter((e) => e.resourceType === 'Custom::GuardDutyDetector').slice(-2).map((e) => `${e.requestType} ${e.status}`))
      .toEqual(['Update FAILED', 'Update SUCCESS']);
    expect(detector(MANAGEMENT_ACCOUNT)!.findingPublishingFrequency).toBe(before.findingPublishingFrequency);
    expect(status(MANAGEMENT_ACCOUNT, 'LAMBDA_NETWORK_LOGS')).toBe('DISABLED');
    await replay.destroy(initial.dir, initial.stacks[0]);
  }, replayTimeout(8));
});
