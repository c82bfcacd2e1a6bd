/**
 * GuardDuty's behaviour in the local API: state per account and Region, and the service's answers
 * (including its error messages, which handlers match on: GuardDuty reports almost every client
 * error as `BadRequestException`, told apart only by the message).
 */
import { randomBytes } from 'node:crypto';
import { now as emulatorNow } from './clock';
import { ApiError, ServiceContext, ServiceImplementation } from './errors';
import { MalwareProtectionPlans } from './guardduty-malware-protection';
import { GuardDutyMultiAccount, newOrganizationConfiguration } from './guardduty-multi-account';
import {
  applyFeatures, badRequest, DestinationState, DetectorState, FilterState, GuardDutyMessages, GuardDutyQuotas, Handler, Input,
  ListSetState, newDetector, RegionState, requestedFeatures, settle, TRANSITIONAL_SET_STATUSES, MAX_TAGS_PER_RESOURCE, S3_LOCATION, s3ObjectOf,
  FILTER_NAME, CONDITION_OPERATORS, SetCollection, SET_APIS,
} from './guardduty-state';
import { ValidationFailure } from './model';
import { OrganizationState } from './organizations';
import { page } from './paging';

export { GuardDutyMessages, GuardDutyQuotas } from './guardduty-state';

export class GuardDutyService implements ServiceImplementation {
  /**
   * Ignore client tokens, as a service might that does not honour them: a retried create is then
   * a new create (tests that the handler's retries do not rely on the token).
   */
  public ignoreClientTokens = false;
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
    CreateFilter: (r, i) => this.createFilter(r, i),
    GetFilter: (r, i) => this.getFilter(r, i),
    UpdateFilter: (r, i) => this.updateFilter(r, i),
    DeleteFilter: (r, i) => this.deleteFilter(r, i),
    ListFilters: (r, i) => this.listFilters(r, i),
    ...this.setHandlers(),
    GetMalwareScanSettings: (r, i) => this.getMalwareScanSettings(r, i),
    UpdateMalwareScanSettings: (r, i) => this.updateMalwareScanSettings(r, i),
    CreatePublishingDestination: (r, i) => this.createDestination(r, i),
    DescribePublishingDestination: (r, i) => this.describeDestination(r, i),
    UpdatePublishingDestination: (r, i) => this.updateDestination(r, i),
    DeletePublishingDestination: (r, i) => this.deleteDestination(r, i),
    ListPublishingDestinations: (r, i) => this.listDestinations(r, i),
  };

  /** List locations GuardDuty cannot read (the set goes to ERROR when it activates). */
  private readonly unreadableLocations = new Set<string>();
  /** Destination ARNs GuardDuty cannot write to (the destination fails verification). */
  private readonly unwritableDestinations = new Set<string>();

  /**
   * @param lagMs read-after-write lag of list operations
   * @param settleMs how long asynchronous transitions take (set activation, deletion, destination verification)
   */
  /** Members, invitations, the delegated administrator and organization configuration. */
  public readonly multiAccount: GuardDutyMultiAccount;
  /** Malware Protection plans (Malware Protection for S3). */
  public readonly malwareProtection = new MalwareProtectionPlans();

  constructor(
    private readonly lagMs: () => number,
    private readonly settleMs: () => number = () => 0,
    organization: OrganizationState = new OrganizationState(),
  ) {
    this.multiAccount = new GuardDutyMultiAccount({
      region: (account, region) => this.region(account, region),
      ownDetector: (region, id) => this.ownDetector(region, id),
      lagMs,
      settleMs,
      organization,
    });
    Object.assign(this.handlers, this.multiAccount.handlers, this.malwareProtection.handlers);
  }

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
      detector.features.set(name, { status, updatedAt: new Date(emulatorNow()), additional: new Map() });
    }
    state.detectors.set(detector.id, detector);
    return detector.id;
  }

  /**
   * Move the account's detectors' creation back in time, as if GuardDuty had been enabled `hours`
   * earlier (for tests: Detective requires 48 hours of GuardDuty).
   */
  public backdateDetectors(account: string, region: string, hours: number): void {
    for (const d of this.region(account, region).detectors.values()) d.createdAt = new Date(d.createdAt.getTime() - hours * 3600 * 1000);
  }

  /** Since when the account has had GuardDuty enabled in the Region (its oldest ENABLED detector), if it has. */
  public enabledSince(account: string, region: string): Date | undefined {
    const enabled = [...this.region(account, region).detectors.values()].filter((d) => d.status === 'ENABLED');
    if (enabled.length === 0) return undefined;
    return new Date(Math.min(...enabled.map((d) => d.createdAt.getTime())));
  }

  /** Whether the account has a detector in any Region (GuardDuty made its service-linked role then). */
  public hasAnyDetector(account: string): boolean {
    return [...this.regions.entries()].some(([key, state]) => key.startsWith(`${account}/`) && state.detectors.size > 0);
  }

  /** Remove a detector as someone outside the stack would (for tests). */
  public removeDetector(account: string, region: string, detectorId: string): void {
    this.region(account, region).detectors.delete(detectorId);
  }

  public reset(): void {
    this.ignoreClientTokens = false;
    this.regions.clear();
    this.multiAccount.reset();
    this.malwareProtection.reset();
    this.unreadableLocations.clear();
    this.unwritableDestinations.clear();
  }

  /** Make a list location unreadable to GuardDuty, as a missing object or denied read would (for tests). */
  public failLocation(location: string): void {
    this.unreadableLocations.add(location);
  }

  /** Make a destination unwritable to GuardDuty, as a missing bucket or key policy would (for tests). */
  public failDestination(destinationArn: string): void {
    this.unwritableDestinations.add(destinationArn);
  }

  /** The detector's state by id (for assertions). */
  public detector(account: string, region: string, detectorId: string): DetectorState | undefined {
    return this.region(account, region).detectors.get(detectorId);
  }

  private region(account: string, region: string): RegionState {
    const key = `${account}/${region}`;
    let state = this.regions.get(key);
    if (!state) {
      state = {
        detectors: new Map(),
        recentlyDeleted: [],
        createTokens: new Map(),
        childTokens: new Map(),
        members: new Map(),
        invitations: new Map(),
        organizationConfiguration: newOrganizationConfiguration(),
      };
      this.regions.set(key, state);
    }
    return state;
  }

  private ownDetector(region: RegionState, detectorId: string): DetectorState {
    const detector = region.detectors.get(detectorId);
    if (!detector) throw badRequest(GuardDutyMessages.DETECTOR_NOT_OWNED, 'NoSuchEntityException');
    return detector;
  }

  private createDetector(region: RegionState, input: Input): Record<string, unknown> {
    if (input.ClientToken && !this.ignoreClientTokens) {
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
    const d = this.ownDetector(region, input.DetectorId);
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
    const detector = this.ownDetector(region, input.DetectorId);
    const features = requestedFeatures(input);
    if (input.Enable !== undefined) detector.status = input.Enable ? 'ENABLED' : 'DISABLED';
    if (input.FindingPublishingFrequency) detector.findingPublishingFrequency = input.FindingPublishingFrequency;
    applyFeatures(detector, features);
    detector.updatedAt = new Date(emulatorNow());
    return {};
  }

  private deleteDetector(region: RegionState, input: Input): Record<string, unknown> {
    // Filters, sets and destinations go with their detector.
    this.ownDetector(region, input.DetectorId);
    region.detectors.delete(input.DetectorId);
    const lag = this.lagMs();
    if (lag > 0) region.recentlyDeleted.push({ id: input.DetectorId, listedUntil: emulatorNow() + lag });
    return {};
  }

  private listDetectors(region: RegionState, input: Input): Record<string, unknown> {
    const now = emulatorNow();
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
    const match = /^detector\/([^/]+)(?:\/(filter|ipset|threatintelset|trustedentityset|threatentityset|publishingdestination)\/([^/]+))?$/
      .exec(resource ?? '');
    if (arnRegion !== context.region || arnAccount !== context.account || !match) {
      throw badRequest(GuardDutyMessages.invalidParameter('resourceArn'));
    }
    const detector = this.ownDetector(region, match[1]);
    switch (match[2]) {
      case undefined: return detector;
      case 'filter': return this.filter(detector, match[3]);
      case 'publishingdestination': return this.destination(detector, match[3]);
      default: {
        const collection = (Object.keys(SET_APIS) as SetCollection[]).find((c) => SET_APIS[c].arnSegment === match[2])!;
        return this.set(detector, collection, match[3]);
      }
    }
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

  // ---- Filters ----

  private filter(detector: DetectorState, name: string): FilterState {
    const filter = detector.filters.find((f) => f.name === name);
    if (!filter) throw badRequest(GuardDutyMessages.NO_SUCH_RESOURCE, 'NoSuchEntityException');
    return filter;
  }

  private childToken(operation: string, input: Input): string | undefined {
    return input.ClientToken && !this.ignoreClientTokens ? `${operation}/${input.DetectorId}/${input.ClientToken}` : undefined;
  }

  private createFilter(region: RegionState, input: Input): Record<string, unknown> {
    const detector = this.ownDetector(region, input.DetectorId);
    const token = this.childToken('CreateFilter', input);
    if (token && region.childTokens.get(token) === input.Name && detector.filters.some((f) => f.name === input.Name)) {
      return { Name: input.Name };
    }
    if (!FILTER_NAME.test(input.Name)) throw badRequest(GuardDutyMessages.invalidParameter('name'));
    validateCriteria(input.FindingCriteria);
    if (detector.filters.some((f) => f.name === input.Name)) throw badRequest(GuardDutyMessages.INVALID_PARAMETERS);
    if (detector.filters.length >= GuardDutyQuotas.FILTERS) throw badRequest(GuardDutyMessages.INVALID_VALUE);
    const filter: FilterState = {
      name: input.Name,
      description: input.Description,
      action: input.Action ?? 'NOOP',
      rank: 0,
      criteria: input.FindingCriteria,
      tags: { ...(input.Tags ?? {}) },
    };
    placeFilter(detector, filter, input.Rank);
    if (token) region.childTokens.set(token, input.Name);
    return { Name: input.Name };
  }

  private getFilter(region: RegionState, input: Input): Record<string, unknown> {
    const f = this.filter(this.ownDetector(region, input.DetectorId), input.FilterName);
    return {
      Name: f.name,
      Description: f.description,
      Action: f.action,
      Rank: f.rank,
      FindingCriteria: f.criteria,
      Tags: Object.keys(f.tags).length > 0 ? { ...f.tags } : undefined,
    };
  }

  private updateFilter(region: RegionState, input: Input): Record<string, unknown> {
    const detector = this.ownDetector(region, input.DetectorId);
    const f = this.filter(detector, input.FilterName);
    if (input.FindingCriteria) {
      validateCriteria(input.FindingCriteria);
      f.criteria = input.FindingCriteria;
    }
    if (input.Description !== undefined) f.description = input.Description === '' ? undefined : input.Description;
    if (input.Action) f.action = input.Action;
    if (input.Rank !== undefined) {
      detector.filters = detector.filters.filter((x) => x !== f);
      placeFilter(detector, f, input.Rank);
    }
    return { Name: f.name };
  }

  private deleteFilter(region: RegionState, input: Input): Record<string, unknown> {
    const detector = this.ownDetector(region, input.DetectorId);
    const f = this.filter(detector, input.FilterName);
    detector.filters = detector.filters.filter((x) => x !== f);
    detector.filters.forEach((x, i) => { x.rank = i + 1; });
    return {};
  }

  private listFilters(region: RegionState, input: Input): Record<string, unknown> {
    const detector = this.ownDetector(region, input.DetectorId);
    const names = detector.filters.map((f) => f.name);
    const result = page(names, input.MaxResults, input.NextToken, 50, () => badRequest(GuardDutyMessages.INVALID_VALUE));
    return { FilterNames: result.items, NextToken: result.nextToken };
  }

  // ---- IPSets, ThreatIntelSets, TrustedEntitySets and ThreatEntitySets ----

  /** The five operations of each list API, from `SET_APIS`. */
  private setHandlers(): Record<string, Handler> {
    const handlers: Record<string, Handler> = {};
    for (const collection of Object.keys(SET_APIS) as SetCollection[]) {
      const { api } = SET_APIS[collection];
      handlers[`Create${api}`] = (r, i) => this.createSet(r, i, collection);
      handlers[`Get${api}`] = (r, i) => this.getSet(r, i, collection);
      handlers[`Update${api}`] = (r, i) => this.updateSet(r, i, collection);
      handlers[`Delete${api}`] = (r, i) => this.deleteSet(r, i, collection);
      handlers[`List${api}s`] = (r, i) => this.listSets(r, i, collection);
    }
    return handlers;
  }

  private set(detector: DetectorState, collection: SetCollection, id: string): ListSetState {
    const set = detector[collection].get(id);
    if (!set) throw badRequest(GuardDutyMessages.NO_SUCH_RESOURCE, 'NoSuchEntityException');
    settle(set);
    if (set.status === 'DELETED') {
      detector[collection].delete(id);
      throw badRequest(GuardDutyMessages.NO_SUCH_RESOURCE, 'NoSuchEntityException');
    }
    return set;
  }

  /** Start an (asynchronous) activation or deactivation; GuardDuty reads the list when activating. */
  private transition(set: ListSetState, activate: boolean): void {
    if (activate) {
      set.reads += 1;
      set.status = 'ACTIVATING';
      set.errorDetails = undefined;
      set.next = this.unreadableLocations.has(set.location) ? 'ERROR' : 'ACTIVE';
      if (set.next === 'ERROR') set.errorDetails = `The list at ${set.location} could not be read`;
    } else {
      set.status = set.status === 'ACTIVE' ? 'DEACTIVATING' : 'INACTIVE';
      set.next = 'INACTIVE';
    }
    set.settlesAt = emulatorNow() + this.settleMs();
    settle(set);
  }

  private createSet(region: RegionState, input: Input, collection: SetCollection): Record<string, unknown> {
    const detector = this.ownDetector(region, input.DetectorId);
    const api = SET_APIS[collection];
    const token = this.childToken(`Create/${collection}`, input);
    const previous = token ? region.childTokens.get(token) : undefined;
    if (previous && detector[collection].has(previous)) return { [api.idMember]: previous };
    if (api.namePattern && !api.namePattern.test(input.Name)) throw badRequest(GuardDutyMessages.invalidParameter('name'));
    if (!S3_LOCATION.test(input.Location)) throw badRequest(GuardDutyMessages.invalidParameter('location'));
    const live = [...detector[collection].values()].filter((x) => settle(x).status !== 'DELETED');
    if (api.quota !== undefined && live.length >= api.quota) throw badRequest(GuardDutyMessages.INVALID_VALUE);
    const set: ListSetState = {
      id: randomBytes(16).toString('hex'),
      name: input.Name,
      format: input.Format,
      location: input.Location,
      expectedBucketOwner: input.ExpectedBucketOwner,
      status: 'INACTIVE',
      settlesAt: 0,
      reads: 0,
      tags: { ...(input.Tags ?? {}) },
    };
    if (input.Activate) this.transition(set, true);
    detector[collection].set(set.id, set);
    if (token) region.childTokens.set(token, set.id);
    return { [api.idMember]: set.id };
  }

  private setOf(region: RegionState, input: Input, collection: SetCollection): ListSetState {
    return this.set(this.ownDetector(region, input.DetectorId), collection, input[SET_APIS[collection].idMember]);
  }

  private getSet(region: RegionState, input: Input, collection: SetCollection): Record<string, unknown> {
    const set = this.setOf(region, input, collection);
    return {
      Name: set.name,
      Format: set.format,
      Location: set.location,
      Status: set.status,
      ExpectedBucketOwner: set.expectedBucketOwner,
      Tags: Object.keys(set.tags).length > 0 ? { ...set.tags } : undefined,
      ...(SET_APIS[collection].entityList && set.status === 'ERROR' ? { ErrorDetails: set.errorDetails } : {}),
    };
  }

  private updateSet(region: RegionState, input: Input, collection: SetCollection): Record<string, unknown> {
    const set = this.setOf(region, input, collection);
    const api = SET_APIS[collection];
    // "If the status of a list is Activating, Deactivating, or Delete Pending, you must wait."
    if (TRANSITIONAL_SET_STATUSES.includes(set.status)) throw badRequest(GuardDutyMessages.INVALID_PARAMETERS);
    if (input.Name !== undefined) {
      if (api.namePattern && !api.namePattern.test(input.Name)) throw badRequest(GuardDutyMessages.invalidParameter('name'));
      set.name = input.Name;
    }
    if (input.Location !== undefined) {
      if (!S3_LOCATION.test(input.Location)) throw badRequest(GuardDutyMessages.invalidParameter('location'));
      set.location = input.Location;
    }
    if (input.ExpectedBucketOwner !== undefined) set.expectedBucketOwner = input.ExpectedBucketOwner;
    if (input.Activate !== undefined) this.transition(set, input.Activate);
    return {};
  }

  private deleteSet(region: RegionState, input: Input, collection: SetCollection): Record<string, unknown> {
    const set = this.setOf(region, input, collection);
    if (TRANSITIONAL_SET_STATUSES.includes(set.status)) throw badRequest(GuardDutyMessages.INVALID_PARAMETERS);
    set.status = 'DELETE_PENDING';
    set.next = 'DELETED';
    set.settlesAt = emulatorNow() + this.settleMs();
    settle(set);
    return {};
  }

  private listSets(region: RegionState, input: Input, collection: SetCollection): Record<string, unknown> {
    const detector = this.ownDetector(region, input.DetectorId);
    const ids = [...detector[collection].values()].filter((x) => settle(x).status !== 'DELETED').map((x) => x.id);
    const result = page(ids, input.MaxResults, input.NextToken, 50, () => badRequest(GuardDutyMessages.INVALID_VALUE));
    return { [SET_APIS[collection].listMember]: result.items, NextToken: result.nextToken };
  }

  /**
   * An entity list being activated after its create or update, and the object GuardDuty reads
   * for it in the caller's name (for the server's IAM evaluation); `undefined` otherwise.
   */
  public activatingEntityList(account: string, region: string, operation: string, input: Input, output: Record<string, unknown>):
  { readonly set: ListSetState; readonly bucket: string; readonly key: string } | undefined {
    const collection = (Object.keys(SET_APIS) as SetCollection[])
      .find((c) => SET_APIS[c].entityList && [`Create${SET_APIS[c].api}`, `Update${SET_APIS[c].api}`].includes(operation));
    if (!collection) return undefined;
    if (input.Activate !== true) return undefined;
    const id = (output[SET_APIS[collection].idMember] ?? input[SET_APIS[collection].idMember]) as string | undefined;
    const set = id ? this.detector(account, region, input.DetectorId)?.[collection].get(id) : undefined;
    if (!set || set.status === 'ERROR' || set.next === 'ERROR') return undefined;
    const object = s3ObjectOf(set.location);
    return object ? { set, ...object } : undefined;
  }

  /** GuardDuty could not read an entity list it was activating: the set ends in ERROR with the details. */
  public failActivation(set: ListSetState, details: string): void {
    if (set.next !== undefined) set.next = 'ERROR';
    else set.status = 'ERROR';
    set.errorDetails = details;
  }

  // ---- Malware scan settings (Malware Protection for EC2) ----

  private getMalwareScanSettings(region: RegionState, input: Input): Record<string, unknown> {
    const settings = this.ownDetector(region, input.DetectorId).malwareScanSettings;
    return { EbsSnapshotPreservation: settings.ebsSnapshotPreservation, ScanResourceCriteria: settings.scanResourceCriteria };
  }

  /**
   * Each field given replaces the detector's; a field left out is kept. An organization member
   * is refused: "As a delegated GuardDuty administrator account, only you can make this update on
   * behalf of the organization member accounts. However, if a member account is managed by
   * invitation method, they can make this change on their own."
   *
   * @see https://docs.aws.amazon.com/guardduty/latest/ug/malware-protection-customizations.html
   */
  private updateMalwareScanSettings(region: RegionState, input: Input): Record<string, unknown> {
    const detector = this.ownDetector(region, input.DetectorId);
    if (region.administrator && region.administrator.invitationId === undefined) throw badRequest(GuardDutyMessages.ADMINISTRATOR_GOVERNED);
    const criteria = input.ScanResourceCriteria as Record<string, Record<string, { MapEquals?: unknown[] }> | undefined> | undefined;
    for (const criterion of [criteria?.Include, criteria?.Exclude]) {
      for (const [key, condition] of Object.entries(criterion ?? {})) {
        if (key !== 'EC2_INSTANCE_TAG' || !Array.isArray(condition?.MapEquals)) throw badRequest(GuardDutyMessages.invalidParameter('scanResourceCriteria'));
      }
    }
    if (input.EbsSnapshotPreservation !== undefined) detector.malwareScanSettings.ebsSnapshotPreservation = input.EbsSnapshotPreservation;
    if (criteria !== undefined) detector.malwareScanSettings.scanResourceCriteria = JSON.parse(JSON.stringify(criteria));
    return {};
  }

  // ---- Publishing destinations ----

  private destination(detector: DetectorState, id: string): DestinationState {
    const destination = detector.destinations.get(id);
    if (!destination) throw badRequest(GuardDutyMessages.INVALID_PARAMETERS);
    return settle(destination);
  }

  /** GuardDuty verifies it can write to the bucket with the key, asynchronously. */
  private verify(destination: DestinationState): void {
    destination.status = 'PENDING_VERIFICATION';
    const fails = this.unwritableDestinations.has(destination.destinationArn);
    destination.next = fails ? 'UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY' : 'PUBLISHING';
    destination.settlesAt = emulatorNow() + this.settleMs();
    destination.publishingFailureStartTimestamp = fails ? destination.settlesAt : 0;
    settle(destination);
  }

  private createDestination(region: RegionState, input: Input): Record<string, unknown> {
    const detector = this.ownDetector(region, input.DetectorId);
    const token = this.childToken('CreatePublishingDestination', input);
    const previous = token ? region.childTokens.get(token) : undefined;
    if (previous && detector.destinations.has(previous)) return { DestinationId: previous };
    const props = input.DestinationProperties ?? {};
    validateDestination(props);
    if (detector.destinations.size >= GuardDutyQuotas.PUBLISHING_DESTINATIONS) throw badRequest(GuardDutyMessages.DESTINATION_EXISTS);
    const destination: DestinationState = {
      id: randomBytes(16).toString('hex'),
      destinationArn: props.DestinationArn,
      kmsKeyArn: props.KmsKeyArn,
      status: 'PENDING_VERIFICATION',
      settlesAt: 0,
      publishingFailureStartTimestamp: 0,
      tags: { ...(input.Tags ?? {}) },
    };
    this.verify(destination);
    detector.destinations.set(destination.id, destination);
    if (token) region.childTokens.set(token, destination.id);
    return { DestinationId: destination.id };
  }

  private describeDestination(region: RegionState, input: Input): Record<string, unknown> {
    const d = this.destination(this.ownDetector(region, input.DetectorId), input.DestinationId);
    return {
      DestinationId: d.id,
      DestinationType: 'S3',
      Status: d.status,
      PublishingFailureStartTimestamp: d.publishingFailureStartTimestamp,
      DestinationProperties: { DestinationArn: d.destinationArn, KmsKeyArn: d.kmsKeyArn },
      Tags: Object.keys(d.tags).length > 0 ? { ...d.tags } : undefined,
    };
  }

  private updateDestination(region: RegionState, input: Input): Record<string, unknown> {
    const d = this.destination(this.ownDetector(region, input.DetectorId), input.DestinationId);
    if (input.DestinationProperties) {
      validateDestination({ DestinationArn: d.destinationArn, KmsKeyArn: d.kmsKeyArn, ...input.DestinationProperties });
      d.destinationArn = input.DestinationProperties.DestinationArn ?? d.destinationArn;
      d.kmsKeyArn = input.DestinationProperties.KmsKeyArn ?? d.kmsKeyArn;
      this.verify(d);
    }
    return {};
  }

  private deleteDestination(region: RegionState, input: Input): Record<string, unknown> {
    const detector = this.ownDetector(region, input.DetectorId);
    this.destination(detector, input.DestinationId);
    detector.destinations.delete(input.DestinationId);
    return {};
  }

  private listDestinations(region: RegionState, input: Input): Record<string, unknown> {
    const detector = this.ownDetector(region, input.DetectorId);
    const all = [...detector.destinations.values()].map((d) => settle(d)).map((d) => ({ DestinationId: d.id, DestinationType: 'S3', Status: d.status }));
    const result = page(all, input.MaxResults, input.NextToken, 50, () => badRequest(GuardDutyMessages.INVALID_VALUE));
    return { Destinations: result.items, NextToken: result.nextToken };
  }
}

/** Insert a filter at its rank (1-based position; absent or past the end: last) and renumber. */
function placeFilter(detector: DetectorState, filter: FilterState, rank: number | undefined): void {
  const index = rank === undefined ? detector.filters.length : Math.min(rank - 1, detector.filters.length);
  detector.filters.splice(index, 0, filter);
  detector.filters.forEach((f, i) => { f.rank = i + 1; });
}

/** A criterion needs at least one condition, and each condition at least one operator. */
function validateCriteria(criteria: Input | undefined): void {
  const criterion = criteria?.Criterion ?? {};
  if (Object.keys(criterion).length === 0) throw badRequest(GuardDutyMessages.INVALID_PARAMETERS);
  for (const condition of Object.values<Input>(criterion)) {
    if (!CONDITION_OPERATORS.some((op) => condition[op] !== undefined)) throw badRequest(GuardDutyMessages.INVALID_PARAMETERS);
  }
}

/** S3 bucket ARN (optionally with a folder) and a KMS key ARN are both required. */
function validateDestination(props: Input): void {
  if (!/^arn:aws[a-z-]*:s3:::[a-z0-9.-]{3,63}(\/.*)?$/.test(props.DestinationArn ?? '')) {
    throw badRequest(GuardDutyMessages.invalidParameter('destinationArn'));
  }
  if (!/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/.+$/.test(props.KmsKeyArn ?? '')) {
    throw badRequest(GuardDutyMessages.invalidParameter('kmsKeyArn'));
  }
}
