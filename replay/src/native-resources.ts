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
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-guardduty-malwareprotectionplan.html
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

export const NATIVE_RESOURCES: Readonly<Record<string, NativeResource>> = {
  'AWS::GuardDuty::MalwareProtectionPlan': malwareProtectionPlan,
};
