/**
 * `Custom::DetectiveBehaviorGraph` through the real SDK against the local API: create and adopt
 * (the physical id is the graph ARN), the GuardDuty prerequisite explained, tags, datasource
 * packages, organization auto-enable, and deletes that never touch a graph the stack did not create.
 */
import { dispatch } from '../../../lambda/dispatch';
import { failureReason } from '../../../lambda/shared/errors';
import { LocalApi } from '../../../replay/src';
import { BehaviorGraphResource, BehaviorGraphResourceProperties, GRAPH_CREATED_BY_TAG } from '../../../src/private/resources/detective/behavior-graph';
import { DetectiveOrganizationAdminAccountResource } from '../../../src/private/resources/detective/organization-admin-account';
import { ACCOUNT, actAs, event, ORGANIZATION, REGION, STACK_ID, useLocalApi } from '../events';

const TYPE = BehaviorGraphResource.type;
const { MANAGEMENT } = ORGANIZATION;
const MARK = `${STACK_ID}|Resource1A2B3C4D`;

let api: LocalApi;

useLocalApi((started) => {
  api = started;
}, () => {
  api.setSettleTime(100);
});

/** GuardDuty enabled in ACCOUNT for `hours`. */
function guardDutyFor(hours: number, account = ACCOUNT): void {
  api.guardduty.seedDetector(account, REGION);
  api.guardduty.backdateDetectors(account, REGION, hours);
}

const graph = () => api.detective.graph(ACCOUNT, REGION);
const create = (props: BehaviorGraphResourceProperties = {}) => dispatch(event('Create', TYPE, props));

describe('create', () => {
  test('creates a graph when GuardDuty is 48 hours old: the physical id is the ARN, the graph carries the creation mark', async () => {
    guardDutyFor(49);
    const result = await create({ Tags: { owner: 'security' }, DatasourcePackages: ['EKS_AUDIT'] });
    const arn = graph()!.arn;
    expect(result).toEqual({ physicalResourceId: arn, data: { GraphArn: arn, Adopted: 'false', DatasourcePackagesLeftIngesting: '' } });
    expect(arn).toMatch(/^arn:aws:detective:us-east-1:111111111111:graph:[0-9a-f]{32}$/);
    expect(graph()!.tags).toEqual({ owner: 'security', [GRAPH_CREATED_BY_TAG]: MARK });
    expect([...graph()!.packages.keys()].sort()).toEqual(['DETECTIVE_CORE', 'EKS_AUDIT']);
    expect(api.callsOf('CreateGraph')).toHaveLength(1);
  });

  test('without GuardDuty, the refusal says Detective needs 48 hours of GuardDuty and that there is no detector', async () => {
    const err = await create().catch((e) => e);
    expect(failureReason('BehaviorGraph G', err)).toMatch(/^BehaviorGraph G: Detective refused to create the behavior graph \(ConflictException: .*\)\. /);
    expect(err.message).toContain('Detective needs GuardDuty enabled in this account and Region for at least 48 hours first');
    expect(err.message).toContain('GuardDuty is not enabled here (no detector)');
    expect(err.message).toContain('Order of deployment');
    expect(graph()).toBeUndefined();
  });

  test('with GuardDuty enabled for 5 hours, the refusal says how old the detector is', async () => {
    guardDutyFor(5);
    const err = await create().catch((e) => e);
    expect(err.message).toMatch(/GuardDuty detector [0-9a-f]{32} was created \S+ \(5 hours ago\)/);
    expect(api.callsOf('CreateGraph')).toHaveLength(1);
  });

  test('adopts the graph delegation made: no CreateGraph, tags and packages applied, Adopted', async () => {
    const arn = api.detective.seedGraph(ACCOUNT, REGION);
    const result = await create({ Tags: { owner: 'security' }, DatasourcePackages: ['ASFF_SECURITYHUB_FINDING'] });
    // The physical id: the ARN, and what the adoption changed as it was before (for a rollback of this create).
    expect(result).toEqual({
      physicalResourceId: expect.stringMatching(new RegExp(`^${arn}#[A-Za-z0-9_-]+$`)),
      data: { GraphArn: arn, Adopted: 'true', DatasourcePackagesLeftIngesting: '' },
    });
    expect(api.callsOf('CreateGraph')).toHaveLength(0);
    expect(graph()!.tags).toEqual({ owner: 'security' });
    expect(graph()!.packages.get('ASFF_SECURITYHUB_FINDING')?.state).toBe('STARTED');
  });

  test('a create CloudFormation retries finds the graph its first attempt made, and owns it', async () => {
    guardDutyFor(72);
    await create();
    const again = await create();
    expect(again.data).toEqual({ GraphArn: graph()!.arn, Adopted: 'false', DatasourcePackagesLeftIngesting: '' });
    expect(api.callsOf('CreateGraph')).toHaveLength(1);
  });

  test('a graph deleted moments ago: CreateGraph conflicts while Detective deletes it, and is retried', async () => {
    guardDutyFor(72);
    api.setSettleTime(2_500);
    const first = await create();
    await dispatch(event('Delete', TYPE, {}, { physicalResourceId: first.physicalResourceId }));
    const second = await create();
    expect(second.physicalResourceId).not.toBe(first.physicalResourceId);
    const attempts = api.callsOf('CreateGraph');
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    expect(attempts.slice(1, -1).every((c) => c.error === 'ConflictException')).toBe(true);
  });

  test('a failed later step deletes the graph this create made (a failed create leaves nothing behind)', async () => {
    guardDutyFor(72);
    const err = await create({ AutoEnableOrganizationMembers: 'true' }).catch((e) => e);
    expect(err.message).toMatch(/^`autoEnableOrganizationMembers` could not be set \(UpdateOrganizationConfiguration: AccessDeniedException: .*\): only the organization's Detective administrator can set it/);
    expect(graph()).toBeUndefined();
    expect(api.callsOf('DeleteGraph')).toHaveLength(1);
  });

  test('a failed later step on an adopted graph leaves the graph', async () => {
    api.detective.seedGraph(ACCOUNT, REGION);
    await expect(create({ AutoEnableOrganizationMembers: 'true' })).rejects.toThrow(/only the organization's Detective administrator/);
    expect(graph()).toBeDefined();
    expect(api.callsOf('DeleteGraph')).toHaveLength(0);
  });

  test('organization auto-enable is set on the organization graph by the Detective administrator', async () => {
    api.organization.create(MANAGEMENT, 'management@example.com');
    api.organization.addAccount(ACCOUNT, 'security@example.com');
    actAs(api, MANAGEMENT);
    await dispatch(event('Create', DetectiveOrganizationAdminAccountResource.type, { AdminAccountId: ACCOUNT }, { account: MANAGEMENT }));
    actAs(api, ACCOUNT);
    const result = await create({ AutoEnableOrganizationMembers: 'true' });
    expect(result.data?.Adopted).toBe('true');
    expect(graph()!.autoEnable).toBe(true);
  });

  test('a Delete that undoes the adopting create puts back its tags and auto-enable; the packages it started stay, said in the log', async () => {
    api.organization.create(MANAGEMENT, 'management@example.com');
    api.organization.addAccount(ACCOUNT, 'security@example.com');
    actAs(api, MANAGEMENT);
    await dispatch(event('Create', DetectiveOrganizationAdminAccountResource.type, { AdminAccountId: ACCOUNT }, { account: MANAGEMENT }));
    actAs(api, ACCOUNT);
    graph()!.tags = { owner: 'delegation', team: 'sec' };
    const props = { AutoEnableOrganizationMembers: 'true', Tags: { owner: 'security', env: 'prod' }, DatasourcePackages: ['EKS_AUDIT'] } as const;
    const { physicalResourceId } = await create(props as BehaviorGraphResourceProperties);
    expect(graph()).toMatchObject({ autoEnable: true, tags: { owner: 'security', env: 'prod', team: 'sec' } });
    const logged: string[] = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => { logged.push(line); });

    await dispatch(event('Delete', TYPE, props as BehaviorGraphResourceProperties, { physicalResourceId }), { undoesCreate: true, rollback: false });

    expect(graph()).toMatchObject({ autoEnable: false, tags: { owner: 'delegation', team: 'sec' } });
    expect(graph()!.packages.get('EKS_AUDIT')).toBeDefined();
    expect(logged.join('\n')).toMatch(/EKS_AUDIT started by the adoption stay ingesting/);
    expect(api.callsOf('DeleteGraph')).toHaveLength(0);
  });
});

describe('update', () => {
  async function created(props: BehaviorGraphResourceProperties) {
    guardDutyFor(72);
    return (await create(props)).physicalResourceId;
  }

  test('a rollback Update of a graph deleted outside CloudFormation leaves it gone and succeeds (no CreateGraph)', async () => {
    const arn = await created({ Tags: { owner: 'security' } });
    api.detective.reset();
    const result = await dispatch(event('Update', TYPE, { Tags: { owner: 'security' } }, { physicalResourceId: arn, oldProperties: { Tags: { owner: 'x' } } }),
      { undoesCreate: false, rollback: true });
    expect(result.physicalResourceId).toBe(arn);
    expect(api.callsOf('CreateGraph')).toHaveLength(1);
    expect(graph()).toBeUndefined();
  });

  test('tags are diffed (the creation mark stays), packages started, Adopted unchanged', async () => {
    const arn = await created({ Tags: { owner: 'security', team: 'a' } });
    const result = await dispatch(event('Update', TYPE, { Tags: { owner: 'secops' }, DatasourcePackages: ['EKS_AUDIT', 'ASFF_SECURITYHUB_FINDING'] },
      { physicalResourceId: arn, oldProperties: { Tags: { owner: 'security', team: 'a' } } }));
    expect(result).toEqual({ physicalResourceId: arn, data: { GraphArn: arn, Adopted: 'false', DatasourcePackagesLeftIngesting: '' } });
    expect(graph()!.tags).toEqual({ owner: 'secops', [GRAPH_CREATED_BY_TAG]: MARK });
    expect(graph()!.packages.get('EKS_AUDIT')?.state).toBe('STARTED');
    expect(api.callsOf('UpdateDatasourcePackages')).toHaveLength(1);
  });

  test('unchanged properties write only the stack\'s tags again, which puts back a value changed outside CloudFormation', async () => {
    const props = { Tags: { owner: 'security' }, DatasourcePackages: ['EKS_AUDIT'] };
    const arn = await created(props);
    graph()!.tags.owner = 'someone-else';
    graph()!.tags.added = 'by-hand';
    api.calls.length = 0;
    await dispatch(event('Update', TYPE, props, { physicalResourceId: arn, oldProperties: props }));
    expect(api.calls.map((c) => c.operation).filter((o) => !/^List/.test(o))).toEqual(['TagResource']);
    // The stack's key is back; a key the stack never set is left alone.
    expect(graph()!.tags).toEqual({ owner: 'security', added: 'by-hand', [GRAPH_CREATED_BY_TAG]: MARK });
  });

  test('a package removed from the list while still ingesting is left ingesting (no call can stop it), said in the attribute; the rest applies', async () => {
    const arn = await created({ DatasourcePackages: ['EKS_AUDIT'], Tags: { owner: 'a' } });
    const result = await dispatch(event('Update', TYPE, { DatasourcePackages: [], Tags: { owner: 'b' } },
      { physicalResourceId: arn, oldProperties: { DatasourcePackages: ['EKS_AUDIT'], Tags: { owner: 'a' } } }));
    expect(result.data?.DatasourcePackagesLeftIngesting).toBe('EKS_AUDIT');
    expect(graph()!.packages.get('EKS_AUDIT')?.state).toBe('STARTED');
    expect(graph()!.tags.owner).toBe('b');
  });

  test('a package stopped in the console, then removed from the list, updates cleanly', async () => {
    const arn = await created({ DatasourcePackages: ['EKS_AUDIT'] });
    graph()!.packages.get('EKS_AUDIT')!.state = 'STOPPED';
    await expect(dispatch(event('Update', TYPE, { DatasourcePackages: [] },
      { physicalResourceId: arn, oldProperties: { DatasourcePackages: ['EKS_AUDIT'] } }))).resolves.toBeDefined();
  });

  test('a graph deleted outside the stack is created again under its new ARN', async () => {
    const arn = await created({});
    actAs(api, ACCOUNT);
    await dispatch(event('Delete', TYPE, {}, { physicalResourceId: arn }));
    api.setSettleTime(0);
    const result = await dispatch(event('Update', TYPE, {}, { physicalResourceId: arn, oldProperties: {} }));
    expect(result.physicalResourceId).toBe(graph()!.arn);
    expect(result.physicalResourceId).not.toBe(arn);
  });
});

describe('delete', () => {
  test('deletes the graph this resource created; a second delete finds it gone', async () => {
    guardDutyFor(72);
    const { physicalResourceId } = await create();
    await dispatch(event('Delete', TYPE, {}, { physicalResourceId }));
    expect(graph()).toBeUndefined();
    await expect(dispatch(event('Delete', TYPE, {}, { physicalResourceId }))).resolves.toEqual({ physicalResourceId });
    expect(api.callsOf('DeleteGraph')).toHaveLength(1);
  });

  test('never deletes an adopted graph', async () => {
    const arn = api.detective.seedGraph(ACCOUNT, REGION);
    await create();
    await dispatch(event('Delete', TYPE, {}, { physicalResourceId: arn }));
    expect(graph()?.arn).toBe(arn);
    expect(api.callsOf('DeleteGraph')).toHaveLength(0);
  });

  test("never deletes a graph another stack's resource created", async () => {
    guardDutyFor(72);
    const { physicalResourceId } = await create();
    await dispatch(event('Delete', TYPE, {}, { physicalResourceId, logicalId: 'OtherGraph0A1B2C3D' }));
    expect(graph()?.arn).toBe(physicalResourceId);
  });
});
