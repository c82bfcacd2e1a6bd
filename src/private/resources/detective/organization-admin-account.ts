/**
 * `Custom::DetectiveOrganizationAdminAccount`: the contract between the Detective
 * `OrganizationAdminAccount` construct and its handler. The handler's permissions for it are in
 * `organization-admin-account.permissions.ts`.
 *
 * Not exported from the package.
 */
import { defineResourceType } from '../../resource-definition';

/** Properties of `Custom::DetectiveOrganizationAdminAccount`. Physical id: `detective-organization-admin:<region>`. */
export interface DetectiveOrganizationAdminAccountResourceProperties {
  readonly AdminAccountId: string;
}

/** Attributes of `Custom::DetectiveOrganizationAdminAccount`. */
export interface DetectiveOrganizationAdminAccountResourceAttributes {
  readonly AdminAccountId: string;
  /** The organization behavior graph, in the administrator account. */
  readonly GraphArn: string;
}

/** `Custom::DetectiveOrganizationAdminAccount`. */
export const DetectiveOrganizationAdminAccountResource = defineResourceType<DetectiveOrganizationAdminAccountResourceProperties,
  DetectiveOrganizationAdminAccountResourceAttributes>({
  type: 'Custom::DetectiveOrganizationAdminAccount',
  label: 'Detective OrganizationAdminAccount',
  noun: 'a delegated administrator',
  // Each request waits for Detective to list (or drop) the administrator; a re-run reads it first.
  continuable: ['Create', 'Update', 'Delete'],
});
