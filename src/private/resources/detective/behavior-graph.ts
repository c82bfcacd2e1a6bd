/**
 * `Custom::DetectiveBehaviorGraph`: the contract between the `BehaviorGraph` construct and its
 * handler. The handler's permissions for it are in `behavior-graph.permissions.ts`.
 *
 * Not exported from the package.
 */
import { BooleanString, CREATED_BY_TAG } from '../../contracts';
import { defineResourceType } from '../../resource-definition';

/**
 * The tag a behavior graph carries when the stack created it (`CREATED_BY_TAG`): the physical id
 * must be exactly the graph ARN, so whether the stack created or adopted the graph is recorded on
 * the graph itself. Reserved: users cannot set it.
 */
export const GRAPH_CREATED_BY_TAG = CREATED_BY_TAG;

/**
 * Properties of `Custom::DetectiveBehaviorGraph`. Physical id: the graph ARN, exactly: an account
 * has one graph per Region and CreateGraph returns the existing one, so any other physical id would
 * let a replacement's cleanup delete the live graph.
 */
export interface BehaviorGraphResourceProperties {
  /** Tags managed by the stack (a map). Never the reserved `GRAPH_CREATED_BY_TAG`. */
  readonly Tags?: Readonly<Record<string, string>>;
  /** Optional datasource packages to ingest (`EKS_AUDIT`, `ASFF_SECURITYHUB_FINDING`); absent: not managed. */
  readonly DatasourcePackages?: ReadonlyArray<string>;
  /** Organization auto-enable of new accounts (`UpdateOrganizationConfiguration`); absent: not managed. */
  readonly AutoEnableOrganizationMembers?: BooleanString;
}

/** Attributes of `Custom::DetectiveBehaviorGraph`. */
export interface BehaviorGraphResourceAttributes {
  readonly GraphArn: string;
  /** `"true"` when the graph existed before the stack (it is never deleted by the stack). */
  readonly Adopted: BooleanString;
  /**
   * Packages the properties no longer list that are still ingesting, comma-separated (empty when
   * none): Detective's API cannot stop a package, so an update (or a rollback) leaves them.
   */
  readonly DatasourcePackagesLeftIngesting: string;
}

/** `Custom::DetectiveBehaviorGraph`. */
export const BehaviorGraphResource = defineResourceType<BehaviorGraphResourceProperties, BehaviorGraphResourceAttributes>({
  type: 'Custom::DetectiveBehaviorGraph', label: 'BehaviorGraph', noun: 'a behavior graph',
});
