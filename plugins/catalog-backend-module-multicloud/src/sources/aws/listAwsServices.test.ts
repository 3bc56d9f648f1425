import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import { Listing } from '../../testUtils/localServer';
import { createAwsSource } from './createAwsSource';
import {
  accessDenied,
  AwsReply,
  AwsRequest,
  endpointsOf,
  FakeAwsKind,
  FakeAwsServer,
  serveAwsWorld,
  startFakeAwsServer,
  throttled,
} from '../../testUtils/fakeAwsServer';
import {
  ACCOUNT,
  ARNS,
  REGION,
  serviceWorld,
} from './__testUtils__/serviceWorld';

const MAIN_ACCOUNT = {
  aws: {
    mainAccount: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' },
  },
};

describe('the per-service listers', () => {
  let server: FakeAwsServer | undefined;
  const logger = mockServices.logger.mock();

  afterEach(async () => {
    await server?.close();
    server = undefined;
    jest.clearAllMocks();
  });

  async function start(reply: (request: AwsRequest) => AwsReply) {
    server = await startFakeAwsServer(reply);
    return server;
  }

  function awsSource(config: JsonObject = {}) {
    return createAwsSource({
      id: 'prod',
      logger,
      config: new ConfigReader({
        type: 'aws',
        regions: [REGION],
        endpoints: endpointsOf(server!.endpoint),
        ...config,
      }),
      rootConfig: new ConfigReader(MAIN_ACCOUNT),
      retryBaseDelayMs: 1,
    });
  }

  const byId = (resources: CloudResource[]) =>
    new Map(resources.map(r => [r.nativeId, r]));
  const targetsOf = (resource: CloudResource | undefined) =>
    resource!.relations.map(r => r.targetNativeId);

  it('maps every service with its tags, relations, cost ids and console links', async () => {
    await start(serveAwsWorld(serviceWorld()));
    const resources = (await awsSource().readResources()).resources;
    const found = byId(resources);

    expect(
      resources
        .filter(r => !r.nativeId.startsWith('arn:aws:ec2:'))
        .map(r => [r.type, r.name]),
    ).toEqual([
      ['dynamodb-table', 'carts'],
      ['ecs-cluster', 'prod'],
      ['ecs-service', 'checkout'],
      ['kubernetes-cluster', 'prod-eks'],
      ['elasticache-cluster', 'sessions-001'],
      ['load-balancer', 'web'],
      ['target-group', 'web-tg'],
      ['lambda-function', 'Checkout webhook'],
      ['lambda-function', 'thumbnails'],
      ['rds-cluster', 'reports'],
      ['rds-instance', 'orders-db'],
      ['rds-instance', 'reports-db-1'],
      ['rds-subnet-group', 'orders-subnets'],
      ['s3-bucket', 'eu-archive'],
      ['s3-bucket', 'legacy-logs'],
      ['s3-bucket', 'orders-exports'],
      ['sns-topic', 'order-events'],
      ['sqs-queue', 'orders'],
    ]);

    expect(found.get(ARNS.ordersDb)).toEqual({
      provider: 'aws',
      accountId: ACCOUNT,
      region: REGION,
      type: 'rds-instance',
      nativeId: ARNS.ordersDb,
      name: 'orders-db',
      tags: { team: 'checkout', component: 'orders-api' },
      status: 'available',
      relations: [
        { type: 'dependsOn', targetNativeId: ARNS.subnetGroup },
        { type: 'dependsOn', targetNativeId: ARNS.securityGroup },
      ],
      consoleUrl:
        'https://us-east-1.console.aws.amazon.com/rds/home?region=us-east-1#database:id=orders-db;is-cluster=false',
      costResourceId: ARNS.ordersDb,
      annotations: {
        'amazonaws.com/arn': ARNS.ordersDb,
        'amazonaws.com/account-id': ACCOUNT,
      },
      sourcePart: `services:${ACCOUNT}:${REGION}:rds-instances`,
    });
    // RDS -> subnet group -> VPC; an Aurora instance -> its cluster.
    expect(targetsOf(found.get(ARNS.subnetGroup))).toEqual([ARNS.vpc]);
    expect(found.get(ARNS.subnetGroup)!.tags).toEqual({
      owner: 'platform-team',
    });
    expect(targetsOf(found.get(ARNS.reportsDb))).toEqual([
      ARNS.subnetGroup,
      ARNS.reportsCluster,
    ]);
    expect(found.get(ARNS.reportsDb)!.annotations).toMatchObject({
      'multicloud.io/public-ip': 'true',
    });
    expect(targetsOf(found.get(ARNS.reportsCluster))).toEqual([
      ARNS.subnetGroup,
      ARNS.securityGroup,
    ]);

    // S3: global, each bucket in its region, billed by its name.
    expect(found.get(ARNS.exportsBucket)).toMatchObject({
      region: 'us-east-1',
      accountId: ACCOUNT,
      costResourceId: 'orders-exports',
      tags: { team: 'checkout', 'cost-center': 'cc-42' },
      consoleUrl:
        'https://s3.console.aws.amazon.com/s3/buckets/orders-exports?region=us-east-1',
    });
    expect(found.get(ARNS.archiveBucket)).toMatchObject({
      region: 'eu-west-1',
      tags: { team: 'data' },
    });
    expect(found.get(ARNS.logsBucket)).toMatchObject({
      region: 'eu-west-1',
      tags: {},
    });

    // Lambda -> subnets and security groups.
    expect(found.get(ARNS.checkoutFunction)).toMatchObject({
      costResourceId: ARNS.checkoutFunction,
      tags: { team: 'checkout', Name: 'Checkout webhook' },
      consoleUrl:
        'https://us-east-1.console.aws.amazon.com/lambda/home?region=us-east-1#/functions/checkout-webhook',
    });
    expect(targetsOf(found.get(ARNS.checkoutFunction))).toEqual([
      ARNS.subnet1,
      ARNS.subnet2,
      ARNS.securityGroup,
    ]);
    expect(targetsOf(found.get(ARNS.thumbnailFunction))).toEqual([]);

    // EKS: a kubernetes-cluster the Kubernetes plugin's catalog locator reads.
    expect(found.get(ARNS.eks)).toMatchObject({
      type: 'kubernetes-cluster',
      status: 'ACTIVE',
      tags: { team: 'platform' },
      costResourceId: ARNS.eks,
      annotations: {
        'kubernetes.io/api-server':
          'https://B3C2F1A0.gr7.us-east-1.eks.amazonaws.com',
        'kubernetes.io/api-server-certificate-authority':
          'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t',
        'kubernetes.io/auth-provider': 'aws',
        'kubernetes.io/x-k8s-aws-id': 'prod-eks',
      },
    });
    expect(targetsOf(found.get(ARNS.eks))).toEqual([
      ARNS.vpc,
      ARNS.subnet1,
      ARNS.subnet2,
    ]);

    // Load balancer -> target group -> instances.
    expect(found.get(ARNS.loadBalancer)).toMatchObject({
      status: 'active',
      tags: { team: 'checkout' },
    });
    expect(targetsOf(found.get(ARNS.loadBalancer))).toEqual([
      ARNS.targetGroup,
      ARNS.subnet1,
      ARNS.subnet2,
      ARNS.securityGroup,
    ]);
    expect(targetsOf(found.get(ARNS.targetGroup))).toEqual([
      ARNS.instanceA,
      ARNS.instanceB,
      ARNS.vpc,
    ]);

    // ECS service -> cluster, its target group, subnet and security group.
    expect(found.get(ARNS.ecsService)).toMatchObject({
      status: 'ACTIVE',
      tags: { component: 'checkout-api' },
      consoleUrl:
        'https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/checkout?region=us-east-1',
    });
    expect(targetsOf(found.get(ARNS.ecsService))).toEqual([
      ARNS.ecsCluster,
      ARNS.targetGroup,
      ARNS.subnet2,
      ARNS.securityGroup,
    ]);
    expect(found.get(ARNS.ecsCluster)!.tags).toEqual({ team: 'platform' });

    // Tags of the services whose listings carry none, from the Tagging API.
    expect(found.get(ARNS.table)!.tags).toEqual({ team: 'checkout' });
    expect(found.get(ARNS.cache)).toMatchObject({
      status: 'available',
      tags: { team: 'checkout' },
    });
    expect(targetsOf(found.get(ARNS.cache))).toEqual([ARNS.securityGroup]);
    expect(found.get(ARNS.queue)).toMatchObject({
      tags: { team: 'checkout' },
      costResourceId: ARNS.queue,
    });
    expect(found.get(ARNS.topic)!.tags).toEqual({ team: 'checkout' });

    // Every relation points at a resource of the same run.
    for (const resource of resources) {
      for (const target of targetsOf(resource)) {
        expect(found.has(target)).toBe(true);
      }
    }
  });

  it('asks for tags once per page of ARNs, never once per resource', async () => {
    await start(serveAwsWorld(serviceWorld()));
    await awsSource().readResources();

    const calls = server!.requestsByAction();
    // Subnet groups, functions, load balancers, target groups, tables,
    // caches, queues and topics in us-east-1, and the buckets of each of
    // their two regions: one call each.
    expect(calls['tagging:GetResources']).toBe(10);
    expect(
      server!.requests
        .filter(r => r.action === 'GetResources')
        .map(r => r.region)
        .sort(),
    ).toEqual([...Array(9).fill('us-east-1'), 'eu-west-1'].sort());
    // Only the bucket whose listing lacked its region is looked up alone.
    expect(calls['s3:GetBucketLocation']).toBe(1);
    expect(Object.keys(calls).filter(action => /Tags/.test(action))).toEqual(
      [],
    );
    // One DescribeTargetHealth for the one target group of instances, one
    // DescribeCluster for the one EKS cluster.
    expect(calls['elasticloadbalancing:DescribeTargetHealth']).toBe(1);
    expect(calls['eks:DescribeCluster']).toBe(1);
  });

  it('reads only the configured types, with only their services', async () => {
    await start(serveAwsWorld(serviceWorld()));
    const resources = (
      await awsSource({
        types: ['rds-instances', 'ecs-services'],
      }).readResources()
    ).resources;

    expect(resources.map(r => r.type).sort()).toEqual([
      'ecs-service',
      'rds-instance',
      'rds-instance',
    ]);
    expect(Object.keys(server!.requestsByAction()).sort()).toEqual([
      'ecs:DescribeServices',
      'ecs:ListClusters',
      'ecs:ListServices',
      'rds:DescribeDBInstances',
      'sts:GetCallerIdentity',
    ]);
  });

  /** A world where one account lists `count` items of each kind of `kinds`. */
  function manyOf(
    count: number,
    make: Partial<Record<FakeAwsKind, (i: number) => any>>,
  ) {
    const world = serviceWorld();
    return {
      ...world,
      listing: (account: string, region: string, kind: FakeAwsKind) => {
        const item = make[kind];
        return item && account === ACCOUNT
          ? ({ count, item } as Listing<any>)
          : world.listing(account, region, kind);
      },
    };
  }

  it('follows each service’s own pagination to the last page', async () => {
    const at = `${REGION}:${ACCOUNT}`;
    await start(
      serveAwsWorld(
        manyOf(230, {
          'rds-instances': i => ({
            DBInstanceIdentifier: `db-${i}`,
            DBInstanceArn: `arn:aws:rds:${at}:db:db-${i}`,
            TagList: [],
          }),
          'lambda-functions': i => ({
            FunctionName: `fn-${i}`,
            FunctionArn: `arn:aws:lambda:${at}:function:fn-${i}`,
          }),
          'dynamodb-tables': i => ({ TableName: `table-${i}` }),
          'eks-clusters': i => ({
            name: `eks-${i}`,
            arn: `arn:aws:eks:${at}:cluster/eks-${i}`,
          }),
          'sqs-queues': i => ({
            QueueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/q-${i}`,
          }),
          'sns-topics': i => ({ TopicArn: `arn:aws:sns:${at}:t-${i}` }),
          's3-buckets': i => ({ Name: `bucket-${i}`, BucketRegion: REGION }),
          'ecs-clusters': i => ({
            clusterArn: `arn:aws:ecs:${at}:cluster/c-${i}`,
            clusterName: `c-${i}`,
          }),
        }),
      ),
    );
    const resources = (
      await awsSource({
        types: [
          'rds-instances',
          'lambda-functions',
          'dynamodb-tables',
          'eks-clusters',
          'sqs-queues',
          'sns-topics',
          's3-buckets',
          'ecs-clusters',
        ],
      }).readResources()
    ).resources;

    const counts: Record<string, number> = {};
    for (const { type } of resources) {
      counts[type] = (counts[type] ?? 0) + 1;
    }
    expect(counts).toEqual({
      'rds-instance': 230,
      'lambda-function': 230,
      'dynamodb-table': 230,
      'kubernetes-cluster': 230,
      'sqs-queue': 230,
      'sns-topic': 230,
      's3-bucket': 230,
      'ecs-cluster': 230,
    });
    const calls = server!.requestsByAction();
    expect(calls).toMatchObject({
      'rds:DescribeDBInstances': 3,
      'lambda:ListFunctions': 5,
      'dynamodb:ListTables': 3,
      'eks:ListClusters': 3,
      'eks:DescribeCluster': 230,
      'sqs:ListQueues': 3,
      'sns:ListTopics': 3,
      's3:ListBuckets': 3,
      'ecs:ListClusters': 3,
      'ecs:DescribeClusters': 3,
    });
    // Each page asked for the next with the token of the page before.
    const markers = server!.requests
      .filter(r => r.action === 'DescribeDBInstances')
      .map(r => r.params.get('Marker'));
    expect(markers[0]).toBeNull();
    expect(new Set(markers).size).toBe(3);
  });

  it('retries a throttled page of each protocol and resumes at that page', async () => {
    const serve = serveAwsWorld(serviceWorld());
    let throttle = false;
    const throttledOnce = new Set<string>();
    await start(request => {
      const key = `${request.service}:${request.action}`;
      if (throttle && request.service !== 'sts' && !throttledOnce.has(key)) {
        throttledOnce.add(key);
        return throttled(request);
      }
      return serve(request);
    });
    const source = awsSource();
    const clean = (await source.readResources()).resources;
    throttle = true;
    const resources = (await source.readResources()).resources;

    expect(resources).toEqual(clean);
    expect(throttledOnce.size).toBeGreaterThanOrEqual(20);
    expect(logger.error).not.toHaveBeenCalled();
    const retried = logger.warn.mock.calls.map(([message]) => message);
    expect(retried).toHaveLength(throttledOnce.size);
    for (const protocol of [
      /DescribeDBInstances \(page 1\) for account 111122223333 in us-east-1 failed \(Throttling: Rate exceeded \(HTTP 400\)\); retry 1 of 5/,
      /ListBuckets \(page 1\) for account 111122223333 failed \(SlowDown/,
      /ListFunctions \(page 1\) .* failed \(TooManyRequestsException/,
      /ListTables \(page 1\) .* failed \(ThrottlingException/,
      /GetResources \(page 1\) .* failed \(ThrottlingException/,
    ]) {
      expect(retried).toEqual(
        expect.arrayContaining([expect.stringMatching(protocol)]),
      );
    }
  });

  it('keeps reading the other services when one is denied, and names the IAM action once', async () => {
    const serve = serveAwsWorld(serviceWorld());
    await start(request =>
      request.action === 'ListFunctions'
        ? accessDenied(request, 'lambda:ListFunctions')
        : serve(request),
    );
    const source = awsSource();
    const resources = (await source.readResources()).resources;

    expect(resources.map(r => r.type)).not.toContain('lambda-function');
    expect(resources.map(r => r.type)).toContain('rds-instance');
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error.mock.calls[0][0]).toMatch(
      /^AWS source "prod": ListFunctions \(page 1\) for account 111122223333 in us-east-1 failed: AccessDeniedException: User: .* is not authorized to perform: lambda:ListFunctions \(HTTP 403\); the credentials may not call lambda:ListFunctions; keeping its entities in the catalog$/,
    );
    // Not retried.
    expect(
      server!.requests.filter(r => r.action === 'ListFunctions'),
    ).toHaveLength(1);
  });
});
