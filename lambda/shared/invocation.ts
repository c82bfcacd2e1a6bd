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
 * Outside the entry point (handler tests calling `dispatch`), there is no deadline.
 */
let deadline = Number.POSITIVE_INFINITY;
let made: string | undefined;
let answered = false;

/** Start an invocation: its work deadline (ms since the epoch, on the handler's clock). */
export function startInvocation(workDeadline: number): void {
  deadline = workDeadline;
  made = undefined;
  answered = false;
}

/** The work deadline of the running invocation (infinite outside one). */
export function invocationDeadline(): number {
  return deadline;
}

/** A create made this resource: a failure from here on answers with its physical id. */
export function madeResource(physicalResourceId: string): void {
  made = physicalResourceId;
}

/** What the running create made, if anything. */
export function madePhysicalId(): string | undefined {
  return made;
}

/** The answer is sent: no further API call. */
export function markAnswered(): void {
  answered = true;
}

export function isAnswered(): boolean {
  return answered;
}
