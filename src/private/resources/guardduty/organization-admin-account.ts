/**
 * `Custom::GuardDutyOrganizationAdminAccount`: the contract between the GuardDuty
 * `OrganizationAdminAccount` construct and its handler. The handler's permissions for it are in
 * `organization-admin-account.permissions.ts`.
 *
 * Not exported from the package.
 */
import { defineResourceType } from '../../resource-definition';

/**
 * Properties of `Custom::GuardDutyOrganizationAdminAccount`. Physical id:
 * `guardduty-organization-admin:<region>`: one delegated administrator per organization and
 * Region, so a new account is an in-place update.
 */
export interface OrganizationAdminAccountResourceProperties {
  readonly AdminAccountId: string;
}

/** Attributes of `Custom::GuardDutyOrganizationAdminAccount`. */
export interface OrganizationAdminAccountResourceAttributes {
  readonly AdminAccountId: string;
}

/** `Custom::GuardDutyOrganizationAdminAccount`. */
export const OrganizationAdminAccountResource = defineResourceType<OrganizationAdminAccountResourceProperties,
  OrganizationAdminAccountResourceAttributes>({
  type: 'Custom::GuardDutyOrganizationAdminAccount',
  label: 'OrganizationAdminAccount',
  noun: 'a delegated administrator',
  // Each request waits for GuardDuty (ENABLED, gone) and AWS Organizations' registration; a re-run reads both first.
  continuable: ['Create', 'Update', 'Delete'],
});
