import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import { createAwsSource } from './createAwsSource';
import { CONFIG_ITEMS, OTHER_ACCOUNT } from './__testUtils__/configItems';
import {
  accessDenied,
  AwsReply,
  AwsRequest,
  endpointsOf,
  FakeAwsServer,
  jsonAnswer,
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

describe('createAwsSource through an AWS Config aggregator', () => {
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

  function awsSource(
    config: JsonObject = {},
    rootConfig: JsonObject = MAIN_ACCOUNT,
  ) {
    return createAwsSource({
      id: 'org',
      logger,
      config: new ConfigReader({
        type: 'aws',
        endpoints: endpointsOf(server!.endpoint),
        configAggregator: { name: 'org-aggregator' },
        ...config,
      }),
      rootConfig: new ConfigReader(rootConfig),
      retryBaseDelayMs: 1,
    });
  }

  const byId = (resources: CloudResource[]) =>
    new Map(resources.map(r => [r.nativeId, r]));
  const targetsOf = (resource: CloudResource | undefined) =>
    resource!.relations.map(r => r.targetNativeId);
  const configCalls = () =>
    server!.requests.filter(r => r.action === 'SelectAggregateResourceConfig');

  it('maps every recorded resource of every account and region, with Config’s relationships as relations', async () => {
    await start(serveAwsWorld(serviceWorld({ configItems: CONFIG_ITEMS })));
    const resources = (await awsSource().readResources()).resources;
    const found = byId(resources);

    expect(resources.map(r => [r.type, r.accountId, r.region, r.name])).toEqual(
      [
        ['ec2-instance', ACCOUNT, REGION, 'web-1'],
        ['security-group', ACCOUNT, REGION, 'web'],
        ['subnet', ACCOUNT, REGION, 'subnet-1'],
        ['ebs-volume', ACCOUNT, REGION, 'vol-1'],
        ['vpc', ACCOUNT, REGION, 'shop'],
        ['kubernetes-cluster', ACCOUNT, REGION, 'prod-eks'],
        ['load-balancer', ACCOUNT, REGION, 'web'],
        ['kms-key', ACCOUNT, REGION, '0a1b2c3d-1111-2222-3333-444455556666'],
        ['lambda-function', ACCOUNT, REGION, 'Checkout webhook'],
        ['rds-instance', ACCOUNT, REGION, 'orders-db'],
        ['rds-subnet-group', ACCOUNT, REGION, 'orders-subnets'],
        ['s3-bucket', ACCOUNT, REGION, 'orders-exports'],
        ['sqs-queue', OTHER_ACCOUNT, 'eu-west-1', 'refunds'],
      ],
    );
    // One query, one page: nothing else is called, no STS, no listing.
    expect(server!.requests.map(r => `${r.service}:${r.action}`)).toEqual([
      'config:SelectAggregateResourceConfig',
    ]);
    expect(configCalls()[0].body).toEqual({
      ConfigurationAggregatorName: 'org-aggregator',
      Expression: 'SELECT *, tags, configuration, relationships',
      Limit: 100,
    });

    // The types the listers read get the listers' relations and facts.
    expect(targetsOf(found.get(ARNS.instanceA))).toEqual([
      ARNS.subnet1,
      ARNS.vpc,
      ARNS.securityGroup,
    ]);
    expect(found.get(ARNS.instanceA)).toMatchObject({
      status: 'running',
      costResourceId: 'i-0aaa',
      tags: { Name: 'web-1', team: 'checkout' },
      annotations: { 'multicloud.io/public-ip': '203.0.113.10' },
    });
    expect(
      JSON.parse(
        found.get(ARNS.securityGroup)!.annotations![
          'multicloud.io/open-ingress'
        ],
      ),
    ).toEqual([
      { protocol: 'tcp', ports: '22', source: '0.0.0.0/0' },
      { protocol: 'tcp', ports: '5432', source: '0.0.0.0/0' },
    ]);
    expect(
      found.get(`arn:aws:ec2:${REGION}:${ACCOUNT}:volume/vol-1`),
    ).toMatchObject({
      costResourceId: 'vol-1',
      annotations: { 'multicloud.io/attached': 'true' },
      relations: [{ type: 'dependsOn', targetNativeId: ARNS.instanceA }],
    });
    expect(targetsOf(found.get(ARNS.ordersDb))).toEqual([
      ARNS.subnetGroup,
      ARNS.securityGroup,
    ]);
    expect(targetsOf(found.get(ARNS.subnetGroup))).toEqual([ARNS.vpc]);
    expect(targetsOf(found.get(ARNS.checkoutFunction))).toEqual([
      ARNS.subnet1,
      ARNS.subnet2,
      ARNS.securityGroup,
    ]);
    expect(found.get(ARNS.exportsBucket)).toMatchObject({
      costResourceId: 'orders-exports',
      consoleUrl:
        'https://s3.console.aws.amazon.com/s3/buckets/orders-exports?region=us-east-1',
    });
    expect(found.get(ARNS.eks)).toMatchObject({
      type: 'kubernetes-cluster',
      annotations: {
        'kubernetes.io/api-server':
          'https://B3C2F1A0.gr7.us-east-1.eks.amazonaws.com',
        'kubernetes.io/api-server-certificate-authority':
          'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t',
        'kubernetes.io/auth-provider': 'aws',
      },
    });
    expect(targetsOf(found.get(ARNS.eks))).toEqual([
      ARNS.subnet1,
      ARNS.subnet2,
    ]);

    // Other types: "Is contained in / associated with" relationships, by id
    // or by name; "Contains" ones are the reverse and left out.
    expect(targetsOf(found.get(ARNS.loadBalancer))).toEqual([
      ARNS.vpc,
      ARNS.securityGroup,
      ARNS.subnet1,
    ]);
    expect(found.get(ARNS.loadBalancer)).toMatchObject({
      costResourceId: ARNS.loadBalancer,
      tags: { team: 'checkout' },
    });
    const key = resources.find(r => r.type === 'kms-key')!;
    expect(targetsOf(key)).toEqual([ARNS.checkoutFunction]);
    expect(key.consoleUrl).toBe(
      'https://us-east-1.console.aws.amazon.com/config/home?region=us-east-1#/resources/details?resourceId=0a1b2c3d-1111-2222-3333-444455556666&resourceType=AWS::KMS::Key',
    );
    expect(targetsOf(found.get(ARNS.vpc))).toEqual([]);
  });

  it('gives the types both paths read the same resources as the per-service listers', async () => {
    await start(serveAwsWorld(serviceWorld({ configItems: CONFIG_ITEMS })));
    const viaConfig = byId((await awsSource().readResources()).resources);
    const viaListers = byId(
      (
        await awsSource({
          configAggregator: undefined as any,
          regions: [REGION],
        }).readResources()
      ).resources,
    );

    for (const arn of [
      ARNS.ordersDb,
      ARNS.checkoutFunction,
      ARNS.subnetGroup,
    ]) {
      const { consoleUrl, sourcePart, ...config } = viaConfig.get(arn)!;
      expect(viaListers.get(arn)).toMatchObject(config);
    }
  });

  it('pages the one stream with NextToken, filters by type and region, and resumes a throttled page', async () => {
    const keys = Array.from({ length: 230 }, (_, i) => ({
      accountId: ACCOUNT,
      awsRegion: REGION,
      resourceType: 'AWS::KMS::Key',
      resourceId: `key-${i}`,
      arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/key-${i}`,
      tags: [],
      relationships: [],
    }));
    const serve = serveAwsWorld(serviceWorld({ configItems: keys }));
    let throttles = 1;
    await start(request => {
      if (request.body.NextToken && throttles > 0) {
        throttles--;
        return throttled(request);
      }
      return serve(request);
    });
    const resources = (
      await awsSource({
        regions: ['us-east-1', 'eu-west-1'],
        configAggregator: {
          name: 'org-aggregator',
          region: 'eu-central-1',
          resourceTypes: ['AWS::KMS::Key', 'AWS::S3::Bucket'],
        },
      }).readResources()
    ).resources;

    expect(resources).toHaveLength(230);
    const calls = configCalls();
    expect(calls.map(r => r.region)).toEqual(Array(4).fill('eu-central-1'));
    expect(calls[0].body.Expression).toBe(
      "SELECT *, tags, configuration, relationships WHERE resourceType IN ('AWS::KMS::Key', 'AWS::S3::Bucket') AND awsRegion IN ('us-east-1', 'eu-west-1')",
    );
    const tokens = calls.map(r => r.body.NextToken);
    expect(tokens[0]).toBeUndefined();
    expect(tokens[1]).toBe(tokens[2]);
    expect(new Set(tokens).size).toBe(3);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^AWS source "org": SelectAggregateResourceConfig \(page 2\) of aggregator org-aggregator in eu-central-1 failed \(ThrottlingException: Rate exceeded \(HTTP 400\)\); retry 1 of 5/,
      ),
    );
  });

  it('reads the aggregator with the credentials of the account it lives in', async () => {
    await start(serveAwsWorld(serviceWorld({ configItems: CONFIG_ITEMS })));
    await awsSource(
      {
        configAggregator: {
          name: 'org-aggregator',
          accountId: '999988887777',
        },
      },
      {
        aws: {
          mainAccount: { accessKeyId: 'AKIDMAIN', secretAccessKey: 'main' },
          accounts: [
            {
              accountId: '999988887777',
              accessKeyId: 'AKIDAUDIT',
              secretAccessKey: 'audit',
            },
          ],
        },
      },
    ).readResources();

    expect(configCalls().map(r => r.accessKeyId)).toEqual(['AKIDAUDIT']);
  });

  it('keeps the listers’ accounts reading when the aggregator is denied, and names config:SelectAggregateResourceConfig', async () => {
    const serve = serveAwsWorld(serviceWorld({ configItems: CONFIG_ITEMS }));
    await start(request =>
      request.action === 'SelectAggregateResourceConfig'
        ? accessDenied(request, 'config:SelectAggregateResourceConfig')
        : serve(request),
    );
    const resources = (
      await awsSource(
        {
          accounts: [{ accountId: ACCOUNT }],
          regions: [REGION],
          types: ['sqs-queues'],
        },
        {
          aws: {
            mainAccount: { accessKeyId: 'AKIDMAIN', secretAccessKey: 'main' },
            accounts: [
              {
                accountId: ACCOUNT,
                accessKeyId: 'AKIDSHOP',
                secretAccessKey: 's',
              },
            ],
          },
        },
      ).readResources()
    ).resources;

    expect(resources.map(r => r.type)).toEqual(['sqs-queue']);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringMatching(
        /^AWS source "org": SelectAggregateResourceConfig \(page 1\) of aggregator org-aggregator in us-east-1 failed: AccessDeniedException: .*; the credentials may not call config:SelectAggregateResourceConfig; keeping its entities in the catalog$/,
      ),
    );
    // Alone, the aggregator's failure is the source's.
    await expect(awsSource().readResources()).rejects.toThrow(
      /SelectAggregateResourceConfig \(page 1\) of aggregator org-aggregator in us-east-1 failed: AccessDeniedException/,
    );
  });

  it('rejects a page whose results are not JSON', async () => {
    await start(() =>
      jsonAnswer({ Results: ['{"resourceType": "AWS::S3::Bucket"', '{}'] }),
    );
    await expect(awsSource().readResources()).rejects.toThrow(
      'AWS source "org": SelectAggregateResourceConfig (page 1) of aggregator org-aggregator in us-east-1 failed: malformed answer: a result is not a JSON object',
    );
  });

  it('rejects an aggregator config Config would refuse', () => {
    const create = (configAggregator: JsonObject) =>
      createAwsSource({
        id: 'org',
        logger,
        config: new ConfigReader({ type: 'aws', configAggregator }),
        rootConfig: new ConfigReader({}),
      });
    expect(() => create({ name: 'org aggregator' })).toThrow(
      'AWS source "org": configAggregator.name "org aggregator" is not an aggregator name',
    );
    expect(() =>
      create({ name: 'org', resourceTypes: ['ec2-instance'] }),
    ).toThrow(
      'AWS source "org": configAggregator.resourceTypes entry "ec2-instance" is not a CloudFormation type such as AWS::RDS::DBInstance',
    );
    expect(() => create({ name: 'org', resourceTypes: [] })).toThrow(
      'configAggregator.resourceTypes is empty',
    );
    // Regions are written into the aggregator's query: names only.
    expect(() =>
      createAwsSource({
        id: 'org',
        logger,
        config: new ConfigReader({
          type: 'aws',
          regions: ["eu-west-1') OR (1=1"],
          configAggregator: { name: 'org' },
        }),
        rootConfig: new ConfigReader({}),
      }),
    ).toThrow(
      `AWS source "org": regions entry "eu-west-1') OR (1=1" is not an AWS region such as eu-west-1`,
    );
  });
});
