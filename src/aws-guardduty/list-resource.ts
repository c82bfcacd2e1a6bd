/**
 * What the list constructs (`IpSet`, `ThreatIntelSet`, `TrustedEntitySet`, `ThreatEntitySet`)
 * do, once: each is a row of `LIST_KINDS` (`../private/resources/guardduty/list.ts`) and a public
 * class that calls `createList` with its row.
 *
 * Construct-layer code (it reads the public `ListSource`), so it sits beside the constructs
 * rather than in the ground layer; not a construct, and not exported from the package.
 */
import { Annotations, Lazy, Names, RemovalPolicy, Resource, Stack, TagManager, TagType, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import type { IDetectorRef } from './detector-ref';
import { ListFormat, ListKind, ListOptions, ListSource } from './list-source';
import { ValidationError } from '../private/errors';
import { GUARDDUTY_SERVICE_LINKED_ROLE_ARN } from '../private/permissions';
import { LIST_KINDS, ListKindDefinition, ListResourceAttributes, ListResourceProperties } from '../private/resources/guardduty/list';
import { listPermissions } from '../private/resources/guardduty/list.permissions';
import { joinSiblings } from '../private/siblings';
import { ThreatDetectionResource } from '../private/threat-detection-resource';
import { GUARDDUTY_OWNED_TAG_LIMIT, renderTags, validateRemovalPolicy, validateString, validateTags } from '../private/validation';

/** A list's row. */
export function listKind(kind: ListKind): ListKindDefinition {
  return LIST_KINDS[kind];
}

/** What a list construct keeps of what `createList` made. */
export interface ListParts {
  /** The set's tags (`Tags.of(...)` writes them), for the construct's `tags`. */
  readonly tags: TagManager;
  /** The set id, a `Fn::GetAtt` of the custom resource. */
  readonly setId: string;
  /** The set ARN, a `Fn::GetAtt` of the custom resource. */
  readonly setArn: string;
  /** The construct's `applyRemovalPolicy`: the same check (and wording) as the policy given at construction. */
  applyRemovalPolicy(policy: RemovalPolicy): void;
}

/**
 * Everything a list construct does, for one kind: validate its name, tags and the kind's quota
 * on the detector, bind the source, create the custom resource with its grants, and return what
 * the construct exposes.
 *
 * @param name the construct's name property (`ipSetName`, …), or `undefined` for a name made from the construct path
 */
export function createList(scope: Resource, kind: ListKind, props: ListOptions & { readonly detector: IDetectorRef }, name?: string): ListParts {
  const row = listKind(kind);
  const tags = new TagManager(TagType.MAP, row.resource.type);
  const quota = setQuotaValidation(scope, kind, props.detector);
  scope.node.addValidation({ validate: () => [...validateTags(tags.tagValues(), `${row.resource.noun} besides the one the library keeps`, GUARDDUTY_OWNED_TAG_LIMIT), ...quota()] });
  const resource = createListResource(scope, {
    kind,
    detector: props.detector,
    name: name ?? Names.uniqueResourceName(scope, { maxLength: 300, separator: '-' }),
    source: props.source,
    format: props.format ?? ListFormat.TXT,
    activate: props.activate ?? true,
    removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    tags,
  });
  return {
    tags,
    setId: resource.attribute('SetId'),
    setArn: resource.attribute('SetArn'),
    applyRemovalPolicy: (policy) => {
      validateRemovalPolicy(scope, policy, row.resource.noun);
      resource.applyRemovalPolicy(policy);
    },
  };
}

/** The ARN of an existing set, `arn:<partition>:guardduty:<region>:<account>:detector/<detectorId>/<segment>/<setId>`. */
export function listArn(scope: Construct, kind: ListKind, detectorId: string, setId: string): string {
  return Stack.of(scope).formatArn({ service: 'guardduty', resource: 'detector', resourceName: `${detectorId}/${listKind(kind).arnSegment}/${setId}` });
}

interface ListResourceOptions {
  readonly kind: ListKind;
  readonly detector: IDetectorRef;
  readonly name: string;
  readonly source: ListSource;
  readonly format: ListFormat;
  readonly activate: boolean;
  readonly removalPolicy: RemovalPolicy;
  readonly tags: TagManager;
}

/** The custom resource of a set. */
type ListResource = ThreatDetectionResource<ListResourceProperties, ListResourceAttributes>;

/** Create the custom resource of a set, grant what reading its list needs, and return it. */
function createListResource(scope: Resource, options: ListResourceOptions): ListResource {
  const kind = listKind(options.kind);
  validateString(scope, kind.nameProperty, options.name, { min: 1, max: 300, ...kind.namePattern });

  const list = options.source.bind(scope, { kind: options.kind, format: options.format });
  if (!Token.isUnresolved(list.location) && list.location.length > 300) {
    throw new ValidationError(scope, `GuardDuty takes list locations of at most 300 characters, got ${list.location.length}: ${list.location}`);
  }

  // IP lists: GuardDuty reads the list as its service-linked role, to which it gives read access
  // itself (an inline policy it puts in the caller's name: iam:PutRolePolicy); the handler reads
  // no object, and the key policy must let that role decrypt. Entity lists: GuardDuty reads with
  // the caller's access, so the handler may read the one object (and decrypt it through S3).
  // The set waits for the bucket (and its key) this app makes.
  const dependencies: IConstruct[] = [];
  if (list.bucket instanceof s3.Bucket) dependencies.push(list.bucket);
  if (list.encryptionKey) {
    if (!kind.entityList) grantServiceRoleDecrypt(scope, list.encryptionKey);
    if (list.encryptionKey instanceof kms.Key) dependencies.push(list.encryptionKey);
  }
  const read = kind.entityList
    ? { objectArn: list.bucket.arnForObjects(list.objectKey), keyArn: list.encryptionKey?.keyArn }
    : undefined;

  const resource = new ThreatDetectionResource(scope, 'Resource', kind.resource, {
    properties: {
      DetectorId: options.detector.detectorId,
      Name: options.name,
      Format: options.format,
      Location: list.location,
      Activate: options.activate ? 'true' : 'false',
      ExpectedBucketOwner: list.expectedBucketOwner,
      ContentHash: list.contentHash,
      Tags: Lazy.any({ produce: () => renderTags(options.tags) }) as unknown as Record<string, string>,
    },
    removalPolicy: options.removalPolicy,
    permissions: listPermissions(kind, read),
  });
  for (const d of dependencies) resource.node.addDependency(d);
  return resource;
}

/**
 * GuardDuty reads an SSE-KMS list as its service-linked role, which needs `kms:Decrypt` in the
 * key policy. A key of this app gets the statement; for an imported key, say what to add.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty-lists-prerequisites.html
 */
function grantServiceRoleDecrypt(scope: Resource, key: kms.IKey): void {
  if (key instanceof kms.Key) {
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowGuardDutyServiceRoleToReadLists',
      actions: ['kms:Decrypt'],
      principals: [new iam.ArnPrincipal(GUARDDUTY_SERVICE_LINKED_ROLE_ARN)],
      resources: ['*'],
    }));
    return;
  }
  Annotations.of(scope).addWarningV2('cdk-threat-detection:listKeyPolicy',
    `The list's bucket is encrypted with a key this app does not manage (${Stack.of(scope).resolve(key.keyArn)}); add to its key `
    + 'policy a statement allowing kms:Decrypt to arn:<partition>:iam::<account>:role/aws-service-role/guardduty.amazonaws.com/'
    + 'AWSServiceRoleForAmazonGuardDuty, or GuardDuty cannot read the list and the set ends in ERROR.');
}

/**
 * Register a set with its detector's sets of the same kind, and return a validation: errors for
 * more sets of one kind on one detector than GuardDuty allows.
 */
function setQuotaValidation(scope: Resource, kind: ListKind, detector: IDetectorRef): () => string[] {
  const sets = joinSiblings(scope, `list:${kind}`, detector.detectorId);
  return () => {
    const { quota, plural } = listKind(kind);
    if (quota !== undefined && sets.length > quota && sets[0] === scope) {
      return [`GuardDuty allows ${quota} ${plural} per account and Region; this stack gives the detector ${sets.length}: `
        + sets.map((s) => s.node.path).join(', ')];
    }
    return [];
  };
}
