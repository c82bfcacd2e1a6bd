/** `Custom::GuardDutyThreatIntelSet`: a threat IP list, through the lifecycle shared with trusted lists. */
import {
  CreateThreatIntelSetCommand,
  DeleteThreatIntelSetCommand,
  GetThreatIntelSetCommand,
  ThreatIntelSetFormat,
  paginateListThreatIntelSets,
  UpdateThreatIntelSetCommand,
} from '@aws-sdk/client-guardduty';
import { IP_LIST_ERROR_ADVICE, ListApi, ListStatus, listHandler } from './ip-list';

export const THREAT_INTEL_SET_API: ListApi = {
  kind: 'ThreatIntelSet',
  arnSegment: 'threatintelset',
  quota: 6,
  errorAdvice: IP_LIST_ERROR_ADVICE,
  async create(client, s, token, tags) {
    const out = await client.send(new CreateThreatIntelSetCommand({
      DetectorId: s.detectorId,
      Name: s.name,
      Format: s.format as ThreatIntelSetFormat,
      Location: s.location,
      Activate: s.activate,
      ExpectedBucketOwner: s.expectedBucketOwner,
      ClientToken: token,
      Tags: tags,
    }));
    return out.ThreatIntelSetId!;
  },
  async status(client, detectorId, setId) {
    const out = await client.send(new GetThreatIntelSetCommand({ DetectorId: detectorId, ThreatIntelSetId: setId }));
    return out.Status as ListStatus;
  },
  async describe(client, detectorId, setId) {
    const out = await client.send(new GetThreatIntelSetCommand({ DetectorId: detectorId, ThreatIntelSetId: setId }));
    return { name: out.Name, location: out.Location };
  },
  async update(client, setId, s) {
    await client.send(new UpdateThreatIntelSetCommand({
      DetectorId: s.detectorId,
      ThreatIntelSetId: setId,
      Name: s.name,
      Location: s.location,
      Activate: s.activate,
      ExpectedBucketOwner: s.expectedBucketOwner,
    }));
  },
  async delete(client, detectorId, setId) {
    await client.send(new DeleteThreatIntelSetCommand({ DetectorId: detectorId, ThreatIntelSetId: setId }));
  },
  async list(client, detectorId) {
    const ids: string[] = [];
    for await (const page of paginateListThreatIntelSets({ client }, { DetectorId: detectorId, MaxResults: 50 })) {
      ids.push(...(page.ThreatIntelSetIds ?? []));
    }
    return ids;
  },
};

export const threatIntelSetHandler = listHandler(THREAT_INTEL_SET_API);
