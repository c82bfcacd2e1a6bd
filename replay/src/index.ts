/**
 * The replay's typed API, as the `cdk-threat-detection-replay` package exports it: replay cloud
 * assemblies in an organization, read and check organization files, print the services' state,
 * and the local API and CloudFormation replay underneath, for tests that drive them step by step.
 */
export { assemblyStacks, replayLandingZone, ReplayInputError } from './landing-zone-replay';
export type { LandingZoneReplayOptions, LandingZoneReplayResult, ReplayFaults, ReplayStep, AssemblyStack } from './landing-zone-replay';
export { applyOrganization, checkOrganization, declaredAccounts, OrganizationFileError, readOrganizationFile } from './organization-file';
export type { OrganizationAccountEntry, OrganizationDescription } from './organization-file';
export { CloudFormationReplay, DeploymentFailed } from './replay';
export type { ReplayEvent, ReplayOptions } from './replay';
export { printState } from './report';
export { formatCoverage, readCoverage } from './coverage';
export type { RegionCoverage, ServiceCoverage } from './coverage';
export { main as runReplayCommand, USAGE } from './cli';
export { LocalApi } from './local-api/server';
export type { FaultRule, FaultKind } from './local-api/server';

// For tests that run a handler in their own process, or check templates and policies themselves:
// the emulator's clock (install it as the handler's with the handler's `useClock`), the template
// intrinsics the replay resolves, the dependency order it deploys in, AWS's IAM evaluation, the
// service models it validates with, and the quotas and messages it answers with.
export { emulatorClock, EmulatorClock, now as emulatorNow } from './local-api/clock';
export { deploymentContext, resolve } from './intrinsics';
export type { ResolveContext } from './intrinsics';
export { dependencyGraph, dependencyOrder } from './replay';
export { unneededStatements } from './iam-coverage';
export type { PolicyStatementRef } from './iam-coverage';
export { actionFor, IamAuthorizer } from './local-api/iam';
export type { AuthorizationRecord, NamedPolicy, PolicyDocument, Principal } from './local-api/iam';
export { ServiceModel } from './local-api/model';
export { GuardDutyMessages, GuardDutyQuotas } from './local-api/guardduty-state';
export { MALWARE_PROTECTION_PLAN_SERVICE } from './local-api/server';
export type { CallRecord, ServiceRole } from './local-api/server';
export { replayTimeout } from './timeouts';
