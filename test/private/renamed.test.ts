/**
 * Every name renamed or removed since 0.1.0 fails for a JavaScript user at synth (or on use),
 * naming the new one; and the CHANGELOG's migration table lists each.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { aws_detective as detective, aws_guardduty as guardduty } from '../../src';
import { RENAMED, RENAMED_IN } from '../../src/private/renamed';

/** A construct per owner, built with the props a JavaScript user of 0.1.0 would still pass. */
const BUILD: Record<string, (scope: Construct, props: object) => Construct> = {
  'aws_guardduty.Detector': (s, p) => new guardduty.Detector(s, 'Detector', p as guardduty.DetectorProps),
  'aws_guardduty.OrganizationAdminAccount': (s, p) => new guardduty.OrganizationAdminAccount(s, 'Admin', p as guardduty.OrganizationAdminAccountProps),
  'aws_detective.OrganizationAdminAccount': (s, p) => new detective.OrganizationAdminAccount(s, 'Admin', p as detective.OrganizationAdminAccountProps),
};
const CLASSES: Record<string, unknown> = {
  'aws_guardduty.IpSet': guardduty.IpSet,
  'aws_guardduty.ThreatIntelSet': guardduty.ThreatIntelSet,
  'aws_guardduty.PublishingDestination': guardduty.PublishingDestination,
};
const MODULES: Record<string, unknown> = { aws_guardduty: guardduty, aws_detective: detective };

/** The first word of what to use instead (`enabled`, `IpSet.fromIpSetAttributes(...)`, `ListSource`). */
const newName = (use: string) => /^[\w.]+/.exec(use)![0];

const stack = () => new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'us-east-1' } });

describe.each(RENAMED.filter((e) => e.kind === 'property').map((e) => [`${e.owner} { ${e.old} }`, e] as const))('%s', (_, entry) => {
  test('fails at synth naming the new property and the value given', () => {
    const props = { administratorAccountId: '222222222222', [entry.old]: entry.old === 'enable' ? false : '222222222222' };
    expect(BUILD[entry.owner]).toBeDefined();
    expect(() => BUILD[entry.owner](stack(), props)).toThrow(
      new RegExp(`the property \`${entry.old}\` was renamed or removed in ${RENAMED_IN.replace(/\./g, '\\.')}; use ${newName(entry.use)}\\b.* Got ${entry.old}: `));
  });
});

test('enable: false (0.1.0\'s suspended detector) is refused, not deployed enabled', () => {
  expect(() => new guardduty.Detector(stack(), 'D', { enable: false } as guardduty.DetectorProps)).toThrow(/use enabled\b.*Got enable: false/);
});

test('the new names still work', () => {
  const s = stack();
  expect(new guardduty.Detector(s, 'D', { enabled: false }).node.id).toBe('D');
  expect(new guardduty.OrganizationAdminAccount(s, 'G', { administratorAccountId: '222222222222' }).administratorAccountId).toBe('222222222222');
});

describe.each(RENAMED.filter((e) => e.kind === 'attribute').map((e) => [`${e.owner}.${e.old}`, e] as const))('%s', (_, entry) => {
  test('reading it throws, naming the new attribute', () => {
    const admin = BUILD[entry.owner](stack(), { administratorAccountId: '222222222222' }) as unknown as Record<string, unknown>;
    expect(() => admin[entry.old]).toThrow(`use ${entry.use}`);
    expect(Object.keys(admin)).not.toContain(entry.old);
  });
});

describe.each(RENAMED.filter((e) => e.kind === 'static').map((e) => [`${e.owner}.${e.old}()`, e] as const))('%s', (_, entry) => {
  test('calling it throws, naming the new method', () => {
    const cls = CLASSES[entry.owner] as Record<string, (...args: unknown[]) => unknown>;
    expect(cls).toBeDefined();
    expect(() => cls[entry.old](stack(), 'Imported', 'detector', 'id')).toThrow(`use ${entry.use}`);
  });
});

describe.each(RENAMED.filter((e) => e.kind === 'type').map((e) => [`${e.owner}.${e.old}`, e] as const))('%s', (_, entry) => {
  test('reading it throws, naming the new type; it is not enumerated', () => {
    const module = MODULES[entry.owner] as Record<string, unknown>;
    expect(() => module[entry.old]).toThrow(`use ${entry.use}`);
    expect(Object.keys(module)).not.toContain(entry.old);
  });
});

test('the CHANGELOG\'s migration table names every old and new name', () => {
  const changelog = fs.readFileSync(path.join(__dirname, '..', '..', 'CHANGELOG.md'), 'utf8');
  const named = (word: string) => new RegExp(`\`[^\`\n]*\\b${word}\\b[^\`\n]*\``).test(changelog);
  const missing = RENAMED.filter((e) => !named(e.old) || !named(newName(e.use).split('.').pop()!))
    .map((e) => `${e.owner} ${e.old}`);
  expect(missing).toEqual([]);
});
