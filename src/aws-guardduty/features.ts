/**
 * GuardDuty's protection plans (detector features) as the constructs take them: for one detector
 * (`DetectorFeatures`, also pushed to member detectors) and for the organization's auto-enable
 * (`OrganizationFeatures`). A vocabulary module: types only, no construct, so the ground layer
 * (`src/private/features.ts`, which renders them through one catalogue of API names) can name them.
 */

/**
 * GuardDuty Runtime Monitoring (`RUNTIME_MONITORING`) and how GuardDuty manages its security
 * agent on each compute type.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/runtime-monitoring.html
 */
export interface RuntimeMonitoringConfiguration {
  /** Whether Runtime Monitoring is enabled. */
  readonly enabled: boolean;

  /**
   * Let GuardDuty deploy and update its agent as an Amazon EKS add-on (`EKS_ADDON_MANAGEMENT`).
   *
   * @default - not managed by this construct: the service default on a new detector, unchanged on an existing one
   */
  readonly eksAddonManagement?: boolean;

  /**
   * Let GuardDuty inject its agent into Amazon ECS tasks on AWS Fargate
   * (`ECS_FARGATE_AGENT_MANAGEMENT`).
   *
   * @default - not managed by this construct: the service default on a new detector, unchanged on an existing one
   */
  readonly ecsFargateAgentManagement?: boolean;

  /**
   * Let GuardDuty install its agent on Amazon EC2 instances through AWS Systems Manager
   * (`EC2_AGENT_MANAGEMENT`).
   *
   * @default - not managed by this construct: the service default on a new detector, unchanged on an existing one
   */
  readonly ec2AgentManagement?: boolean;
}

/**
 * The legacy EKS Runtime Monitoring feature (`EKS_RUNTIME_MONITORING`), which GuardDuty has
 * folded into Runtime Monitoring.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/migrating-from-eksrunmon-to-runtime-monitoring.html
 */
export interface EksRuntimeMonitoringConfiguration {
  /** Whether EKS Runtime Monitoring is enabled. */
  readonly enabled: boolean;

  /**
   * Let GuardDuty manage its agent as an Amazon EKS add-on (`EKS_ADDON_MANAGEMENT`).
   *
   * @default - not managed by this construct
   */
  readonly eksAddonManagement?: boolean;
}

/**
 * The GuardDuty protection plans (detector features) to turn on or off.
 *
 * Each feature is three-state: `true` enables it, `false` disables it, and leaving it out leaves it
 * alone. A new detector starts with every optional feature enabled except Runtime Monitoring (the
 * service's default); a detector that already existed keeps what it has. Removing a feature from
 * this object later does not turn it off: set it to `false` to disable it.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DetectorFeatureConfiguration.html
 */
export interface DetectorFeatures {
  /**
   * S3 Protection: monitor S3 data events (`S3_DATA_EVENTS`).
   *
   * @default - not managed by this construct
   */
  readonly s3DataEvents?: boolean;

  /**
   * EKS Protection: monitor EKS audit logs (`EKS_AUDIT_LOGS`).
   *
   * @default - not managed by this construct
   */
  readonly eksAuditLogs?: boolean;

  /**
   * Malware Protection for EC2: scan EBS volumes of instances with findings (`EBS_MALWARE_PROTECTION`).
   *
   * @default - not managed by this construct
   */
  readonly ebsMalwareProtection?: boolean;

  /**
   * RDS Protection: monitor Aurora and RDS login events (`RDS_LOGIN_EVENTS`).
   *
   * @default - not managed by this construct
   */
  readonly rdsLoginEvents?: boolean;

  /**
   * Lambda Protection: monitor Lambda network activity (`LAMBDA_NETWORK_LOGS`).
   *
   * @default - not managed by this construct
   */
  readonly lambdaNetworkLogs?: boolean;

  /**
   * Runtime Monitoring for EKS, ECS on Fargate and EC2 (`RUNTIME_MONITORING`). Cannot be combined
   * with `eksRuntimeMonitoring`.
   *
   * @default - not managed by this construct (the service leaves it disabled on a new detector)
   */
  readonly runtimeMonitoring?: RuntimeMonitoringConfiguration;

  /**
   * The legacy EKS Runtime Monitoring feature (`EKS_RUNTIME_MONITORING`). Cannot be combined with
   * `runtimeMonitoring`, which includes it.
   *
   * @default - not managed by this construct
   * @deprecated GuardDuty folded EKS Runtime Monitoring into Runtime Monitoring; use `runtimeMonitoring`.
   */
  readonly eksRuntimeMonitoring?: EksRuntimeMonitoringConfiguration;

  /**
   * Protection for AI workloads (`AI_PROTECTION`).
   *
   * @default - not managed by this construct
   */
  readonly aiProtection?: boolean;
}

/**
 * The legacy data-source configuration of a detector. GuardDuty has replaced data sources with
 * features and adds no new data sources; use `DetectorFeatures` instead.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DataSourceConfigurations.html
 * @deprecated use `DetectorFeatures`.
 */
export interface DetectorDataSources {
  /**
   * S3 data event logs.
   *
   * @default - not managed by this construct
   */
  readonly s3Logs?: boolean;

  /**
   * Kubernetes audit logs.
   *
   * @default - not managed by this construct
   */
  readonly kubernetesAuditLogs?: boolean;

  /**
   * Malware Protection scans of EBS volumes of EC2 instances with findings.
   *
   * @default - not managed by this construct
   */
  readonly malwareProtectionEbsVolumes?: boolean;
}

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
  /** Protection for AI workloads (`AI_PROTECTION`). @default - not managed */
  readonly aiProtection?: OrganizationAutoEnable;
}
