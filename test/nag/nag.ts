/**
 * cdk-nag's packs over an app, with cdk-nag 2 (an Aspect; findings as annotations) or cdk-nag 3
 * (a policy validation plugin; findings in the validation report synth fails with), whichever
 * `cdk-nag` resolves to: the versions matrix runs these tests with both.
 */
import * as fs from 'node:fs';
import * as cdk from 'aws-cdk-lib';
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as cdkNag from 'cdk-nag';
import { IConstruct } from 'constructs';
import { aws_detective as detective, aws_guardduty as guardduty } from '../../src';

/** cdk-nag 2 or 3, whichever resolves (their exports differ). */
const nag: any = cdkNag;
/** `Validations` exists only in newer aws-cdk-lib. */
const core: any = cdk;

/** cdk-nag 3 removed `NagSuppressions` in favour of aws-cdk-lib's `Validations.of(...).acknowledge`. */
export const CDK_NAG_MAJOR = nag.NagSuppressions ? 2 : 3;

/** The packs cdk-nag ships, by class name, with the rule-id prefix of their findings. */
export const PACKS: Record<string, string> = {
  AwsSolutionsChecks: 'AwsSolutions-',
  HIPAASecurityChecks: 'HIPAA.Security-',
  NIST80053R4Checks: 'NIST.800.53.R4-',
  NIST80053R5Checks: 'NIST.800.53.R5-',
  PCIDSS321Checks: 'PCI.DSS.321-',
  ServerlessChecks: 'Serverless-',
};

/** One unacknowledged finding: `<construct path> <rule id>[<finding>]`. */
export type Finding = string;

/** The library's public construct classes. */
const LIBRARY_CLASSES = new Set<unknown>([...Object.values(guardduty), ...Object.values(detective)].filter((v) => typeof v === 'function'));

/**
 * Whether a construct path is the library's: the stack's handler, or inside a construct of the
 * library. The apps' own buckets and keys are the user's to make compliant.
 */
function isLibrary(app: App, constructPath: string): boolean {
  let c: IConstruct | undefined = app.node.findAll().find((x) => x.node.path === constructPath);
  for (; c; c = c.node.scope) {
    if (c.node.id === 'CdkThreatDetectionProvider' || LIBRARY_CLASSES.has(c.constructor)) return true;
  }
  return false;
}

/**
 * Synthesize the app with one pack and return what it reports on the library's resources that
 * nothing acknowledged.
 */
export function findings(app: App, stacks: Stack[], pack: keyof typeof PACKS): Finding[] {
  return allFindings(app, stacks, pack).filter((f) => isLibrary(app, f.split(' ')[0]));
}

/** Everything the pack reports that nothing acknowledged, the apps' own resources included. */
export function allFindings(app: App, stacks: Stack[], pack: keyof typeof PACKS): Finding[] {
  if (CDK_NAG_MAJOR === 2) {
    Aspects.of(app).add(new nag[pack]());
    app.synth();
    return stacks.flatMap((stack) => {
      const found = [
        ...Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp(`${PACKS[pack]}.*`)),
        ...Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(`${PACKS[pack]}.*`)),
      ];
      return found.map((f) => `${f.id.replace(/^\//, '')} ${String(f.entry.data).split(':')[0]}`);
    });
  }
  core.Validations.of(app).addPlugins(new nag[pack](app));
  try {
    app.synth();
    return [];
  } catch (err) {
    const report = /can be found in: (\S+)/.exec((err as Error).message)?.[1];
    if (!report) throw err;
    const json = JSON.parse(fs.readFileSync(report, 'utf-8'));
    return json.pluginReports.flatMap((r: any) => r.violations.flatMap((v: any) =>
      v.violatingConstructs.map((c: any) => `${c.constructPath} ${v.ruleName}`)));
  }
}
