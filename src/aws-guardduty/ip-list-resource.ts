/**
 * What `IpSet`, `ThreatIntelSet`, `TrustedEntitySet` and `ThreatEntitySet` share: the same API
 * shape (name, format, location, activate) and custom resource properties; they differ in
 * resource type, quota, entries and how GuardDuty reads the list (see `KINDS`).
 *
 * Construct-layer code of four constructs (it reads the public `IpListSource`), so it sits beside
 * them rather than in the ground layer; not a construct, and not exported from the package.
 */
import { Annotations, Lazy, RemovalPolicy, Resource, Stack, TagManager, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import type { IDetector } from './detector';
import { IpListFormat, IpListKind, IpListSource } from './ip-list-source';
import { ValidationError } from '../private/errors';
import { GUARDDUTY_SERVICE_LINKED_ROLE_ARN } from '../private/permissions';
import { ResourceTypeDefinition } from '../private/resource-definition';
import {
  IpSetResource, ThreatEntitySetResource, ThreatIntelSetResource, ThreatListResourceAttributes, ThreatListResourceProperties,
  TrustedEntitySetResource,
} from '../private/resources/guardduty/threat-list';
import { ThreatListApi, threatListPermissions } from '../private/resources/guardduty/threat-list.permissions';
import { joinSiblings } from '../private/siblings';
import { ThreatDetectionResource } from '../private/threat-detection-resource';
import { renderTags, validateString } from '../private/validation';

/** What differs between the four kinds of list. */
interface ListKind {
  readonly api: ThreatListApi;
  readonly definition: ResourceTypeDefinition<ThreatListResourceProperties, ThreatListResourceAttributes>;
  /** The construct property that names the set, for errors. */
  readonly nameProperty: string;
  /** GuardDuty's name rule for this API, when it documents one. */
  readonly namePattern?: { readonly pattern: RegExp; readonly description: string };
  /** Sets per account and Region, where GuardDuty documents the quota. */
  readonly maxSets?: number;
  /** How the quota error names the sets. */
  readonly plural: string;
  /** Entity lists are read with the caller's access; IP lists through GuardDuty's service-linked role. */
  readonly readByCaller: boolean;
}

/**
 * The four kinds of list: trusted IP lists (1 per account and Region) and threat IP lists (6),
 * read by GuardDuty's service-linked role; trusted entity lists (1: "at any given time, you can
 * have only one trusted entity set") and threat entity lists (no documented quota, so none
 * checked here), read with the caller's access.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_upload-lists.html
 * @see https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateTrustedEntitySet.html
 */
const KINDS: Record<IpListKind, ListKind> = {
  [IpListKind.TRUSTED]: {
    api: 'IPSet',
    definition: IpSetResource,
    nameProperty: 'ipSetName',
    maxSets: 1,
    plural: 'trusted IP list (IPSet)',
    readByCaller: false,
    namePattern: { pattern: /^[A-Za-z0-9 _-]+$/, description: 'letters, digits, spaces, "-" and "_" only' },
  },
  [IpListKind.THREAT]: {
    api: 'ThreatIntelSet',
    definition: ThreatIntelSetResource,
    nameProperty: 'threatIntelSetName',
    maxSets: 6,
    plural: 'threat IP lists (ThreatIntelSets)',
    readByCaller: false,
  },
  [IpListKind.TRUSTED_ENTITIES]: {
    api: 'TrustedEntitySet',
    definition: TrustedEntitySetResource,
    nameProperty: 'trustedEntitySetName',
    maxSets: 1,
    plural: 'trusted entity list (TrustedEntitySet)',
    readByCaller: true,
    namePattern: { pattern: /^[A-Za-z0-9_-]+$/, description: 'letters, digits, "-" and "_" only' },
  },
  [IpListKind.THREAT_ENTITIES]: {
    api: 'ThreatEntitySet',
    definition: ThreatEntitySetResource,
    nameProperty: 'threatEntitySetName',
    plural: 'threat entity lists (ThreatEntitySets)',
    readByCaller: true,
    namePattern: { pattern: /^[A-Za-z0-9_-]+$/, description: 'letters, digits, "-" and "_" only' },
  },
};

export interface IpListResourceOptions {
  readonly kind: IpListKind;
  readonly detector: IDetector;
  readonly name: string;
  readonly source: IpListSource;
  readonly format: IpListFormat;
  readonly activate: boolean;
  readonly removalPolicy: RemovalPolicy;
  readonly tags: TagManager;
}

/** The custom resource of a set. */
export type IpListResource = ThreatDetectionResource<ThreatListResourceProperties, ThreatListResourceAttributes>;

/** Create the custom resource of a set, grant what reading its list needs, and return it. */
export function createIpListResource(scope: Resource, options: IpListResourceOptions): IpListResource {
  const kind = KINDS[options.kind];
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
    if (!kind.readByCaller) grantServiceRoleDecrypt(scope, list.encryptionKey);
    if (list.encryptionKey instanceof kms.Key) dependencies.push(list.encryptionKey);
  }
  const read = kind.readByCaller
    ? { objectArn: list.bucket.arnForObjects(list.objectKey), keyArn: list.encryptionKey?.keyArn }
    : undefined;

  const resource = new ThreatDetectionResource(scope, 'Resource', kind.definition, {
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
    permissions: threatListPermissions(kind.api, read),
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
export function setQuotaValidation(scope: Resource, kind: IpListKind, detector: IDetector): () => string[] {
  const sets = joinSiblings(scope, `ip-list:${kind}`, detector.detectorId);
  return () => {
    const { maxSets, plural } = KINDS[kind];
    if (maxSets !== undefined && sets.length > maxSets && sets[0] === scope) {
      return [`GuardDuty allows ${maxSets} ${plural} per account and Region; this stack gives the detector ${sets.length}: `
        + sets.map((s) => s.node.path).join(', ')];
    }
    return [];
  };
}
