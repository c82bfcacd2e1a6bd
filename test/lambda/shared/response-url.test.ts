/**
 * The handler answers only to CloudFormation's response bucket of the stack's Region, over HTTPS
 * on the default port; everything else is refused (with the reason).
 */
import { responseUrlProblem, TEST_RESPONSE_ORIGIN_VARIABLE } from '../../../lambda/shared/response-url';

const STACK = 'arn:aws:cloudformation:us-east-1:111111111111:stack/Security/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
const CN_STACK = 'arn:aws-cn:cloudformation:cn-north-1:111111111111:stack/Security/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
const GOV_STACK = 'arn:aws-us-gov:cloudformation:us-gov-west-1:111111111111:stack/Security/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
const SIGNED = '/arn%3Aaws%3Acloudformation%3Aus-east-1%3A111111111111%3Astack/Security/x%7CResource%7Cid?X-Amz-Signature=abc';

test.each([
  [`https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com${SIGNED}`, STACK],
  [`https://cloudformation-custom-resource-response-useast1.s3-us-east-1.amazonaws.com${SIGNED}`, STACK],
  [`https://cloudformation-custom-resource-response-useast1.s3.us-east-1.amazonaws.com${SIGNED}`, STACK],
  [`https://cloudformation-custom-resource-response-cnnorth1.s3.cn-north-1.amazonaws.com.cn${SIGNED}`, CN_STACK],
  [`https://cloudformation-custom-resource-response-usgovwest1.s3-us-gov-west-1.amazonaws.com${SIGNED}`, GOV_STACK],
])('allowed: %s', (url, stack) => {
  expect(responseUrlProblem(url, stack)).toBeUndefined();
});

test.each([
  ['http://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x', STACK, 'scheme is http, not https'],
  ['https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com:8443/x', STACK, 'names port 8443'],
  ['https://attacker.example.com/x', STACK, 'host attacker.example.com is not CloudFormation\'s response bucket for us-east-1'],
  ['https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/x', STACK, 'is not CloudFormation\'s response bucket for us-east-1'],
  ['https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com.attacker.example/x', STACK, 'is not CloudFormation\'s response bucket'],
  ['https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com@attacker.example/x', STACK, 'carries user information'],
  ['https://s3.amazonaws.com/cloudformation-custom-resource-response-useast1/x', STACK, 'host s3.amazonaws.com is not'],
  ['https://cloudformation-custom-resource-response-cnnorth1.s3.cn-north-1.amazonaws.com/x', CN_STACK, 'is not CloudFormation\'s response bucket'],
  ['file:///etc/passwd', STACK, 'scheme is file'],
  ['not a url', STACK, 'is not a URL'],
  [undefined, STACK, 'has no ResponseURL'],
  [`https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com${SIGNED}`, 'my-stack', 'StackId is not a CloudFormation stack ARN'],
  [`https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com${SIGNED}`, STACK.replace('arn:aws:', 'arn:aws-mars:'), 'partition aws-mars is not one'],
])('refused: %s', (url, stack, reason) => {
  expect(responseUrlProblem(url, stack)).toContain(reason);
});

describe('the test-only origin', () => {
  afterEach(() => { delete process.env[TEST_RESPONSE_ORIGIN_VARIABLE]; });
  test('allows exactly that origin when the environment names it, and nothing else', () => {
    expect(responseUrlProblem('http://127.0.0.1:4567/request', STACK)).toContain('scheme is http');
    process.env[TEST_RESPONSE_ORIGIN_VARIABLE] = 'http://127.0.0.1:4567';
    expect(responseUrlProblem('http://127.0.0.1:4567/request', STACK)).toBeUndefined();
    expect(responseUrlProblem('http://127.0.0.1:4568/request', STACK)).toContain('scheme is http');
    expect(responseUrlProblem('http://user@127.0.0.1:4567/request', STACK)).toContain('scheme is http');
  });
});

describe('pinned to the request: the object key must be <StackId>|<LogicalResourceId>|<RequestId>', () => {
  const request = { StackId: STACK, LogicalResourceId: 'Resource', RequestId: 'id' };
  const host = 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com';
  test('a URL as CloudFormation makes them (the key URL-encoded, "/" kept) is allowed', () => {
    expect(responseUrlProblem(`${host}${SIGNED}`.replace('/x%7C', '/0a1b2c3d-4e5f-6789-abcd-ef0123456789%7C'), STACK, request)).toBeUndefined();
  });
  test.each([
    ['another request', { ...request, RequestId: 'other' }],
    ['another resource', { ...request, LogicalResourceId: 'Other' }],
    ['another stack', { ...request, StackId: STACK.replace('/Security/', '/Other/') }],
  ])('the URL of %s is refused', (_name, other) => {
    const url = `${host}/${encodeURIComponent([other.StackId, other.LogicalResourceId, other.RequestId].join('|'))}?X-Amz-Signature=abc`;
    expect(responseUrlProblem(url, STACK, request)).toContain('the ResponseURL is not for this request');
  });
  test('a key that is not URL-encoded text is refused', () => {
    expect(responseUrlProblem(`${host}/%E0%A4%A?X-Amz-Signature=abc`, STACK, request)).toContain('not URL-encoded text');
  });
});
