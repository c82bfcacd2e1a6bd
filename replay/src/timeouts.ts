/**
 * A test timeout (jest's, or any runner's) for a test that replays about `events` custom resource
 * events: derived from the work, not from how fast this machine is today. An event takes about 0.1 s of wall time on a
 * quiet 2-core machine (0.25 s for a cold start); the bound allows 5 s each, and 30 s for the
 * synth and setup around them, so a loaded machine never fails a test that would pass.
 */
export function replayTimeout(events: number): number {
  return 30_000 + events * 5_000;
}
