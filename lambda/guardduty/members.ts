/**
 * `Custom::GuardDutyMembers`: a set of member accounts of an administrator's detector in one
 * resource, listed in the template or read from AWS Organizations (roots or OUs, recursively) when
 * the event arrives. The member engine's set resource with GuardDuty's adapter: N accounts cost
 * ceil(N/50) calls per write; features (the set's, and each override's to its accounts) go to
 * every member when they changed, else only to the accounts added.
 */
import { Member } from '@aws-sdk/client-guardduty';
import { guardDutyMemberAdapter } from './member-adapter';
import { GuardDutyMembersProperties } from '../../src/private/resources/guardduty/members';
import { guardDutyClient } from '../shared/clients';
import { memberSetHandler } from '../shared/member-resources';

/** Bound on the wait for a set's relationship statuses (one wait covers every account). */
const MEMBERS_WAIT_MS = 300_000;

export const membersHandler = memberSetHandler<GuardDutyMembersProperties, Member>({
  adapter: (props, old) => guardDutyMemberAdapter(guardDutyClient(), props.DetectorId, {
    features: props.Features,
    overrides: props.FeatureOverrides,
    featuresChanged: old === undefined || old.DetectorId !== props.DetectorId || JSON.stringify(old.Features) !== JSON.stringify(props.Features)
      || JSON.stringify(old.FeatureOverrides) !== JSON.stringify(props.FeatureOverrides),
  }),
  container: (props) => props.DetectorId,
  physicalId: (props, logicalId) => `${props.DetectorId}:members:${logicalId}`,
  timeoutMs: MEMBERS_WAIT_MS,
});
