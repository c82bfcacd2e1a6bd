/**
 * Route a custom resource event to the handler for its resource type. One bundle serves every
 * resource type, so a stack needs one handler function however many constructs it holds.
 */
import { onBehaviorGraphEvent } from './detective/behavior-graph';
import { onGraphMembershipEvent } from './detective/graph-membership';
import { onDetectiveMemberEvent } from './detective/member';
import { onDetectiveMembersEvent } from './detective/members';
import { onDetectiveOrganizationAdminAccountEvent } from './detective/organization-admin-account';
import { onAdministratorAccountEvent } from './guardduty/administrator-account';
import { onDetectorEvent } from './guardduty/detector';
import { onFilterEvent } from './guardduty/filter';
import { onIpSetEvent } from './guardduty/ip-set';
import { onMemberEvent } from './guardduty/member';
import { onMembersEvent } from './guardduty/members';
import { onOrganizationAdminAccountEvent } from './guardduty/organization-admin-account';
import { onOrganizationConfigurationEvent } from './guardduty/organization-configuration';
import { onPublishingDestinationEvent } from './guardduty/publishing-destination';
import { onThreatIntelSetEvent } from './guardduty/threat-intel-set';
import { CustomResourceEvent, ResourceResult } from './shared/custom-resource';
import { HandlerError } from './shared/errors';
import { ResourceTypes } from '../src/private/contracts';

type ResourceHandler = (event: CustomResourceEvent<any>) => Promise<ResourceResult>;

const HANDLERS: Record<string, { readonly label: string; readonly handle: ResourceHandler }> = {
  [ResourceTypes.GUARDDUTY_DETECTOR]: { label: 'Detector', handle: onDetectorEvent },
  [ResourceTypes.GUARDDUTY_FILTER]: { label: 'Filter', handle: onFilterEvent },
  [ResourceTypes.GUARDDUTY_IP_SET]: { label: 'IPSet', handle: onIpSetEvent },
  [ResourceTypes.GUARDDUTY_THREAT_INTEL_SET]: { label: 'ThreatIntelSet', handle: onThreatIntelSetEvent },
  [ResourceTypes.GUARDDUTY_PUBLISHING_DESTINATION]: { label: 'PublishingDestination', handle: onPublishingDestinationEvent },
  [ResourceTypes.GUARDDUTY_MEMBER]: { label: 'MemberAccount', handle: onMemberEvent },
  [ResourceTypes.GUARDDUTY_MEMBERS]: { label: 'MemberAccounts', handle: onMembersEvent },
  [ResourceTypes.GUARDDUTY_ADMINISTRATOR_ACCOUNT]: { label: 'AdministratorAccount', handle: onAdministratorAccountEvent },
  [ResourceTypes.GUARDDUTY_ORGANIZATION_ADMIN_ACCOUNT]: { label: 'OrganizationAdminAccount', handle: onOrganizationAdminAccountEvent },
  [ResourceTypes.GUARDDUTY_ORGANIZATION_CONFIGURATION]: { label: 'OrganizationConfiguration', handle: onOrganizationConfigurationEvent },
  [ResourceTypes.DETECTIVE_BEHAVIOR_GRAPH]: { label: 'BehaviorGraph', handle: onBehaviorGraphEvent },
  [ResourceTypes.DETECTIVE_MEMBER]: { label: 'Detective MemberAccount', handle: onDetectiveMemberEvent },
  [ResourceTypes.DETECTIVE_MEMBERS]: { label: 'Detective MemberAccounts', handle: onDetectiveMembersEvent },
  [ResourceTypes.DETECTIVE_GRAPH_MEMBERSHIP]: { label: 'GraphMembership', handle: onGraphMembershipEvent },
  [ResourceTypes.DETECTIVE_ORGANIZATION_ADMIN_ACCOUNT]: {
    label: 'Detective OrganizationAdminAccount', handle: onDetectiveOrganizationAdminAccountEvent,
  },
};

/** The resource's name in failure reasons: its kind and logical id, e.g. `Detector Detector1A2B3C4D`. */
export function resourceLabel(event: CustomResourceEvent<unknown>): string {
  const kind = HANDLERS[event.ResourceType]?.label ?? event.ResourceType;
  return `${kind} ${event.LogicalResourceId}`;
}

/** Run the event's handler: resolves with the result or rejects with the error to report. */
export async function dispatch(event: CustomResourceEvent<unknown>): Promise<ResourceResult> {
  const entry = HANDLERS[event.ResourceType];
  if (!entry) {
    throw new HandlerError(`this handler does not manage resources of type ${event.ResourceType}`);
  }
  return entry.handle(event as CustomResourceEvent<any>);
}
