/**
 * What `IpSet` and `ThreatIntelSet` share: the same API shape (name, format, location,
 * activate), the same grants and the same custom resource properties; they differ in resource
 * type, quota and entry limit.
 *
 * Construct-layer code of two constructs (it reads the public `IpListSource`), so it sits beside
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
import { IpSetResource, ThreatIntelSetResource, ThreatListResourceAttributes, ThreatListResourceProperties } from '../private/resources/guardduty/threat-list';
import { threatListPermissions } from '../private/resources/guardduty/threat-list.permissions';
import { joinSiblings } from '../private/siblings';
import { ThreatDetectionResource } from '../private/threat-detection-resource';
import { renderTags, validateString } from '../private/validation';

/** Sets per account and Region: 1 trusted IP list, 6 threat IP lists. */
export const MAX_SETS: Record<IpListKind, number> = {
  [IpListKind.TRUSTED]: 1,
  [IpListKind.THREAT]: 6,
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
  const isTrusted = options.kind === IpListKind.TRUSTED;
  validateString(scope, isTrusted ? 'ipSetName' : 'threatIntelSetName', options.name, isTrusted
    ? { min: 1, max: 300, pattern: /^[A-Za-z0-9 _-]+$/, description: 'letters, digits, spaces, "-" and "_" only' }
    : { min: 1, max: 300 });

  const list = options.source.bind(scope, { kind: options.kind, format: options.format });
  if (!Token.isUnresolved(list.location) && list.location.length > 300) {
    throw new ValidationError(scope, `GuardDuty takes list locations of at most 300 characters, got ${list.location.length}: ${list.location}`);
  }

  // GuardDuty reads the list as its service-linked role, to which it gives read access itself
  // (an inline policy it puts in the caller's name: iam:PutRolePolicy). The guide documents no
  // read of the object by the caller for IP lists, so the handler gets none. The set waits for
  // the bucket (and its key) this app makes.
  const dependencies: IConstruct[] = [];
  if (list.bucket instanceof s3.Bucket) dependencies.push(list.bucket);
  if (list.encryptionKey) {
    grantServiceRoleDecrypt(scope, list.encryptionKey);
    if (list.encryptionKey instanceof kms.Key) dependencies.push(list.encryptionKey);
  }

  const resource = new ThreatDetectionResource(scope, 'Resource', isTrusted ? IpSetResource : ThreatIntelSetResource, {
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
    permissions: threatListPermissions(isTrusted ? 'IPSet' : 'ThreatIntelSet'),
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
    const max = MAX_SETS[kind];
    if (sets.length > max && sets[0] === scope) {
      const what = kind === IpListKind.TRUSTED ? 'trusted IP list (IPSet)' : 'threat IP lists (ThreatIntelSets)';
      return [`GuardDuty allows ${max} ${what} per account and Region; this stack gives the detector ${sets.length}: `
        + sets.map((s) => s.node.path).join(', ')];
    }
    return [];
  };
}
