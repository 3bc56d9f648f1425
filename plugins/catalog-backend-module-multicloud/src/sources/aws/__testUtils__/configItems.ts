/*
 * What AWS Config's advanced query (`SELECT *, tags, configuration,
 * relationships`) returns for resources of the service world, in Config's
 * own shape: the configuration as the AWS SDK for Java serialises the
 * service's answer, tags as `{key, value}`, and relationships.
 */
import { ACCOUNT, ARNS, REGION } from './serviceWorld';

export const OTHER_ACCOUNT = '444455556666';

const tags = (values: Record<string, string>) =>
  Object.entries(values).map(([key, value]) => ({
    key,
    value,
    tag: `${key}=${value}`,
  }));

const item = (
  resourceType: string,
  resourceId: string,
  fields: Record<string, unknown> = {},
) => ({
  version: '1.3',
  accountId: ACCOUNT,
  configurationItemCaptureTime: '2025-05-30T07:55:12.000Z',
  configurationItemStatus: 'OK',
  configurationStateId: '1748591712000',
  resourceId,
  resourceName: resourceId,
  resourceType,
  awsRegion: REGION,
  availabilityZone: 'Not Applicable',
  resourceCreationTime: '2024-11-05T14:22:31.000Z',
  tags: [],
  relationships: [],
  configuration: {},
  ...fields,
});

const rel = (resourceType: string, resourceId: string, name: string) => ({
  resourceType,
  resourceId,
  name,
});

export const CONFIG_ITEMS = [
  item('AWS::EC2::VPC', 'vpc-1', {
    arn: ARNS.vpc,
    tags: tags({ Name: 'shop' }),
    configuration: { vpcId: 'vpc-1', state: 'available', ownerId: ACCOUNT },
    relationships: [rel('AWS::EC2::Subnet', 'subnet-1', 'Contains Subnet')],
  }),
  item('AWS::EC2::Subnet', 'subnet-1', {
    arn: ARNS.subnet1,
    availabilityZone: 'us-east-1a',
    configuration: {
      subnetId: 'subnet-1',
      vpcId: 'vpc-1',
      availabilityZone: 'us-east-1a',
      state: 'available',
    },
    relationships: [rel('AWS::EC2::VPC', 'vpc-1', 'Is contained in Vpc')],
  }),
  item('AWS::EC2::SecurityGroup', 'sg-1', {
    arn: ARNS.securityGroup,
    resourceName: 'web',
    configuration: {
      groupId: 'sg-1',
      groupName: 'web',
      vpcId: 'vpc-1',
      ipPermissions: [
        {
          ipProtocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          ipv4Ranges: [{ cidrIp: '0.0.0.0/0' }],
          ipRanges: ['0.0.0.0/0'],
          ipv6Ranges: [],
        },
        {
          ipProtocol: 'tcp',
          fromPort: 5432,
          toPort: 5432,
          ipRanges: ['0.0.0.0/0'],
        },
      ],
    },
  }),
  item('AWS::EC2::Instance', 'i-0aaa', {
    arn: ARNS.instanceA,
    availabilityZone: 'us-east-1a',
    tags: tags({ Name: 'web-1', team: 'checkout' }),
    configuration: {
      instanceId: 'i-0aaa',
      state: { code: 16, name: 'running' },
      placement: { availabilityZone: 'us-east-1a' },
      publicIpAddress: '203.0.113.10',
      subnetId: 'subnet-1',
      vpcId: 'vpc-1',
      securityGroups: [{ groupId: 'sg-1', groupName: 'web' }],
    },
    relationships: [
      rel('AWS::EC2::Volume', 'vol-1', 'Is attached to Volume'),
      rel('AWS::EC2::Subnet', 'subnet-1', 'Is contained in Subnet'),
    ],
  }),
  item('AWS::EC2::Instance', 'i-0old', {
    configuration: {
      instanceId: 'i-0old',
      state: { code: 48, name: 'terminated' },
      placement: { availabilityZone: 'us-east-1a' },
    },
  }),
  item('AWS::EC2::Volume', 'vol-1', {
    availabilityZone: 'us-east-1a',
    configuration: {
      volumeId: 'vol-1',
      state: 'in-use',
      availabilityZone: 'us-east-1a',
      attachments: [{ instanceId: 'i-0aaa', state: 'attached' }],
    },
  }),
  item('AWS::RDS::DBInstance', 'db-ABCDEFGHIJKLMNOP', {
    resourceName: 'orders-db',
    arn: ARNS.ordersDb,
    tags: tags({ team: 'checkout', component: 'orders-api' }),
    configuration: {
      dBInstanceIdentifier: 'orders-db',
      dBInstanceArn: ARNS.ordersDb,
      dBInstanceStatus: 'available',
      engine: 'postgres',
      publiclyAccessible: false,
      dBSubnetGroup: { dBSubnetGroupName: 'orders-subnets', vpcId: 'vpc-1' },
      vpcSecurityGroups: [{ vpcSecurityGroupId: 'sg-1', status: 'active' }],
    },
  }),
  item('AWS::RDS::DBSubnetGroup', 'orders-subnets', {
    arn: ARNS.subnetGroup,
    configuration: {
      dBSubnetGroupName: 'orders-subnets',
      dBSubnetGroupArn: ARNS.subnetGroup,
      vpcId: 'vpc-1',
      subnetGroupStatus: 'Complete',
    },
  }),
  item('AWS::S3::Bucket', 'orders-exports', {
    arn: ARNS.exportsBucket,
    tags: tags({ team: 'checkout', 'cost-center': 'cc-42' }),
    configuration: { name: 'orders-exports' },
  }),
  item('AWS::Lambda::Function', 'checkout-webhook', {
    arn: ARNS.checkoutFunction,
    tags: tags({ team: 'checkout', Name: 'Checkout webhook' }),
    configuration: {
      functionName: 'checkout-webhook',
      functionArn: ARNS.checkoutFunction,
      runtime: 'nodejs20.x',
      vpcConfig: {
        subnetIds: ['subnet-1', 'subnet-2'],
        securityGroupIds: ['sg-1'],
      },
    },
  }),
  // Config records EKS clusters in CloudFormation's shape.
  item('AWS::EKS::Cluster', 'prod-eks', {
    arn: ARNS.eks,
    tags: tags({ team: 'platform' }),
    configuration: {
      Name: 'prod-eks',
      Arn: ARNS.eks,
      Endpoint: 'https://B3C2F1A0.gr7.us-east-1.eks.amazonaws.com',
      CertificateAuthorityData: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t',
      ResourcesVpcConfig: {
        SubnetIds: ['subnet-1', 'subnet-2'],
        SecurityGroupIds: ['sg-1'],
      },
    },
  }),
  // No mapper of its own: Config's fields and relationships.
  item('AWS::ElasticLoadBalancingV2::LoadBalancer', ARNS.loadBalancer, {
    resourceName: 'web',
    arn: ARNS.loadBalancer,
    tags: tags({ team: 'checkout' }),
    relationships: [
      rel('AWS::EC2::VPC', 'vpc-1', 'Is contained in Vpc'),
      rel(
        'AWS::EC2::SecurityGroup',
        'sg-1',
        'Is associated with SecurityGroup',
      ),
      rel('AWS::EC2::Subnet', 'subnet-1', 'Is contained in Subnet'),
    ],
  }),
  item('AWS::KMS::Key', '0a1b2c3d-1111-2222-3333-444455556666', {
    resourceName: undefined,
    arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/0a1b2c3d-1111-2222-3333-444455556666`,
    tags: tags({ team: 'security' }),
    relationships: [
      // Resolved by resource name, among the items of the query.
      {
        resourceType: 'AWS::Lambda::Function',
        resourceName: 'checkout-webhook',
        name: 'Is associated with Function',
      },
    ],
  }),
  item(
    'AWS::SQS::Queue',
    `https://sqs.eu-west-1.amazonaws.com/${OTHER_ACCOUNT}/refunds`,
    {
      accountId: OTHER_ACCOUNT,
      awsRegion: 'eu-west-1',
      resourceName: 'refunds',
      arn: `arn:aws:sqs:eu-west-1:${OTHER_ACCOUNT}:refunds`,
      tags: tags({ team: 'payments' }),
    },
  ),
  // Config's bookkeeping and deleted resources are no entities.
  item('AWS::Config::ResourceCompliance', 'AWS::EC2::Instance/i-0aaa', {}),
  item('AWS::SNS::Topic', ARNS.topic, {
    arn: ARNS.topic,
    configurationItemStatus: 'ResourceDeleted',
  }),
];
