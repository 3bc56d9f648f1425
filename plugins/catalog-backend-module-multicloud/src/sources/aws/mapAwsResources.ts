import type {
  Address,
  Instance,
  IpPermission,
  NatGateway,
  NetworkInterface,
  Reservation,
  SecurityGroup,
  Subnet,
  Tag,
  Volume,
  Vpc,
} from '@aws-sdk/client-ec2';
import {
  CLOUD_ANNOTATIONS,
  CloudResource,
  CloudResourceRelation,
  MULTICLOUD_ANNOTATIONS,
  resourceTypeFor,
} from '@multicloud/plugin-multicloud-common';
import { compareByNativeId } from '../../lib/order';
import { awsCostResourceId, buildArn, consolePage } from './awsIds';
import {
  isAnywhere,
  OpenIngressRule,
  openIngressAnnotation,
  portRange,
  protocolName,
} from '../../lib/openIngress';

/**
 * Where a listing ran. Items that carry their own `OwnerId` or availability
 * zone use those instead; items without them fall back to this scope.
 */
export type AwsMappingScope = {
  accountId?: string;
  region?: string;
};

/** A resource without an account or region, or without its own id. */
export class AwsMappingError extends Error {}

type Ec2ResourceKind = {
  /** CloudFormation type, looked up in the resource type table. */
  nativeType: string;
  /** Resource part of the ARN, `arn:aws:ec2:<region>:<account>:<arnType>/<id>`. */
  arnType: string;
  /** Console application and page fragment that shows one resource. */
  console: ['ec2' | 'vpcconsole', string];
  /** What the resource is called in error messages. */
  label: string;
};

const KINDS = {
  instance: {
    nativeType: 'AWS::EC2::Instance',
    arnType: 'instance',
    console: ['ec2', 'InstanceDetails:instanceId='],
    label: 'instance',
  },
  vpc: {
    nativeType: 'AWS::EC2::VPC',
    arnType: 'vpc',
    console: ['vpcconsole', 'VpcDetails:VpcId='],
    label: 'VPC',
  },
  subnet: {
    nativeType: 'AWS::EC2::Subnet',
    arnType: 'subnet',
    console: ['vpcconsole', 'SubnetDetails:subnetId='],
    label: 'subnet',
  },
  securityGroup: {
    nativeType: 'AWS::EC2::SecurityGroup',
    arnType: 'security-group',
    console: ['ec2', 'SecurityGroup:groupId='],
    label: 'security group',
  },
  volume: {
    nativeType: 'AWS::EC2::Volume',
    arnType: 'volume',
    console: ['ec2', 'VolumeDetails:volumeId='],
    label: 'volume',
  },
  networkInterface: {
    nativeType: 'AWS::EC2::NetworkInterface',
    arnType: 'network-interface',
    console: ['ec2', 'NetworkInterface:networkInterfaceId='],
    label: 'network interface',
  },
  elasticIp: {
    nativeType: 'AWS::EC2::EIP',
    arnType: 'elastic-ip',
    console: ['ec2', 'ElasticIpDetails:AllocationId='],
    label: 'Elastic IP',
  },
  natGateway: {
    nativeType: 'AWS::EC2::NatGateway',
    arnType: 'natgateway',
    console: ['vpcconsole', 'NatGatewayDetails:natGatewayId='],
    label: 'NAT gateway',
  },
} satisfies Record<string, Ec2ResourceKind>;

type KindName = keyof typeof KINDS;

function ec2Arn(
  kind: KindName,
  region: string,
  accountId: string,
  id: string,
): string {
  return buildArn('ec2', region, accountId, `${KINDS[kind].arnType}/${id}`);
}

/** The EC2 kinds by CloudFormation type. */
const KIND_BY_NATIVE_TYPE = new Map<string, KindName>(
  (Object.keys(KINDS) as KindName[]).map(kind => [
    KINDS[kind].nativeType,
    kind,
  ]),
);

/**
 * The native id (ARN) of an EC2 resource of a CloudFormation type
 * (`AWS::EC2::Subnet`, ...) from its bare id, or undefined for a type that is
 * not one of the EC2 kinds above. Other services' resources point at
 * subnets, security groups and instances by their bare ids.
 */
export function ec2NativeId(
  nativeType: string,
  region: string,
  accountId: string,
  id: string,
): string | undefined {
  const kind = KIND_BY_NATIVE_TYPE.get(nativeType);
  return kind ? ec2Arn(kind, region, accountId, id) : undefined;
}

function consoleUrl(kind: KindName, region: string, id: string): string {
  const [app, fragment] = KINDS[kind].console;
  return consolePage(region, app, [fragment, id].join(''));
}

/**
 * Region of an availability zone or network border group: `us-east-1a`,
 * `us-west-2-lax-1a` and `us-east-1` all give `us-east-1` / `us-west-2`.
 */
export function regionOfZone(zone: unknown): string | undefined {
  if (typeof zone !== 'string' || !zone) {
    return undefined;
  }
  const match = /^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+/.exec(zone);
  return match ? match[0] : zone.replace(/[a-z]$/, '');
}

/**
 * Tags as a map, from the `[{Key, Value}]` lists of most APIs, the
 * `[{key, value}]` lists of ECS and AWS Config, or a map (EKS).
 */
export function tagMap(tags: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (Array.isArray(tags)) {
    for (const tag of tags as Array<Tag & { key?: unknown; value?: unknown }>) {
      const key = tag?.Key ?? tag?.key;
      const value = tag?.Value ?? tag?.value;
      if (typeof key === 'string') {
        result[key] = typeof value === 'string' ? value : '';
      }
    }
  } else if (tags && typeof tags === 'object') {
    for (const [key, value] of Object.entries(tags)) {
      result[key] = typeof value === 'string' ? value : '';
    }
  }
  return result;
}

function requireId(kind: KindName, item: unknown, field: string): string {
  const id =
    item && typeof item === 'object'
      ? (item as Record<string, unknown>)[field]
      : undefined;
  if (typeof id !== 'string' || !id) {
    throw new AwsMappingError(`found a ${KINDS[kind].label} without ${field}`);
  }
  return id;
}

type ResourceFields = {
  id: string;
  ownerId?: string;
  zone?: string;
  tags: unknown;
  /** Human name when there is no `Name` tag, else the id is used. */
  fallbackName?: string;
  status?: string;
  dependsOn: Array<[KindName, string | undefined]>;
  /** What the alert rules read (`multicloud.io/open-ingress`, ...), when known. */
  facts?: Record<string, string | undefined>;
};

function toResource(
  kind: KindName,
  scope: AwsMappingScope,
  fields: ResourceFields,
): CloudResource {
  const { label } = KINDS[kind];
  const accountId = fields.ownerId || scope.accountId;
  if (!accountId) {
    throw new AwsMappingError(
      `${label} ${fields.id} has no OwnerId and no account id was given`,
    );
  }
  const region = regionOfZone(fields.zone) ?? scope.region;
  if (!region) {
    throw new AwsMappingError(
      `${label} ${fields.id} has no availability zone and no region was given`,
    );
  }
  const nativeId = ec2Arn(kind, region, accountId, fields.id);
  const tags = tagMap(fields.tags);
  const relations: CloudResourceRelation[] = [];
  for (const [targetKind, targetId] of fields.dependsOn) {
    if (targetId) {
      relations.push({
        type: 'dependsOn',
        targetNativeId: ec2Arn(targetKind, region, accountId, targetId),
      });
    }
  }
  const resource: CloudResource = {
    provider: 'aws',
    accountId,
    region,
    type: resourceTypeFor('aws', KINDS[kind].nativeType),
    nativeId,
    name: tags.Name || fields.fallbackName || fields.id,
    tags,
    relations,
    costResourceId: awsCostResourceId(KINDS[kind].nativeType, {
      arn: nativeId,
      id: fields.id,
      name: fields.id,
    }),
    annotations: {
      [CLOUD_ANNOTATIONS.awsArn]: nativeId,
      [CLOUD_ANNOTATIONS.awsAccountId]: accountId,
    },
  };
  for (const [key, value] of Object.entries(fields.facts ?? {})) {
    if (value !== undefined) {
      resource.annotations![key] = value;
    }
  }
  if (fields.status) {
    resource.status = fields.status;
  }
  resource.consoleUrl = consoleUrl(kind, region, fields.id);
  return resource;
}

export function list<T>(items: unknown): T[] {
  return Array.isArray(items) ? (items as T[]) : [];
}

/** Public addresses, comma separated, or undefined when there are none. */
export function publicIps(addresses: unknown[]): string | undefined {
  const unique = [
    ...new Set(
      addresses.filter((a): a is string => typeof a === 'string' && a !== ''),
    ),
  ];
  return unique.length ? unique.join(',') : undefined;
}

/**
 * Inbound permissions open to anywhere: each `0.0.0.0/0` of `IpRanges` and
 * `::/0` of `Ipv6Ranges`, with its protocol (`-1`: all) and port range.
 */
function openIngressOf(permissions: unknown): string | undefined {
  const rules: OpenIngressRule[] = [];
  for (const permission of list<IpPermission>(permissions)) {
    const protocol = protocolName(permission?.IpProtocol);
    const ports =
      protocol === 'all'
        ? 'all'
        : portRange(permission?.FromPort, permission?.ToPort);
    const sources = [
      ...list<{ CidrIp?: string }>(permission?.IpRanges).map(r => r?.CidrIp),
      ...list<{ CidrIpv6?: string }>(permission?.Ipv6Ranges).map(
        r => r?.CidrIpv6,
      ),
    ];
    for (const source of sources) {
      if (isAnywhere(source)) {
        rules.push({ protocol, ports, source });
      }
    }
  }
  return openIngressAnnotation(rules);
}

/**
 * Instances of `DescribeInstances` reservations. Terminated instances, which
 * EC2 keeps listing for about an hour, are left out.
 */
export function mapReservations(
  reservations: Reservation[],
  scope: AwsMappingScope,
): CloudResource[] {
  return reservations.flatMap(reservation =>
    list<Instance>(reservation?.Instances)
      .filter(instance => instance?.State?.Name !== 'terminated')
      .map(instance =>
        toResource('instance', scope, {
          id: requireId('instance', instance, 'InstanceId'),
          ownerId: reservation.OwnerId,
          zone: instance.Placement?.AvailabilityZone,
          tags: instance.Tags,
          status: instance.State?.Name,
          facts: {
            [MULTICLOUD_ANNOTATIONS.publicIp]: publicIps([
              instance.PublicIpAddress,
            ]),
          },
          dependsOn: [
            ['subnet', instance.SubnetId],
            ['vpc', instance.VpcId],
            ...list<{ GroupId?: string }>(instance.SecurityGroups).map(
              group =>
                ['securityGroup', group?.GroupId] as [
                  KindName,
                  string | undefined,
                ],
            ),
          ],
        }),
      ),
  );
}

export function mapVpcs(vpcs: Vpc[], scope: AwsMappingScope): CloudResource[] {
  return vpcs.map(vpc =>
    toResource('vpc', scope, {
      id: requireId('vpc', vpc, 'VpcId'),
      ownerId: vpc.OwnerId,
      tags: vpc.Tags,
      status: vpc.State,
      dependsOn: [],
    }),
  );
}

export function mapSubnets(
  subnets: Subnet[],
  scope: AwsMappingScope,
): CloudResource[] {
  return subnets.map(subnet =>
    toResource('subnet', scope, {
      id: requireId('subnet', subnet, 'SubnetId'),
      ownerId: subnet.OwnerId,
      zone: subnet.AvailabilityZone,
      tags: subnet.Tags,
      status: subnet.State,
      dependsOn: [['vpc', subnet.VpcId]],
    }),
  );
}

export function mapSecurityGroups(
  groups: SecurityGroup[],
  scope: AwsMappingScope,
): CloudResource[] {
  return groups.map(group =>
    toResource('securityGroup', scope, {
      id: requireId('securityGroup', group, 'GroupId'),
      ownerId: group.OwnerId,
      tags: group.Tags,
      fallbackName: group.GroupName,
      facts: {
        [MULTICLOUD_ANNOTATIONS.openIngress]: openIngressOf(
          group.IpPermissions,
        ),
      },
      dependsOn: [['vpc', group.VpcId]],
    }),
  );
}

/**
 * Volumes; deleted ones, still listed for a while, are left out. A volume
 * is attached while it is `in-use` or has an attachment that is not
 * detached.
 */
export function mapVolumes(
  volumes: Volume[],
  scope: AwsMappingScope,
): CloudResource[] {
  return volumes
    .filter(volume => volume?.State !== 'deleted')
    .map(volume =>
      toResource('volume', scope, {
        id: requireId('volume', volume, 'VolumeId'),
        zone: volume.AvailabilityZone,
        tags: volume.Tags,
        status: volume.State,
        facts: {
          [MULTICLOUD_ANNOTATIONS.attached]: String(
            volume.State === 'in-use' ||
              list<{ State?: string }>(volume.Attachments).some(
                attachment =>
                  attachment?.State === 'attached' ||
                  attachment?.State === 'attaching',
              ),
          ),
        },
        dependsOn: list<{ InstanceId?: string }>(volume.Attachments).map(
          attachment => ['instance', attachment?.InstanceId],
        ),
      }),
    );
}

export function mapNetworkInterfaces(
  interfaces: NetworkInterface[],
  scope: AwsMappingScope,
): CloudResource[] {
  return interfaces.map(eni =>
    toResource('networkInterface', scope, {
      id: requireId('networkInterface', eni, 'NetworkInterfaceId'),
      ownerId: eni.OwnerId,
      zone: eni.AvailabilityZone,
      tags: eni.TagSet,
      status: eni.Status,
      facts: {
        [MULTICLOUD_ANNOTATIONS.publicIp]: publicIps([
          eni.Association?.PublicIp,
        ]),
      },
      dependsOn: [
        ['subnet', eni.SubnetId],
        ['instance', eni.Attachment?.InstanceId],
      ],
    }),
  );
}

/**
 * Elastic IPs, named by their `Name` tag, else their public address; one
 * without an `AssociationId` is not attached to anything.
 */
export function mapAddresses(
  addresses: Address[],
  scope: AwsMappingScope,
): CloudResource[] {
  return addresses.map(address =>
    toResource('elasticIp', scope, {
      id: requireId('elasticIp', address, 'AllocationId'),
      zone: address.NetworkBorderGroup,
      tags: address.Tags,
      fallbackName: address.PublicIp,
      facts: {
        [MULTICLOUD_ANNOTATIONS.attached]: String(
          Boolean(address.AssociationId),
        ),
        [MULTICLOUD_ANNOTATIONS.publicIp]: publicIps([address.PublicIp]),
      },
      dependsOn: address.InstanceId
        ? [['instance', address.InstanceId]]
        : [['networkInterface', address.NetworkInterfaceId]],
    }),
  );
}

/** NAT gateways; deleted ones, still listed for a while, are left out. */
export function mapNatGateways(
  gateways: NatGateway[],
  scope: AwsMappingScope,
): CloudResource[] {
  return gateways
    .filter(gateway => gateway?.State !== 'deleted')
    .map(gateway =>
      toResource('natGateway', scope, {
        id: requireId('natGateway', gateway, 'NatGatewayId'),
        tags: gateway.Tags,
        status: gateway.State,
        facts: {
          [MULTICLOUD_ANNOTATIONS.publicIp]: publicIps(
            list<{ PublicIp?: string }>(gateway.NatGatewayAddresses).map(
              address => address?.PublicIp,
            ),
          ),
        },
        dependsOn: [['subnet', gateway.SubnetId]],
      }),
    );
}

/** `arn:<partition>:ec2:<region>:<account>:<type>/<id>` -> `<region>:<type>/<id>`. */
function accountlessKey(arn: string): string {
  const parts = arn.split(':');
  return `${parts[3]}:${parts.slice(5).join(':')}`;
}

/**
 * Makes a result stable and self-consistent: one resource per native id,
 * sorted by native id, and relations that point at resources of another
 * account (a subnet shared through AWS RAM, listed with its owner's
 * account id) rewritten to that resource's native id. The relations are
 * rewritten in place: the resources come fresh from the mappers above, and
 * an account holds too many to copy them all once more.
 */
export function finalizeAwsResources(
  resources: CloudResource[],
): CloudResource[] {
  const byNativeId = new Map<string, CloudResource>();
  for (const resource of resources) {
    if (!byNativeId.has(resource.nativeId)) {
      byNativeId.set(resource.nativeId, resource);
    }
  }
  const byAccountlessKey = new Map<string, string>();
  for (const nativeId of byNativeId.keys()) {
    byAccountlessKey.set(accountlessKey(nativeId), nativeId);
  }
  const unique = [...byNativeId.values()];
  for (const resource of unique) {
    const targets = new Set(
      resource.relations.map(
        relation =>
          byAccountlessKey.get(accountlessKey(relation.targetNativeId)) ??
          relation.targetNativeId,
      ),
    );
    resource.relations = [...targets].map(targetNativeId => ({
      type: 'dependsOn' as const,
      targetNativeId,
    }));
  }
  return unique.sort(compareByNativeId);
}
