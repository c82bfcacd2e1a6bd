import { IResource } from 'aws-cdk-lib';

/**
 * A reference to a GuardDuty detector: what the resources that belong to a detector (filters,
 * lists, publishing destinations, settings) need of it. Every `IDetector` is one.
 *
 * It has its own file so that those resources do not import the detector, whose `add*` methods
 * import them (the shape aws-cdk gives `ITopicRef` and `IBucketRef`).
 */
export interface IDetectorRef extends IResource {
  /**
   * The detector's id, e.g. `12abc34d567e8fa901bc2d34e56789f0`.
   *
   * @attribute
   */
  readonly detectorId: string;

  /**
   * The detector's ARN, `arn:<partition>:guardduty:<region>:<account>:detector/<detectorId>`.
   *
   * @attribute
   */
  readonly detectorArn: string;
}
