/**
 * The README's findings example, run as written (its TypeScript transpiled, its imports of this
 * package mapped to the sources), passes cdk-nag's AwsSolutions with nothing acknowledged by the
 * user: what a reader copies does not fail their gate.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ts from 'typescript';
import { allFindings } from './nag';
import * as guardduty from '../../src/aws-guardduty';

const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const PACKAGE = { 'cdk-threat-detection': '../../src', 'cdk-threat-detection/aws-guardduty': '../../src/aws-guardduty' };

/** The README's TypeScript block that contains `marker`. */
function example(marker: string): string {
  const blocks = [...README.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).filter((b) => b.includes(marker));
  expect(blocks).toHaveLength(1);
  return blocks[0];
}

test('the findings example (topic, dead-letter queue, malware scans) finds nothing under AwsSolutions', () => {
  const app = new App();
  const stack = new Stack(app, 'Alerts', { env: { account: '222222222222', region: 'eu-west-1' } });
  const detector = new guardduty.Detector(stack, 'Detector');
  const js = ts.transpileModule(example("detector.onFinding('HighSeverity'"), { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the example's own imports, resolved as Node.js would
  const load = (id: string) => require(id in PACKAGE ? (PACKAGE as Record<string, string>)[id] : id);
  new Function('require', 'exports', 'stack', 'detector', js)(load, {}, stack, detector);
  expect(stack.node.tryFindChild('SecurityAlerts')).toBeDefined();
  expect(allFindings(app, [stack], 'AwsSolutionsChecks')).toEqual([]);
});
