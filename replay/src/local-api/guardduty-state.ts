/**
 * GuardDuty's state in the local API (detectors, their sets, filters and features) and the helpers
 * both halves of the emulator use: the single-account service (`guardduty.ts`) and the
 * multi-account one (`guardduty-multi-account.ts`), which import it and not each other's answers.
 */
import { randomBytes } from 'node:crypto';
import { now as emulatorNow } from './clock';
import { ApiError, ServiceContext } from './errors';


/** A member account as its administrator's detector holds it (`guardduty-multi-account.ts` answers for them). */
export interface MemberState {
  readonly accountId: string;
  readonly email: string;
  status: string;
  next?: string;
  settlesAt: number;
  readonly viaOrganization: boolean;
  invitedAt?: Date;
  updatedAt: Date;
}

export interface InvitationState {
  readonly invitationId: string;
  readonly invitedAt: Date;
  /** When the invitation starts to appear in ListInvitations (cross-account propagation). */
  readonly visibleFrom: number;
}

export interface AdministratorState {
  readonly accountId: string;
  /** Absent when the organization's delegated administrator associated the account. */
  readonly invitationId?: string;
  readonly invitedAt?: Date;
}

export interface OrganizationConfigurationState {
  autoEnableOrganizationMembers: string;
  /** Feature name to auto-enable setting and additional configuration settings. */
  readonly features: Map<string, { autoEnable: string; additional: Map<string, string> }>;
  /** UpdateOrganizationConfiguration calls that changed it (for assertions). */
  writes: number;
}

/** The service's messages, verbatim. */
export const GuardDutyMessages = {
  DETECTOR_NOT_OWNED: 'The request is rejected because the input detectorId is not owned by the current account.',
  DETECTOR_EXISTS: 'The request is rejected because a detector already exists for the current account.',
  DATA_SOURCES_AND_FEATURES:
    'The request failed because both data sources and features were provided. You can provide only one; it is recommended to use features.',
  INVALID_VALUE: 'The request is rejected because an invalid or out-of-range value is specified as an input parameter.',
  INVALID_PARAMETERS: 'The request is rejected because one or more input parameters have invalid values.',
  invalidParameter: (name: string) => `The request is rejected because the parameter ${name} has an invalid value.`,
  NO_SUCH_RESOURCE: 'The request is rejected since no such resource found.',
  DESTINATION_EXISTS: 'The request failed because a publishingDestination already exists',
  /** The local API's own wording (GuardDuty documents none) for an organization member setting what its administrator governs. */
  ADMINISTRATOR_GOVERNED: 'local API: the request is rejected because the delegated administrator manages this setting for the organization\'s members.',
} as const;

/**
 * Quotas per account and Region (GuardDuty quotas page): filters 100, trusted IP sets 1, threat
 * intel sets 6; trusted entity sets 1 ("At any given time, you can have only one trusted entity
 * set", CreateTrustedEntitySet); and one publishing destination per detector. GuardDuty documents
 * no quota of threat entity sets, so none is enforced here (said in the README, "Not emulated").
 * GuardDuty's exact message for a quota refusal is not in the sources available here, so the
 * local API answers its generic "invalid or out-of-range value" BadRequest, which handlers must
 * explain themselves.
 */
export const GuardDutyQuotas = { FILTERS: 100, IP_SETS: 1, THREAT_INTEL_SETS: 6, TRUSTED_ENTITY_SETS: 1, PUBLISHING_DESTINATIONS: 1 } as const;

/** Statuses a set passes through before it settles; Update and Delete are refused meanwhile. */
export const TRANSITIONAL_SET_STATUSES = ['ACTIVATING', 'DEACTIVATING', 'DELETE_PENDING'];

/**
 * Features a new detector turns on when the request does not name them: "all the optional
 * features are enabled by default", except Runtime Monitoring (CreateDetector API reference).
 * CloudTrail, DNS and flow logs are foundational and always on.
 */
const DEFAULT_FEATURES: Record<string, { status: string; additional?: string[] }> = {
  CLOUD_TRAIL: { status: 'ENABLED' },
  DNS_LOGS: { status: 'ENABLED' },
  FLOW_LOGS: { status: 'ENABLED' },
  S3_DATA_EVENTS: { status: 'ENABLED' },
  EKS_AUDIT_LOGS: { status: 'ENABLED' },
  EBS_MALWARE_PROTECTION: { status: 'ENABLED' },
  RDS_LOGIN_EVENTS: { status: 'ENABLED' },
  LAMBDA_NETWORK_LOGS: { status: 'ENABLED' },
  RUNTIME_MONITORING: { status: 'DISABLED', additional: ['EKS_ADDON_MANAGEMENT', 'ECS_FARGATE_AGENT_MANAGEMENT', 'EC2_AGENT_MANAGEMENT'] },
};

/** Which additional configuration each feature accepts. */
const ADDITIONAL_CONFIGURATION: Record<string, string[]> = {
  RUNTIME_MONITORING: ['EKS_ADDON_MANAGEMENT', 'ECS_FARGATE_AGENT_MANAGEMENT', 'EC2_AGENT_MANAGEMENT'],
  EKS_RUNTIME_MONITORING: ['EKS_ADDON_MANAGEMENT'],
};

/** GuardDuty's documented "limit of 50 tags per resource" (ListTagsForResource). */
export const MAX_TAGS_PER_RESOURCE = 50;

export interface FeatureState {
  status: string;
  updatedAt: Date;
  additional: Map<string, { status: string; updatedAt: Date }>;
}

export interface FilterState {
  readonly name: string;
  description?: string;
  action: string;
  rank: number;
  criteria: Record<string, any>;
  tags: Record<string, string>;
}

export interface ListSetState {
  readonly id: string;
  name: string;
  readonly format: string;
  location: string;
  expectedBucketOwner?: string;
  /** What the status is now, and what it becomes at `settlesAt` (asynchronous activation). */
  status: string;
  next?: string;
  settlesAt: number;
  /** How many times GuardDuty read the list (each activation). */
  reads: number;
  tags: Record<string, string>;
  /** Entity lists: "the error details when the status is shown as ERROR". */
  errorDetails?: string;
}

export interface DestinationState {
  readonly id: string;
  destinationArn: string;
  kmsKeyArn: string;
  status: string;
  next?: string;
  settlesAt: number;
  publishingFailureStartTimestamp: number;
  tags: Record<string, string>;
}

export interface DetectorState {
  readonly id: string;
  /** Mutable for tests only (see `backdateDetectors`). */
  createdAt: Date;
  updatedAt: Date;
  status: 'ENABLED' | 'DISABLED';
  findingPublishingFrequency: string;
  readonly features: Map<string, FeatureState>;
  tags: Record<string, string>;
  /** When the detector starts to appear in ListDetectors (read-after-write lag). */
  readonly listedFrom: number;
  /** Filters by name, in rank order. */
  filters: FilterState[];
  readonly ipSets: Map<string, ListSetState>;
  readonly threatIntelSets: Map<string, ListSetState>;
  readonly trustedEntitySets: Map<string, ListSetState>;
  readonly threatEntitySets: Map<string, ListSetState>;
  readonly destinations: Map<string, DestinationState>;
  /** Malware Protection for EC2 settings (GetMalwareScanSettings); the service defaults until written. */
  malwareScanSettings: { ebsSnapshotPreservation: string; scanResourceCriteria?: Record<string, unknown> };
}

export interface RegionState {
  readonly detectors: Map<string, DetectorState>;
  /** Deleted detectors still listed until `listedUntil` (read-after-write lag). */
  readonly recentlyDeleted: Array<{ readonly id: string; readonly listedUntil: number }>;
  /** Client tokens of successful CreateDetector calls, and the detector each made. */
  readonly createTokens: Map<string, string>;
  /** Client tokens of successful creates of detector sub-resources (`<operation>/<token>` to id). */
  readonly childTokens: Map<string, string>;
  /** Administrator side: this account's members in this Region. */
  readonly members: Map<string, MemberState>;
  /** Member side: pending invitations, by inviting account. */
  readonly invitations: Map<string, InvitationState>;
  /** Member side: the administrator this account is associated with. */
  administrator?: AdministratorState;
  /** Delegated administrator side: the organization's auto-enable settings. */
  readonly organizationConfiguration: OrganizationConfigurationState;
}

export type Input = Record<string, any>;
export type Handler = (region: RegionState, input: Input, context: ServiceContext) => Record<string, unknown>;

export function badRequest(message: string, type = 'InvalidInputException'): ApiError {
  return new ApiError('BadRequestException', { Message: message, Type: type });
}

export function newDetector(lagMs: number): DetectorState {
  const now = new Date(emulatorNow());
  const features = new Map<string, FeatureState>();
  for (const [name, def] of Object.entries(DEFAULT_FEATURES)) {
    features.set(name, {
      status: def.status,
      updatedAt: now,
      additional: new Map((def.additional ?? []).map((a) => [a, { status: 'DISABLED', updatedAt: now }])),
    });
  }
  return {
    id: randomBytes(16).toString('hex'),
    createdAt: now,
    updatedAt: now,
    status: 'ENABLED',
    findingPublishingFrequency: 'SIX_HOURS',
    features,
    tags: {},
    listedFrom: emulatorNow() + lagMs,
    filters: [],
    ipSets: new Map(),
    threatIntelSets: new Map(),
    trustedEntitySets: new Map(),
    threatEntitySets: new Map(),
    destinations: new Map(),
    malwareScanSettings: { ebsSnapshotPreservation: 'NO_RETENTION' },
  };
}

/** A status that changes after a delay: the current one, or the next once the time has come. */
export function settle<T extends { status: string; next?: string; settlesAt: number }>(state: T): T {
  if (state.next !== undefined && emulatorNow() >= state.settlesAt) {
    state.status = state.next;
    state.next = undefined;
  }
  return state;
}

/** GuardDuty reads lists from S3; the local API accepts the URL forms S3 objects have. */
export const S3_LOCATION = /^(s3:\/\/[^/]+\/.+|https:\/\/([a-z0-9.-]+\.)?s3[.-]([a-z0-9-]+\.)?amazonaws\.com(\.cn)?\/.+|https:\/\/s3\.[a-z0-9-]+\.[a-z0-9.]+\/[^/]+\/.+)$/;
/** "Allowed characters are alphanumeric, whitespace, dash (-), and underscores (_)" (CreateIPSet). */
export const IP_SET_NAME = /^[A-Za-z0-9 \t_-]+$/;
/** Filter names: "alphanumeric characters, dot (.), underscore (_), and dash (-). Spaces are not allowed." */
export const FILTER_NAME = /^[A-Za-z0-9._-]+$/;
/** Condition operators of a filter criterion (the deprecated short forms included). */
export const CONDITION_OPERATORS = ['Eq', 'Neq', 'Gt', 'Gte', 'Lt', 'Lte', 'Equals', 'NotEquals', 'GreaterThan', 'GreaterThanOrEqual',
  'LessThan', 'LessThanOrEqual', 'Matches', 'NotMatches'];

/** Entity list names: "lowercase letters, uppercase letters, numbers, dash (-), and underscore (_)" (CreateTrustedEntitySet). */
export const ENTITY_SET_NAME = /^[A-Za-z0-9_-]+$/;

export type SetCollection = 'ipSets' | 'threatIntelSets' | 'trustedEntitySets' | 'threatEntitySets';

/**
 * What differs between the four list APIs: the emulator's own table, from GuardDuty's API
 * reference and quotas page. It is deliberately not the library's `LIST_KINDS`: an emulator that
 * read the library's table would agree with the library's mistakes.
 */
export interface SetApi {
  /** The API noun: `Create<api>`, `Get<api>`, `Update<api>`, `Delete<api>`, `List<api>s`. */
  readonly api: string;
  /** The ARN path segment after the detector (Service Authorization Reference), e.g. `ipset`. */
  readonly arnSegment: string;
  /** The set id's member name in requests and Create's output, e.g. `IpSetId`. */
  readonly idMember: string;
  /** List*'s output member, e.g. `IpSetIds`. */
  readonly listMember: string;
  readonly namePattern?: RegExp;
  readonly quota?: number;
  /** Entity lists give error details; GuardDuty reads them with the caller's access. */
  readonly entityList: boolean;
}

export const SET_APIS: Record<SetCollection, SetApi> = {
  ipSets: { api: 'IPSet', arnSegment: 'ipset', idMember: 'IpSetId', listMember: 'IpSetIds', namePattern: IP_SET_NAME, quota: GuardDutyQuotas.IP_SETS, entityList: false },
  threatIntelSets: {
    api: 'ThreatIntelSet',
    arnSegment: 'threatintelset',
    idMember: 'ThreatIntelSetId',
    listMember: 'ThreatIntelSetIds',
    quota: GuardDutyQuotas.THREAT_INTEL_SETS,
    entityList: false,
  },
  trustedEntitySets: {
    api: 'TrustedEntitySet',
    arnSegment: 'trustedentityset',
    idMember: 'TrustedEntitySetId',
    listMember: 'TrustedEntitySetIds',
    namePattern: ENTITY_SET_NAME,
    quota: GuardDutyQuotas.TRUSTED_ENTITY_SETS,
    entityList: true,
  },
  threatEntitySets: { api: 'ThreatEntitySet', arnSegment: 'threatentityset', idMember: 'ThreatEntitySetId', listMember: 'ThreatEntitySetIds', namePattern: ENTITY_SET_NAME, entityList: true },
};

/**
 * The S3 object a list location names (the URL forms GuardDuty documents for a location:
 * path-style and virtual-hosted-style HTTPS, with or without the Region, and `s3://`), its key
 * percent-decoded; `undefined` for anything else.
 */
export function s3ObjectOf(location: string): { readonly bucket: string; readonly key: string } | undefined {
  const decode = (key: string) => key.split('/').map((segment) => decodeURIComponent(segment)).join('/');
  const s3Uri = /^s3:\/\/([^/]+)\/(.+)$/.exec(location);
  if (s3Uri) return { bucket: s3Uri[1], key: decode(s3Uri[2]) };
  const url = /^https?:\/\/([^/]+)\/(.+)$/.exec(location);
  if (!url) return undefined;
  const host = url[1];
  const pathStyle = /^s3([.-][a-z0-9-]+)?\.amazonaws\.com(\.cn)?$/.test(host) || /^s3\.[a-z0-9-]+\.[a-z0-9.]+$/.test(host);
  if (pathStyle) {
    const [bucket, ...rest] = url[2].split('/');
    return rest.length > 0 ? { bucket, key: decode(rest.join('/')) } : undefined;
  }
  const hosted = /^(.+)\.s3([.-][a-z0-9-]+)?\.amazonaws\.com(\.cn)?$/.exec(host);
  return hosted ? { bucket: hosted[1], key: decode(url[2]) } : undefined;
}

export interface RequestedFeature {
  readonly name: string;
  readonly status: string;
  readonly additional: ReadonlyArray<{ readonly name: string; readonly status: string }>;
}

/** The features a Create/UpdateDetector request sets, from `Features` or the legacy `DataSources`. */
export function requestedFeatures(input: Input): RequestedFeature[] {
  if (input.Features && input.DataSources) throw badRequest(GuardDutyMessages.DATA_SOURCES_AND_FEATURES);
  if (input.DataSources) {
    const ds = input.DataSources;
    const out: RequestedFeature[] = [];
    const status = (enable: boolean) => (enable ? 'ENABLED' : 'DISABLED');
    if (ds.S3Logs) out.push({ name: 'S3_DATA_EVENTS', status: status(ds.S3Logs.Enable), additional: [] });
    if (ds.Kubernetes) out.push({ name: 'EKS_AUDIT_LOGS', status: status(ds.Kubernetes.AuditLogs.Enable), additional: [] });
    const ebs = ds.MalwareProtection?.ScanEc2InstanceWithFindings?.EbsVolumes;
    if (ebs !== undefined) out.push({ name: 'EBS_MALWARE_PROTECTION', status: status(ebs), additional: [] });
    return out;
  }
  const features: RequestedFeature[] = (input.Features ?? []).map((f: any) => {
    if (!f.Name || !f.Status) throw badRequest(GuardDutyMessages.INVALID_PARAMETERS);
    const allowed = ADDITIONAL_CONFIGURATION[f.Name] ?? [];
    const additional = (f.AdditionalConfiguration ?? []).map((a: any) => {
      if (!a.Name || !a.Status || !allowed.includes(a.Name)) throw badRequest(GuardDutyMessages.INVALID_VALUE);
      return { name: a.Name, status: a.Status };
    });
    if (new Set(additional.map((a: { name: string }) => a.name)).size !== additional.length) throw badRequest(GuardDutyMessages.INVALID_VALUE);
    return { name: f.Name, status: f.Status, additional };
  });
  const names = features.map((f) => f.name);
  if (new Set(names).size !== names.length) throw badRequest(GuardDutyMessages.INVALID_VALUE);
  // "Specifying both EKS Runtime Monitoring and Runtime Monitoring will cause an error."
  if (names.includes('EKS_RUNTIME_MONITORING') && names.includes('RUNTIME_MONITORING')) {
    throw badRequest(GuardDutyMessages.INVALID_VALUE);
  }
  return features;
}

export function applyFeatures(detector: DetectorState, features: RequestedFeature[]): void {
  const now = new Date(emulatorNow());
  for (const f of features) {
    const state = detector.features.get(f.name) ?? { status: f.status, updatedAt: now, additional: new Map() };
    state.status = f.status;
    state.updatedAt = now;
    for (const a of f.additional) state.additional.set(a.name, { status: a.status, updatedAt: now });
    detector.features.set(f.name, state);
  }
}

