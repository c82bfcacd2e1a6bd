#!/usr/bin/env node
/**
 * Syntax-check every translated example (README and docstrings) that jsii-rosetta wrote into the
 * tablet (.jsii.tabl.json, written by `rosetta:extract`), with each language's own parser from
 * Debian's packages: Python's compiler (python3), the JDK's javac front end (default-jdk-headless),
 * gofmt -e (golang-go) and Mono's C# compiler in parse-only mode (mono-mcs).
 *
 * A snippet is a run of statements: each is wrapped the way its language needs (Java and C# in a
 * method of a class, Go in a function of a package, its imports or usings kept on top). Only syntax
 * is checked: rosetta's translations name types it cannot resolve (its Go and C# output leaves
 * struct types unqualified), and the library's Java, .NET and Go packages cannot be built here.
 *
 * Prints one line per language with its counts; a language whose tool is missing is reported as not
 * checked, with the Debian package that provides it. Exits 1 when a snippet fails, or (with
 * --require-all) when a tool is missing.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const tablet = JSON.parse(fs.readFileSync(path.join(root, '.jsii.tabl.json'), 'utf8'));
const requireAll = process.argv.includes('--require-all');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'translations-'));

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const run = (cmd, args, options = {}) => spawnSync(cmd, args, { encoding: 'utf8', ...options });

/** Split a snippet into its leading import lines (and blank or comment lines among them) and the rest. */
function splitHeader(source, isHeader) {
  const lines = source.split('\n');
  let i = 0;
  while (i < lines.length && (isHeader(lines[i]) || lines[i].trim() === '')) i++;
  return [lines.slice(0, i).join('\n'), lines.slice(i).join('\n')];
}

const LANGUAGES = {
  python: {
    tool: 'python3', package: 'python3',
    file: (src) => src,
    check: (files) => run('python3', ['-c', [
      'import sys',
      'bad = 0',
      'for f in sys.argv[1:]:',
      '    try:',
      '        compile(open(f, encoding="utf-8").read(), f, "exec", dont_inherit=True)',
      '    except SyntaxError as e:',
      '        bad += 1; print(f"{f}:{e.lineno}: {e.msg}")',
      'sys.exit(1 if bad else 0)',
    ].join('\n'), ...files]),
  },
  java: {
    tool: 'java', package: 'default-jdk-headless', ext: 'java',
    file: (src) => {
      const [header, body] = splitHeader(src, (l) => /^import\s/.test(l));
      return `${header}\nclass Snippet {\nvoid snippet() throws Exception {\n${body}\n}\n}\n`;
    },
    check: (files) => run('java', [path.join(__dirname, 'ParseJava.java'), ...files]),
  },
  go: {
    tool: 'gofmt', package: 'golang-go',
    file: (src) => {
      const [header, body] = splitHeader(src, (l) => /^import\s/.test(l));
      return `package snippet\n\n${header}\n\nfunc snippet() {\n${body}\n}\n`;
    },
    // -l: list files gofmt would reformat (not a failure) instead of printing them; errors go to stderr.
    check: (files) => ({ ...run('gofmt', ['-e', '-l', ...files]), stdout: '' }),
  },
  csharp: {
    tool: 'mcs', package: 'mono-mcs', ext: 'cs',
    file: (src) => {
      const [header, body] = splitHeader(src, (l) => /^using\s/.test(l));
      return `${header}\nclass Snippet {\nvoid M() {\n${body}\n}\n}\n`;
    },
    // One file per run: mcs stops at the first file with errors.
    check: (files) => {
      const failed = files.map((f) => run('mcs', ['--parse', f])).filter((r) => r.status !== 0);
      return { status: failed.length ? 1 : 0, stdout: failed.map((r) => r.stdout).join(''), stderr: '' };
    },
  },
};

const snippets = Object.values(tablet.snippets);
let failed = false;
for (const [language, spec] of Object.entries(LANGUAGES)) {
  const sources = snippets.map((s) => s.translations[language]?.source).filter((s) => s !== undefined);
  if (!has(spec.tool)) {
    console.log(`${language}: ${sources.length} snippets not checked: no ${spec.tool} (Debian package ${spec.package})`);
    if (requireAll) failed = true;
    continue;
  }
  const files = sources.map((src, i) => {
    const file = path.join(work, `${language}-${i + 1}.${spec.ext ?? (language === 'python' ? 'py' : language)}`);
    fs.writeFileSync(file, spec.file(src));
    return file;
  });
  const result = spec.check(files);
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  const bad = result.status !== 0;
  const failures = bad ? new Set((output.match(/[\w./-]+\.(py|java|go|cs)\b/g) ?? []).map((f) => path.basename(f))).size : 0;
  console.log(`${language}: ${sources.length - failures} of ${sources.length} snippets parse (${spec.tool})`);
  if (bad) {
    failed = true;
    console.log(output.split('\n').slice(0, 40).map((l) => `  ${l}`).join('\n'));
    console.log(`  (sources kept in ${work})`);
  }
}
if (!failed) fs.rmSync(work, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
