/**
 * The protection-plan catalogue (src/private/features.ts) against the service model the SDK is
 * built from, and against the public interfaces: a plan the model has is in the catalogue (or
 * listed here with the reason it is not), every catalogue name is the model's, and every
 * property of `DetectorFeatures` and `OrganizationFeatures` is a catalogue entry.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EKS_RUNTIME_MONITORING, renderFeatures, renderOrganizationFeatures, RUNTIME_MONITORING, SIMPLE_FEATURES } from '../../src/private/features';

const model = JSON.parse(fs.readFileSync(path.join(__dirname, '../../replay/src/local-api/models/guardduty-2017-11-28.service-2.json'), 'utf-8'));
const enumOf = (shape: string): string[] => model.shapes[shape].enum;

/** Model features the library does not expose, with why. */
const NOT_EXPOSED: Record<string, string> = {
  AI_ANALYST: 'in DetectorFeature but not in OrgFeature, and not among the protection plans of the GuardDuty user guide',
};

const catalogue: string[] = [...SIMPLE_FEATURES.map((f) => f.api), RUNTIME_MONITORING.api, EKS_RUNTIME_MONITORING.api];

test('every detector feature of the model is in the catalogue or listed as not exposed', () => {
  const model_ = enumOf('DetectorFeature');
  expect(model_.filter((f) => !catalogue.includes(f) && !(f in NOT_EXPOSED))).toEqual([]);
  expect(catalogue.filter((f) => !model_.includes(f))).toEqual([]);
});

test('every organization feature of the model but the deprecated EKS Runtime Monitoring renders from OrganizationFeatures', () => {
  const all = renderOrganizationFeatures({
    s3DataEvents: 'ALL' as any,
    eksAuditLogs: 'ALL' as any,
    ebsMalwareProtection: 'ALL' as any,
    rdsLoginEvents: 'ALL' as any,
    lambdaNetworkLogs: 'ALL' as any,
    aiProtection: 'ALL' as any,
    runtimeMonitoring: { autoEnable: 'ALL' as any, eksAddonManagement: 'NEW' as any, ecsFargateAgentManagement: 'NEW' as any, ec2AgentManagement: 'NEW' as any },
  })!;
  expect(all.map((f) => f.Name).sort()).toEqual(enumOf('OrgFeature').filter((f) => f !== 'EKS_RUNTIME_MONITORING').sort());
  expect(all.find((f) => f.Name === 'RUNTIME_MONITORING')!.AdditionalConfiguration!.map((a) => a.Name).sort())
    .toEqual([...enumOf('OrgFeatureAdditionalConfiguration')].sort());
});

test('every detector feature renders from DetectorFeatures, with its additional configuration from the model', () => {
  const all = renderFeatures({
    s3DataEvents: true,
    eksAuditLogs: false,
    ebsMalwareProtection: true,
    rdsLoginEvents: true,
    lambdaNetworkLogs: true,
    aiProtection: true,
    runtimeMonitoring: { enabled: true, eksAddonManagement: true, ecsFargateAgentManagement: false, ec2AgentManagement: true },
  })!;
  expect(all.map((f) => f.Name).sort()).toEqual(catalogue.filter((f) => f !== 'EKS_RUNTIME_MONITORING').sort());
  expect(all.find((f) => f.Name === 'EKS_AUDIT_LOGS')!.Status).toBe('DISABLED');
  expect(all.find((f) => f.Name === 'RUNTIME_MONITORING')!.AdditionalConfiguration!.map((a) => a.Name).sort())
    .toEqual([...enumOf('FeatureAdditionalConfiguration')].sort());
});

test('each public features interface names exactly the catalogue properties', () => {
  const source = fs.readFileSync(path.join(__dirname, '../../src/aws-guardduty/features.ts'), 'utf-8');
  const keysOf = (iface: string) => [...source.slice(source.indexOf(`export interface ${iface} {`)).split('\n}')[0]
    .matchAll(/readonly (\w+)\?:/g)].map((m) => m[1]).sort();
  const simple = SIMPLE_FEATURES.map((f) => f.property);
  expect(keysOf('DetectorFeatures')).toEqual([...simple, RUNTIME_MONITORING.property, EKS_RUNTIME_MONITORING.property].sort());
  expect(keysOf('OrganizationFeatures')).toEqual([...simple, RUNTIME_MONITORING.property].sort());
  expect(keysOf('RuntimeMonitoringConfiguration')).toEqual(RUNTIME_MONITORING.additional.map((a) => a.property).sort());
});

test('nothing named renders nothing: absent features are not managed', () => {
  expect(renderFeatures({})).toBeUndefined();
  expect(renderOrganizationFeatures({})).toBeUndefined();
});
