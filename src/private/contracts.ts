/**
 * The property contracts between the constructs (which write custom resource properties) and the
 * handler (which reads them). One source of truth for every key: the construct builds a value of
 * these types and the handler parses one.
 *
 * CloudFormation hands every scalar in custom resource properties to the handler as a string
 * ("Custom resources properties are always converted to strings"), so scalars are typed as strings
 * here and converted by the handler. Arrays and objects keep their shape.
 *
 * A handler must keep accepting every shape it ever accepted: rollbacks and deletes replay the
 * properties an older version of the library wrote.
 *
 * Not exported from the package.
 */

/** `"true"` or `"false"`, as CloudFormation delivers booleans. */
export type BooleanString = 'true' | 'false';

/** CloudFormation resource types of the custom resources. Part of the API: changing one replaces. */
export const ResourceTypes = {
  GUARDDUTY_DETECTOR: 'Custom::GuardDutyDetector',
} as const;

/** One detector feature as written by the construct (the API's `DetectorFeatureConfiguration`). */
export interface DetectorFeatureProperty {
  /** API feature name, e.g. `S3_DATA_EVENTS`. */
  readonly Name: string;
  /** `ENABLED` or `DISABLED`. */
  readonly Status: string;
  /** Additional configuration, e.g. `EKS_ADDON_MANAGEMENT`. */
  readonly AdditionalConfiguration?: ReadonlyArray<{ readonly Name: string; readonly Status: string }>;
}

/** The legacy `DataSources` block (deprecated by the service in favour of features). */
export interface DetectorDataSourcesProperty {
  readonly S3Logs?: { readonly Enable: BooleanString };
  readonly Kubernetes?: { readonly AuditLogs: { readonly Enable: BooleanString } };
  readonly MalwareProtection?: {
    readonly ScanEc2InstanceWithFindings: { readonly EbsVolumes: BooleanString };
  };
}

/** Properties of `Custom::GuardDutyDetector`. */
export interface DetectorResourceProperties {
  /** Whether the detector is enabled (`false` suspends it). */
  readonly Enable: BooleanString;
  /** `FIFTEEN_MINUTES` | `ONE_HOUR` | `SIX_HOURS`; absent: service default / left as is. */
  readonly FindingPublishingFrequency?: string;
  /** Only the features the user declared; absent features are not touched. */
  readonly Features?: ReadonlyArray<DetectorFeatureProperty>;
  /** Legacy data sources; never together with `Features`. */
  readonly DataSources?: DetectorDataSourcesProperty;
  /** Tags managed by the stack (a map, as GuardDuty takes them). */
  readonly Tags?: Readonly<Record<string, string>>;
}

/** Attributes (`Fn::GetAtt`) returned by `Custom::GuardDutyDetector`. */
export interface DetectorResourceAttributes {
  readonly DetectorId: string;
  readonly DetectorArn: string;
  /** `"true"` when the detector existed before this resource and was adopted. */
  readonly Adopted: BooleanString;
}

/**
 * Physical resource id of a detector the stack adopted rather than created. The detector id alone
 * would not tell a later Delete that the detector is not the stack's to remove, and Delete events
 * carry only the physical id and properties.
 */
export const ADOPTED_DETECTOR_PREFIX = 'adopted:';
