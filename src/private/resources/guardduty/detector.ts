/**
 * `Custom::GuardDutyDetector`: the contract between the `Detector` construct and its handler. The
 * handler's permissions for it are in `detector.permissions.ts`.
 *
 * Not exported from the package.
 */
import { BooleanString, DetectorFeatureProperty } from '../../contracts';
import { defineResourceType } from '../../resource-definition';

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

/** `Custom::GuardDutyDetector`. */
export const DetectorResource = defineResourceType<DetectorResourceProperties, DetectorResourceAttributes>({
  type: 'Custom::GuardDutyDetector', label: 'Detector', noun: 'a detector',
});
