/**
 * Properties proven by the template: before acting, the handler checks that the event's
 * `ResourceProperties` are what its stack's template gives the event's logical resource, so an
 * event forged while the resource is genuinely in progress (the window the status check of
 * `event-verification.ts` leaves) cannot bring its own properties: archive every finding, name
 * another delegated administrator, replay an old Update.
 *
 * Which template: `GetTemplate` (stage `Processed`) on the function's own stack, which is the
 * template CloudFormation is deploying. AWS documents that GetTemplate "returns the template body
 * for a specified stack", not which of two templates it returns while an update or its rollback
 * runs, so the rules below rely only on what holds for either:
 * - **Create** (`CREATE_IN_PROGRESS`, a new stack or a resource an update adds): the template
 *   being deployed has the resource; `ResourceProperties` must be its properties.
 * - **Update**, not a rollback (stack `UPDATE_IN_PROGRESS`): the new properties must be the
 *   template's (CloudFormation has stored the template it is updating to).
 * - **Rollback Update** (stack `UPDATE_ROLLBACK_IN_PROGRESS`): whichever template CloudFormation
 *   shows then, it is the old or the new one, so the event's old (`ResourceProperties`) or failed
 *   (`OldResourceProperties`) properties must be the template's. What this leaves open is said in
 *   the README: one of the two sets is proven, not both.
 * - **Delete** in a stack deletion (`DELETE_IN_PROGRESS`) or a failed create's rollback
 *   (`ROLLBACK_IN_PROGRESS`): the template has the resource; its properties must be the event's.
 *   A Delete in an update's cleanup names a resource the template no longer has (or has with new
 *   properties): nothing to prove it by, and what it acts on is bounded by its physical id and
 *   the ownership records (`ownership.ts`) instead.
 *
 * Values: CloudFormation hands a custom resource its properties with every scalar as a string.
 * Literals compare exactly. `Ref` resolves from the stack id (pseudo parameters), the stack's
 * parameters (`DescribeStacks`; a `NoEcho` one is unknown) and its resources' physical ids
 * (`ListStackResources`). `Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::FindInMap` and `Fn::If`
 * resolve from those parts. What cannot be resolved (`Fn::GetAtt`, `Fn::ImportValue`, a `NoEcho`
 * parameter, the rarer functions) matches any value in its place, and only there: the literal
 * text around it must still match.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_GetTemplate.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requests.html
 */
import {
  CloudFormationClient,
  DescribeStacksCommand,
  GetTemplateCommand,
  paginateListStackResources,
} from '@aws-sdk/client-cloudformation';
import { CustomResourceEvent } from './custom-resource';

/** The stack facts `Ref` and `Fn::Sub` resolve from, read once per event as needed. */
export interface StackFacts {
  /** Parameter values by name; `undefined` for a `NoEcho` one (CloudFormation shows `****`). */
  readonly parameters: Record<string, string | undefined>;
  /** Physical ids by logical id. */
  readonly physicalIds: Record<string, string | undefined>;
}

/** A value in place of what cannot be resolved: it matches anything. */
const UNKNOWN = Symbol('unknown');
type Segment = string | typeof UNKNOWN;

/** Stack statuses in which a Delete's resource is in the template being deployed or deleted. */
const DELETES_PROVEN_IN = ['DELETE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS'];

/** Which of the event's property sets the template must give, for its request and the stack's status; none when nothing proves a Delete. */
export function propertySetsToProve(event: CustomResourceEvent<unknown>, stackStatus: string | undefined): Array<'ResourceProperties' | 'OldResourceProperties'> {
  switch (event.RequestType) {
    case 'Create':
      return ['ResourceProperties'];
    case 'Update':
      return stackStatus === 'UPDATE_ROLLBACK_IN_PROGRESS' ? ['ResourceProperties', 'OldResourceProperties'] : ['ResourceProperties'];
    case 'Delete':
      return stackStatus !== undefined && DELETES_PROVEN_IN.includes(stackStatus) ? ['ResourceProperties'] : [];
    default:
      return [];
  }
}

/**
 * Why the event's properties are not the template's (undefined when they are, or when nothing
 * proves them): `GetTemplate` on the event's stack, then the comparison. `sets` are the property
 * sets of which one must match (see `propertySetsToProve`).
 */
export async function templateProblem(event: CustomResourceEvent<unknown>, stackStatus: string | undefined,
  client: CloudFormationClient): Promise<string | undefined> {
  const sets = propertySetsToProve(event, stackStatus);
  if (sets.length === 0) return undefined;
  const out = await client.send(new GetTemplateCommand({ StackName: event.StackId, TemplateStage: 'Processed' }));
  const template = parseTemplate(out.TemplateBody);
  const resource = template?.Resources?.[event.LogicalResourceId];
  if (!template || !resource) return `the stack's template has no resource ${event.LogicalResourceId}`;
  if (resource.Type !== event.ResourceType) return `the template's ${event.LogicalResourceId} is of type ${resource.Type}, the event says ${event.ResourceType}`;
  const facts = await readFacts(event, resource.Properties, template, client);
  const problems: string[] = [];
  for (const set of sets) {
    const given = (event as unknown as Record<string, unknown>)[set];
    const problem = mismatch(resource.Properties ?? {}, given ?? {}, set, new Resolver(event.StackId, template, facts));
    if (problem === undefined) return undefined;
    problems.push(problem);
  }
  return problems.join('; and ');
}

interface Template {
  readonly Resources?: Record<string, { readonly Type?: string; readonly Properties?: Record<string, unknown> }>;
  readonly Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  readonly Conditions?: Record<string, unknown>;
}

function parseTemplate(body: string | undefined): Template | undefined {
  if (!body) return undefined;
  try {
    return JSON.parse(body) as Template;
  } catch {
    // A YAML template (not what CDK deploys): nothing to compare with.
    return undefined;
  }
}

/** Read the parameters and physical ids the properties refer to (each call only when needed). */
async function readFacts(event: CustomResourceEvent<unknown>, properties: unknown, template: Template,
  client: CloudFormationClient): Promise<StackFacts> {
  const refs = new Set<string>();
  collectRefs(properties, refs);
  const resources = template.Resources ?? {};
  const parameters: Record<string, string | undefined> = {};
  const physicalIds: Record<string, string | undefined> = {};
  if ([...refs].some((r) => !resources[r] && !r.startsWith('AWS::'))) {
    const stacks = await client.send(new DescribeStacksCommand({ StackName: event.StackId }));
    for (const p of stacks.Stacks?.[0]?.Parameters ?? []) {
      if (p.ParameterKey) parameters[p.ParameterKey] = p.ParameterValue === '****' ? undefined : p.ParameterValue;
    }
  }
  if ([...refs].some((r) => resources[r])) {
    for await (const page of paginateListStackResources({ client }, { StackName: event.StackId })) {
      for (const r of page.StackResourceSummaries ?? []) {
        if (r.LogicalResourceId) physicalIds[r.LogicalResourceId] = r.PhysicalResourceId;
      }
    }
  }
  return { parameters, physicalIds };
}

/** Every name a `Ref` or a `Fn::Sub` variable names in a value. */
function collectRefs(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    value.forEach((v) => collectRefs(v, into));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Ref' && typeof v === 'string') into.add(v);
      if (k === 'Fn::Sub') {
        const text = Array.isArray(v) ? v[0] : v;
        if (typeof text === 'string') for (const m of text.matchAll(/\$\{([^!}][^}.]*)\}/g)) into.add(m[1]);
      }
      collectRefs(v, into);
    }
  }
}

/** Resolves template values to strings (or segments with unknown parts) from the stack's facts. */
class Resolver {
  private readonly partition: string;
  private readonly region: string;
  private readonly account: string;
  private readonly stackName: string;

  constructor(private readonly stackId: string, private readonly template: Template, private readonly facts: StackFacts) {
    const [, partition, , region, account, rest] = stackId.split(':');
    this.partition = partition;
    this.region = region;
    this.account = account;
    this.stackName = /^stack\/([^/]+)\//.exec(rest ?? '')?.[1] ?? '';
  }

  /** A `Ref`'s value; UNKNOWN when the stack does not tell it. */
  public ref(name: string): Segment {
    const pseudo: Record<string, string> = {
      'AWS::AccountId': this.account,
      'AWS::Region': this.region,
      'AWS::Partition': this.partition,
      'AWS::StackId': this.stackId,
      'AWS::StackName': this.stackName,
      'AWS::URLSuffix': this.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
    };
    if (name in pseudo) return pseudo[name];
    if (this.template.Resources?.[name]) return this.facts.physicalIds[name] ?? UNKNOWN;
    return this.facts.parameters[name] ?? UNKNOWN;
  }

  /** A value as text: its segments (UNKNOWN where it cannot be resolved). */
  public segments(value: unknown): Segment[] {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return [String(value)];
    if (!value || typeof value !== 'object' || Array.isArray(value)) return [UNKNOWN];
    const [[fn, arg]] = Object.entries(value as Record<string, unknown>).length === 1 ? Object.entries(value as Record<string, unknown>) : [['', undefined]];
    switch (fn) {
      case 'Ref':
        return [this.ref(String(arg))];
      case 'Fn::Join': {
        const [delimiter, parts] = arg as [string, unknown];
        const list = this.list(parts);
        if (list === undefined) return [UNKNOWN];
        return list.flatMap((p, i) => (i === 0 ? this.segments(p) : [delimiter, ...this.segments(p)]));
      }
      case 'Fn::Sub':
        return this.sub(arg);
      case 'Fn::Select': {
        const [index, from] = arg as [unknown, unknown];
        const list = this.list(from);
        const i = Number(this.text(index));
        return list !== undefined && Number.isInteger(i) && list[i] !== undefined ? this.segments(list[i]) : [UNKNOWN];
      }
      case 'Fn::FindInMap': {
        const [map, top, second] = (arg as unknown[]).map((a) => this.text(a));
        const found = map !== undefined && top !== undefined && second !== undefined ? this.template.Mappings?.[map]?.[top]?.[second] : undefined;
        return found === undefined ? [UNKNOWN] : this.segments(found);
      }
      default:
        // Fn::GetAtt, Fn::ImportValue, Fn::If (see `mismatch`), and the rarer functions.
        return [UNKNOWN];
    }
  }

  /** A value as plain text, or undefined when any part is unknown. */
  public text(value: unknown): string | undefined {
    const segments = this.segments(value);
    return segments.every((s): s is string => typeof s === 'string') ? segments.join('') : undefined;
  }

  /** A literal list (the parts of a `Fn::Join`, a `Fn::Select`'s list), or undefined. */
  private list(value: unknown): unknown[] | undefined {
    if (Array.isArray(value)) return value;
    const split = (value as Record<string, unknown> | null)?.['Fn::Split'] as [string, unknown] | undefined;
    if (Array.isArray(split)) {
      const text = this.text(split[1]);
      return text === undefined ? undefined : text.split(split[0]);
    }
    return undefined;
  }

  private sub(arg: unknown): Segment[] {
    const [text, variables] = Array.isArray(arg) ? arg as [string, Record<string, unknown>] : [arg as string, {}];
    if (typeof text !== 'string') return [UNKNOWN];
    const segments: Segment[] = [];
    let last = 0;
    for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
      segments.push(text.slice(last, m.index));
      last = m.index! + m[0].length;
      const name = m[1];
      if (name.startsWith('!')) {
        segments.push(`\${${name.slice(1)}}`);
      } else if (variables && name in variables) {
        segments.push(...this.segments(variables[name]));
      } else if (name.includes('.')) {
        segments.push(UNKNOWN);
      } else {
        segments.push(this.ref(name));
      }
    }
    segments.push(text.slice(last));
    return segments;
  }
}

/** Whether an event's string is one the segments can give (UNKNOWN matching any text). */
function matchesSegments(parts: Segment[], given: string): boolean {
  // Adjacent texts joined, so each text is either anchored (after a text or at the start) or floats after an unknown.
  const segments: Segment[] = [];
  for (const part of parts) {
    const last = segments[segments.length - 1];
    if (typeof part === 'string' && typeof last === 'string') segments[segments.length - 1] = last + part;
    else if (part === UNKNOWN && last === UNKNOWN) continue;
    else segments.push(part);
  }
  if (segments.every((s) => typeof s === 'string')) return segments.join('') === given;
  // Linear in the event's string for the few unknowns a property holds: a greedy match of each literal in order.
  let at = 0;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    if (s === UNKNOWN) continue;
    const floating = i > 0 && segments[i - 1] === UNKNOWN;
    if (!floating) {
      if (!given.startsWith(s, at)) return false;
      at += s.length;
    } else if (i === segments.length - 1) {
      return given.length - s.length >= at && given.endsWith(s);
    } else {
      const found = given.indexOf(s, at);
      if (found < 0) return false;
      at = found + s.length;
    }
  }
  return segments[segments.length - 1] === UNKNOWN || at === given.length;
}

const shown = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

/** Where an event's value differs from the template's (a path and what differs), or undefined when it matches. */
function mismatch(template: unknown, given: unknown, at: string, resolver: Resolver): string | undefined {
  if (template && typeof template === 'object' && !Array.isArray(template)) {
    const entries = Object.entries(template as Record<string, unknown>);
    const [fn, arg] = entries.length === 1 ? entries[0] : ['', undefined];
    if (fn === 'Fn::If') {
      // Either branch (conditions are not evaluated): the event must be one of them.
      const [, whenTrue, whenFalse] = arg as [string, unknown, unknown];
      const first = mismatch(whenTrue, given, at, resolver);
      return first === undefined ? undefined : mismatch(whenFalse, given, at, resolver);
    }
    if (fn === 'Ref' || fn.startsWith('Fn::')) {
      if (fn === 'Ref' && arg === 'AWS::NoValue') return given === undefined ? undefined : `${at} is ${shown(given)}, the template gives none`;
      if (typeof given !== 'string') {
        // A function giving a list (Fn::Split, Fn::GetAZs, Fn::Cidr) or an object: not compared further.
        return given === undefined ? `${at} is missing, the template gives ${shown(template)}` : undefined;
      }
      return matchesSegments(resolver.segments(template), given) ? undefined : `${at} is ${shown(given)}, the template gives ${shown(template)}`;
    }
    if (given === undefined) return `${at} is missing, the template gives ${shown(template)}`;
    if (!given || typeof given !== 'object' || Array.isArray(given)) return `${at} is ${shown(given)}, the template gives an object`;
    const givenKeys = new Set(Object.keys(given as object));
    for (const [key, value] of entries) {
      // A member the event lacks is compared as undefined: only `AWS::NoValue` (directly, or as a
      // branch of `Fn::If`) gives none.
      givenKeys.delete(key);
      const problem = mismatch(value, (given as Record<string, unknown>)[key], `${at}.${key}`, resolver);
      if (problem) return problem;
    }
    const extra = [...givenKeys][0];
    return extra === undefined ? undefined : `${at}.${extra} is not in the template`;
  }
  if (Array.isArray(template)) {
    if (given === undefined) return `${at} is missing, the template gives ${shown(template)}`;
    if (!Array.isArray(given) || given.length !== template.length) return `${at} is ${shown(given)}, the template gives ${template.length} item(s)`;
    for (let i = 0; i < template.length; i++) {
      const problem = mismatch(template[i], given[i], `${at}[${i}]`, resolver);
      if (problem) return problem;
    }
    return undefined;
  }
  // A scalar: CloudFormation passes every scalar to a custom resource as a string.
  if (given === undefined) return `${at} is missing, the template gives ${shown(template)}`;
  return String(template) === String(given) && typeof given !== 'object' ? undefined : `${at} is ${shown(given)}, the template gives ${shown(template)}`;
}
