export * from './detector';
export * from './filter';
export * from './finding-criteria';
export * from './ip-list-source';
export * from './ip-set';
export * from './threat-intel-set';
export * from './publishing-destination';
