/** `Custom::GuardDutyIPSet`: a trusted IP list, through the lifecycle shared with threat lists. */
import {
  CreateIPSetCommand,
  DeleteIPSetCommand,
  GetIPSetCommand,
  IpSetFormat,
  paginateListIPSets,
  UpdateIPSetCommand,
} from '@aws-sdk/client-guardduty';
import { IP_LIST_ERROR_ADVICE, ListApi, ListStatus, listHandler } from './ip-list';

export const IP_SET_API: ListApi = {
  kind: 'IPSet',
  arnSegment: 'ipset',
  quota: 1,
  errorAdvice: IP_LIST_ERROR_ADVICE,
  async create(client, s, token, tags) {
    const out = await client.send(new CreateIPSetCommand({
      DetectorId: s.detectorId,
      Name: s.name,
      Format: s.format as IpSetFormat,
      Location: s.location,
      Activate: s.activate,
      ExpectedBucketOwner: s.expectedBucketOwner,
      ClientToken: token,
      Tags: tags,
    }));
    return out.IpSetId!;
  },
  async status(client, detectorId, setId) {
    const out = await client.send(new GetIPSetCommand({ DetectorId: detectorId, IpSetId: setId }));
    return out.Status as ListStatus;
  },
  async describe(client, detectorId, setId) {
    const out = await client.send(new GetIPSetCommand({ DetectorId: detectorId, IpSetId: setId }));
    return { name: out.Name, location: out.Location };
  },
  async update(client, setId, s) {
    await client.send(new UpdateIPSetCommand({
      DetectorId: s.detectorId,
      IpSetId: setId,
      Name: s.name,
      Location: s.location,
      Activate: s.activate,
      ExpectedBucketOwner: s.expectedBucketOwner,
    }));
  },
  async delete(client, detectorId, setId) {
    await client.send(new DeleteIPSetCommand({ DetectorId: detectorId, IpSetId: setId }));
  },
  async list(client, detectorId) {
    const ids: string[] = [];
    for await (const page of paginateListIPSets({ client }, { DetectorId: detectorId, MaxResults: 50 })) {
      ids.push(...(page.IpSetIds ?? []));
    }
    return ids;
  },
};

export const ipSetHandler = listHandler(IP_SET_API);
