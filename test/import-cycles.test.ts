/**
 * No import cycle among the library's sources, counting type-only imports (`import type`), which
 * eslint's `import/no-cycle` skips: a type-only cycle still ties the files' meanings together (the
 * detector's `add*` methods and the resources that belong to a detector were one; `IDetectorRef`
 * broke it, as aws-cdk's `ITopicRef` and `IBucketRef` do).
 *
 * The graph comes from TypeScript's own scanner (`ts.preProcessFile`), which lists every import
 * and re-export of a file, type-only or not.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..');

/** The `.ts` files under a folder. */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
}

/** Each file's relative imports, resolved to files. */
function importGraph(files: string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map((i) => i.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => path.resolve(path.dirname(file), name))
      .flatMap((base) => [`${base}.ts`, path.join(base, 'index.ts')])
      .filter((candidate) => known.has(candidate));
    graph.set(file, targets);
  }
  return graph;
}

/** The strongly connected components of more than one file, or of a file importing itself (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next); low.set(v, next); next++;
    stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do { w = stack.pop()!; onStack.delete(w); component.push(path.relative(ROOT, w)); } while (w !== v);
      if (component.length > 1 || graph.get(v)!.includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

test.each(['src', 'lambda', 'replay/src'])('%s has no import cycle, counting type-only imports', (dir) => {
  const graph = importGraph(sources(path.join(ROOT, dir)));
  expect(graph.size).toBeGreaterThan(10);
  expect(cycles(graph)).toEqual([]);
});

test('the check finds a type-only cycle', () => {
  const a = path.join(ROOT, 'a.ts');
  const b = path.join(ROOT, 'b.ts');
  expect(cycles(new Map([[a, [b]], [b, [a]]]))).toEqual([['a.ts', 'b.ts']]);
  // What the scanner reads: a type-only import is an import.
  expect(ts.preProcessFile("import type { X } from './b';", true, true).importedFiles.map((i) => i.fileName)).toEqual(['./b']);
});
