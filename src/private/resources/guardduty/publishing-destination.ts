/**
 * `Custom::GuardDutyPublishingDestination`: the contract between the `PublishingDestination`
 * construct and its handler. The handler's permissions for it are in
 * `publishing-destination.permissions.ts`.
 *
 * Not exported from the package.
 */
import { defineResourceType } from '../../resource-definition';

/** Properties of `Custom::GuardDutyPublishingDestination`. Physical id: `<detectorId>:<destinationId>`. */
export interface PublishingDestinationResourceProperties {
  /** Changing it replaces the destination. */
  readonly DetectorId: string;
  /** `S3` (the only type). Changing it replaces the destination. */
  readonly DestinationType: string;
  /** Bucket ARN, with `/<prefix>` when findings go under a prefix. */
  readonly DestinationArn: string;
  readonly KmsKeyArn: string;
  readonly Tags?: Readonly<Record<string, string>>;
}

/** Attributes of `Custom::GuardDutyPublishingDestination`. */
export interface PublishingDestinationResourceAttributes {
  readonly DestinationId: string;
  /** The destination's own ARN (`detector/<id>/publishingdestination/<destinationId>`), not the bucket's. */
  readonly PublishingDestinationArn: string;
}

/** `Custom::GuardDutyPublishingDestination`. */
export const PublishingDestinationResource = defineResourceType<PublishingDestinationResourceProperties,
  PublishingDestinationResourceAttributes>({
  type: 'Custom::GuardDutyPublishingDestination',
  label: 'PublishingDestination',
  noun: 'a publishing destination',
  // Create and update wait for GuardDuty to verify the destination (re-run safely: the create's client token returns the same destination).
  continuable: ['Create', 'Update'],
});
