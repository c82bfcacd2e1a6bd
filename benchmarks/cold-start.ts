/**
 * Cold start, paired: a fresh Node.js process loads a handler and runs one event that makes one
 * GuardDuty call (CreateDetector) and answers CloudFormation, as a Lambda cold start does.
 *
 * - this library: assets/handler/index.js, a `Custom::GuardDutyDetector` create, which first
 *   confirms the event with CloudFormation (one DescribeStackResource: part of its cost);
 * - aws-cdk-lib's `AwsCustomResource` handler (the usual alternative), the same CreateDetector,
 *   with the SDK client it loads from node_modules as Lambda's runtime provides it.
 *
 * Rounds alternate the order; each process's own CPU (user + system, module loading included) and
 * wall time from its start to its answer are reported, with the ratio of means. Both answer to a
 * local HTTPS endpoint on port 443 (a self-signed certificate made with openssl; binding 443 needs
 * root or CAP_NET_BIND_SERVICE); the local API serves GuardDuty and CloudFormation.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { responseObjectKey } from '../lambda/shared/response-url';
import { startLocalApi, STACK_ID, ACCOUNT, REGION } from '../test/lambda/events';

const ROUNDS = Number(process.env.ROUNDS ?? 12);
const ROOT = path.join(__dirname, '..');
const OURS = path.join(ROOT, 'assets', 'handler', 'index.js');
const THEIRS = path.join(ROOT, 'node_modules', 'aws-cdk-lib', 'custom-resource-handlers', 'dist', 'custom-resources',
  'aws-custom-resource-handler', 'index.js');

interface Run { readonly cpuMs: number; readonly wallMs: number; readonly loadedMs: number }

function responseServer(): Promise<{ origin: string; close: () => void; answers: () => number; statuses: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cold-start-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out',
    path.join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
  let answers = 0;
  const statuses: string[] = [];
  const server = https.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) },
    (req, res) => {
      let body = '';
      req.on('data', (d) => { body += d; });
      req.on('end', () => { answers++; statuses.push(JSON.parse(body).Status); res.writeHead(200); res.end(); });
    });
  // Port 443: the AwsCustomResource handler answers to the URL's host on the default HTTPS port,
  // whatever port the URL names (as it may, since CloudFormation's URLs name none).
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(443, '127.0.0.1', () => resolve({ origin: 'https://127.0.0.1', close: () => server.close(), answers: () => answers, statuses }));
  });
}

function run(file: string, event: unknown, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'handler-process.js')], {
      env: { PATH: process.env.PATH, ...env, HANDLER_PROCESS_CASE: JSON.stringify({ file, event }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) reject(new Error(`${path.basename(path.dirname(file))} exited ${code}: ${err}${out}`));
      else resolve(JSON.parse(last));
    });
  });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function main(): Promise<void> {
  const api = await startLocalApi();
  const endpoint = await responseServer();
  const env = {
    ...api.environmentFor(ACCOUNT, REGION),
    NODE_TLS_REJECT_UNAUTHORIZED: '0',
    NODE_NO_WARNINGS: '1',
    AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
    CDK_THREAT_DETECTION_TEST_RESPONSE_ORIGIN: endpoint.origin,
    // The function's own stack (the provider sets it from AWS::StackId): this library's handler
    // confirms the event with CloudFormation (one DescribeStackResource) before acting.
    STACK_ID,
    // Lambda's Node.js runtime provides the AWS SDK for JavaScript v3; here, from node_modules.
    NODE_PATH: path.join(ROOT, 'node_modules'),
  };
  const base = {
    ServiceToken: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:bench`, StackId: STACK_ID, LogicalResourceId: 'Detector', RequestType: 'Create',
  };
  // The answer goes to the request's own object, as CloudFormation names it (the handler refuses any other).
  const request = () => {
    const RequestId = `r${Math.random()}`;
    const key = encodeURIComponent(responseObjectKey({ StackId: STACK_ID, LogicalResourceId: 'Detector', RequestId })).replace(/%2F/g, '/');
    return { RequestId, ResponseURL: `${endpoint.origin}/${key}?X-Amz-Signature=bench` };
  };
  const cases = [
    { name: 'this library', file: OURS, event: () => ({ ...base, ...request(), ResourceType: 'Custom::GuardDutyDetector',
      ResourceProperties: { ServiceToken: base.ServiceToken, Enable: 'true' } }) },
    { name: 'AwsCustomResource', file: THEIRS, event: () => ({ ...base, ...request(), ResourceType: 'Custom::AWS',
      ResourceProperties: {
        ServiceToken: base.ServiceToken, InstallLatestAwsSdk: 'false',
        Create: JSON.stringify({ service: 'GuardDuty', action: 'CreateDetector', parameters: { Enable: true }, physicalResourceId: { id: 'detector' } }),
      } }) },
  ];
  const runs = new Map<string, Run[]>(cases.map((c) => [c.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of round % 2 === 0 ? cases : [...cases].reverse()) {
      api.reset();
      api.cloudformation.setStack(STACK_ID, 'CREATE_IN_PROGRESS');
      api.cloudformation.setResource(STACK_ID, 'Detector', { type: 'Custom::GuardDutyDetector', status: 'CREATE_IN_PROGRESS' });
      const calls = api.calls.length;
      runs.get(c.name)!.push(await run(c.file, c.event(), env));
      if (!api.calls.slice(calls).some((call) => call.operation === 'CreateDetector' && call.status < 300)) {
        throw new Error(`${c.name} made no successful CreateDetector`);
      }
    }
  }
  endpoint.close();
  await api.stop();
  if (endpoint.answers() !== ROUNDS * cases.length) throw new Error(`${endpoint.answers()} answers for ${ROUNDS * cases.length} events`);
  const notSuccess = endpoint.statuses.filter((s) => s !== 'SUCCESS');
  if (notSuccess.length > 0) throw new Error(`${notSuccess.length} of ${endpoint.answers()} events answered ${notSuccess.join(', ')}, not SUCCESS`);

  const [ours, theirs] = cases.map((c) => runs.get(c.name)!);
  const line = (name: string, rs: Run[]) => `${name.padEnd(20)} CPU ${mean(rs.map((r) => r.cpuMs)).toFixed(0).padStart(5)} ms   `
    + `loaded after ${mean(rs.map((r) => r.loadedMs)).toFixed(0).padStart(4)} ms   answered after ${mean(rs.map((r) => r.wallMs)).toFixed(0).padStart(4)} ms`;
  console.log(`Cold start, ${ROUNDS} paired rounds (a fresh process: load the handler, one CreateDetector, answer CloudFormation)`);
  console.log(`  bundle: ${fs.statSync(OURS).size.toLocaleString('en')} bytes; AwsCustomResource handler ${fs.statSync(THEIRS).size.toLocaleString('en')} bytes + @aws-sdk/client-guardduty from node_modules`);
  console.log(`  ${line('this library', ours)}`);
  console.log(`  ${line('AwsCustomResource', theirs)}`);
  console.log(`  ratio (this library / AwsCustomResource): CPU ${(mean(ours.map((r) => r.cpuMs)) / mean(theirs.map((r) => r.cpuMs))).toFixed(2)}×, `
    + `end to end ${(mean(ours.map((r) => r.wallMs)) / mean(theirs.map((r) => r.wallMs))).toFixed(2)}×`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
