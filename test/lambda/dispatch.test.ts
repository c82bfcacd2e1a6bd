/**
 * The dispatcher's lifecycle guards, once for every registered resource type, and the registry's
 * completeness: every resource definition under src/private/resources has exactly one handler.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { event, silenceHandlerLogs, startLocalApi } from './events';
import { dispatch, resourceLabel } from '../../lambda/dispatch';
import { REGISTRY } from '../../lambda/registry';
import { CREATE_FAILED_PHYSICAL_ID } from '../../lambda/shared/custom-resource';
import { LocalApi } from '../../replay/src';

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(async () => api.stop());
beforeEach(() => {
  api.reset();
  silenceHandlerLogs();
});
afterEach(() => jest.restoreAllMocks());

const types = REGISTRY.map((r) => [r.definition.type, r.definition.label] as const);

test.each(types)('%s: the rollback Delete of a failed create succeeds without a call', async (type) => {
  const result = await dispatch(event('Delete', type, {}, { physicalResourceId: CREATE_FAILED_PHYSICAL_ID }));
  expect(result).toEqual({ physicalResourceId: CREATE_FAILED_PHYSICAL_ID });
  expect(api.calls).toEqual([]);
});

test.each(types)('%s: an Update without its old properties is refused before any call', async (type) => {
  await expect(dispatch(event('Update', type, {}, { physicalResourceId: 'p' }))).rejects.toThrow(
    'an Update event must carry PhysicalResourceId and OldResourceProperties');
  expect(api.calls).toEqual([]);
});

test.each(types)('%s is labelled %s in failure reasons', (type, label) => {
  expect(resourceLabel(event('Create', type, {}, { logicalId: 'X1' }))).toBe(`${label} X1`);
});

test('an unknown type is refused, named', async () => {
  await expect(dispatch(event('Create', 'Custom::Nope', {}))).rejects.toThrow('this handler does not manage resources of type Custom::Nope');
});

test('types and labels are unique, and every definition file is registered', () => {
  expect(new Set(REGISTRY.map((r) => r.definition.type)).size).toBe(REGISTRY.length);
  expect(new Set(REGISTRY.map((r) => r.definition.label)).size).toBe(REGISTRY.length);
  const root = path.join(__dirname, '../../src/private/resources');
  const defined = fs.readdirSync(root, { recursive: true, encoding: 'utf-8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.permissions.ts'))
    .flatMap((f) => [...fs.readFileSync(path.join(root, f), 'utf-8').matchAll(/type: '(Custom::\w+)'/g)].map((m) => m[1]));
  expect(defined.sort()).toEqual(REGISTRY.map((r) => r.definition.type).sort());
});
