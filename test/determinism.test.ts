/**
 * Users snapshot their synthesized stacks: the same app must give byte-identical templates and
 * asset hashes from two clean builds of the handler, with nothing random or time-based.
 */
import { execSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildLandingZone, INITIAL } from '../examples/landing-zone/app';

const ROOT = path.join(__dirname, '..');

/** The project's own bundle command (from the projen task), writing to another file. */
function bundleTo(outfile: string): Buffer {
  const tasks = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf-8'));
  const command: string = tasks.tasks.bundle.steps.map((s: { exec: string }) => s.exec).find((c: string) => c.startsWith('esbuild'));
  expect(command).toContain('--outfile=assets/handler/index.js');
  execSync(`npx ${command.replace('--outfile=assets/handler/index.js', `--outfile=${outfile}`)}`, { cwd: ROOT, stdio: 'pipe' });
  return fs.readFileSync(outfile);
}

function synthesize(): Record<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'determinism-'));
  const app = new App({ outdir: dir });
  buildLandingZone(app, INITIAL);
  app.synth();
  const files = Object.fromEntries(fs.readdirSync(dir).filter((f) => f.endsWith('.json'))
    .map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf-8')]));
  fs.rmSync(dir, { recursive: true, force: true });
  return files;
}

test('two clean builds of the handler are byte-identical, and equal the shipped asset', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-'));
  const first = bundleTo(path.join(tmp, 'a', 'index.js'));
  const second = bundleTo(path.join(tmp, 'b', 'index.js'));
  expect(first.equals(second)).toBe(true);
  expect(first.equals(fs.readFileSync(path.join(ROOT, 'assets', 'handler', 'index.js')))).toBe(true);
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('two synths of the same app give identical templates and asset manifests', () => {
  // From one call site: the manifest records where constructs were made (newer aws-cdk-lib).
  const [a, b] = [1, 2].map(() => synthesize());
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  expect(Object.keys(a).filter((f) => f.endsWith('.template.json'))).toHaveLength(5);
  for (const file of Object.keys(a)) {
    expect([file, b[file]]).toEqual([file, a[file]]);
  }
});
