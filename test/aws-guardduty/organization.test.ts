import { App, CfnParameter, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { aws_guardduty as guardduty, MemberAccountSource } from '../../src';

const { OrganizationAutoEnable } = guardduty;

function setup(account = '222222222222') {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account, region: 'eu-west-1' } });
  const detector = new guardduty.Detector(stack, 'Detector');
  return { app, stack, detector };
}

const resources = (stack: Stack, type: string) => Object.entries(Template.fromStack(stack).findResources(type)) as Array<[string, any]>;
const statements = (stack: Stack) => resources(stack, 'AWS::IAM::ManagedPolicy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement);

describe('MemberAccount', () => {
  test('organization mode: account and features, no email or invitation; the handler may manage members and read that account', () => {
    const { stack, detector } = setup();
    new guardduty.MemberAccount(stack, 'Member', { detector, accountId: '333333333333', features: { lambdaNetworkLogs: true } });
    const [[, member]] = resources(stack, 'Custom::GuardDutyMember');
    expect(member.Properties).toEqual({
      ServiceToken: expect.anything(),
      ServiceTimeout: '3600',
      DetectorId: { 'Fn::GetAtt': [expect.stringMatching(/^Detector/), 'DetectorId'] },
      AccountId: '333333333333',
      Features: [{ Name: 'LAMBDA_NETWORK_LOGS', Status: 'ENABLED' }],
    });
    expect(member.DeletionPolicy).toBe('Delete');
    const sids = statements(stack).map((s: any) => s.Sid);
    expect(sids).toEqual(expect.arrayContaining(['GuardDutyMembers', 'GuardDutyMemberFeatures', 'OrganizationsDescribeAccount']));
    // No invitation, no email list to look up: no InviteMembers, no ListAccounts.
    expect(sids).not.toContain('GuardDutyMemberInvitations');
    expect(sids).not.toContain('OrganizationsListAccounts');
    expect(statements(stack).find((s: any) => s.Sid === 'OrganizationsDescribeAccount').Resource)
      .toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':organizations::*:account/o-*/*']] });
  });

  test('invitation mode renders the invitation; booleans as CloudFormation strings', () => {
    const { stack, detector } = setup();
    new guardduty.MemberAccount(stack, 'Member', {
      detector,
      accountId: '444444444444',
      email: 'root@example.com',
      invitation: { message: 'Hello', disableEmailNotification: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const [[, member]] = resources(stack, 'Custom::GuardDutyMember');
    expect(member.Properties).toMatchObject({ Email: 'root@example.com', Invitation: { Message: 'Hello', DisableEmailNotification: 'true' } });
    expect(member.DeletionPolicy).toBe('Retain');
  });

  test.each([
    [{ accountId: '12345' }, /`accountId` must be a 12-digit AWS account id, got: "12345"/],
    [{ accountId: '222222222222' }, /`accountId` is this stack's own account \(222222222222\): an administrator cannot be its own member/],
    [{ accountId: '444444444444', invitation: {} }, /`email` is required with `invitation`/],
    [{ accountId: '444444444444', email: 'not-an-email' }, /`email` must be an email address, got: "not-an-email"/],
    [{ accountId: '444444444444', email: 'a@b.co', invitation: {}, features: { s3DataEvents: true } },
      /`features` cannot be pushed to invited members/],
  ])('synth error: %j', (props, message) => {
    const { stack, detector } = setup();
    expect(() => new guardduty.MemberAccount(stack, 'Member', { detector, ...props })).toThrow(message);
  });
});

describe('MemberAccounts', () => {
  test('fromOrganization keeps only OU ids in the template, whatever the organization\'s size', () => {
    const { stack, detector } = setup();
    const set = new guardduty.MemberAccounts(stack, 'Members', {
      detector,
      accounts: MemberAccountSource.fromOrganization({ parentIds: ['ou-ab12-workload', 'r-ab12'], excludeAccountIds: ['999999999999'] }),
    });
    const [[logicalId, members]] = resources(stack, 'Custom::GuardDutyMembers');
    // What the handler answers: the count, and the accounts GuardDuty lists RegionDisabled here.
    expect(stack.resolve([set.memberCount, set.excludedAccountIds]))
      .toEqual([{ 'Fn::GetAtt': [logicalId, 'MemberCount'] }, { 'Fn::GetAtt': [logicalId, 'ExcludedAccounts'] }]);
    expect(members.Properties.Organization).toEqual({ ParentIds: ['ou-ab12-workload', 'r-ab12'], ExcludeAccountIds: ['999999999999'] });
    expect(members.Properties.Accounts).toBeUndefined();
  });

  test('fromAccounts lists accounts; 10,000 ids without emails fit the size limit', () => {
    const { stack, detector } = setup();
    const accounts = Array.from({ length: 10_000 }, (_, i) => ({ accountId: String(600_000_000_000 + i) }));
    new guardduty.MemberAccounts(stack, 'Members', { detector, accounts: MemberAccountSource.fromAccounts(accounts) });
    const [[, members]] = resources(stack, 'Custom::GuardDutyMembers');
    expect(members.Properties.Accounts).toHaveLength(10_000);
  });

  test.each([
    [MemberAccountSource.fromAccounts([]), undefined, /`accounts` must list at least one account, got none/],
    [MemberAccountSource.fromAccounts([{ accountId: '333333333333' }, { accountId: '333333333333' }]), undefined,
      /`accounts` lists account 333333333333 twice \(at index 1\)/],
    [MemberAccountSource.fromAccounts([{ accountId: '333333333333' }]), {}, /`accounts\[0\].email` is required with `invitation`/],
    [MemberAccountSource.fromOrganization(), {}, /`invitation` cannot be used with MemberAccountSource.fromOrganization\(\)/],
    [MemberAccountSource.fromOrganization({ parentIds: ['workloads'] }), undefined, /`parentIds\[0\]` must be a root id \(r-...\) or an OU id/],
    [MemberAccountSource.fromAccounts(Array.from({ length: 8_000 }, (_, i) => ({ accountId: String(600_000_000_000 + i), email: `member-${i}@example.com` }))),
      undefined, /`accounts` is \d+ bytes of JSON for 8000 accounts, over the limit of 400000 .* use MemberAccountSource.fromOrganization/],
  ])('synth error %#', (accounts, invitation, message) => {
    const { stack, detector } = setup();
    expect(() => new guardduty.MemberAccounts(stack, 'Members', { detector, accounts, invitation })).toThrow(message);
  });
});

describe('MemberAccounts feature overrides', () => {
  const OU = MemberAccountSource.fromOrganization({ parentIds: ['ou-ab12-workload'] });

  test('each override carries its accounts\' effective list: the set\'s features with its own merged in', () => {
    const { stack, detector } = setup();
    new guardduty.MemberAccounts(stack, 'Members', {
      detector,
      accounts: OU,
      features: { s3DataEvents: true, runtimeMonitoring: { enabled: true, eksAddonManagement: true } },
      featureOverrides: [
        { accountIds: ['333333333333', '444444444444'], features: { s3DataEvents: false, runtimeMonitoring: { enabled: true, ec2AgentManagement: true } } },
        { accountIds: ['555555555555'], features: { rdsLoginEvents: true } },
      ],
    });
    const [[, members]] = resources(stack, 'Custom::GuardDutyMembers');
    expect(members.Properties.FeatureOverrides).toEqual([
      {
        AccountIds: ['333333333333', '444444444444'],
        Features: [
          { Name: 'S3_DATA_EVENTS', Status: 'DISABLED' },
          {
            Name: 'RUNTIME_MONITORING',
            Status: 'ENABLED',
            AdditionalConfiguration: [{ Name: 'EKS_ADDON_MANAGEMENT', Status: 'ENABLED' }, { Name: 'EC2_AGENT_MANAGEMENT', Status: 'ENABLED' }],
          },
        ],
      },
      {
        AccountIds: ['555555555555'],
        Features: expect.arrayContaining([{ Name: 'S3_DATA_EVENTS', Status: 'ENABLED' }, { Name: 'RDS_LOGIN_EVENTS', Status: 'ENABLED' }]),
      },
    ]);
    // Overrides alone (no set features) need UpdateMemberDetectors too.
    const other = setup();
    new guardduty.MemberAccounts(other.stack, 'Members', {
      detector: other.detector, accounts: OU, featureOverrides: [{ accountIds: ['333333333333'], features: { s3DataEvents: true } }],
    });
    expect(statements(other.stack)).toContainEqual(expect.objectContaining({ Action: 'guardduty:UpdateMemberDetectors', Resource: '*' }));
  });

  test.each([
    [OU, [{ accountIds: [], features: { s3DataEvents: true } }], /`featureOverrides\[0\].accountIds` must name at least one account, got none/],
    [OU, [{ accountIds: ['3333'], features: { s3DataEvents: true } }], /`featureOverrides\[0\].accountIds\[0\]` must be a 12-digit AWS account id, got: "3333"/],
    [OU, [{ accountIds: ['333333333333'], features: { s3DataEvents: true } }, { accountIds: ['333333333333'], features: { rdsLoginEvents: true } }],
      /`featureOverrides\[1\]` names account 333333333333, which `featureOverrides\[0\]` names already/],
    [OU, [{ accountIds: ['333333333333'], features: {} }], /`featureOverrides\[0\].features` must name at least one feature, got none/],
    [MemberAccountSource.fromAccounts([{ accountId: '444444444444' }]), [{ accountIds: ['333333333333'], features: { s3DataEvents: true } }],
      /`featureOverrides\[0\]` names account 333333333333, which is not in `accounts`/],
    [OU, [{ accountIds: ['222222222222'], features: { s3DataEvents: true } }], /is this stack's own account/],
  ])('synth error %#', (accounts, featureOverrides, message) => {
    const { stack, detector } = setup();
    expect(() => new guardduty.MemberAccounts(stack, 'Members', { detector, accounts, featureOverrides })).toThrow(message);
  });

  test('an override that would name both Runtime Monitoring plans is refused, as GuardDuty refuses it', () => {
    const { stack, detector } = setup();
    expect(() => new guardduty.MemberAccounts(stack, 'Members', {
      detector,
      accounts: OU,
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      features: { eksRuntimeMonitoring: { enabled: true } },
      featureOverrides: [{ accountIds: ['333333333333'], features: { runtimeMonitoring: { enabled: true } } }],
    })).toThrow(/runtimeMonitoring` and `features.eksRuntimeMonitoring` cannot be used together/);
  });

  test('invited members take no overrides (features reach associated members only)', () => {
    const { stack, detector } = setup();
    expect(() => new guardduty.MemberAccounts(stack, 'Members', {
      detector,
      accounts: MemberAccountSource.fromAccounts([{ accountId: '333333333333', email: 'a@example.com' }]),
      invitation: {},
      featureOverrides: [{ accountIds: ['333333333333'], features: { s3DataEvents: true } }],
    })).toThrow(/`features` cannot be pushed to invited members/);
  });
});

describe('OrganizationConfiguration', () => {
  test('AI Protection auto-enables like every other plan (AI_PROTECTION, the model\'s OrgFeature)', () => {
    const { stack, detector } = setup();
    new guardduty.OrganizationConfiguration(stack, 'Org', { detector, features: { aiProtection: OrganizationAutoEnable.NEW } });
    const [[, config]] = resources(stack, 'Custom::GuardDutyOrganizationConfiguration');
    expect(config.Properties.Features).toEqual([{ Name: 'AI_PROTECTION', AutoEnable: 'NEW' }]);
  });

  test('renders members and features; retained by default but for a failed first deployment', () => {
    const { stack, detector } = setup();
    new guardduty.OrganizationConfiguration(stack, 'Org', {
      detector,
      autoEnableOrganizationMembers: OrganizationAutoEnable.ALL,
      features: {
        s3DataEvents: OrganizationAutoEnable.ALL,
        runtimeMonitoring: { autoEnable: OrganizationAutoEnable.NEW, ec2AgentManagement: OrganizationAutoEnable.NONE },
      },
    });
    const [[, config]] = resources(stack, 'Custom::GuardDutyOrganizationConfiguration');
    expect(config.Properties).toMatchObject({
      AutoEnableOrganizationMembers: 'ALL',
      Features: [
        { Name: 'S3_DATA_EVENTS', AutoEnable: 'ALL' },
        { Name: 'RUNTIME_MONITORING', AutoEnable: 'NEW', AdditionalConfiguration: [{ Name: 'EC2_AGENT_MANAGEMENT', AutoEnable: 'NONE' }] },
      ],
    });
    expect(config.DeletionPolicy).toBe('RetainExceptOnCreate');
  });

  test('writers of one detector\'s settings are chained in construct order, so their writes never interleave', () => {
    const { stack, detector } = setup();
    new guardduty.OrganizationConfiguration(stack, 'Members', { detector, autoEnableOrganizationMembers: OrganizationAutoEnable.NEW });
    new guardduty.OrganizationConfiguration(stack, 'Plans', { detector, features: { eksAuditLogs: OrganizationAutoEnable.NEW } });
    new guardduty.MemberAccounts(stack, 'Workloads', { detector, accounts: MemberAccountSource.fromOrganization() });
    const logical = (prefix: string) => Object.entries(Template.fromStack(stack).toJSON().Resources)
      .find(([id]) => id.startsWith(prefix)) as [string, any];
    const [membersId] = logical('Members')!;
    const [, plans] = logical('Plans')!;
    const [plansId] = logical('Plans')!;
    const [, workloads] = logical('Workloads')!;
    expect(plans.DependsOn).toContain(membersId);
    expect(workloads.DependsOn).toContain(plansId);
  });

  test.each([
    [[{ autoEnableOrganizationMembers: OrganizationAutoEnable.ALL }, { autoEnableOrganizationMembers: OrganizationAutoEnable.NEW }],
      /`autoEnableOrganizationMembers` is also set by Stack\/First for the same detector/],
    [[{ features: { s3DataEvents: OrganizationAutoEnable.ALL } }, { features: { s3DataEvents: OrganizationAutoEnable.NEW } }],
      /features S3_DATA_EVENTS are also managed by Stack\/First/],
  ])('synth error for overlapping configurations %#', ([first, second], message) => {
    const { app, stack, detector } = setup();
    new guardduty.OrganizationConfiguration(stack, 'First', { detector, ...first });
    new guardduty.OrganizationConfiguration(stack, 'Second', { detector, ...second });
    expect(() => app.synth()).toThrow(message);
  });

  test('synth error when it manages nothing', () => {
    const { stack, detector } = setup();
    expect(() => new guardduty.OrganizationConfiguration(stack, 'Org', { detector })).toThrow(
      /must set `autoEnableOrganizationMembers` or at least one of `features`, got neither/);
  });
});

describe('OrganizationAdminAccount and AdministratorAccount', () => {
  test('delegated administrator: retained by default; Organizations delegation limited to GuardDuty\'s principal', () => {
    const { stack } = setup('111111111111');
    new guardduty.OrganizationAdminAccount(stack, 'Admin', { administratorAccountId: '222222222222' });
    const [[, admin]] = resources(stack, 'Custom::GuardDutyOrganizationAdminAccount');
    expect(admin.Properties.AdminAccountId).toBe('222222222222');
    expect(admin.DeletionPolicy).toBe('Retain');
    const bySid = Object.fromEntries(statements(stack).map((s: any) => [s.Sid, s]));
    expect(bySid.OrganizationsTrustedAccessForGuardDuty.Condition).toEqual({ StringEquals: { 'organizations:ServicePrincipal': 'guardduty.amazonaws.com' } });
    // Registration is scoped to this (management) account's organization and the named administrator.
    expect(bySid.OrganizationsRegisterDelegatedAdministratorForGuardDuty).toMatchObject({
      Action: 'organizations:RegisterDelegatedAdministrator',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':organizations::', { Ref: 'AWS::AccountId' }, ':account/o-*/222222222222']] },
      Condition: { StringEquals: { 'organizations:ServicePrincipal': 'guardduty.amazonaws.com' } },
    });
    // Another account is the administrator: delegation creates no service-linked role in this one;
    // naming this account does, in the same statement a Detector would need.
    const slr = (administratorAccountId: string) => {
      const only = new Stack(new App(), 'Management', { env: { account: '111111111111', region: 'eu-west-1' } });
      new guardduty.OrganizationAdminAccount(only, 'Admin', { administratorAccountId });
      new guardduty.Detector(only, 'Detector');
      return statements(only).filter((s: any) => s.Action === 'iam:CreateServiceLinkedRole').map((s: any) => s.Sid);
    };
    expect(slr('222222222222')).toEqual(['GuardDutyServiceLinkedRole']);
    expect(slr('111111111111')).toEqual(['GuardDutyServiceLinkedRole']);
    const alone = new Stack(new App(), 'Alone', { env: { account: '111111111111', region: 'eu-west-1' } });
    new guardduty.OrganizationAdminAccount(alone, 'Admin', { administratorAccountId: '222222222222' });
    expect(statements(alone).filter((s: any) => s.Action === 'iam:CreateServiceLinkedRole')).toEqual([]);
    expect(() => new guardduty.OrganizationAdminAccount(stack, 'Bad', { administratorAccountId: 'security' })).toThrow(
      /`administratorAccountId` must be a 12-digit AWS account id, got: "security"/);
  });

  test('the Organizations deregistration is granted only where CloudFormation may send a Delete (RemovalPolicy.DESTROY)', () => {
    const deregistration = (removalPolicy?: RemovalPolicy) => {
      const only = new Stack(new App(), 'Management', { env: { account: '111111111111', region: 'eu-west-1' } });
      new guardduty.OrganizationAdminAccount(only, 'Admin', { administratorAccountId: '222222222222', removalPolicy });
      return statements(only).filter((s: any) => s.Action === 'organizations:DeregisterDelegatedAdministrator').map((s: any) => s.Sid);
    };
    expect(deregistration()).toEqual([]);
    expect(deregistration(RemovalPolicy.RETAIN)).toEqual([]);
    expect(deregistration(RemovalPolicy.DESTROY)).toEqual(['OrganizationsDeregisterDelegatedAdministratorForGuardDuty']);
  });

  test('member side: the member\'s own detector and the administrator id', () => {
    const { stack, detector } = setup('444444444444');
    new guardduty.AdministratorAccount(stack, 'Admin', { detector, administratorAccountId: '222222222222' });
    const [[, admin]] = resources(stack, 'Custom::GuardDutyAdministratorAccount');
    expect(admin.Properties).toMatchObject({ AdministratorAccountId: '222222222222', DetectorId: { 'Fn::GetAtt': [expect.any(String), 'DetectorId'] } });
    expect(statements(stack).find((s: any) => s.Sid === 'GuardDutyAdministratorAccount').Action).toEqual([
      'guardduty:ListInvitations', 'guardduty:GetAdministratorAccount', 'guardduty:AcceptAdministratorInvitation', 'guardduty:DisassociateFromAdministratorAccount',
    ]);
  });
});

describe('AdministratorAccount mistakes that only show at deploy are synth errors', () => {
  test('naming the stack\'s own account as administrator', () => {
    const { stack, detector } = setup('444444444444');
    expect(() => new guardduty.AdministratorAccount(stack, 'Admin', { detector, administratorAccountId: '444444444444' }))
      .toThrow(/`administratorAccountId` names this stack's own account \(444444444444\): an account cannot be its own GuardDuty administrator/);
  });
  test('the administrator\'s detector passed into the member\'s stack', () => {
    const { app, detector: administratorsDetector } = setup('222222222222');
    const member = new Stack(app, 'Member', { env: { account: '444444444444', region: 'eu-west-1' } });
    expect(() => new guardduty.AdministratorAccount(member, 'Admin', { detector: administratorsDetector, administratorAccountId: '222222222222' }))
      .toThrow(/`detector` belongs to account 222222222222, not to this stack's account 444444444444: give the member account's own detector/);
  });
});

test('OU ids from a CfnParameter list are passed through to the handler', () => {
  const { stack, detector } = setup();
  const ous = new CfnParameter(stack, 'WorkloadOus', { type: 'List<String>' });
  new guardduty.MemberAccounts(stack, 'Members', { detector, accounts: MemberAccountSource.fromOrganization({ parentIds: ous.valueAsList }) });
  const [[, members]] = resources(stack, 'Custom::GuardDutyMembers');
  expect(members.Properties.Organization).toEqual({ ParentIds: { Ref: 'WorkloadOus' } });
  // The handler may read accounts by parent (a token could name roots or OUs).
  expect(statements(stack).map((s: any) => s.Sid)).toContain('OrganizationsAccountsByParent');
});

describe('a member-side Detector that sets what the administrator governs: an acknowledgeable warning on AdministratorAccount', () => {
  const warnings = (props: guardduty.DetectorProps, imported = false) => {
    const app = new App();
    const stack = new Stack(app, 'Member', { env: { account: '444444444444', region: 'eu-west-1' } });
    const detector = imported ? guardduty.Detector.fromDetectorId(stack, 'Detector', 'abc123') : new guardduty.Detector(stack, 'Detector', props);
    new guardduty.AdministratorAccount(stack, 'Admin', { detector, administratorAccountId: '222222222222' });
    return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('memberDetectorSettings')).map((w) => String(w.entry.data));
  };
  test.each<[string, guardduty.DetectorProps, string]>([
    ['findingPublishingFrequency', { findingPublishingFrequency: guardduty.FindingPublishingFrequency.ONE_HOUR }, '`findingPublishingFrequency`'],
    ['features', { features: { s3DataEvents: true } }, '`features`'],
    ['both', { findingPublishingFrequency: guardduty.FindingPublishingFrequency.ONE_HOUR, features: { s3DataEvents: true } },
      '`findingPublishingFrequency` and `features`'],
  ])('%s', (_name, props, named) => {
    const found = warnings(props);
    expect(found).toEqual([expect.stringContaining(`the member's \`detector\` sets ${named}, which GuardDuty governs from the administrator`)]);
    expect(found[0]).toContain('[ack: cdk-threat-detection:memberDetectorSettings]');
  });
  test('none for a detector that sets neither, or one imported', () => {
    expect(warnings({ removalPolicy: RemovalPolicy.DESTROY })).toEqual([]);
    expect(warnings({}, true)).toEqual([]);
  });
});
