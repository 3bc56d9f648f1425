import { InputError } from '@backstage/errors';
import { parseAwsInventory } from './parseAwsInventory';
import { CONFIG_ITEMS, OTHER_ACCOUNT } from './__testUtils__/configItems';
import { ACCOUNT, ARNS, SERVICE_ITEMS } from './__testUtils__/serviceWorld';
import instances from './__fixtures__/describe-instances.json';
import vpcs from './__fixtures__/describe-vpcs.json';
import subnets from './__fixtures__/describe-subnets.json';
import securityGroups from './__fixtures__/describe-security-groups.json';
import volumes from './__fixtures__/describe-volumes.json';
import networkInterfaces from './__fixtures__/describe-network-interfaces.json';
import addresses from './__fixtures__/describe-addresses.json';
import natGateways from './__fixtures__/describe-nat-gateways.json';

const ARN = 'arn:aws:ec2:eu-west-1:123456789012';
const context = {
  region: 'eu-west-1',
  accountId: '123456789012',
  source: 'inventory/aws',
};

describe('parseAwsInventory', () => {
  it('maps aws ec2 describe-instances output, leaving out terminated instances', () => {
    const resources = parseAwsInventory(instances);
    expect(resources.map(r => r.nativeId)).toEqual([
      `${ARN}:instance/i-0123abcd4567ef890`,
      `${ARN}:instance/i-0ae9b7c5d3f1a2b34`,
    ]);
    expect(resources[1]).toEqual({
      provider: 'aws',
      accountId: '123456789012',
      region: 'eu-west-1',
      type: 'ec2-instance',
      nativeId: `${ARN}:instance/i-0ae9b7c5d3f1a2b34`,
      name: 'web-1',
      tags: { Name: 'web-1', team: 'payments', system: 'checkout' },
      status: 'running',
      relations: [
        {
          type: 'dependsOn',
          targetNativeId: `${ARN}:subnet/subnet-0123456789abcdef0`,
        },
        {
          type: 'dependsOn',
          targetNativeId: `${ARN}:vpc/vpc-0a1b2c3d4e5f60001`,
        },
        {
          type: 'dependsOn',
          targetNativeId: `${ARN}:security-group/sg-0f1e2d3c4b5a69788`,
        },
        {
          type: 'dependsOn',
          targetNativeId: `${ARN}:security-group/sg-0aa11bb22cc33dd44`,
        },
      ],
      consoleUrl:
        'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#InstanceDetails:instanceId=i-0ae9b7c5d3f1a2b34',
      costResourceId: 'i-0ae9b7c5d3f1a2b34',
      annotations: {
        'amazonaws.com/arn': `${ARN}:instance/i-0ae9b7c5d3f1a2b34`,
        'amazonaws.com/account-id': '123456789012',
        'multicloud.io/public-ip': '203.0.113.25',
      },
    });
    expect(resources[0]).toMatchObject({
      name: 'i-0123abcd4567ef890',
      status: 'stopped',
      tags: {},
    });
    // No public address, no annotation.
    expect(resources[0].annotations).not.toHaveProperty([
      'multicloud.io/public-ip',
    ]);
  });

  it('maps VPCs, subnets and security groups with their relations', () => {
    const [named, defaultVpc] = parseAwsInventory(vpcs, context).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    expect(named).toMatchObject({
      type: 'vpc',
      name: 'prod-eu',
      status: 'available',
      nativeId: `${ARN}:vpc/vpc-0a1b2c3d4e5f60001`,
      costResourceId: `${ARN}:vpc/vpc-0a1b2c3d4e5f60001`,
      tags: { Name: 'prod-eu', owner: 'platform' },
      relations: [],
      consoleUrl:
        'https://eu-west-1.console.aws.amazon.com/vpcconsole/home?region=eu-west-1#VpcDetails:VpcId=vpc-0a1b2c3d4e5f60001',
    });
    expect(defaultVpc.name).toBe('vpc-06e4ab6c6cEXAMPLE');

    const [subnet] = parseAwsInventory(subnets);
    expect(subnet).toMatchObject({
      type: 'subnet',
      name: 'prod-eu-private-a',
      region: 'eu-west-1',
      nativeId: `${ARN}:subnet/subnet-0123456789abcdef0`,
      relations: [
        {
          type: 'dependsOn',
          targetNativeId: `${ARN}:vpc/vpc-0a1b2c3d4e5f60001`,
        },
      ],
      consoleUrl:
        'https://eu-west-1.console.aws.amazon.com/vpcconsole/home?region=eu-west-1#SubnetDetails:subnetId=subnet-0123456789abcdef0',
    });
    // The API's own ARN and ours agree.
    expect(subnet.nativeId).toBe(subnets.Subnets[0].SubnetArn);

    const groups = parseAwsInventory(securityGroups, context);
    const web = groups.find(g => g.nativeId.endsWith('sg-0f1e2d3c4b5a69788'))!;
    expect(web).toMatchObject({
      type: 'security-group',
      name: 'web',
      nativeId: securityGroups.SecurityGroups[0].SecurityGroupArn,
      tags: { team: 'payments' },
      relations: [
        {
          type: 'dependsOn',
          targetNativeId: `${ARN}:vpc/vpc-0a1b2c3d4e5f60001`,
        },
      ],
      consoleUrl:
        'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#SecurityGroup:groupId=sg-0f1e2d3c4b5a69788',
    });
    // HTTPS and ICMP from 0.0.0.0/0 and RDP from ::/0 are open to the
    // world; Postgres from the VPC is not.
    expect(JSON.parse(web.annotations!['multicloud.io/open-ingress'])).toEqual([
      { protocol: 'tcp', ports: '443', source: '0.0.0.0/0' },
      { protocol: 'icmp', ports: 'all', source: '0.0.0.0/0' },
      { protocol: 'tcp', ports: '3389', source: '::/0' },
    ]);
    const defaultGroup = groups.find(g => g.name === 'default')!;
    expect(defaultGroup.annotations).not.toHaveProperty([
      'multicloud.io/open-ingress',
    ]);
  });

  it('maps volumes, network interfaces, Elastic IPs and NAT gateways', () => {
    const [attached, scratch] = parseAwsInventory(volumes, context);
    expect(attached).toMatchObject({
      type: 'ebs-volume',
      name: 'vol-049df61146c4d7901',
      status: 'in-use',
      costResourceId: 'vol-049df61146c4d7901',
      relations: [
        {
          type: 'dependsOn',
          targetNativeId: `${ARN}:instance/i-0ae9b7c5d3f1a2b34`,
        },
      ],
      consoleUrl:
        'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#VolumeDetails:volumeId=vol-049df61146c4d7901',
    });
    expect(scratch).toMatchObject({
      name: 'old-scratch',
      status: 'available',
      relations: [],
    });
    expect(attached.annotations!['multicloud.io/attached']).toBe('true');
    expect(scratch.annotations!['multicloud.io/attached']).toBe('false');

    const enis = parseAwsInventory(networkInterfaces);
    expect(
      enis.map(e => [e.name, e.status, e.relations.map(r => r.targetNativeId)]),
    ).toEqual([
      ['nat-eni', 'in-use', [`${ARN}:subnet/subnet-0123456789abcdef0`]],
      [
        'eni-0c9d8e7f6a5b4c3d2',
        'in-use',
        [
          `${ARN}:subnet/subnet-0123456789abcdef0`,
          `${ARN}:instance/i-0ae9b7c5d3f1a2b34`,
        ],
      ],
    ]);
    expect(enis[1]).toMatchObject({
      type: 'network-interface',
      costResourceId: `${ARN}:network-interface/eni-0c9d8e7f6a5b4c3d2`,
    });

    const eips = parseAwsInventory(addresses, { accountId: '123456789012' });
    expect(eips).toEqual([
      expect.objectContaining({
        name: 'old-ingress',
        relations: [],
        annotations: expect.objectContaining({
          'multicloud.io/attached': 'false',
          'multicloud.io/public-ip': '198.51.100.99',
        }),
      }),
      expect.objectContaining({
        type: 'elastic-ip',
        name: 'egress-ip',
        region: 'eu-west-1',
        nativeId: `${ARN}:elastic-ip/eipalloc-0f9e8d7c6b5a43210`,
        costResourceId: `${ARN}:elastic-ip/eipalloc-0f9e8d7c6b5a43210`,
        relations: [
          {
            type: 'dependsOn',
            targetNativeId: `${ARN}:network-interface/eni-0a7b8c9d0e1f2a3b4`,
          },
        ],
        consoleUrl:
          'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#ElasticIpDetails:AllocationId=eipalloc-0f9e8d7c6b5a43210',
        annotations: expect.objectContaining({
          'multicloud.io/attached': 'true',
          'multicloud.io/public-ip': '198.51.100.7',
        }),
      }),
      expect.objectContaining({
        name: '203.0.113.25',
        relations: [
          {
            type: 'dependsOn',
            targetNativeId: `${ARN}:instance/i-0ae9b7c5d3f1a2b34`,
          },
        ],
      }),
    ]);

    const nats = parseAwsInventory(natGateways, context);
    expect(nats).toEqual([
      expect.objectContaining({
        type: 'nat-gateway',
        name: 'prod-eu-egress',
        status: 'available',
        nativeId: `${ARN}:natgateway/nat-05dba92075d71c408`,
        costResourceId: `${ARN}:natgateway/nat-05dba92075d71c408`,
        relations: [
          {
            type: 'dependsOn',
            targetNativeId: `${ARN}:subnet/subnet-0123456789abcdef0`,
          },
        ],
        consoleUrl:
          'https://eu-west-1.console.aws.amazon.com/vpcconsole/home?region=eu-west-1#NatGatewayDetails:natGatewayId=nat-05dba92075d71c408',
        annotations: expect.objectContaining({
          'multicloud.io/public-ip': '198.51.100.7',
        }),
      }),
    ]);
  });

  it('derives the region of local zones and other partitions', () => {
    const [localZone] = parseAwsInventory({
      Subnets: [
        {
          SubnetId: 'subnet-1',
          OwnerId: '123456789012',
          AvailabilityZone: 'us-west-2-lax-1a',
        },
      ],
    });
    expect(localZone.region).toBe('us-west-2');
    const china = parseAwsInventory({
      Subnets: [
        {
          SubnetId: 'subnet-2',
          OwnerId: '123456789012',
          AvailabilityZone: 'cn-north-1a',
        },
      ],
    });
    expect(china[0].nativeId).toBe(
      'arn:aws-cn:ec2:cn-north-1:123456789012:subnet/subnet-2',
    );
    expect(china[0].consoleUrl).toBe(
      'https://console.amazonaws.cn/vpcconsole/home?region=cn-north-1#SubnetDetails:subnetId=subnet-2',
    );
  });

  it('points relations at resources shared from another account', () => {
    const resources = parseAwsInventory({
      Reservations: [
        {
          OwnerId: '111111111111',
          Instances: [
            {
              InstanceId: 'i-1',
              Placement: { AvailabilityZone: 'eu-west-1a' },
              SubnetId: 'subnet-shared',
            },
          ],
        },
      ],
      Subnets: [
        {
          SubnetId: 'subnet-shared',
          OwnerId: '222222222222',
          AvailabilityZone: 'eu-west-1a',
        },
      ],
    });
    expect(resources[0].relations).toEqual([
      {
        type: 'dependsOn',
        targetNativeId:
          'arn:aws:ec2:eu-west-1:222222222222:subnet/subnet-shared',
      },
    ]);
  });

  it('names the source when the account or region is missing', () => {
    expect(() =>
      parseAwsInventory(volumes, {
        region: 'eu-west-1',
        source: 'inv/volumes.json',
      }),
    ).toThrow(
      new InputError(
        'inv/volumes.json: volume vol-049df61146c4d7901 has no OwnerId and no account id was given',
      ),
    );
    expect(() => parseAwsInventory(vpcs, { source: 'inv/vpcs.json' })).toThrow(
      'inv/vpcs.json: VPC vpc-0a1b2c3d4e5f60001 has no availability zone and no region was given',
    );
  });

  it('rejects output it does not understand', () => {
    expect(() => parseAwsInventory([], { source: 'a.json' })).toThrow(
      InputError,
    );
    expect(() =>
      parseAwsInventory({ LoadBalancerDescriptions: [] }, { source: 'a.json' }),
    ).toThrow(
      /a.json: not the output of a supported "aws" command; expected one of the keys Reservations, Vpcs, .*Results, ResourceTagMappingList/,
    );
    expect(() => parseAwsInventory({ Vpcs: {} }, context)).toThrow(
      'inventory/aws: "Vpcs" is not a list',
    );
    expect(() =>
      parseAwsInventory({ Vpcs: [{ CidrBlock: '10.0.0.0/16' }] }, context),
    ).toThrow('inventory/aws: found a VPC without VpcId');
  });

  it('maps the export of aws configservice select-aggregate-resource-config, results as JSON strings', () => {
    const resources = parseAwsInventory(
      {
        Results: CONFIG_ITEMS.map(item => JSON.stringify(item)),
        QueryInfo: { SelectFields: [{ Name: '*' }] },
      },
      { source: 'inventory/aws/config.json' },
    );
    const found = new Map(resources.map(r => [r.nativeId, r]));

    expect(resources).toHaveLength(13);
    expect(found.get(ARNS.ordersDb)).toMatchObject({
      type: 'rds-instance',
      status: 'available',
      relations: [
        { type: 'dependsOn', targetNativeId: ARNS.subnetGroup },
        { type: 'dependsOn', targetNativeId: ARNS.securityGroup },
      ],
    });
    expect(found.get(ARNS.eks)!.type).toBe('kubernetes-cluster');
    expect(resources.find(r => r.type === 'sqs-queue')!.accountId).toBe(
      OTHER_ACCOUNT,
    );
    expect(() =>
      parseAwsInventory(
        { Results: ['{"resourceType":'] },
        { source: 'c.json' },
      ),
    ).toThrow('c.json: a Config result is not a JSON object');
  });

  it('maps the export of aws resourcegroupstaggingapi get-resources by what each ARN names', () => {
    const resources = parseAwsInventory(
      {
        ResourceTagMappingList: [
          {
            ResourceARN: 'arn:aws:dynamodb:eu-west-1:123456789012:table/carts',
            Tags: [{ Key: 'team', Value: 'checkout' }],
          },
          {
            ResourceARN: 'arn:aws:s3:::orders-exports',
            Tags: [{ Key: 'Name', Value: 'Order exports' }],
          },
          {
            ResourceARN:
              'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188',
            Tags: [],
          },
          {
            ResourceARN: 'arn:aws:sqs:eu-west-1:123456789012:orders',
            Tags: [{ Key: 'team', Value: 'checkout' }],
          },
          {
            ResourceARN:
              'arn:aws:ec2:eu-west-1:123456789012:instance/i-0ae9b7c5d3f1a2b34',
            Tags: [{ Key: 'Name', Value: 'web-1' }],
          },
          {
            ResourceARN: 'arn:aws:kinesis:eu-west-1:123456789012:stream/clicks',
            Tags: [{ Key: 'team', Value: 'data' }],
          },
        ],
      },
      context,
    );

    expect(
      resources.map(r => [r.type, r.name, r.region, r.costResourceId]),
    ).toEqual([
      [
        'dynamodb-table',
        'carts',
        'eu-west-1',
        'arn:aws:dynamodb:eu-west-1:123456789012:table/carts',
      ],
      ['ec2-instance', 'web-1', 'eu-west-1', 'i-0ae9b7c5d3f1a2b34'],
      [
        'load-balancer',
        'web',
        'eu-west-1',
        'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188',
      ],
      [
        'kinesis-stream',
        'clicks',
        'eu-west-1',
        'arn:aws:kinesis:eu-west-1:123456789012:stream/clicks',
      ],
      ['s3-bucket', 'Order exports', 'eu-west-1', 'orders-exports'],
      [
        'sqs-queue',
        'orders',
        'eu-west-1',
        'arn:aws:sqs:eu-west-1:123456789012:orders',
      ],
    ]);
    expect(resources.find(r => r.type === 'sqs-queue')!.consoleUrl).toBe(
      'https://eu-west-1.console.aws.amazon.com/sqs/v3/home?region=eu-west-1#/queues/https%3A%2F%2Fsqs.eu-west-1.amazonaws.com%2F123456789012%2Forders',
    );
  });

  it('maps the listings of the other services the live source reads', () => {
    const items = (kind: string) =>
      SERVICE_ITEMS[`${ACCOUNT}/us-east-1/${kind}`];
    const scope = { accountId: ACCOUNT, region: 'us-east-1' };
    const typesOf = (json: unknown) =>
      parseAwsInventory(json, scope).map(r => r.type);

    expect(typesOf({ DBInstances: items('rds-instances') })).toEqual([
      'rds-instance',
      'rds-instance',
    ]);
    expect(typesOf({ DBClusters: items('rds-clusters') })).toEqual([
      'rds-cluster',
    ]);
    expect(typesOf({ DBSubnetGroups: items('rds-subnet-groups') })).toEqual([
      'rds-subnet-group',
    ]);
    expect(
      typesOf({
        Buckets: SERVICE_ITEMS[`${ACCOUNT}/global/s3-buckets`],
        Owner: {},
      }),
    ).toEqual(['s3-bucket', 's3-bucket', 's3-bucket']);
    expect(typesOf({ Functions: items('lambda-functions') })).toEqual([
      'lambda-function',
      'lambda-function',
    ]);
    expect(typesOf({ cluster: items('eks-clusters')[0] })).toEqual([
      'kubernetes-cluster',
    ]);
    expect(typesOf({ LoadBalancers: items('load-balancers') })).toEqual([
      'load-balancer',
    ]);
    expect(typesOf({ TargetGroups: items('target-groups') })).toEqual([
      'target-group',
    ]);
    expect(typesOf({ TableNames: ['carts', 'orders'] })).toEqual([
      'dynamodb-table',
      'dynamodb-table',
    ]);
    expect(typesOf({ CacheClusters: items('elasticache-clusters') })).toEqual([
      'elasticache-cluster',
    ]);
    expect(typesOf({ clusters: items('ecs-clusters'), failures: [] })).toEqual([
      'ecs-cluster',
    ]);
    expect(typesOf({ services: items('ecs-services'), failures: [] })).toEqual([
      'ecs-service',
    ]);
    expect(
      typesOf({ QueueUrls: items('sqs-queues').map(q => q.QueueUrl) }),
    ).toEqual(['sqs-queue']);
    expect(typesOf({ Topics: items('sns-topics') })).toEqual(['sns-topic']);
    // `eks list-clusters` names clusters only: not an inventory.
    expect(() => parseAwsInventory({ clusters: ['prod-eks'] }, scope)).toThrow(
      InputError,
    );
  });
});
