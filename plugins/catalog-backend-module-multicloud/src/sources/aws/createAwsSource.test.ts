import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { AWS_EC2_TYPES } from './config';
import { createAwsSource } from './createAwsSource';
import {
  assumeRoleAnswer,
  EC2_LIST_ELEMENTS,
  ec2Answer,
  ec2Error,
  FakeEc2Server,
  FakeReply,
  getCallerIdentityAnswer,
  RecordedRequest,
  startFakeEc2Server,
  tagSet,
} from '../../testUtils/fakeEc2Server';

const ACCOUNT = '111122223333';
const ARN = `arn:aws:ec2:us-east-1:${ACCOUNT}`;

/** One account's resources in us-east-1, as EC2 answers them. */
const WORLD: Record<string, string[]> = {
  DescribeInstances: [
    `<reservationId>r-1</reservationId><ownerId>${ACCOUNT}</ownerId><groupSet/><instancesSet><item>` +
      `<instanceId>i-0aaa</instanceId><imageId>ami-1</imageId>` +
      `<instanceState><code>16</code><name>running</name></instanceState>` +
      `<instanceType>t3.micro</instanceType>` +
      `<placement><availabilityZone>us-east-1a</availabilityZone><tenancy>default</tenancy></placement>` +
      `<subnetId>subnet-1</subnetId><vpcId>vpc-1</vpcId><ipAddress>203.0.113.10</ipAddress>` +
      `<groupSet><item><groupId>sg-1</groupId><groupName>web</groupName></item></groupSet>` +
      `${tagSet({ Name: 'web-1', team: 'payments' })}</item></instancesSet>`,
  ],
  DescribeVpcs: [
    `<vpcId>vpc-1</vpcId><ownerId>${ACCOUNT}</ownerId><state>available</state>` +
      `<cidrBlock>10.0.0.0/16</cidrBlock><isDefault>false</isDefault>${tagSet({
        Name: 'prod',
      })}`,
  ],
  DescribeSubnets: [
    `<subnetId>subnet-1</subnetId><subnetArn>${ARN}:subnet/subnet-1</subnetArn><state>available</state>` +
      `<vpcId>vpc-1</vpcId><ownerId>${ACCOUNT}</ownerId><cidrBlock>10.0.1.0/24</cidrBlock>` +
      `<availabilityZone>us-east-1a</availabilityZone>${tagSet({
        Name: 'private-a',
      })}`,
  ],
  DescribeSecurityGroups: [
    `<ownerId>${ACCOUNT}</ownerId><groupId>sg-1</groupId><groupName>web</groupName>` +
      `<groupDescription>web tier</groupDescription><vpcId>vpc-1</vpcId>` +
      `<ipPermissions>` +
      `<item><ipProtocol>tcp</ipProtocol><fromPort>22</fromPort><toPort>22</toPort><groups/>` +
      `<ipRanges><item><cidrIp>0.0.0.0/0</cidrIp><description>temporary</description></item></ipRanges>` +
      `<ipv6Ranges><item><cidrIpv6>::/0</cidrIpv6></item></ipv6Ranges><prefixListIds/></item>` +
      `<item><ipProtocol>tcp</ipProtocol><fromPort>80</fromPort><toPort>443</toPort><groups/>` +
      `<ipRanges><item><cidrIp>10.0.0.0/8</cidrIp></item></ipRanges><ipv6Ranges/><prefixListIds/></item>` +
      `<item><ipProtocol>-1</ipProtocol><groups/>` +
      `<ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges><ipv6Ranges/><prefixListIds/></item>` +
      `</ipPermissions>` +
      `<ipPermissionsEgress><item><ipProtocol>-1</ipProtocol><groups/>` +
      `<ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges></item></ipPermissionsEgress>`,
  ],
  DescribeVolumes: [
    `<volumeId>vol-1</volumeId><size>8</size><availabilityZone>us-east-1a</availabilityZone>` +
      `<status>in-use</status><attachmentSet><item><volumeId>vol-1</volumeId><instanceId>i-0aaa</instanceId>` +
      `<device>/dev/xvda</device><status>attached</status></item></attachmentSet>` +
      `<volumeType>gp3</volumeType>${tagSet({ backup: 'daily' })}`,
  ],
  DescribeNetworkInterfaces: [
    `<networkInterfaceId>eni-1</networkInterfaceId><subnetId>subnet-1</subnetId><vpcId>vpc-1</vpcId>` +
      `<availabilityZone>us-east-1a</availabilityZone><ownerId>${ACCOUNT}</ownerId><status>in-use</status>` +
      `<association><publicIp>203.0.113.10</publicIp><ipOwnerId>${ACCOUNT}</ipOwnerId>` +
      `<allocationId>eipalloc-1</allocationId><associationId>eipassoc-1</associationId></association>` +
      `<attachment><attachmentId>eni-attach-1</attachmentId><instanceId>i-0aaa</instanceId>` +
      `<deviceIndex>0</deviceIndex><status>attached</status></attachment>${tagSet(
        {},
      )}`,
  ],
  DescribeAddresses: [
    `<publicIp>203.0.113.10</publicIp><allocationId>eipalloc-1</allocationId><domain>vpc</domain>` +
      `<associationId>eipassoc-1</associationId><instanceId>i-0aaa</instanceId><networkInterfaceId>eni-1</networkInterfaceId>` +
      `<networkBorderGroup>us-east-1</networkBorderGroup>`,
    `<publicIp>203.0.113.11</publicIp><allocationId>eipalloc-2</allocationId><domain>vpc</domain>` +
      `<networkInterfaceId>eni-1</networkInterfaceId><networkBorderGroup>us-east-1</networkBorderGroup>` +
      `${tagSet({ Name: 'egress' })}`,
  ],
  DescribeNatGateways: [
    `<natGatewayId>nat-1</natGatewayId><subnetId>subnet-1</subnetId><vpcId>vpc-1</vpcId>` +
      `<state>available</state><connectivityType>public</connectivityType>` +
      `<natGatewayAddressSet><item><allocationId>eipalloc-2</allocationId>` +
      `<privateIp>10.0.1.9</privateIp><publicIp>203.0.113.11</publicIp></item></natGatewayAddressSet>${tagSet(
        { Name: 'nat-a' },
      )}`,
  ],
  DescribeRegions: [
    '<regionName>us-east-1</regionName><regionEndpoint>ec2.us-east-1.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus>',
    '<regionName>eu-west-1</regionName><regionEndpoint>ec2.eu-west-1.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus>',
    '<regionName>af-south-1</regionName><regionEndpoint>ec2.af-south-1.amazonaws.com</regionEndpoint><optInStatus>not-opted-in</optInStatus>',
  ],
};

/** Answers STS and WORLD in us-east-1; other regions are empty. */
function world(request: RecordedRequest): FakeReply {
  if (request.action === 'GetCallerIdentity') {
    return getCallerIdentityAnswer(ACCOUNT);
  }
  if (!(request.action in EC2_LIST_ELEMENTS)) {
    return ec2Error(
      400,
      'InvalidAction',
      `The action ${request.action} is not valid`,
    );
  }
  const inRegion =
    request.region === 'us-east-1' || request.action === 'DescribeRegions';
  return ec2Answer(request.action, inRegion ? WORLD[request.action] : []);
}

/** Instances served in three pages of two. */
function instancePage(token: string | null): FakeReply {
  const item = (id: string) =>
    `<ownerId>${ACCOUNT}</ownerId><instancesSet><item><instanceId>${id}</instanceId>` +
    `<instanceState><code>16</code><name>running</name></instanceState>` +
    `<placement><availabilityZone>us-east-1b</availabilityZone></placement></item></instancesSet>`;
  switch (token) {
    case null:
      return ec2Answer(
        'DescribeInstances',
        [item('i-01'), item('i-02')],
        'page-2',
      );
    case 'page-2':
      return ec2Answer(
        'DescribeInstances',
        [item('i-03'), item('i-04')],
        'page-3',
      );
    case 'page-3':
      return ec2Answer('DescribeInstances', [item('i-05')]);
    default:
      return ec2Error(
        400,
        'InvalidParameterValue',
        `Invalid NextToken ${token}`,
      );
  }
}

describe('createAwsSource', () => {
  let server: FakeEc2Server | undefined;
  const logger = mockServices.logger.mock();

  afterEach(async () => {
    await server?.close();
    server = undefined;
    jest.clearAllMocks();
  });

  async function start(reply: (request: RecordedRequest) => FakeReply) {
    server = await startFakeEc2Server(reply);
    return server;
  }

  /** Backstage's `aws` integration config: the main account's static keys. */
  const MAIN_ACCOUNT = {
    aws: {
      mainAccount: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' },
    },
  };

  /** A source of the EC2 kinds, the ones this fake serves, unless `config` names others. */
  function awsSource(
    config: JsonObject = {},
    rootConfig: JsonObject = MAIN_ACCOUNT,
  ) {
    return createAwsSource({
      id: 'prod',
      logger,
      config: new ConfigReader({
        type: 'aws',
        regions: ['us-east-1'],
        endpoint: server!.endpoint,
        stsEndpoint: server!.endpoint,
        ...('resourceKinds' in config ? {} : { types: [...AWS_EC2_TYPES] }),
        ...config,
      }),
      rootConfig: new ConfigReader(rootConfig),
      retryBaseDelayMs: 1,
    });
  }

  it('maps every resource kind with names, tags, relations, cost ids and console links', async () => {
    await start(world);
    const resources = (await awsSource().readResources()).resources;

    expect(resources.map(r => r.nativeId)).toEqual([
      `${ARN}:elastic-ip/eipalloc-1`,
      `${ARN}:elastic-ip/eipalloc-2`,
      `${ARN}:instance/i-0aaa`,
      `${ARN}:natgateway/nat-1`,
      `${ARN}:network-interface/eni-1`,
      `${ARN}:security-group/sg-1`,
      `${ARN}:subnet/subnet-1`,
      `${ARN}:volume/vol-1`,
      `${ARN}:vpc/vpc-1`,
    ]);
    const byId = new Map(resources.map(r => [r.nativeId.split('/')[1], r]));
    const dependsOn = (id: string) =>
      byId.get(id)!.relations.map(r => r.targetNativeId);

    expect(byId.get('i-0aaa')).toEqual({
      provider: 'aws',
      accountId: ACCOUNT,
      region: 'us-east-1',
      type: 'ec2-instance',
      nativeId: `${ARN}:instance/i-0aaa`,
      name: 'web-1',
      tags: { Name: 'web-1', team: 'payments' },
      status: 'running',
      relations: [
        { type: 'dependsOn', targetNativeId: `${ARN}:subnet/subnet-1` },
        { type: 'dependsOn', targetNativeId: `${ARN}:vpc/vpc-1` },
        { type: 'dependsOn', targetNativeId: `${ARN}:security-group/sg-1` },
      ],
      consoleUrl:
        'https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#InstanceDetails:instanceId=i-0aaa',
      costResourceId: 'i-0aaa',
      annotations: {
        'amazonaws.com/arn': `${ARN}:instance/i-0aaa`,
        'amazonaws.com/account-id': ACCOUNT,
        'multicloud.io/public-ip': '203.0.113.10',
      },
      sourcePart: `services:${ACCOUNT}:us-east-1:instances`,
    });
    expect(byId.get('vol-1')).toMatchObject({
      type: 'ebs-volume',
      name: 'vol-1',
      status: 'in-use',
      tags: { backup: 'daily' },
      costResourceId: 'vol-1',
      consoleUrl:
        'https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#VolumeDetails:volumeId=vol-1',
    });
    expect(dependsOn('vol-1')).toEqual([`${ARN}:instance/i-0aaa`]);
    expect(byId.get('vpc-1')).toMatchObject({
      type: 'vpc',
      name: 'prod',
      status: 'available',
    });
    expect(byId.get('subnet-1')).toMatchObject({
      type: 'subnet',
      name: 'private-a',
    });
    expect(dependsOn('subnet-1')).toEqual([`${ARN}:vpc/vpc-1`]);
    expect(byId.get('sg-1')).toMatchObject({
      type: 'security-group',
      name: 'web',
      costResourceId: `${ARN}:security-group/sg-1`,
    });
    expect(dependsOn('sg-1')).toEqual([`${ARN}:vpc/vpc-1`]);
    expect(byId.get('eni-1')).toMatchObject({
      type: 'network-interface',
      name: 'eni-1',
      status: 'in-use',
    });
    expect(dependsOn('eni-1')).toEqual([
      `${ARN}:subnet/subnet-1`,
      `${ARN}:instance/i-0aaa`,
    ]);
    expect(byId.get('eipalloc-1')).toMatchObject({
      type: 'elastic-ip',
      name: '203.0.113.10',
      costResourceId: `${ARN}:elastic-ip/eipalloc-1`,
      consoleUrl:
        'https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#ElasticIpDetails:AllocationId=eipalloc-1',
    });
    expect(dependsOn('eipalloc-1')).toEqual([`${ARN}:instance/i-0aaa`]);
    expect(byId.get('eipalloc-2')!.name).toBe('egress');
    expect(dependsOn('eipalloc-2')).toEqual([`${ARN}:network-interface/eni-1`]);
    expect(byId.get('nat-1')).toMatchObject({
      type: 'nat-gateway',
      name: 'nat-a',
      status: 'available',
      costResourceId: `${ARN}:natgateway/nat-1`,
      consoleUrl:
        'https://us-east-1.console.aws.amazon.com/vpcconsole/home?region=us-east-1#NatGatewayDetails:natGatewayId=nat-1',
    });
    expect(dependsOn('nat-1')).toEqual([`${ARN}:subnet/subnet-1`]);
    // Every relation points at a resource of the same run.
    for (const resource of resources) {
      for (const relation of resource.relations) {
        expect(byId.has(relation.targetNativeId.split('/')[1])).toBe(true);
      }
    }
    // The account came from STS, signed with the configured credentials.
    expect(
      server!.requests.filter(r => r.action === 'GetCallerIdentity'),
    ).toHaveLength(1);
    expect(new Set(server!.requests.map(r => r.accessKeyId))).toEqual(
      new Set(['AKIDTEST']),
    );
  });

  it('writes the facts the alert rules read from the listings: open ingress, public addresses and attachment', async () => {
    await start(world);
    const resources = (await awsSource().readResources()).resources;
    const annotationsOf = (id: string) =>
      resources.find(r => r.nativeId.endsWith(`/${id}`))!.annotations!;

    expect(
      JSON.parse(annotationsOf('sg-1')['multicloud.io/open-ingress']),
    ).toEqual([
      { protocol: 'tcp', ports: '22', source: '0.0.0.0/0' },
      { protocol: 'tcp', ports: '22', source: '::/0' },
      { protocol: 'all', ports: 'all', source: '0.0.0.0/0' },
    ]);
    expect(annotationsOf('i-0aaa')['multicloud.io/public-ip']).toBe(
      '203.0.113.10',
    );
    expect(annotationsOf('eni-1')['multicloud.io/public-ip']).toBe(
      '203.0.113.10',
    );
    expect(annotationsOf('nat-1')['multicloud.io/public-ip']).toBe(
      '203.0.113.11',
    );
    expect(annotationsOf('vol-1')['multicloud.io/attached']).toBe('true');
    expect(annotationsOf('eipalloc-1')).toMatchObject({
      'multicloud.io/attached': 'true',
      'multicloud.io/public-ip': '203.0.113.10',
    });
    // Listed with an interface but no association: not attached.
    expect(annotationsOf('eipalloc-2')['multicloud.io/attached']).toBe('false');
    // Only the types the rules ask about carry the facts.
    for (const id of ['vpc-1', 'subnet-1']) {
      expect(Object.keys(annotationsOf(id))).toEqual([
        'amazonaws.com/arn',
        'amazonaws.com/account-id',
      ]);
    }
  });

  it('reads every enabled region from DescribeRegions when regions is not set', async () => {
    await start(world);
    const source = awsSource({
      regions: undefined as any,
      resourceKinds: ['vpcs'],
    });
    const resources = (await source.readResources()).resources;

    expect(resources.map(r => r.nativeId)).toEqual([`${ARN}:vpc/vpc-1`]);
    const regionsCall = server!.requests.find(
      r => r.action === 'DescribeRegions',
    )!;
    expect(regionsCall.region).toBe('us-east-1');
    expect(
      server!.requests
        .filter(r => r.action === 'DescribeVpcs')
        .map(r => r.region)
        .sort(),
    ).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('only calls the APIs of the configured resourceKinds', async () => {
    await start(world);
    const resources = (
      await awsSource({
        resourceKinds: ['volumes', 'nat-gateways'],
      }).readResources()
    ).resources;

    expect(resources.map(r => r.type)).toEqual(['nat-gateway', 'ebs-volume']);
    expect(new Set(server!.requests.map(r => r.action))).toEqual(
      new Set(['GetCallerIdentity', 'DescribeVolumes', 'DescribeNatGateways']),
    );
    expect(() => awsSource({ resourceKinds: ['buckets'] })).toThrow(
      'AWS source "prod": unknown resourceKinds entry "buckets"; expected some of instances, vpcs, subnets',
    );
  });

  it('follows NextToken across three pages', async () => {
    await start(request =>
      request.action === 'DescribeInstances'
        ? instancePage(request.params.get('NextToken'))
        : world(request),
    );
    const resources = (
      await awsSource({
        resourceKinds: ['instances'],
      }).readResources()
    ).resources;

    expect(resources.map(r => r.costResourceId)).toEqual([
      'i-01',
      'i-02',
      'i-03',
      'i-04',
      'i-05',
    ]);
    const pages = server!.requests.filter(
      r => r.action === 'DescribeInstances',
    );
    expect(pages.map(r => r.params.get('NextToken'))).toEqual([
      null,
      'page-2',
      'page-3',
    ]);
    expect(pages.map(r => r.params.get('MaxResults'))).toEqual([
      '500',
      '500',
      '500',
    ]);
  });

  it('retries a throttled page and resumes the listing at that page', async () => {
    let throttles = 2;
    await start(request => {
      if (request.action === 'DescribeInstances') {
        if (request.params.get('NextToken') === 'page-2' && throttles > 0) {
          throttles--;
          return ec2Error(
            503,
            'RequestLimitExceeded',
            'Request limit exceeded.',
          );
        }
        return instancePage(request.params.get('NextToken'));
      }
      return world(request);
    });
    const resources = (
      await awsSource({
        resourceKinds: ['instances'],
      }).readResources()
    ).resources;

    expect(resources).toHaveLength(5);
    const pages = server!.requests.filter(
      r => r.action === 'DescribeInstances',
    );
    expect(pages.map(r => r.params.get('NextToken'))).toEqual([
      null,
      'page-2',
      'page-2',
      'page-2',
      'page-3',
    ]);
    expect(logger.warn).toHaveBeenCalledTimes(2);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^AWS source "prod": DescribeInstances \(page 2\) for account 111122223333 in us-east-1 failed \(RequestLimitExceeded: Request limit exceeded\. \(HTTP 503\)\); retry 1 of 5 in \d+ ms$/,
      ),
    );
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain('test-secret');
  });

  it('rejects after the retries when a page keeps failing', async () => {
    await start(request =>
      request.action === 'DescribeVpcs'
        ? ec2Error(500, 'InternalError', 'An internal error has occurred')
        : world(request),
    );
    const source = awsSource({ retries: 2, types: ['vpcs'] });

    await expect(source.readResources()).rejects.toThrow(
      'AWS source "prod": DescribeVpcs (page 1) for account 111122223333 in us-east-1 failed after 3 attempts: ' +
        'InternalError: An internal error has occurred (HTTP 500)',
    );
    expect(
      server!.requests.filter(r => r.action === 'DescribeVpcs'),
    ).toHaveLength(3);
  });

  it('does not retry an access error, names the call and the IAM action, and reads the other kinds', async () => {
    await start(request =>
      request.action === 'DescribeSubnets'
        ? ec2Error(
            403,
            'UnauthorizedOperation',
            'You are not authorized to perform this operation.',
          )
        : world(request),
    );

    const resources = (await awsSource().readResources()).resources;

    expect(resources.map(r => r.type)).not.toContain('subnet');
    expect(resources).toHaveLength(8);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenCalledWith(
      'AWS source "prod": DescribeSubnets (page 1) for account 111122223333 in us-east-1 failed: ' +
        'UnauthorizedOperation: You are not authorized to perform this operation. (HTTP 403); ' +
        'the credentials may not call ec2:DescribeSubnets; keeping its entities in the catalog',
    );
    expect(
      server!.requests.filter(r => r.action === 'DescribeSubnets'),
    ).toHaveLength(1);
  });

  it('rejects via requestTimeoutMs when a request never answers', async () => {
    await start(request =>
      request.action === 'DescribeVolumes' ? 'hang' : world(request),
    );
    const source = awsSource({
      requestTimeoutMs: 1500,
      retries: 1,
      resourceKinds: ['volumes'],
    });

    await expect(source.readResources()).rejects.toThrow(
      /^AWS source "prod": DescribeVolumes \(page 1\) for account 111122223333 in us-east-1 failed after 2 attempts: TimeoutError: .*1500 ms requestTimeout/,
    );
  });

  it('rejects a page that is not XML', async () => {
    await start(request =>
      request.action === 'DescribeInstances'
        ? { body: '<DescribeInstancesResponse><reservationSet><item>' }
        : world(request),
    );

    await expect(
      awsSource({ types: ['instances'] }).readResources(),
    ).rejects.toThrow(
      /^AWS source "prod": DescribeInstances \(page 1\) for account 111122223333 in us-east-1 failed: malformed answer \(HTTP 200\): @aws-sdk XML parse error/,
    );
    expect(
      server!.requests.filter(r => r.action === 'DescribeInstances'),
    ).toHaveLength(1);
  });

  it('rejects a page of the wrong shape', async () => {
    await start(request => {
      if (request.action === 'DescribeVpcs') {
        return {
          body: '<DescribeVpcsResponse><requestId>1</requestId><vpcs/></DescribeVpcsResponse>',
        };
      }
      if (request.action === 'DescribeSubnets') {
        return ec2Answer('DescribeSubnets', [
          '<cidrBlock>10.0.0.0/24</cidrBlock>',
        ]);
      }
      return world(request);
    });

    await expect(
      awsSource({ resourceKinds: ['vpcs'] }).readResources(),
    ).rejects.toThrow(
      'AWS source "prod": DescribeVpcs (page 1) for account 111122223333 in us-east-1 failed: malformed answer: the answer has no <vpcSet>',
    );
    await expect(
      awsSource({ resourceKinds: ['subnets'] }).readResources(),
    ).rejects.toThrow(
      'AWS source "prod": DescribeSubnets (page 1) for account 111122223333 in us-east-1 failed: malformed answer: found a subnet without SubnetId',
    );
  });

  it('stops when the run is aborted', async () => {
    const controller = new AbortController();
    await start(request => {
      if (request.action === 'DescribeVpcs') {
        setImmediate(() => controller.abort());
        return 'hang';
      }
      return world(request);
    });

    await expect(
      awsSource({ resourceKinds: ['vpcs'] }).readResources({
        signal: controller.signal,
      }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(
      server!.requests.filter(r => r.action === 'DescribeVpcs'),
    ).toHaveLength(1);
  });

  it('assumes each account role with its external id and reads EC2 with the assumed credentials', async () => {
    const roles: Record<string, string> = {
      'arn:aws:iam::222233334444:role/backstage-reader': 'ASIAACCOUNTA',
      'arn:aws:iam::555566667777:role/backstage-reader': 'ASIAACCOUNTB',
    };
    await start(request => {
      if (request.action === 'AssumeRole') {
        const roleArn = request.params.get('RoleArn')!;
        return assumeRoleAnswer(roleArn, roles[roleArn]);
      }
      const account =
        request.accessKeyId === 'ASIAACCOUNTA'
          ? '222233334444'
          : '555566667777';
      return request.action === 'DescribeVpcs'
        ? ec2Answer('DescribeVpcs', [
            `<vpcId>vpc-${account}</vpcId><ownerId>${account}</ownerId>`,
          ])
        : ec2Answer(request.action, []);
    });
    const source = awsSource({
      regions: ['us-east-1', 'eu-west-1'],
      accounts: [
        {
          accountId: '222233334444',
          roleArn: 'arn:aws:iam::222233334444:role/backstage-reader',
          externalId: 'backstage-ext-id',
        },
        {
          accountId: '555566667777',
          roleArn: 'arn:aws:iam::555566667777:role/backstage-reader',
        },
      ],
    });
    const resources = (await source.readResources()).resources;

    expect(resources.map(r => r.nativeId)).toEqual([
      'arn:aws:ec2:eu-west-1:222233334444:vpc/vpc-222233334444',
      'arn:aws:ec2:eu-west-1:555566667777:vpc/vpc-555566667777',
      'arn:aws:ec2:us-east-1:222233334444:vpc/vpc-222233334444',
      'arn:aws:ec2:us-east-1:555566667777:vpc/vpc-555566667777',
    ]);
    const assumeRoles = server!.requests.filter(r => r.action === 'AssumeRole');
    expect(assumeRoles.map(r => Object.fromEntries(r.params))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          RoleArn: 'arn:aws:iam::222233334444:role/backstage-reader',
          RoleSessionName: 'backstage-multicloud',
          ExternalId: 'backstage-ext-id',
        }),
        {
          Action: 'AssumeRole',
          Version: '2011-06-15',
          RoleArn: 'arn:aws:iam::555566667777:role/backstage-reader',
          RoleSessionName: 'backstage-multicloud',
        },
      ]),
    );
    // One AssumeRole per account, signed with the base credentials; EC2 with the assumed ones.
    expect(assumeRoles).toHaveLength(2);
    expect(assumeRoles.every(r => r.accessKeyId === 'AKIDTEST')).toBe(true);
    const ec2Keys = server!.requests
      .filter(r => r.action !== 'AssumeRole')
      .map(r => r.accessKeyId);
    expect(ec2Keys.length).toBeGreaterThan(0);
    expect(new Set(ec2Keys)).toEqual(new Set(['ASIAACCOUNTA', 'ASIAACCOUNTB']));
    expect(server!.requests.some(r => r.action === 'GetCallerIdentity')).toBe(
      false,
    );
  });

  it('names the role when AssumeRole is denied', async () => {
    await start(request =>
      request.action === 'AssumeRole'
        ? {
            status: 403,
            body:
              '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>' +
              '<Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole</Message>' +
              '</Error><RequestId>1</RequestId></ErrorResponse>',
          }
        : world(request),
    );
    const source = awsSource({
      accounts: [
        {
          accountId: '222233334444',
          roleArn: 'arn:aws:iam::222233334444:role/missing',
        },
      ],
    });

    await expect(source.readResources()).rejects.toThrow(
      'AWS source "prod": AssumeRole of arn:aws:iam::222233334444:role/missing for account 222233334444 failed: ' +
        'AccessDenied: User is not authorized to perform: sts:AssumeRole (HTTP 403)',
    );
  });

  it('rejects invalid config at creation', () => {
    const create = (config: JsonObject) =>
      createAwsSource({
        id: 'prod',
        logger,
        config: new ConfigReader({ type: 'aws', ...config }),
        rootConfig: new ConfigReader({}),
      });
    expect(() => create({ regions: [] })).toThrow(
      'AWS source "prod": regions is empty',
    );
    expect(() =>
      create({
        accounts: [{ accountId: '1234', roleArn: 'arn:aws:iam::1234:role/x' }],
      }),
    ).toThrow(
      'AWS source "prod": accountId "1234" is not a 12-digit AWS account id',
    );
    const role = {
      accountId: '222233334444',
      roleArn: 'arn:aws:iam::222233334444:role/r',
    };
    expect(() => create({ accounts: [role, role] })).toThrow(
      'AWS source "prod": account 222233334444 is listed twice in accounts',
    );
    expect(() =>
      create({
        accounts: [{ accountId: '222233334444', externalId: 'x' }],
      }),
    ).toThrow(
      'AWS source "prod": account 222233334444 has an externalId but no roleArn',
    );
  });

  it("reads an account with the static keys Backstage's aws.accounts config gives it", async () => {
    await start(request =>
      request.action === 'DescribeVpcs'
        ? ec2Answer('DescribeVpcs', [
            `<vpcId>vpc-9</vpcId><ownerId>222233334444</ownerId>`,
          ])
        : ec2Answer(request.action, []),
    );
    const source = awsSource(
      { accounts: [{ accountId: '222233334444' }] },
      {
        aws: {
          mainAccount: {
            accessKeyId: 'AKIDMAIN',
            secretAccessKey: 'main-secret',
          },
          accounts: [
            {
              accountId: '222233334444',
              accessKeyId: 'AKIDINTEGRATION',
              secretAccessKey: 'integration-secret',
            },
          ],
        },
      },
    );

    const resources = (await source.readResources()).resources;

    expect(resources.map(r => r.nativeId)).toEqual([
      'arn:aws:ec2:us-east-1:222233334444:vpc/vpc-9',
    ]);
    // Every EC2 call is signed with the account's keys; no STS call at all.
    expect(server!.requests.length).toBeGreaterThan(0);
    expect(new Set(server!.requests.map(r => r.accessKeyId))).toEqual(
      new Set(['AKIDINTEGRATION']),
    );
    expect(server!.requests.map(r => r.action)).not.toContain(
      'GetCallerIdentity',
    );
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('warns once, at creation, that accounts[].roleArn is deprecated, and keeps reading through it', async () => {
    await start(request =>
      request.action === 'AssumeRole'
        ? assumeRoleAnswer(request.params.get('RoleArn')!, 'ASIAASSUMED')
        : ec2Answer(request.action, []),
    );
    const source = awsSource({
      accounts: [
        {
          accountId: '222233334444',
          roleArn: 'arn:aws:iam::222233334444:role/backstage-reader',
        },
      ],
    });

    await source.readResources();
    await source.readResources();

    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'AWS source "prod": accounts[].roleArn and accounts[].externalId are deprecated; configure each account\'s role under aws.accounts',
      ),
    );
    expect(
      server!.requests
        .filter(r => r.action !== 'AssumeRole')
        .every(r => r.accessKeyId === 'ASIAASSUMED'),
    ).toBe(true);
  });
});
