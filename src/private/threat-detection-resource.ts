/**
 * The one way a construct builds its custom resource: `ThreatDetectionResource` takes the type's
 * definition (`resources/`), checks the removal policy, adds the permissions to the stack's one
 * handler, types the properties by the contract and reads attributes by their contract names.
 *
 * A resource that CloudFormation supports fully is built on its L1 instead (see
 * docs/decisions/custom-resources-and-l1s.md): such a construct uses no definition here.
 *
 * Not exported from the package.
 */
import { CustomResource, RemovalPolicy, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PermissionSet } from './permissions';
import { CONTINUABLE_SERVICE_TIMEOUT, SERVICE_TIMEOUT, ThreatDetectionProvider } from './provider';
import { ResourceTypeDefinition } from './resource-definition';
import { validateRemovalPolicy } from './validation';

/**
 * What an event that may continue in a new invocation needs beyond its own work: to invoke the
 * handler function itself, asynchronously (`lambda:InvokeFunction` on that function only). In the
 * policy the function does not wait for, as it names the function.
 */
function withContinuation(permissions: PermissionSet, provider: ThreatDetectionProvider): PermissionSet {
  return {
    ...permissions,
    resourceGrants: [...permissions.resourceGrants ?? [], {
      sid: 'ContinueInNewInvocation', actions: ['lambda:InvokeFunction'], resources: [provider.function.functionArn],
    }],
  };
}

/** How a construct's custom resource is built. */
export interface ThreatDetectionResourceProps<P> {
  readonly properties: P;
  /** Checked: custom resources support DESTROY, RETAIN and RETAIN_ON_UPDATE_OR_DELETE only. */
  readonly removalPolicy: RemovalPolicy;
  /** What the handler needs for this resource; a function when it depends on the resource (its final removal policy). */
  readonly permissions: PermissionSet | ((resource: CustomResource) => PermissionSet);
}

/**
 * A construct's custom resource of one type, on the stack's one handler: the removal policy
 * checked, the permissions added, the properties typed by the contract, attributes read by name.
 */
export class ThreatDetectionResource<P, A> extends CustomResource {
  constructor(scope: Construct, id: string, definition: ResourceTypeDefinition<P, A>, props: ThreatDetectionResourceProps<P>) {
    validateRemovalPolicy(scope, props.removalPolicy, definition.noun);
    const provider = ThreatDetectionProvider.of(scope);
    super(scope, id, {
      serviceToken: provider.serviceToken,
      // CloudFormation fails an unanswered event after the handler's timeout and a margin, not an
      // hour; an event that may continue in new invocations, after CloudFormation's maximum.
      serviceTimeout: definition.continuable?.length ? CONTINUABLE_SERVICE_TIMEOUT : SERVICE_TIMEOUT,
      resourceType: definition.type,
      properties: { ...props.properties } as Record<string, unknown>,
      removalPolicy: props.removalPolicy,
    });
    const permissions = typeof props.permissions === 'function' ? props.permissions(this) : props.permissions;
    const resourcePolicy = provider.addPermissions(definition.continuable?.length ? withContinuation(permissions, provider) : permissions);
    // Grants on the app's own resources are in a policy the function does not wait for: this resource does.
    if (resourcePolicy) this.node.addDependency(resourcePolicy);
  }

  /** A string attribute of the contract (a token resolved at deploy time). */
  public attribute(name: keyof A & string): string {
    return this.getAttString(name);
  }

  /** A numeric attribute of the contract (CloudFormation carries it as a string; a number token). */
  public numberAttribute(name: keyof A & string): number {
    return Token.asNumber(this.getAtt(name));
  }
}
