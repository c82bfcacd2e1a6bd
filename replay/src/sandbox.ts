/**
 * Lambda execution environments for the replay: one Node.js process per environment, running
 * `./lambda-runtime.js`, kept warm between the events of one function as Lambda keeps a sandbox.
 *
 * Lambda reuses an environment for the next invocation of the same function version and
 * configuration, and starts a new one (a cold start) for a new configuration, after a crash or a
 * timeout, or when every environment is busy. The pool does the same: an environment is keyed by
 * the function's identity and configuration (stack, physical id, properties, code folder), taken
 * when idle, and dropped when its invocation ended by timeout or crash.
 *
 * Each environment's waits run on the emulator's clock: its runtime asks for every sleep, and the
 * pool advances the clock instead of sleeping (see `./lambda-runtime.js`). With several invocations
 * under way at once (stacks deployed concurrently), the clock moves only when every one of them is
 * waiting, to the earliest wake-up, which then resumes alone: time passes for all as it would in
 * AWS, whatever order the processes run in.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
 */
import { ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import { emulatorClock } from './local-api/clock';

/** What one invocation did, as its environment saw it. */
export interface InvocationOutcome {
  /** The environment was started for this invocation (a cold start). */
  readonly coldStart: boolean;
  /** Emulator time the handler's waits advanced during the invocation, ms. */
  readonly waitedMs: number;
  /** The handler's output during the invocation, and the runtime's own failure if any. */
  readonly output: string;
  /** The invocation ran past the function's timeout and the environment was stopped. */
  readonly timedOut: boolean;
  /** The invocations the event took (more than one when it continued in new ones), where counted. */
  readonly invocations?: number;
}

/** An invocation for an environment: the code, the handler, the event, the function's timeout. */
export interface Invocation {
  readonly codeDir: string;
  readonly handler: string;
  readonly event: Record<string, unknown>;
  readonly timeoutMs: number;
  /** The function's ARN, as Lambda's context gives it (`invokedFunctionArn`). */
  readonly functionArn?: string;
}

/**
 * The emulator's time for concurrent work (a discrete-event clock). Each stack deployment under way
 * is a participant; it is busy (the replay's own work, or its handler running) or waiting (its
 * handler asked to sleep). The clock moves only when every participant waits, to the earliest
 * wake-up, which then resumes alone. So two stacks deployed at once see time pass as in AWS,
 * whichever process the machine runs first.
 */
class WaitScheduler {
  private readonly participants = new Set<string>();
  private readonly waiting = new Map<string, { readonly wakeAt: number; readonly resume: () => void }>();

  public join(participant: string): void {
    this.participants.add(participant);
  }

  public leave(participant: string): void {
    this.participants.delete(participant);
    this.waiting.get(participant)?.resume();
    this.waiting.delete(participant);
    this.resumeNext();
  }

  /** Wait `ms` of emulator time for a participant; work outside any (an idle environment's leftovers) waits alone. */
  public async sleep(participant: string | undefined, ms: number): Promise<void> {
    if (participant === undefined || !this.participants.has(participant)) return emulatorClock.sleep(ms);
    return new Promise<void>((resume) => {
      this.waiting.set(participant, { wakeAt: emulatorClock.now() + ms, resume });
      this.resumeNext();
    });
  }

  private resumeNext(): void {
    if (this.waiting.size === 0 || ![...this.participants].every((p) => this.waiting.has(p))) return;
    const [participant, next] = [...this.waiting].reduce((x, y) => (y[1].wakeAt < x[1].wakeAt ? y : x));
    this.waiting.delete(participant);
    emulatorClock.advance(next.wakeAt - emulatorClock.now());
    next.resume();
  }
}

class Sandbox {
  private readonly child: ChildProcess;
  private output: string[] = [];
  private waitedMs = 0;
  private invocations = 0;
  private done?: (message: { ok: boolean; error?: string } | undefined) => void;
  /** Whose work the running invocation is (its waits are that participant's). */
  private participant?: string;
  private exited = false;

  constructor(public readonly env: Record<string, string | undefined>, private readonly waits: WaitScheduler) {
    this.child = fork(path.join(__dirname, 'lambda-runtime.js'), [], {
      // A plain node process, as Lambda's: not the parent's ts-node or jest arguments, whose
      // loading cost ~0.65 s of CPU per cold start before the event arrived.
      execArgv: [],
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child.stdout!.on('data', (d) => this.output.push(String(d)));
    this.child.stderr!.on('data', (d) => this.output.push(String(d)));
    this.child.on('message', (m: { type: string; id?: number; ms?: number; ok?: boolean; error?: string }) => {
      if (m.type === 'sleep') {
        this.waitedMs += m.ms!;
        void this.waits.sleep(this.participant, m.ms!).then(() => {
          if (!this.exited) this.child.send({ type: 'woke', id: m.id, offsetMs: emulatorClock.offsetMs });
        });
      } else if (m.type === 'done') {
        this.done?.({ ok: m.ok!, error: m.error });
      }
    });
    this.child.once('exit', () => {
      this.exited = true;
      this.done?.(undefined);
    });
  }

  /** Whether the environment can take another invocation. */
  public get alive(): boolean {
    return !this.exited;
  }

  /** Run one invocation; the environment is stopped if it outlives the function's timeout. */
  public async invoke(invocation: Invocation, participant?: string): Promise<InvocationOutcome> {
    const coldStart = this.invocations++ === 0;
    this.output = [];
    this.waitedMs = 0;
    const finished = new Promise<{ ok: boolean; error?: string } | undefined>((resolve) => { this.done = resolve; });
    let timedOut = false;
    // The function's timeout in real time: the handler's own timer answers before it (its waits
    // end by the invocation's deadline on the emulator's clock); this stops an environment whose
    // handler never returns, as Lambda stops it.
    const killer = setTimeout(() => { timedOut = true; this.kill(); }, invocation.timeoutMs);
    this.participant = participant;
    this.child.send({ type: 'invoke', offsetMs: emulatorClock.offsetMs, ...invocation });
    const result = await finished;
    this.participant = undefined;
    clearTimeout(killer);
    this.done = undefined;
    if (result && !result.ok) this.output.push(`runtime: ${result.error}\n`);
    if (!result && !timedOut) this.output.push('runtime: the environment exited during the invocation\n');
    return { coldStart, waitedMs: this.waitedMs, output: this.output.join(''), timedOut };
  }

  public kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

/** The warm environments of a replay, by function identity and configuration. */
export class SandboxPool {
  private readonly idle = new Map<string, Sandbox[]>();
  private readonly all = new Set<Sandbox>();
  private readonly waits = new WaitScheduler();

  /**
   * @param reuse keep environments warm between invocations (as Lambda does); off, every
   * invocation is a cold start in an environment of its own.
   */
  constructor(private readonly reuse: boolean) {}

  /**
   * Run an invocation in an idle environment of `key`, or in a new one started with `env()`.
   * `warm` is called with the environment's variables when an environment is reused (before the
   * invocation), e.g. to give its session the role's current policies; when it answers `false`
   * (the session is gone), the environment is stopped and a new one started.
   */
  public async invoke(key: string, env: () => Record<string, string | undefined>, invocation: Invocation,
    warm?: (env: Record<string, string | undefined>) => boolean, participant?: string): Promise<InvocationOutcome> {
    const idle = this.idle.get(key) ?? [];
    let sandbox = this.reuse ? idle.pop() : undefined;
    while (sandbox && !(sandbox.alive && (warm?.(sandbox.env) ?? true))) {
      this.stop(sandbox);
      sandbox = idle.pop();
    }
    if (!sandbox) {
      sandbox = new Sandbox(env(), this.waits);
      this.all.add(sandbox);
    }
    const outcome = await sandbox.invoke(invocation, participant);
    if (this.reuse && sandbox.alive && !outcome.timedOut) {
      this.idle.set(key, [...(this.idle.get(key) ?? []), sandbox]);
    } else {
      this.stop(sandbox);
    }
    return outcome;
  }

  private stop(sandbox: Sandbox): void {
    sandbox.kill();
    this.all.delete(sandbox);
  }

  /**
   * Work that takes emulator time from now until `endWork` (a stack's deployment): the clock moves
   * only while all such work waits (see `WaitScheduler`). Invocations name their work in `invoke`.
   */
  public beginWork(participant: string): void {
    this.waits.join(participant);
  }

  public endWork(participant: string): void {
    this.waits.leave(participant);
  }

  /** Stop every environment (work an invocation left running ends with it). */
  public close(): void {
    for (const sandbox of this.all) sandbox.kill();
    this.all.clear();
    this.idle.clear();
  }
}
