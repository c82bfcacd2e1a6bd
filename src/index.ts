export * as aws_guardduty from './aws-guardduty';
