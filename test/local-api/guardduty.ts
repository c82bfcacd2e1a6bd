/**
 * GuardDuty's behaviour in the local API: state per account and Region, and the service's answers
 * (including its error messages, which handlers match on: GuardDuty reports almost every client
 * error as `BadRequestException`, told apart only by the message).
 */
import { randomBytes } from 'node:crypto';
import { ApiError, ServiceContext, ServiceImplementation } from './errors';
import { ValidationFailure } from './model';
import { page } from './paging';

/** The service's messages, verbatim. */
export const GuardDutyMessages = {
  DETECTOR_NOT_OWNED: 'The request is rejected because the input detectorId is not owned by the current account.',
  DETECTOR_EXISTS: 'The request is rejected because a detector already exists for the current account.',
  DATA_SOURCES_AND_FEATURES:
    'The request failed because both data sources and features were provided. You can provide only one; it is recommended to use features.',
  INVALID_VALUE: 'The request is rejected because an invalid or out-of-range value is specified as an input parameter.',
  INVALID_PARAMETERS: 'The request is rejected because one or more input parameters have invalid values.',
  invalidParameter: (name: string) => `The request is rejected because the parameter ${name} has an invalid value.`,
} as const;

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
const MAX_TAGS_PER_RESOURCE = 50;

interface FeatureState {
  status: string;
  updatedAt: Date;
  additional: Map<string, { status: string; updatedAt: Date }>;
}

export interface DetectorState {
  readonly id: string;
  readonly createdAt: Date;
  updatedAt: Date;
  status: 'ENABLED' | 'DISABLED';
  findingPublishingFrequency: string;
  readonly features: Map<string, FeatureState>;
  tags: Record<string, string>;
  /** When the detector starts to appear in ListDetectors (read-after-write lag). */
  readonly listedFrom: number;
}

interface RegionState {
  readonly detectors: Map<string, DetectorState>;
  /** Deleted detectors still listed until `listedUntil` (read-after-write lag). */
  readonly recentlyDeleted: Array<{ readonly id: string; readonly listedUntil: number }>;
  /** Client tokens of successful CreateDetector calls, and the detector each made. */
  readonly createTokens: Map<string, string>;
}

type Input = Record<string, any>;
type Handler = (region: RegionState, input: Input, context: ServiceContext) => Record<string, unknown>;

function badRequest(message: string, type = 'InvalidInputException'): ApiError {
  return new ApiError('BadRequestException', { Message: message, Type: type });
}

export class GuardDutyService implements ServiceImplementation {
  private readonly regions = new Map<string, RegionState>();
  private readonly handlers: Record<string, Handler> = {
    CreateDetector: (r, i) => this.createDetector(r, i),
    GetDetector: (r, i, c) => this.getDetector(r, i, c),
    UpdateDetector: (r, i) => this.updateDetector(r, i),
    DeleteDetector: (r, i) => this.deleteDetector(r, i),
    ListDetectors: (r, i) => this.listDetectors(r, i),
    TagResource: (r, i, c) => this.tagResource(r, i, c),
    UntagResource: (r, i, c) => this.untagResource(r, i, c),
    ListTagsForResource: (r, i, c) => this.listTagsForResource(r, i, c),
  };

  constructor(private readonly lagMs: () => number) {}

  public async invoke(context: ServiceContext, input: Input): Promise<Record<string, unknown>> {
    const handler = this.handlers[context.operation];
    if (!handler) {
      throw new ApiError('InternalServerErrorException', {
        Message: `local API: GuardDuty ${context.operation} is not implemented`,
      });
    }
    return handler(this.region(context.account, context.region), input, context);
  }

  public validationError(failure: ValidationFailure): ApiError {
    if (failure.rule === 'is required' || failure.memberPath === '(body)') {
      return badRequest(GuardDutyMessages.INVALID_PARAMETERS);
    }
    return badRequest(GuardDutyMessages.invalidParameter(failure.memberPath.split(/[.[ ]/)[0]));
  }

  /** The detectors of an account and Region (for assertions). */
  public detectors(account: string, region: string): DetectorState[] {
    return [...this.region(account, region).detectors.values()];
  }

  /** Put a detector in place as organization auto-enable or delegation would (for tests; list lag applies). */
  public seedDetector(account: string, region: string, options: { features?: Record<string, string>; frequency?: string } = {}): string {
    const state = this.region(account, region);
    if (state.detectors.size > 0) throw new Error(`account ${account} already has a detector in ${region}`);
    const detector = newDetector(this.lagMs());
    if (options.frequency) detector.findingPublishingFrequency = options.frequency;
    for (const [name, status] of Object.entries(options.features ?? {})) {
      detector.features.set(name, { status, updatedAt: new Date(), additional: new Map() });
    }
    state.detectors.set(detector.id, detector);
    return detector.id;
  }

  /** Remove a detector as someone outside the stack would (for tests). */
  public removeDetector(account: string, region: string, detectorId: string): void {
    this.region(account, region).detectors.delete(detectorId);
  }

  public reset(): void {
    this.regions.clear();
  }

  private region(account: string, region: string): RegionState {
    const key = `${account}/${region}`;
    let state = this.regions.get(key);
    if (!state) {
      state = { detectors: new Map(), recentlyDeleted: [], createTokens: new Map() };
      this.regions.set(key, state);
    }
    return state;
  }

  private detector(region: RegionState, detectorId: string): DetectorState {
    const detector = region.detectors.get(detectorId);
    if (!detector) throw badRequest(GuardDutyMessages.DETECTOR_NOT_OWNED, 'NoSuchEntityException');
    return detector;
  }

  private createDetector(region: RegionState, input: Input): Record<string, unknown> {
    if (input.ClientToken) {
      const previous = region.createTokens.get(input.ClientToken);
      if (previous && region.detectors.has(previous)) return { DetectorId: previous };
    }
    if (region.detectors.size > 0) throw badRequest(GuardDutyMessages.DETECTOR_EXISTS);
    const features = requestedFeatures(input);
    if (input.Tags && Object.keys(input.Tags).length > MAX_TAGS_PER_RESOURCE) throw badRequest(GuardDutyMessages.INVALID_VALUE);

    const detector = newDetector(this.lagMs());
    detector.status = input.Enable ? 'ENABLED' : 'DISABLED';
    if (input.FindingPublishingFrequency) detector.findingPublishingFrequency = input.FindingPublishingFrequency;
    applyFeatures(detector, features);
    detector.tags = { ...(input.Tags ?? {}) };
    region.detectors.set(detector.id, detector);
    if (input.ClientToken) region.createTokens.set(input.ClientToken, detector.id);
    return { DetectorId: detector.id };
  }

  private getDetector(region: RegionState, input: Input, context: ServiceContext): Record<string, unknown> {
    const d = this.detector(region, input.DetectorId);
    const featureStatus = (name: string) => d.features.get(name)?.status ?? 'DISABLED';
    return {
      CreatedAt: d.createdAt.toISOString(),
      UpdatedAt: d.updatedAt.toISOString(),
      FindingPublishingFrequency: d.findingPublishingFrequency,
      ServiceRole: `arn:aws:iam::${context.account}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty`,
      Status: d.status,
      DataSources: {
        CloudTrail: { Status: featureStatus('CLOUD_TRAIL') },
        DNSLogs: { Status: featureStatus('DNS_LOGS') },
        FlowLogs: { Status: featureStatus('FLOW_LOGS') },
        S3Logs: { Status: featureStatus('S3_DATA_EVENTS') },
        Kubernetes: { AuditLogs: { Status: featureStatus('EKS_AUDIT_LOGS') } },
        MalwareProtection: {
          ScanEc2InstanceWithFindings: { EbsVolumes: { Status: featureStatus('EBS_MALWARE_PROTECTION') } },
        },
      },
      Features: [...d.features.entries()].map(([name, f]) => ({
        Name: name,
        Status: f.status,
        UpdatedAt: f.updatedAt,
        AdditionalConfiguration: f.additional.size > 0
          ? [...f.additional.entries()].map(([n, a]) => ({ Name: n, Status: a.status, UpdatedAt: a.updatedAt }))
          : undefined,
      })),
      Tags: Object.keys(d.tags).length > 0 ? { ...d.tags } : undefined,
    };
  }

  private updateDetector(region: RegionState, input: Input): Record<string, unknown> {
    const detector = this.detector(region, input.DetectorId);
    const features = requestedFeatures(input);
    if (input.Enable !== undefined) detector.status = input.Enable ? 'ENABLED' : 'DISABLED';
    if (input.FindingPublishingFrequency) detector.findingPublishingFrequency = input.FindingPublishingFrequency;
    applyFeatures(detector, features);
    detector.updatedAt = new Date();
    return {};
  }

  private deleteDetector(region: RegionState, input: Input): Record<string, unknown> {
    this.detector(region, input.DetectorId);
    region.detectors.delete(input.DetectorId);
    const lag = this.lagMs();
    if (lag > 0) region.recentlyDeleted.push({ id: input.DetectorId, listedUntil: Date.now() + lag });
    return {};
  }

  private listDetectors(region: RegionState, input: Input): Record<string, unknown> {
    const now = Date.now();
    const ids = [
      ...[...region.detectors.values()].filter((d) => d.listedFrom <= now).map((d) => d.id),
      ...region.recentlyDeleted.filter((d) => d.listedUntil > now).map((d) => d.id),
    ];
    const result = page(ids, input.MaxResults, input.NextToken, 50, () => badRequest(GuardDutyMessages.INVALID_VALUE));
    return { DetectorIds: result.items, NextToken: result.nextToken };
  }

  /** The taggable resource an ARN names, in the caller's account and Region. */
  private taggable(region: RegionState, arn: string, context: ServiceContext): { tags: Record<string, string> } {
    const [, , , arnRegion, arnAccount, resource] = arn.split(':');
    const detectorId = /^detector\/([^/]+)$/.exec(resource ?? '')?.[1];
    if (arnRegion !== context.region || arnAccount !== context.account || !detectorId) {
      throw badRequest(GuardDutyMessages.invalidParameter('resourceArn'));
    }
    return this.detector(region, detectorId);
  }

  private tagResource(region: RegionState, input: Input, context: ServiceContext): Record<string, unknown> {
    const resource = this.taggable(region, input.ResourceArn, context);
    const merged = { ...resource.tags, ...input.Tags };
    if (Object.keys(merged).length > MAX_TAGS_PER_RESOURCE) throw badRequest(GuardDutyMessages.INVALID_VALUE);
    resource.tags = merged;
    return {};
  }

  private untagResource(region: RegionState, input: Input, context: ServiceContext): Record<string, unknown> {
    const resource = this.taggable(region, input.ResourceArn, context);
    const remaining = { ...resource.tags };
    for (const key of input.TagKeys as string[]) delete remaining[key];
    resource.tags = remaining;
    return {};
  }

  private listTagsForResource(region: RegionState, input: Input, context: ServiceContext): Record<string, unknown> {
    const resource = this.taggable(region, input.ResourceArn, context);
    return { Tags: Object.keys(resource.tags).length > 0 ? { ...resource.tags } : undefined };
  }
}

function newDetector(lagMs: number): DetectorState {
  const now = new Date();
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
    listedFrom: Date.now() + lagMs,
  };
}

interface RequestedFeature {
  readonly name: string;
  readonly status: string;
  readonly additional: ReadonlyArray<{ readonly name: string; readonly status: string }>;
}

/** The features a Create/UpdateDetector request sets, from `Features` or the legacy `DataSources`. */
function requestedFeatures(input: Input): RequestedFeature[] {
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

function applyFeatures(detector: DetectorState, features: RequestedFeature[]): void {
  const now = new Date();
  for (const f of features) {
    const state = detector.features.get(f.name) ?? { status: f.status, updatedAt: now, additional: new Map() };
    state.status = f.status;
    state.updatedAt = now;
    for (const a of f.additional) state.additional.set(a.name, { status: a.status, updatedAt: now });
    detector.features.set(f.name, state);
  }
}
