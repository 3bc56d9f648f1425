import type { DBCluster, DBInstance, DBSubnetGroup } from '@aws-sdk/client-rds';
import type { Cluster as EksCluster } from '@aws-sdk/client-eks';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import type {
  LoadBalancer,
  TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { CacheCluster } from '@aws-sdk/client-elasticache';
import type {
  Cluster as EcsCluster,
  Service as EcsService,
} from '@aws-sdk/client-ecs';
import type { Topic } from '@aws-sdk/client-sns';
import {
  CLOUD_ANNOTATIONS,
  CloudResource,
  MULTICLOUD_ANNOTATIONS,
} from '@multicloud/plugin-multicloud-common';
import {
  awsConsoleUrl,
  awsEntityType,
  awsCostResourceId,
  buildArn,
  describeArn,
  parseArn,
  partitionOf,
} from './awsIds';
import {
  AwsMappingError,
  AwsMappingScope,
  ec2NativeId,
  list,
  tagMap,
} from './mapAwsResources';

/**
 * Tags of a resource by ARN, for the services whose listings carry none:
 * one Resource Groups Tagging API `GetResources` call per page of ARNs.
 * Undefined when the resource has no tags.
 */
export type AwsTagLookup = (arn: string) => Record<string, string> | undefined;

const noTags: AwsTagLookup = () => undefined;

/** Annotations of Backstage's Kubernetes plugin that its catalog cluster locator reads. */
const K8S_ANNOTATIONS = {
  apiServer: 'kubernetes.io/api-server',
  apiServerCa: 'kubernetes.io/api-server-certificate-authority',
  authProvider: 'kubernetes.io/auth-provider',
  awsClusterId: 'kubernetes.io/x-k8s-aws-id',
} as const;

type ServiceResourceFields = {
  /** CloudFormation type, for the entity type, cost id and console link. */
  nativeType: string;
  /** What the resource is called in error messages. */
  label: string;
  arn: string | undefined;
  /** The resource's own id (an identifier, a name, a queue URL). */
  id: string | undefined;
  /** Its name, when the `Name` tag gives none; the id when undefined. */
  name?: string;
  /**
   * Name it by `name` (or the id) even when it has a `Name` tag: a resource
   * that other sources refer to by its name (an EKS cluster, which a
   * `kubernetes` source pairs with by its ARN).
   */
  ownName?: boolean;
  /** Region, when the ARN has none (S3). */
  region?: string;
  tags: Record<string, string>;
  status?: string;
  /** Native ids of what the resource needs. */
  dependsOn: Array<string | undefined>;
  /** What the alert rules read, when known. */
  facts?: Record<string, string | undefined>;
  /** Annotations of other plugins. */
  annotations?: Record<string, string | undefined>;
};

function serviceResource(
  scope: AwsMappingScope,
  fields: ServiceResourceFields,
): CloudResource {
  const { arn, id, label, nativeType } = fields;
  if (!arn || !id) {
    throw new AwsMappingError(
      `found ${label} without ${arn ? 'its id' : 'its ARN'}`,
    );
  }
  const parsed = parseArn(arn);
  const accountId = parsed?.accountId || scope.accountId;
  if (!accountId) {
    throw new AwsMappingError(
      `${label} ${id} has no account in its ARN and no account id was given`,
    );
  }
  const region = fields.region || parsed?.region || scope.region;
  if (!region) {
    throw new AwsMappingError(
      `${label} ${id} has no region in its ARN and no region was given`,
    );
  }
  const name = fields.name ?? id;
  const targets = new Set(
    fields.dependsOn.filter((target): target is string => Boolean(target)),
  );
  const resource: CloudResource = {
    provider: 'aws',
    accountId,
    region,
    type: awsEntityType(nativeType),
    nativeId: arn,
    name: (!fields.ownName && fields.tags.Name) || name,
    tags: fields.tags,
    relations: [...targets].map(targetNativeId => ({
      type: 'dependsOn' as const,
      targetNativeId,
    })),
    costResourceId: awsCostResourceId(nativeType, { arn, id, name }),
    annotations: {
      [CLOUD_ANNOTATIONS.awsArn]: arn,
      [CLOUD_ANNOTATIONS.awsAccountId]: accountId,
    },
  };
  for (const [key, value] of Object.entries({
    ...fields.facts,
    ...fields.annotations,
  })) {
    if (value !== undefined) {
      resource.annotations![key] = value;
    }
  }
  if (fields.status) {
    resource.status = fields.status;
  }
  const url = awsConsoleUrl(nativeType, region, { id, name, arn });
  if (url) {
    resource.consoleUrl = url;
  }
  return resource;
}

/** Region and account of an ARN, for the ids its resource points at. */
function whereOf(
  arn: string | undefined,
  scope: AwsMappingScope,
): { region: string; accountId: string } {
  const parsed = parseArn(arn);
  return {
    region: parsed?.region || scope.region || '',
    accountId: parsed?.accountId || scope.accountId || '',
  };
}

function ec2Ids(
  nativeType: string,
  where: { region: string; accountId: string },
  ids: Array<string | undefined>,
): Array<string | undefined> {
  return ids.map(id =>
    id ? ec2NativeId(nativeType, where.region, where.accountId, id) : undefined,
  );
}

const subnetIds = (
  where: { region: string; accountId: string },
  ids: unknown,
) => ec2Ids('AWS::EC2::Subnet', where, list<string>(ids));
const securityGroupIds = (
  where: { region: string; accountId: string },
  ids: unknown,
) => ec2Ids('AWS::EC2::SecurityGroup', where, list<string>(ids));
const vpcId = (where: { region: string; accountId: string }, id: unknown) =>
  ec2Ids('AWS::EC2::VPC', where, [typeof id === 'string' ? id : undefined])[0];

/** `arn:aws:rds:<region>:<account>:<kind>:<name>` of a resource an RDS answer names. */
function rdsArn(
  where: { region: string; accountId: string },
  kind: 'subgrp' | 'cluster',
  name: string | undefined,
): string | undefined {
  return name && where.region && where.accountId
    ? buildArn('rds', where.region, where.accountId, `${kind}:${name}`)
    : undefined;
}

/**
 * RDS databases (`DescribeDBInstances`, tags inline): -> their DB subnet
 * group, VPC security groups and Aurora cluster. One that is publicly
 * accessible gets `multicloud.io/public-ip: true`.
 */
export function mapDbInstances(
  instances: DBInstance[],
  scope: AwsMappingScope,
): CloudResource[] {
  return instances.map(db => {
    const where = whereOf(db?.DBInstanceArn, scope);
    return serviceResource(scope, {
      nativeType: 'AWS::RDS::DBInstance',
      label: 'an RDS database',
      arn: db?.DBInstanceArn,
      id: db?.DBInstanceIdentifier,
      tags: tagMap(db.TagList),
      status: db.DBInstanceStatus,
      facts: {
        [MULTICLOUD_ANNOTATIONS.publicIp]: db.PubliclyAccessible
          ? 'true'
          : undefined,
      },
      dependsOn: [
        rdsArn(where, 'subgrp', db.DBSubnetGroup?.DBSubnetGroupName),
        rdsArn(where, 'cluster', db.DBClusterIdentifier),
        ...securityGroupIds(
          where,
          list<{ VpcSecurityGroupId?: string }>(db.VpcSecurityGroups).map(
            group => group?.VpcSecurityGroupId,
          ),
        ),
      ],
    });
  });
}

/** Aurora and Multi-AZ DB clusters (`DescribeDBClusters`, tags inline). */
export function mapDbClusters(
  clusters: DBCluster[],
  scope: AwsMappingScope,
): CloudResource[] {
  return clusters.map(cluster => {
    const where = whereOf(cluster?.DBClusterArn, scope);
    return serviceResource(scope, {
      nativeType: 'AWS::RDS::DBCluster',
      label: 'an RDS cluster',
      arn: cluster?.DBClusterArn,
      id: cluster?.DBClusterIdentifier,
      tags: tagMap(cluster.TagList),
      status: cluster.Status,
      facts: {
        [MULTICLOUD_ANNOTATIONS.publicIp]: cluster.PubliclyAccessible
          ? 'true'
          : undefined,
      },
      dependsOn: [
        rdsArn(where, 'subgrp', cluster.DBSubnetGroup),
        ...securityGroupIds(
          where,
          list<{ VpcSecurityGroupId?: string }>(cluster.VpcSecurityGroups).map(
            group => group?.VpcSecurityGroupId,
          ),
        ),
      ],
    });
  });
}

/** DB subnet groups (`DescribeDBSubnetGroups`): -> their VPC. */
export function mapDbSubnetGroups(
  groups: DBSubnetGroup[],
  scope: AwsMappingScope,
  tagsOf: AwsTagLookup = noTags,
): CloudResource[] {
  return groups.map(group => {
    const arn = group?.DBSubnetGroupArn;
    return serviceResource(scope, {
      nativeType: 'AWS::RDS::DBSubnetGroup',
      label: 'a DB subnet group',
      arn,
      id: group?.DBSubnetGroupName,
      tags: (arn && tagsOf(arn)) || {},
      status: group.SubnetGroupStatus,
      dependsOn: [vpcId(whereOf(arn, scope), group.VpcId)],
    });
  });
}

/** A bucket of `ListBuckets`, with the region it lives in. */
export type AwsBucket = { Name?: string; BucketRegion?: string };

/**
 * S3 buckets of an account (`ListBuckets` with each bucket's region):
 * `arn:aws:s3:::<name>`, billed under the bucket's name.
 */
export function mapBuckets(
  buckets: AwsBucket[],
  scope: AwsMappingScope,
  tagsOf: AwsTagLookup = noTags,
): CloudResource[] {
  return buckets.map(bucket => {
    const name = bucket?.Name;
    const region = bucket?.BucketRegion || scope.region || 'us-east-1';
    const arn = bucketArn(name, region);
    return serviceResource(scope, {
      nativeType: 'AWS::S3::Bucket',
      label: 'an S3 bucket',
      arn,
      id: name,
      region,
      tags: (arn && tagsOf(arn)) || {},
      dependsOn: [],
    });
  });
}

/** Lambda functions (`ListFunctions`): -> the subnets and security groups of their VPC config. */
export function mapFunctions(
  functions: FunctionConfiguration[],
  scope: AwsMappingScope,
  tagsOf: AwsTagLookup = noTags,
): CloudResource[] {
  return functions.map(fn => {
    const arn = fn?.FunctionArn;
    const where = whereOf(arn, scope);
    return serviceResource(scope, {
      nativeType: 'AWS::Lambda::Function',
      label: 'a Lambda function',
      arn,
      id: fn?.FunctionName,
      tags: (arn && tagsOf(arn)) || {},
      status: fn.State,
      dependsOn: [
        ...subnetIds(where, fn.VpcConfig?.SubnetIds),
        ...securityGroupIds(where, fn.VpcConfig?.SecurityGroupIds),
      ],
    });
  });
}

/**
 * EKS clusters (`DescribeCluster`, tags inline) as `kubernetes-cluster`
 * entities, with the annotations Backstage's Kubernetes plugin locates a
 * cluster by in the catalog (API server, its CA, `aws` authentication and
 * the cluster name it signs its tokens for): -> their VPC and subnets.
 * Named by the cluster's name, never a `Name` tag: a `kubernetes` source of
 * the same cluster pairs with the entity by ARN and name.
 */
export function mapEksClusters(
  clusters: EksCluster[],
  scope: AwsMappingScope,
): CloudResource[] {
  return clusters.map(cluster => {
    const where = whereOf(cluster?.arn, scope);
    const vpcConfig = cluster.resourcesVpcConfig;
    const endpoint = cluster.endpoint || undefined;
    return serviceResource(scope, {
      nativeType: 'AWS::EKS::Cluster',
      label: 'an EKS cluster',
      arn: cluster?.arn,
      id: cluster?.name,
      ownName: true,
      tags: tagMap(cluster.tags),
      status: cluster.status,
      annotations: endpoint
        ? {
            [K8S_ANNOTATIONS.apiServer]: endpoint,
            // AWS Config records it as `CertificateAuthorityData`.
            [K8S_ANNOTATIONS.apiServerCa]:
              cluster.certificateAuthority?.data ||
              (cluster as { certificateAuthorityData?: string })
                .certificateAuthorityData ||
              undefined,
            [K8S_ANNOTATIONS.authProvider]: 'aws',
            [K8S_ANNOTATIONS.awsClusterId]: cluster.name,
          }
        : undefined,
      dependsOn: [
        vpcId(where, vpcConfig?.vpcId),
        ...subnetIds(where, vpcConfig?.subnetIds),
      ],
    });
  });
}

/**
 * Application, network and gateway load balancers (`DescribeLoadBalancers`):
 * -> the target groups that forward to them (`targetGroupsOf`), their
 * subnets and security groups.
 */
export function mapLoadBalancers(
  balancers: LoadBalancer[],
  scope: AwsMappingScope,
  tagsOf: AwsTagLookup = noTags,
  targetGroupsOf: (arn: string) => string[] = () => [],
): CloudResource[] {
  return balancers.map(balancer => {
    const arn = balancer?.LoadBalancerArn;
    const where = whereOf(arn, scope);
    return serviceResource(scope, {
      nativeType: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
      label: 'a load balancer',
      arn,
      id: balancer?.LoadBalancerName,
      tags: (arn && tagsOf(arn)) || {},
      status: balancer.State?.Code,
      dependsOn: [
        ...(arn ? targetGroupsOf(arn) : []),
        ...subnetIds(
          where,
          list<{ SubnetId?: string }>(balancer.AvailabilityZones).map(
            zone => zone?.SubnetId,
          ),
        ),
        ...securityGroupIds(where, balancer.SecurityGroups),
      ],
    });
  });
}

/**
 * Target groups (`DescribeTargetGroups`): -> the instances or Lambda
 * functions registered in them (`targetsOf`, from `DescribeTargetHealth`) and
 * their VPC.
 */
export function mapTargetGroups(
  groups: TargetGroup[],
  scope: AwsMappingScope,
  tagsOf: AwsTagLookup = noTags,
  targetsOf: (arn: string) => string[] = () => [],
): CloudResource[] {
  return groups.map(group => {
    const arn = group?.TargetGroupArn;
    const where = whereOf(arn, scope);
    const targets = arn ? targetsOf(arn) : [];
    return serviceResource(scope, {
      nativeType: 'AWS::ElasticLoadBalancingV2::TargetGroup',
      label: 'a target group',
      arn,
      id: group?.TargetGroupName,
      tags: (arn && tagsOf(arn)) || {},
      dependsOn: [
        ...(group.TargetType === 'instance'
          ? ec2Ids('AWS::EC2::Instance', where, targets)
          : targets.filter(target => target.startsWith('arn:'))),
        vpcId(where, group.VpcId),
      ],
    });
  });
}

/** `arn:aws:dynamodb:<region>:<account>:table/<name>` of a table `ListTables` names. */
export function tableArn(
  name: unknown,
  scope: AwsMappingScope,
): string | undefined {
  return typeof name === 'string' && name && scope.region && scope.accountId
    ? buildArn('dynamodb', scope.region, scope.accountId, `table/${name}`)
    : undefined;
}

/** `arn:aws:s3:::<name>` of a bucket in a region. */
export function bucketArn(name: unknown, region: string): string | undefined {
  return typeof name === 'string' && name
    ? `arn:${partitionOf(region)}:s3:::${name}`
    : undefined;
}

/** DynamoDB tables of one account and region, by name (`ListTables`). */
export function mapTables(
  names: string[],
  scope: AwsMappingScope,
  tagsOf: AwsTagLookup = noTags,
): CloudResource[] {
  return names.map(name => {
    const arn = tableArn(name, scope);
    return serviceResource(scope, {
      nativeType: 'AWS::DynamoDB::Table',
      label: 'a DynamoDB table',
      arn,
      id: name,
      tags: (arn && tagsOf(arn)) || {},
      dependsOn: [],
    });
  });
}

/** ElastiCache clusters (`DescribeCacheClusters`): -> their security groups. */
export function mapCacheClusters(
  clusters: CacheCluster[],
  scope: AwsMappingScope,
  tagsOf: AwsTagLookup = noTags,
): CloudResource[] {
  return clusters.map(cluster => {
    const arn = cluster?.ARN;
    return serviceResource(scope, {
      nativeType: 'AWS::ElastiCache::CacheCluster',
      label: 'an ElastiCache cluster',
      arn,
      id: cluster?.CacheClusterId,
      tags: (arn && tagsOf(arn)) || {},
      status: cluster.CacheClusterStatus,
      dependsOn: securityGroupIds(
        whereOf(arn, scope),
        list<{ SecurityGroupId?: string }>(cluster.SecurityGroups).map(
          group => group?.SecurityGroupId,
        ),
      ),
    });
  });
}

/** ECS clusters (`DescribeClusters` with their tags). */
export function mapEcsClusters(
  clusters: EcsCluster[],
  scope: AwsMappingScope,
): CloudResource[] {
  return clusters.map(cluster =>
    serviceResource(scope, {
      nativeType: 'AWS::ECS::Cluster',
      label: 'an ECS cluster',
      arn: cluster?.clusterArn,
      id: cluster?.clusterName,
      tags: tagMap(cluster.tags),
      status: cluster.status,
      dependsOn: [],
    }),
  );
}

/**
 * ECS services (`DescribeServices` with their tags): -> their cluster, the
 * subnets and security groups of their `awsvpc` network configuration, and
 * the target groups of their load balancers.
 */
export function mapEcsServices(
  services: EcsService[],
  scope: AwsMappingScope,
): CloudResource[] {
  return services.map(service => {
    const where = whereOf(service?.serviceArn, scope);
    const network = service.networkConfiguration?.awsvpcConfiguration;
    return serviceResource(scope, {
      nativeType: 'AWS::ECS::Service',
      label: 'an ECS service',
      arn: service?.serviceArn,
      id: service?.serviceName,
      tags: tagMap(service.tags),
      status: service.status,
      dependsOn: [
        service.clusterArn,
        ...list<{ targetGroupArn?: string }>(service.loadBalancers).map(
          balancer => balancer?.targetGroupArn,
        ),
        ...subnetIds(where, network?.subnets),
        ...securityGroupIds(where, network?.securityGroups),
      ],
    });
  });
}

/**
 * `arn:aws:sqs:<region>:<account>:<name>` of a queue URL
 * (`https://sqs.<region>.amazonaws.com/<account>/<name>`) of a region.
 */
export function queueArn(
  url: unknown,
  region: string | undefined,
): string | undefined {
  let path: string[] = [];
  try {
    path = new URL(String(url)).pathname.split('/').filter(Boolean);
  } catch {
    return undefined;
  }
  const [accountId, name] = path.slice(-2);
  return name && accountId && region
    ? buildArn('sqs', region, accountId, name)
    : undefined;
}

/** SQS queues of one region, by URL (`ListQueues`). */
export function mapQueues(
  urls: string[],
  scope: AwsMappingScope,
  tagsOf: AwsTagLookup = noTags,
): CloudResource[] {
  return urls.map(url => {
    const arn = queueArn(url, scope.region);
    return serviceResource(scope, {
      nativeType: 'AWS::SQS::Queue',
      label: 'an SQS queue',
      arn,
      id: url,
      name: parseArn(arn)?.resource,
      tags: (arn && tagsOf(arn)) || {},
      dependsOn: [],
    });
  });
}

/** SNS topics (`ListTopics`), named by the last part of their ARN. */
export function mapTopics(
  topics: Topic[],
  scope: AwsMappingScope,
  tagsOf: AwsTagLookup = noTags,
): CloudResource[] {
  return topics.map(topic => {
    const arn = topic?.TopicArn;
    const name = parseArn(arn)?.resource;
    return serviceResource(scope, {
      nativeType: 'AWS::SNS::Topic',
      label: 'an SNS topic',
      arn,
      id: name,
      tags: (arn && tagsOf(arn)) || {},
      dependsOn: [],
    });
  });
}

/** One entry of the Tagging API's `GetResources`: an ARN and its tags. */
export type AwsTagMapping = { ResourceARN?: string; Tags?: unknown };

/**
 * Resources known only by ARN and tags (`aws resourcegroupstaggingapi
 * get-resources`): typed, named and billed by what their ARN says, without
 * relations. A bucket's region is the scope's (the folder the export was
 * made for).
 */
export function mapTagMappings(
  mappings: AwsTagMapping[],
  scope: AwsMappingScope,
): CloudResource[] {
  return mappings.map(mapping => {
    const arn = mapping?.ResourceARN;
    const described = arn ? describeArn(arn) : undefined;
    if (!arn || !described) {
      throw new AwsMappingError('found a tag mapping without a ResourceARN');
    }
    const where = parseArn(arn)!;
    const region = where.region || scope.region || 'us-east-1';
    return serviceResource(scope, {
      nativeType: described.nativeType,
      label: 'a tagged resource',
      arn,
      // A queue's own id, the one its console page takes, is its URL.
      id:
        described.nativeType === 'AWS::SQS::Queue'
          ? `https://sqs.${region}.amazonaws.com/${where.accountId}/${described.id}`
          : described.id,
      name: described.name,
      region,
      tags: tagMap(mapping.Tags),
      dependsOn: [],
    });
  });
}
