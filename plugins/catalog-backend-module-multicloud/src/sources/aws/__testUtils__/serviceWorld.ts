/*
 * One account's resources of every service the AWS source reads, as each
 * service's API answers them, for the tests of the listers and of the
 * Config path: a checkout system with its database, cache, queue, topic,
 * bucket, functions, EKS cluster, load balancer and ECS service, in one VPC.
 */
import { tagSet } from '../../../testUtils/fakeEc2Server';
import { FakeAwsWorld, worldOf } from '../../../testUtils/fakeAwsServer';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
const at = `${REGION}:${ACCOUNT}`;

/** Native ids (ARNs) of the world's resources. */
export const ARNS = {
  vpc: `arn:aws:ec2:${at}:vpc/vpc-1`,
  subnet1: `arn:aws:ec2:${at}:subnet/subnet-1`,
  subnet2: `arn:aws:ec2:${at}:subnet/subnet-2`,
  securityGroup: `arn:aws:ec2:${at}:security-group/sg-1`,
  instanceA: `arn:aws:ec2:${at}:instance/i-0aaa`,
  instanceB: `arn:aws:ec2:${at}:instance/i-0bbb`,
  ordersDb: `arn:aws:rds:${at}:db:orders-db`,
  reportsDb: `arn:aws:rds:${at}:db:reports-db-1`,
  reportsCluster: `arn:aws:rds:${at}:cluster:reports`,
  subnetGroup: `arn:aws:rds:${at}:subgrp:orders-subnets`,
  exportsBucket: 'arn:aws:s3:::orders-exports',
  archiveBucket: 'arn:aws:s3:::eu-archive',
  logsBucket: 'arn:aws:s3:::legacy-logs',
  checkoutFunction: `arn:aws:lambda:${at}:function:checkout-webhook`,
  thumbnailFunction: `arn:aws:lambda:${at}:function:thumbnails`,
  eks: `arn:aws:eks:${at}:cluster/prod-eks`,
  loadBalancer: `arn:aws:elasticloadbalancing:${at}:loadbalancer/app/web/50dc6c495c0c9188`,
  targetGroup: `arn:aws:elasticloadbalancing:${at}:targetgroup/web-tg/6d0ecf831eec9f09`,
  table: `arn:aws:dynamodb:${at}:table/carts`,
  cache: `arn:aws:elasticache:${at}:cluster:sessions-001`,
  ecsCluster: `arn:aws:ecs:${at}:cluster/prod`,
  ecsService: `arn:aws:ecs:${at}:service/prod/checkout`,
  queue: `arn:aws:sqs:${at}:orders`,
  topic: `arn:aws:sns:${at}:order-events`,
};

const tags = (values: Record<string, string>) =>
  Object.entries(values).map(([Key, Value]) => ({ Key, Value }));

/** The EC2 items the other services point at. */
const EC2_ITEMS = {
  vpcs: [
    `<vpcId>vpc-1</vpcId><ownerId>${ACCOUNT}</ownerId><state>available</state>${tagSet(
      { Name: 'shop' },
    )}`,
  ],
  subnets: ['subnet-1', 'subnet-2'].map(
    (id, i) =>
      `<subnetId>${id}</subnetId><vpcId>vpc-1</vpcId><ownerId>${ACCOUNT}</ownerId>` +
      `<availabilityZone>us-east-1${
        'ab'[i]
      }</availabilityZone><state>available</state>`,
  ),
  'security-groups': [
    `<ownerId>${ACCOUNT}</ownerId><groupId>sg-1</groupId><groupName>web</groupName><vpcId>vpc-1</vpcId>`,
  ],
  instances: [
    `<ownerId>${ACCOUNT}</ownerId><instancesSet>${['i-0aaa', 'i-0bbb']
      .map(
        id =>
          `<item><instanceId>${id}</instanceId><instanceState><code>16</code><name>running</name></instanceState>` +
          `<placement><availabilityZone>us-east-1a</availabilityZone></placement>` +
          `<subnetId>subnet-1</subnetId><vpcId>vpc-1</vpcId></item>`,
      )
      .join('')}</instancesSet>`,
  ],
};

const SUBNET_GROUP = {
  DBSubnetGroupName: 'orders-subnets',
  VpcId: 'vpc-1',
  SubnetGroupStatus: 'Complete',
  Subnets: [{ SubnetIdentifier: 'subnet-1' }, { SubnetIdentifier: 'subnet-2' }],
};

/** The items of each service, keyed as {@link worldOf} takes them. */
export const SERVICE_ITEMS: Record<string, any[]> = {
  ...Object.fromEntries(
    Object.entries(EC2_ITEMS).map(([kind, items]) => [
      `${ACCOUNT}/${REGION}/${kind}`,
      items,
    ]),
  ),
  [`${ACCOUNT}/${REGION}/rds-instances`]: [
    {
      DBInstanceIdentifier: 'orders-db',
      DBInstanceArn: ARNS.ordersDb,
      DBInstanceClass: 'db.r6g.large',
      Engine: 'postgres',
      DBInstanceStatus: 'available',
      PubliclyAccessible: false,
      AvailabilityZone: 'us-east-1a',
      DBSubnetGroup: SUBNET_GROUP,
      VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-1', Status: 'active' }],
      TagList: tags({ team: 'checkout', component: 'orders-api' }),
    },
    {
      DBInstanceIdentifier: 'reports-db-1',
      DBInstanceArn: ARNS.reportsDb,
      DBInstanceClass: 'db.r6g.large',
      Engine: 'aurora-postgresql',
      DBInstanceStatus: 'available',
      PubliclyAccessible: true,
      DBClusterIdentifier: 'reports',
      DBSubnetGroup: SUBNET_GROUP,
      VpcSecurityGroups: [],
      TagList: [],
    },
  ],
  [`${ACCOUNT}/${REGION}/rds-clusters`]: [
    {
      DBClusterIdentifier: 'reports',
      DBClusterArn: ARNS.reportsCluster,
      Engine: 'aurora-postgresql',
      Status: 'available',
      DBSubnetGroup: 'orders-subnets',
      VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-1', Status: 'active' }],
      TagList: tags({ team: 'data' }),
    },
  ],
  [`${ACCOUNT}/${REGION}/rds-subnet-groups`]: [
    {
      ...SUBNET_GROUP,
      DBSubnetGroupArn: ARNS.subnetGroup,
      DBSubnetGroupDescription: 'orders',
      Tags: tags({ owner: 'platform-team' }),
    },
  ],
  [`${ACCOUNT}/global/s3-buckets`]: [
    {
      Name: 'orders-exports',
      BucketRegion: 'us-east-1',
      Tags: tags({ team: 'checkout', 'cost-center': 'cc-42' }),
    },
    {
      Name: 'eu-archive',
      BucketRegion: 'eu-west-1',
      Tags: tags({ team: 'data' }),
    },
    // An answer without the bucket's region: found with GetBucketLocation.
    { Name: 'legacy-logs', Region: 'eu-west-1' },
  ],
  [`${ACCOUNT}/${REGION}/lambda-functions`]: [
    {
      FunctionName: 'checkout-webhook',
      FunctionArn: ARNS.checkoutFunction,
      Runtime: 'nodejs20.x',
      VpcConfig: {
        SubnetIds: ['subnet-1', 'subnet-2'],
        SecurityGroupIds: ['sg-1'],
        VpcId: 'vpc-1',
      },
      Tags: tags({ team: 'checkout', Name: 'Checkout webhook' }),
    },
    {
      FunctionName: 'thumbnails',
      FunctionArn: ARNS.thumbnailFunction,
      Runtime: 'python3.12',
    },
  ],
  [`${ACCOUNT}/${REGION}/eks-clusters`]: [
    {
      name: 'prod-eks',
      arn: ARNS.eks,
      version: '1.30',
      status: 'ACTIVE',
      endpoint: 'https://B3C2F1A0.gr7.us-east-1.eks.amazonaws.com',
      certificateAuthority: { data: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t' },
      resourcesVpcConfig: {
        vpcId: 'vpc-1',
        subnetIds: ['subnet-1', 'subnet-2'],
        securityGroupIds: ['sg-1'],
        endpointPublicAccess: true,
      },
      tags: { team: 'platform' },
    },
  ],
  [`${ACCOUNT}/${REGION}/load-balancers`]: [
    {
      LoadBalancerArn: ARNS.loadBalancer,
      LoadBalancerName: 'web',
      DNSName: 'web-1234567890.us-east-1.elb.amazonaws.com',
      Scheme: 'internet-facing',
      VpcId: 'vpc-1',
      State: { Code: 'active' },
      Type: 'application',
      AvailabilityZones: [
        { ZoneName: 'us-east-1a', SubnetId: 'subnet-1' },
        { ZoneName: 'us-east-1b', SubnetId: 'subnet-2' },
      ],
      SecurityGroups: ['sg-1'],
      Tags: tags({ team: 'checkout' }),
    },
  ],
  [`${ACCOUNT}/${REGION}/target-groups`]: [
    {
      TargetGroupArn: ARNS.targetGroup,
      TargetGroupName: 'web-tg',
      Protocol: 'HTTP',
      Port: 80,
      VpcId: 'vpc-1',
      TargetType: 'instance',
      LoadBalancerArns: [ARNS.loadBalancer],
      Tags: tags({ team: 'checkout' }),
    },
  ],
  [`${ACCOUNT}/${REGION}/dynamodb-tables`]: [
    { TableName: 'carts', Tags: tags({ team: 'checkout' }) },
  ],
  [`${ACCOUNT}/${REGION}/elasticache-clusters`]: [
    {
      CacheClusterId: 'sessions-001',
      ARN: ARNS.cache,
      CacheClusterStatus: 'available',
      Engine: 'redis',
      CacheNodeType: 'cache.t4g.small',
      SecurityGroups: [{ SecurityGroupId: 'sg-1', Status: 'active' }],
      Tags: tags({ team: 'checkout' }),
    },
  ],
  [`${ACCOUNT}/${REGION}/ecs-clusters`]: [
    {
      clusterArn: ARNS.ecsCluster,
      clusterName: 'prod',
      status: 'ACTIVE',
      tags: [{ key: 'team', value: 'platform' }],
    },
  ],
  [`${ACCOUNT}/${REGION}/ecs-services`]: [
    {
      serviceArn: ARNS.ecsService,
      serviceName: 'checkout',
      clusterArn: ARNS.ecsCluster,
      status: 'ACTIVE',
      launchType: 'FARGATE',
      desiredCount: 2,
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-2'],
          securityGroups: ['sg-1'],
        },
      },
      loadBalancers: [
        {
          targetGroupArn: ARNS.targetGroup,
          containerName: 'app',
          containerPort: 8080,
        },
      ],
      tags: [{ key: 'component', value: 'checkout-api' }],
    },
  ],
  [`${ACCOUNT}/${REGION}/sqs-queues`]: [
    {
      QueueUrl: `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/orders`,
      Tags: tags({ team: 'checkout' }),
    },
  ],
  [`${ACCOUNT}/${REGION}/sns-topics`]: [
    { TopicArn: ARNS.topic, Tags: tags({ team: 'checkout' }) },
  ],
};

/** The world of {@link SERVICE_ITEMS}: one account, read in us-east-1. */
export function serviceWorld(
  overrides: Partial<Parameters<typeof worldOf>[0]> = {},
): FakeAwsWorld {
  return worldOf({
    defaultAccount: ACCOUNT,
    regions: [REGION],
    items: SERVICE_ITEMS,
    targets: { [ARNS.targetGroup]: ['i-0aaa', 'i-0bbb'] },
    ...overrides,
  });
}
