import { installRenamedTypes } from '../private/renamed';

export * from './detector';
export * from './detector-ref';
export * from './features';
export * from './filter';
export * from './finding-events';
export * from './finding-criteria';
export * from './list-source';
export * from './ip-set';
export * from './threat-intel-set';
export * from './trusted-entity-set';
export * from './threat-entity-set';
export * from './publishing-destination';
export * from './member-account';
export * from './member-accounts';
export * from './administrator-account';
export * from './organization-admin-account';
export * from './organization-configuration';
export * from './malware-protection-plan';
export * from './malware-scan-settings';

// Types this module moved or renamed since 0.1.0 fail on access, naming the new ones (for JavaScript users).
installRenamedTypes('aws_guardduty', module.exports);
