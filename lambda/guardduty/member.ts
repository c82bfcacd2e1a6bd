/**
 * `Custom::GuardDutyMember`: one member account of an administrator's detector, added through the
 * organization (associated at once) or by invitation (invited; enabled when the account accepts).
 * The member engine's one-account resource with GuardDuty's adapter: CreateMembers (an existing
 * member is fine), InviteMembers in invitation mode, a bounded wait for the relationship status,
 * then the member's detector features; a failure removes the member this event added. A new account
 * or detector is a replacement. Delete disassociates, then deletes.
 */
import { Member } from '@aws-sdk/client-guardduty';
import { guardDutyMemberAdapter } from './member-adapter';
import { GuardDutyMemberAttributes, GuardDutyMemberProperties } from '../../src/private/resources/guardduty/members';
import { guardDutyClient } from '../shared/clients';
import { oneMemberHandler } from '../shared/member-resources';

/** Bound on the wait for one member's relationship status. */
const MEMBER_WAIT_MS = 120_000;

export const memberHandler = oneMemberHandler<GuardDutyMemberProperties, Member, GuardDutyMemberAttributes>({
  adapter: (props, old) => guardDutyMemberAdapter(guardDutyClient(), props.DetectorId, {
    features: props.Features,
    featuresChanged: old === undefined || old.DetectorId !== props.DetectorId || JSON.stringify(old.Features) !== JSON.stringify(props.Features),
  }),
  physicalId: (props) => `${props.DetectorId}:${props.AccountId}`,
  email: (props) => props.Email,
  timeoutMs: MEMBER_WAIT_MS,
  attributes: (props, member) => ({ AccountId: props.AccountId, Status: member?.RelationshipStatus ?? '' }),
});
