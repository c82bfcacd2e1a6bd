/**
 * Detector features (protection plans) as the API takes them: rendering the construct props to
 * `DetectorFeatureConfiguration` lists and the synth-time checks, shared by the detector and the
 * member constructs (which push features to member detectors).
 *
 * Not exported from the package.
 */
import { IConstruct } from 'constructs';
import { DetectorFeatureProperty } from './contracts';
import { ValidationError } from './errors';
import type { DetectorDataSources, DetectorFeatures } from '../aws-guardduty/detector';

export function validateFeatureChoice(scope: IConstruct, features: DetectorFeatures | undefined, dataSources: DetectorDataSources | undefined): void {
  const featureNames = definedKeys(features);
  const dataSourceNames = definedKeys(dataSources);
  if (featureNames.length > 0 && dataSourceNames.length > 0) {
    throw new ValidationError(scope, '`features` and `dataSources` cannot be used together (GuardDuty rejects a request '
      + `with both); move dataSources.{${dataSourceNames.join(', ')}} to the matching features, got features {${featureNames.join(', ')}}`);
  }
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  if (features?.runtimeMonitoring !== undefined && features?.eksRuntimeMonitoring !== undefined) {
    throw new ValidationError(scope, '`features.runtimeMonitoring` and `features.eksRuntimeMonitoring` cannot be used together '
      + '(GuardDuty rejects both in one request; Runtime Monitoring includes EKS): remove eksRuntimeMonitoring, got both');
  }
}

export function definedKeys(obj: object | undefined): string[] {
  return Object.entries(obj ?? {}).filter(([, v]) => v !== undefined).map(([k]) => k);
}

function status(enabled: boolean): string {
  return enabled ? 'ENABLED' : 'DISABLED';
}

function renderAdditional(entries: Array<[string, boolean | undefined]>): Array<{ Name: string; Status: string }> | undefined {
  const rendered = entries.filter(([, v]) => v !== undefined).map(([name, v]) => ({ Name: name, Status: status(v!) }));
  return rendered.length > 0 ? rendered : undefined;
}

/** The API's feature list, in a fixed order, with only the features the user named. */
export function renderFeatures(features: DetectorFeatures | undefined): DetectorFeatureProperty[] | undefined {
  if (!features) return undefined;
  const out: DetectorFeatureProperty[] = [];
  const simple: Array<[string, boolean | undefined]> = [
    ['S3_DATA_EVENTS', features.s3DataEvents],
    ['EKS_AUDIT_LOGS', features.eksAuditLogs],
    ['EBS_MALWARE_PROTECTION', features.ebsMalwareProtection],
    ['RDS_LOGIN_EVENTS', features.rdsLoginEvents],
    ['LAMBDA_NETWORK_LOGS', features.lambdaNetworkLogs],
    ['AI_PROTECTION', features.aiProtection],
  ];
  for (const [name, enabled] of simple) {
    if (enabled !== undefined) out.push({ Name: name, Status: status(enabled) });
  }
  const rm = features.runtimeMonitoring;
  if (rm) {
    out.push({
      Name: 'RUNTIME_MONITORING',
      Status: status(rm.enabled),
      AdditionalConfiguration: renderAdditional([
        ['EKS_ADDON_MANAGEMENT', rm.eksAddonManagement],
        ['ECS_FARGATE_AGENT_MANAGEMENT', rm.ecsFargateAgentManagement],
        ['EC2_AGENT_MANAGEMENT', rm.ec2AgentManagement],
      ]),
    });
  }
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const eksRm = features.eksRuntimeMonitoring;
  if (eksRm) {
    out.push({
      Name: 'EKS_RUNTIME_MONITORING',
      Status: status(eksRm.enabled),
      AdditionalConfiguration: renderAdditional([['EKS_ADDON_MANAGEMENT', eksRm.eksAddonManagement]]),
    });
  }
  return out.length > 0 ? out : undefined;
}

