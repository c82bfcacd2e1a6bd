/**
 * CloudFormation intrinsic functions, resolved as CloudFormation would for the replay harness:
 * `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::Split`, `Fn::If` and conditions,
 * `Fn::FindInMap`, `Fn::ImportValue`, `Fn::Base64`, `Fn::GetAZs` (the Region's a, b and c),
 * `Fn::Cidr` (IPv4), and the pseudo parameters. Anything else is the replay's limit, reported as
 * such (the CLI's exit status 3), not as a stack failure.
 */

/** Marker for `AWS::NoValue`: the property is removed. */
export const NO_VALUE = Symbol('AWS::NoValue');

export interface ResolveContext {
  readonly pseudo: Record<string, string>;
  readonly parameters: Record<string, string>;
  readonly mappings: Record<string, Record<string, Record<string, unknown>>>;
  readonly conditions: Record<string, boolean>;
  readonly exports: Record<string, string>;
  ref(logicalId: string): string;
  getAtt(logicalId: string, attribute: string): unknown;
}

/**
 * A context for resolving a template's values outside a replay (tests that evaluate a rendered
 * policy): the pseudo parameters of `account` and `region`, each `Ref` the logical id itself, and
 * `Fn::GetAtt` as `getAtt` gives it (by default `<logicalId>.<attribute>`).
 */
export function deploymentContext(account: string, region: string,
  getAtt: (logicalId: string, attribute: string) => unknown = (id, attribute) => `${id}.${attribute}`): ResolveContext {
  return {
    pseudo: { 'AWS::Partition': 'aws', 'AWS::Region': region, 'AWS::AccountId': account, 'AWS::URLSuffix': 'amazonaws.com' },
    parameters: {},
    mappings: {},
    conditions: {},
    exports: {},
    ref: (id) => id,
    getAtt,
  };
}

export function resolve(value: unknown, ctx: ResolveContext): unknown {
  if (Array.isArray(value)) {
    return value.map((v) => resolve(v, ctx)).filter((v) => v !== NO_VALUE);
  }
  if (!value || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') || keys[0] === 'Condition')) {
    return intrinsic(keys[0], obj[keys[0]], ctx);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const r = resolve(v, ctx);
    if (r !== NO_VALUE) out[k] = r;
  }
  return out;
}

export function evaluateCondition(name: string, definitions: Record<string, unknown>, ctx: ResolveContext): boolean {
  return Boolean(resolve(definitions[name], ctx));
}

function intrinsic(fn: string, arg: unknown, ctx: ResolveContext): unknown {
  switch (fn) {
    case 'Ref': {
      const name = arg as string;
      if (name === 'AWS::NoValue') return NO_VALUE;
      if (name in ctx.pseudo) return ctx.pseudo[name];
      if (name in ctx.parameters) return ctx.parameters[name];
      return ctx.ref(name);
    }
    case 'Fn::GetAtt': {
      const [id, attr] = Array.isArray(arg) ? arg as string[] : String(arg).split(/\.(.*)/s);
      return ctx.getAtt(id, resolve(attr, ctx) as string);
    }
    case 'Fn::Join': {
      const [delimiter, list] = arg as [string, unknown[]];
      return (resolve(list, ctx) as unknown[]).map(String).join(delimiter);
    }
    case 'Fn::Sub': {
      const [template, vars] = Array.isArray(arg) ? arg as [string, Record<string, unknown>] : [arg as string, {}];
      const resolvedVars = resolve(vars, ctx) as Record<string, unknown>;
      return template.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
        if (name in resolvedVars) return String(resolvedVars[name]);
        if (name.includes('.')) {
          const [id, attr] = name.split(/\.(.*)/s);
          return String(ctx.getAtt(id, attr));
        }
        return String(intrinsic('Ref', name, ctx));
      }).replace(/\$\{!/g, '${');
    }
    case 'Fn::Select': {
      const [index, list] = arg as [unknown, unknown];
      return (resolve(list, ctx) as unknown[])[Number(resolve(index, ctx))];
    }
    case 'Fn::Split': {
      const [delimiter, source] = arg as [string, unknown];
      return String(resolve(source, ctx)).split(delimiter);
    }
    case 'Fn::Base64':
      return Buffer.from(String(resolve(arg, ctx))).toString('base64');
    case 'Fn::FindInMap': {
      const [map, top, second] = resolve(arg, ctx) as string[];
      return ctx.mappings[map]?.[top]?.[second];
    }
    case 'Fn::ImportValue': {
      const name = String(resolve(arg, ctx));
      if (!(name in ctx.exports)) throw new Error(`No export named ${name} is deployed`);
      return ctx.exports[name];
    }
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = arg as [string, unknown, unknown];
      return resolve(ctx.conditions[condition] ? whenTrue : whenFalse, ctx);
    }
    case 'Fn::Equals': {
      const [a, b] = resolve(arg, ctx) as unknown[];
      return JSON.stringify(a) === JSON.stringify(b);
    }
    case 'Fn::Not':
      return !(resolve(arg, ctx) as unknown[])[0];
    case 'Fn::And':
      return (resolve(arg, ctx) as unknown[]).every(Boolean);
    case 'Fn::Or':
      return (resolve(arg, ctx) as unknown[]).some(Boolean);
    case 'Condition':
      return ctx.conditions[arg as string];
    case 'Fn::GetAZs': {
      // The Availability Zones of the Region ("" is the stack's), as an account with three sees them.
      const region = String(resolve(arg, ctx)) || ctx.pseudo['AWS::Region'];
      return ['a', 'b', 'c'].map((zone) => `${region}${zone}`);
    }
    case 'Fn::Cidr': {
      const [block, count, bits] = resolve(arg, ctx) as [string, unknown, unknown];
      return cidrs(block, Number(count), Number(bits));
    }
    default:
      throw new Error(`The replay harness does not resolve ${fn}`);
  }
}

/** Logical ids a template fragment refers to (Ref, GetAtt, Sub), for dependency ordering. */
export function references(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach((v) => references(v, into));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === 'Ref' && typeof v === 'string') {into.add(v);} else if (k === 'Fn::GetAtt') {into.add(Array.isArray(v) ? String(v[0]) : String(v).split('.')[0]);} else if (k === 'Fn::Sub') {
        const template = Array.isArray(v) ? String(v[0]) : String(v);
        for (const m of template.matchAll(/\$\{([^}!.]+)[^}]*\}/g)) into.add(m[1]);
        if (Array.isArray(v)) references(v[1], into);
      } else {references(v, into);}
    }
  }
  return into;
}

/**
 * `Fn::Cidr` for IPv4: `count` consecutive blocks of `cidrBits` host bits from the start of `block`.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-cidr.html
 */
export function cidrs(block: string, count: number, cidrBits: number): string[] {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(block);
  if (!match) throw new Error(`The replay harness resolves Fn::Cidr for IPv4 blocks only, got ${block}`);
  const start = match.slice(1, 5).reduce((n, octet) => n * 256 + Number(octet), 0);
  const prefix = 32 - cidrBits;
  if (prefix < Number(match[5]) || count < 1 || count > 2 ** (prefix - Number(match[5]))) {
    throw new Error(`Fn::Cidr: ${count} blocks of ${cidrBits} host bits do not fit in ${block}`);
  }
  const size = 2 ** cidrBits;
  return Array.from({ length: count }, (_, i) => {
    const n = start + i * size;
    return `${[24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.')}/${prefix}`;
  });
}
