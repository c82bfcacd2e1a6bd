/**
 * `cdk-threat-detection-replay`: replay a landing zone's cloud assemblies against the local
 * GuardDuty, Detective and Organizations API (see `./landing-zone-replay.ts`), printing each
 * custom resource event, the services' state after each step and a closing summary; exit status
 * 0 when every stack deployed and was destroyed, 1 when one failed, 2 for bad input, 3 when the
 * replay itself cannot go on (a template it cannot resolve, an error of its own): not a stack failure.
 */
import { parseArgs } from 'node:util';
import { formatCoverage, readCoverage } from './coverage';
import { LandingZoneReplayResult, replayLandingZone, ReplayFaults, ReplayInputError } from './landing-zone-replay';
import { declaredAccounts, OrganizationFileError, readOrganizationFile } from './organization-file';
import { ReplayEvent } from './replay';
import { printState } from './report';

export const USAGE = `Usage: cdk-threat-detection-replay --organization <file> <cdk.out> [<cdk.out> ...] [options]

Replays the stacks of each cloud assembly (the directory \`cdk synth\` writes) against a local
GuardDuty, Detective and AWS Organizations API, each stack as its own account, through the
library's real handler under IAM evaluation of its policies: the first assembly is deployed
(in dependency order, as \`cdk deploy --all\`; CDK Stages included), each next one as an update,
then every stack is destroyed (as \`cdk destroy --all\`). Prints each custom resource event and
what the services hold after each step (for an app in several Regions, a coverage matrix too).

Options:
  -o, --organization <file>  the organization: management account, OUs, accounts, accounts outside
                             it, detectors and graphs that exist before (JSON; README "Replay")
      --no-destroy           keep the stacks after the last assembly
      --continue-rollback    after an update ends UPDATE_ROLLBACK_FAILED, continue its rollback
                             once (as \`aws cloudformation continue-update-rollback\`)
      --resources-to-skip <ids>  with --continue-rollback: logical ids (comma-separated) whose
                             rollback is skipped, left as they are (as its --resources-to-skip)
      --concurrency <n>      deploy up to n stacks at once, each after those it depends on
                             (as \`cdk deploy --all --concurrency n\`; default 1)
      --throttle <n>         the first n calls to each service are throttled (the SDK retries)
      --server-errors <n>    the first n calls to each service get a 5xx without running
      --lost-answers <n>     the first n calls to each service run, then get a 5xx
      --list-lag <ms>        read-after-write lag of list operations
      --settle <ms>          how long asynchronous transitions take (list activation, members)
                             (faults come in a row, in the order above; the handler makes 8
                             attempts per call, so 8 or more in a row is an outage it reports)
  -q, --quiet                events and the summary only, no service state
      --width <n>            wrap output at n columns (default: the terminal's width, or 100)
  -h, --help                 this text

What the replay cannot show: real service latencies (waits run on the local API's clock),
service control and resource control policies, quotas above the emulated ones, GuardDuty's
findings, and resources other than the library's and the plan's L1 (they are stood in for). A
service's call in a Region where it has no endpoint gets no answer.

Exit status: 0 every stack deployed and was destroyed; 1 a stack failed (its reason is printed);
2 bad input (a missing assembly, a malformed organization file, an undeclared account);
3 the replay itself could not go on (e.g. an intrinsic function it does not resolve): not a
stack failure, and nothing is said about your stacks.`;

/** Lines wrapped at `width`, continuation lines indented under the first's indentation plus two spaces. */
export function wrap(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const indent = ' '.repeat((/^ */.exec(line)?.[0].length ?? 0) + 2);
  const out: string[] = [];
  let rest = line;
  while (rest.length > width) {
    const cut = rest.lastIndexOf(' ', width);
    const at = cut > indent.length ? cut : width;
    out.push(rest.slice(0, at));
    rest = indent + rest.slice(at).trimStart();
  }
  out.push(rest);
  return out;
}

function count(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new ReplayInputError(`--${option} takes a whole number, got: ${value}`);
  return Number(value);
}

/** The command's options, as `parseArgs` reads them. */
const OPTIONS = {
  'organization': { type: 'string', short: 'o' },
  'no-destroy': { type: 'boolean' },
  'continue-rollback': { type: 'boolean' },
  'resources-to-skip': { type: 'string' },
  'concurrency': { type: 'string' },
  'throttle': { type: 'string' },
  'server-errors': { type: 'string' },
  'lost-answers': { type: 'string' },
  'list-lag': { type: 'string' },
  'settle': { type: 'string' },
  'quiet': { type: 'boolean', short: 'q' },
  'width': { type: 'string' },
  'help': { type: 'boolean', short: 'h' },
} as const;

type CommandLine = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof OPTIONS }>>;

/** Run the command with its arguments (after `replay`); resolves with the exit status. */
export async function main(args: string[], out: (line: string) => void = console.log,
  columns: number | undefined = process.stdout.columns): Promise<number> {
  let parsed: CommandLine;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: OPTIONS });
  } catch (err) {
    out(`cdk-threat-detection-replay: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    USAGE.split('\n').forEach((l) => out(l));
    return 0;
  }
  let result: LandingZoneReplayResult;
  let width = 100;
  try {
    width = count(parsed.values.width, 'width') ?? (columns && columns > 40 ? columns : 100);
    result = await run(parsed, (line) => wrap(line, width).forEach((l) => out(l)));
  } catch (err) {
    if (err instanceof ReplayInputError || err instanceof OrganizationFileError) {
      out(`cdk-threat-detection-replay: ${err.message}`);
      return 2;
    }
    out(`cdk-threat-detection-replay: the replay could not go on (its own limit or error, not a failure of your stacks): ${(err as Error).message}`);
    return 3;
  }
  try {
    return summarize(result, (line) => wrap(line, width).forEach((l) => out(l)));
  } finally {
    await result.close();
  }
}

/** Replay the assemblies the command line names, writing each event and each step's state. */
async function run({ values, positionals }: CommandLine, write: (line: string) => void): Promise<LandingZoneReplayResult> {
  if (!values.organization) throw new ReplayInputError('--organization <file> is required: the organization the landing zone runs in');
  if (positionals.length === 0) throw new ReplayInputError('give at least one cloud assembly directory (cdk.out)');
  const organization = readOrganizationFile(values.organization);
  const accounts = declaredAccounts(organization);
  const faults: ReplayFaults = {
    throttle: count(values.throttle, 'throttle'),
    serverErrors: count(values['server-errors'], 'server-errors'),
    lostAnswers: count(values['lost-answers'], 'lost-answers'),
    listLagMs: count(values['list-lag'], 'list-lag'),
    settleMs: count(values.settle, 'settle'),
  };
  const resourcesToSkip = values['resources-to-skip']?.split(',').map((id) => id.trim()).filter((id) => id !== '');
  if (resourcesToSkip && !values['continue-rollback']) throw new ReplayInputError('--resources-to-skip goes with --continue-rollback');
  return replayLandingZone({
    organization,
    assemblies: positionals,
    destroy: !values['no-destroy'],
    continueRollback: values['continue-rollback'] ? { resourcesToSkip } : undefined,
    onNote: (note) => write(`  ${note}`),
    concurrency: count(values.concurrency, 'concurrency'),
    faults,
    onEvent: (e) => write(eventLine(e)),
    onStep: async (step, api) => {
      const title = step.kind === 'before' ? 'Before: the organization, and what exists in it'
        : step.kind === 'deploy' ? `After deploying ${step.assembly} (${step.assemblyIndex === 1 ? 'create' : 'update'})`
          : 'After destroy';
      if (!values.quiet) {
        write(`\n${title}:`);
        await printState(api, accounts, step.region, write);
        if (step.regions.length > 1) {
          write(`  Coverage of the organization, by Region (${step.regions.length} Regions):`);
          formatCoverage(await readCoverage(api, organization.managementAccount.id, step.regions)).forEach((l) => write(l));
        }
      }
      if (step.kind === 'before' || (step.kind === 'deploy' && step.assemblyIndex! < positionals.length)) {
        const next = step.kind === 'before' ? 1 : step.assemblyIndex! + 1;
        write(`\n${next}. Deploy ${positionals[next - 1]} (${next === 1 ? 'create' : 'update'})`);
      } else if (step.kind === 'deploy' && !values['no-destroy']) {
        write('\nDestroy');
      }
    },
  });
}

/** Write the failures, warnings and totals; the exit status. */
function summarize(result: LandingZoneReplayResult, write: (line: string) => void): number {
  for (const f of result.failures) write(`FAILED ${f.message}`);
  for (const w of result.warnings) write(`warning: ${w}`);
  const failedEvents = result.events.filter((e) => e.status === 'FAILED').length;
  const decisions = result.api.calls.flatMap((c) => c.authorization);
  write(`\n${result.ok ? 'OK' : 'FAILED'}: ${result.events.length} custom resource events (${failedEvents} failed), `
    + `${result.failures.length} failed stack operation(s), ${result.api.calls.length} API calls, `
    + `${decisions.filter((d) => d.decision !== 'Allowed').length} of ${decisions.length} IAM decisions denied`);
  return result.ok ? 0 : 1;
}

function eventLine(e: ReplayEvent): string {
  const reason = e.reason ? ` (${e.reason})` : '';
  return `  ${e.stack} ${e.requestType} ${e.resourceType} ${e.logicalId}: ${e.status} ${e.physicalId}${reason}`;
}
