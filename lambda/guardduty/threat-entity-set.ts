/** `Custom::GuardDutyThreatEntitySet`: a threat entity list (IP addresses and domain names), through the lifecycle shared with the other lists. */
import {
  CreateThreatEntitySetCommand,
  DeleteThreatEntitySetCommand,
  GetThreatEntitySetCommand,
  ThreatEntitySetFormat,
  paginateListThreatEntitySets,
  UpdateThreatEntitySetCommand,
} from '@aws-sdk/client-guardduty';
import { ENTITY_LIST_ERROR_ADVICE, ListApi, ListStatus, listHandler } from './ip-list';

export const THREAT_ENTITY_SET_API: ListApi = {
  kind: 'ThreatEntitySet',
  arnSegment: 'threatentityset',
  // GuardDuty documents no quota of threat entity sets: a refused create is reported as GuardDuty words it.
  errorAdvice: ENTITY_LIST_ERROR_ADVICE,
  async create(client, s, token, tags) {
    const out = await client.send(new CreateThreatEntitySetCommand({
      DetectorId: s.detectorId,
      Name: s.name,
      Format: s.format as ThreatEntitySetFormat,
      Location: s.location,
      Activate: s.activate,
      ExpectedBucketOwner: s.expectedBucketOwner,
      ClientToken: token,
      Tags: tags,
    }));
    return out.ThreatEntitySetId!;
  },
  async status(client, detectorId, setId) {
    const out = await client.send(new GetThreatEntitySetCommand({ DetectorId: detectorId, ThreatEntitySetId: setId }));
    return out.Status as ListStatus;
  },
  async describe(client, detectorId, setId) {
    const out = await client.send(new GetThreatEntitySetCommand({ DetectorId: detectorId, ThreatEntitySetId: setId }));
    return { name: out.Name, location: out.Location, errorDetails: out.ErrorDetails };
  },
  async update(client, setId, s) {
    await client.send(new UpdateThreatEntitySetCommand({
      DetectorId: s.detectorId,
      ThreatEntitySetId: setId,
      Name: s.name,
      Location: s.location,
      Activate: s.activate,
      ExpectedBucketOwner: s.expectedBucketOwner,
    }));
  },
  async delete(client, detectorId, setId) {
    await client.send(new DeleteThreatEntitySetCommand({ DetectorId: detectorId, ThreatEntitySetId: setId }));
  },
  async list(client, detectorId) {
    const ids: string[] = [];
    for await (const page of paginateListThreatEntitySets({ client }, { DetectorId: detectorId, MaxResults: 50 })) {
      ids.push(...(page.ThreatEntitySetIds ?? []));
    }
    return ids;
  },
};

export const threatEntitySetHandler = listHandler(THREAT_ENTITY_SET_API);
