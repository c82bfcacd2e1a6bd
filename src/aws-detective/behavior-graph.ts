import {
  ArnFormat, IResource, ITaggable, Lazy, RemovalPolicy, Resource, Stack, TagManager, TagType, Token,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ValidationError } from '../private/errors';
import { BehaviorGraphResource } from '../private/resources/detective/behavior-graph';
import { behaviorGraphPermissions } from '../private/resources/detective/behavior-graph.permissions';
import { ThreatDetectionResource } from '../private/threat-detection-resource';
import { renderTags, validateRemovalPolicy, validateTags } from '../private/validation';

/**
 * An optional Detective datasource package. `DETECTIVE_CORE` (CloudTrail, VPC flow logs,
 * GuardDuty findings) is always ingested and is not listed here.
 *
 * @see https://docs.aws.amazon.com/detective/latest/userguide/source-data-types.html
 */
export enum DatasourcePackage {
  /** Amazon EKS audit logs. */
  EKS_AUDIT = 'EKS_AUDIT',
  /** AWS Security Hub findings (in the AWS Security Finding Format). */
  ASFF_SECURITYHUB_FINDING = 'ASFF_SECURITYHUB_FINDING',
}

/** A Detective behavior graph, created by this stack or referenced. */
export interface IBehaviorGraph extends IResource {
  /**
   * The graph ARN, `arn:<partition>:detective:<region>:<account>:graph:<32 hex characters>`.
   *
   * @attribute
   */
  readonly graphArn: string;

  /**
   * Let a principal investigate in this graph: search it and read its entities, findings groups,
   * indicators, investigations, members and their data sources (`detective:SearchGraph`,
   * `GetInvestigation`, `ListInvestigations`, `ListIndicators`, `ListHighDegreeEntities`,
   * `GetMembers`, `ListMembers`, `BatchGetGraphMemberDatasources`, `ListDatasourcePackages`,
   * `GetGraphIngestState`) on this graph's ARN, and `ListGraphs` (authorized on `*` only) to find
   * it. Reads only: starting investigations or changing their state is not included.
   *
   * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondetective.html
   */
  grantInvestigate(grantee: iam.IGrantable): iam.Grant;
}

/** Properties of a `BehaviorGraph`. */
export interface BehaviorGraphProps {
  /**
   * Optional datasource packages to ingest. Each listed package is started
   * (`UpdateDatasourcePackages`) when it is not ingesting. Detective's API cannot stop a package:
   * one removed from the list that is still ingesting is left ingesting, said in the handler's log
   * and the `DatasourcePackagesLeftIngesting` attribute (stop it in the Detective console); packages
   * never listed are left as they are.
   *
   * @default - not managed: a new graph gets Detective's defaults, an adopted one keeps its own
   * @throws at synth for a package listed twice
   */
  readonly datasourcePackages?: DatasourcePackage[];

  /**
   * Whether Detective enables new accounts of the organization as members automatically
   * (`UpdateOrganizationConfiguration`). Only the organization's Detective administrator may set
   * it: deploy `OrganizationAdminAccount` in the management account first.
   *
   * @default - not managed
   */
  readonly autoEnableOrganizationMembers?: boolean;

  /**
   * What happens to the graph when it leaves the stack. `RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE`
   * (the default) keeps it, but a failed first deployment's rollback leaves the account as it
   * found it: a graph the create made is deleted, and one it adopted gets back the tags and
   * organization auto-enable it had (packages it started stay started: Detective's API cannot
   * stop one). `RemovalPolicy.RETAIN` keeps the graph even then. `RemovalPolicy.DESTROY` deletes
   * the graph, and with it the data Detective collected, but only if this stack created it: a
   * graph that existed before (made by the console or by delegation) is never deleted. `SNAPSHOT`
   * is not supported.
   *
   * @default RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE
   */
  readonly removalPolicy?: RemovalPolicy;
}

abstract class BehaviorGraphBase extends Resource implements IBehaviorGraph {
  public abstract readonly graphArn: string;

  public grantInvestigate(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: GRAPH_READS, resourceArns: [this.graphArn] })
      .combine(iam.Grant.addToPrincipal({ grantee, actions: ['detective:ListGraphs'], resourceArns: ['*'] }));
  }
}

/** An analyst's reads of a graph, each authorized on the graph's ARN (AWS's authorization data). */
const GRAPH_READS = ['detective:SearchGraph', 'detective:GetInvestigation', 'detective:ListInvestigations', 'detective:ListIndicators',
  'detective:ListHighDegreeEntities', 'detective:GetMembers', 'detective:ListMembers', 'detective:BatchGetGraphMemberDatasources',
  'detective:ListDatasourcePackages', 'detective:GetGraphIngestState'];

/** Detective allows 50 tags on a graph; the library keeps one for its creation mark. */
const MAX_USER_TAGS = 49;

const GRAPH_ARN = /^arn:aws[-\w]{0,10}?:detective:[-\w]{2,20}?:\d{12}?:graph:[abcdef\d]{32}?$/;

/**
 * The Detective behavior graph of this stack's account and Region, created or adopted. Enabling
 * Detective creates the graph; this account becomes its administrator.
 *
 * An account has one graph per Region, and delegation (`OrganizationAdminAccount`) or the console
 * may have created it already: `CreateGraph` then answers the existing graph. This construct
 * therefore adopts an existing graph, applies its tags and settings to it, and never deletes it
 * (a failed first deployment puts back the tags and auto-enable it changed). A graph the stack
 * created carries the tag `cdk-threat-detection:created-by`, which is how the handler knows (the
 * tag survives a retried create); it is deleted under `RemovalPolicy.DESTROY`, or by a failed first
 * deployment under the default. Settings change in place; a graph is never replaced.
 *
 * Detective needs GuardDuty enabled in the account and Region for 48 hours before it can be
 * enabled. A refused create fails with a message that says so and how old the detector is: for a
 * fresh account, deploy the `Detector` first and the `BehaviorGraph` in a later deployment.
 *
 * Tags are applied with `Tags.of(...)`.
 *
 * @example
 * import { Tags } from 'aws-cdk-lib';
 * import * as detective from 'cdk-threat-detection/aws-detective';
 *
 * const graph = new detective.BehaviorGraph(this, 'Graph', {
 *   datasourcePackages: [detective.DatasourcePackage.EKS_AUDIT],
 *   autoEnableOrganizationMembers: true,
 * });
 * Tags.of(graph).add('owner', 'security');
 *
 * @see https://docs.aws.amazon.com/detective/latest/APIReference/API_CreateGraph.html
 * @see https://docs.aws.amazon.com/detective/latest/APIReference/API_UpdateDatasourcePackages.html
 */
export class BehaviorGraph extends BehaviorGraphBase implements ITaggable {
  /**
   * Refer to an existing behavior graph by its ARN, e.g. the administrator's graph in a member
   * account's stack.
   *
   * @throws if the ARN is not a behavior graph ARN (when it is known at synth time).
   */
  public static fromGraphArn(scope: Construct, id: string, graphArn: string): IBehaviorGraph {
    if (!Token.isUnresolved(graphArn) && !GRAPH_ARN.test(graphArn)) {
      throw new ValidationError(scope, '`graphArn` must be a Detective behavior graph ARN '
        + `(arn:<partition>:detective:<region>:<account>:graph:<32 hex characters>), got: ${graphArn}`);
    }
    const parts = Token.isUnresolved(graphArn) ? undefined : Stack.of(scope).splitArn(graphArn, ArnFormat.COLON_RESOURCE_NAME);
    class Import extends BehaviorGraphBase {
      public readonly graphArn = graphArn;
    }
    return new Import(scope, id, parts ? { account: parts.account, region: parts.region } : {});
  }

  public readonly graphArn: string;

  /** Whether the graph existed before the stack (a token, `"true"` or `"false"`, resolved at deploy time). */
  public readonly adopted: string;

  /** Tags of the graph, applied through `Tags.of(...)`. */
  public readonly tags: TagManager;

  private readonly resource: ThreatDetectionResource<unknown, { GraphArn: string; Adopted: string }>;

  constructor(scope: Construct, id: string, props: BehaviorGraphProps = {}) {
    super(scope, id);
    const packages = props.datasourcePackages;
    packages?.forEach((p, i) => {
      if (packages.indexOf(p) !== i) {
        throw new ValidationError(this, `\`datasourcePackages\` lists ${p} twice (at index ${i})`);
      }
    });

    this.tags = new TagManager(TagType.MAP, BehaviorGraphResource.type);
    this.node.addValidation({
      validate: () => {
        const tags = this.tags.tagValues();
        const errors = validateTags(tags, 'a behavior graph besides the one the library keeps', { service: 'Detective', maxTags: MAX_USER_TAGS });
        // A stack is one account and Region, which has one behavior graph: a second would adopt
        // the first at deploy time and one set of settings would be lost.
        const graphs = Stack.of(this).node.findAll().filter((c) => c instanceof BehaviorGraph && Stack.of(c) === Stack.of(this));
        if (graphs.length > 1 && graphs[0] === this) {
          errors.push(`a stack deploys to one account and Region, which has one Detective behavior graph; this stack has ${graphs.length}: `
            + `${graphs.map((g) => g.node.path).join(', ')}. Keep one (import it elsewhere with BehaviorGraph.fromGraphArn)`);
        }
        return errors;
      },
    });

    const resource = new ThreatDetectionResource(this, 'Resource', BehaviorGraphResource, {
      properties: {
        Tags: Lazy.any({ produce: () => renderTags(this.tags) }) as unknown as Record<string, string>,
        DatasourcePackages: packages ? [...packages] : undefined,
        AutoEnableOrganizationMembers: props.autoEnableOrganizationMembers === undefined
          ? undefined
          : (String(props.autoEnableOrganizationMembers) as 'true' | 'false'),
      },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      permissions: behaviorGraphPermissions({
        autoEnableOrganizationMembers: props.autoEnableOrganizationMembers !== undefined,
        datasourcePackages: packages !== undefined && packages.length > 0,
      }),
    });
    this.resource = resource;
    this.graphArn = resource.attribute('GraphArn');
    this.adopted = resource.attribute('Adopted');
  }

  /**
   * Apply a removal policy to the graph's custom resource (see `BehaviorGraphProps.removalPolicy`).
   *
   * @throws for `RemovalPolicy.SNAPSHOT`, which custom resources do not support.
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    validateRemovalPolicy(this, policy, 'a behavior graph');
    this.resource.applyRemovalPolicy(policy);
  }
}
