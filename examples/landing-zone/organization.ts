/**
 * The organization the example runs in (in AWS it already exists): a management account, the
 * security account, two OUs of workload accounts (the update enrols the second), and the vended
 * account outside the organization. The same description a user gives the replay command in a
 * file (`organization-file.json` here is this, written out; a test keeps the two equal).
 */
import { MANAGEMENT_ACCOUNT, REGION, SANDBOX_OU, SECURITY_ACCOUNT, VENDED_ACCOUNT, WORKLOAD_ACCOUNT, WORKLOADS_OU } from './app';
import { applyOrganization, OrganizationDescription } from '../../replay/src';
import type { LocalApi } from '../../replay/src';

/** Accounts of the sandbox OU. */
export const SANDBOX_ACCOUNTS = ['555555555555', '666666666666'];

export const ORGANIZATION: OrganizationDescription = {
  managementAccount: { id: MANAGEMENT_ACCOUNT, email: 'aws-management@example.com', name: 'management' },
  rootId: 'r-exmp',
  organizationalUnits: [
    { id: WORKLOADS_OU, name: 'Workloads' },
    { id: SANDBOX_OU, name: 'Sandbox' },
  ],
  accounts: [
    { id: SECURITY_ACCOUNT, email: 'aws-security@example.com', name: 'security' },
    { id: WORKLOAD_ACCOUNT, email: 'aws-workload@example.com', name: 'workload', parent: WORKLOADS_OU },
    ...SANDBOX_ACCOUNTS.map((id, i) => ({ id, email: `aws-sandbox-${i + 1}@example.com`, name: `sandbox-${i + 1}`, parent: SANDBOX_OU })),
  ],
  outsideAccounts: [{ id: VENDED_ACCOUNT, name: 'vended' }],
};

/** Set the organization up in the local API (tests that drive the replay themselves). */
export function createOrganization(api: LocalApi): void {
  applyOrganization(api, ORGANIZATION, REGION);
}
