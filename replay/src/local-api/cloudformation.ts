/**
 * The CloudFormation the handler asks before acting on an event: its stacks' statuses, templates
 * and parameters, and their resources' statuses and physical ids, as the replay (or a test) sets
 * them while it deploys, and the four read operations the handler calls: `DescribeStackResource`,
 * `DescribeStacks`, `GetTemplate` and `ListStackResources`.
 *
 * CloudFormation speaks the AWS query protocol (a form-encoded POST with `Action` and `Version`,
 * answered in XML). Every request is read into the operation's input shape and validated against
 * CloudFormation's official model (`models/cloudformation-2010-05-15.service-2.json`: required
 * members, lengths, patterns, enums), as the other services' requests are; the answers are written
 * by hand in the documented shapes, and the SDK's own XML parser is what checks them. A stack is
 * found by its id (ARN) or, while it is not deleted, by its name; only in the caller's account and
 * Region; a missing stack or logical resource is `ValidationError` (HTTP 400), as CloudFormation
 * answers.
 *
 * Which template `GetTemplate` returns while a stack changes is not documented by AWS: here it is
 * the template being deployed from the start of a create or update, and the previous one again
 * from the start of an update's rollback (after the rollback AWS returns the previous template,
 * as measured in ministackorg/ministack#1641). The handler's proof accepts either during a rollback.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackResource.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html
 */
import { randomUUID } from 'node:crypto';
import { now as emulatorNow } from './clock';
import { ServiceModel, ValidationFailure, type WireResponse } from './model';

/** A resource as CloudFormation describes it. */
export interface StackResourceState {
  readonly type: string;
  /** Absent while a create has not answered yet. */
  readonly physicalId?: string;
  /** `CREATE_IN_PROGRESS`, `UPDATE_IN_PROGRESS`, `DELETE_IN_PROGRESS`, `*_COMPLETE`, `*_FAILED`. */
  readonly status: string;
}

interface StackState {
  readonly stackId: string;
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  readonly createdAt: Date;
  status: string;
  readonly resources: Map<string, StackResourceState & { updatedAt: Date }>;
  /** The template `GetTemplate` returns (JSON), and the parameter values `DescribeStacks` shows. */
  template?: { readonly body: string; readonly parameters: Readonly<Record<string, string>>; readonly noEcho: ReadonlySet<string> };
}

/** The operations served, for the local API's routing and IAM. */
export const CLOUDFORMATION_OPERATIONS = ['DescribeStackResource', 'DescribeStacks', 'GetTemplate', 'ListStackResources'];

/** CloudFormation's official model: what every request is validated against. */
const MODEL = ServiceModel.load('cloudformation-2010-05-15.service-2.json');

/** Resources per ListStackResources page (CloudFormation's own page size is not documented; small enough to page in tests). */
const RESOURCES_PER_PAGE = 100;

const NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

export class CloudFormationState {
  private readonly stacks = new Map<string, StackState>();

  /** Create the stack's record (idempotent) and set its status. */
  public setStack(stackId: string, status: string): void {
    const [, , , region, account, rest] = stackId.split(':');
    const name = /^stack\/([^/]+)\//.exec(rest ?? '')?.[1];
    if (!name || !/^\d{12}$/.test(account ?? '')) throw new Error(`local API: not a stack id: ${stackId}`);
    const stack = this.stacks.get(stackId);
    if (stack) {
      stack.status = status;
    } else {
      this.stacks.set(stackId, { stackId, stackName: name, account, region, createdAt: new Date(), status, resources: new Map() });
    }
  }

  /** Set one logical resource's type, physical id and status. */
  public setResource(stackId: string, logicalId: string, resource: StackResourceState): void {
    const stack = this.stacks.get(stackId);
    if (!stack) throw new Error(`local API: no stack ${stackId}; setStack first`);
    // On the emulator's clock, which the handler's waits run on: LastUpdatedTimestamp tells a
    // continued event when its work began.
    stack.resources.set(logicalId, { ...resource, updatedAt: new Date(emulatorNow()) });
  }

  /**
   * Set the template the stack is deploying (or holds) and its parameter values, as `GetTemplate`
   * and `DescribeStacks` show them; a `NoEcho` parameter is shown as `****`.
   */
  public setTemplate(stackId: string, template: unknown, parameters: Readonly<Record<string, string>> = {}): void {
    const stack = this.stacks.get(stackId);
    if (!stack) throw new Error(`local API: no stack ${stackId}; setStack first`);
    const declared = ((template as { Parameters?: Record<string, { NoEcho?: unknown }> }).Parameters) ?? {};
    const noEcho = new Set(Object.entries(declared).filter(([, p]) => p.NoEcho === true || p.NoEcho === 'true').map(([name]) => name));
    stack.template = { body: JSON.stringify(template), parameters: { ...parameters }, noEcho };
  }

  /** The template `GetTemplate` returns for the stack now, if it has one. */
  public templateOf(stackId: string): { Resources?: Record<string, unknown> } | undefined {
    const body = this.stacks.get(stackId)?.template?.body;
    return body === undefined ? undefined : JSON.parse(body);
  }

  /** Forget a logical resource (deleted, or removed from the template). */
  public removeResource(stackId: string, logicalId: string): void {
    this.stacks.get(stackId)?.resources.delete(logicalId);
  }

  /** A resource's state, if the stack has it. */
  public resource(stackId: string, logicalId: string): StackResourceState | undefined {
    return this.stacks.get(stackId)?.resources.get(logicalId);
  }

  /** A stack's status, if there is such a stack. */
  public stackStatus(stackId: string): string | undefined {
    return this.stacks.get(stackId)?.status;
  }

  /** The stack id a request's `StackName` (an id or a name) designates for this caller, if any. */
  public resolve(stackName: string, account: string, region: string): string | undefined {
    return this.find(stackName, account, region)?.stackId;
  }

  public reset(): void {
    this.stacks.clear();
  }

  /**
   * Read a query-protocol request body: the operation and its input in the model's member names,
   * validated against the model, or the error to answer.
   */
  public parse(body: string): { operation: string; input: Record<string, any>; error?: WireResponse } {
    const params = new URLSearchParams(body);
    const operation = params.get('Action') ?? '';
    const flat: Record<string, string> = {};
    params.forEach((value, key) => { if (key !== 'Action' && key !== 'Version') flat[key] = value; });
    if (!MODEL.operations[operation]) {
      return { operation, input: flat, error: errorResponse(400, 'InvalidAction', `The action ${operation} is not valid for this web service.`) };
    }
    if (params.get('Version') !== '2010-05-15') {
      return { operation, input: flat, error: errorResponse(400, 'InvalidParameterValue', 'The Version parameter must be 2010-05-15.') };
    }
    const shapeName = MODEL.operations[operation].input?.shape;
    const input = shapeName ? fromQuery(shapeName, flat, '') as Record<string, any> : {};
    try {
      if (shapeName) MODEL.validate(shapeName, input, '');
    } catch (err) {
      if (!(err instanceof ValidationFailure)) throw err;
      return { operation, input, error: errorResponse(400, 'ValidationError', `1 validation error detected: ${err.memberPath} ${err.rule}`) };
    }
    if (!CLOUDFORMATION_OPERATIONS.includes(operation)) {
      return { operation, input, error: errorResponse(400, 'InvalidAction', `The local API does not serve ${operation}.`) };
    }
    return { operation, input };
  }

  /** Answer a parsed request of `account` in `region`. */
  public invoke(operation: string, input: Record<string, any>, account: string, region: string): WireResponse {
    const respond = (response: WireResponse) => response;
    const stackName = input.StackName;
    if (operation === 'DescribeStackResource') {
      if (!stackName || !input.LogicalResourceId) {
        return respond(errorResponse(400, 'ValidationError', `1 validation error detected: Value null at '${stackName ? 'logicalResourceId' : 'stackName'}' `
          + 'failed to satisfy constraint: Member must not be null'));
      }
      const stack = this.find(stackName, account, region);
      if (!stack) return respond(errorResponse(400, 'ValidationError', `Stack '${stackName}' does not exist`));
      const r = stack.resources.get(input.LogicalResourceId);
      if (!r) {
        return respond(errorResponse(400, 'ValidationError', `Resource ${input.LogicalResourceId} does not exist for stack ${stack.stackName}`));
      }
      return respond(ok('DescribeStackResource', '<StackResourceDetail>'
        + element('StackName', stack.stackName) + element('StackId', stack.stackId)
        + element('LogicalResourceId', input.LogicalResourceId)
        + (r.physicalId !== undefined ? element('PhysicalResourceId', r.physicalId) : '')
        + element('ResourceType', r.type) + element('LastUpdatedTimestamp', r.updatedAt.toISOString())
        + element('ResourceStatus', r.status)
        + '</StackResourceDetail>'));
    }
    if (operation === 'GetTemplate') {
      if (input.ChangeSetName) return respond(errorResponse(400, 'ValidationError', 'The local API serves GetTemplate for a stack, not a change set'));
      if (!stackName) return respond(errorResponse(400, 'ValidationError', 'Must specify either StackName or ChangeSetName'));
      const stack = this.find(stackName, account, region);
      if (!stack?.template) return respond(errorResponse(400, 'ValidationError', `Stack with id ${stackName} does not exist`));
      return respond(ok('GetTemplate', element('TemplateBody', stack.template.body)
        + '<StagesAvailable><member>Original</member><member>Processed</member></StagesAvailable>'));
    }
    if (operation === 'ListStackResources') {
      const stack = this.find(stackName, account, region);
      if (!stack) return respond(errorResponse(400, 'ValidationError', `Stack with id ${stackName} does not exist`));
      const all = [...stack.resources.entries()];
      const start = input.NextToken ? Number(Buffer.from(input.NextToken, 'base64').toString()) : 0;
      if (!Number.isInteger(start) || start < 0 || start > all.length) return respond(errorResponse(400, 'ValidationError', 'Invalid NextToken'));
      const page = all.slice(start, start + RESOURCES_PER_PAGE);
      const next = start + RESOURCES_PER_PAGE < all.length ? Buffer.from(String(start + RESOURCES_PER_PAGE)).toString('base64') : undefined;
      return respond(ok('ListStackResources', '<StackResourceSummaries>' + page.map(([logicalId, r]) => '<member>'
        + element('LogicalResourceId', logicalId)
        + (r.physicalId !== undefined ? element('PhysicalResourceId', r.physicalId) : '')
        + element('ResourceType', r.type) + element('LastUpdatedTimestamp', r.updatedAt.toISOString())
        + element('ResourceStatus', r.status) + '</member>').join('') + '</StackResourceSummaries>'
        + (next ? element('NextToken', next) : '')));
    }
    // DescribeStacks: one stack by name or id (the handler never lists every stack).
    if (!stackName) return respond(errorResponse(400, 'ValidationError', 'The local API serves DescribeStacks for one StackName only'));
    const stack = this.find(stackName, account, region);
    if (!stack) return respond(errorResponse(400, 'ValidationError', `Stack with id ${stackName} does not exist`));
    const parameters = Object.entries(stack.template?.parameters ?? {});
    return respond(ok('DescribeStacks', '<Stacks><member>'
      + element('StackId', stack.stackId) + element('StackName', stack.stackName)
      + (parameters.length > 0 ? '<Parameters>' + parameters.map(([key, value]) => '<member>' + element('ParameterKey', key)
        + element('ParameterValue', stack.template!.noEcho.has(key) ? '****' : value) + '</member>').join('') + '</Parameters>' : '')
      + element('CreationTime', stack.createdAt.toISOString()) + element('StackStatus', stack.status)
      + '</member></Stacks>'));
  }

  private find(stackName: string, account: string, region: string): StackState | undefined {
    const byId = this.stacks.get(stackName);
    if (byId) return byId.account === account && byId.region === region ? byId : undefined;
    // By name: the stack that is not deleted (deleted stacks are found only by id).
    return [...this.stacks.values()].find((s) => s.stackName === stackName && s.account === account && s.region === region
      && s.status !== 'DELETE_COMPLETE');
  }
}

/**
 * A query-protocol request's flat parameters (`Name`, `List.member.1`, `Struct.Member`) read into
 * the shape's structure, by the model. Values stay strings where the shape is a string; numbers
 * and booleans are converted, so the model's checks apply to them.
 */
function fromQuery(shapeName: string, flat: Record<string, string>, prefix: string): unknown {
  const shape = MODEL.shape(shapeName);
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const key = prefix ? `${prefix}.${ref.locationName ?? name}` : ref.locationName ?? name;
        const present = Object.keys(flat).some((k) => k === key || k.startsWith(`${key}.`));
        if (present) out[name] = fromQuery(ref.shape, flat, key);
      }
      // A parameter the shape does not have is kept, for the model to refuse by name.
      if (!prefix) for (const k of Object.keys(flat)) if (!k.includes('.') && !(k in out) && !shape.members?.[k]) out[k] = flat[k];
      return out;
    }
    case 'list': {
      const items: unknown[] = [];
      for (let i = 1; Object.keys(flat).some((k) => k === `${prefix}.member.${i}` || k.startsWith(`${prefix}.member.${i}.`)); i++) {
        items.push(fromQuery(shape.member!.shape, flat, `${prefix}.member.${i}`));
      }
      return items;
    }
    case 'boolean':
      return flat[prefix] === 'true' ? true : flat[prefix] === 'false' ? false : flat[prefix];
    case 'integer':
    case 'long':
      return /^-?\d+$/.test(flat[prefix] ?? '') ? Number(flat[prefix]) : flat[prefix];
    default:
      return flat[prefix];
  }
}

function element(name: string, value: string): string {
  return `<${name}>${escapeXml(value)}</${name}>`;
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function ok(operation: string, result: string): WireResponse {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body: `<${operation}Response xmlns="${NAMESPACE}"><${operation}Result>${result}</${operation}Result>`
      + `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${operation}Response>`,
  };
}

/** A query-protocol error: `ErrorResponse/Error/{Type,Code,Message}`. */
export function errorResponse(status: number, code: string, message: string): WireResponse {
  return {
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-errortype': code },
    body: `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type>`
      + `${element('Code', code)}${element('Message', message)}</Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  };
}
