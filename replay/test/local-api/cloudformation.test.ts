/**
 * The local API's CloudFormation, read through the real SDK client (its query-protocol XML parser
 * is the judge of the answers' shape): a stack's resources by stack id or name, only in the
 * caller's account and Region, and CloudFormation's ValidationError for what does not exist.
 */
import {
  CloudFormationClient, DescribeStackResourceCommand, DescribeStacksCommand, GetTemplateCommand, ListStackResourcesCommand, ListStacksCommand,
  paginateListStackResources,
} from '@aws-sdk/client-cloudformation';
import { LocalApi } from '../../src/local-api/server';

const STACK = 'arn:aws:cloudformation:us-east-1:111111111111:stack/Security/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
let api: LocalApi;

beforeAll(async () => { api = await new LocalApi().start(); });
afterAll(() => api.stop());
beforeEach(() => {
  api.reset();
  api.cloudformation.setStack(STACK, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
  api.cloudformation.setResource(STACK, 'Detector', { type: 'Custom::GuardDutyDetector', physicalId: 'd-1', status: 'UPDATE_COMPLETE' });
  api.cloudformation.setResource(STACK, 'Pending', { type: 'Custom::GuardDutyFilter', status: 'CREATE_IN_PROGRESS' });
});

const client = (account = '111111111111', region = 'us-east-1') =>
  new CloudFormationClient({ region, endpoint: api.url, credentials: api.credentialsFor(account), maxAttempts: 1 });

test('DescribeStackResource by stack id and by name', async () => {
  for (const StackName of [STACK, 'Security']) {
    const out = await client().send(new DescribeStackResourceCommand({ StackName, LogicalResourceId: 'Detector' }));
    expect(out.StackResourceDetail).toMatchObject({
      StackId: STACK,
      StackName: 'Security',
      LogicalResourceId: 'Detector',
      PhysicalResourceId: 'd-1',
      ResourceType: 'Custom::GuardDutyDetector',
      ResourceStatus: 'UPDATE_COMPLETE',
      LastUpdatedTimestamp: expect.any(Date),
    });
  }
  const pending = await client().send(new DescribeStackResourceCommand({ StackName: STACK, LogicalResourceId: 'Pending' }));
  expect(pending.StackResourceDetail?.PhysicalResourceId).toBeUndefined();
});

test('DescribeStacks gives the stack\'s status', async () => {
  const out = await client().send(new DescribeStacksCommand({ StackName: STACK }));
  expect(out.Stacks).toEqual([expect.objectContaining({ StackId: STACK, StackName: 'Security', StackStatus: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS' })]);
});

test.each([
  ['a logical id the stack does not have', () => client(), { StackName: STACK, LogicalResourceId: 'Nope' }, /Resource Nope does not exist for stack Security/],
  ['a stack of another account', () => client('222222222222'), { StackName: STACK, LogicalResourceId: 'Detector' }, /does not exist/],
  ['a stack of another Region', () => client('111111111111', 'eu-west-1'), { StackName: STACK, LogicalResourceId: 'Detector' }, /does not exist/],
  ['a deleted stack by name', () => { api.cloudformation.setStack(STACK, 'DELETE_COMPLETE'); return client(); },
    { StackName: 'Security', LogicalResourceId: 'Detector' }, /Stack 'Security' does not exist/],
])('%s: ValidationError', async (_name, make, input, message) => {
  const err = await make().send(new DescribeStackResourceCommand(input))
    .then(() => undefined, (e: unknown) => e as Error & { $metadata: { httpStatusCode: number } });
  expect(err?.name).toBe('ValidationError');
  expect(err?.message).toMatch(message);
  expect(err?.$metadata.httpStatusCode).toBe(400);
});

test('a deleted stack is still described by its id', async () => {
  api.cloudformation.setStack(STACK, 'DELETE_COMPLETE');
  const out = await client().send(new DescribeStacksCommand({ StackName: STACK }));
  expect(out.Stacks?.[0].StackStatus).toBe('DELETE_COMPLETE');
});

describe('the template, parameters and resources the handler proves events by', () => {
  const TEMPLATE = {
    Parameters: { Account: { Type: 'String' }, Secret: { Type: 'String', NoEcho: true } },
    Resources: { Detector: { Type: 'Custom::GuardDutyDetector', Properties: { Enable: 'true' } } },
  };

  test('GetTemplate gives the template set for the stack, by id or name, with both stages', async () => {
    api.cloudformation.setTemplate(STACK, TEMPLATE, { Account: '222222222222', Secret: 's3cr3t' });
    for (const StackName of [STACK, 'Security']) {
      const out = await client().send(new GetTemplateCommand({ StackName, TemplateStage: 'Processed' }));
      expect(JSON.parse(out.TemplateBody!)).toEqual(TEMPLATE);
      expect(out.StagesAvailable).toEqual(['Original', 'Processed']);
    }
  });

  test('DescribeStacks shows the parameters, a NoEcho one as ****', async () => {
    api.cloudformation.setTemplate(STACK, TEMPLATE, { Account: '222222222222', Secret: 's3cr3t' });
    const out = await client().send(new DescribeStacksCommand({ StackName: STACK }));
    expect(out.Stacks?.[0].Parameters).toEqual([
      { ParameterKey: 'Account', ParameterValue: '222222222222' }, { ParameterKey: 'Secret', ParameterValue: '****' },
    ]);
  });

  test('ListStackResources lists every resource with its physical id, a hundred a page', async () => {
    for (let i = 0; i < 150; i++) api.cloudformation.setResource(STACK, `Bucket${i}`, { type: 'AWS::S3::Bucket', physicalId: `bucket-${i}`, status: 'CREATE_COMPLETE' });
    const pages: number[] = [];
    const ids = new Map<string, string | undefined>();
    for await (const page of paginateListStackResources({ client: client() }, { StackName: STACK })) {
      pages.push(page.StackResourceSummaries!.length);
      for (const r of page.StackResourceSummaries!) ids.set(r.LogicalResourceId!, r.PhysicalResourceId);
    }
    expect(pages).toEqual([100, 52]);
    expect(ids.get('Bucket149')).toBe('bucket-149');
    expect(ids.get('Detector')).toBe('d-1');
  });

  test.each([
    ['a TemplateStage not in the model', () => new GetTemplateCommand({ StackName: STACK, TemplateStage: 'Final' as never }),
      /TemplateStage must be one of \[Original, Processed\], got "Final"/],
    ['a StackName missing where the model requires it', () => new ListStackResourcesCommand({} as never), /StackName is required/],
    ['a LogicalResourceId missing where the model requires it', () => new DescribeStackResourceCommand({ StackName: STACK } as never),
      /LogicalResourceId is required/],
  ])('every request is validated against CloudFormation\'s model: %s is a ValidationError', async (_name, make, message) => {
    const err = await client().send(make() as never).then(() => undefined, (e: Error) => e);
    expect(err?.name).toBe('ValidationError');
    expect(err?.message).toMatch(message);
  });

  test('an operation of the model the local API does not serve is refused, naming it', async () => {
    const err = await client().send(new ListStacksCommand({})).then(() => undefined, (e: Error) => e);
    expect(err?.message).toBe('The local API does not serve ListStacks.');
  });
});
