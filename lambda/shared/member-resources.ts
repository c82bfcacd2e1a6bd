/**
 * The two member resource shapes every service has, built once on the member engine: one account
 * (account-vending stacks) and a set of accounts (listed, or read from AWS Organizations). A
 * service's member resources are these two handlers given its adapter and its physical ids.
 */
import { stackLocation } from './custom-resource';
import { isContinuation, madeResource } from './invocation';
import { convergeMembers, MemberAdapter, removeMemberAccounts } from './member-engine';
import { MemberSourceProperties, OrganizationReader, resolveAccountIds, resolveAccounts } from './organizations';
import { CreateEvent, DeleteEvent, HandlerResult, ResourceHandler, UpdateEvent } from './resource-handler';
import { MemberInvitationProperty, MemberSetAttributes } from '../../src/private/contracts';

/** Properties every one-account member resource has. */
export interface OneMemberProperties {
  readonly AccountId: string;
  readonly Invitation?: MemberInvitationProperty;
}

/** How a service's one-account member resource is identified and answered. */
export interface OneMemberSpec<P extends OneMemberProperties, M, A> {
  /** Bound on the wait for the member's status. */
  readonly timeoutMs: number;
  /** The service's adapter for the administrator these properties name (`old`: the properties before an update). */
  adapter(props: P, old: P | undefined): MemberAdapter<M>;
  /** The physical id: changes with the account or the administrator, so either replaces the member. */
  physicalId(props: P): string;
  /** The account's email, when the properties give it (else read from AWS Organizations, if it must be created). */
  email(props: P): string | undefined;
  /** The attributes, from the member after the wait. */
  attributes(props: P, member: M | undefined, adapter: MemberAdapter<M>): A;
}

/** A handler for one member account. */
export function oneMemberHandler<P extends OneMemberProperties, M, A>(spec: OneMemberSpec<P, M, A>): ResourceHandler<P, A> {
  const converge = async (props: P, old: P | undefined): Promise<HandlerResult<A>> => {
    // A create that continued: its earlier invocations may have made the member (see continuation.ts).
    if (old === undefined && isContinuation()) madeResource(spec.physicalId(props));
    const adapter = spec.adapter(props, old);
    const { members } = await convergeMembers(adapter, {
      desired: [{ accountId: props.AccountId, email: spec.email(props) }],
      invitation: props.Invitation,
      timeoutMs: spec.timeoutMs,
    });
    return { physicalResourceId: spec.physicalId(props), data: spec.attributes(props, members.get(props.AccountId), adapter) };
  };
  return {
    create: (event: CreateEvent<P>) => converge(event.ResourceProperties, undefined),
    update: (event: UpdateEvent<P>) => converge(event.ResourceProperties, event.OldResourceProperties),
    async delete(event: DeleteEvent<P>) {
      const props = event.ResourceProperties;
      // A physical id these properties did not make is not ours to remove.
      if (event.PhysicalResourceId === spec.physicalId(props)) {
        await removeMemberAccounts(spec.adapter(props, undefined), [props.AccountId]);
      }
      return { physicalResourceId: event.PhysicalResourceId };
    },
  };
}

/** Properties every member-set resource has: exactly one of `Accounts` and `Organization`. */
export interface MemberSetProperties extends MemberSourceProperties {
  readonly Invitation?: MemberInvitationProperty;
}

/** How a service's member-set resource is identified. */
export interface MemberSetSpec<P extends MemberSetProperties, M> {
  /** Bound on the one wait that covers every account of the set. */
  readonly timeoutMs: number;
  adapter(props: P, old: P | undefined): MemberAdapter<M>;
  /** The administrator resource the properties name (the detector id or graph ARN): another one replaces the set. */
  container(props: P): string;
  /** The physical id, from the properties and the logical id. */
  physicalId(props: P, logicalResourceId: string): string;
}

/**
 * A handler for a member set. Create adds every account; Update removes the accounts the old
 * properties named and the new ones do not, and adds the new ones; Delete removes the set's
 * accounts that are still members. A set read from Organizations is resolved again on every event.
 */
export function memberSetHandler<P extends MemberSetProperties, M>(spec: MemberSetSpec<P, M>): ResourceHandler<P, MemberSetAttributes> {
  const converge = async (event: CreateEvent<P> | UpdateEvent<P>, old: P | undefined): Promise<HandlerResult<MemberSetAttributes>> => {
    const props = event.ResourceProperties;
    // A create that continued: its earlier invocations made members this one cannot tell from
    // accounts that were members before, so a failure answers the set's own physical id, and the
    // rollback's Delete removes the set's accounts (see continuation.ts).
    if (event.RequestType === 'Create' && isContinuation()) madeResource(spec.physicalId(props, event.LogicalResourceId));
    const self = stackLocation(event.StackId).account;
    // One reader for the event: the old and new sources' shared OUs are read once.
    const reader = new OrganizationReader();
    const desired = await resolveAccounts(props, self, reader);
    let previous: string[] | undefined;
    if (old !== undefined && spec.container(old) === spec.container(props)) {
      // The same source resolves to the same accounts: read the organization once, not twice.
      const sameSource = JSON.stringify([old.Accounts, old.Organization]) === JSON.stringify([props.Accounts, props.Organization]);
      // The old source is read leniently: on a rollback it is the one that just failed (e.g. an OU id
      // with a typo), and a parent that does not exist cannot have given the set a member.
      previous = sameSource ? desired.map((a) => a.accountId) : await resolveAccountIds(old, self, reader, 'skip');
    }
    const { excluded } = await convergeMembers(spec.adapter(props, old),
      { desired, previous, invitation: props.Invitation, timeoutMs: spec.timeoutMs });
    return {
      physicalResourceId: spec.physicalId(props, event.LogicalResourceId),
      data: { MemberCount: String(desired.length - excluded.length), ExcludedAccounts: excluded.join(',') },
    };
  };
  return {
    create: (event) => converge(event, undefined),
    update: (event) => converge(event, event.OldResourceProperties),
    async delete(event) {
      const props = event.ResourceProperties;
      if (event.PhysicalResourceId === spec.physicalId(props, event.LogicalResourceId)) {
        // Leniently, as an update's old source: a deleted OU (or one that never existed) holds no member to remove.
        const accounts = await resolveAccountIds(props, stackLocation(event.StackId).account, undefined, 'skip');
        await removeMemberAccounts(spec.adapter(props, undefined), accounts);
      }
      return { physicalResourceId: event.PhysicalResourceId };
    },
  };
}
