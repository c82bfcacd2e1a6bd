/**
 * `Custom::GuardDutyOrganizationConfiguration`: the contract between the
 * `OrganizationConfiguration` construct and its handler. The handler's permissions for it are in
 * `organization-configuration.permissions.ts`.
 *
 * Not exported from the package.
 */
import { defineResourceType } from '../../resource-definition';

/** One feature of the organization configuration (`OrganizationFeatureConfiguration`). */
export interface OrganizationFeatureProperty {
  readonly Name: string;
  /** `NEW` | `ALL` | `NONE`. */
  readonly AutoEnable: string;
  readonly AdditionalConfiguration?: ReadonlyArray<{ readonly Name: string; readonly AutoEnable: string }>;
}

/**
 * Properties of `Custom::GuardDutyOrganizationConfiguration`. Physical id:
 * `<detectorId>:organization-configuration:<logicalId>`.
 */
export interface OrganizationConfigurationResourceProperties {
  /** The delegated administrator's detector. */
  readonly DetectorId: string;
  /** `NEW` | `ALL` | `NONE`; absent: left as it is. */
  readonly AutoEnableOrganizationMembers?: string;
  /**
   * Only the features named are managed. Delete (sent only under `RemovalPolicy.DESTROY`) sets
   * what this resource manages back to `NONE`.
   */
  readonly Features?: ReadonlyArray<OrganizationFeatureProperty>;
}

/** `Custom::GuardDutyOrganizationConfiguration`. */
export const OrganizationConfigurationResource = defineResourceType<OrganizationConfigurationResourceProperties>({
  type: 'Custom::GuardDutyOrganizationConfiguration', label: 'OrganizationConfiguration', noun: 'an organization configuration',
});
