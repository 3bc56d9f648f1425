/*
 * How the AWS adapter names resources: partitions, ARNs, the id cost exports
 * bill a resource under, and console links. Shared by the per-service
 * listers, the AWS Config path and the inventory parser, so that a resource
 * gets the same native id, cost id and link whichever of them read it.
 */

import { resourceTypeFor } from '@multicloud/plugin-multicloud-common';

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) {
    return 'aws-cn';
  }
  if (region.startsWith('us-gov-')) {
    return 'aws-us-gov';
  }
  return 'aws';
}

// ARNs and links are joined rather than concatenated: V8 keeps a
// concatenation as a tree of its parts (32 bytes a part) until something
// flattens it, and these strings live as long as the catalog holds the
// entities.

/** `arn:<partition>:<service>:<region>:<account>:<resource>`. */
export function buildArn(
  service: string,
  region: string,
  accountId: string,
  resource: string,
  partitionRegion = region,
): string {
  return [
    'arn',
    partitionOf(partitionRegion),
    service,
    region,
    accountId,
    resource,
  ].join(':');
}

/** The parts of an ARN, or undefined when `value` is not one. */
export function parseArn(value: unknown):
  | {
      partition: string;
      service: string;
      region: string;
      accountId: string;
      resource: string;
    }
  | undefined {
  if (typeof value !== 'string' || !value.startsWith('arn:')) {
    return undefined;
  }
  const parts = value.split(':');
  if (parts.length < 6) {
    return undefined;
  }
  return {
    partition: parts[1],
    service: parts[2],
    region: parts[3],
    accountId: parts[4],
    resource: parts.slice(5).join(':'),
  };
}

/**
 * How the `ResourceId` of an AWS cost export (CUR `line_item_resource_id`,
 * FOCUS `ResourceId`) names a resource, per CloudFormation type: EC2
 * instances and EBS volumes by their bare id (`i-0ae9...`, `vol-0c1...`), S3
 * buckets by their name, and every other type by its ARN (RDS databases and
 * clusters, Lambda functions, EKS clusters, load balancers, DynamoDB tables,
 * ElastiCache clusters, ECS clusters and services, SQS queues, SNS topics,
 * NAT gateways, Elastic IPs, ...). The entity's `multicloud.io/resource-id`
 * is this id, so cost rows join it by plain string equality.
 */
export const AWS_COST_ID_RULES: Record<string, 'id' | 'name'> = {
  'AWS::EC2::Instance': 'id',
  'AWS::EC2::Volume': 'id',
  'AWS::S3::Bucket': 'name',
};

/** The cost export's id of a resource of `nativeType` (see {@link AWS_COST_ID_RULES}). */
export function awsCostResourceId(
  nativeType: string,
  ids: { arn: string; id: string; name: string },
): string {
  switch (AWS_COST_ID_RULES[nativeType]) {
    case 'id':
      return ids.id;
    case 'name':
      return ids.name;
    default:
      return ids.arn;
  }
}

function consoleHost(region: string): string {
  return {
    aws: `${region}.console.aws.amazon.com`,
    'aws-cn': 'console.amazonaws.cn',
    'aws-us-gov': 'console.amazonaws-us-gov.com',
  }[partitionOf(region)]!;
}

/**
 * A page of a console application (`ec2`, `rds`, `sns/v3`, ...) in a
 * region: `fragment` is what follows `#`.
 */
export function consolePage(
  region: string,
  app: string,
  fragment: string,
): string {
  return [
    'https://',
    consoleHost(region),
    '/',
    app,
    '/home?region=',
    region,
    '#',
    fragment,
  ].join('');
}

/** The ECS console has paths of its own rather than `#` fragments. */
function ecsConsolePage(region: string, path: string[]): string {
  return [
    'https://',
    consoleHost(region),
    '/ecs/v2/clusters/',
    path.join('/'),
    '?region=',
    region,
  ].join('');
}

/** Ids a console link may need: the resource's own id, its name and its ARN. */
export type AwsConsoleIds = { id: string; name: string; arn: string };

/** Console pages of the types the adapter maps itself, by CloudFormation type. */
const CONSOLE_PAGES: Record<
  string,
  (region: string, ids: AwsConsoleIds) => string
> = {
  'AWS::RDS::DBInstance': (region, { name }) =>
    consolePage(region, 'rds', `database:id=${name};is-cluster=false`),
  'AWS::RDS::DBCluster': (region, { name }) =>
    consolePage(region, 'rds', `database:id=${name};is-cluster=true`),
  'AWS::RDS::DBSubnetGroup': (region, { name }) =>
    consolePage(region, 'rds', `db-subnet-group:id=${name}`),
  'AWS::S3::Bucket': (region, { name }) =>
    [
      'https://',
      partitionOf(region) === 'aws'
        ? 's3.console.aws.amazon.com'
        : consoleHost(region),
      '/s3/buckets/',
      name,
      '?region=',
      region,
    ].join(''),
  'AWS::Lambda::Function': (region, { name }) =>
    consolePage(region, 'lambda', `/functions/${name}`),
  'AWS::EKS::Cluster': (region, { name }) =>
    consolePage(region, 'eks', `/clusters/${name}`),
  'AWS::ElasticLoadBalancingV2::LoadBalancer': (region, { arn }) =>
    consolePage(region, 'ec2', `LoadBalancer:loadBalancerArn=${arn}`),
  'AWS::ElasticLoadBalancingV2::TargetGroup': (region, { arn }) =>
    consolePage(region, 'ec2', `TargetGroup:targetGroupArn=${arn}`),
  'AWS::DynamoDB::Table': (region, { name }) =>
    consolePage(region, 'dynamodbv2', `table?name=${encodeURIComponent(name)}`),
  'AWS::ElastiCache::CacheCluster': (region, { name }) =>
    consolePage(region, 'elasticache', `/redis/${name}`),
  'AWS::ECS::Cluster': (region, { name }) => ecsConsolePage(region, [name]),
  'AWS::ECS::Service': (region, { arn, name }) =>
    // arn:aws:ecs:<region>:<account>:service/<cluster>/<service>
    ecsConsolePage(region, [
      parseArn(arn)?.resource.split('/')[1] ?? '',
      'services',
      name,
    ]),
  'AWS::SQS::Queue': (region, { id }) =>
    consolePage(region, 'sqs/v3', `/queues/${encodeURIComponent(id)}`),
  'AWS::SNS::Topic': (region, { arn }) =>
    consolePage(region, 'sns/v3', `/topic/${arn}`),
};

/**
 * The console page of a resource: the service's own page for the types in
 * the table above, else the AWS Config page of the resource (every type the
 * Config path reads has one).
 */
export function awsConsoleUrl(
  nativeType: string,
  region: string,
  ids: AwsConsoleIds,
): string | undefined {
  if (!region || region === 'global') {
    return undefined;
  }
  const page = CONSOLE_PAGES[nativeType];
  if (page) {
    return page(region, ids);
  }
  return consolePage(
    region,
    'config',
    `/resources/details?resourceId=${encodeURIComponent(
      ids.id,
    )}&resourceType=${nativeType}`,
  );
}

/**
 * The entity type of a CloudFormation type: the resource type table's, and
 * `kubernetes-cluster` for EKS clusters, so that Backstage's Kubernetes
 * plugin finds them where it finds every cluster.
 */
export function awsEntityType(nativeType: string): string {
  return nativeType === 'AWS::EKS::Cluster'
    ? resourceTypeFor('kubernetes', 'Cluster')
    : resourceTypeFor('aws', nativeType);
}

/** CloudFormation types by `<service>:<resource type>` of an ARN. */
const ARN_TYPES: Array<[RegExp, string]> = [
  [/^ec2:instance\//, 'AWS::EC2::Instance'],
  [/^ec2:vpc\//, 'AWS::EC2::VPC'],
  [/^ec2:subnet\//, 'AWS::EC2::Subnet'],
  [/^ec2:security-group\//, 'AWS::EC2::SecurityGroup'],
  [/^ec2:volume\//, 'AWS::EC2::Volume'],
  [/^ec2:network-interface\//, 'AWS::EC2::NetworkInterface'],
  [/^ec2:elastic-ip\//, 'AWS::EC2::EIP'],
  [/^ec2:natgateway\//, 'AWS::EC2::NatGateway'],
  [/^rds:db:/, 'AWS::RDS::DBInstance'],
  [/^rds:cluster:/, 'AWS::RDS::DBCluster'],
  [/^rds:subgrp:/, 'AWS::RDS::DBSubnetGroup'],
  [/^s3:[^/]+$/, 'AWS::S3::Bucket'],
  [/^lambda:function:/, 'AWS::Lambda::Function'],
  [/^eks:cluster\//, 'AWS::EKS::Cluster'],
  [
    /^elasticloadbalancing:loadbalancer\/(app|net|gwy)\//,
    'AWS::ElasticLoadBalancingV2::LoadBalancer',
  ],
  [
    /^elasticloadbalancing:targetgroup\//,
    'AWS::ElasticLoadBalancingV2::TargetGroup',
  ],
  [
    /^elasticloadbalancing:loadbalancer\//,
    'AWS::ElasticLoadBalancing::LoadBalancer',
  ],
  [/^dynamodb:table\/[^/]+$/, 'AWS::DynamoDB::Table'],
  [/^elasticache:cluster:/, 'AWS::ElastiCache::CacheCluster'],
  [/^ecs:cluster\//, 'AWS::ECS::Cluster'],
  [/^ecs:service\//, 'AWS::ECS::Service'],
  [/^sqs:[^:/]+$/, 'AWS::SQS::Queue'],
  [/^sns:[^:/]+$/, 'AWS::SNS::Topic'],
];

const pascalCase = (value: string) =>
  value
    .split(/[-_]/)
    .map(part => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/**
 * What an ARN names: its CloudFormation type (`AWS::RDS::DBInstance`, or one
 * derived from the ARN's service and resource type for the types outside the
 * table above), its own id and its name.
 */
export function describeArn(
  arn: string,
): { nativeType: string; id: string; name: string } | undefined {
  const parsed = parseArn(arn);
  if (!parsed || !parsed.resource) {
    return undefined;
  }
  const { service, resource } = parsed;
  const key = `${service}:${resource}`;
  const segments = resource.split(/[/:]/);
  const id = segments[segments.length - 1];
  const known = ARN_TYPES.find(([pattern]) => pattern.test(key))?.[1];
  const nativeType =
    known ??
    `AWS::${pascalCase(service)}::${pascalCase(
      segments.length > 1 ? segments[0] : service,
    )}`;
  const name =
    nativeType === 'AWS::ElasticLoadBalancingV2::LoadBalancer' ||
    nativeType === 'AWS::ElasticLoadBalancingV2::TargetGroup'
      ? segments[segments.length - 2]
      : id;
  return { nativeType, id, name };
}
