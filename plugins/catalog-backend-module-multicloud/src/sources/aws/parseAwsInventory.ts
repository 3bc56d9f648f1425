import { InputError } from '@backstage/errors';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import {
  AwsMappingError,
  AwsMappingScope,
  finalizeAwsResources,
  mapAddresses,
  mapNatGateways,
  mapNetworkInterfaces,
  mapReservations,
  mapSecurityGroups,
  mapSubnets,
  mapVolumes,
  mapVpcs,
} from './mapAwsResources';

/**
 * What {@link parseAwsInventory} cannot read from the CLI output itself.
 */
export type AwsInventoryContext = {
  /** Account of items without an `OwnerId` (volumes, Elastic IPs, NAT gateways). */
  accountId?: string;
  /** Region of items without an availability zone (VPCs, security groups, NAT gateways). */
  region?: string;
  /** Names the inventory (a file path) in error messages. */
  source?: string;
};

/** Top-level key of each `aws ec2 describe-*` output and its mapper. */
const LISTS: Array<
  [string, (items: any[], scope: AwsMappingScope) => CloudResource[]]
> = [
  ['Reservations', mapReservations],
  ['Vpcs', mapVpcs],
  ['Subnets', mapSubnets],
  ['SecurityGroups', mapSecurityGroups],
  ['Volumes', mapVolumes],
  ['NetworkInterfaces', mapNetworkInterfaces],
  ['Addresses', mapAddresses],
  ['NatGateways', mapNatGateways],
];

/**
 * Maps the JSON printed by `aws ec2 describe-instances`, `describe-vpcs`,
 * `describe-subnets`, `describe-security-groups`, `describe-volumes`,
 * `describe-network-interfaces`, `describe-addresses` or
 * `describe-nat-gateways` to cloud resources.
 *
 * @remarks
 * An item's account is its `OwnerId` (for instances, the reservation's),
 * else `context.accountId`; its region comes from its availability zone,
 * else `context.region`. A missing one of either throws an `InputError`.
 */
export function parseAwsInventory(
  json: unknown,
  context: AwsInventoryContext = {},
): CloudResource[] {
  const source = context.source ?? 'AWS inventory';
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw new InputError(
      `${source}: expected the JSON object printed by an "aws ec2 describe-*" command`,
    );
  }
  const output = json as Record<string, unknown>;
  const scope = { accountId: context.accountId, region: context.region };
  const resources: CloudResource[] = [];
  let recognized = false;
  for (const [key, map] of LISTS) {
    if (!(key in output)) {
      continue;
    }
    recognized = true;
    const items = output[key];
    if (!Array.isArray(items)) {
      throw new InputError(`${source}: "${key}" is not a list`);
    }
    try {
      resources.push(...map(items, scope));
    } catch (error) {
      if (error instanceof AwsMappingError) {
        throw new InputError(`${source}: ${error.message}`);
      }
      throw error;
    }
  }
  if (!recognized) {
    throw new InputError(
      `${source}: not the output of a supported "aws ec2 describe-*" command; ` +
        `expected one of the keys ${LISTS.map(([key]) => key).join(', ')}`,
    );
  }
  return finalizeAwsResources(resources);
}
