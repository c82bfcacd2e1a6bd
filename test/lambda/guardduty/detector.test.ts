/**
 * The detector handler through the real SDK v3 client against the local GuardDuty API.
 */
import { dispatch } from '../../../lambda/dispatch';
import { CREATE_FAILED_PHYSICAL_ID } from '../../../lambda/shared/custom-resource';
import { failureReason } from '../../../lambda/shared/errors';
import { LocalApi } from '../../../replay/src';
import { DetectorResource, DetectorResourceProperties } from '../../../src/private/resources/guardduty/detector';
import { ACCOUNT, event, REGION, STACK_ID, useLocalApi } from '../events';

/** The ownership record a detector the handler created carries (the user's tags beside it). */
const CREATED_BY = { 'cdk-threat-detection:created-by': `${STACK_ID}|Resource1A2B3C4D` };

const TYPE = DetectorResource.type;

const BASE: DetectorResourceProperties = {
  Enable: 'true',
  FindingPublishingFrequency: 'FIFTEEN_MINUTES',
  Features: [
    { Name: 'S3_DATA_EVENTS', Status: 'ENABLED' },
    { Name: 'LAMBDA_NETWORK_LOGS', Status: 'DISABLED' },
    {
      Name: 'RUNTIME_MONITORING',
      Status: 'ENABLED',
      AdditionalConfiguration: [{ Name: 'ECS_FARGATE_AGENT_MANAGEMENT', Status: 'ENABLED' }],
    },
  ],
  Tags: { owner: 'security', env: 'prod' },
};

let api: LocalApi;

useLocalApi((started) => {
  api = started;
});

function onlyDetector() {
  const detectors = api.guardduty.detectors(ACCOUNT, REGION);
  expect(detectors).toHaveLength(1);
  return detectors[0];
}

function feature(name: string) {
  const f = onlyDetector().features.get(name);
  return f && { status: f.status, additional: Object.fromEntries([...f.additional].map(([k, v]) => [k, v.status])) };
}

describe('create', () => {
  test('creates a detector with the settings, features and tags, and returns its id and ARN', async () => {
    const result = await dispatch(event('Create', TYPE, BASE));

    const detector = onlyDetector();
    expect(result.physicalResourceId).toBe(detector.id);
    expect(result.data).toEqual({
      DetectorId: detector.id,
      DetectorArn: `arn:aws:guardduty:${REGION}:${ACCOUNT}:detector/${detector.id}`,
      Adopted: 'false',
    });
    expect(detector.status).toBe('ENABLED');
    expect(detector.findingPublishingFrequency).toBe('FIFTEEN_MINUTES');
    expect(feature('S3_DATA_EVENTS')?.status).toBe('ENABLED');
    expect(feature('LAMBDA_NETWORK_LOGS')?.status).toBe('DISABLED');
    expect(feature('RUNTIME_MONITORING')).toEqual({
      status: 'ENABLED',
      additional: { EKS_ADDON_MANAGEMENT: 'DISABLED', ECS_FARGATE_AGENT_MANAGEMENT: 'ENABLED', EC2_AGENT_MANAGEMENT: 'DISABLED' },
    });
    // Features the properties leave out keep the service default.
    expect(feature('EKS_AUDIT_LOGS')?.status).toBe('ENABLED');
    expect(detector.tags).toEqual({ ...CREATED_BY, owner: 'security', env: 'prod' });
    expect(api.callsOf('CreateDetector')).toHaveLength(1);
  });

  test('creates a suspended detector with legacy data sources', async () => {
    await dispatch(event('Create', TYPE, {
      Enable: 'false',
      DataSources: { S3Logs: { Enable: 'false' }, Kubernetes: { AuditLogs: { Enable: 'true' } } },
    }));
    expect(onlyDetector().status).toBe('DISABLED');
    expect(feature('S3_DATA_EVENTS')?.status).toBe('DISABLED');
    expect(feature('EKS_AUDIT_LOGS')?.status).toBe('ENABLED');
  });

  test('adopts the detector that already exists, applies the settings and records the adoption', async () => {
    const existing = api.guardduty.seedDetector(ACCOUNT, REGION, { frequency: 'SIX_HOURS' });

    const result = await dispatch(event('Create', TYPE, BASE));

    // The adoption, and what it changed as it was before (for a rollback of this create).
    expect(result.physicalResourceId).toMatch(new RegExp(`^adopted:${existing}#[A-Za-z0-9_-]+$`));
    expect(result.data).toMatchObject({ DetectorId: existing, Adopted: 'true' });
    const detector = onlyDetector();
    expect(detector.findingPublishingFrequency).toBe('FIFTEEN_MINUTES');
    expect(feature('LAMBDA_NETWORK_LOGS')?.status).toBe('DISABLED');
    expect(detector.tags).toEqual({ owner: 'security', env: 'prod' });
  });

  test('adopting waits for the existing detector to be listed', async () => {
    api.setListLag(600);
    api.guardduty.seedDetector(ACCOUNT, REGION);

    const result = await dispatch(event('Create', TYPE, BASE));

    expect(result.data?.Adopted).toBe('true');
    expect(api.callsOf('ListDetectors').length).toBeGreaterThan(1);
  });

  test('a failed adoption puts back the settings the detector had', async () => {
    api.guardduty.seedDetector(ACCOUNT, REGION, { frequency: 'ONE_HOUR', features: { LAMBDA_NETWORK_LOGS: 'ENABLED' } });
    api.injectFault({ kind: 'access-denied', operation: 'TagResource', times: 1 });

    await expect(dispatch(event('Create', TYPE, BASE))).rejects.toMatchObject({ $operation: 'TagResource' });

    expect(onlyDetector().findingPublishingFrequency).toBe('ONE_HOUR');
    expect(feature('LAMBDA_NETWORK_LOGS')?.status).toBe('ENABLED');
  });

  describe('a Delete that undoes the adopting create (a failed first deployment\'s rollback) puts back what it changed', () => {
    const adoptThenDelete = async (undoesCreate: boolean) => {
      const existing = api.guardduty.seedDetector(ACCOUNT, REGION, { frequency: 'ONE_HOUR', features: { LAMBDA_NETWORK_LOGS: 'ENABLED' } });
      api.guardduty.detector(ACCOUNT, REGION, existing)!.tags = { owner: 'delegation', team: 'sec' };
      const { physicalResourceId } = await dispatch(event('Create', TYPE, BASE));
      expect(onlyDetector()).toMatchObject({ findingPublishingFrequency: 'FIFTEEN_MINUTES', tags: { owner: 'security', env: 'prod', team: 'sec' } });
      const before = api.calls.length;
      await dispatch(event('Delete', TYPE, BASE, { physicalResourceId }), { undoesCreate, rollback: false });
      return api.calls.slice(before).map((c) => c.operation);
    };

    test('status, frequency, the features it set and the tags it wrote, as they were', async () => {
      const calls = await adoptThenDelete(true);
      expect(calls).toEqual(['UpdateDetector', 'TagResource', 'UntagResource']);
      const detector = onlyDetector();
      expect(detector.findingPublishingFrequency).toBe('ONE_HOUR');
      expect(feature('LAMBDA_NETWORK_LOGS')?.status).toBe('ENABLED');
      expect(detector.status).toBe('ENABLED');
      expect(detector.tags).toEqual({ owner: 'delegation', team: 'sec' });
    });

    test('any other Delete (a stack deletion) keeps the detector as it is, without a call', async () => {
      expect(await adoptThenDelete(false)).toEqual([]);
      expect(onlyDetector().findingPublishingFrequency).toBe('FIFTEEN_MINUTES');
    });

    test('the rollback succeeds when the detector is gone meanwhile', async () => {
      const existing = api.guardduty.seedDetector(ACCOUNT, REGION);
      const { physicalResourceId } = await dispatch(event('Create', TYPE, BASE));
      api.guardduty.removeDetector(ACCOUNT, REGION, existing);
      await expect(dispatch(event('Delete', TYPE, BASE, { physicalResourceId }), { undoesCreate: true, rollback: false })).resolves.toEqual({ physicalResourceId });
    });

    test('a physical id of the earlier form (no record) is kept without a call', async () => {
      const existing = api.guardduty.seedDetector(ACCOUNT, REGION);
      const before = api.calls.length;
      await dispatch(event('Delete', TYPE, BASE, { physicalResourceId: `adopted:${existing}` }), { undoesCreate: true, rollback: false });
      expect(api.calls.slice(before)).toEqual([]);
    });
  });

  test('a retried invocation (same request) gets its own detector back, not an adopted one', async () => {
    const request = event('Create', TYPE, BASE);
    const first = await dispatch(request);
    // Lambda retries the same event after a timeout; the first attempt's detector exists.
    const second = await dispatch(request);

    expect(second.physicalResourceId).toBe(first.physicalResourceId);
    expect(second.data?.Adopted).toBe('false');
    expect(api.guardduty.detectors(ACCOUNT, REGION)).toHaveLength(1);
  });

  test('with the client token not honoured, a retried create still knows its own detector by its ownership record', async () => {
    api.guardduty.ignoreClientTokens = true;
    const request = event('Create', TYPE, BASE);
    const first = await dispatch(request);
    const second = await dispatch(request);
    expect(api.callsOf('CreateDetector').map((c) => c.status)).toEqual([200, 400]);
    expect(second).toEqual(first);
    expect(second.data?.Adopted).toBe('false');
    // A detector the stack did not create is still adopted, and never deleted.
    const other = await dispatch(event('Create', TYPE, BASE, { logicalId: 'OtherStackDetector' }));
    expect(other.data?.Adopted).toBe('true');
  });

  test('a CreateDetector that took effect but answered 5xx is retried by the SDK to the same detector', async () => {
    api.injectFault({ kind: 'internal-error-after-commit', operation: 'CreateDetector', times: 1 });

    const result = await dispatch(event('Create', TYPE, BASE));

    expect(result.data?.Adopted).toBe('false');
    expect(api.callsOf('CreateDetector').map((c) => c.status)).toEqual([500, 200]);
    const tokens = api.callsOf('CreateDetector').map((c) => c.input.ClientToken);
    expect(tokens[0]).toEqual(tokens[1]);
    expect(onlyDetector().id).toBe(result.physicalResourceId);
  });

  test('throttling is survived', async () => {
    api.injectFault({ kind: 'throttle', operation: 'CreateDetector', times: 3 });

    const result = await dispatch(event('Create', TYPE, BASE));

    expect(result.physicalResourceId).toBe(onlyDetector().id);
    expect(api.callsOf('CreateDetector').map((c) => c.error ?? c.status)).toEqual(
      ['ThrottlingException', 'ThrottlingException', 'ThrottlingException', 200]);
  });

  test('a request the service rejects fails with the resource, the operation and the service message', async () => {
    const bad = { ...BASE, Features: [...BASE.Features!, { Name: 'EKS_RUNTIME_MONITORING', Status: 'ENABLED' }] };
    const request = event('Create', TYPE, bad, { logicalId: 'MyDetector' });

    const err = await dispatch(request).catch((e) => e);

    expect(failureReason('Detector MyDetector', err)).toMatch(
      /^Detector MyDetector: CreateDetector failed: BadRequestException: The request is rejected because an invalid or out-of-range value is specified as an input parameter\./);
    expect(api.guardduty.detectors(ACCOUNT, REGION)).toHaveLength(0);
  });

  test('malformed properties fail before any API call', async () => {
    await expect(dispatch(event('Create', TYPE, { ...BASE, Enable: 'yes' as any })))
      .rejects.toThrow('property Enable must be "true" or "false", got: "yes"');
    expect(api.calls).toHaveLength(0);
  });
});

describe('update', () => {
  async function created() {
    const result = await dispatch(event('Create', TYPE, BASE));
    api.calls.length = 0;
    return result.physicalResourceId;
  }

  test('changes settings and features in place', async () => {
    const id = await created();
    const next: DetectorResourceProperties = {
      ...BASE,
      Enable: 'false',
      FindingPublishingFrequency: 'ONE_HOUR',
      Features: [{ Name: 'LAMBDA_NETWORK_LOGS', Status: 'ENABLED' }],
    };

    const result = await dispatch(event('Update', TYPE, next, { physicalResourceId: id, oldProperties: BASE }));

    expect(result.physicalResourceId).toBe(id);
    const detector = onlyDetector();
    expect(detector.status).toBe('DISABLED');
    expect(detector.findingPublishingFrequency).toBe('ONE_HOUR');
    expect(feature('LAMBDA_NETWORK_LOGS')?.status).toBe('ENABLED');
    // Features no longer named are left as they are.
    expect(feature('RUNTIME_MONITORING')?.status).toBe('ENABLED');
    // The stack's tags are written again (unchanged, they repair what changed outside CloudFormation).
    expect(api.calls.map((c) => c.operation)).toEqual(['UpdateDetector', 'TagResource']);
  });

  test('diffs tags: untags removed keys, tags new and changed ones', async () => {
    const id = await created();
    const next = { ...BASE, Tags: { owner: 'platform', team: 'sec' } };

    await dispatch(event('Update', TYPE, next, { physicalResourceId: id, oldProperties: BASE }));

    expect(onlyDetector().tags).toEqual({ ...CREATED_BY, owner: 'platform', team: 'sec' });
    expect(api.callsOf('UntagResource')[0].input.TagKeys).toEqual(['env']);
    expect(api.callsOf('TagResource')[0].input.Tags).toEqual({ owner: 'platform', team: 'sec' });
  });

  test('removing every tag untags them all', async () => {
    const id = await created();
    await dispatch(event('Update', TYPE, { ...BASE, Tags: undefined }, { physicalResourceId: id, oldProperties: BASE }));
    expect(onlyDetector().tags).toEqual(CREATED_BY);
    expect(api.callsOf('TagResource')).toHaveLength(0);
  });

  test('rollback replays the old properties and restores the previous state', async () => {
    const id = await created();
    const next = { ...BASE, FindingPublishingFrequency: 'SIX_HOURS', Tags: { owner: 'other' } };
    await dispatch(event('Update', TYPE, next, { physicalResourceId: id, oldProperties: BASE }));

    // CloudFormation's rollback: the old properties become the new ones.
    await dispatch(event('Update', TYPE, BASE, { physicalResourceId: id, oldProperties: next }));

    const detector = onlyDetector();
    expect(detector.findingPublishingFrequency).toBe('FIFTEEN_MINUTES');
    expect(detector.tags).toEqual({ ...CREATED_BY, owner: 'security', env: 'prod' });
  });

  test('an adopted detector stays adopted across updates', async () => {
    const existing = api.guardduty.seedDetector(ACCOUNT, REGION);
    const { physicalResourceId } = await dispatch(event('Create', TYPE, BASE));

    const result = await dispatch(event('Update', TYPE, { ...BASE, Enable: 'false' }, { physicalResourceId, oldProperties: BASE }));

    // The physical id does not change (a change would make CloudFormation delete the old one).
    expect(physicalResourceId).toMatch(new RegExp(`^adopted:${existing}#`));
    expect(result.physicalResourceId).toBe(physicalResourceId);
    expect(result.data?.Adopted).toBe('true');
  });

  test('a detector deleted outside CloudFormation is created again under a new physical id', async () => {
    const id = await created();
    api.guardduty.removeDetector(ACCOUNT, REGION, id);

    const result = await dispatch(event('Update', TYPE, BASE, { physicalResourceId: id, oldProperties: BASE }));

    expect(result.physicalResourceId).not.toBe(id);
    expect(onlyDetector().id).toBe(result.physicalResourceId);
    // CloudFormation then deletes the old physical id, which is gone: that succeeds.
    await dispatch(event('Delete', TYPE, BASE, { physicalResourceId: id }));
    expect(api.guardduty.detectors(ACCOUNT, REGION)).toHaveLength(1);
  });
});

describe('delete', () => {
  test('deletes a detector the stack created', async () => {
    const { physicalResourceId } = await dispatch(event('Create', TYPE, BASE));

    await dispatch(event('Delete', TYPE, BASE, { physicalResourceId }));

    expect(api.guardduty.detectors(ACCOUNT, REGION)).toHaveLength(0);
  });

  test('keeps an adopted detector and calls no API', async () => {
    const existing = api.guardduty.seedDetector(ACCOUNT, REGION);
    const { physicalResourceId } = await dispatch(event('Create', TYPE, BASE));
    api.calls.length = 0;

    await dispatch(event('Delete', TYPE, BASE, { physicalResourceId }));

    expect(onlyDetector().id).toBe(existing);
    expect(api.calls).toHaveLength(0);
  });

  test('keeps a detector named by its bare id that this resource did not make (an adopted one, a forged cleanup Delete)', async () => {
    const existing = api.guardduty.seedDetector(ACCOUNT, REGION);
    // The bare id, as a forged Delete in a cleanup phase names it: no adoption record in the physical id.
    await dispatch(event('Delete', TYPE, BASE, { physicalResourceId: existing }));
    expect(onlyDetector().id).toBe(existing);
    expect(api.callsOf('DeleteDetector')).toHaveLength(0);
    // Another resource's detector (of another logical id) is kept too.
    api.guardduty.removeDetector(ACCOUNT, REGION, existing);
    const { physicalResourceId } = await dispatch(event('Create', TYPE, BASE, { logicalId: 'Other' }));
    await dispatch(event('Delete', TYPE, BASE, { physicalResourceId }));
    expect(api.guardduty.detectors(ACCOUNT, REGION).map((d) => d.id)).toEqual([physicalResourceId]);
  });

  test('succeeds when the detector is already gone', async () => {
    const { physicalResourceId } = await dispatch(event('Create', TYPE, BASE));
    api.guardduty.removeDetector(ACCOUNT, REGION, physicalResourceId);

    await expect(dispatch(event('Delete', TYPE, BASE, { physicalResourceId }))).resolves.toEqual({ physicalResourceId });
  });

  test('the delete after a failed create calls nothing', async () => {
    await dispatch(event('Delete', TYPE, BASE, { physicalResourceId: CREATE_FAILED_PHYSICAL_ID }));
    expect(api.calls).toHaveLength(0);
  });

  test('other errors fail the delete', async () => {
    const { physicalResourceId } = await dispatch(event('Create', TYPE, BASE));
    api.injectFault({ kind: 'access-denied', operation: 'DeleteDetector', times: 1 });

    await expect(dispatch(event('Delete', TYPE, BASE, { physicalResourceId })))
      .rejects.toMatchObject({ name: 'AccessDeniedException', $operation: 'DeleteDetector' });
    expect(api.guardduty.detectors(ACCOUNT, REGION)).toHaveLength(1);
  });
});
