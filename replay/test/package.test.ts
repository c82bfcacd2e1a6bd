/**
 * The replay as a user installs it: the companion package `cdk-threat-detection-replay` packed
 * (../pack.ts), installed from the tarball into a fresh directory, and run there
 * over a user-style app's cloud assembly with one command, its exit status the outcome; its typed
 * API required and type-checked from the installed package.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { aws_guardduty as guardduty } from '../../src';
import { packageReplay } from '../pack';

// Packs, installs from the tarball and replays: minutes of work on a loaded machine, not seconds.
jest.setTimeout(240_000);

let user: string;
let tarball: string;

beforeAll(() => {
  tarball = packageReplay();
  user = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-user-'));
  fs.writeFileSync(path.join(user, 'package.json'), JSON.stringify({ name: 'my-landing-zone', version: '1.0.0', private: true }));
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: user, stdio: 'pipe' });
  // The user's app, synthesized as `cdk synth` would (cdk.out), and their organization file.
  const app = new App({ outdir: path.join(user, 'cdk.out') });
  const stack = new Stack(app, 'Security', { env: { account: '222222222222', region: 'eu-west-1' } });
  const detector = new guardduty.Detector(stack, 'Detector', { removalPolicy: RemovalPolicy.DESTROY });
  detector.addTrustedEntitySet('Partners', { source: guardduty.ListSource.fromEntries(['updates.example.com']) });
  app.synth();
  fs.writeFileSync(path.join(user, 'organization.json'), JSON.stringify({
    managementAccount: { id: '111111111111', email: 'management@example.com' },
    accounts: [{ id: '222222222222', email: 'security@example.com', name: 'security' }],
  }));
});
afterAll(() => fs.rmSync(user, { recursive: true, force: true }));

/** `npx cdk-threat-detection-replay <args>` in the user's directory. */
function npx(args: string[]): { status: number | null; output: string } {
  const result = spawnSync('npx', ['--no-install', 'cdk-threat-detection-replay', ...args], { cwd: user, encoding: 'utf-8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

test('the tarball: the command, its typed API and declarations, the models with their licence; nothing of the repository\'s tests', () => {
  const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf-8' }).split('\n').filter(Boolean).sort();
  expect(listing).toEqual(expect.arrayContaining([
    'package/bin/cdk-threat-detection-replay.js', 'package/lib/cli.js', 'package/lib/index.js', 'package/lib/lambda-runtime.js',
    'package/lib/models/guardduty-2017-11-28.service-2.json', 'package/lib/models/LICENSE-botocore.txt', 'package/lib/models/NOTICE-botocore.txt',
    'package/types/replay/src/index.d.ts', 'package/README.md', 'package/LICENSE', 'package/package.json', 'package/npm-shrinkwrap.json',
  ]));
  // Nothing of the repository's tests, nor the library's construct sources.
  expect(listing.filter((f) => /\.test\.|\/sweeps\/|\/test\/|^package\/types\/src\//.test(f))).toEqual([]);
  console.info(`cdk-threat-detection-replay: ${fs.statSync(tarball).size.toLocaleString('en-US')} bytes packed, ${listing.length} files`);
});

test('one command replays the user\'s app from the installed package: create, destroy, exit 0', () => {
  const { status, output } = npx(['--organization', 'organization.json', '--quiet', '--width', '300', 'cdk.out']);
  expect(output).toMatch(/^ {2}Security Create Custom::GuardDutyTrustedEntitySet DetectorPartners\w+: SUCCESS /m);
  expect(output).toMatch(/^OK: 4 custom resource events \(0 failed\), 0 failed stack operation\(s\)/m);
  expect(status).toBe(0);
});

test('bad input from the installed command: exit 2 and what is wrong', () => {
  expect(npx(['--organization', 'organization.json', 'no-such-cdk.out'])).toEqual({
    status: 2, output: expect.stringContaining('no-such-cdk.out is not a cloud assembly (no manifest.json)'),
  });
  expect(npx(['--deploy'])).toEqual({ status: 2, output: expect.stringContaining('Unknown option \'--deploy\'') });
  expect(npx(['--help'])).toEqual({ status: 0, output: expect.stringContaining('Usage: cdk-threat-detection-replay --organization <file>') });
});

test('the typed API from the installed package, type-checked against its declarations', () => {
  fs.writeFileSync(path.join(user, 'replay-test.ts'), `
import { readOrganizationFile, replayLandingZone, ReplayEvent } from 'cdk-threat-detection-replay';

async function run(): Promise<void> {
  const events: ReplayEvent[] = [];
  const result = await replayLandingZone({
    organization: readOrganizationFile('organization.json'),
    assemblies: ['cdk.out'],
    onEvent: (e) => events.push(e),
    onStep: (step, api) => {
      if (step.kind === 'deploy') console.log('detectors', api.guardduty.detectors('222222222222', step.region).length);
    },
  });
  console.log('ok', result.ok, 'events', events.length);
  await result.close();
}
run().catch((e) => { console.error(e); process.exit(1); });
`);
  const tsc = path.join(__dirname, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '--ignoreConfig', '--strict', '--skipLibCheck', '--module', 'node16', '--moduleResolution', 'node16',
    '--target', 'es2022', '--types', 'node', '--typeRoots', path.join(__dirname, '..', '..', 'node_modules', '@types'), 'replay-test.ts'],
  { cwd: user, stdio: 'pipe' });
  const out = execFileSync(process.execPath, ['replay-test.js'], { cwd: user, encoding: 'utf-8' });
  expect(out).toMatch(/^detectors 1$/m);
  expect(out).toMatch(/^ok true events 4$/m);
});
