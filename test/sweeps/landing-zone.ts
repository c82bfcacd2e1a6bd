/**
 * What the sweeps share: the landing-zone example synthesized into a temporary cloud assembly (with
 * the stacks in deployment order), and one local API for a sweep file, the handler's logs kept out
 * of the output.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildLandingZone, LandingZoneSettings } from '../../examples/landing-zone/app';
import { LocalApi, replayTimeout } from '../../replay/src';

/**
 * The timeout of one test of the example's lifecycle: deploy, update and destroy (56 events), and
 * a second deployment or a rollback on top (see `replayTimeout`).
 */
export const LIFECYCLE_TIMEOUT_MS = replayTimeout(2 * 56);

/** A synthesized landing zone: its assembly folder and its stacks in deployment order. */
export interface SynthesizedLandingZone {
  readonly dir: string;
  readonly stacks: string[];
}

/** Synthesize the example with the given settings into a new temporary folder. */
export function synthLandingZone(settings: LandingZoneSettings, prefix: string): SynthesizedLandingZone {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const app = new App({ outdir: dir });
  const stacks = buildLandingZone(app, settings).map((s) => s.stackName);
  app.synth();
  return { dir, stacks };
}

/**
 * Register the sweep file's hooks: a local API started before its tests and stopped after, the
 * assemblies' folders removed, and `summary()` printed at the end. Returns the API's accessor.
 */
export function sweepFixture(assemblies: ReadonlyArray<SynthesizedLandingZone>, summary: () => string): () => LocalApi {
  let api: LocalApi | undefined;
  beforeAll(async () => {
    api = await new LocalApi().start();
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterAll(async () => {
    await api?.stop();
    for (const a of assemblies) fs.rmSync(a.dir, { recursive: true, force: true });
    process.stdout.write(summary());
  });
  return () => {
    if (!api) throw new Error('the local API is started in beforeAll');
    return api;
  };
}
