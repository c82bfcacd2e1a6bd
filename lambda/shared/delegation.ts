/**
 * The AWS Organizations side of a service's delegated administrator, shared by GuardDuty and
 * Detective: both services set their administrator per Region, while Organizations registers it
 * once for all Regions. Deregistering is "a one-time global action" after the last Region.
 *
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/change-guardduty-delegated-admin.html
 */
import { AccountNotRegisteredException, DeregisterDelegatedAdministratorCommand } from '@aws-sdk/client-organizations';
import { organizationsClient } from './clients';
import { StackLocation } from './custom-resource';
import { log } from './log';
import { REGION_FACTS, RegionFacts } from '../../src/private/region-facts';

/** What `deregisterWhenLast` needs of a service. */
export interface DelegationService {
  /** The service's name for the log, e.g. `GuardDuty`. */
  readonly name: string;
  /** Its service principal in AWS Organizations, e.g. `guardduty.amazonaws.com`. */
  readonly servicePrincipal: string;
  /** Whether the Region has the service (the library's Region facts). */
  readonly availableIn: (facts: RegionFacts) => boolean;
  /** Whether the account is the service's administrator in a Region (the service's own list, in that Region). */
  isAdministratorIn(region: string, accountId: string): Promise<boolean>;
}

/**
 * Deregister the account from AWS Organizations once it is the service's administrator in no
 * Region. Every other Region of the partition where the service is available is asked; a Region
 * the management account has not enabled answers UnrecognizedClientException and counts as none.
 * Any other failure to read a Region keeps the registration (said in the log): removing it while a
 * Region still delegates would break that Region.
 */
export async function deregisterWhenLast(service: DelegationService, accountId: string, location: StackLocation): Promise<void> {
  const others = Object.keys(REGION_FACTS).filter((r) => r !== location.region
    && REGION_FACTS[r].partition === location.partition && service.availableIn(REGION_FACTS[r]));
  const stillDelegating: string[] = [];
  for (const region of others) {
    try {
      if (await service.isAdministratorIn(region, accountId)) stillDelegating.push(region);
    } catch (err) {
      if ((err as { name?: string }).name === 'UnrecognizedClientException') continue;
      log.warn(`Could not read ${service.name}'s administrator of another Region; AWS Organizations' registration is kept`,
        { region, error: String(err) });
      return;
    }
  }
  if (stillDelegating.length > 0) {
    log.info(`Still ${service.name}'s administrator in other Regions; AWS Organizations' registration is kept`,
      { accountId, regions: stillDelegating });
    return;
  }
  try {
    await organizationsClient().send(new DeregisterDelegatedAdministratorCommand({
      AccountId: accountId, ServicePrincipal: service.servicePrincipal,
    }));
    log.info(`Deregistered from AWS Organizations: no Region delegates ${service.name} to it any more`, { accountId });
  } catch (err) {
    if (!(err instanceof AccountNotRegisteredException)) throw err;
  }
}
