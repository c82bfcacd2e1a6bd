/**
 * The jest lifecycle replay tests share: one local API per test file, a fresh replay (and service
 * state) per test, and apps synthesized into temporary cloud assemblies removed afterwards.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { LocalApi } from '../src/local-api/server';
import { CloudFormationReplay } from '../src/replay';

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
