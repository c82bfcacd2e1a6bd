/**
 * The organization the example runs in, set up in the local API (in AWS it already exists):
 * a management account, the security account, and two OUs of workload accounts (the update
 * enrols the second).
 */
import { MANAGEMENT_ACCOUNT, SANDBOX_OU, SECURITY_ACCOUNT, WORKLOAD_ACCOUNT, WORKLOADS_OU } from './app';
import { LocalApi } from '../../test/local-api/server';

/** Accounts of the sandbox OU. */
export const SANDBOX_ACCOUNTS = ['555555555555', '666666666666'];

export function createOrganization(api: LocalApi): void {
  const org = api.organization;
  const root = org.create(MANAGEMENT_ACCOUNT, 'aws-management@example.com', 'r-exmp');
  org.addAccount(SECURITY_ACCOUNT, 'aws-security@example.com', root);
  const workloads = org.addOrganizationalUnit(root, 'Workloads', WORKLOADS_OU);
  org.addAccount(WORKLOAD_ACCOUNT, 'aws-workload@example.com', workloads);
  const sandbox = org.addOrganizationalUnit(root, 'Sandbox', SANDBOX_OU);
  SANDBOX_ACCOUNTS.forEach((id, i) => org.addAccount(id, `aws-sandbox-${i + 1}@example.com`, sandbox));
}
