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
export { main as runReplayCommand, USAGE } from './cli';
export { LocalApi } from '../local-api/server';
export type { FaultRule, FaultKind } from '../local-api/server';
