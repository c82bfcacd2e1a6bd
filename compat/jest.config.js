/**
 * The versions matrix. The floor (the repo's own install) runs the whole suite; this config runs
 * the construct, permission, handler, cdk-nag and determinism tests against another install:
 * - COMPAT=latest (default): the newest aws-cdk-lib, with cdk-nag 3 or (CDK_NAG_MAJOR=2) cdk-nag 2;
 * - COMPAT=constructs-10.0: the aws-cdk-lib floor with constructs 10.0.0, the bottom of the peer
 *   range (no cdk-nag: 2.38 needs constructs 10.5).
 * Each is a lockfile-pinned install of its own (compat/<cell>), refreshed deliberately, installed
 * outside the repository by scripts/compat-install.sh (jsii-docgen would read its .jsii files).
 */
const os = require('node:os');
const path = require('node:path');
const base = require('../package.json').jest;

const cell = process.env.COMPAT ?? 'latest';
const installs = process.env.CDK_THREAT_DETECTION_COMPAT_DIR ?? path.join(process.env.TMPDIR ?? os.tmpdir(), 'cdk-threat-detection-compat');
const modules = path.join(installs, cell, 'node_modules');
const nag = process.env.CDK_NAG_MAJOR === '2' ? 'cdk-nag-2' : 'cdk-nag';
const name = cell === 'latest' ? `compat-latest-nag${process.env.CDK_NAG_MAJOR ?? '3'}` : `compat-${cell}`;

module.exports = {
  ...base,
  rootDir: path.join(__dirname, '..'),
  collectCoverage: false,
  reporters: ['default', ['jest-junit', { outputDirectory: 'test-reports', outputName: `${name}.xml` }]],
  testMatch: [
    '<rootDir>/test/aws-guardduty/**/*.test.ts',
    '<rootDir>/test/aws-detective/**/*.test.ts',
    '<rootDir>/test/private/**/*.test.ts',
    ...(cell === 'latest' ? ['<rootDir>/test/nag/**/*.test.ts'] : []),
    '<rootDir>/test/determinism.test.ts',
    '<rootDir>/test/dependency-cycles.test.ts',
    '<rootDir>/test/threat-detection-handler.test.ts',
    '<rootDir>/test/member-account-source.test.ts',
  ],
  moduleNameMapper: {
    '^aws-cdk-lib$': path.join(modules, 'aws-cdk-lib'),
    '^aws-cdk-lib/(.*)$': path.join(modules, 'aws-cdk-lib', '$1'),
    '^constructs$': path.join(modules, 'constructs'),
    ...(cell === 'latest' ? { '^cdk-nag$': path.join(modules, nag) } : {}),
  },
};
