/**
 * Detector settings GuardDuty governs from the administrator once the account is a member: the
 * finding publishing frequency (members take the administrator's, Terraform's
 * `finding_publishing_frequency` documents it "determined by the GuardDuty primary account and
 * cannot be modified") and the protection plans (members may not change their own detector's
 * features, terraform-provider-aws#26168, which is why the member-detector-feature resources
 * exist). A `Detector` records here which of them it sets; an `AdministratorAccount` given that
 * detector warns at synth. Ground layer: it knows constructs only as keys.
 */
import { IConstruct } from 'constructs';

const SET = new WeakMap<IConstruct, string[]>();

/** Record which administrator-governed properties a detector sets (e.g. `findingPublishingFrequency`). */
export function recordAdministratorGoverned(detector: IConstruct, properties: string[]): void {
  if (properties.length > 0) SET.set(detector, properties);
}

/** The administrator-governed properties a detector of this app sets, if any. */
export function administratorGoverned(detector: IConstruct): string[] {
  return SET.get(detector) ?? [];
}
