import {
  Annotations,
  Aws,
  CfnCondition,
  Fn,
  IResource,
  ITaggable,
  Lazy,
  RemovalPolicy,
  Resource,
  Stack,
  TagManager,
  TagType,
  Token,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct, IConstruct } from 'constructs';
import type { IDetectorRef } from './detector-ref';
import { ValidationError } from '../private/errors';
import { ThreatDetectionProvider } from '../private/provider';
import { OPT_IN_REGIONS_CONTEXT, optInRegions, REGION_FACTS_DATE, regionFacts } from '../private/region-facts';
import { installRenamedMembers } from '../private/renamed';
import { PublishingDestinationResource } from '../private/resources/guardduty/publishing-destination';
import { publishingDestinationPermissions } from '../private/resources/guardduty/publishing-destination.permissions';
import { joinSiblings } from '../private/siblings';
import { ThreatDetectionResource } from '../private/threat-detection-resource';
import { GUARDDUTY_OWNED_TAG_LIMIT, renderTags, validateRemovalPolicy, validateTags } from '../private/validation';

/**
 * A GuardDuty publishing destination (export of findings to S3).
 */
export interface IPublishingDestination extends IResource {
  /**
   * The destination's id.
   *
   * @attribute
   */
  readonly destinationId: string;

  /**
   * The destination's ARN,
   * `arn:<partition>:guardduty:<region>:<account>:detector/<detectorId>/publishingdestination/<destinationId>`
   * (not the bucket's ARN).
   *
   * @attribute
   */
  readonly publishingDestinationArn: string;
}

/** A publishing destination's settings, without its detector (see `IDetector.addPublishingDestination`). */
export interface PublishingDestinationOptions {
  /**
   * The bucket GuardDuty exports findings to. It must be in the same Region as `key`; a bucket
   * in an opt-in Region can only receive findings from that Region.
   */
  readonly bucket: s3.IBucket;

  /**
   * A folder in the bucket, e.g. `guardduty/`; a trailing `/` is added when missing.
   *
   * @default - the bucket's root
   */
  readonly prefix?: string;

  /**
   * The KMS key GuardDuty encrypts exported findings with (GuardDuty requires one), in the
   * bucket's Region.
   */
  readonly key: kms.IKey;

  /**
   * Add to the bucket policy and the key policy the statements GuardDuty needs to write, scoped
   * with `aws:SourceAccount` and `aws:SourceArn` to this detector. For a bucket or key imported
   * into the app, the statements cannot be added: they are printed as a warning to add by hand.
   *
   * @default true
   */
  readonly grantPermissions?: boolean;

  /**
   * What happens to the destination (not the bucket) when it leaves the stack.
   *
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Attributes of an existing publishing destination, for `PublishingDestination.fromPublishingDestinationAttributes`. */
export interface PublishingDestinationAttributes {
  /** The id of the detector whose findings are exported. */
  readonly detectorId: string;
  /** The destination id. */
  readonly destinationId: string;
}

/** Properties of a `PublishingDestination`. */
export interface PublishingDestinationProps extends PublishingDestinationOptions {
  /** The detector whose findings are exported. */
  readonly detector: IDetectorRef;
}

/**
 * Export of a detector's findings to an S3 bucket, encrypted with a KMS key.
 *
 * By default the construct writes the bucket policy and key policy statements GuardDuty needs,
 * for the Region's GuardDuty service principal (opt-in Regions use their regional principal;
 * which Regions are opt-in comes from the library's dated Region facts, and a Region newer than
 * them is a warning unless the `cdk-threat-detection:optInRegions` context lists it), scoped to this detector with `aws:SourceAccount` and `aws:SourceArn`, and the destination
 * depends on them, so the first deploy does not race them. The handler gets read access to the
 * bucket's location and the key's description. The deployment waits until GuardDuty reports
 * PUBLISHING, and fails with what to fix when it reports
 * `UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY`.
 *
 * GuardDuty allows one publishing destination per detector. Bucket, prefix and key change in
 * place. Backed by `Custom::GuardDutyPublishingDestination`.
 *
 * @example
 * import * as guardduty from 'cdk-threat-detection/aws-guardduty';
 * import * as kms from 'aws-cdk-lib/aws-kms';
 * import * as s3 from 'aws-cdk-lib/aws-s3';
 * declare const detector: guardduty.IDetector;
 *
 * const key = new kms.Key(this, 'FindingsKey', { enableKeyRotation: true });
 * const bucket = new s3.Bucket(this, 'Findings', {
 *   encryption: s3.BucketEncryption.KMS,
 *   encryptionKey: key,
 *   enforceSSL: true,
 * });
 * new guardduty.PublishingDestination(this, 'Export', { detector, bucket, key, prefix: 'guardduty/' });
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html
 */
export class PublishingDestination extends Resource implements IPublishingDestination, ITaggable {
  /** Refer to an existing publishing destination by its detector id and destination id. */
  public static fromPublishingDestinationAttributes(scope: Construct, id: string,
    attrs: PublishingDestinationAttributes): IPublishingDestination {
    class Import extends Resource implements IPublishingDestination {
      public readonly destinationId = attrs.destinationId;
      public readonly publishingDestinationArn = Stack.of(scope).formatArn({
        service: 'guardduty',
        resource: 'detector',
        resourceName: `${attrs.detectorId}/publishingdestination/${attrs.destinationId}`,
      });
    }
    return new Import(scope, id);
  }

  public readonly destinationId: string;
  public readonly publishingDestinationArn: string;
  /** The detector whose findings are exported. */
  public readonly detector: IDetectorRef;
  /** Tags of the destination, applied through `Tags.of(...)`. */
  public readonly tags: TagManager;

  private readonly resource: ThreatDetectionResource<unknown, { DestinationId: string; PublishingDestinationArn: string }>;
  private readonly siblings: ReadonlyArray<PublishingDestination>;

  constructor(scope: Construct, id: string, props: PublishingDestinationProps) {
    super(scope, id);
    const prefix = normalizePrefix(this, props.prefix);
    validateSameRegion(this, props.bucket, props.key);

    this.detector = props.detector;
    this.tags = new TagManager(TagType.MAP, PublishingDestinationResource.type);
    this.siblings = joinSiblings(this, 'publishing-destination', props.detector.detectorId);
    this.node.addValidation({ validate: () => [...validateTags(this.tags.tagValues(), 'a publishing destination besides the one the library keeps', GUARDDUTY_OWNED_TAG_LIMIT), ...this.validateQuota()] });

    const provider = ThreatDetectionProvider.of(this);
    // GuardDuty's guide lists s3:GetBucketLocation among the caller's permissions to configure an
    // export (and no KMS action but the console's kms:ListAliases). It is this destination's own
    // policy, which only this destination depends on: in the shared policy it would make the
    // handler depend on the bucket, whose policy names the detector, which depends on the handler.
    // @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html
    const handlerAccess = new iam.ManagedPolicy(this, 'HandlerAccess', {
      roles: [provider.role],
      statements: [new iam.PolicyStatement({ actions: ['s3:GetBucketLocation'], resources: [props.bucket.bucketArn] })],
    });

    const dependencies: IConstruct[] = [handlerAccess];
    if (props.grantPermissions ?? true) {
      dependencies.push(...this.grantGuardDuty(props.bucket, prefix, props.key));
    }

    this.resource = new ThreatDetectionResource(this, 'Resource', PublishingDestinationResource, {
      properties: {
        DetectorId: props.detector.detectorId,
        DestinationType: 'S3',
        DestinationArn: prefix ? `${props.bucket.bucketArn}/${prefix}` : props.bucket.bucketArn,
        KmsKeyArn: props.key.keyArn,
        Tags: Lazy.any({ produce: () => renderTags(this.tags) }) as unknown as Record<string, string>,
      },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
      permissions: publishingDestinationPermissions(),
    });
    for (const d of dependencies) this.resource.node.addDependency(d);
    this.destinationId = this.resource.attribute('DestinationId');
    this.publishingDestinationArn = this.resource.attribute('PublishingDestinationArn');
  }

  /**
   * Apply a removal policy to the destination's custom resource.
   *
   * @throws for `RemovalPolicy.SNAPSHOT`, which custom resources do not support.
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    validateRemovalPolicy(this, policy, 'a publishing destination');
    this.resource.applyRemovalPolicy(policy);
  }

  /**
   * The bucket and key policy statements GuardDuty needs, added where the app manages the
   * bucket or key, printed as a warning where it does not. Returns what the destination must
   * depend on.
   */
  private grantGuardDuty(bucket: s3.IBucket, prefix: string | undefined, key: kms.IKey): IConstruct[] {
    const principal = new iam.ServicePrincipal(guardDutyPrincipal(this));
    const conditions = {
      StringEquals: {
        'aws:SourceAccount': Stack.of(this).account,
        'aws:SourceArn': this.detector.detectorArn,
      },
    };
    const bucketStatements = [
      new iam.PolicyStatement({
        sid: 'AllowGuardDutyGetBucketLocation',
        principals: [principal],
        actions: ['s3:GetBucketLocation'],
        resources: [bucket.bucketArn],
        conditions,
      }),
      new iam.PolicyStatement({
        sid: 'AllowGuardDutyPutObject',
        principals: [principal],
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(`${prefix ?? ''}*`)],
        conditions,
      }),
    ];
    const keyStatement = new iam.PolicyStatement({
      sid: 'AllowGuardDutyEncryptFindings',
      principals: [principal],
      actions: ['kms:GenerateDataKey'],
      resources: ['*'],
      conditions,
    });

    const dependencies: IConstruct[] = [];
    const missing: iam.PolicyStatement[] = [];
    for (const statement of bucketStatements) {
      const added = bucket.addToResourcePolicy(statement);
      if (added.statementAdded && added.policyDependable) {
        dependencies.push(added.policyDependable as IConstruct);
      } else {
        missing.push(statement);
      }
    }
    const keyAdded = key.addToResourcePolicy(keyStatement, true);
    if (keyAdded.statementAdded && key instanceof kms.Key) {
      dependencies.push(key);
    } else if (!keyAdded.statementAdded) {
      missing.push(keyStatement);
    }
    if (missing.length > 0) {
      Annotations.of(this).addWarningV2('cdk-threat-detection:publishingDestinationPolicies',
        'The bucket or key is not managed by this app, so GuardDuty\'s permissions could not be added; until they are, '
        + 'the destination fails with UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY. Add these statements (bucket policy for s3:*, '
        + `key policy for kms:*): ${JSON.stringify(Stack.of(this).resolve(missing.map((s) => s.toStatementJson())))}`);
    }
    return dependencies;
  }

  private validateQuota(): string[] {
    const all = this.siblings;
    if (all.length > 1 && all[0] === this) {
      return [`GuardDuty allows one publishing destination per detector; this stack gives the detector ${all.length}: `
        + all.map((d) => d.node.path).join(', ')];
    }
    return [];
  }
}
installRenamedMembers('aws_guardduty.PublishingDestination', PublishingDestination);

function normalizePrefix(scope: Construct, prefix: string | undefined): string | undefined {
  if (prefix === undefined || prefix === '') return undefined;
  if (Token.isUnresolved(prefix)) return prefix;
  if (prefix.startsWith('/') || prefix.includes('*')) {
    throw new ValidationError(scope, `\`prefix\` is a folder in the bucket, without a leading "/" or wildcards, got: "${prefix}"`);
  }
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}

function validateSameRegion(scope: Construct, bucket: s3.IBucket, key: kms.IKey): void {
  const bucketRegion = bucket.env.region;
  const keyRegion = key.env.region;
  if (!Token.isUnresolved(bucketRegion) && !Token.isUnresolved(keyRegion) && bucketRegion !== keyRegion) {
    throw new ValidationError(scope, `GuardDuty needs the bucket and the key in the same Region, got bucket in ${bucketRegion} and key in ${keyRegion}`);
  }
}

/**
 * The GuardDuty service principal of the stack's Region: opt-in Regions use
 * `guardduty.<region>.amazonaws.com`. Opt-in comes from the library's Region facts
 * (`region-facts.ts`), plus the Regions the `cdk-threat-detection:optInRegions` context names; a
 * Region the facts do not know falls back to aws-cdk-lib's table, with a warning. For a Region
 * unknown at synth time, a condition on `AWS::Region` (one per stack) picks it at deploy time.
 */
function guardDutyPrincipal(scope: Construct): string {
  const stack = Stack.of(scope);
  const extraOptIn = contextOptInRegions(scope);
  if (!Token.isUnresolved(stack.region)) {
    const facts = regionFacts(stack.region);
    const optIn = extraOptIn.includes(stack.region) || (facts?.optIn ?? RegionInfo.get(stack.region).isOptInRegion);
    if (!facts && !extraOptIn.includes(stack.region)) {
      Annotations.of(scope).addWarningV2('cdk-threat-detection:unknownRegion',
        `Region ${stack.region} is not in cdk-threat-detection's Region facts (as of ${REGION_FACTS_DATE}), so whether it is an opt-in `
        + `Region comes from aws-cdk-lib, which says it is ${optIn ? '' : 'not '}one. That decides GuardDuty's principal in the bucket and `
        + `key policies: ${optIn ? `guardduty.${stack.region}.amazonaws.com` : 'guardduty.amazonaws.com'}. Upgrade cdk-threat-detection; `
        + `or, if ${stack.region} is an opt-in Region, add it to the context value "${OPT_IN_REGIONS_CONTEXT}" (a list of Regions).`);
    }
    return optIn ? `guardduty.${stack.region}.amazonaws.com` : 'guardduty.amazonaws.com';
  }
  const id = 'CdkThreatDetectionOptInRegion';
  let condition = stack.node.tryFindChild(id) as CfnCondition | undefined;
  if (!condition) {
    const regions = [...new Set([...optInRegions(), ...extraOptIn])].sort();
    const optIn = regions.map((r) => Fn.conditionEquals(Aws.REGION, r));
    // Fn::Or takes 2 to 10 conditions: nest groups of up to 10.
    const groups: any[] = [];
    for (let i = 0; i < optIn.length; i += 10) {
      const group = optIn.slice(i, i + 10);
      groups.push(group.length === 1 ? group[0] : Fn.conditionOr(...group));
    }
    condition = new CfnCondition(stack, id, { expression: groups.length === 1 ? groups[0] : Fn.conditionOr(...groups) });
  }
  return Fn.conditionIf(condition.logicalId, Fn.join('', ['guardduty.', Aws.REGION, '.amazonaws.com']), 'guardduty.amazonaws.com').toString();
}

/**
 * The Regions the `cdk-threat-detection:optInRegions` context value names as opt-in.
 *
 * @throws if the value is not a list of Region names
 */
function contextOptInRegions(scope: Construct): string[] {
  const value: unknown = scope.node.tryGetContext(OPT_IN_REGIONS_CONTEXT);
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((r) => typeof r === 'string' && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(r))) {
    throw new ValidationError(scope, `The context value "${OPT_IN_REGIONS_CONTEXT}" must be a list of Region names (e.g. ["ap-east-2"]), got: ${JSON.stringify(value)}`);
  }
  return value;
}
