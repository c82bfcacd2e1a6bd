/**
 * What redaction costs on the largest and most hostile inputs a forged or huge event can hold, with
 * figures, not assertions (the shapes' correctness is `test/lambda/shared/log.test.ts`): each input
 * of about 1 MB rendered as the handler logs it (redacted, then JSON), the median of five runs.
 * The target is under 100 ms per 1 MB; the pattern it replaced took 6.6 s for 80,000 characters.
 */
import { redact, redactEvent } from '../lambda/shared/log';

const MB = 1_000_000;
const SHAPES: Record<string, () => unknown> = {
  '1 MB of "a@"': () => ({ s: 'a@'.repeat(MB / 2) }),
  '"a@b" and 1 MB of dashes': () => ({ s: `a@b${'-'.repeat(MB)}` }),
  '1 MB of dots and letters, no @': () => ({ s: 'a.'.repeat(MB / 2) }),
  '50,000 emails in a list': () => ({ list: Array.from({ length: 50_000 }, (_, i) => `user${i}@mail.example.com`) }),
  '1 MB of URLs with signatures': () => ({ s: 'https://x.example/y?X-Amz-Signature=1 '.repeat(MB / 40) }),
  'an event with 1 MB of properties': () => ({ RequestType: 'Create', ResourceProperties: { Accounts: Array.from({ length: 20_000 }, (_, i) => ({ AccountId: `${100000000000 + i}`, Email: `a${i}@example.com` })) } }),
  'nesting 100,000 deep': () => {
    let v: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) v = { next: v };
    return v;
  },
};

console.log('Redaction of a log line (redact, then JSON.stringify), median of 5:');
for (const [name, make] of Object.entries(SHAPES)) {
  const input = make();
  let size: string;
  try {
    size = `${(JSON.stringify(input).length / 1024).toFixed(0)} KiB`;
  } catch {
    size = 'too deep for JSON.stringify';
  }
  const times: number[] = [];
  let out = 0;
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    out = JSON.stringify(name.startsWith('an event') ? redactEvent(input) : redact(input)).length;
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(`  ${name}: ${size} in, ${(out / 1024).toFixed(1)} KiB logged, ${times[2].toFixed(1)} ms`);
}
