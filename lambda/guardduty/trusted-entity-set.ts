/** `Custom::GuardDutyTrustedEntitySet`: a trusted entity list (IP addresses and domain names), through the lifecycle shared with the other lists. */
import {
  CreateTrustedEntitySetCommand,
  DeleteTrustedEntitySetCommand,
  GetTrustedEntitySetCommand,
  TrustedEntitySetFormat,
  paginateListTrustedEntitySets,
  UpdateTrustedEntitySetCommand,
} from '@aws-sdk/client-guardduty';
import { ENTITY_LIST_ERROR_ADVICE, ListApi, ListStatus, listHandler } from './ip-list';

export const TRUSTED_ENTITY_SET_API: ListApi = {
  kind: 'TrustedEntitySet',
  arnSegment: 'trustedentityset',
  // "At any given time, you can have only one trusted entity set" (CreateTrustedEntitySet).
  quota: 1,
  errorAdvice: ENTITY_LIST_ERROR_ADVICE,
  async create(client, s, token, tags) {
    const out = await client.send(new CreateTrustedEntitySetCommand({
      DetectorId: s.detectorId,
      Name: s.name,
      Format: s.format as TrustedEntitySetFormat,
      Location: s.location,
      Activate: s.activate,
      ExpectedBucketOwner: s.expectedBucketOwner,
      ClientToken: token,
      Tags: tags,
    }));
    return out.TrustedEntitySetId!;
  },
  async status(client, detectorId, setId) {
    const out = await client.send(new GetTrustedEntitySetCommand({ DetectorId: detectorId, TrustedEntitySetId: setId }));
    return out.Status as ListStatus;
  },
  async describe(client, detectorId, setId) {
    const out = await client.send(new GetTrustedEntitySetCommand({ DetectorId: detectorId, TrustedEntitySetId: setId }));
    return { name: out.Name, location: out.Location, errorDetails: out.ErrorDetails };
  },
  async update(client, setId, s) {
    await client.send(new UpdateTrustedEntitySetCommand({
      DetectorId: s.detectorId,
      TrustedEntitySetId: setId,
      Name: s.name,
      Location: s.location,
      Activate: s.activate,
      ExpectedBucketOwner: s.expectedBucketOwner,
    }));
  },
  async delete(client, detectorId, setId) {
    await client.send(new DeleteTrustedEntitySetCommand({ DetectorId: detectorId, TrustedEntitySetId: setId }));
  },
  async list(client, detectorId) {
    const ids: string[] = [];
    for await (const page of paginateListTrustedEntitySets({ client }, { DetectorId: detectorId, MaxResults: 50 })) {
      ids.push(...(page.TrustedEntitySetIds ?? []));
    }
    return ids;
  },
};

export const trustedEntitySetHandler = listHandler(TRUSTED_ENTITY_SET_API);
