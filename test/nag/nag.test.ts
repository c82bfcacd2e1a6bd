/**
 * A landing-zone pipeline that gates on cdk-nag passes with no acknowledgement written by the
 * user: every pack cdk-nag ships, over the example and an app with every construct, finds
 * nothing the library did not satisfy or acknowledge (with its reason).
 */
import { App } from 'aws-cdk-lib';
import { allFindings, CDK_NAG_MAJOR, findings, PACKS } from './nag';
import { buildLandingZone, INITIAL } from '../../examples/landing-zone/app';
import { everyConstruct } from '../fixtures/every-construct';

test.each(Object.keys(PACKS))(`cdk-nag ${CDK_NAG_MAJOR}: %s finds nothing in the landing-zone example`, (pack) => {
  const app = new App();
  expect(findings(app, buildLandingZone(app, INITIAL), pack)).toEqual([]);
});

test.each(Object.keys(PACKS))(`cdk-nag ${CDK_NAG_MAJOR}: %s finds nothing in an app with every construct`, (pack) => {
  const app = new App();
  expect(findings(app, everyConstruct(app), pack)).toEqual([]);
});

test(`cdk-nag ${CDK_NAG_MAJOR}: the harness sees findings, and only the apps' own resources are left out`, () => {
  const app = new App();
  const all = allFindings(app, everyConstruct(app), 'HIPAASecurityChecks');
  // The fixture's own buckets are not compliant (not the library's to make so), and are reported.
  expect(all).toEqual(expect.arrayContaining([expect.stringMatching(/^Security\/Lists\/Resource HIPAA\.Security-S3BucketSSLRequestsOnly/)]));
  expect(all.filter((f) => !/^(Security\/(Lists|Findings|Alerts|AlertsDlq)|Member\/(Vpc|LogKey))\//.test(f))).toEqual([]);
});
