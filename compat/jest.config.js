/**
 * The versions matrix: the construct, permission, cdk-nag and determinism tests against the
 * newest aws-cdk-lib (compat/latest, a lockfile-pinned install of its own), with cdk-nag 3 or,
 * with CDK_NAG_MAJOR=2, cdk-nag 2. The floor (the repo's own install) runs the whole suite.
 */
const path = require('node:path');
const base = require('../package.json').jest;

const modules = path.join(__dirname, 'latest', 'node_modules');
const nag = process.env.CDK_NAG_MAJOR === '2' ? 'cdk-nag-2' : 'cdk-nag';

module.exports = {
  ...base,
  rootDir: path.join(__dirname, '..'),
  collectCoverage: false,
  reporters: ['default', ['jest-junit', { outputDirectory: 'test-reports', outputName: `compat-latest-nag${process.env.CDK_NAG_MAJOR ?? '3'}.xml` }]],
  testMatch: [
    '<rootDir>/test/aws-guardduty/**/*.test.ts',
    '<rootDir>/test/aws-detective/**/*.test.ts',
    '<rootDir>/test/private/**/*.test.ts',
    '<rootDir>/test/nag/**/*.test.ts',
    '<rootDir>/test/determinism.test.ts',
    '<rootDir>/test/threat-detection-handler.test.ts',
  ],
  moduleNameMapper: {
    '^aws-cdk-lib$': path.join(modules, 'aws-cdk-lib'),
    '^aws-cdk-lib/(.*)$': path.join(modules, 'aws-cdk-lib', '$1'),
    '^constructs$': path.join(modules, 'constructs'),
    '^cdk-nag$': path.join(modules, nag),
  },
};
