/**
 * The CloudFormation the handler asks before acting on an event: its stacks' statuses and their
 * resources' statuses and physical ids, as the replay (or a test) sets them while it deploys, and
 * the two read operations the handler calls, `DescribeStackResource` and `DescribeStacks`.
 *
 * CloudFormation speaks the AWS query protocol (a form-encoded POST with `Action` and `Version`,
 * answered in XML). There is no botocore model of it here, so the two operations are served by
 * hand in the documented shapes (API reference, "DescribeStackResource", "DescribeStacks", and
 * "Common Errors"): the SDK's own XML parser is what checks them. A stack is found by its id (ARN)
 * or, while it is not deleted, by its name; only in the caller's account and Region; a missing
 * stack or logical resource is `ValidationError` (HTTP 400), as CloudFormation answers.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackResource.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html
 */
import { randomUUID } from 'node:crypto';
import { now as emulatorNow } from './clock';
import type { WireResponse } from './model';

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
}

/** The operations served, for the local API's routing and IAM. */
export const CLOUDFORMATION_OPERATIONS = ['DescribeStackResource', 'DescribeStacks'];

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

  /** Read a query-protocol request body: the operation and its parameters, or the error to answer. */
  public parse(body: string): { operation: string; input: Record<string, string>; error?: WireResponse } {
    const params = new URLSearchParams(body);
    const operation = params.get('Action') ?? '';
    const input: Record<string, string> = {};
    params.forEach((value, key) => { if (key !== 'Action' && key !== 'Version') input[key] = value; });
    if (!CLOUDFORMATION_OPERATIONS.includes(operation)) {
      return { operation, input, error: errorResponse(400, 'InvalidAction', `The action ${operation} is not valid for this web service.`) };
    }
    if (params.get('Version') !== '2010-05-15') {
      return { operation, input, error: errorResponse(400, 'InvalidParameterValue', 'The Version parameter must be 2010-05-15.') };
    }
    return { operation, input };
  }

  /** Answer a parsed request of `account` in `region`. */
  public invoke(operation: string, input: Record<string, string>, account: string, region: string): WireResponse {
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
    // DescribeStacks: one stack by name or id (the handler never lists every stack).
    if (!stackName) return respond(errorResponse(400, 'ValidationError', 'The local API serves DescribeStacks for one StackName only'));
    const stack = this.find(stackName, account, region);
    if (!stack) return respond(errorResponse(400, 'ValidationError', `Stack with id ${stackName} does not exist`));
    return respond(ok('DescribeStacks', '<Stacks><member>'
      + element('StackId', stack.stackId) + element('StackName', stack.stackName)
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
