/**
 * GuardDuty's protection plans: one catalogue of the construct properties and the API's feature
 * names, from which detector features (`DetectorFeatureConfiguration`, also pushed to member
 * detectors) and organization features (`OrganizationFeatureConfiguration`) are rendered. The
 * catalogue is tested against the service model's `DetectorFeature` and `OrgFeature` enums and the
 * public interfaces' keys, so a plan cannot be added to one and forgotten in the other.
 *
 * Not exported from the package.
 */
import { IConstruct } from 'constructs';
import { DetectorFeatureProperty } from './contracts';
import { ValidationError } from './errors';
import type { DetectorDataSources, DetectorFeatures, OrganizationFeatures } from '../aws-guardduty/features';
import { OrganizationFeatureProperty } from './resources/guardduty/organization-configuration';

/** A plan that is on or off, with no additional configuration: construct property → API name. */
export const SIMPLE_FEATURES = [
  { property: 's3DataEvents', api: 'S3_DATA_EVENTS' },
  { property: 'eksAuditLogs', api: 'EKS_AUDIT_LOGS' },
  { property: 'ebsMalwareProtection', api: 'EBS_MALWARE_PROTECTION' },
  { property: 'rdsLoginEvents', api: 'RDS_LOGIN_EVENTS' },
  { property: 'lambdaNetworkLogs', api: 'LAMBDA_NETWORK_LOGS' },
  { property: 'aiProtection', api: 'AI_PROTECTION' },
] as const;

/** Runtime Monitoring (`RUNTIME_MONITORING`) and its agent management (additional configuration). */
export const RUNTIME_MONITORING = {
  property: 'runtimeMonitoring',
  api: 'RUNTIME_MONITORING',
  additional: [
    { property: 'eksAddonManagement', api: 'EKS_ADDON_MANAGEMENT' },
    { property: 'ecsFargateAgentManagement', api: 'ECS_FARGATE_AGENT_MANAGEMENT' },
    { property: 'ec2AgentManagement', api: 'EC2_AGENT_MANAGEMENT' },
  ],
} as const;

/** The legacy EKS Runtime Monitoring: detector features only (GuardDuty's organization API takes it too, but it is deprecated). */
export const EKS_RUNTIME_MONITORING = {
  property: 'eksRuntimeMonitoring',
  api: 'EKS_RUNTIME_MONITORING',
  additional: [{ property: 'eksAddonManagement', api: 'EKS_ADDON_MANAGEMENT' }],
} as const;

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

/** The named entries of a catalogue list, rendered by `render`; undefined when none is named. */
function renderNamed<V, R>(values: object, entries: ReadonlyArray<{ readonly property: string; readonly api: string }>,
  render: (api: string, value: V) => R): R[] | undefined {
  const rendered = entries
    .filter((e) => (values as Record<string, unknown>)[e.property] !== undefined)
    .map((e) => render(e.api, (values as Record<string, V>)[e.property]));
  return rendered.length > 0 ? rendered : undefined;
}

/** The API's feature list, in the catalogue's order, with only the features the user named. */
export function renderFeatures(features: DetectorFeatures | undefined): DetectorFeatureProperty[] | undefined {
  if (!features) return undefined;
  const out: DetectorFeatureProperty[] = renderNamed<boolean, DetectorFeatureProperty>(features, SIMPLE_FEATURES,
    (Name, enabled) => ({ Name, Status: status(enabled) })) ?? [];
  for (const plan of [RUNTIME_MONITORING, EKS_RUNTIME_MONITORING]) {
    const config = (features as Record<string, { enabled: boolean } | undefined>)[plan.property];
    if (!config) continue;
    out.push({
      Name: plan.api,
      Status: status(config.enabled),
      AdditionalConfiguration: renderNamed<boolean, { Name: string; Status: string }>(config, plan.additional,
        (Name, enabled) => ({ Name, Status: status(enabled) })),
    });
  }
  return out.length > 0 ? out : undefined;
}

/** The organization's feature list, in the catalogue's order, with only the features named. */
export function renderOrganizationFeatures(features: OrganizationFeatures | undefined): OrganizationFeatureProperty[] | undefined {
  if (!features) return undefined;
  const out: OrganizationFeatureProperty[] = renderNamed<string, OrganizationFeatureProperty>(features, SIMPLE_FEATURES,
    (Name, AutoEnable) => ({ Name, AutoEnable })) ?? [];
  const rm = features.runtimeMonitoring;
  if (rm) {
    out.push({
      Name: RUNTIME_MONITORING.api,
      AutoEnable: rm.autoEnable,
      AdditionalConfiguration: renderNamed<string, { Name: string; AutoEnable: string }>(rm, RUNTIME_MONITORING.additional,
        (Name, AutoEnable) => ({ Name, AutoEnable })),
    });
  }
  return out.length > 0 ? out : undefined;
}
