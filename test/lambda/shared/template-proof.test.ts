/**
 * The template proof's comparison (lambda/shared/template-proof.ts), table-driven: how each kind of
 * template value is resolved from the stack (pseudo parameters, parameters, physical ids) and what
 * stays unknown (attributes, imports), against the event's value; and which property sets a
 * request must prove in which stack status. The entry point's use of it (forged events answered
 * FAILED, nothing called) is test/lambda/index.test.ts's.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CustomResourceEvent } from '../../../lambda/shared/custom-resource';
import { propertySetsToProve, templateProblem } from '../../../lambda/shared/template-proof';

const STACK_ID = 'arn:aws:cloudformation:eu-west-1:111111111111:stack/Security/5b6f1a80-0000-4000-8000-000000000000';

/** A client answering GetTemplate, DescribeStacks and ListStackResources from the given stack, counting the calls. */
function stack(template: unknown, parameters: Record<string, string> = {}, physicalIds: Record<string, string> = {}) {
  const calls: string[] = [];
  // A real client (the SDK's paginator checks it), its send answering from the stack above.
  const client = new CloudFormationClient({ region: 'eu-west-1' });
  client.send = (async (command: { constructor: { name: string } }) => {
    const name = command.constructor.name;
    calls.push(name);
    if (name === 'GetTemplateCommand') return { TemplateBody: JSON.stringify(template) };
    if (name === 'DescribeStacksCommand') {
      return { Stacks: [{ Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })) }] };
    }
    if (name === 'ListStackResourcesCommand') {
      const summaries = Object.entries(physicalIds).map(([LogicalResourceId, PhysicalResourceId]) => ({ LogicalResourceId, PhysicalResourceId }));
      return { StackResourceSummaries: summaries };
    }
    throw new Error(`unexpected ${name}`);
  }) as never;
  return { client, calls };
}

function create(properties: Record<string, unknown>): CustomResourceEvent<unknown> {
  return {
    RequestType: 'Create',
    ServiceToken: 'arn:aws:lambda:eu-west-1:111111111111:function:f',
    ResponseURL: 'https://example.com',
    StackId: STACK_ID,
    RequestId: 'r-1',
    LogicalResourceId: 'List',
    ResourceType: 'Custom::GuardDutyIPSet',
    ResourceProperties: properties,
  } as CustomResourceEvent<unknown>;
}

/** A template whose `List` has the value as its Location, beside the named resources (e.g. the bucket a `Ref` names). */
const template = (value: unknown, extra: Record<string, unknown> = {}, others: string[] = []) => ({
  ...extra,
  Resources: {
    List: { Type: 'Custom::GuardDutyIPSet', Properties: { Location: value } },
    ...Object.fromEntries(others.map((id) => [id, { Type: 'AWS::S3::Bucket' }])),
  },
});

/** [case, the template's value, the event's value, whether it matches, the stack's parameters, physical ids, mappings]. */
const CASES: Array<[string, unknown, unknown, boolean, Record<string, string>?, Record<string, string>?, Record<string, unknown>?]> = [
  ['a literal, equal', 's3://b/k', 's3://b/k', true],
  ['a literal, different', 's3://b/k', 's3://b/other', false],
  ['a number or boolean, as CloudFormation passes it (a string)', 7, '7', true],
  ['a pseudo parameter in Fn::Sub', { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::b-${AWS::AccountId}-${AWS::Region}/k' }, 'arn:aws:s3:::b-111111111111-eu-west-1/k', true],
  ['a pseudo parameter in Fn::Sub, another account', { 'Fn::Sub': 'b-${AWS::AccountId}' }, 'b-999999999999', false],
  ['a parameter', { Ref: 'Bucket' }, 'my-bucket', true, { Bucket: 'my-bucket' }],
  ['a parameter, another value', { Ref: 'Bucket' }, 'attacker-bucket', false, { Bucket: 'my-bucket' }],
  ['a NoEcho parameter (shown ****) is unknown', { Ref: 'Secret' }, 'anything', true, { Secret: '****' }],
  ['a resource\'s physical id', { 'Fn::Join': ['', ['s3://', { Ref: 'ListsBucket' }, '/lists/a.txt']] }, 's3://lists-1a2b/lists/a.txt', true, {}, { ListsBucket: 'lists-1a2b' }],
  ['a resource\'s physical id, another bucket', { 'Fn::Join': ['', ['s3://', { Ref: 'ListsBucket' }, '/lists/a.txt']] }, 's3://evil/lists/a.txt', false, {}, { ListsBucket: 'lists-1a2b' }],
  ['an attribute is unknown, the text around it is not', { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': ['B', 'RegionalDomainName'] }, '/a.txt']] }, 'https://b.s3.eu-west-1.amazonaws.com/a.txt', true],
  ['an attribute is unknown, the text around it is not (other key)', { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': ['B', 'RegionalDomainName'] }, '/a.txt']] }, 'https://b.s3.eu-west-1.amazonaws.com/b.txt', false],
  ['an attribute in Fn::Sub', { 'Fn::Sub': 'https://${B.RegionalDomainName}/a.txt' }, 'https://x/a.txt', true],
  ['Fn::Sub with its own variables', { 'Fn::Sub': ['s3://${Name}/k', { Name: { Ref: 'AWS::StackName' } }] }, 's3://Security/k', true],
  ['Fn::Sub keeps ${!Literal}', { 'Fn::Sub': 'a-${!Literal}' }, 'a-${Literal}', true],
  ['Fn::Select of a Fn::Split', { 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] }, 'b', true],
  ['Fn::FindInMap', { 'Fn::FindInMap': ['Lists', { Ref: 'AWS::Region' }, 'Key'] }, 'eu.txt', true, {}, {}, { Lists: { 'eu-west-1': { Key: 'eu.txt' } } }],
  ['Fn::FindInMap, another value', { 'Fn::FindInMap': ['Lists', { Ref: 'AWS::Region' }, 'Key'] }, 'us.txt', false, {}, {}, { Lists: { 'eu-west-1': { Key: 'eu.txt' } } }],
  ['Fn::If: either branch', { 'Fn::If': ['IsProd', 'prod.txt', 'dev.txt'] }, 'dev.txt', true],
  ['Fn::If: neither branch', { 'Fn::If': ['IsProd', 'prod.txt', 'dev.txt'] }, 'other.txt', false],
  ['Fn::ImportValue is unknown', { 'Fn::ImportValue': 'Shared-Location' }, 's3://shared/k', true],
  ['a list, item by item', ['a', { Ref: 'AWS::Region' }], ['a', 'eu-west-1'], true],
  ['a list of another length', ['a'], ['a', 'b'], false],
  ['an object with a member the template does not have', { Key: 'a' }, { Key: 'a', Extra: 'b' }, false],
  ['AWS::NoValue: the member must be absent', { Key: 'a', Gone: { Ref: 'AWS::NoValue' } }, { Key: 'a' }, true],
  ['AWS::NoValue: the member given anyway', { Key: 'a', Gone: { Ref: 'AWS::NoValue' } }, { Key: 'a', Gone: 'x' }, false],
  ['Fn::If with AWS::NoValue: the member absent', { Key: 'a', Maybe: { 'Fn::If': ['C', { Ref: 'AWS::NoValue' }, 'b'] } }, { Key: 'a' }, true],
  ['Fn::If with AWS::NoValue: the other branch', { Key: 'a', Maybe: { 'Fn::If': ['C', { Ref: 'AWS::NoValue' }, 'b'] } }, { Key: 'a', Maybe: 'b' }, true],
  ['a member the event lacks', { Key: 'a', Other: 'b' }, { Key: 'a' }, false],
];

test.each(CASES)('%s', async (_name, value, given, matches, parameters = {}, physicalIds = {}, mappings) => {
  const { client } = stack(template(value, mappings ? { Mappings: mappings } : {}, Object.keys(physicalIds)), parameters, physicalIds);
  const problem = await templateProblem(create({ Location: given }), undefined, client);
  if (matches) expect(problem).toBeUndefined();
  else expect(problem).toMatch(/^ResourceProperties\.Location/);
});

test('only the reads a template needs: no DescribeStacks or ListStackResources for literals and pseudo parameters', async () => {
  const { client, calls } = stack(template({ 'Fn::Sub': 'b-${AWS::AccountId}' }));
  await templateProblem(create({ Location: 'b-111111111111' }), undefined, client);
  expect(calls).toEqual(['GetTemplateCommand']);
});

test('a resource the template does not have, or has with another type, is refused', async () => {
  const { client } = stack({ Resources: { Other: { Type: 'Custom::GuardDutyIPSet', Properties: {} } } });
  await expect(templateProblem(create({}), undefined, client)).resolves.toBe('the stack\'s template has no resource List');
  const typed = stack({ Resources: { List: { Type: 'Custom::GuardDutyFilter', Properties: {} } } });
  await expect(templateProblem(create({}), undefined, typed.client)).resolves
    .toBe('the template\'s List is of type Custom::GuardDutyFilter, the event says Custom::GuardDutyIPSet');
});

test.each([
  ['Create', undefined, ['ResourceProperties']],
  ['Update', 'UPDATE_IN_PROGRESS', ['ResourceProperties']],
  ['Update', 'UPDATE_ROLLBACK_IN_PROGRESS', ['ResourceProperties', 'OldResourceProperties']],
  ['Delete', 'DELETE_IN_PROGRESS', ['ResourceProperties']],
  ['Delete', 'ROLLBACK_IN_PROGRESS', ['ResourceProperties']],
  ['Delete', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', []],
  ['Delete', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', []],
  ['Delete', 'UPDATE_ROLLBACK_IN_PROGRESS', []],
] as const)('a %s in a stack %s proves %j', (requestType, stackStatus, sets) => {
  expect(propertySetsToProve({ RequestType: requestType } as CustomResourceEvent<unknown>, stackStatus)).toEqual(sets);
});
