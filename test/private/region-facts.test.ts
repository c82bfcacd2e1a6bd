/**
 * The library's Region facts against AWS's own data: every Region of every partition is
 * classified, and GuardDuty's and Detective's availability is the Regions their endpoints cover.
 * The data is an extract of `endpoints.json` (the replay's vendored `replay/src/local-api/models/endpoints-regions.json`, which the local API also reads), checked against the
 * full file where the shared service models are present.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AWS_DNS_SUFFIXES, REGION_FACTS, optInRegions, regionFacts } from '../../src/private/region-facts';

interface Partition { readonly 'partition': string; readonly 'regions': string[]; readonly 'guardduty': string[]; readonly 'api.detective': string[] }
const extract: { partitions: Partition[] } = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'replay', 'src', 'local-api', 'models', 'endpoints-regions.json'), 'utf8'));

test('every Region of every partition is classified, and no other', () => {
  const regions = extract.partitions.flatMap((p) => p.regions);
  expect(Object.keys(REGION_FACTS).sort()).toEqual([...regions].sort());
  for (const p of extract.partitions) {
    for (const r of p.regions) expect([r, regionFacts(r)?.partition]).toEqual([r, p.partition]);
  }
});

test.each(extract.partitions.map((p) => [p.partition, p] as const))('%s: GuardDuty and Detective where their endpoints are', (_name, p) => {
  for (const r of p.regions) {
    expect([r, 'guardDuty', REGION_FACTS[r].guardDuty]).toEqual([r, 'guardDuty', p.guardduty.includes(r)]);
    expect([r, 'detective', REGION_FACTS[r].detective]).toEqual([r, 'detective', p['api.detective'].includes(r)]);
  }
});

test('the commercial partition: 34 GuardDuty Regions, 21 with Detective; the 17 Regions before March 2019 are not opt-in', () => {
  const commercial = Object.entries(REGION_FACTS).filter(([, f]) => f.partition === 'aws');
  expect(commercial.filter(([, f]) => f.guardDuty)).toHaveLength(34);
  expect(commercial.filter(([, f]) => f.detective)).toHaveLength(21);
  expect(commercial.filter(([, f]) => !f.optIn).map(([r]) => r).sort()).toEqual([
    'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2', 'ca-central-1', 'eu-central-1',
    'eu-north-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'sa-east-1', 'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
  ]);
  // The two the floor aws-cdk-lib does not know; opt-in Regions exist only in the commercial partition.
  expect(regionFacts('ap-east-2')).toEqual({ partition: 'aws', optIn: true, guardDuty: true, detective: false });
  expect(regionFacts('ap-southeast-6')?.optIn).toBe(true);
  expect(optInRegions().every((r) => REGION_FACTS[r].partition === 'aws')).toBe(true);
  expect(regionFacts('xx-nowhere-1')).toBeUndefined();
  expect(regionFacts('toString')).toBeUndefined();
});

test('the extract is AWS\'s endpoints.json, where the shared service models are present', () => {
  const full = path.join(__dirname, '..', '..', '..', 'shared', 'service-models', 'endpoints.json');
  if (!fs.existsSync(full)) {
    console.info(`${full} is absent: the extract was not compared with it`);
    return;
  }
  const endpoints = JSON.parse(fs.readFileSync(full, 'utf8'));
  expect(endpoints.partitions.map((p: any) => ({
    partition: p.partition,
    regions: Object.keys(p.regions).sort(),
    guardduty: Object.keys(p.services.guardduty?.endpoints ?? {}).sort(),
    ['api.detective']: Object.keys(p.services['api.detective']?.endpoints ?? {}).sort(),
  }))).toEqual(extract.partitions);
});

test('AWS\'s DNS suffixes are each partition\'s dnsSuffix and dual-stack variant in endpoints.json, where the shared service models are present', () => {
  const full = path.join(__dirname, '..', '..', '..', 'shared', 'service-models', 'endpoints.json');
  if (!fs.existsSync(full)) {
    console.info(`${full} is absent: the suffixes were not compared with it`);
    return;
  }
  const endpoints = JSON.parse(fs.readFileSync(full, 'utf8'));
  const suffixes = new Set<string>(endpoints.partitions
    .flatMap((p: any) => [p.dnsSuffix, ...(p.defaults?.variants ?? []).map((v: any) => v.dnsSuffix)]));
  expect([...AWS_DNS_SUFFIXES].sort()).toEqual([...suffixes].sort());
});
