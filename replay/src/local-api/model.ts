/**
 * The REST-JSON and JSON 1.1 protocols, driven by an official service model read at run time:
 * routing a request to its operation (by method and path, or by the `X-Amz-Target` header), turning the wire request into the operation's input (SDK member names),
 * validating it as the service does (required, unknown members, types, enums, lengths, ranges,
 * patterns), and serializing outputs and errors back to the wire.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ShapeRef {
  readonly shape: string;
  readonly location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';
  readonly locationName?: string;
  readonly idempotencyToken?: boolean;
  readonly timestampFormat?: 'iso8601' | 'unixTimestamp' | 'rfc822';
}

export interface Shape {
  readonly type: 'structure' | 'list' | 'map' | 'string' | 'boolean' | 'integer' | 'long' | 'double' | 'float' | 'timestamp' | 'blob';
  readonly members?: Record<string, ShapeRef>;
  readonly required?: string[];
  readonly member?: ShapeRef;
  readonly key?: ShapeRef;
  readonly value?: ShapeRef;
  readonly enum?: string[];
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly error?: { readonly httpStatusCode: number };
  readonly exception?: boolean;
  /** A server-side error (the service's fault): answered with 500 when the model gives no status. */
  readonly fault?: boolean;
  /** How a timestamp is written: the model's (e.g. `iso8601`), else the protocol's default (epoch seconds in JSON). */
  readonly timestampFormat?: 'iso8601' | 'unixTimestamp' | 'rfc822';
}

export interface Operation {
  readonly name: string;
  readonly http: { readonly method: string; readonly requestUri: string; readonly responseCode?: number };
  readonly input?: { readonly shape: string };
  readonly output?: { readonly shape: string };
  readonly errors?: ReadonlyArray<{ readonly shape: string }>;
}

interface RawModel {
  readonly metadata: {
    readonly signingName?: string;
    readonly endpointPrefix: string;
    readonly serviceId: string;
    readonly protocol: string;
    readonly targetPrefix?: string;
  };
  readonly operations: Record<string, Operation>;
  readonly shapes: Record<string, Shape>;
}

/** A request that breaks the model: which member (wire path) and which rule. */
export class ValidationFailure extends Error {
  constructor(public readonly memberPath: string, public readonly rule: string) {
    super(`${memberPath}: ${rule}`);
  }
}

interface Route {
  readonly operation: Operation;
  readonly method: string;
  readonly segments: ReadonlyArray<{ readonly literal?: string; readonly label?: string; readonly greedy?: boolean }>;
  /** Literal query keys in the URI template (e.g. `?tagging`). */
  readonly literalQuery: string[];
  readonly specificity: number;
}

export interface MatchedRequest {
  readonly operation: Operation;
  readonly labels: Record<string, string>;
}

export interface WireRequest {
  readonly labels: Record<string, string>;
  readonly query: URLSearchParams;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export interface WireResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const MODELS_DIR = path.join(__dirname, 'models');

export class ServiceModel {
  /** Load `<name>.service-2.json` from the vendored models. */
  public static load(fileName: string): ServiceModel {
    return new ServiceModel(JSON.parse(fs.readFileSync(path.join(MODELS_DIR, fileName), 'utf-8')));
  }

  public readonly signingName: string;
  /** `rest-json` (GuardDuty, Detective) or `json` (Organizations: JSON 1.1, routed by target). */
  public readonly protocol: string;
  public readonly operations: Record<string, Operation>;
  private readonly shapes: Record<string, Shape>;
  private readonly routes: Route[];
  private readonly patterns = new Map<string, RegExp>();
  private readonly targetPrefix?: string;

  private constructor(model: RawModel) {
    this.signingName = model.metadata.signingName ?? model.metadata.endpointPrefix;
    this.protocol = model.metadata.protocol;
    this.targetPrefix = model.metadata.targetPrefix;
    this.operations = model.operations;
    this.shapes = model.shapes;
    this.routes = ['json', 'query'].includes(model.metadata.protocol) ? [] : Object.values(model.operations).map(routeOf)
      .sort((a, b) => b.specificity - a.specificity);
  }

  public shape(name: string): Shape {
    const s = this.shapes[name];
    if (!s) throw new Error(`no shape ${name} in the model`);
    return s;
  }

  /** The operation a method and (raw, still-encoded) path address, with its URI labels decoded. */
  public match(method: string, rawPath: string, query: URLSearchParams): MatchedRequest | undefined {
    const parts = rawPath.split('/').filter((p, i) => i > 0 || p !== '');
    if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
    for (const route of this.routes) {
      if (route.method !== method) continue;
      if (!route.literalQuery.every((q) => query.has(q))) continue;
      const labels = matchSegments(route.segments, parts);
      if (labels) return { operation: route.operation, labels };
    }
    return undefined;
  }

  /** JSON 1.1: the operation an `X-Amz-Target` header (`<prefix>.<Operation>`) names. */
  public matchTarget(target: string | undefined): MatchedRequest | undefined {
    if (this.protocol !== 'json' || !target) return undefined;
    const [prefix, name] = target.split('.');
    const operation = prefix === this.targetPrefix ? this.operations[name] : undefined;
    return operation ? { operation, labels: {} } : undefined;
  }

  /** The operation's input in SDK member names, validated against the model. */
  public parseInput(operation: Operation, wire: WireRequest): Record<string, unknown> {
    if (!operation.input) return {};
    const shape = this.shape(operation.input.shape);
    const input: Record<string, unknown> = {};
    let body: Record<string, unknown> = {};
    if (wire.body.trim() !== '') {
      try {
        body = JSON.parse(wire.body);
      } catch {
        throw new ValidationFailure('(body)', 'is not valid JSON');
      }
    }
    const bodyMembers = new Set<string>();
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      const wireName = ref.locationName ?? name;
      switch (ref.location) {
        case 'uri':
          if (wire.labels[wireName] !== undefined) input[name] = this.fromString(ref, wire.labels[wireName], wireName);
          break;
        case 'querystring': {
          const target = this.shape(ref.shape);
          if (target.type === 'list') {
            const values = wire.query.getAll(wireName);
            if (values.length > 0) input[name] = values.map((v) => this.fromString(target.member!, v, wireName));
          } else if (wire.query.has(wireName)) {
            input[name] = this.fromString(ref, wire.query.get(wireName)!, wireName);
          }
          break;
        }
        case 'header': {
          const value = wire.headers[wireName.toLowerCase()];
          if (typeof value === 'string') input[name] = this.fromString(ref, value, wireName);
          break;
        }
        default:
          bodyMembers.add(wireName);
          if (body[wireName] !== undefined && body[wireName] !== null) {
            input[name] = this.fromWire(ref, body[wireName], wireName);
          }
      }
    }
    for (const key of Object.keys(body)) {
      if (!bodyMembers.has(key)) throw new ValidationFailure(key, 'is not a member of the request');
    }
    this.validate(operation.input.shape, input, '');
    return input;
  }

  /**
   * Check a value (SDK member names) against a shape. Used for inputs and for the local API's own
   * outputs, so a response the real service could not send is caught here, not in a handler.
   */
  public validate(shapeName: string, value: unknown, memberPath: string): void {
    const shape = this.shape(shapeName);
    const at = memberPath || '(request)';
    switch (shape.type) {
      case 'structure': {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ValidationFailure(at, 'must be an object');
        const obj = value as Record<string, unknown>;
        for (const req of shape.required ?? []) {
          if (obj[req] === undefined || obj[req] === null) {
            const ref = shape.members![req];
            throw new ValidationFailure(join(memberPath, ref.locationName ?? req), 'is required');
          }
        }
        for (const [k, v] of Object.entries(obj)) {
          const ref = shape.members?.[k];
          if (!ref) throw new ValidationFailure(join(memberPath, k), 'is not a member');
          if (v !== undefined && v !== null) this.validate(ref.shape, v, join(memberPath, ref.locationName ?? k));
        }
        return;
      }
      case 'list':
        if (!Array.isArray(value)) throw new ValidationFailure(at, 'must be a list');
        checkRange(at, value.length, shape, 'length');
        value.forEach((v, i) => this.validate(shape.member!.shape, v, `${at}[${i}]`));
        return;
      case 'map': {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ValidationFailure(at, 'must be a map');
        const entries = Object.entries(value as Record<string, unknown>);
        checkRange(at, entries.length, shape, 'number of entries');
        for (const [k, v] of entries) {
          this.validate(shape.key!.shape, k, `${at} key "${k}"`);
          this.validate(shape.value!.shape, v, `${at}["${k}"]`);
        }
        return;
      }
      case 'string':
        if (typeof value !== 'string') throw new ValidationFailure(at, 'must be a string');
        if (shape.enum && !shape.enum.includes(value)) {
          throw new ValidationFailure(at, `must be one of [${shape.enum.join(', ')}], got "${value}"`);
        }
        checkRange(at, [...value].length, shape, 'length');
        if (shape.pattern && !this.pattern(shape.pattern).test(value)) {
          throw new ValidationFailure(at, `must match the pattern ${shape.pattern}, got "${value}"`);
        }
        return;
      case 'boolean':
        if (typeof value !== 'boolean') throw new ValidationFailure(at, 'must be a boolean');
        return;
      case 'integer':
      case 'long':
        if (typeof value !== 'number' || !Number.isInteger(value)) throw new ValidationFailure(at, 'must be an integer');
        if (shape.type === 'integer' && (value > 2 ** 31 - 1 || value < -(2 ** 31))) throw new ValidationFailure(at, 'must fit a 32-bit integer');
        checkRange(at, value, shape, 'value');
        return;
      case 'double':
      case 'float':
        if (typeof value !== 'number') throw new ValidationFailure(at, 'must be a number');
        checkRange(at, value, shape, 'value');
        return;
      case 'timestamp':
        if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new ValidationFailure(at, 'must be a timestamp');
        return;
      case 'blob':
        if (typeof value !== 'string' && !Buffer.isBuffer(value)) throw new ValidationFailure(at, 'must be a blob');
        return;
    }
  }

  /** Serialize an operation's output (SDK member names) to the wire, after validating it. */
  public serializeOutput(operation: Operation, output: Record<string, unknown>): WireResponse {
    const status = operation.http.responseCode ?? 200;
    const headers: Record<string, string> = { 'content-type': this.contentType };
    if (!operation.output) return { status, headers, body: status === 204 ? '' : '{}' };
    this.validate(operation.output.shape, output, '(response)');
    const shape = this.shape(operation.output.shape);
    const body: Record<string, unknown> = {};
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      const value = output[name];
      if (value === undefined || value === null) continue;
      if (ref.location === 'header') headers[(ref.locationName ?? name).toLowerCase()] = String(value);
      else body[ref.locationName ?? name] = this.toWire(ref, value);
    }
    return { status, headers, body: JSON.stringify(body) };
  }

  /** An error response for an error shape of this model. */
  public serializeError(shapeName: string, members: Record<string, unknown>): WireResponse {
    const shape = this.shape(shapeName);
    const body: Record<string, unknown> = {};
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      // GuardDuty's error shapes model their `Type` member at "type", but the service sends it as
      // `__type` (a logged response: {"message":"…","__type":"InvalidInputException"} with
      // x-amzn-ErrorType: BadRequestException; boto/boto3#3890), so the SDK reads it as AWS's.
      const wireName = this.protocol === 'rest-json' && ref.locationName === 'type' ? '__type' : ref.locationName ?? name;
      if (members[name] !== undefined) body[wireName] = this.toWire(ref, members[name]);
    }
    if (this.protocol === 'json') body.__type = shapeName;
    return {
      // Organizations' ServiceException has no status in its model but is a fault: AWS answers 500,
      // which the SDK retries (a 400 it would not).
      status: shape.error?.httpStatusCode ?? (shape.fault ? 500 : 400),
      headers: { 'content-type': this.contentType, 'x-amzn-errortype': shapeName },
      body: JSON.stringify(body),
    };
  }

  private get contentType(): string {
    return this.protocol === 'json' ? 'application/x-amz-json-1.1' : 'application/json';
  }

  private fromString(ref: ShapeRef, raw: string, at: string): unknown {
    const shape = this.shape(ref.shape);
    switch (shape.type) {
      case 'boolean':
        if (raw !== 'true' && raw !== 'false') throw new ValidationFailure(at, `must be true or false, got "${raw}"`);
        return raw === 'true';
      case 'integer':
      case 'long': {
        const n = Number(raw);
        if (!Number.isInteger(n)) throw new ValidationFailure(at, `must be an integer, got "${raw}"`);
        return n;
      }
      case 'timestamp':
        return new Date(raw);
      default:
        return raw;
    }
  }

  private fromWire(ref: ShapeRef, value: unknown, at: string): unknown {
    const shape = this.shape(ref.shape);
    switch (shape.type) {
      case 'structure': {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ValidationFailure(at, 'must be an object');
        const out: Record<string, unknown> = {};
        const byWire = new Map(Object.entries(shape.members ?? {}).map(([n, r]) => [r.locationName ?? n, [n, r] as const]));
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
          const member = byWire.get(k);
          if (!member) throw new ValidationFailure(join(at, k), 'is not a member');
          if (v !== null && v !== undefined) out[member[0]] = this.fromWire(member[1], v, join(at, k));
        }
        return out;
      }
      case 'list':
        if (!Array.isArray(value)) throw new ValidationFailure(at, 'must be a list');
        return value.map((v, i) => this.fromWire(shape.member!, v, `${at}[${i}]`));
      case 'map': {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ValidationFailure(at, 'must be a map');
        return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, this.fromWire(shape.value!, v, `${at}["${k}"]`)]));
      }
      case 'timestamp':
        if (typeof value === 'number') return new Date(value * 1000);
        if (typeof value === 'string') return new Date(value);
        throw new ValidationFailure(at, 'must be a timestamp');
      default:
        return value;
    }
  }

  private toWire(ref: ShapeRef, value: unknown): unknown {
    const shape = this.shape(ref.shape);
    switch (shape.type) {
      case 'structure': {
        const out: Record<string, unknown> = {};
        for (const [name, member] of Object.entries(shape.members ?? {})) {
          const v = (value as Record<string, unknown>)[name];
          if (v !== undefined && v !== null) out[member.locationName ?? name] = this.toWire(member, v);
        }
        return out;
      }
      case 'list':
        return (value as unknown[]).map((v) => this.toWire(shape.member!, v));
      case 'map':
        return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, this.toWire(shape.value!, v)]));
      case 'timestamp': {
        const format = ref.timestampFormat ?? shape.timestampFormat;
        if (format === 'iso8601') return (value as Date).toISOString();
        if (format === 'rfc822') return (value as Date).toUTCString();
        return (value as Date).getTime() / 1000;
      }
      default:
        return value;
    }
  }

  /**
   * The model's patterns, matched against the whole value: the services validate complete values,
   * and an unanchored match would accept almost anything (e.g. `aws:` tag keys).
   */
  private pattern(source: string): RegExp {
    let re = this.patterns.get(source);
    if (!re) {
      re = new RegExp(`^(?:${source})$`, 'u');
      this.patterns.set(source, re);
    }
    return re;
  }
}

function join(base: string, member: string): string {
  return base ? `${base}.${member}` : member;
}

function checkRange(at: string, n: number, shape: Shape, what: string): void {
  if (shape.min !== undefined && n < shape.min) throw new ValidationFailure(at, `${what} must be at least ${shape.min}, got ${n}`);
  if (shape.max !== undefined && n > shape.max) throw new ValidationFailure(at, `${what} must be at most ${shape.max}, got ${n}`);
}

function routeOf(operation: Operation): Route {
  const [pathPart, queryPart] = operation.http.requestUri.split('?');
  const segments = pathPart.split('/').filter((s) => s !== '').map((s) => {
    const m = /^\{([^}+]+)(\+?)\}$/.exec(s);
    return m ? { label: m[1], greedy: m[2] === '+' } : { literal: s };
  });
  const literalQuery = (queryPart ?? '').split('&').filter((q) => q !== '').map((q) => q.split('=')[0]);
  const specificity = segments.length * 10 + segments.filter((s) => s.literal).length + literalQuery.length;
  return { operation, method: operation.http.method, segments, literalQuery, specificity };
}

function matchSegments(segments: Route['segments'], parts: string[]): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  let i = 0;
  for (let s = 0; s < segments.length; s++) {
    const seg = segments[s];
    if (seg.greedy) {
      const rest = segments.length - s - 1;
      const take = parts.length - i - rest;
      if (take < 1) return undefined;
      labels[seg.label!] = parts.slice(i, i + take).map(decodeURIComponent).join('/');
      i += take;
      continue;
    }
    if (i >= parts.length) return undefined;
    if (seg.literal !== undefined) {
      if (parts[i] !== seg.literal) return undefined;
    } else {
      labels[seg.label!] = decodeURIComponent(parts[i]);
    }
    i++;
  }
  return i === parts.length ? labels : undefined;
}
