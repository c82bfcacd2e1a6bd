/**
 * The one invocation the handler is running: its deadline for work, what a create made so far, and
 * whether the answer is already sent.
 *
 * - **Deadline.** Every wait ends by the invocation's work deadline (the function's remaining time
 *   less the time kept to clean up and answer), so waits chained in one event (a set activating,
 *   then its deletion) never run past the function's timeout. A wait ended by it says so.
 * - **What a create made.** A create records the physical id of what it made as soon as the
 *   service answers. If the event then fails, or the function runs out of time, the FAILED answer
 *   carries that id, so CloudFormation's rollback Delete (a fresh invocation) removes exactly what
 *   was made, instead of a placeholder that deletes nothing.
 * - **Answered.** Once the entry point has answered (FAILED at the timeout), no further API call
 *   is made: the client middleware refuses it, so abandoned work stops instead of completing after
 *   CloudFormation was told it failed.
 *
 * The state belongs to the invocation, not to the module: Lambda reuses a warm execution
 * environment for the next event, and work an earlier invocation abandoned at its timeout resumes
 * there when the environment thaws. Each invocation's work runs in its own async context
 * (`AsyncLocalStorage`), so abandoned work still sees its own invocation answered, and the next
 * event's start does not make it live again.
 *
 * Outside the entry point (handler tests calling `dispatch`), there is no deadline.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
 */
import { AsyncLocalStorage } from 'node:async_hooks';

interface InvocationState {
  /** The work deadline, ms since the epoch on the handler's clock. */
  readonly deadline: number;
  /** What a create made, if anything. */
  made?: string;
  /** Whether the answer is sent. */
  answered: boolean;
  /** Which invocation of its event this is: 0 for CloudFormation's own, 1 and on for continuations (see continuation.ts). */
  readonly attempt: number;
  /** Whether the event may continue in a new invocation (its type and request allow it, see continuation.ts). */
  readonly continuable: boolean;
  /** What to undo if the event, out of time, cannot continue after all (set by the work that stopped). */
  undo?: () => Promise<void>;
  /** When the event's work began, as CloudFormation says (see event-verification.ts `since`); undefined when it does not say. */
  readonly since?: number;
}

const invocations = new AsyncLocalStorage<InvocationState>();

/** What code outside an invocation sees (handler tests calling `dispatch` directly). */
const OUTSIDE: InvocationState = { deadline: Number.POSITIVE_INFINITY, answered: false, attempt: 0, continuable: false };

function current(): InvocationState {
  return invocations.getStore() ?? OUTSIDE;
}

/**
 * Run `work` as one invocation with its work deadline (ms since the epoch, on the handler's clock):
 * everything it starts, including timers and work it abandons, sees this invocation's state.
 */
export function runInvocation<T>(workDeadline: number, work: () => T, attempt = 0, continuable = false, since?: number): T {
  return invocations.run({ deadline: workDeadline, answered: false, attempt, continuable, since }, work);
}

/**
 * When the running event's work began, across its invocations (ms since the epoch, from
 * CloudFormation's resource status); `fallback` when CloudFormation did not say or outside an
 * invocation. A wait that is the whole of its event's work (a plan's status) counts its bound
 * from here, so a continuation waits only what is left of it.
 */
export function eventStartedAt(fallback: number): number {
  const since = current().since;
  return since !== undefined && since <= fallback ? since : fallback;
}

/** Whether the running event may continue in a new invocation when this one's time is over. */
export function eventMayContinue(): boolean {
  return current().continuable;
}

/**
 * Work that stopped to continue in a new invocation leaves what to undo should the continuation
 * not happen (Lambda refusing the invocation): the entry point runs it before answering FAILED.
 */
export function undoIfNotContinued(undo: () => Promise<void>): void {
  current().undo = undo;
}

/** Undo what the stopped work left (see `undoIfNotContinued`); nothing when it left nothing. */
export async function undoStoppedWork(): Promise<void> {
  const undo = current().undo;
  current().undo = undefined;
  await undo?.();
}

/** Whether this invocation continues an event an earlier invocation ran out of time for. */
export function isContinuation(): boolean {
  return current().attempt > 0;
}

/** The work deadline of the running invocation (infinite outside one). */
export function invocationDeadline(): number {
  return current().deadline;
}

/** A create made this resource: a failure from here on answers with its physical id. */
export function madeResource(physicalResourceId: string): void {
  current().made = physicalResourceId;
}

/** What the running create made, if anything. */
export function madePhysicalId(): string | undefined {
  return current().made;
}

/** The answer is sent: no further API call in this invocation. */
export function markAnswered(): void {
  current().answered = true;
}

/** Whether the invocation this code runs in has answered. */
export function isAnswered(): boolean {
  return current().answered;
}
