/**
 * `Custom::GuardDutyAdministratorAccount`: the contract between the member-side
 * `AdministratorAccount` construct and its handler. The handler's permissions for it are in
 * `administrator-account.permissions.ts`.
 *
 * Not exported from the package.
 */
import { defineResourceType } from '../../resource-definition';

/**
 * Properties of `Custom::GuardDutyAdministratorAccount` (member side). Physical id:
 * `<detectorId>:administrator`: an account has one administrator, so a new administrator is an
 * in-place update (disassociate, then accept), never a replacement.
 */
export interface AdministratorAccountResourceProperties {
  /** The member account's own detector. */
  readonly DetectorId: string;
  readonly AdministratorAccountId: string;
}

/** Attributes of `Custom::GuardDutyAdministratorAccount`. */
export interface AdministratorAccountResourceAttributes {
  readonly AdministratorAccountId: string;
}

/** `Custom::GuardDutyAdministratorAccount`. */
export const AdministratorAccountResource = defineResourceType<AdministratorAccountResourceProperties,
  AdministratorAccountResourceAttributes>({
  type: 'Custom::GuardDutyAdministratorAccount',
  label: 'AdministratorAccount',
  noun: 'an administrator association',
  // Create and update wait for the invitation; a re-run reads the association first.
  continuable: ['Create', 'Update'],
});
