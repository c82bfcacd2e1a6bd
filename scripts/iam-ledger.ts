/**
 * Least privilege per action, over a whole test run: every action a statement of the library's
 * policies grants must have allowed some call a test replayed under IAM evaluation (in the local
 * API, the handler's own call or a permission the service checks in its name), or be excused
 * below with the reason no replay can need it. The granted actions are those of every statement
 * (by Sid) in the apps that use every construct with every option (test/fixtures/every-construct)
 * and in the landing-zone example before and after its update; the used ones are what the local
 * APIs of the run wrote to the ledger folder (`CDK_THREAT_DETECTION_IAM_LEDGER`, see
 * replay/src/local-api/server.ts). Per action and not per statement: a statement some other action
 * of which was needed hides nothing here.
 *
 * Usage: ts-node scripts/iam-ledger.ts <ledger folder> [<junit report>]
 * Prints one line per unused action and a summary; exits 1 when an action is unused and not excused.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { buildLandingZone, INITIAL, UPDATED } from '../examples/landing-zone/app';
import { everyConstruct } from '../test/fixtures/every-construct';

/**
 * Actions granted for what no replay can show, each with why: the local API does not evaluate them,
 * and the guide that asks for them is cited.
 */
const VPC_ACCESS = 'Lambda itself creates and manages the network interfaces of a function in a VPC with the function\'s role '
  + '(https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions, the actions of '
  + 'AWSLambdaVPCAccessExecutionRole); the handler never calls EC2, and the replay runs no Lambda network';

const EXCUSED: Record<string, string> = {
  ...Object.fromEntries(['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface',
    'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'].map((action) => [`HandlerNetworkInterfaces|${action}`, VPC_ACCESS])),
  'OrganizationsOuReadsForGuardDuty|organizations:DescribeOrganizationalUnit': 'GuardDuty\'s guide for the management account '
    + 'grants it (https://docs.aws.amazon.com/guardduty/latest/ug/organizations_permissions.html) and GuardDuty reads OUs in the '
    + 'caller\'s name; no request names the OU it reads, so the local API cannot evaluate it (replay/src/local-api/dependent-permissions.ts)',
};

/** `<Sid>|<action>` of every statement with a Sid in the IAM policies of the stacks. */
function granted(stacks: Stack[]): Map<string, string[]> {
  const where = new Map<string, string[]>();
  for (const stack of stacks) {
    // The app's assembly (synthesized once: App caches it).
    const template = (stack.node.root as App).synth().getStackByName(stack.stackName).template;
    for (const [logicalId, resource] of Object.entries<any>(template?.Resources ?? {})) {
      if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
      for (const statement of [resource.Properties.PolicyDocument.Statement].flat()) {
        if (!statement.Sid || statement.Effect !== 'Allow') continue;
        for (const action of [statement.Action].flat() as string[]) {
          if (action.startsWith('logs:')) continue;
          const key = `${statement.Sid}|${action}`;
          where.set(key, [...where.get(key) ?? [], `${stack.stackName}/${logicalId}`]);
        }
      }
    }
  }
  return where;
}

function main(): void {
  const [ledger, report] = process.argv.slice(2);
  if (!ledger) throw new Error('usage: ts-node scripts/iam-ledger.ts <ledger folder> [<junit report>]');
  const used = new Set<string>();
  const files = fs.existsSync(ledger) ? fs.readdirSync(ledger).filter((f) => f.endsWith('.json')) : [];
  for (const f of files) for (const key of JSON.parse(fs.readFileSync(path.join(ledger, f), 'utf-8')) as string[]) used.add(key);

  const stacks = [...everyConstruct(new App()), ...buildLandingZone(new App(), INITIAL), ...buildLandingZone(new App(), UPDATED)];
  const grants = granted(stacks);
  const results = [...grants.keys()].sort().map((key) => ({
    key,
    outcome: used.has(key) ? 'used' : EXCUSED[key] !== undefined ? 'excused' : 'unused',
  }));
  const unused = results.filter((r) => r.outcome === 'unused');
  for (const r of unused) console.log(`iam-ledger: ${r.key} is granted (${grants.get(r.key)!.slice(0, 2).join(', ')}) and allowed no replayed call`);
  for (const key of Object.keys(EXCUSED).filter((k) => !grants.has(k))) console.log(`iam-ledger: the excuse for ${key} names nothing granted`);
  console.log(`iam-ledger: ${grants.size} actions granted (by statement), ${results.filter((r) => r.outcome === 'used').length} allowed a `
    + `replayed call, ${results.filter((r) => r.outcome === 'excused').length} excused, ${unused.length} unused; `
    + `${used.size} used in ${files.length} ledger file(s)`);

  if (report) {
    const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
    const cases = results.map((r) => `  <testcase classname="iam-ledger" name="${escape(r.key)}">${r.outcome === 'unused'
      ? `<failure message="granted, and allowed no replayed call"/>` : ''}</testcase>`);
    fs.mkdirSync(path.dirname(report), { recursive: true });
    fs.writeFileSync(report, `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="iam-ledger" tests="${results.length}" `
      + `failures="${unused.length}" errors="0">\n<testsuite name="iam-ledger" tests="${results.length}" failures="${unused.length}">\n`
      + `${cases.join('\n')}\n</testsuite>\n</testsuites>\n`);
  }
  if (unused.length > 0 || Object.keys(EXCUSED).some((k) => !grants.has(k))) process.exitCode = 1;
}

main();
