/**
 * `Custom::DetectiveMembers`: a set of member accounts of a behavior graph in one resource, listed
 * in the template or read from AWS Organizations (roots or OUs, recursively) when the event
 * arrives. The member engine's set resource with Detective's adapter.
 */
import { MemberDetail } from '@aws-sdk/client-detective';
import { detectiveMemberAdapter } from './member-adapter';
import { DetectiveMembersProperties } from '../../src/private/resources/detective/members';
import { detectiveClient } from '../shared/clients';
import { memberSetHandler } from '../shared/member-resources';

/** Bound on the wait for a set's statuses (one wait covers every account). */
const MEMBERS_WAIT_MS = 300_000;

export const detectiveMembersHandler = memberSetHandler<DetectiveMembersProperties, MemberDetail>({
  adapter: (props) => detectiveMemberAdapter(detectiveClient(), props.GraphArn),
  container: (props) => props.GraphArn,
  physicalId: (props, logicalId) => `${props.GraphArn}/members/${logicalId}`,
  timeoutMs: MEMBERS_WAIT_MS,
});
