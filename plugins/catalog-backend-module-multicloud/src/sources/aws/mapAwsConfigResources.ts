import {
  CLOUD_ANNOTATIONS,
  CloudResource,
} from '@multicloud/plugin-multicloud-common';
import {
  awsConsoleUrl,
  awsCostResourceId,
  awsEntityType,
  parseArn,
} from './awsIds';
import {
  AwsMappingError,
  AwsMappingScope,
  ec2NativeId,
  list,
  mapAddresses,
  mapNatGateways,
  mapNetworkInterfaces,
  mapReservations,
  mapSecurityGroups,
  mapSubnets,
  mapVolumes,
  mapVpcs,
  tagMap,
} from './mapAwsResources';
import {
  mapCacheClusters,
  mapDbClusters,
  mapDbInstances,
  mapDbSubnetGroups,
  mapEcsClusters,
  mapEcsServices,
  mapEksClusters,
  mapFunctions,
} from './mapAwsServiceResources';

/**
 * One result of AWS Config's `SelectAggregateResourceConfig` (or
 * `SelectResourceConfig`) for `SELECT *, tags, configuration,
 * relationships`, parsed from its JSON string.
 */
export type AwsConfigItem = {
  accountId?: string;
  awsRegion?: string;
  resourceType?: string;
  resourceId?: string;
  resourceName?: string;
  arn?: string;
  availabilityZone?: string;
  configurationItemStatus?: string;
  tags?: unknown;
  configuration?: unknown;
  relationships?: unknown;
};

/** The expression the Config path runs: every recorded field it maps. */
export const AWS_CONFIG_SELECT = 'SELECT *, tags, configuration, relationships';

/**
 * Config's own bookkeeping, recorded as if it were resources: never
 * entities.
 */
const BOOKKEEPING_TYPES = new Set([
  'AWS::Config::ResourceCompliance',
  'AWS::Config::ConformancePackCompliance',
]);

/** Items Config keeps for a while after their resource is gone. */
const GONE_STATUSES = new Set([
  'ResourceDeleted',
  'ResourceDeletedNotRecorded',
  'ResourceNotRecorded',
]);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Config records a resource's configuration as the AWS SDK for Java
 * serialises its service's answer: the API's member names with a lower-case
 * first letter (`dBInstanceIdentifier`, `vpcSecurityGroups`). The
 * per-service mappers read the JavaScript SDK's names (`DBInstanceIdentifier`
 * for the Query and JSON protocols, `resourcesVpcConfig` for the REST ones).
 */
function renameKeys(value: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) {
    return value.map(item => renameKeys(item, rename));
  }
  if (!isObject(value)) {
    return value;
  }
  const result: Json = {};
  for (const [key, item] of Object.entries(value)) {
    result[rename(key)] = renameKeys(item, rename);
  }
  return result;
}

const pascal = (value: unknown) =>
  renameKeys(value, key => key.charAt(0).toUpperCase() + key.slice(1));
const camel = (value: unknown) =>
  renameKeys(value, key => key.charAt(0).toLowerCase() + key.slice(1));

function configurationOf(item: AwsConfigItem): Json {
  const { configuration } = item;
  if (typeof configuration === 'string') {
    // The CLI and older aggregators give it as a JSON string of its own.
    try {
      const parsed = JSON.parse(configuration);
      return isObject(parsed) ? parsed : {};
    } catch {
      return {};
    }
  }
  return isObject(configuration) ? configuration : {};
}

/** `[{Key, Value}]` of a Config item's tags, for the mappers that read a tag list. */
function tagList(item: AwsConfigItem): Array<{ key: string; value: string }> {
  return Object.entries(tagMap(item.tags)).map(([key, value]) => ({
    key,
    value,
  }));
}

/**
 * A security group's permissions as Config records them: Java's
 * `ipv4Ranges` objects and its older `ipRanges` strings both become the
 * `IpRanges` objects the EC2 mapper reads.
 */
function securityGroupConfiguration(configuration: Json): Json {
  const group = pascal(configuration) as Json;
  for (const key of ['IpPermissions', 'IpPermissionsEgress']) {
    group[key] = list<Json>(group[key]).map(permission => {
      const ranges = list<unknown>(
        list(permission.Ipv4Ranges).length
          ? permission.Ipv4Ranges
          : permission.IpRanges,
      ).map(range => (typeof range === 'string' ? { CidrIp: range } : range));
      return { ...permission, IpRanges: ranges };
    });
  }
  return group;
}

type ItemMapper = (
  item: AwsConfigItem,
  configuration: Json,
  scope: AwsMappingScope,
) => CloudResource[];

const withTags = (configuration: unknown, item: AwsConfigItem) => {
  const tags = Object.entries(tagMap(item.tags)).map(([Key, Value]) => ({
    Key,
    Value,
  }));
  return {
    ...(configuration as Json),
    Tags: tags,
    TagSet: tags,
    TagList: tags,
  } as any;
};

/**
 * The types the per-service listers read too, mapped by the same mappers
 * so that both paths give a resource the same relations and facts. Load
 * balancers and target groups are not among them: their relations (to
 * target groups, to registered targets) come from other calls than their
 * listing, and from Config's relationships.
 */
const MAPPERS: Record<string, ItemMapper> = {
  'AWS::EC2::Instance': (item, c, scope) =>
    mapReservations(
      [{ OwnerId: item.accountId, Instances: [withTags(pascal(c), item)] }],
      scope,
    ),
  'AWS::EC2::VPC': (item, c, scope) =>
    mapVpcs([withTags(pascal(c), item)], scope),
  'AWS::EC2::Subnet': (item, c, scope) =>
    mapSubnets([withTags(pascal(c), item)], scope),
  'AWS::EC2::SecurityGroup': (item, c, scope) =>
    mapSecurityGroups([withTags(securityGroupConfiguration(c), item)], scope),
  'AWS::EC2::Volume': (item, c, scope) =>
    mapVolumes([withTags(pascal(c), item)], scope),
  'AWS::EC2::NetworkInterface': (item, c, scope) =>
    mapNetworkInterfaces([withTags(pascal(c), item)], scope),
  'AWS::EC2::EIP': (item, c, scope) =>
    mapAddresses([withTags(pascal(c), item)], scope),
  'AWS::EC2::NatGateway': (item, c, scope) =>
    mapNatGateways([withTags(pascal(c), item)], scope),
  'AWS::RDS::DBInstance': (item, c, scope) =>
    mapDbInstances([withTags(pascal(c), item)], scope),
  'AWS::RDS::DBCluster': (item, c, scope) =>
    mapDbClusters([withTags(pascal(c), item)], scope),
  'AWS::RDS::DBSubnetGroup': (item, c, scope) =>
    mapDbSubnetGroups([pascal(c) as any], scope, () => tagMap(item.tags)),
  'AWS::Lambda::Function': (item, c, scope) =>
    mapFunctions([pascal(c) as any], scope, () => tagMap(item.tags)),
  'AWS::EKS::Cluster': (item, c, scope) =>
    mapEksClusters([{ ...(camel(c) as Json), tags: tagMap(item.tags) }], scope),
  'AWS::ElastiCache::CacheCluster': (item, c, scope) =>
    mapCacheClusters([pascal(c) as any], scope, () => tagMap(item.tags)),
  'AWS::ECS::Cluster': (item, c, scope) =>
    mapEcsClusters([{ ...(camel(c) as Json), tags: tagList(item) }], scope),
  'AWS::ECS::Service': (item, c, scope) =>
    mapEcsServices([{ ...(camel(c) as Json), tags: tagList(item) }], scope),
};

/**
 * The relations Config records that say what a resource needs: it "Is
 * contained in" a VPC or subnet, "Is associated with" a security group, "Is
 * attached to" an instance. Their reverses ("Contains ...") point the other
 * way and are left out.
 */
const DEPENDS_ON_RELATIONSHIP =
  /^Is (contained in|associated with|attached to)\b/i;

/**
 * The resource an attachment relationship is kept on, of a pair that is
 * attached to each other: the volume, interface or address rather than the
 * instance it is attached to, the address rather than its interface.
 */
const ATTACHMENT_RANK: Record<string, number> = {
  'AWS::EC2::EIP': 3,
  'AWS::EC2::Volume': 2,
  'AWS::EC2::NetworkInterface': 2,
};

type PendingRelation = {
  type: string;
  id?: string;
  name?: string;
  relationshipName: string;
};

/**
 * Maps the items of an AWS Config query to cloud resources, a page at a
 * time: the types the per-service listers also read through the same
 * mappers, every other type from Config's own fields (ARN, name, tags) with
 * its `relationships` as `dependsOn` relations, resolved by `finish` once
 * every page has been added. Deleted resources and Config's compliance
 * records are left out, as are items without an ARN outside EC2. Only the
 * mapped resources are kept between pages, not the items.
 */
export function createConfigItemMapper(): {
  add(items: unknown[]): void;
  finish(): CloudResource[];
} {
  const nativeIdByKey = new Map<string, string>();
  const typeByNativeId = new Map<string, string>();
  const resources: CloudResource[] = [];
  const pending = new Map<CloudResource, PendingRelation[]>();

  function add(items: unknown[]) {
    for (const raw of items) {
      if (!isObject(raw)) {
        throw new AwsMappingError(
          'found a Config result that is not an object',
        );
      }
      const item = raw as AwsConfigItem;
      const { resourceType, resourceId, accountId, awsRegion } = item;
      if (!resourceType || !resourceId || !accountId || !awsRegion) {
        const missing = Object.entries({
          resourceType,
          resourceId,
          accountId,
          awsRegion,
        }).find(([, value]) => !value)![0];
        throw new AwsMappingError(`found a Config item without ${missing}`);
      }
      if (
        BOOKKEEPING_TYPES.has(resourceType) ||
        GONE_STATUSES.has(item.configurationItemStatus ?? '')
      ) {
        continue;
      }
      const nativeId =
        ec2NativeId(resourceType, awsRegion, accountId, resourceId) ??
        (parseArn(item.arn) ? item.arn : undefined);
      if (!nativeId) {
        continue;
      }
      nativeIdByKey.set(`${resourceType}|${resourceId}`, nativeId);
      if (item.resourceName) {
        nativeIdByKey.set(`${resourceType}|${item.resourceName}`, nativeId);
      }
      typeByNativeId.set(nativeId, resourceType);

      const mapper = MAPPERS[resourceType];
      if (mapper) {
        try {
          resources.push(
            ...mapper(item, configurationOf(item), {
              accountId,
              region: awsRegion,
            }),
          );
          continue;
        } catch (error) {
          // A configuration of another shape than the service's API
          // answer: mapped from Config's own fields below.
          if (!(error instanceof AwsMappingError)) {
            throw error;
          }
        }
      }
      const resource = genericResource(item, nativeId);
      resources.push(resource);
      pending.set(
        resource,
        list<Json>(item.relationships).map(relationship => ({
          type: String(relationship?.resourceType ?? ''),
          id: relationship?.resourceId as string | undefined,
          name: relationship?.resourceName as string | undefined,
          relationshipName: String(
            relationship?.name ?? relationship?.relationshipName ?? '',
          ),
        })),
      );
    }
  }

  function finish(): CloudResource[] {
    const candidates = new Map<CloudResource, string[]>();
    for (const [resource, relationships] of pending) {
      const targets = new Set<string>();
      for (const relationship of relationships) {
        if (!DEPENDS_ON_RELATIONSHIP.test(relationship.relationshipName)) {
          continue;
        }
        const target =
          (relationship.id &&
            ec2NativeId(
              relationship.type,
              resource.region,
              resource.accountId,
              relationship.id,
            )) ||
          (relationship.id &&
            nativeIdByKey.get(`${relationship.type}|${relationship.id}`)) ||
          (relationship.name &&
            nativeIdByKey.get(`${relationship.type}|${relationship.name}`)) ||
          (parseArn(relationship.id) ? relationship.id : undefined);
        if (target && target !== resource.nativeId) {
          targets.add(target);
        }
      }
      candidates.set(resource, [...targets]);
    }
    // Of two resources attached to each other, only one depends on the other:
    // the one a mapper related, else the one of higher attachment rank.
    const edges = new Set<string>();
    for (const resource of resources) {
      for (const target of candidates.get(resource) ??
        resource.relations.map(r => r.targetNativeId)) {
        edges.add(`${resource.nativeId} ${target}`);
      }
    }
    const generic = new Set([...candidates.keys()].map(r => r.nativeId));
    const rank = (nativeId: string) =>
      ATTACHMENT_RANK[typeByNativeId.get(nativeId) ?? ''] ?? 1;
    for (const [resource, targets] of candidates) {
      resource.relations = targets
        .filter(target => {
          if (!edges.has(`${target} ${resource.nativeId}`)) {
            return true;
          }
          if (!generic.has(target)) {
            return false;
          }
          return rank(resource.nativeId) >= rank(target);
        })
        .map(targetNativeId => ({
          type: 'dependsOn' as const,
          targetNativeId,
        }));
    }
    return resources;
  }

  return { add, finish };
}

/** Maps the items of an AWS Config query, all at once (see {@link createConfigItemMapper}). */
export function mapConfigItems(items: unknown[]): CloudResource[] {
  const mapper = createConfigItemMapper();
  mapper.add(items);
  return mapper.finish();
}

/** A resource of a type without a mapper of its own, from Config's fields. */
function genericResource(item: AwsConfigItem, nativeId: string): CloudResource {
  const nativeType = item.resourceType!;
  const accountId = item.accountId!;
  const region = item.awsRegion!;
  const id = item.resourceId!;
  const name = item.resourceName || id;
  const tags = tagMap(item.tags);
  const resource: CloudResource = {
    provider: 'aws',
    accountId,
    region,
    type: awsEntityType(nativeType),
    nativeId,
    name: tags.Name || name,
    tags,
    relations: [],
    costResourceId: awsCostResourceId(nativeType, {
      arn: nativeId,
      id,
      name,
    }),
    annotations: {
      [CLOUD_ANNOTATIONS.awsArn]: nativeId,
      [CLOUD_ANNOTATIONS.awsAccountId]: accountId,
    },
  };
  const url = awsConsoleUrl(nativeType, region, { id, name, arn: nativeId });
  if (url) {
    resource.consoleUrl = url;
  }
  return resource;
}
