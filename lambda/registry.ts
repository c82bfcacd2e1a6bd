/**
 * Every resource type the handler serves: its definition (type name, label, contracts, in
 * `src/private/resources/`) paired with its handler. One line per type; dispatch and failure
 * labels derive from it. Adding a resource type: its definition file, its construct, its handler,
 * and one line here (a kind of list: its row in `LIST_KINDS`, and none here).
 */
import { behaviorGraphHandler } from './detective/behavior-graph';
import { graphMembershipHandler } from './detective/graph-membership';
import { detectiveMemberHandler } from './detective/member';
import { detectiveMembersHandler } from './detective/members';
import { detectiveOrganizationAdminAccountHandler } from './detective/organization-admin-account';
import { administratorAccountHandler } from './guardduty/administrator-account';
import { detectorHandler } from './guardduty/detector';
import { filterHandler } from './guardduty/filter';
import { listHandler } from './guardduty/list';
import { malwareProtectionPlanStatusHandler } from './guardduty/malware-protection-plan-status';
import { malwareScanSettingsHandler } from './guardduty/malware-scan-settings';
import { memberHandler } from './guardduty/member';
import { membersHandler } from './guardduty/members';
import { organizationAdminAccountHandler } from './guardduty/organization-admin-account';
import { organizationConfigurationHandler } from './guardduty/organization-configuration';
import { publishingDestinationHandler } from './guardduty/publishing-destination';
import { ResourceHandler } from './shared/resource-handler';
import { ResourceTypeDefinition } from '../src/private/resource-definition';
import { BehaviorGraphResource } from '../src/private/resources/detective/behavior-graph';
import { GraphMembershipResource } from '../src/private/resources/detective/graph-membership';
import { DetectiveMemberResource, DetectiveMembersResource } from '../src/private/resources/detective/members';
import { DetectiveOrganizationAdminAccountResource } from '../src/private/resources/detective/organization-admin-account';
import { AdministratorAccountResource } from '../src/private/resources/guardduty/administrator-account';
import { DetectorResource } from '../src/private/resources/guardduty/detector';
import { FilterResource } from '../src/private/resources/guardduty/filter';
import { LIST_KIND_DEFINITIONS } from '../src/private/resources/guardduty/list';
import { MalwareProtectionPlanStatusResource } from '../src/private/resources/guardduty/malware-protection-plan-status';
import { MalwareScanSettingsResource } from '../src/private/resources/guardduty/malware-scan-settings';
import { GuardDutyMemberResource, GuardDutyMembersResource } from '../src/private/resources/guardduty/members';
import { OrganizationAdminAccountResource } from '../src/private/resources/guardduty/organization-admin-account';
import { OrganizationConfigurationResource } from '../src/private/resources/guardduty/organization-configuration';
import { PublishingDestinationResource } from '../src/private/resources/guardduty/publishing-destination';

/** A definition and its handler; the types tie the handler to the definition's contracts. */
export interface Registration {
  readonly definition: ResourceTypeDefinition<any, any>;
  readonly handler: ResourceHandler<any, any>;
}

function register<P, A>(definition: ResourceTypeDefinition<P, A>, handler: ResourceHandler<P, A>): Registration {
  return { definition, handler };
}

export const REGISTRY: ReadonlyArray<Registration> = [
  register(DetectorResource, detectorHandler),
  register(FilterResource, filterHandler),
  // The four kinds of list, one row each in LIST_KINDS.
  ...LIST_KIND_DEFINITIONS.map((kind) => register(kind.resource, listHandler(kind))),
  register(PublishingDestinationResource, publishingDestinationHandler),
  register(MalwareProtectionPlanStatusResource, malwareProtectionPlanStatusHandler),
  register(MalwareScanSettingsResource, malwareScanSettingsHandler),
  register(GuardDutyMemberResource, memberHandler),
  register(GuardDutyMembersResource, membersHandler),
  register(AdministratorAccountResource, administratorAccountHandler),
  register(OrganizationAdminAccountResource, organizationAdminAccountHandler),
  register(OrganizationConfigurationResource, organizationConfigurationHandler),
  register(BehaviorGraphResource, behaviorGraphHandler),
  register(DetectiveMemberResource, detectiveMemberHandler),
  register(DetectiveMembersResource, detectiveMembersHandler),
  register(GraphMembershipResource, graphMembershipHandler),
  register(DetectiveOrganizationAdminAccountResource, detectiveOrganizationAdminAccountHandler),
];
