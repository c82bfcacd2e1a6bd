export * as aws_guardduty from './aws-guardduty';
export * as aws_detective from './aws-detective';
export * from './member-account-source';
export * from './threat-detection-handler';
export * from './threat-detection-handler-props';
export * from './organization-threat-detection';
