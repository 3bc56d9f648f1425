import { InputError } from '@backstage/errors';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import { mapConfigItems } from './mapAwsConfigResources';
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
import {
  mapBuckets,
  mapCacheClusters,
  mapDbClusters,
  mapDbInstances,
  mapDbSubnetGroups,
  mapEcsClusters,
  mapEcsServices,
  mapEksClusters,
  mapFunctions,
  mapLoadBalancers,
  mapQueues,
  mapTables,
  mapTagMappings,
  mapTargetGroups,
  mapTopics,
} from './mapAwsServiceResources';

/**
 * What {@link parseAwsInventory} cannot read from the CLI output itself.
 */
export type AwsInventoryContext = {
  /** Account of items without an `OwnerId` or ARN (volumes, tables, queues, buckets). */
  accountId?: string;
  /** Region of items without an availability zone or ARN (VPCs, tables, queues). */
  region?: string;
  /** Names the inventory (a file path) in error messages. */
  source?: string;
};

/** The JSON string of each of Config's results, parsed. */
function configResults(items: unknown[]): unknown[] {
  return items.map(item => {
    if (typeof item !== 'string') {
      return item;
    }
    try {
      return JSON.parse(item);
    } catch {
      throw new AwsMappingError('a Config result is not a JSON object');
    }
  });
}

/**
 * Top-level key of each supported `aws` command's output, the command, and
 * its mapper.
 */
const LISTS: Array<
  [string, string, (items: any[], scope: AwsMappingScope) => CloudResource[]]
> = [
  ['Reservations', 'ec2 describe-instances', mapReservations],
  ['Vpcs', 'ec2 describe-vpcs', mapVpcs],
  ['Subnets', 'ec2 describe-subnets', mapSubnets],
  ['SecurityGroups', 'ec2 describe-security-groups', mapSecurityGroups],
  ['Volumes', 'ec2 describe-volumes', mapVolumes],
  [
    'NetworkInterfaces',
    'ec2 describe-network-interfaces',
    mapNetworkInterfaces,
  ],
  ['Addresses', 'ec2 describe-addresses', mapAddresses],
  ['NatGateways', 'ec2 describe-nat-gateways', mapNatGateways],
  [
    'Results',
    'configservice select-aggregate-resource-config (or select-resource-config)',
    items => mapConfigItems(configResults(items)),
  ],
  [
    'ResourceTagMappingList',
    'resourcegroupstaggingapi get-resources',
    mapTagMappings,
  ],
  ['DBInstances', 'rds describe-db-instances', mapDbInstances],
  ['DBClusters', 'rds describe-db-clusters', mapDbClusters],
  ['DBSubnetGroups', 'rds describe-db-subnet-groups', mapDbSubnetGroups],
  ['Buckets', 's3api list-buckets', mapBuckets],
  ['Functions', 'lambda list-functions', mapFunctions],
  ['LoadBalancers', 'elbv2 describe-load-balancers', mapLoadBalancers],
  ['TargetGroups', 'elbv2 describe-target-groups', mapTargetGroups],
  ['TableNames', 'dynamodb list-tables', mapTables],
  ['CacheClusters', 'elasticache describe-cache-clusters', mapCacheClusters],
  ['QueueUrls', 'sqs list-queues', mapQueues],
  ['Topics', 'sns list-topics', mapTopics],
  ['services', 'ecs describe-services', mapEcsServices],
];

/** Keys of the outputs whose one resource is not in a list. */
const SINGLE: Array<
  [string, string, (item: any, scope: AwsMappingScope) => CloudResource[]]
> = [
  [
    'cluster',
    'eks describe-cluster',
    (item, scope) => mapEksClusters([item], scope),
  ],
];

/** `clusters` is ECS's `describe-clusters` when its items are objects. */
const isEcsClusters = (output: Record<string, unknown>) =>
  Array.isArray(output.clusters) &&
  output.clusters.every(item => item && typeof item === 'object');

/** The top-level keys {@link parseAwsInventory} recognizes an `aws` output by. */
export function isAwsInventory(json: Record<string, unknown>): boolean {
  return (
    LISTS.some(([key]) => key in json) ||
    SINGLE.some(([key]) => key in json) ||
    isEcsClusters(json)
  );
}

/**
 * Maps the JSON printed by an `aws` command to cloud resources: `ec2
 * describe-instances`, `-vpcs`, `-subnets`, `-security-groups`, `-volumes`,
 * `-network-interfaces`, `-addresses`, `-nat-gateways`; `configservice
 * select-aggregate-resource-config` (every type Config records, with its
 * relationships); `resourcegroupstaggingapi get-resources` (any type, by ARN
 * and tags); and the listings of the other services the live source reads
 * (`rds describe-db-instances`, `s3api list-buckets`, `lambda
 * list-functions`, `eks describe-cluster`, `elbv2 describe-load-balancers`,
 * `dynamodb list-tables`, `sqs list-queues`, ...).
 *
 * @remarks
 * An item's account is its `OwnerId` or its ARN's, else `context.accountId`;
 * its region comes from its availability zone or ARN, else `context.region`.
 * A missing one of either throws an `InputError`.
 */
export function parseAwsInventory(
  json: unknown,
  context: AwsInventoryContext = {},
): CloudResource[] {
  const source = context.source ?? 'AWS inventory';
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw new InputError(
      `${source}: expected the JSON object printed by an "aws" command such as "aws ec2 describe-instances"`,
    );
  }
  const output = json as Record<string, unknown>;
  const scope = { accountId: context.accountId, region: context.region };
  const resources: CloudResource[] = [];
  let recognized = false;
  const map = (mapper: () => CloudResource[]) => {
    recognized = true;
    try {
      resources.push(...mapper());
    } catch (error) {
      if (error instanceof AwsMappingError) {
        throw new InputError(`${source}: ${error.message}`);
      }
      throw error;
    }
  };
  for (const [key, , mapper] of LISTS) {
    if (!(key in output)) {
      continue;
    }
    const items = output[key];
    if (!Array.isArray(items)) {
      throw new InputError(`${source}: "${key}" is not a list`);
    }
    map(() => mapper(items, scope));
  }
  for (const [key, , mapper] of SINGLE) {
    if (key in output) {
      map(() => mapper(output[key], scope));
    }
  }
  if (isEcsClusters(output)) {
    map(() => mapEcsClusters(output.clusters as any[], scope));
  }
  if (!recognized) {
    throw new InputError(
      `${source}: not the output of a supported "aws" command; expected one of the keys ${[
        ...LISTS,
        ...SINGLE,
      ]
        .map(([key]) => key)
        .join(', ')}, clusters`,
    );
  }
  return finalizeAwsResources(resources);
}
