export * from './behavior-graph';
export * from './member-account';
export * from './member-accounts';
export * from './graph-membership';
export * from './organization-admin-account';
