import { RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { IDetectorRef } from './detector-ref';
import type { OrganizationAutoEnable, OrganizationFeatures } from './features';
import { ValidationError } from '../private/errors';
import { renderOrganizationFeatures } from '../private/features';
import { OrganizationConfigurationResource } from '../private/resources/guardduty/organization-configuration';
import { organizationConfigurationPermissions } from '../private/resources/guardduty/organization-configuration.permissions';
import { joinSiblings, serializeDetectorWrites } from '../private/siblings';
import { ThreatDetectionResource } from '../private/threat-detection-resource';

/** Properties of an `OrganizationConfiguration`. */
export interface OrganizationConfigurationProps {
  /** The delegated administrator's detector (see `OrganizationAdminAccount`). */
  readonly detector: IDetectorRef;

  /**
   * Which organization accounts GuardDuty itself is enabled in automatically. Only one
   * `OrganizationConfiguration` of a detector may set it.
   *
   * @default - not managed by this construct (left as it is)
   */
  readonly autoEnableOrganizationMembers?: OrganizationAutoEnable;

  /**
   * Protection plans enabled automatically. Two `OrganizationConfiguration`s of one detector may
   * not name the same plan.
   *
   * @default - no plan managed
   */
  readonly features?: OrganizationFeatures;

  /**
   * What happens when this resource leaves the stack. RETAIN_ON_UPDATE_OR_DELETE (the default)
   * leaves the organization's settings as they are, but a failed first deployment's rollback puts
   * back the values this construct's create changed; RETAIN leaves them even then; DESTROY sets
   * what this construct manages back to NONE (existing members keep GuardDuty and their plans;
   * only automatic enabling stops).
   *
   * @default RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The organization configuration of GuardDuty's delegated administrator: which accounts GuardDuty
 * and each protection plan are enabled in automatically. Deploy it in the delegated administrator
 * account, after `OrganizationAdminAccount`.
 *
 * The service overwrites what it is sent, and requires the members setting on every call: each
 * write reads the current configuration and sends the current members setting (unless this
 * construct manages it) and only the plans this construct names. Several
 * `OrganizationConfiguration`s (and member constructs) of one detector are chained by
 * dependencies, so their writes never run at once.
 *
 * Auto-enable applies to accounts as they join (NEW), or to every account (ALL). Existing
 * accounts become members with `MemberAccounts`.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/set-guardduty-auto-enable-preferences.html
 */
export class OrganizationConfiguration extends Construct {
  /** @internal what this configuration writes, for overlap checks between configurations. */
  public readonly _managed: { readonly members: boolean; readonly features: string[] };

  constructor(scope: Construct, id: string, props: OrganizationConfigurationProps) {
    super(scope, id);
    const features = renderOrganizationFeatures(props.features);
    if (props.autoEnableOrganizationMembers === undefined && features === undefined) {
      throw new ValidationError(this, 'an OrganizationConfiguration must set `autoEnableOrganizationMembers` or at least one of '
        + '`features`, got neither');
    }
    this._managed = { members: props.autoEnableOrganizationMembers !== undefined, features: (features ?? []).map((f) => f.Name) };
    const siblings = joinSiblings(this, 'organization-configuration', props.detector.detectorId);
    this.node.addValidation({ validate: () => overlaps(this, siblings) });

    const resource = new ThreatDetectionResource(this, 'Resource', OrganizationConfigurationResource, {
      properties: {
        DetectorId: props.detector.detectorId,
        AutoEnableOrganizationMembers: props.autoEnableOrganizationMembers,
        Features: features,
      },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      permissions: () => organizationConfigurationPermissions(),
    });
    serializeDetectorWrites(resource, props.detector.detectorId);
  }
}

function overlaps(self: OrganizationConfiguration, siblings: ReadonlyArray<OrganizationConfiguration>): string[] {
  const errors: string[] = [];
  for (const other of siblings) {
    if (other === self || siblings.indexOf(other) > siblings.indexOf(self)) continue;
    if (self._managed.members && other._managed.members) {
      errors.push(`\`autoEnableOrganizationMembers\` is also set by ${other.node.path} for the same detector: only one `
        + 'OrganizationConfiguration of a detector may set it');
    }
    const shared = self._managed.features.filter((f) => other._managed.features.includes(f));
    if (shared.length > 0) {
      errors.push(`features ${shared.join(', ')} are also managed by ${other.node.path} for the same detector: each plan may be `
        + 'managed by one OrganizationConfiguration');
    }
  }
  return errors;
}
