/**
 * One synth case of the member benchmark, in a process of its own (so no case runs warm on
 * another's JIT): `<form> <N>`, printing one JSON line: synth ms (modules already loaded),
 * template bytes, resources, custom resources, stacks.
 */
import { performance } from 'node:perf_hooks';
import { App, Stack } from 'aws-cdk-lib';
import * as cfnguardduty from 'aws-cdk-lib/aws-guardduty';
import { aws_guardduty as guardduty, MemberAccountSource } from '../src';

const ADMIN = '111111111111';
const REGION = 'us-east-1';
/** CloudFormation's limit on resources per stack. */
const MAX_RESOURCES = 500;
const accountId = (i: number) => String(600_000_000_000 + i);

const [form, n] = [process.argv[2], Number(process.argv[3])];
const ids = Array.from({ length: n }, (_, i) => accountId(i));
const start = performance.now();
const app = new App();
const stacks: Stack[] = [];
const newStack = () => {
  const stack = new Stack(app, `Administrator${stacks.length}`, { env: { account: ADMIN, region: REGION } });
  stacks.push(stack);
  return stack;
};
if (form === 'l1') {
  ids.forEach((id, i) => {
    const stack = i % MAX_RESOURCES === 0 ? newStack() : stacks[stacks.length - 1];
    new cfnguardduty.CfnMember(stack, `Member${i}`, { detectorId: '12abc34d567e8fa901bc2d34e56789f0', memberId: id, email: `m${i}@example.com`, status: 'Invited' });
  });
} else if (form === 'one-per-account') {
  // A stack holds 500 resources: the handler's function, role, policies and log group take a few.
  const perStack = MAX_RESOURCES - 10;
  let detector: guardduty.IDetector | undefined;
  ids.forEach((id, i) => {
    if (i % perStack === 0) {
      const stack = newStack();
      detector = guardduty.Detector.fromDetectorId(stack, 'Detector', '12abc34d567e8fa901bc2d34e56789f0');
    }
    new guardduty.MemberAccount(stacks[stacks.length - 1], `Member${i}`, { detector: detector!, accountId: id });
  });
} else {
  const stack = newStack();
  const detector = new guardduty.Detector(stack, 'Detector');
  new guardduty.MemberAccounts(stack, 'Members', {
    detector,
    accounts: form === 'by-ou' ? MemberAccountSource.fromOrganization({ parentIds: ['ou-ab12-workloads1'] })
      : MemberAccountSource.fromAccounts(ids.map((accountId_) => ({ accountId: accountId_ }))),
  });
}
const assembly = app.synth();
const ms = performance.now() - start;
const templates = stacks.map((s) => assembly.getStackByName(s.stackName).template);
const types = templates.flatMap((t) => Object.values<any>(t.Resources).map((r) => r.Type as string));
process.stdout.write(`${JSON.stringify({
  ms, bytes: templates.reduce((sum, t) => sum + Buffer.byteLength(JSON.stringify(t)), 0), resources: types.length,
  customResources: types.filter((t) => t.startsWith('Custom::')).length, stacks: stacks.length,
})}\n`);
