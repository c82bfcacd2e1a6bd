import { installRenamedTypes } from '../private/renamed';

export * from './behavior-graph';
export * from './member-account';
export * from './member-accounts';
export * from './graph-membership';
export * from './organization-admin-account';

// Types this module moved or renamed since 0.1.0 fail on access, naming the new ones (for JavaScript users).
installRenamedTypes('aws_detective', module.exports);
