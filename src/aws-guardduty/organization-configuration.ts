import { CustomResource, RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { IDetector } from './detector';
import { OrganizationConfigurationResourceProperties, OrganizationFeatureProperty, ResourceTypes } from '../private/contracts';
import { serializeDetectorWrites } from '../private/detector-writes';
import { ValidationError } from '../private/errors';
import { organizationConfigurationPermissions } from '../private/permissions';
import { ThreatDetectionProvider } from '../private/provider';
import { validateRemovalPolicy } from '../private/validation';

/**
 * Which organization accounts GuardDuty (or a protection plan) is enabled in automatically.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/APIReference/API_UpdateOrganizationConfiguration.html
 */
export enum OrganizationAutoEnable {
  /** Every account: new ones as they join, and the existing ones (applied within 24 hours). */
  ALL = 'ALL',
  /** Only accounts that join the organization from now on. */
  NEW = 'NEW',
  /** No account automatically; existing settings of accounts are not changed. */
  NONE = 'NONE',
}

/** Runtime Monitoring for the organization, with its agent management options. */
export interface OrganizationRuntimeMonitoringConfiguration {
  /** Which accounts get Runtime Monitoring. */
  readonly autoEnable: OrganizationAutoEnable;

  /**
   * Which accounts get the GuardDuty agent managed on EKS clusters.
   *
   * @default - not managed by this construct
   */
  readonly eksAddonManagement?: OrganizationAutoEnable;

  /**
   * Which accounts get the GuardDuty agent managed on ECS Fargate tasks.
   *
   * @default - not managed by this construct
   */
  readonly ecsFargateAgentManagement?: OrganizationAutoEnable;

  /**
   * Which accounts get the GuardDuty agent managed on EC2 instances.
   *
   * @default - not managed by this construct
   */
  readonly ec2AgentManagement?: OrganizationAutoEnable;
}

/**
 * Protection plans enabled automatically in organization accounts. Only the plans named are
 * managed; the others keep their settings.
 */
export interface OrganizationFeatures {
  /** S3 Protection (`S3_DATA_EVENTS`). @default - not managed */
  readonly s3DataEvents?: OrganizationAutoEnable;
  /** EKS audit log monitoring (`EKS_AUDIT_LOGS`). @default - not managed */
  readonly eksAuditLogs?: OrganizationAutoEnable;
  /** Malware Protection for EC2 (`EBS_MALWARE_PROTECTION`). @default - not managed */
  readonly ebsMalwareProtection?: OrganizationAutoEnable;
  /** RDS Protection (`RDS_LOGIN_EVENTS`). @default - not managed */
  readonly rdsLoginEvents?: OrganizationAutoEnable;
  /** Lambda Protection (`LAMBDA_NETWORK_LOGS`). @default - not managed */
  readonly lambdaNetworkLogs?: OrganizationAutoEnable;
  /** Runtime Monitoring (`RUNTIME_MONITORING`). @default - not managed */
  readonly runtimeMonitoring?: OrganizationRuntimeMonitoringConfiguration;
}

/** Properties of an `OrganizationConfiguration`. */
export interface OrganizationConfigurationProps {
  /** The delegated administrator's detector (see `OrganizationAdminAccount`). */
  readonly detector: IDetector;

  /**
   * Which organization accounts GuardDuty itself is enabled in automatically. Only one
   * `OrganizationConfiguration` of a detector may set it.
   *
   * @default - not managed by this construct (left as it is)
   */
  readonly autoEnableOrganizationMembers?: OrganizationAutoEnable;

  /**
   * Protection plans enabled automatically. Two `OrganizationConfiguration`s of one detector may
   * not name the same plan.
   *
   * @default - no plan managed
   */
  readonly features?: OrganizationFeatures;

  /**
   * What happens when this resource leaves the stack. RETAIN leaves the organization's settings
   * as they are; DESTROY sets what this construct manages back to NONE (existing members keep
   * GuardDuty and their plans; only automatic enabling stops).
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Per detector construct: what each configuration manages, for the overlap checks. */
const CONFIGURATIONS = new WeakMap<IDetector, OrganizationConfiguration[]>();

/**
 * The organization configuration of GuardDuty's delegated administrator: which accounts GuardDuty
 * and each protection plan are enabled in automatically. Deploy it in the delegated administrator
 * account, after `OrganizationAdminAccount`.
 *
 * The service overwrites what it is sent, and requires the members setting on every call: each
 * write reads the current configuration and sends the current members setting (unless this
 * construct manages it) and only the plans this construct names. Several
 * `OrganizationConfiguration`s (and member constructs) of one detector are chained by
 * dependencies, so their writes never run at once.
 *
 * Auto-enable applies to accounts as they join (NEW), or to every account (ALL). Existing
 * accounts become members with `MemberAccounts`.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/set-guardduty-auto-enable-preferences.html
 */
export class OrganizationConfiguration extends Construct {
  /** @internal what this configuration writes, for overlap checks between configurations. */
  public readonly _managed: { readonly members: boolean; readonly features: string[] };

  constructor(scope: Construct, id: string, props: OrganizationConfigurationProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    validateRemovalPolicy(this, removalPolicy, 'an organization configuration');
    const features = renderOrganizationFeatures(props.features);
    if (props.autoEnableOrganizationMembers === undefined && features === undefined) {
      throw new ValidationError(this, 'an OrganizationConfiguration must set `autoEnableOrganizationMembers` or at least one of '
        + '`features`, got neither');
    }
    this._managed = { members: props.autoEnableOrganizationMembers !== undefined, features: (features ?? []).map((f) => f.Name) };
    const siblings = CONFIGURATIONS.get(props.detector) ?? [];
    siblings.push(this);
    CONFIGURATIONS.set(props.detector, siblings);
    this.node.addValidation({ validate: () => overlaps(this, siblings) });

    const provider = ThreatDetectionProvider.of(this);
    provider.addPermissions(organizationConfigurationPermissions());
    const properties: OrganizationConfigurationResourceProperties = {
      DetectorId: props.detector.detectorId,
      AutoEnableOrganizationMembers: props.autoEnableOrganizationMembers,
      Features: features,
    };
    const resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: ResourceTypes.GUARDDUTY_ORGANIZATION_CONFIGURATION,
      properties: { ...properties },
      removalPolicy,
    });
    serializeDetectorWrites(props.detector, resource);
  }
}

function overlaps(self: OrganizationConfiguration, siblings: OrganizationConfiguration[]): string[] {
  const errors: string[] = [];
  for (const other of siblings) {
    if (other === self || siblings.indexOf(other) > siblings.indexOf(self)) continue;
    if (self._managed.members && other._managed.members) {
      errors.push(`\`autoEnableOrganizationMembers\` is also set by ${other.node.path} for the same detector: only one `
        + 'OrganizationConfiguration of a detector may set it');
    }
    const shared = self._managed.features.filter((f) => other._managed.features.includes(f));
    if (shared.length > 0) {
      errors.push(`features ${shared.join(', ')} are also managed by ${other.node.path} for the same detector: each plan may be `
        + 'managed by one OrganizationConfiguration');
    }
  }
  return errors;
}

function renderOrganizationFeatures(features: OrganizationFeatures | undefined): OrganizationFeatureProperty[] | undefined {
  if (!features) return undefined;
  const out: OrganizationFeatureProperty[] = [];
  const simple: Array<[string, OrganizationAutoEnable | undefined]> = [
    ['S3_DATA_EVENTS', features.s3DataEvents],
    ['EKS_AUDIT_LOGS', features.eksAuditLogs],
    ['EBS_MALWARE_PROTECTION', features.ebsMalwareProtection],
    ['RDS_LOGIN_EVENTS', features.rdsLoginEvents],
    ['LAMBDA_NETWORK_LOGS', features.lambdaNetworkLogs],
  ];
  for (const [name, autoEnable] of simple) {
    if (autoEnable !== undefined) out.push({ Name: name, AutoEnable: autoEnable });
  }
  const rm = features.runtimeMonitoring;
  if (rm) {
    const additional: Array<[string, OrganizationAutoEnable | undefined]> = [
      ['EKS_ADDON_MANAGEMENT', rm.eksAddonManagement],
      ['ECS_FARGATE_AGENT_MANAGEMENT', rm.ecsFargateAgentManagement],
      ['EC2_AGENT_MANAGEMENT', rm.ec2AgentManagement],
    ];
    const rendered = additional.filter(([, v]) => v !== undefined).map(([name, v]) => ({ Name: name, AutoEnable: v! }));
    out.push({ Name: 'RUNTIME_MONITORING', AutoEnable: rm.autoEnable, AdditionalConfiguration: rendered.length > 0 ? rendered : undefined });
  }
  return out.length > 0 ? out : undefined;
}
