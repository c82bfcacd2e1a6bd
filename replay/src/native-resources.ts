/**
 * Resources the replay runs through the local API as CloudFormation's own handlers would, because
 * a construct builds on their L1 and the services' state depends on them (the others are stand-ins
 * with deterministic ids). CloudFormation acts with the deployer's credentials: here, the stack
 * account's allow-all caller.
 *
 * - `AWS::GuardDuty::MalwareProtectionPlan`: CreateMalwareProtectionPlan, UpdateMalwareProtectionPlan
 *   (role, prefixes, tagging), a new bucket replaces the plan (the update API cannot change it),
 *   DeleteMalwareProtectionPlan (a plan already gone is deleted). `Ref` is the plan's id;
 *   `Fn::GetAtt` gives `MalwareProtectionPlanId`, `Arn`, `Status`, `CreatedAt`.
 *
 * - aws-cdk-lib's cross-Region references (`crossRegionReferences`): `Custom::CrossRegionExportWriter`
 *   puts the producer's values into SSM parameters `/cdk/exports/<consumer stack>/…` of each consumer
 *   Region, and `Custom::CrossRegionExportReader` reads them in the consumer stack (its attributes are
 *   the values) and marks them imported. As aws-cdk-lib's handlers do, a reader fails on a parameter
 *   that does not exist, and a writer refuses to change or delete a parameter a reader imports (so a
 *   consumer goes before its producer). The parameters live in the replay, per account and Region.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-guardduty-malwareprotectionplan.html
 * @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.StackProps.html#crossregionreferences
 */
import {
  CreateMalwareProtectionPlanCommand,
  DeleteMalwareProtectionPlanCommand,
  GetMalwareProtectionPlanCommand,
  GuardDutyClient,
  UpdateMalwareProtectionPlanCommand,
} from '@aws-sdk/client-guardduty';
import type { LocalApi } from './local-api/server';

export interface NativeContext {
  readonly api: LocalApi;
  readonly account: string;
  readonly region: string;
  /** A token for idempotent creates (CloudFormation sends one per resource and attempt). */
  readonly clientToken: string;
}

export interface NativeResult {
  readonly physicalId: string;
  readonly attributes: Record<string, unknown>;
}

export interface NativeResource {
  create(context: NativeContext, properties: Record<string, any>): Promise<NativeResult>;
  /** An update; a result with another physical id is a replacement (the old one is deleted in cleanup). */
  update(context: NativeContext, physicalId: string, properties: Record<string, any>, old: Record<string, any>): Promise<NativeResult>;
  delete(context: NativeContext, physicalId: string): Promise<void>;
}

function guardDuty(context: NativeContext): GuardDutyClient {
  const credentials = context.api.credentialsFor(context.account);
  return new GuardDutyClient({ region: context.region, endpoint: context.api.url, credentials, maxAttempts: 1 });
}

async function withClient<T>(context: NativeContext, run: (client: GuardDutyClient) => Promise<T>): Promise<T> {
  const client = guardDuty(context);
  try {
    return await run(client);
  } finally {
    client.destroy();
  }
}

const malwareProtectionPlan: NativeResource = {
  create: (context, p) => withClient(context, async (client) => {
    const created = await client.send(new CreateMalwareProtectionPlanCommand({
      ClientToken: context.clientToken,
      Role: p.Role,
      ProtectedResource: {
        S3Bucket: { BucketName: p.ProtectedResource?.S3Bucket?.BucketName, ObjectPrefixes: p.ProtectedResource?.S3Bucket?.ObjectPrefixes },
      },
      Actions: p.Actions?.Tagging ? { Tagging: { Status: p.Actions.Tagging.Status } } : undefined,
      Tags: p.Tags ? Object.fromEntries((p.Tags as Array<{ Key: string; Value: string }>).map((t) => [t.Key, t.Value])) : undefined,
    }));
    return planResult(client, created.MalwareProtectionPlanId!);
  }),
  update: (context, id, p, old) => withClient(context, async (client) => {
    if (p.ProtectedResource?.S3Bucket?.BucketName !== old.ProtectedResource?.S3Bucket?.BucketName) {
      return malwareProtectionPlan.create({ ...context, clientToken: `${context.clientToken.slice(0, 52)}-replacement` }, p);
    }
    await client.send(new UpdateMalwareProtectionPlanCommand({
      MalwareProtectionPlanId: id,
      Role: p.Role,
      ProtectedResource: { S3Bucket: { ObjectPrefixes: p.ProtectedResource?.S3Bucket?.ObjectPrefixes ?? [] } },
      Actions: { Tagging: { Status: p.Actions?.Tagging?.Status ?? 'DISABLED' } },
    }));
    return planResult(client, id);
  }),
  delete: (context, id) => withClient(context, async (client) => {
    try {
      await client.send(new DeleteMalwareProtectionPlanCommand({ MalwareProtectionPlanId: id }));
    } catch (err) {
      if ((err as Error).name !== 'ResourceNotFoundException') throw err;
    }
  }),
};

async function planResult(client: GuardDutyClient, id: string): Promise<NativeResult> {
  const plan = await client.send(new GetMalwareProtectionPlanCommand({ MalwareProtectionPlanId: id }));
  return {
    physicalId: id,
    attributes: { MalwareProtectionPlanId: id, Arn: plan.Arn, Status: plan.Status, CreatedAt: plan.CreatedAt?.toISOString() },
  };
}

/** The SSM parameters of cross-Region references, per local API: `<account>/<region>/<name>` → value and importers. */
const crossRegionParameters = new WeakMap<LocalApi, Map<string, { value: string; importers: Set<string> }>>();
/** What each writer wrote, by physical id: the parameters' keys. */
const crossRegionWriters = new WeakMap<LocalApi, Map<string, string[]>>();

function parametersOf(api: LocalApi) {
  if (!crossRegionParameters.has(api)) crossRegionParameters.set(api, new Map());
  if (!crossRegionWriters.has(api)) crossRegionWriters.set(api, new Map());
  return { parameters: crossRegionParameters.get(api)!, writers: crossRegionWriters.get(api)! };
}

class CrossRegionReferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CrossRegionReferenceError';
  }
}

/** aws-cdk-lib's writer refuses to touch a parameter a reader imports (its `aws-cdk:strong-ref:<stack>` tags). */
function refuseInUse(parameters: Map<string, { importers: Set<string> }>, keys: string[]): void {
  const inUse = keys.filter((k) => (parameters.get(k)?.importers.size ?? 0) > 0);
  if (inUse.length > 0) {
    throw new CrossRegionReferenceError(`Exports cannot be updated: \n${inUse.map((k) => `${k.split('/').slice(2).join('/')} is in use by stack(s) `
      + [...parameters.get(k)!.importers].join(' ')).join('\n')}`);
  }
}

/** What aws-cdk-lib's writer does (cross-region-ssm-writer-handler): create, update or delete the parameters. */
function writeExports(context: NativeContext, physicalId: string, p: Record<string, any>, old?: Record<string, any>): NativeResult {
  const { parameters, writers } = parametersOf(context.api);
  const keyOf = (props: Record<string, any> | undefined) => (name: string) => `${context.account}/${props?.WriterProps?.region}/${name}`;
  const wanted = new Map(Object.entries(p.WriterProps?.exports ?? {}).map(([name, value]) => [keyOf(p)(name), String(value)]));
  const previous = new Map(Object.entries(old?.WriterProps?.exports ?? {}).map(([name, value]) => [keyOf(old)(name), String(value)]));
  const changed = [...previous].filter(([k, v]) => wanted.has(k) && wanted.get(k) !== v).map(([k]) => k.split('/').slice(2).join('/'));
  if (changed.length > 0) throw new CrossRegionReferenceError(`Some exports have changed!\n${changed.join('\n')}`);
  const removed = [...previous.keys()].filter((k) => !wanted.has(k));
  const added = [...wanted.keys()].filter((k) => !previous.has(k));
  refuseInUse(parameters, removed);
  for (const k of removed) parameters.delete(k);
  refuseInUse(parameters, added);
  for (const k of added) parameters.set(k, { value: wanted.get(k)!, importers: new Set() });
  writers.set(physicalId, [...wanted.keys()]);
  return { physicalId, attributes: {} };
}

const crossRegionExportWriter: NativeResource = {
  create: async (context, p) => writeExports(context, `cross-region-exports:${context.clientToken.slice(0, 16)}`, p),
  update: async (context, id, p, old) => writeExports(context, id, p, old),
  delete: async (context, id) => {
    // The replay gives a delete the physical id only: what the writer wrote is kept by it.
    const { parameters, writers } = parametersOf(context.api);
    const keys = writers.get(id) ?? [];
    refuseInUse(parameters, keys);
    for (const k of keys) parameters.delete(k);
    writers.delete(id);
  },
};

function readImports(context: NativeContext, physicalId: string, p: Record<string, any>): NativeResult {
  const { parameters } = parametersOf(context.api);
  const names = Object.keys(p.ReaderProps?.imports ?? {});
  const missing = names.filter((name) => !parameters.has(`${context.account}/${context.region}/${name}`));
  if (missing.length > 0) throw new CrossRegionReferenceError(`ParameterNotFound: ${missing.join(', ')}`);
  for (const [key, parameter] of parameters) {
    if (key.startsWith(`${context.account}/${context.region}/`)) parameter.importers.delete(physicalId);
  }
  const attributes: Record<string, unknown> = {};
  for (const name of names) {
    const parameter = parameters.get(`${context.account}/${context.region}/${name}`)!;
    parameter.importers.add(physicalId);
    attributes[name] = parameter.value;
  }
  return { physicalId, attributes };
}

const crossRegionExportReader: NativeResource = {
  // Its physical id is the consumer stack's name, which the parameters' importers name (as the strong-ref tags do).
  create: async (context, p) => readImports(context, String(p.ReaderProps?.prefix), p),
  update: async (context, id, p) => readImports(context, id, p),
  delete: async (context, id) => {
    for (const parameter of parametersOf(context.api).parameters.values()) parameter.importers.delete(id);
  },
};

export const NATIVE_RESOURCES: Readonly<Record<string, NativeResource>> = {
  'AWS::GuardDuty::MalwareProtectionPlan': malwareProtectionPlan,
  'Custom::CrossRegionExportWriter': crossRegionExportWriter,
  'Custom::CrossRegionExportReader': crossRegionExportReader,
};
