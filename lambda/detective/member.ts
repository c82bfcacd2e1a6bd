/**
 * `Custom::DetectiveMember`: one member account of a behavior graph, enabled through the
 * organization or invited. The member engine's one-account resource with Detective's adapter:
 * CreateMembers unless the account is already a member (a VERIFICATION_FAILED member is removed
 * and added again), StartMonitoringMember for an ACCEPTED_BUT_DISABLED one, then a bounded wait
 * through VERIFICATION_IN_PROGRESS; a failure removes the member this event added. A new account
 * or graph is a replacement. Delete calls DeleteMembers; a member or graph already gone is success.
 */
import { MemberDetail } from '@aws-sdk/client-detective';
import { detectiveMemberAdapter } from './member-adapter';
import { DetectiveMemberAttributes, DetectiveMemberProperties } from '../../src/private/resources/detective/members';
import { detectiveClient } from '../shared/clients';
import { oneMemberHandler } from '../shared/member-resources';

/** Bound on the wait for one member's status. */
const MEMBER_WAIT_MS = 240_000;

export const detectiveMemberHandler = oneMemberHandler<DetectiveMemberProperties, MemberDetail, DetectiveMemberAttributes>({
  adapter: (props) => detectiveMemberAdapter(detectiveClient(), props.GraphArn),
  physicalId: (props) => `${props.GraphArn}/${props.AccountId}`,
  email: (props) => props.EmailAddress,
  timeoutMs: MEMBER_WAIT_MS,
  attributes: (props, member) => ({ AccountId: props.AccountId, Status: member?.Status ?? '' }),
});
