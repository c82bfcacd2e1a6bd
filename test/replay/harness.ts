/**
 * The jest lifecycle replay tests share: one local API per test file, a fresh replay (and service
 * state) per test, and apps synthesized into temporary cloud assemblies removed afterwards.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { CloudFormationReplay } from './replay';
import { LocalApi } from '../local-api/server';

/**
 * A jest timeout for a test that replays about `events` custom resource events: derived from the
 * work, not from how fast this machine is today. An event takes about 0.1 s of wall time on a
 * quiet 2-core machine (0.25 s for a cold start); the bound allows 5 s each, and 30 s for the
 * synth and setup around them, so a loaded machine never fails a test that would pass.
 */
export function replayTimeout(events: number): number {
  return 30_000 + events * 5_000;
}

export interface ReplayHarness {
  /** The local API of the test file (its state reset before each test). */
  readonly api: LocalApi;
  /** The test's replay. */
  readonly replay: CloudFormationReplay;
  /** Start another replay over the same service state (another app: the first one's stacks stay deployed). */
  renew(): Promise<void>;
  /** Synthesize one stack, `stackName` in `account`/`region`, built by `build`; returns the assembly directory. */
  synth(build: (stack: Stack) => void): string;
}

/** Register the lifecycle hooks; the returned object's `api` and `replay` are live during tests. */
export function useReplay(stackName: string, env: { readonly account: string; readonly region: string }): ReplayHarness {
  const dirs: string[] = [];
  let api: LocalApi | undefined;
  let replay: CloudFormationReplay | undefined;
  beforeAll(async () => {
    api = await new LocalApi().start();
  });
  beforeEach(() => {
    api!.reset();
    replay = new CloudFormationReplay({ api: api! });
  });
  afterEach(() => replay!.close());
  afterAll(async () => {
    await api!.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  return {
    get api() { return api!; },
    get replay() { return replay!; },
    async renew() {
      await replay!.close();
      replay = new CloudFormationReplay({ api: api! });
    },
    synth(build) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `replay-${stackName.toLowerCase()}-`));
      dirs.push(dir);
      const app = new App({ outdir: dir });
      build(new Stack(app, stackName, { env }));
      app.synth();
      return dir;
    },
  };
}
