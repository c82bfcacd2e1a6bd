/**
 * The filterable finding attributes as the GuardDuty service model documents them (the
 * `FindingCriteria` member of CreateFilterRequest), read from the vendored model. The library's
 * list (`src/private/finding-attributes.ts`) must equal this one; `npx ts-node
 * test/aws-guardduty/finding-attributes.model.ts` prints the
 * `ATTRIBUTES` entries to paste into that file after a model update.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ModelAttributes {
  readonly attributes: string[];
  readonly timestamps: string[];
}

export function attributesFromModel(): ModelAttributes {
  const model = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'replay', 'src', 'local-api', 'models', 'guardduty-2017-11-28.service-2.json'), 'utf-8'));
  const doc: string = model.shapes.CreateFilterRequest.members.FindingCriteria.documentation;
  // Each attribute is a list item whose first paragraph is the name; a second paragraph gives a type.
  const items = [...doc.matchAll(/<li>\s*<p>\s*([^<]+?)\s*<\/p>(.*?)<\/li>/g)].map((m) => ({ name: m[1].split(/\s/)[0], rest: m[2] }));
  const attributes = items.map((i) => i.name);
  const timestamps = items.filter((i) => /Type: Timestamp/.test(i.rest)).map((i) => i.name);
  return { attributes, timestamps };
}

if (require.main === module) {
  const { attributes, timestamps } = attributesFromModel();
  const ts = new Set(timestamps);
  process.stdout.write(attributes.map((a) => `  ['${a}', ${ts.has(a) ? 'T' : '_'}],`).join('\n') + '\n');
}
