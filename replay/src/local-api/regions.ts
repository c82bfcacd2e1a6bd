/**
 * Which Regions each service has an endpoint in, from AWS's `endpoints.json` (the extract in
 * `./models/endpoints-regions.json`): the local API refuses a GuardDuty or Detective call in a
 * Region where the service has none, as a client there finds no host. The emulator's own data,
 * not the library's Region facts (an emulator that read the library's table would agree with its
 * mistakes).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Partition {
  readonly partition: string;
  readonly regions: string[];
  readonly [service: string]: unknown;
}

const EXTRACT: { partitions: Partition[] } = JSON.parse(fs.readFileSync(path.join(__dirname, 'models', 'endpoints-regions.json'), 'utf8'));

/** The endpoints.json service key of a signing name (Detective's endpoints are under `api.detective`). */
const ENDPOINT_KEYS: Record<string, string> = { guardduty: 'guardduty', detective: 'api.detective' };

/**
 * Whether a service has an endpoint in a Region: `false` only for a Region AWS publishes where the
 * service has none; a Region the data does not know is taken as served (tests may use any name).
 */
export function hasEndpoint(signingName: string, region: string): boolean {
  const key = ENDPOINT_KEYS[signingName];
  if (!key) return true;
  const partition = EXTRACT.partitions.find((p) => p.regions.includes(region));
  if (!partition) return true;
  return ((partition[key] as string[] | undefined) ?? []).includes(region);
}
