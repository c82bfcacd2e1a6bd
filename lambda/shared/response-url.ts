/**
 * Where the handler may send its answer: only to CloudFormation's own response bucket of the
 * stack's Region, over HTTPS on the default port. Anyone allowed to invoke the function can hand
 * it an event; a ResponseURL elsewhere would make the handler send data (the physical id, the
 * attributes) to a host of their choosing, so such an event is refused before anything runs.
 *
 * The bucket is `cloudformation-custom-resource-response-<Region without dashes>` (CloudFormation
 * User Guide, "Setting up VPC endpoints for CloudFormation": the buckets a VPC endpoint policy must
 * allow), addressed virtual-hosted: `<bucket>.s3.<suffix>`, `<bucket>.s3-<region>.<suffix>` or
 * `<bucket>.s3.<region>.<suffix>`, the suffix being the partition's DNS suffix.
 *
 * The object is the request's own: its key is `<StackId>|<LogicalResourceId>|<RequestId>`
 * (URL-encoded), as every ResponseURL CloudFormation sends is made. A URL for another stack,
 * resource or request (a pre-signed URL captured from another event) is refused, so the handler
 * answers only the request it acts on.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-vpce-bucketnames.html
 */

/** DNS suffix of the partitions CloudFormation runs in; another partition is refused. */
const DNS_SUFFIX: Record<string, string> = {
  'aws': 'amazonaws.com',
  'aws-cn': 'amazonaws.com.cn',
  'aws-us-gov': 'amazonaws.com',
  'aws-iso': 'c2s.ic.gov',
  'aws-iso-b': 'sc2s.sgov.gov',
};

/**
 * For tests only: an origin (`http://127.0.0.1:<port>`) also allowed, read from the function's
 * environment, which an event cannot change (the replay harness sets it in its child process; the
 * library's function never has it).
 */
export const TEST_RESPONSE_ORIGIN_VARIABLE = 'CDK_THREAT_DETECTION_TEST_RESPONSE_ORIGIN';

/** The request an answer is for: the event's identifiers, which its ResponseURL's object key must name. */
export interface ResponseRequest {
  readonly StackId?: unknown;
  readonly LogicalResourceId?: unknown;
  readonly RequestId?: unknown;
}

/** The object key CloudFormation gives a request's answer (before URL encoding). */
export function responseObjectKey(request: ResponseRequest): string {
  return [request.StackId, request.LogicalResourceId, request.RequestId].map(String).join('|');
}

/** Why the handler must not answer to this URL, or undefined when it may. */
export function responseUrlProblem(responseUrl: unknown, stackId: unknown, request?: ResponseRequest): string | undefined {
  if (typeof responseUrl !== 'string') return 'the event has no ResponseURL';
  let url: URL;
  try {
    url = new URL(responseUrl);
  } catch {
    return 'the ResponseURL is not a URL';
  }
  const testOrigin = process.env[TEST_RESPONSE_ORIGIN_VARIABLE];
  if (testOrigin && url.origin === testOrigin && url.username === '' && url.password === '') return keyProblem(url, request);

  const stack = /^arn:([a-z-]+):cloudformation:([a-z0-9-]+):\d{12}:stack\//.exec(typeof stackId === 'string' ? stackId : '');
  if (!stack) return 'the event\'s StackId is not a CloudFormation stack ARN';
  const [, partition, region] = stack;
  const suffix = DNS_SUFFIX[partition];
  if (!suffix) return `the stack's partition ${partition} is not one this handler knows the response bucket of`;
  if (url.protocol !== 'https:') return `the ResponseURL's scheme is ${url.protocol.replace(/:$/, '')}, not https`;
  if (url.port !== '') return `the ResponseURL names port ${url.port}`;
  if (url.username !== '' || url.password !== '') return 'the ResponseURL carries user information';
  const bucket = `cloudformation-custom-resource-response-${region.replace(/-/g, '')}`;
  const hosts = [`${bucket}.s3.${suffix}`, `${bucket}.s3-${region}.${suffix}`, `${bucket}.s3.${region}.${suffix}`];
  if (!hosts.includes(url.hostname)) {
    return `the ResponseURL's host ${url.hostname} is not CloudFormation's response bucket for ${region} (${bucket})`;
  }
  return keyProblem(url, request);
}

/** The URL's object must be this request's answer (its key names the stack, resource and request). */
function keyProblem(url: URL, request: ResponseRequest | undefined): string | undefined {
  if (!request) return undefined;
  let key: string;
  try {
    key = decodeURIComponent(url.pathname.slice(1));
  } catch {
    return 'the ResponseURL\'s object key is not URL-encoded text';
  }
  if (key !== responseObjectKey(request)) {
    return 'the ResponseURL is not for this request: its object key does not name the event\'s StackId, LogicalResourceId and RequestId';
  }
  return undefined;
}
