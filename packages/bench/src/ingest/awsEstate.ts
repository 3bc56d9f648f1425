/*
 * The AWS estate of the AWS part of the benchmark: N resources of every type
 * the AWS source reads, in one account and two regions (buckets: global),
 * GENERATED on the fly from the index asked for, so it costs no memory up
 * front and two runs answer the same bytes. The same estate is served twice:
 * per service (each API's answers, EC2 as XML items) and as the items of an
 * AWS Config aggregator, by the tests' fake (`serveAwsWorld` of the module's
 * `testUtils`).
 */
import {
  FakeAwsKind,
  FakeAwsWorld,
  Listing,
  tagSet,
} from '@multicloud/plugin-catalog-backend-module-multicloud/testUtils';
import { mix, TEAMS } from './fakeClouds';

export const AWS_BENCH_ACCOUNT = '511122223333';
export const AWS_BENCH_REGIONS = ['us-east-1', 'eu-west-1'];

/** Share of each type in the estate. */
const WEIGHTS: Array<[FakeAwsKind, number]> = [
  ['instances', 0.16],
  ['volumes', 0.16],
  ['network-interfaces', 0.08],
  ['security-groups', 0.04],
  ['subnets', 0.02],
  ['vpcs', 0.005],
  ['nat-gateways', 0.005],
  ['elastic-ips', 0.01],
  ['rds-instances', 0.05],
  ['rds-clusters', 0.01],
  ['rds-subnet-groups', 0.01],
  ['s3-buckets', 0.06],
  ['lambda-functions', 0.1],
  ['eks-clusters', 0.005],
  ['load-balancers', 0.02],
  ['target-groups', 0.03],
  ['dynamodb-tables', 0.05],
  ['elasticache-clusters', 0.02],
  ['ecs-clusters', 0.005],
  ['ecs-services', 0.05],
  ['sqs-queues', 0.05],
  ['sns-topics', 0.05],
];

/** Resources per type and region (buckets: all in `global`). */
export function awsBenchCounts(
  total: number,
): Record<string, Partial<Record<FakeAwsKind, number>>> {
  const counts: Record<string, Partial<Record<FakeAwsKind, number>>> = {};
  const regions = [...AWS_BENCH_REGIONS, 'global'];
  for (const region of regions) {
    counts[region] = {};
  }
  let used = 0;
  WEIGHTS.forEach(([kind, weight], index) => {
    const n =
      index === WEIGHTS.length - 1
        ? total - used
        : Math.max(1, Math.floor(total * weight));
    used += n;
    if (kind === 's3-buckets') {
      counts.global[kind] = n;
      return;
    }
    counts[AWS_BENCH_REGIONS[0]][kind] = Math.ceil(n / 2);
    counts[AWS_BENCH_REGIONS[1]][kind] = Math.floor(n / 2);
  });
  return counts;
}

const hex = (seed: number, length: number) => {
  let out = '';
  for (let i = 0; out.length < length; i++) {
    out += mix(seed * 31 + i)
      .toString(16)
      .padStart(8, '0');
  }
  return out.slice(0, length);
};

/** The tags of a resource, from its id: owners, systems, components. */
function tagsOf(id: string): Record<string, string> {
  let seed = 0;
  for (let i = 0; i < id.length; i++) {
    seed = (Math.imul(seed, 31) + id.charCodeAt(i)) | 0;
  }
  const team = TEAMS[mix(seed) % TEAMS.length];
  const tags: Record<string, string> = {
    Name: id.split(/[/:]/).pop()!,
    [mix(seed + 1) % 10 === 0 ? 'team' : 'owner']: `team-${team}`,
    system: `${team}-core`,
    environment: ['prod', 'staging'][mix(seed + 2) % 2],
  };
  if (mix(seed + 3) % 3 === 0) {
    tags.component = `${team}-api`;
  }
  return tags;
}

const list = (tags: Record<string, string>) =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

type Where = { region: string; salt: number; at: string };

/** Everything one region's resources are named by. */
function where(region: string): Where {
  return {
    region,
    salt: region === 'global' ? 9 : AWS_BENCH_REGIONS.indexOf(region) + 1,
    at: `${region}:${AWS_BENCH_ACCOUNT}`,
  };
}

const KIND_SALT: Record<string, number> = {
  vpc: 1,
  subnet: 2,
  sg: 3,
  instance: 4,
  volume: 5,
  eni: 6,
  eip: 7,
  nat: 8,
};
const id = (w: Where, kind: string, prefix: string, i: number) =>
  `${prefix}-${hex(w.salt * 10_000_000 + KIND_SALT[kind] * 1_000_000 + i, 17)}`;

/** An item of a kind, as its service's API answers it, and as Config records it. */
type KindShape = {
  service(
    w: Where,
    i: number,
    counts: Partial<Record<FakeAwsKind, number>>,
  ): any;
  config(
    w: Where,
    i: number,
    counts: Partial<Record<FakeAwsKind, number>>,
  ): Record<string, unknown>;
};

const of = (counts: Partial<Record<FakeAwsKind, number>>, kind: FakeAwsKind) =>
  Math.max(1, counts[kind] ?? 1);
const vpcId = (w: Where, i: number, c: Partial<Record<FakeAwsKind, number>>) =>
  id(w, 'vpc', 'vpc', i % of(c, 'vpcs'));
const subnetId = (
  w: Where,
  i: number,
  c: Partial<Record<FakeAwsKind, number>>,
) => id(w, 'subnet', 'subnet', i % of(c, 'subnets'));
const groupId = (
  w: Where,
  i: number,
  c: Partial<Record<FakeAwsKind, number>>,
) => id(w, 'sg', 'sg', i % of(c, 'security-groups'));
const instanceId = (
  w: Where,
  i: number,
  c: Partial<Record<FakeAwsKind, number>>,
) => id(w, 'instance', 'i', i % of(c, 'instances'));

const configItem = (
  w: Where,
  resourceType: string,
  resourceId: string,
  arn: string,
  fields: Record<string, unknown> = {},
) => ({
  accountId: AWS_BENCH_ACCOUNT,
  awsRegion: w.region === 'global' ? AWS_BENCH_REGIONS[0] : w.region,
  resourceType,
  resourceId,
  resourceName: resourceId,
  arn,
  configurationItemStatus: 'OK',
  tags: Object.entries(tagsOf(arn)).map(([key, value]) => ({ key, value })),
  relationships: [],
  configuration: {},
  ...fields,
});
const inVpc = (
  w: Where,
  i: number,
  c: Partial<Record<FakeAwsKind, number>>,
) => [
  {
    resourceType: 'AWS::EC2::Subnet',
    resourceId: subnetId(w, i, c),
    name: 'Is contained in Subnet',
  },
  {
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: groupId(w, i, c),
    name: 'Is associated with SecurityGroup',
  },
];
const ec2Arn = (w: Where, type: string, resourceId: string) =>
  `arn:aws:ec2:${w.at}:${type}/${resourceId}`;

const SHAPES: Record<FakeAwsKind, KindShape> = {
  instances: {
    service: (w, i, c) => {
      const instance = instanceId(w, i, c);
      return (
        `<reservationId>r-${hex(
          i,
          17,
        )}</reservationId><ownerId>${AWS_BENCH_ACCOUNT}</ownerId><instancesSet><item>` +
        `<instanceId>${instance}</instanceId><instanceType>m6i.large</instanceType>` +
        `<instanceState><code>16</code><name>running</name></instanceState>` +
        `<placement><availabilityZone>${w.region}a</availabilityZone></placement>` +
        `<subnetId>${subnetId(w, i, c)}</subnetId><vpcId>${vpcId(
          w,
          i,
          c,
        )}</vpcId>` +
        `<groupSet><item><groupId>${groupId(
          w,
          i,
          c,
        )}</groupId></item></groupSet>` +
        `${tagSet(
          tagsOf(ec2Arn(w, 'instance', instance)),
        )}</item></instancesSet>`
      );
    },
    config: (w, i, c) => {
      const instance = instanceId(w, i, c);
      return configItem(
        w,
        'AWS::EC2::Instance',
        instance,
        ec2Arn(w, 'instance', instance),
        {
          configuration: {
            instanceId: instance,
            instanceType: 'm6i.large',
            state: { code: 16, name: 'running' },
            placement: { availabilityZone: `${w.region}a` },
            subnetId: subnetId(w, i, c),
            vpcId: vpcId(w, i, c),
            securityGroups: [{ groupId: groupId(w, i, c) }],
          },
        },
      );
    },
  },
  volumes: {
    service: (w, i, c) => {
      const volume = id(w, 'volume', 'vol', i);
      return (
        `<volumeId>${volume}</volumeId><size>100</size><availabilityZone>${w.region}a</availabilityZone>` +
        `<status>in-use</status><attachmentSet><item><instanceId>${instanceId(
          w,
          i,
          c,
        )}</instanceId><status>attached</status></item></attachmentSet>` +
        `${tagSet(tagsOf(ec2Arn(w, 'volume', volume)))}`
      );
    },
    config: (w, i, c) => {
      const volume = id(w, 'volume', 'vol', i);
      return configItem(
        w,
        'AWS::EC2::Volume',
        volume,
        ec2Arn(w, 'volume', volume),
        {
          configuration: {
            volumeId: volume,
            size: 100,
            state: 'in-use',
            availabilityZone: `${w.region}a`,
            attachments: [
              { instanceId: instanceId(w, i, c), state: 'attached' },
            ],
          },
        },
      );
    },
  },
  'network-interfaces': {
    service: (w, i, c) => {
      const eni = id(w, 'eni', 'eni', i);
      return (
        `<networkInterfaceId>${eni}</networkInterfaceId><subnetId>${subnetId(
          w,
          i,
          c,
        )}</subnetId>` +
        `<availabilityZone>${w.region}a</availabilityZone><ownerId>${AWS_BENCH_ACCOUNT}</ownerId><status>in-use</status>` +
        `<attachment><instanceId>${instanceId(
          w,
          i,
          c,
        )}</instanceId></attachment>${tagSet(
          tagsOf(ec2Arn(w, 'network-interface', eni)),
        )}`
      );
    },
    config: (w, i, c) => {
      const eni = id(w, 'eni', 'eni', i);
      return configItem(
        w,
        'AWS::EC2::NetworkInterface',
        eni,
        ec2Arn(w, 'network-interface', eni),
        {
          configuration: {
            networkInterfaceId: eni,
            subnetId: subnetId(w, i, c),
            availabilityZone: `${w.region}a`,
            status: 'in-use',
            attachment: { instanceId: instanceId(w, i, c) },
          },
        },
      );
    },
  },
  'security-groups': {
    service: (w, i, c) => {
      const group = groupId(w, i, c);
      return (
        `<ownerId>${AWS_BENCH_ACCOUNT}</ownerId><groupId>${group}</groupId><groupName>sg-${i}</groupName>` +
        `<vpcId>${vpcId(
          w,
          i,
          c,
        )}</vpcId><ipPermissions><item><ipProtocol>tcp</ipProtocol><fromPort>443</fromPort>` +
        `<toPort>443</toPort><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges></item></ipPermissions>` +
        `${tagSet(tagsOf(ec2Arn(w, 'security-group', group)))}`
      );
    },
    config: (w, i, c) => {
      const group = groupId(w, i, c);
      return configItem(
        w,
        'AWS::EC2::SecurityGroup',
        group,
        ec2Arn(w, 'security-group', group),
        {
          configuration: {
            groupId: group,
            groupName: `sg-${i}`,
            vpcId: vpcId(w, i, c),
            ipPermissions: [
              {
                ipProtocol: 'tcp',
                fromPort: 443,
                toPort: 443,
                ipv4Ranges: [{ cidrIp: '0.0.0.0/0' }],
              },
            ],
          },
        },
      );
    },
  },
  subnets: {
    service: (w, i, c) => {
      const subnet = subnetId(w, i, c);
      return (
        `<subnetId>${subnet}</subnetId><vpcId>${vpcId(
          w,
          i,
          c,
        )}</vpcId><ownerId>${AWS_BENCH_ACCOUNT}</ownerId>` +
        `<availabilityZone>${
          w.region
        }a</availabilityZone><state>available</state>${tagSet(
          tagsOf(ec2Arn(w, 'subnet', subnet)),
        )}`
      );
    },
    config: (w, i, c) => {
      const subnet = subnetId(w, i, c);
      return configItem(
        w,
        'AWS::EC2::Subnet',
        subnet,
        ec2Arn(w, 'subnet', subnet),
        {
          configuration: {
            subnetId: subnet,
            vpcId: vpcId(w, i, c),
            availabilityZone: `${w.region}a`,
            state: 'available',
          },
        },
      );
    },
  },
  vpcs: {
    service: (w, i, c) => {
      const vpc = vpcId(w, i, c);
      return `<vpcId>${vpc}</vpcId><ownerId>${AWS_BENCH_ACCOUNT}</ownerId><state>available</state>${tagSet(
        tagsOf(ec2Arn(w, 'vpc', vpc)),
      )}`;
    },
    config: (w, i, c) => {
      const vpc = vpcId(w, i, c);
      return configItem(w, 'AWS::EC2::VPC', vpc, ec2Arn(w, 'vpc', vpc), {
        configuration: { vpcId: vpc, state: 'available' },
      });
    },
  },
  'nat-gateways': {
    service: (w, i, c) => {
      const nat = id(w, 'nat', 'nat', i);
      return `<natGatewayId>${nat}</natGatewayId><subnetId>${subnetId(
        w,
        i,
        c,
      )}</subnetId><state>available</state>${tagSet(
        tagsOf(ec2Arn(w, 'natgateway', nat)),
      )}`;
    },
    config: (w, i, c) => {
      const nat = id(w, 'nat', 'nat', i);
      return configItem(
        w,
        'AWS::EC2::NatGateway',
        nat,
        ec2Arn(w, 'natgateway', nat),
        {
          configuration: {
            natGatewayId: nat,
            subnetId: subnetId(w, i, c),
            state: 'available',
          },
        },
      );
    },
  },
  'elastic-ips': {
    service: (w, i, c) => {
      const eip = id(w, 'eip', 'eipalloc', i);
      return `<allocationId>${eip}</allocationId><publicIp>198.51.100.${
        i % 250
      }</publicIp><instanceId>${instanceId(
        w,
        i,
        c,
      )}</instanceId><associationId>eipassoc-${i}</associationId>${tagSet(
        tagsOf(ec2Arn(w, 'elastic-ip', eip)),
      )}`;
    },
    config: (w, i, c) => {
      const eip = id(w, 'eip', 'eipalloc', i);
      return configItem(w, 'AWS::EC2::EIP', eip, ec2Arn(w, 'elastic-ip', eip), {
        configuration: {
          allocationId: eip,
          publicIp: `198.51.100.${i % 250}`,
          instanceId: instanceId(w, i, c),
          associationId: `eipassoc-${i}`,
        },
      });
    },
  },
  'rds-instances': {
    service: (w, i, c) => ({
      DBInstanceIdentifier: `db-${i}`,
      DBInstanceArn: `arn:aws:rds:${w.at}:db:db-${i}`,
      DBInstanceClass: 'db.r6g.large',
      Engine: 'postgres',
      DBInstanceStatus: 'available',
      PubliclyAccessible: i % 50 === 0,
      DBSubnetGroup: {
        DBSubnetGroupName: `subnets-${i % of(c, 'rds-subnet-groups')}`,
        VpcId: vpcId(w, i, c),
      },
      VpcSecurityGroups: [{ VpcSecurityGroupId: groupId(w, i, c) }],
      TagList: list(tagsOf(`arn:aws:rds:${w.at}:db:db-${i}`)),
    }),
    config: (w, i, c) =>
      configItem(
        w,
        'AWS::RDS::DBInstance',
        `db-${hex(i, 26)}`,
        `arn:aws:rds:${w.at}:db:db-${i}`,
        {
          resourceName: `db-${i}`,
          configuration: {
            dBInstanceIdentifier: `db-${i}`,
            dBInstanceArn: `arn:aws:rds:${w.at}:db:db-${i}`,
            dBInstanceStatus: 'available',
            publiclyAccessible: i % 50 === 0,
            dBSubnetGroup: {
              dBSubnetGroupName: `subnets-${i % of(c, 'rds-subnet-groups')}`,
            },
            vpcSecurityGroups: [{ vpcSecurityGroupId: groupId(w, i, c) }],
          },
        },
      ),
  },
  'rds-clusters': {
    service: (w, i, c) => ({
      DBClusterIdentifier: `cluster-${i}`,
      DBClusterArn: `arn:aws:rds:${w.at}:cluster:cluster-${i}`,
      Status: 'available',
      DBSubnetGroup: `subnets-${i % of(c, 'rds-subnet-groups')}`,
      VpcSecurityGroups: [{ VpcSecurityGroupId: groupId(w, i, c) }],
      TagList: list(tagsOf(`arn:aws:rds:${w.at}:cluster:cluster-${i}`)),
    }),
    config: (w, i) =>
      configItem(
        w,
        'AWS::RDS::DBCluster',
        `cluster-${hex(i, 26)}`,
        `arn:aws:rds:${w.at}:cluster:cluster-${i}`,
        { resourceName: `cluster-${i}` },
      ),
  },
  'rds-subnet-groups': {
    service: (w, i, c) => ({
      DBSubnetGroupName: `subnets-${i}`,
      DBSubnetGroupArn: `arn:aws:rds:${w.at}:subgrp:subnets-${i}`,
      VpcId: vpcId(w, i, c),
      SubnetGroupStatus: 'Complete',
    }),
    config: (w, i, c) =>
      configItem(
        w,
        'AWS::RDS::DBSubnetGroup',
        `subnets-${i}`,
        `arn:aws:rds:${w.at}:subgrp:subnets-${i}`,
        {
          configuration: {
            dBSubnetGroupName: `subnets-${i}`,
            dBSubnetGroupArn: `arn:aws:rds:${w.at}:subgrp:subnets-${i}`,
            vpcId: vpcId(w, i, c),
          },
        },
      ),
  },
  's3-buckets': {
    service: (_w, i) => ({
      Name: `bench-bucket-${i}`,
      BucketRegion: AWS_BENCH_REGIONS[i % 2],
    }),
    config: (_w, i) =>
      configItem(
        where(AWS_BENCH_REGIONS[i % 2]),
        'AWS::S3::Bucket',
        `bench-bucket-${i}`,
        `arn:aws:s3:::bench-bucket-${i}`,
      ),
  },
  'lambda-functions': {
    service: (w, i, c) => ({
      FunctionName: `fn-${i}`,
      FunctionArn: `arn:aws:lambda:${w.at}:function:fn-${i}`,
      Runtime: 'nodejs20.x',
      MemorySize: 512,
      ...(i % 2
        ? {
            VpcConfig: {
              SubnetIds: [subnetId(w, i, c)],
              SecurityGroupIds: [groupId(w, i, c)],
            },
          }
        : {}),
    }),
    config: (w, i, c) =>
      configItem(
        w,
        'AWS::Lambda::Function',
        `fn-${i}`,
        `arn:aws:lambda:${w.at}:function:fn-${i}`,
        {
          configuration: {
            functionName: `fn-${i}`,
            functionArn: `arn:aws:lambda:${w.at}:function:fn-${i}`,
            ...(i % 2
              ? {
                  vpcConfig: {
                    subnetIds: [subnetId(w, i, c)],
                    securityGroupIds: [groupId(w, i, c)],
                  },
                }
              : {}),
          },
        },
      ),
  },
  'eks-clusters': {
    service: (w, i, c) => ({
      name: `eks-${i}`,
      arn: `arn:aws:eks:${w.at}:cluster/eks-${i}`,
      status: 'ACTIVE',
      endpoint: `https://${hex(i, 32).toUpperCase()}.gr7.${
        w.region
      }.eks.amazonaws.com`,
      certificateAuthority: { data: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t' },
      resourcesVpcConfig: {
        vpcId: vpcId(w, i, c),
        subnetIds: [subnetId(w, i, c), subnetId(w, i + 1, c)],
      },
      tags: tagsOf(`arn:aws:eks:${w.at}:cluster/eks-${i}`),
    }),
    config: (w, i, c) =>
      configItem(
        w,
        'AWS::EKS::Cluster',
        `eks-${i}`,
        `arn:aws:eks:${w.at}:cluster/eks-${i}`,
        {
          configuration: {
            Name: `eks-${i}`,
            Arn: `arn:aws:eks:${w.at}:cluster/eks-${i}`,
            Endpoint: `https://${hex(i, 32).toUpperCase()}.gr7.${
              w.region
            }.eks.amazonaws.com`,
            ResourcesVpcConfig: {
              SubnetIds: [subnetId(w, i, c), subnetId(w, i + 1, c)],
            },
          },
        },
      ),
  },
  'load-balancers': {
    service: (w, i, c) => ({
      LoadBalancerArn: `arn:aws:elasticloadbalancing:${
        w.at
      }:loadbalancer/app/lb-${i}/${hex(i, 16)}`,
      LoadBalancerName: `lb-${i}`,
      Scheme: 'internet-facing',
      VpcId: vpcId(w, i, c),
      State: { Code: 'active' },
      Type: 'application',
      AvailabilityZones: [
        { ZoneName: `${w.region}a`, SubnetId: subnetId(w, i, c) },
      ],
      SecurityGroups: [groupId(w, i, c)],
    }),
    config: (w, i, c) => {
      const arn = `arn:aws:elasticloadbalancing:${
        w.at
      }:loadbalancer/app/lb-${i}/${hex(i, 16)}`;
      return configItem(
        w,
        'AWS::ElasticLoadBalancingV2::LoadBalancer',
        arn,
        arn,
        {
          resourceName: `lb-${i}`,
          relationships: inVpc(w, i, c),
        },
      );
    },
  },
  'target-groups': {
    service: (w, i, c) => {
      const lb = i % of(c, 'load-balancers');
      return {
        TargetGroupArn: `arn:aws:elasticloadbalancing:${
          w.at
        }:targetgroup/tg-${i}/${hex(i + 7, 16)}`,
        TargetGroupName: `tg-${i}`,
        Protocol: 'HTTP',
        Port: 80,
        VpcId: vpcId(w, i, c),
        TargetType: 'instance',
        LoadBalancerArns: [
          `arn:aws:elasticloadbalancing:${w.at}:loadbalancer/app/lb-${lb}/${hex(
            lb,
            16,
          )}`,
        ],
      };
    },
    config: (w, i, c) => {
      const arn = `arn:aws:elasticloadbalancing:${
        w.at
      }:targetgroup/tg-${i}/${hex(i + 7, 16)}`;
      return configItem(
        w,
        'AWS::ElasticLoadBalancingV2::TargetGroup',
        arn,
        arn,
        {
          resourceName: `tg-${i}`,
          relationships: [
            {
              resourceType: 'AWS::EC2::Instance',
              resourceId: instanceId(w, i, c),
              name: 'Is associated with Instance',
            },
          ],
        },
      );
    },
  },
  'dynamodb-tables': {
    service: (_w, i) => ({ TableName: `table-${i}` }),
    config: (w, i) =>
      configItem(
        w,
        'AWS::DynamoDB::Table',
        `table-${i}`,
        `arn:aws:dynamodb:${w.at}:table/table-${i}`,
      ),
  },
  'elasticache-clusters': {
    service: (w, i, c) => ({
      CacheClusterId: `cache-${i}`,
      ARN: `arn:aws:elasticache:${w.at}:cluster:cache-${i}`,
      CacheClusterStatus: 'available',
      Engine: 'redis',
      SecurityGroups: [{ SecurityGroupId: groupId(w, i, c), Status: 'active' }],
    }),
    config: (w, i, c) =>
      configItem(
        w,
        'AWS::ElastiCache::CacheCluster',
        `cache-${i}`,
        `arn:aws:elasticache:${w.at}:cluster:cache-${i}`,
        {
          configuration: {
            cacheClusterId: `cache-${i}`,
            aRN: `arn:aws:elasticache:${w.at}:cluster:cache-${i}`,
            cacheClusterStatus: 'available',
            securityGroups: [{ securityGroupId: groupId(w, i, c) }],
          },
        },
      ),
  },
  'ecs-clusters': {
    service: (w, i) => ({
      clusterArn: `arn:aws:ecs:${w.at}:cluster/ecs-${i}`,
      clusterName: `ecs-${i}`,
      status: 'ACTIVE',
      tags: Object.entries(tagsOf(`arn:aws:ecs:${w.at}:cluster/ecs-${i}`)).map(
        ([key, value]) => ({ key, value }),
      ),
    }),
    config: (w, i) =>
      configItem(
        w,
        'AWS::ECS::Cluster',
        `ecs-${i}`,
        `arn:aws:ecs:${w.at}:cluster/ecs-${i}`,
      ),
  },
  'ecs-services': {
    service: (w, i, c) => {
      const cluster = i % of(c, 'ecs-clusters');
      return {
        serviceArn: `arn:aws:ecs:${w.at}:service/ecs-${cluster}/svc-${i}`,
        serviceName: `svc-${i}`,
        clusterArn: `arn:aws:ecs:${w.at}:cluster/ecs-${cluster}`,
        status: 'ACTIVE',
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: [subnetId(w, i, c)],
            securityGroups: [groupId(w, i, c)],
          },
        },
        tags: [],
      };
    },
    config: (w, i, c) => {
      const cluster = i % of(c, 'ecs-clusters');
      return configItem(
        w,
        'AWS::ECS::Service',
        `arn:aws:ecs:${w.at}:service/ecs-${cluster}/svc-${i}`,
        `arn:aws:ecs:${w.at}:service/ecs-${cluster}/svc-${i}`,
        {
          resourceName: `svc-${i}`,
          configuration: {
            serviceArn: `arn:aws:ecs:${w.at}:service/ecs-${cluster}/svc-${i}`,
            serviceName: `svc-${i}`,
            clusterArn: `arn:aws:ecs:${w.at}:cluster/ecs-${cluster}`,
          },
        },
      );
    },
  },
  'sqs-queues': {
    service: (w, i) => ({
      QueueUrl: `https://sqs.${w.region}.amazonaws.com/${AWS_BENCH_ACCOUNT}/queue-${i}`,
    }),
    config: (w, i) =>
      configItem(
        w,
        'AWS::SQS::Queue',
        `https://sqs.${w.region}.amazonaws.com/${AWS_BENCH_ACCOUNT}/queue-${i}`,
        `arn:aws:sqs:${w.at}:queue-${i}`,
        { resourceName: `queue-${i}` },
      ),
  },
  'sns-topics': {
    service: (w, i) => ({ TopicArn: `arn:aws:sns:${w.at}:topic-${i}` }),
    config: (w, i) =>
      configItem(
        w,
        'AWS::SNS::Topic',
        `arn:aws:sns:${w.at}:topic-${i}`,
        `arn:aws:sns:${w.at}:topic-${i}`,
        {
          resourceName: `topic-${i}`,
        },
      ),
  },
};

/** The estate of `total` resources, served per service and through Config. */
export function createAwsBenchWorld(total: number): FakeAwsWorld {
  const counts = awsBenchCounts(total);
  const listing = (region: string, kind: FakeAwsKind): Listing<any> => {
    const count = counts[region]?.[kind] ?? 0;
    const w = where(region);
    const regionCounts = counts[region] ?? {};
    return { count, item: i => SHAPES[kind].service(w, i, regionCounts) };
  };
  // Config's items: every region's resources of every kind, one after the other.
  const segments: Array<{ start: number; region: string; kind: FakeAwsKind }> =
    [];
  let configCount = 0;
  for (const region of Object.keys(counts)) {
    for (const [kind] of WEIGHTS) {
      const n = counts[region][kind] ?? 0;
      if (n) {
        segments.push({ start: configCount, region, kind });
        configCount += n;
      }
    }
  }
  return {
    defaultAccount: AWS_BENCH_ACCOUNT,
    regions: AWS_BENCH_REGIONS,
    listing: (account, region, kind) =>
      account === AWS_BENCH_ACCOUNT ? listing(region, kind) : undefined,
    tagsOf,
    targetsOf: arn => {
      const match = /:targetgroup\/tg-(\d+)\//.exec(arn);
      const region = AWS_BENCH_REGIONS.find(r => arn.includes(`:${r}:`))!;
      const i = Number(match?.[1] ?? 0);
      const c = counts[region];
      return [
        instanceId(where(region), i, c),
        instanceId(where(region), i + 1, c),
      ];
    },
    configItems: {
      count: configCount,
      item: index => {
        let segment = segments[0];
        for (const candidate of segments) {
          if (candidate.start > index) {
            break;
          }
          segment = candidate;
        }
        return SHAPES[segment.kind].config(
          where(segment.region),
          index - segment.start,
          counts[segment.region],
        );
      },
    },
  };
}
